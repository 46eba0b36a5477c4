"""Planning units: classrooms that share staff or seats, solved as one problem.

Two classrooms belong to one unit when something they may both use is
limited for the two together: a member of staff (one person runs one group
at a time, whichever class the children come from), or the seats of an
activity the classes share. Units are the connected groups of that relation
(union-find), so different units share nothing and can be solved at the
same time on different workers.

Pure Python, no Django: the database side (`week`) says which classroom may
use which shared thing; this module groups them and joins the classrooms'
problems into one.
"""

from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from coplanner.engine.planner.plan import Plan
from coplanner.engine.planner.problem import Activity, Avoid, Problem, Skill, Student


class UnitError(ValueError):
    """A unit's classrooms cannot be joined into one problem; says why."""


class _Groups:
    """Union-find over classroom ids, with path halving."""

    def __init__(self, members: Iterable[int]) -> None:
        self.parent = {member: member for member in members}

    def find(self, member: int) -> int:
        parent = self.parent
        while parent[member] != member:
            parent[member] = parent[parent[member]]
            member = parent[member]
        return member

    def join(self, first: int, second: int) -> None:
        first, second = self.find(first), self.find(second)
        if first != second:
            # The smaller id becomes the root, so the grouping does not
            # depend on the order things were joined in.
            low, high = sorted((first, second))
            self.parent[high] = low


def group_classrooms(
    classrooms: Iterable[int], users: Mapping[Hashable, Iterable[int]]
) -> list[tuple[int, ...]]:
    """Group classrooms that share something, directly or through others.

    ``users`` maps each shared thing (a member of staff, an activity's seats)
    to the classrooms that may use it. Return the groups, each sorted, in
    the order of their smallest classroom id; a classroom that shares
    nothing is a group of its own.
    """
    groups = _Groups(classrooms)
    for members in users.values():
        known = [member for member in members if member in groups.parent]
        for other in known[1:]:
            groups.join(known[0], other)
    by_root: dict[int, list[int]] = {}
    for member in sorted(groups.parent):
        by_root.setdefault(groups.find(member), []).append(member)
    return [tuple(members) for _, members in sorted(by_root.items())]


@dataclass(frozen=True)
class MergedProblem:
    """A unit's problem and the way back to each classroom's activity ids.

    ``originals`` maps the id of a classroom's copy of a station (see
    `merge_problems`) to the activity's own id.
    """

    problem: Problem
    originals: Mapping[str, str]


def merge_problems(
    problems: Sequence[Problem],
    labels: Sequence[str],
    *,
    time_limit_s: float | None = None,
    shared_seats: Collection[str] = (),
) -> MergedProblem:
    """Join the problems of a unit's classrooms into one problem.

    Every problem must have the same week (blocks), rules and weights, and
    an activity or skill found in several problems must be the same in each.
    A staffed activity stays one activity, its seats counted across the
    classrooms: one person runs one group, whichever class the children come
    from. A station without staff but with limited seats gets one copy per
    classroom (its id followed by ``@`` and the classroom's label), since
    each class has its own seats there, as a class's draft counts them,
    unless its id is in ``shared_seats``: the whole school shares those
    seats (a computer lab), so it stays one activity too. An activity of
    one classroom only (a teacher's own table) stays that classroom's: the
    other classrooms' students avoid it. Students are put together; their
    ids must not repeat. Raise `UnitError` naming what differs.
    """
    if not problems:
        raise UnitError("A planning unit needs at least one classroom.")
    first = problems[0]
    per_class = _stations_with_own_seats(problems) - set(shared_seats)
    renamings = [{code: f"{code}@{label}" for code in per_class} for label in labels]
    own_ids = [
        {renamed.get(a.id, a.id) for a in problem.activities}
        for problem, renamed in zip(problems, renamings, strict=True)
    ]
    every_id = set().union(*own_ids)
    activities: dict[str, Activity] = {}
    skills: dict[str, Skill] = {}
    students: dict[str, Student] = {}
    previous: dict[str, Mapping[str, str]] = {}
    originals: dict[str, str] = {}
    for problem, renamed, ours in zip(problems, renamings, own_ids, strict=True):
        if problem.blocks != first.blocks:
            raise UnitError(
                "These classrooms share staff but follow different week "
                "templates. Give them the same week template, or draft each "
                "class from its own page."
            )
        if problem.rules != first.rules or problem.weights != first.weights:
            raise UnitError("These classrooms are planned with different rules.")
        originals.update({copy: code for code, copy in renamed.items()})
        for activity in problem.activities:
            if activity.id in renamed:
                activity = replace(activity, id=renamed[activity.id])
            if activities.setdefault(activity.id, activity) != activity:
                raise UnitError(f"Activity {activity.id} differs between classrooms.")
        for skill in problem.skills:
            if skills.setdefault(skill.id, skill) != skill:
                raise UnitError(f"Skill {skill.id} differs between classrooms.")
        # Another class's own table, or its copy of a station, is not ours.
        not_ours = tuple(Avoid(activity=code) for code in sorted(every_id - ours))
        for student in problem.students:
            if student.id in students:
                raise UnitError(f"Student {student.id} is in two classrooms.")
            student = _student_with(student, renamed)
            students[student.id] = replace(student, avoid=student.avoid + not_ours)
        for student_id, week in problem.previous.items():
            previous[student_id] = {
                block: renamed.get(code, code) for block, code in week.items()
            }
    merged = replace(
        first,
        activities=tuple(activities[key] for key in sorted(activities)),
        skills=tuple(skills[key] for key in sorted(skills)),
        students=tuple(students.values()),
        previous=previous,
        time_limit_s=time_limit_s if time_limit_s is not None else first.time_limit_s,
    )
    return MergedProblem(problem=merged, originals=originals)


def _stations_with_own_seats(problems: Sequence[Problem]) -> set[str]:
    """Return the activities without staff, with limited seats, in several problems."""
    seen: dict[str, int] = {}
    for problem in problems:
        for activity in problem.activities:
            if activity.staff is None and activity.capacity is not None:
                seen[activity.id] = seen.get(activity.id, 0) + 1
    return {code for code, count in seen.items() if count > 1}


def _student_with(student: Student, renamed: Mapping[str, str]) -> Student:
    """Return the student with every activity id in ``renamed`` replaced."""
    if not renamed:
        return student

    def new(code: str) -> str:
        return renamed.get(code, code)

    return replace(
        student,
        preferences={new(code): rating for code, rating in student.preferences.items()},
        must_do=tuple(replace(m, activity=new(m.activity)) for m in student.must_do),
        locks=tuple(
            replace(lock, activity=new(lock.activity)) for lock in student.locks
        ),
        avoid=tuple(replace(a, activity=new(a.activity)) for a in student.avoid),
    )


def restore_activity_ids(plan: Plan, originals: Mapping[str, str]) -> Plan:
    """Return the plan with each classroom's copy of a station named as the station."""
    if not originals:
        return plan
    return replace(
        plan,
        students={
            student: replace(
                week,
                slots=tuple(
                    replace(slot, activity=originals.get(slot.activity, slot.activity))
                    for slot in week.slots
                ),
            )
            for student, week in plan.students.items()
        },
    )
