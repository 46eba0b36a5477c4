from django.urls import path

from coplanner.planning import conference_views

app_name = "conference"

urlpatterns = [
    path(
        "classes/<int:classroom_id>/", conference_views.class_conference, name="class"
    ),
    path("students/<int:student_id>/", conference_views.board, name="board"),
    path("students/<int:student_id>/start/", conference_views.start, name="start"),
    path("students/<int:student_id>/ask/", conference_views.ask, name="ask"),
    path("students/<int:student_id>/sign/", conference_views.sign, name="sign"),
    path(
        "students/<int:student_id>/hand-in/",
        conference_views.hand_in,
        name="hand_in",
    ),
    path(
        "students/<int:student_id>/history/",
        conference_views.history,
        name="history",
    ),
]
