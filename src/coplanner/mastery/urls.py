"""Pages about evidence and mastery."""

from django.urls import path  # noqa: F401 - used by the patterns below

app_name = "mastery"

urlpatterns: list = []

# Evidence import: the upload page and its report.
from coplanner.mastery import upload  # noqa: E402

urlpatterns += [path("import/", upload.import_evidence, name="import_evidence")]

# The class heat map, the evidence behind a cell, the student's skill map.
from coplanner.mastery import views as mastery_views  # noqa: E402

urlpatterns += [
    path("classes/<int:classroom_id>/", mastery_views.heat_map, name="heat_map"),
    path(
        "students/<int:student_id>/skills/",
        mastery_views.skill_map,
        name="skill_map",
    ),
    path(
        "students/<int:student_id>/skills/<int:skill_id>/",
        mastery_views.evidence,
        name="evidence",
    ),
    path(
        "students/<int:student_id>/skills/<int:skill_id>/override/",
        mastery_views.band_override,
        name="band_override",
    ),
]
