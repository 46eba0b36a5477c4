"""The heavy pages read as much for a class of 48 as for a class of 24.

A page that runs one query per student is fine in a test school of three
and slow on a real Monday morning with thirty teachers and five hundred
students. So the pages are counted on the demo school: once as loaded, and
once after its class grows to twice its students (each student gets a twin:
a new student with a copy of the plan of the week, the mastery estimates,
the preferences and the goal). The number of queries must not change. The
pages of one student must not grow with the size of the class either, nor
with the number of requests of a conference, and every page keeps a small
fixed bound, so that a new query per row cannot slip in unnoticed.

The demo school is loaded once for the module, inside a transaction that is
rolled back at its end; every test runs in a savepoint of it, so a class
grown by one test is back to its size for the next.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coplanner.demo.load import load_demo_school
from coplanner.mastery.actions import record_mastery_fit
from coplanner.mastery.models import MasteryEstimate
from coplanner.planning.actions import propose_class_drafts
from coplanner.planning.adapter import build_class_plan, build_class_problem
from coplanner.planning.conference import Ask, record_request, start_conference
from coplanner.planning.models import Plan, PlanVersion, Slot
from coplanner.planning.queries import get_week_start
from coplanner.roster.models import Classroom, School, Student
from coplanner.voice.models import Goal, Preference

pytestmark = pytest.mark.django_db

# Seconds the planner may think while the fixture drafts the class (it
# stops earlier once its plan is optimal, in about three seconds for the
# demo's grade 1): the plans only need to exist and be valid.
DRAFT_SECONDS = 8.0


@dataclass(frozen=True)
class Demo:
    """The loaded demo school and the people the tests look through."""

    school: School
    room: Classroom  # the class that grows
    week_start: datetime.date

    @property
    def teacher(self) -> User:
        return self.room.teachers.get().user

    @property
    def coach(self) -> User:
        assert self.room.coach is not None
        return self.room.coach.user

    @property
    def leader(self) -> User:
        return self.school.staff.get(role="leader").user

    def student(self, autonomy: int | None = None) -> Student:
        """Return the first student of the class (at ``autonomy``, if given)."""
        students = self.room.students.order_by("first_name", "last_name", "pk")
        if autonomy is not None:
            students = students.filter(autonomy=autonomy)
        student = students.first()
        assert student is not None, f"the class has no student at level {autonomy}"
        return student


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> Iterator[Demo]:
    """Load the demo school (seed 1), fit mastery and draft its grade 1's week."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            school = load_demo_school(seed=1).school
            record_mastery_fit(school)
            week_start = get_week_start()
            room = school.classrooms.get(grade=1)
            assert room is not None
            result = propose_class_drafts(room, week_start, None, DRAFT_SECONDS)
            assert result.has_plans, result
            yield Demo(school, room, week_start)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def twin_students(room: Classroom, week_start: datetime.date) -> int:
    """Give every student of ``room`` a twin in the same room; return the size.

    A twin is a new student with a copy of the newest version of this week's
    plan (its slots included), the mastery estimates, the current
    preferences and the goals, so that every page has as much to show for
    the twin as for the original.
    """
    originals = list(room.students.all())
    twins = {
        student.pk: Student.objects.create(
            school=student.school,
            classroom=room,
            code=f"{student.code}-twin",
            first_name=student.first_name,
            last_name=f"{student.last_name} Twin",
            grade=student.grade,
            autonomy=student.autonomy,
        )
        for student in originals
    }
    for plan in Plan.objects.filter(student__in=originals, week_start=week_start):
        version = plan.versions.order_by("-number").first()
        copy = Plan.objects.create(
            student=twins[plan.student_id],
            week_start=week_start,
            status=plan.status,
            version=plan.version,
        )
        if version is None:
            continue
        version_copy = PlanVersion.objects.create(
            plan=copy,
            number=version.number,
            source=version.source,
            note=version.note,
            rigor=version.rigor,
            voice=version.voice,
            confidence=version.confidence,
        )
        Slot.objects.bulk_create(
            Slot(
                version=version_copy,
                block_id=slot.block_id,
                activity_id=slot.activity_id,
                variant_id=slot.variant_id,
                reasons=slot.reasons,
            )
            for slot in version.slots.all()
        )
    MasteryEstimate.objects.bulk_create(
        MasteryEstimate(
            student=twins[row.student_id],
            skill_id=row.skill_id,
            probability=row.probability,
            band=row.band,
            observations=row.observations,
            last_observed_at=row.last_observed_at,
        )
        for row in MasteryEstimate.objects.filter(student__in=originals)
    )
    Preference.objects.bulk_create(
        Preference(
            student=twins[row.student_id],
            activity_id=row.activity_id,
            rating=row.rating,
            reason=row.reason,
            reason_text=row.reason_text,
        )
        for row in Preference.objects.filter(
            student__in=originals, superseded_at__isnull=True
        )
    )
    Goal.objects.bulk_create(
        Goal(student=twins[row.student_id], text=row.text, skill_id=row.skill_id)
        for row in Goal.objects.filter(student__in=originals)
    )
    return room.students.count()


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def count_queries(client: Client, url: str, **post: str) -> int:
    """Open ``url`` (or post ``post`` to it) and return the queries it ran.

    The page is opened once before it is counted, so that what the first
    request of a session reads once (the session, the role) is not counted
    against the page.
    """

    def fetch() -> None:
        if post:
            response = client.post(url, post, headers={"x-requested-with": "fetch"})
        else:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)

    if not post:
        fetch()
    with CaptureQueriesContext(connection) as queries:
        fetch()
    return len(queries)


