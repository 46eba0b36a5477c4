"""The rotation board: who is where in every block, the current one marked."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from coplanner.accounts.access import access_students
from coplanner.handouts.queries import get_class_week, get_rotation_board
from coplanner.planning.actions import propose_class_drafts
from coplanner.planning.queries import get_week_start
from tests.cast import PASSWORD
from tests.handouts.helpers import add_small_group, make_plan, pdf_pages_ink, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def grouped(cast):
    add_small_group(cast)
    make_plan(cast.ana, math="count-table")
    make_plan(cast.ben, math="count-table")
    return cast


def test_small_group_names_the_skill_its_students_have_not_mastered(grouped):
    week = get_class_week(
        grouped.room1, access_students(grouped.rivera.user), get_week_start()
    )
    first = get_rotation_board(week)[0]
    group = first.stations[0]
    assert group.activity.code == "count-table"
    assert [s.display_name for s, _slot in group.students] == [
        "Ana López",
        "Ben Adeyemi",
    ]
    assert [skill.name for skill in group.skills] == ["Counting to 20"]


def test_the_block_running_now_is_marked(grouped):
    week = get_class_week(
        grouped.room1, access_students(grouped.rivera.user), get_week_start()
    )
    tuesday_ten = datetime.datetime.combine(
        week.week_start + datetime.timedelta(days=1),
        datetime.time(10, 20),
        tzinfo=timezone.get_current_timezone(),
    )
    board = get_rotation_board(week, now=tuesday_ten)
    now = [item.block.code for item in board if item.is_now]
    assert now == ["d1-2"]


def test_board_page_and_pdf(client, grouped, tmp_path):
    assert client.login(username="rivera", password=PASSWORD)
    page = client.get(reverse("handouts:board", args=[grouped.room1.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Counting table" in html and "Skill: Counting to 20" in html
    assert "Ana López" in html and "With a buddy" in html

    now = client.get(reverse("handouts:board_now", args=[grouped.room1.pk]))
    assert now.status_code == 200

    response = client.get(reverse("handouts:board_pdf", args=[grouped.room1.pk]))
    inks = pdf_pages_ink(response.content, tmp_path)
    assert len(inks) == 5 and all(ink > 10 for ink in inks)
    text = pdf_text(response.content, tmp_path)
    assert "Rotation board · Room 1" in text
    assert "Skill: Counting to 20" in text and "Ana López" in text


def test_board_of_a_week_drafted_by_the_planner(client, cast, tmp_path):
    result = propose_class_drafts(
        cast.room2, get_week_start(), cast.chen.user, time_limit_s=5
    )
    assert result.has_plans
    assert client.login(username="chen", password=PASSWORD)
    response = client.get(reverse("handouts:board_pdf", args=[cast.room2.pk]))
    text = pdf_text(response.content, tmp_path)
    assert text.count("Carla Nguyễn") == 15


def test_another_teacher_cannot_open_the_board(client, grouped):
    assert client.login(username="chen", password=PASSWORD)
    url = reverse("handouts:board", args=[grouped.room1.pk])
    assert client.get(url).status_code == 404
