"""Pages about the roster: its import from a student information system."""

from django.urls import path

from coplanner.roster import upload

app_name = "roster"

urlpatterns = [path("import/", upload.import_roster, name="import_roster")]
