"""The accounts pages: the class tablet, the teacher's side, the leader's side."""

from django.urls import path

from coplanner.accounts import class_views, people_views, picture_views

app_name = "accounts"

urlpatterns = [
    # The class tablet (no sign-in needed: the link or the badge is the key).
    path("picture/<str:token>/", picture_views.picture_login, name="picture_login"),
    path(
        "picture/<str:token>/<int:student_id>/",
        picture_views.picture_password,
        name="picture_password",
    ),
    path("badge/<str:token>/", picture_views.badge_login, name="badge_login"),
    # The teacher's side of a class.
    path(
        "classes/<int:classroom_id>/pictures/",
        class_views.class_pictures,
        name="class_pictures",
    ),
    path(
        "classes/<int:classroom_id>/pictures/new/",
        class_views.class_new_pictures,
        name="class_new_pictures",
    ),
    path(
        "classes/<int:classroom_id>/pictures/link/",
        class_views.class_renew_link,
        name="class_renew_link",
    ),
    path(
        "classes/<int:classroom_id>/pictures/unlock/",
        class_views.class_unlock,
        name="class_unlock",
    ),
    path(
        "classes/<int:classroom_id>/pictures/badges.pdf",
        class_views.class_badges,
        name="class_badges",
    ),
    path(
        "classes/<int:classroom_id>/pictures/<int:student_id>/",
        class_views.student_pictures,
        name="student_pictures",
    ),
    path(
        "classes/<int:classroom_id>/pictures/<int:student_id>/unlock/",
        class_views.student_unlock,
        name="student_unlock",
    ),
    # Adults' accounts.
    path("people/", people_views.people, name="people"),
    path(
        "people/<int:user_id>/password/",
        people_views.person_password,
        name="person_password",
    ),
    path(
        "people/<int:user_id>/unlock/",
        people_views.person_unlock,
        name="person_unlock",
    ),
    path(
        "account/password/",
        people_views.ChoosePasswordView.as_view(),
        name="password_change",
    ),
]
