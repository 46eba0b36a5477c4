"""The requirements checklist: what a student's week must hold, item by item.

A student of autonomy level 3 drafts their own week, so their board lists
what the hard rules ask of it: each must-do, the minutes of each subject,
the small-group time they need and the most of one activity in a day. The
items are read from the student's planner problem (never set apart from
it), and whether an item is met is decided by `check_plan`, on the week
with that one requirement, so the list and the planner cannot disagree.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, replace

from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coplanner.engine.planner.check import check_plan
from coplanner.engine.planner.plan import Plan as EnginePlan
from coplanner.engine.planner.plan import StudentPlan
from coplanner.engine.planner.problem import MustDo, Problem, Rules, Student
from coplanner.planning.adapter import (
    DAY_IDS,
    ClassPlan,
    ClassProblem,
    build_class_plan,
    build_class_problem,
)
from coplanner.roster.models import Student as StudentRow

# The hard rules the checklist shows, in the order it shows them. The other
# rules (one activity per block, seats, adults, fitting the block, kept and
# taken-out blocks) hold in every version the planner writes, whoever asks.
CHECKLIST_RULES = ("must_do", "subject_minutes", "small_group", "max_per_day")


@dataclass(frozen=True)
class ChecklistItem:
    """One thing the week must hold, and how far the week is.

    `need` and `have` are times for must-dos and small-group time, minutes
    for a subject; for ``max_per_day`` `need` is the most times one activity
    may be in a day and `have` the most it is now. `text` says the item to
    the student; `to_do` says what to change when it is not met.
    """

    rule: str
    key: str
    need: int
    have: int
    met: bool
    text: str
    to_do: str


@dataclass(frozen=True)
class Checklist:
    """Every item a student's week must hold, in the order shown."""

    items: tuple[ChecklistItem, ...]

    @property
    def complete(self) -> bool:
        """Say whether the week holds every item."""
        return all(item.met for item in self.items)

    @property
    def missing(self) -> tuple[ChecklistItem, ...]:
        """Return the items the week does not hold yet."""
        return tuple(item for item in self.items if not item.met)

    @property
    def met_count(self) -> int:
        return sum(1 for item in self.items if item.met)

    def missing_words(self) -> str:
        """Say in one line what is still to change, for a refusal."""
        return " ".join(item.to_do for item in self.missing)


