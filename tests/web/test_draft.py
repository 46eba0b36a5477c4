"""A teacher drafts the class's week with the planner, from the database."""

import datetime

import pytest
from django.urls import reverse

from coplanner.planning.models import MustDo, Plan, PlanStatus, PlanVersion
from coplanner.planning.queries import get_week_start
from tests.cast import PASSWORD

pytestmark = pytest.mark.django_db


def draft(client, classroom):
    return client.post(reverse("classroom_draft", args=[classroom.pk]), follow=True)


def test_draft_gives_every_student_a_full_week_with_reasons(client, cast):
    assert client.login(username="rivera", password=PASSWORD)
    page = draft(client, cast.room1)
    assert "Drafted 2 plans" in page.content.decode()

    blocks = set(cast.template.blocks.values_list("code", flat=True))
    for student in (cast.ana, cast.ben):
        plan = Plan.objects.get(student=student, week_start=get_week_start())
        assert plan.status == PlanStatus.DRAFT and plan.version == 1
        version = plan.versions.get()
        slots = list(version.slots.select_related("block", "activity"))
        assert {slot.block.code for slot in slots} == blocks
        for slot in slots:
            subject = slot.block.subject
            assert subject is None or slot.activity.subject == subject
        assert all(slot.reasons for slot in slots)
    assert not Plan.objects.filter(student=cast.carla).exists()


def test_drafting_again_adds_a_version_and_keeps_agreed_plans(client, cast):
    assert client.login(username="rivera", password=PASSWORD)
    draft(client, cast.room1)
    agreed = Plan.objects.get(student=cast.ana)
    agreed.status = PlanStatus.AGREED
    agreed.save()

    draft(client, cast.room1)
    assert PlanVersion.objects.filter(plan=agreed).count() == 1
    ben = Plan.objects.get(student=cast.ben)
    assert ben.version == 2
    assert list(ben.versions.values_list("number", flat=True)) == [2, 1]


def test_the_week_page_shows_the_drafted_slots(client, cast):
    assert client.login(username="rivera", password=PASSWORD)
    draft(client, cast.room1)
    text = client.get(reverse("student_week", args=[cast.ana.pk])).content.decode()
    assert "not ready yet" not in text and "no plan for this week" not in text
    assert "Counting bears" in text or "Number puzzles" in text


def test_infeasible_week_is_explained(client, cast):
    # One activity per subject cannot fill three blocks a day when an
    # activity may appear only once a day.
    cast.school.activities.filter(code="puzzles").delete()
    assert client.login(username="rivera", password=PASSWORD)
    text = draft(client, cast.room1).content.decode()
    assert "No week fits every rule" in text
    assert not Plan.objects.exists()


def test_only_people_of_the_class_may_draft(client, cast):
    assert client.login(username="chen", password=PASSWORD)
    response = client.post(reverse("classroom_draft", args=[cast.room1.pk]))
    assert response.status_code == 404
    assert (
        client.get(reverse("classroom_draft", args=[cast.room2.pk])).status_code == 405
    )
    assert not Plan.objects.exists()


def test_week_start_is_a_monday():
    assert get_week_start(datetime.date(2026, 12, 3)) == datetime.date(2026, 11, 30)


def test_a_conflict_names_the_student_not_the_code(client, cast):
    # Both students must do Counting bears, which has one seat and runs in
    # one block only: the planner names who cannot get in.
    counting = cast.school.activities.get(code="counting")
    counting.capacity = 1
    counting.save()
    counting.allowed_blocks.set([cast.template.blocks.get(code="d0-1")])
    MustDo.objects.create(classroom=cast.room1, activity=counting, at_least=1)

    assert client.login(username="rivera", password=PASSWORD)
    text = draft(client, cast.room1).content.decode()
    assert "No week fits every rule" in text
    named = [s for s in (cast.ana, cast.ben) if s.first_name in text]
    assert named, text
    assert cast.ana.code not in text and cast.ben.code not in text
