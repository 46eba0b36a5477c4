"""Reads of plans for pages: the current week, plan status, a student's grid."""

import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from coplanner.curriculum.models import Block
from coplanner.planning.models import Plan, PlanVersion, Slot
from coplanner.roster.models import Student


def when(block: Block) -> str:
    """Name a block for a person: its day and start time."""
    return _("%(day)s at %(time)s") % {
        "day": block.get_day_display(),
        "time": block.start.strftime("%H:%M"),
    }


def with_student_names(text: str, names: Mapping[str, str]) -> str:
    """Put students' names where the planner's words name them by code.

    The planner only ever sees student codes, so that its files and logs hold
    no names; a person reading its answer wants the names back.
    """
    if not names:
        return text
    pattern = re.compile(
        r"\b("
        + "|".join(re.escape(code) for code in sorted(names, key=len, reverse=True))
        + r")\b"
    )
    return pattern.sub(lambda match: names[match.group(1)], text)


def get_week_start(day: datetime.date | None = None) -> datetime.date:
    """Return the Monday of the week that holds ``day`` (today by default)."""
    day = day or timezone.localdate()
    return day - datetime.timedelta(days=day.weekday())


def get_plans_by_student(
    students: Iterable[Student], week_start: datetime.date
) -> dict[int, Plan]:
    """Return this week's plan of each student that has one, in one query."""
    plans = Plan.objects.filter(student__in=list(students), week_start=week_start)
    return {plan.student_id: plan for plan in plans}


def get_latest_version(plan: Plan) -> PlanVersion | None:
    """Return the newest version of a plan with its slots, or None."""
    # In week order; Slot's default ordering would also join plan and student.
    slots = Slot.objects.select_related("activity", "variant", "block").order_by(
        "block__day", "block__start"
    )
    return (
        plan.versions.prefetch_related(Prefetch("slots", queryset=slots))
        .order_by("-number")
        .first()
    )


@dataclass
class WeekDay:
    """One column of the week grid: a day and its slots in order."""

    day: int
    label: str
    date: datetime.date
    cells: list[tuple[Block, Slot | None]] = field(default_factory=list)


@dataclass
class WeekGrid:
    student: Student
    week_start: datetime.date
    plan: Plan | None
    version: PlanVersion | None
    days: list[WeekDay]

    @property
    def is_empty(self) -> bool:
        return self.version is None


def get_week_grid(student: Student, week_start: datetime.date) -> WeekGrid:
    """Return the student's week as days of (block, slot), empty slots as None."""
    plan = Plan.objects.filter(student=student, week_start=week_start).first()
    version = get_latest_version(plan) if plan else None
    slots_by_block = (
        {slot.block_id: slot for slot in version.slots.all()} if version else {}
    )
    template = student.classroom.week_template if student.classroom else None
    blocks = list(template.blocks.all()) if template else []

    days: dict[int, WeekDay] = {}
    for block in blocks:
        if block.day not in days:
            days[block.day] = WeekDay(
                day=block.day,
                label=block.get_day_display(),
                date=week_start + datetime.timedelta(days=block.day),
            )
        days[block.day].cells.append((block, slots_by_block.get(block.pk)))
    return WeekGrid(
        student=student,
        week_start=week_start,
        plan=plan,
        version=version,
        days=[days[day] for day in sorted(days)],
    )
