"""The coach's class view of the conference week: who is where, who is next.

Room 1 grows for these tests: besides Ana and Ben come Dara, Eli, Femi and
Gia (who, at autonomy level 3, drafts her own week), drafted together; Zoe
joins after the draft, so she has no plan yet. In class order (first names)
they are Ana, Ben, Dara, Eli, Femi, Gia, Zoe. Mr Okafor is the coach looking
at the page; Ms Rivera, Room 1's teacher, confers too.
"""

import datetime

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coplanner.accounts.roles import ensure_role_groups
from coplanner.planning.actions import propose_class_drafts
from coplanner.planning.class_conference import LoopState, get_class_conference
from coplanner.planning.conference import (
    record_hand_in,
    record_signature,
    start_conference,
)
from coplanner.planning.models import ChangeSource, Plan, PlanStatus, PlanVersion
from coplanner.planning.queries import get_week_start
from coplanner.roster.models import Classroom, Student
from tests.cast import PASSWORD, Cast

pytestmark = pytest.mark.django_db


def log_in(client: Client, username: str) -> None:
    assert client.login(username=username, password=PASSWORD)


def add_student(
    room: Classroom, code: str, first: str, last: str, autonomy: int = 1
) -> Student:
    return Student.objects.create(
        school=room.school,
        classroom=room,
        code=code,
        first_name=first,
        last_name=last,
        grade=room.grade,
        autonomy=autonomy,
    )


def give_login(pupil: Student) -> User:
    """Let a student sign in, so that they can sign their own plan."""
    user = User.objects.create_user(pupil.code, password=PASSWORD)
    user.groups.add(ensure_role_groups()["student"])
    pupil.user = user
    pupil.save(update_fields=["user"])
    return user


def plan_of(student: Student) -> Plan:
    return Plan.objects.get(student=student, week_start=get_week_start())


def sign(student: Student, signer: str, by: User) -> None:
    record_signature(student, get_week_start(), signer, by, plan_of(student).version)


def page(client: Client, room: Classroom, query: str = "") -> str:
    response = client.get(reverse("conference:class", args=[room.pk]) + query)
    assert response.status_code == 200
    return response.content.decode()


def row_of(text: str, name: str) -> str:
    """Return the table row of the student with this full name."""
    start = text.index(f">{name}</a>")
    return text[start : text.index("</tr>", start)]


def board_url(student: Student) -> str:
    return reverse("conference:board", args=[student.pk])


@pytest.fixture
def drafted(cast: Cast) -> Cast:
    """Draft Room 1 with Dara, Eli, Femi and Gia added; Zoe joins afterwards."""
    for code, first, last in [
        ("dara", "Dara", "Kim"),
        ("eli", "Eli", "Moreau"),
        ("femi", "Femi", "Bello"),
    ]:
        add_student(cast.room1, code, first, last)
    add_student(cast.room1, "gia", "Gia", "Russo", autonomy=3)
    result = propose_class_drafts(cast.room1, get_week_start(), None, time_limit_s=3)
    assert result.has_plans, result
    add_student(cast.room1, "zoe", "Zoe", "Park")
    return cast


def by_code(code: str) -> Student:
    return Student.objects.get(code=code)


@pytest.fixture
def every_state(drafted: Cast) -> Cast:
    """Put each of Room 1's students in another state of the loop.

    Ana is agreed; Ben is in conference with Ms Rivera; Dara's coach signed
    and waits for her; Eli agreed and waits for the coach; Femi has a draft
    ready; Gia handed in the week she drafted; Zoe has no plan.
    """
    cast = drafted
    okafor, rivera = cast.okafor.user, cast.rivera.user
    sign(cast.ana, "coach", okafor)
    sign(cast.ana, "student", okafor)
    start_conference(plan_of(cast.ben), rivera)
    sign(by_code("dara"), "coach", okafor)
    eli = by_code("eli")
    sign(eli, "student", give_login(eli))
    gia = by_code("gia")
    record_hand_in(gia, get_week_start(), give_login(gia), plan_of(gia).version)
    return cast


