"""Logs carry ids, never a student's name or words.

The demo school is loaded into the test database, its estimates fitted and
a class drafted; then people of every role open the main pages, a student
answers the survey in their own words, a coach answers a conference
request, a leader exports a student. Every logger is captured at DEBUG
level meanwhile, and the captured lines must hold no demo student's first
or last name (as a word, as the name is spelled) nor the words the student
typed.
"""

import logging
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from coplanner.curriculum.models import Activity, Skill
from coplanner.demo.generate import generate_demo_school
from coplanner.demo.management.commands.demo import DEMO_DRAFT_SECONDS
from coplanner.mastery.actions import record_mastery_fit
from coplanner.planning.actions import propose_class_drafts
from coplanner.planning.models import Plan
from coplanner.planning.queries import get_week_start
from coplanner.roster.models import Classroom, School, Student

pytestmark = pytest.mark.django_db

SEED = 1
DEMO_PASSWORD = "coplanner-demo"
# What the student types into the survey: it must not reach a log either.
TYPED = "Wobblesworth the hamster"


class Capture(logging.Handler):
    """Keep every record, formatted, with the logger and line it came from."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[tuple[str, str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
        except Exception:  # a broken format string is still a line to scan
            text = f"{record.msg} {record.args}"
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        self.lines.append((record.name, f"{record.pathname}:{record.lineno}", text))


@pytest.fixture
def every_log():
    """Capture every logger at DEBUG for the test, then put levels back."""
    capture = Capture()
    manager = logging.Logger.manager
    loggers = [logging.getLogger()] + [
        each for each in manager.loggerDict.values() if isinstance(each, logging.Logger)
    ]
    levels = {each: each.level for each in loggers}
    for each in loggers:
        each.setLevel(logging.DEBUG)
        if each is logging.getLogger() or not each.propagate:
            each.addHandler(capture)
    yield capture
    for each, level in levels.items():
        each.setLevel(level)
        each.removeHandler(capture)


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=DEMO_PASSWORD), username
    return client


def visit(client: Client, *urls: str) -> None:
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)


def test_no_demo_students_name_reaches_a_log(every_log, capsys):
    call_command("demo", "--seed", str(SEED), "--no-plans")
    capsys.readouterr()  # the command prints the logins for people, not a log
    school = School.objects.get()
    record_mastery_fit(school)
    classroom = Classroom.objects.filter(school=school).order_by("grade").first()
    week = get_week_start()
    drafted = propose_class_drafts(classroom, week, None, DEMO_DRAFT_SECONDS)
    assert drafted.has_plans, drafted

    demo = generate_demo_school(SEED)
    staff = {member.role: member.username for member in demo.staff}
    student = Student.objects.filter(classroom=classroom).select_related("user").first()
    plan = Plan.objects.get(student=student, week_start=week)
    skill = Skill.objects.filter(evidence__student=student).first()
    guardian = student.guardians.select_related("user").first()

    teacher = signed_in(classroom.teachers.first().user.username)
    visit(
        teacher,
        reverse("classroom_detail", args=[classroom.pk]),
        reverse("mastery:heat_map", args=[classroom.pk]),
        reverse("mastery:evidence", args=[student.pk, skill.pk]),
        reverse("conference:board", args=[student.pk]),
    )
    coach = signed_in(classroom.coach.user.username)
    visit(coach, reverse("conference:class", args=[classroom.pk]))
    slot = plan.versions.get(number=plan.version).slots.select_related("block").first()
    response = coach.post(
        reverse("conference:ask", args=[student.pk]),
        {"block": slot.block.code, "choice": "lock:", "version": plan.version},
    )
    assert response.status_code == 302
    visit(coach, reverse("conference:history", args=[student.pk]))

    child = signed_in(student.user.username)
    visit(
        child,
        reverse("student_week", args=[student.pk]),
        reverse("voice:survey", args=[student.pk]),
        reverse("voice:my_learning", args=[student.pk]),
        reverse("mastery:skill_map", args=[student.pk]),
    )
    activity = Activity.objects.filter(school=school).first()
    child.post(
        reverse("voice:survey", args=[student.pk]),
        {
            f"rating_{activity.pk}": "2",
            f"reason_{activity.pk}": "other",
            f"reason_text_{activity.pk}": TYPED,
            "goal_text": TYPED,
            "focus_text": TYPED,
        },
    )
    if guardian is not None:
        family = signed_in(guardian.user.username)
        visit(
            family, reverse("home"), reverse("handouts:family_week", args=[student.pk])
        )
    leader = signed_in(staff["leader"])
    visit(
        leader,
        reverse("classroom_list"),
        reverse("audit:log"),
        reverse("privacy:students"),
        reverse("privacy:student", args=[student.pk]),
    )
    assert leader.post(reverse("privacy:export", args=[student.pk])).status_code == 200
    assert (
        signed_in(staff["leader"])
        .get(reverse("privacy:student", args=[10**9]))
        .status_code
        == 404
    )

    assert len(every_log.lines) > 10, "the capture caught nothing: check the test"
    words = {
        name for spec in demo.students for name in (spec.first_name, spec.last_name)
    }
    words |= set(TYPED.split()) - {"the"}
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(words))) + r")\b")
    assert pattern.search(f"student {demo.students[0].last_name} 3")  # the scan bites
    leaks = [
        f"{logger} at {where}: {match.group(0)!r} in {text[:200]!r}"
        for logger, where, text in every_log.lines
        if (match := pattern.search(text))
    ]
    assert not leaks, "Names or a child's words in the logs:\n" + "\n".join(leaks)