# Pages of a whole class: (who looks, the page's URL name, most queries).
CLASS_PAGES = [
    ("teacher", "classroom_detail", 20),
    ("teacher", "mastery:heat_map", 20),
    ("coach", "conference:class", 20),
    ("teacher", "handouts:class", 20),
    ("teacher", "handouts:board", 30),
    ("teacher", "handouts:board_now", 30),
    ("teacher", "handouts:board_pdf", 30),
    ("teacher", "handouts:class_cards", 30),
    ("leader", "mastery:heat_map", 20),
]


@pytest.mark.parametrize(
    ("viewer", "page", "most"),
    CLASS_PAGES,
    ids=[f"{v}-{p}" for v, p, _m in CLASS_PAGES],
)
def test_a_class_page_reads_as_much_for_twice_the_students(demo, viewer, page, most):
    client = signed_in(getattr(demo, viewer))
    url = reverse(page, args=[demo.room.pk])
    size = demo.room.students.count()
    before = count_queries(client, url)
    assert twin_students(demo.room, demo.week_start) == 2 * size
    after = count_queries(client, url)
    assert (size, before) == (size, after), f"{page}: {before} then {after} queries"
    assert before <= most


def viewer_of(demo: Demo, who: str, student: Student) -> User:
    """Return who looks at a student's page: the student, a guardian or staff."""
    if who == "student":
        assert student.user is not None
        return student.user
    if who == "guardian":
        return student.guardians.get().user
    return getattr(demo, who)


def block_codes(demo: Demo) -> list[str]:
    """Return the codes of the class's blocks in the order of the week."""
    template = demo.room.week_template
    assert template is not None
    return [block.code for block in template.blocks.order_by("day", "start")]


# Pages of one student: (who looks, the page's URL name, query string, most).
STUDENT_PAGES = [
    ("student", "student_week", "", 20),
    ("student", "mastery:skill_map", "", 20),
    ("teacher", "mastery:skill_map", "", 20),
    ("student", "voice:my_learning", "", 20),
    ("student", "voice:survey", "", 20),
    ("student", "voice:reflection", "", 20),
    ("student", "conference:board", "", 20),
    ("coach", "conference:board", "", 20),
    ("coach", "conference:board", "block", 45),
    ("student", "conference:board", "block", 45),
    ("coach", "conference:history", "", 20),
    ("guardian", "handouts:family_week", "", 20),
    ("guardian", "conference:history", "", 20),
    ("student", "handouts:student_card", "", 20),
    ("coach", "handouts:calendar_links", "", 20),
]


