from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from coplanner.accounts import views as account_views
from coplanner.api.api import build_urls as build_api_urls
from coplanner.curriculum import colours
from coplanner.planning import views as planning_views
from coplanner.roster import views as roster_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "activity-colours.css",
        colours.activity_colours_css,
        name="activity_colours",
    ),
    path("classes/", roster_views.classroom_list, name="classroom_list"),
    path(
        "classes/<int:classroom_id>/",
        roster_views.classroom_detail,
        name="classroom_detail",
    ),
    path(
        "classes/<int:classroom_id>/draft/",
        roster_views.classroom_draft,
        name="classroom_draft",
    ),
    path(
        "students/<int:student_id>/week/",
        planning_views.student_week,
        name="student_week",
    ),
    path("", include("coplanner.accounts.urls")),
    path("roster/", include("coplanner.roster.urls")),
    path("skills/", include("coplanner.curriculum.urls")),
    path("mastery/", include("coplanner.mastery.urls")),
    path("handouts/", include("coplanner.handouts.urls")),
    path("voice/", include("coplanner.voice.urls")),
    path("conference/", include("coplanner.planning.conference_urls")),
    path("audit/", include("coplanner.audit.urls")),
    path("privacy/", include("coplanner.privacy.urls")),
    path("api/v1/", build_api_urls()),
    path("integrations/", include("coplanner.api.urls")),
    path("admin/", admin.site.urls),
]