class TestStates:
    def test_each_student_is_shown_in_their_state(self, client, every_state):
        cast = every_state
        log_in(client, "okafor")
        text = page(client, cast.room1)
        expected = {
            "Ana López": ("agreed", "Agreed"),
            "Ben Adeyemi": ("in_conference", "In conference"),
            "Dara Kim": ("coach_signed", "Coach signed, waiting for the student"),
            "Eli Moreau": ("student_signed", "Student agreed, waiting for the coach"),
            "Femi Bello": ("draft", "Draft ready"),
            "Gia Russo": ("handed_in", "Handed in, waiting for review"),
            "Zoe Park": ("no_plan", "No plan yet"),
        }
        for name, (state, label) in expected.items():
            row = row_of(text, name)
            assert f'<span class="pill {state}">{label}</span>' in row, name
        assert "with Lucía Rivera" in row_of(text, "Ben Adeyemi")
        assert "with you" in row_of(text, "Dara Kim")

    def test_a_handed_in_week_signed_by_the_coach_waits_for_the_student(
        self, every_state
    ):
        gia = by_code("gia")
        sign(gia, "coach", every_state.okafor.user)
        overview = get_class_conference(every_state.room1, get_week_start())
        row = next(row for row in overview.students if row.student == gia)
        assert row.state == LoopState.COACH_SIGNED

    def test_each_row_shows_grade_and_autonomy_and_links_the_board(
        self, client, every_state
    ):
        cast = every_state
        log_in(client, "okafor")
        text = page(client, cast.room1)
        row = text[text.rindex("<tr", 0, text.index(">Ben Adeyemi</a>")) :]
        row = row[: row.index("</tr>")]
        assert f'href="{board_url(cast.ben)}"' in row
        assert "<td>K</td>" in row and "1 · choose" in row

    def test_the_counts_sum_up_the_states(self, every_state):
        overview = get_class_conference(every_state.room1, get_week_start())
        assert {item.state: item.count for item in overview.counts} == {
            LoopState.NO_PLAN: 1,
            LoopState.DRAFT: 1,
            LoopState.HANDED_IN: 1,
            LoopState.IN_CONFERENCE: 1,
            LoopState.COACH_SIGNED: 1,
            LoopState.STUDENT_SIGNED: 1,
            LoopState.AGREED: 1,
        }
        assert [item.state for item in overview.counts] == list(LoopState)

    def test_the_counts_are_at_the_top_of_the_page(self, client, drafted):
        cast = drafted
        sign(cast.ana, "coach", cast.okafor.user)
        log_in(client, "okafor")
        text = page(client, cast.room1)
        start = text.index('class="loop-counts"')
        counts = text[start : text.index("</ul>", start)]
        assert "Draft ready <strong>5</strong>" in counts
        assert "No plan yet <strong>1</strong>" in counts
        assert "Coach signed, waiting for the student <strong>1</strong>" in counts
        assert "Agreed <strong>0</strong>" in counts
        assert text.index('class="loop-counts"') < text.index("<table")

    def test_another_week_has_no_plans_and_links_the_history(self, client, drafted):
        cast = drafted
        log_in(client, "okafor")
        later = get_week_start() + datetime.timedelta(days=14)
        text = page(client, cast.room1, f"?week={later + datetime.timedelta(2)}")
        assert "No plan yet <strong>7</strong>" in text
        history = reverse("conference:history", args=[cast.ana.pk])
        assert f'href="{history}?week={later}"' in text
        assert "Next student" not in text
        assert f"?week={get_week_start()}" in text  # back to this week

    def test_a_week_that_is_no_date_shows_this_week(self, client, drafted):
        log_in(client, "okafor")
        text = page(client, drafted.room1, "?week=soon")
        assert "Draft ready <strong>6</strong>" in text


