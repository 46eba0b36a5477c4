"""Each role sees only its own people; everything else is simply not found."""

import datetime

import pytest
from django.urls import reverse

from coplanner.planning.models import Plan, PlanVersion, Slot
from tests.cast import PASSWORD

pytestmark = pytest.mark.django_db


def log_in(client, username: str) -> None:
    assert client.login(username=username, password=PASSWORD)


class TestEveryPageNeedsLogin:
    @pytest.mark.parametrize("name", ["home", "classroom_list"])
    def test_anonymous_is_sent_to_login(self, client, cast, name):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_anonymous_cannot_open_a_student_week(self, client, cast):
        response = client.get(reverse("student_week", args=[cast.ana.pk]))
        assert response.status_code == 302

    def test_login_page_is_open(self, client, cast):
        assert client.get(reverse("login")).status_code == 200


class TestTeacher:
    def test_home_goes_to_the_only_class(self, client, cast):
        log_in(client, "rivera")
        response = client.get(reverse("home"))
        assert response["Location"] == reverse("classroom_detail", args=[cast.room1.pk])

    def test_class_page_lists_own_students_with_grade_autonomy_and_plan(
        self, client, cast
    ):
        log_in(client, "rivera")
        page = client.get(reverse("classroom_detail", args=[cast.room1.pk]))
        text = page.content.decode()
        assert "Ana López" in text and "Ben Adeyemi" in text
        assert "Carla" not in text
        assert "1 · choose" in text
        assert "No plan yet" in text

    def test_another_class_is_not_found(self, client, cast):
        log_in(client, "rivera")
        response = client.get(reverse("classroom_detail", args=[cast.room2.pk]))
        assert response.status_code == 404

    def test_another_class_student_is_not_found(self, client, cast):
        log_in(client, "rivera")
        response = client.get(reverse("student_week", args=[cast.carla.pk]))
        assert response.status_code == 404

    def test_class_list_shows_only_own_classes(self, client, cast):
        log_in(client, "chen")
        text = client.get(reverse("classroom_list")).content.decode()
        assert "Room 2" in text and "Room 1" not in text


class TestCoach:
    def test_coach_sees_the_class_they_coach(self, client, cast):
        log_in(client, "okafor")
        page = client.get(reverse("classroom_detail", args=[cast.room1.pk]))
        assert page.status_code == 200
        other = client.get(reverse("classroom_detail", args=[cast.room2.pk]))
        assert other.status_code == 404


class TestLeader:
    def test_leader_sees_every_class_of_the_school(self, client, cast):
        log_in(client, "hill")
        text = client.get(reverse("classroom_list")).content.decode()
        assert "Room 1" in text and "Room 2" in text
        page = client.get(reverse("student_week", args=[cast.carla.pk]))
        assert page.status_code == 200


class TestStudent:
    def test_home_is_my_week_and_says_it_is_not_ready(self, client, cast):
        log_in(client, "ana")
        response = client.get(reverse("home"), follow=True)
        text = response.content.decode()
        assert "My week" in text
        assert "not ready yet" in text

    def test_another_student_is_not_found(self, client, cast):
        log_in(client, "ana")
        response = client.get(reverse("student_week", args=[cast.ben.pk]))
        assert response.status_code == 404

    def test_class_page_is_not_found(self, client, cast):
        log_in(client, "ana")
        response = client.get(reverse("classroom_detail", args=[cast.room1.pk]))
        assert response.status_code == 404

    def test_week_shows_the_latest_version_of_the_plan(self, client, cast):
        monday = datetime.date.today() - datetime.timedelta(
            days=datetime.date.today().weekday()
        )
        plan = Plan.objects.create(student=cast.ana, week_start=monday)
        block = cast.template.blocks.get(code="d0-2")
        nook = cast.school.activities.get(code="nook")
        old = PlanVersion.objects.create(plan=plan, number=1, source="planner")
        Slot.objects.create(version=old, block=block, activity=nook)
        new = PlanVersion.objects.create(plan=plan, number=2, source="coach")
        Slot.objects.create(
            version=new,
            block=block,
            activity=nook,
            variant=nook.variants.get(code="buddy"),
            reasons=["You love the reading nook"],
        )
        log_in(client, "ana")
        text = client.get(reverse("student_week", args=[cast.ana.pk])).content.decode()
        assert "Reading nook" in text
        assert "With a buddy" in text
        assert "You love the reading nook" in text
        assert "not ready yet" not in text


class TestGuardian:
    def test_home_lists_own_children_only(self, client, cast):
        log_in(client, "lopez")
        text = client.get(reverse("home")).content.decode()
        assert "Ana López" in text
        assert "Ben" not in text and "Carla" not in text

    def test_own_child_week_opens_and_others_are_not_found(self, client, cast):
        log_in(client, "lopez")
        own = client.get(reverse("student_week", args=[cast.ana.pk]))
        assert own.status_code == 200
        for other in (cast.ben, cast.carla):
            response = client.get(reverse("student_week", args=[other.pk]))
            assert response.status_code == 404
