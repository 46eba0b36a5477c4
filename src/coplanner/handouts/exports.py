"""Plans and mastery estimates as CSV for spreadsheets.

The CSV is written by ``coplanner.spreadsheets``: a cell that a spreadsheet
would read as a formula (it starts with = + - @, a tab or a carriage return)
is prefixed with a quote, so that a name such as ``=HYPERLINK(...)`` typed
into the roster cannot run when a teacher opens the file. Numbers are written
as numbers and left alone.
"""

import datetime
from collections.abc import Sequence

from django.db.models import QuerySet

from coplanner.handouts.queries import get_latest_versions
from coplanner.mastery.models import MasteryEstimate
from coplanner.planning.models import Plan
from coplanner.roster.models import Student
from coplanner.spreadsheets import build_csv, neutralise

__all__ = ["build_mastery_csv", "build_plans_csv", "neutralise"]

PLAN_COLUMNS = (
    "school",
    "classroom",
    "student_code",
    "student_name",
    "week_start",
    "status",
    "version",
    "day",
    "start",
    "minutes",
    "block",
    "activity",
    "variant",
    "reasons",
)
MASTERY_COLUMNS = (
    "school",
    "classroom",
    "student_code",
    "student_name",
    "subject",
    "skill",
    "skill_name",
    "probability",
    "band",
    "observations",
    "last_observed_at",
)


def build_plans_csv(students: QuerySet[Student], weeks: Sequence[datetime.date]) -> str:
    """Return the newest version of every plan of ``students`` in ``weeks``.

    One row per slot. ``students`` comes already scoped by the caller.
    """
    plans = Plan.objects.filter(student__in=students, week_start__in=weeks)
    versions = get_latest_versions(plans)
    people = {
        s.pk: s for s in students.select_related("school", "classroom").order_by()
    }
    keyed = []
    for version in versions.values():
        plan = version.plan
        student = people[plan.student_id]
        for slot in version.slots.all():
            key = (student.display_name, student.pk, plan.week_start, slot.block.day)
            keyed.append(
                (
                    key + (slot.block.start,),
                    (
                        student.school.name,
                        student.classroom.name if student.classroom else "",
                        student.code,
                        student.display_name,
                        plan.week_start.isoformat(),
                        plan.status,
                        version.number,
                        slot.block.get_day_display(),
                        slot.block.start.strftime("%H:%M"),
                        slot.block.minutes,
                        slot.block.code,
                        slot.activity.name,
                        slot.variant.label if slot.variant else "",
                        " | ".join(str(reason) for reason in slot.reasons),
                    ),
                )
            )
    keyed.sort(key=lambda pair: pair[0])
    return build_csv(PLAN_COLUMNS, (row for _key, row in keyed))


def build_mastery_csv(students: QuerySet[Student]) -> str:
    """Return the current mastery estimates of ``students``, one row each."""
    estimates = (
        MasteryEstimate.objects.filter(student__in=students)
        .select_related("student__school", "student__classroom", "skill__subject")
        .order_by("student__classroom__name", "student__first_name", "skill__code")
    )
    rows = (
        (
            e.student.school.name,
            e.student.classroom.name if e.student.classroom else "",
            e.student.code,
            e.student.display_name,
            e.skill.subject.code,
            e.skill.code,
            e.skill.name,
            round(e.probability, 4),
            e.band,
            e.observations,
            e.last_observed_at.isoformat() if e.last_observed_at else "",
        )
        for e in estimates
    )
    return build_csv(MASTERY_COLUMNS, rows)