class TestNextStudent:
    def next_link(self, text: str) -> str:
        start = text.index('class="button next-button"')
        return text[start : text.index("</a>", start)]

    def test_next_skips_agreed_and_another_coachs_conference(self, client, every_state):
        cast = every_state
        log_in(client, "okafor")
        link = self.next_link(page(client, cast.room1))
        assert f'href="{board_url(by_code("dara"))}"' in link
        assert "Next student: Dara Kim" in link

    def test_a_coach_is_sent_back_to_their_own_conference(self, client, every_state):
        cast = every_state
        log_in(client, "rivera")
        link = self.next_link(page(client, cast.room1))
        assert "Next student: Ben Adeyemi" in link

    def test_a_week_handed_in_is_next_for_review(self, client, every_state):
        cast = every_state
        okafor = cast.okafor.user
        sign(by_code("dara"), "student", okafor)
        sign(by_code("eli"), "coach", okafor)
        sign(by_code("femi"), "student", okafor)
        sign(by_code("femi"), "coach", okafor)
        log_in(client, "okafor")
        link = self.next_link(page(client, cast.room1))
        assert "Next student: Gia Russo" in link

    def test_students_without_a_draft_are_not_next(self, client, drafted):
        cast = drafted
        okafor = cast.okafor.user
        for code in ("ana", "ben", "dara", "eli", "femi", "gia"):
            sign(by_code(code), "coach", okafor)
            sign(by_code(code), "student", okafor)
        log_in(client, "okafor")
        text = page(client, cast.room1)
        assert "Next student" not in text
        assert "No student is waiting for you now" in text
        assert "Some students have no draft for this week yet." in text
        assert "Draft them on the class page" in text

    def test_nobody_is_next_when_the_rest_confer_with_others(self, client, cast):
        propose_class_drafts(cast.room1, get_week_start(), None, time_limit_s=3)
        sign(cast.ana, "coach", cast.okafor.user)
        sign(cast.ana, "student", cast.okafor.user)
        start_conference(plan_of(cast.ben), cast.rivera.user)
        log_in(client, "okafor")
        text = page(client, cast.room1)
        assert "Next student" not in text
        assert "No student is waiting for you now" in text
        assert "Every plan of this class is agreed" not in text

    def test_all_agreed_says_so_and_links_the_rotation_board(self, client, cast):
        propose_class_drafts(cast.room1, get_week_start(), None, time_limit_s=3)
        for pupil in (cast.ana, cast.ben):
            sign(pupil, "student", cast.okafor.user)
            sign(pupil, "coach", cast.okafor.user)
        log_in(client, "okafor")
        text = page(client, cast.room1)
        assert "Every plan of this class is agreed for this week." in text
        assert "Next student" not in text
        week = f"?week={get_week_start()}"
        assert reverse("handouts:board", args=[cast.room1.pk]) + week in text
        assert reverse("handouts:class", args=[cast.room1.pk]) + week in text


class TestClassPage:
    def test_the_class_page_links_the_conference_week(self, client, cast):
        log_in(client, "rivera")
        response = client.get(reverse("classroom_detail", args=[cast.room1.pk]))
        url = reverse("conference:class", args=[cast.room1.pk])
        assert f'href="{url}"' in response.content.decode()


class TestAccess:
    @pytest.mark.parametrize(
        ("username", "status"),
        [
            ("okafor", 200),
            ("rivera", 200),
            ("hill", 200),
            ("chen", 404),
            ("ana", 404),
            ("lopez", 404),
        ],
    )
    def test_who_sees_the_class_view(self, client, cast, username, status):
        log_in(client, username)
        response = client.get(reverse("conference:class", args=[cast.room1.pk]))
        assert response.status_code == status

    def test_signed_out_people_are_sent_to_log_in(self, client, cast):
        response = client.get(reverse("conference:class", args=[cast.room1.pk]))
        assert response.status_code == 302 and "/login/" in response.url


class TestQueries:
    def fill(self, cast: Cast, room: Classroom, size: int) -> None:
        """Give a class ``size`` students in every state, by the actions."""
        week = get_week_start()
        okafor, rivera = cast.okafor.user, cast.rivera.user
        for index in range(size):
            pupil = add_student(room, f"{room.code}-{index}", f"Kid {index}", "Test")
            if index % 6 == 0:
                continue  # no plan yet
            plan = Plan.objects.create(student=pupil, week_start=week, version=1)
            PlanVersion.objects.create(plan=plan, number=1, source=ChangeSource.PLANNER)
            if index % 6 == 2:
                start_conference(plan, rivera)
            elif index % 6 == 3:
                sign(pupil, "coach", okafor)
            elif index % 6 == 4:
                sign(pupil, "student", okafor)
            elif index % 6 == 5:
                sign(pupil, "student", okafor)
                sign(pupil, "coach", okafor)

    def test_the_page_reads_as_much_for_3_students_as_for_20(self, client, cast):
        small = Classroom.objects.create(
            school=cast.school, code="s3", name="Small", grade=1, coach=cast.okafor
        )
        large = Classroom.objects.create(
            school=cast.school, code="l20", name="Large", grade=1, coach=cast.okafor
        )
        self.fill(cast, small, 3)
        self.fill(cast, large, 20)
        assert Plan.objects.filter(status=PlanStatus.AGREED).count() == 3
        log_in(client, "okafor")
        page(client, small)  # the first request of a session reads a little more

        counted = []
        for room in (small, large):
            with CaptureQueriesContext(connection) as queries:
                text = page(client, room)
            counted.append(len(queries))
            assert "Next student: Kid 1 Test" in text
        assert counted[0] == counted[1], counted