def build_checklist(
    problem: Problem,
    code: str,
    week: StudentPlan,
    subject_names: Mapping[str, str],
) -> Checklist:
    """Build the checklist of student `code` for one week of theirs.

    `subject_names` maps subject ids to the names people see; an id without
    a name is shown as it is. The student's locks and taken-out blocks are
    not requirements of the week, so they are left out.
    """
    student = replace(problem.student_by_id[code], locks=(), avoid=())
    rules = problem.rules
    slots = [
        (slot.block, slot.activity)
        for slot in week.slots
        if slot.block in problem.block_by_id and slot.activity in problem.activity_by_id
    ]

    def breaks(rule: str, narrowed: Student, narrowed_rules: Rules) -> bool:
        solo = replace(problem, students=(narrowed,), rules=narrowed_rules, previous={})
        plan = EnginePlan("feasible", None, None, 0.0, {code: week})
        return any(v.rule == rule for v in check_plan(solo, plan).violations)

    items: list[ChecklistItem] = []

    # Must-dos: a class's and the student's own for one activity count once,
    # with the larger figure, since the week must meet both.
    needs: dict[str, int] = {}
    for must in student.must_do:
        needs[must.activity] = max(needs.get(must.activity, 0), must.at_least)
    for activity_id, need in needs.items():
        known = problem.activity_by_id.get(activity_id)
        name = known.name if known else activity_id
        have = sum(1 for _block, activity in slots if activity == activity_id)
        narrowed = replace(student, must_do=(MustDo(activity_id, need),))
        text = ngettext(
            "%(name)s: at least %(need)s time — you have %(have)s",
            "%(name)s: at least %(need)s times — you have %(have)s",
            need,
        ) % {"name": name, "need": need, "have": have}
        more = max(need - have, 0)
        to_do = ngettext(
            "Add %(name)s %(more)s more time.",
            "Add %(name)s %(more)s more times.",
            more,
        ) % {"name": name, "more": more}
        items.append(
            ChecklistItem(
                "must_do",
                f"must_do:{activity_id}",
                need,
                have,
                not breaks("must_do", narrowed, rules),
                text,
                to_do,
            )
        )

    # Minutes per subject.
    for subject, need in rules.subject_minutes.items():
        name = subject_names.get(subject, subject)
        have = sum(
            problem.block_by_id[block].minutes
            for block, activity in slots
            if problem.activity_by_id[activity].subject == subject
        )
        narrowed_rules = replace(rules, subject_minutes={subject: need})
        items.append(
            ChecklistItem(
                "subject_minutes",
                f"subject_minutes:{subject}",
                need,
                have,
                not breaks("subject_minutes", student, narrowed_rules),
                _("%(subject)s: at least %(need)s minutes — you have %(have)s")
                % {"subject": name, "need": need, "have": have},
                _("Add %(more)s more minutes of %(subject)s.")
                % {"subject": name, "more": max(need - have, 0)},
            )
        )

    # Small-group time, for a student with a skill that a small group works
    # on and that they have not got far enough with yet.
    groups = [a for a in problem.activities if a.modality == "small_group"]
    weak = {
        skill
        for activity in groups
        for skill in activity.skills
        if student.mastery.get(skill, 0.0) < rules.small_group_below
    }
    if weak and rules.small_group_at_least > 0:
        need = rules.small_group_at_least
        counted = {a.id for a in groups if weak.intersection(a.skills)}
        names = ", ".join(problem.activity_by_id[a].name for a in sorted(counted))
        have = sum(1 for _block, activity in slots if activity in counted)
        more = max(need - have, 0)
        items.append(
            ChecklistItem(
                "small_group",
                "small_group",
                need,
                have,
                not breaks("small_group", student, rules),
                ngettext(
                    "Small group with a teacher (%(names)s): at least %(need)s "
                    "time — you have %(have)s",
                    "Small group with a teacher (%(names)s): at least %(need)s "
                    "times — you have %(have)s",
                    need,
                )
                % {"names": names, "need": need, "have": have},
                ngettext(
                    "Add %(more)s more small group (%(names)s).",
                    "Add %(more)s more small groups (%(names)s).",
                    more,
                )
                % {"names": names, "more": more},
            )
        )

    # The most times one activity may be in one day.
    most = rules.max_same_activity_per_day
    day_of = {block.id: block.day for block in problem.blocks}
    counts: dict[tuple[str, str], int] = {}
    for block, activity in slots:
        key = (day_of[block], activity)
        counts[key] = counts.get(key, 0) + 1
    too_many = sorted(
        (key for key, count in counts.items() if count > most),
        key=lambda key: (_day_position(key[0]), key[1]),
    )
    rule_text = ngettext(
        "No activity more than once a day",
        "No activity more than %(most)s times a day",
        most,
    ) % {"most": most}
    if too_many:
        day, activity_id = too_many[0]
        name = problem.activity_by_id[activity_id].name
        count = counts[(day, activity_id)]
        found = ngettext(
            "%(name)s is there %(count)s time on %(day)s",
            "%(name)s is there %(count)s times on %(day)s",
            count,
        ) % {"name": name, "count": count, "day": _day_name(day)}
        text = _("%(rule)s — %(found)s") % {"rule": rule_text, "found": found}
        to_do = _("Change one %(name)s on %(day)s to another activity.") % {
            "name": name,
            "day": _day_name(day),
        }
    else:
        text, to_do = rule_text, ""
    items.append(
        ChecklistItem(
            "max_per_day",
            "max_per_day",
            most,
            max(counts.values(), default=0),
            not breaks("max_per_day", student, rules),
            text,
            to_do,
        )
    )
    return Checklist(tuple(items))


def _day_position(day: str) -> int:
    return DAY_IDS.index(day) if day in DAY_IDS else len(DAY_IDS)


def _day_name(day: str) -> str:
    """Name a problem's day id in the person's language."""
    position = _day_position(day)
    return str(WEEKDAYS[position]) if position < len(DAY_IDS) else day


def subject_names_of(built: ClassProblem) -> dict[str, str]:
    """Return the names of the subjects of a class problem, by subject code."""
    names = {a.subject.code: a.subject.name for a in built.activities.values()}
    for block in built.blocks.values():
        if block.subject is not None:
            names.setdefault(block.subject.code, block.subject.name)
    return names


def checklist_for(
    built: ClassProblem, current: ClassPlan, code: str
) -> Checklist | None:
    """Build the checklist of a student of a class plan, None without a week."""
    if code not in current.plan.students:
        return None
    return build_checklist(
        current.problem,
        code,
        current.plan.students[code],
        subject_names_of(built),
    )


def get_checklist(student: StudentRow, week_start: datetime.date) -> Checklist | None:
    """Read the checklist of a student's week as it stands now.

    None when the student has no full week this week (no class, no week
    template, no draft, or a draft that misses some blocks).
    """
    if student.classroom is None:
        return None
    try:
        built = build_class_problem(student.classroom, week_start, alone=student)
    except ValueError:
        return None
    return checklist_for(built, build_class_plan(built, week_start), student.code)