@pytest.mark.parametrize(
    ("viewer", "page", "query", "most"),
    STUDENT_PAGES,
    ids=[f"{v}-{p}{'-' + q if q else ''}" for v, p, q, _m in STUDENT_PAGES],
)
def test_a_student_page_reads_as_much_in_a_class_twice_the_size(
    demo, viewer, page, query, most
):
    student = demo.student()
    client = signed_in(viewer_of(demo, viewer, student))
    url = reverse(page, args=[student.pk])
    if query == "block":
        url += f"?block={block_codes(demo)[0]}"
    before = count_queries(client, url)
    twin_students(demo.room, demo.week_start)
    after = count_queries(client, url)
    assert before == after, f"{page}: {before} then {after} queries"
    assert before <= most


def ask_form(block: str) -> dict[str, str]:
    """Return the board's "Keep this" request on ``block``, which always fits."""
    return {"choice": "lock:", "block": block, "idea": "student"}


def move_twins_out(demo: Demo, suffix: str) -> None:
    """Twin the class's students and move the twins to another class.

    The school then holds as many more plans as the class has students, in
    another class whose staff this class's planner must keep clear of.
    """
    twin_students(demo.room, demo.week_start)
    other = demo.school.classrooms.exclude(pk=demo.room.pk).first()
    twins = Student.objects.filter(classroom=demo.room, code__endswith="-twin")
    for twin in twins:
        twin.code = f"{twin.code}-{suffix}"
        twin.classroom = other
        twin.save(update_fields=["code", "classroom"])


def class_problem_queries(demo: Demo, student: Student) -> int:
    """Return the queries of reading what a conference request re-plans."""
    with CaptureQueriesContext(connection) as queries:
        built = build_class_problem(
            demo.room, demo.week_start, open_students=[student.pk]
        )
        build_class_plan(built, demo.week_start)
    return len(queries)


def test_a_conference_request_reads_as_much_in_a_school_with_more_plans(demo):
    """The planner's reads of a request do not grow with the other classes.

    The whole request is only held to a bound: how many rows it writes
    depends on the planner's answer (a refusal writes no version, a change
    that moves classmates writes one for each).
    """
    student = demo.student()
    start_conference(
        Plan.objects.get(student=student, week_start=demo.week_start), demo.coach
    )
    move_twins_out(demo, "a")
    first = class_problem_queries(demo, student)
    move_twins_out(demo, "b")
    second = class_problem_queries(demo, student)
    assert first == second, f"{first} then {second} queries"

    client = signed_in(demo.coach)
    url = reverse("conference:ask", args=[student.pk])
    assert count_queries(client, url, **ask_form(block_codes(demo)[0])) <= 70


def test_the_board_reads_as_much_after_three_requests_as_after_one(demo):
    student = demo.student()
    blocks = block_codes(demo)
    start_conference(
        Plan.objects.get(student=student, week_start=demo.week_start), demo.coach
    )
    client = signed_in(demo.coach)
    url = reverse("conference:board", args=[student.pk])

    def keep(block: str) -> None:
        record_request(
            student, demo.week_start, Ask(kind="lock", block=block), demo.coach, None
        )

    keep(blocks[0])
    after_one = count_queries(client, url)
    keep(blocks[1])
    keep(blocks[2])
    after_three = count_queries(client, url)
    assert after_one == after_three, f"{after_one} then {after_three} queries"


@pytest.mark.parametrize("kind", ["plans", "mastery"])
def test_the_exports_read_as_much_for_twice_the_students(demo, kind):
    """A class's CSV and the leader's school CSV, before and after the twins."""
    teacher, leader = signed_in(demo.teacher), signed_in(demo.leader)
    class_url = reverse("handouts:class_export", args=[demo.room.pk, kind])
    school_url = reverse("handouts:school_export", args=[demo.school.pk, kind])
    before = (count_queries(teacher, class_url), count_queries(leader, school_url))
    twin_students(demo.room, demo.week_start)
    after = (count_queries(teacher, class_url), count_queries(leader, school_url))
    assert before == after, f"{kind}: {before} then {after} queries"
    assert max(before) <= 20


def test_the_leaders_class_list_reads_as_much_for_a_bigger_school(demo):
    client = signed_in(demo.leader)
    url = reverse("classroom_list")
    before = count_queries(client, url)
    twin_students(demo.room, demo.week_start)
    Classroom.objects.create(school=demo.school, code="extra", name="Extra", grade=2)
    after = count_queries(client, url)
    assert before == after, f"{before} then {after} queries"
    assert before <= 10
