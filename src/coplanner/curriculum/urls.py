"""Pages about the curriculum: the skills import."""

from django.urls import path

from coplanner.curriculum import upload

app_name = "curriculum"

urlpatterns = [path("import/", upload.import_skills, name="import_skills")]
