"""Schedule cards, rotation board, calendar links, family view, exports."""

from django.urls import path, register_converter

from coplanner.handouts import views

app_name = "handouts"


class ExportKind:
    """What an export holds: the week's plans or the mastery estimates."""

    regex = "plans|mastery"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ExportKind, "export")

urlpatterns = [
    path("classes/<int:classroom_id>/", views.class_handouts, name="class"),
    path("classes/<int:classroom_id>/cards.pdf", views.class_cards, name="class_cards"),
    path("students/<int:student_id>/card.pdf", views.student_card, name="student_card"),
    path("classes/<int:classroom_id>/board/", views.rotation_board, name="board"),
    path(
        "classes/<int:classroom_id>/board/now/",
        views.rotation_board_now,
        name="board_now",
    ),
    path(
        "classes/<int:classroom_id>/board.pdf",
        views.rotation_board_pdf,
        name="board_pdf",
    ),
    path(
        "students/<int:student_id>/calendar/",
        views.calendar_links,
        name="calendar_links",
    ),
    path("feeds/<str:token>.ics", views.calendar_feed, name="feed"),
    path("family/<int:student_id>/", views.family_week, name="family_week"),
    path(
        "classes/<int:classroom_id>/<export:kind>.csv",
        views.class_export,
        name="class_export",
    ),
    path(
        "schools/<int:school_id>/<export:kind>.csv",
        views.school_export,
        name="school_export",
    ),
]
