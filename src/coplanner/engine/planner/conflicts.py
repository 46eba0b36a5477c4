"""Why no plan exists, in plain words, and the smallest change that allows one.

The search for the smallest change uses the plan model with every rule
instance (one rule for one student) enforced only while its `keep` literal
holds, and keeps as many instances as it can. The instances it gives up are
the smallest relaxation; the plan it finds with them given up shows what
each one would take, which is what the messages and fixes say.
"""

import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from ortools.sat.python import cp_model

from coplanner.engine.planner.model import (
    BIG,
    PlanModel,
    Prepared,
    RuleInstance,
    Week,
    build_model,
)
from coplanner.engine.planner.plan import Conflict
from coplanner.engine.planner.problem import Block, Problem
from coplanner.engine.planner.terms import RULES, build_student_terms


@dataclass(frozen=True)
class Relaxation:
    """The fewest rule instances to give up, and a plan that then exists.

    `weeks` holds every student's week (the model's and the fixed ones).
    `smallest` says whether CP-SAT proved that no fewer instances would do.
    """

    instances: frozenset[RuleInstance]
    weeks: Mapping[str, Week]
    smallest: bool


def blocks_without_activity(prepared: Prepared) -> tuple[Conflict, ...]:
    """Name the blocks that no activity fits, which no relaxation can mend."""
    problem = prepared.problem
    everyone = tuple(student.id for student in problem.students)
    conflicts = []
    for block in problem.blocks:
        if prepared.candidates[block.id] or not everyone:
            continue
        subject = "any subject" if block.subject == "any" else block.subject
        conflicts.append(
            Conflict(
                rule="fits_block",
                students=everyone,
                message=f"No activity fits {when(block)} ({subject}).",
                fix=f"Add an activity for {subject} that can run {when(block)}.",
            )
        )
    return tuple(conflicts)


def smallest_relaxation(
    prepared: Prepared,
    time_limit_s: float,
    relaxed: Collection[RuleInstance] = (),
    free: Collection[str] | None = None,
    fixed: Mapping[str, Week] | None = None,
    require: Callable[[PlanModel], None] | None = None,
    seed: int = 0,
    workers: int = 1,
    presolve: bool = True,
) -> Relaxation | None:
    """Find the fewest rule instances whose relaxation makes a plan possible.

    `require` adds constraints that may not be given up (a request's).
    Return None when even giving up every rule that may be given up leaves
    no plan, or when time runs out first; `time_limit_s` counts building
    the model too. `presolve` pays for a whole class; with most students
    fixed (a request), the search is faster alone.
    """
    began = time.monotonic()
    pm = build_model(
        prepared,
        free=free,
        fixed=fixed,
        relaxed=relaxed,
        conditional=True,
        with_objective=False,
        extra=require,
    )
    keep = pm.enforcement.keep
    # Keep as many instances as possible first; then let the instances given
    # up get as close to their figures as they can, so that the fix can name
    # the figure that is possible.
    reached = []
    for terms, target in pm.wanted:
        amount = pm.model.new_int_var(0, target, "reached")
        pm.add([(amount, 1), *((v, -c) for v, c in terms)], -BIG, 0, [])
        reached.append(amount)
    priority = 1 + sum(target for _, target in pm.wanted)
    pm.model.maximize(
        priority * cp_model.LinearExpr.sum(list(keep.values()))
        + cp_model.LinearExpr.sum(reached)
    )

    left = time_limit_s - (time.monotonic() - began)
    if left <= 0:
        return None
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = left
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.random_seed = seed
    solver.parameters.cp_model_presolve = presolve
    status = solver.solve(pm.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None

    weeks: dict[str, Week] = dict(pm.fixed)
    weeks.update(pm.read(solver))
    instances = frozenset(
        instance
        for instance, literal in keep.items()
        if not solver.boolean_value(literal)
    )
    return Relaxation(
        instances=instances, weeks=weeks, smallest=status == cp_model.OPTIMAL
    )


def describe(
    problem: Problem, relaxation: Relaxation, relaxed: Collection[RuleInstance] = ()
) -> tuple[Conflict, ...]:
    """Turn a relaxation into conflicts, one per rule instance, in rule order.

    An instance the relaxed plan does not actually break is dropped: the
    plan shows it was not needed. `relaxed` are instances given up before.
    """
    conflicts = []
    order = {rule: position for position, rule in enumerate(RULES)}
    students = {
        student.id: position for position, student in enumerate(problem.students)
    }
    for rule, student in sorted(
        relaxation.instances,
        key=lambda item: (order[item[0]], students.get(item[1], 0)),
    ):
        wording = _DESCRIBERS[rule](problem, relaxation, student, relaxed)
        if wording is not None:
            message, fix = wording
            conflicts.append(
                Conflict(rule=rule, students=(student,), message=message, fix=fix)
            )
    return tuple(conflicts)


def times(count: int) -> str:
    """Say how often, in words: once, twice, 3 times."""
    return {0: "no times", 1: "once", 2: "twice"}.get(count, f"{count} times")


def when(block: Block) -> str:
    """Name a block for a person: its day and start time."""
    return f"on {block.day} at {block.start}"


# One describer per rule that may be given up: (message, fix) or None ------

Wording = tuple[str, str] | None


def _capacity(
    problem: Problem,
    relaxation: Relaxation,
    student: str,
    relaxed: Collection[RuleInstance],
) -> Wording:
    weeks = relaxation.weeks
    week = weeks.get(student, {})
    for block in problem.blocks:
        activity = problem.activity_by_id.get(week.get(block.id, ""))
        if activity is None or activity.capacity is None:
            continue
        seats = activity.seats_in(block.id) or 0
        count = sum(
            1
            for other, other_week in weeks.items()
            if other_week.get(block.id) == activity.id
            and (other == student or ("capacity", other) not in relaxed)
        )
        if count > seats:
            elsewhere = activity.capacity - seats
            held = f" ({elsewhere} held by other classes)" if elsewhere else ""
            return (
                f"{activity.name} has {seats} seats {when(block)}{held}, "
                f"and {count} students need it then, {student} among them.",
                f"Add {count - seats} seat(s) to {activity.name}, "
                f"or ease another rule that sends {student} there.",
            )
    return None


def _staff(
    problem: Problem,
    relaxation: Relaxation,
    student: str,
    relaxed: Collection[RuleInstance],
) -> Wording:
    weeks = relaxation.weeks
    week = weeks.get(student, {})
    for block in problem.blocks:
        activity = problem.activity_by_id.get(week.get(block.id, ""))
        if activity is None or activity.staff is None:
            continue
        others = {
            other_week.get(block.id)
            for other, other_week in weeks.items()
            if other != student and ("staff", other) not in relaxed
        }
        clashing = [
            problem.activity_by_id[a].name
            for a in others
            if a is not None
            and a != activity.id
            and problem.activity_by_id[a].staff == activity.staff
        ]
        if clashing:
            return (
                f"{activity.staff} would have to run {activity.name} and "
                f"{clashing[0]} at the same time {when(block)} for {student}.",
                f"Ask another adult to run {activity.name} {when(block)}, "
                f"or ease another rule that sends {student} there.",
            )
    return None


def _subject_minutes(
    problem: Problem,
    relaxation: Relaxation,
    student: str,
    relaxed: Collection[RuleInstance],
) -> Wording:
    weeks = relaxation.weeks
    week = weeks.get(student, {})
    for subject, minutes in problem.rules.subject_minutes.items():
        got = sum(
            problem.block_by_id[block].minutes
            for block, activity in week.items()
            if problem.activity_by_id[activity].subject == subject
        )
        if got < minutes:
            return (
                f"{student} cannot get the {minutes} minutes of {subject} the rules "
                f"ask for together with the other rules; {_most(relaxation)} {got} fit.",
                f"Lower the {subject} minutes to {got}, or make room for more "
                f"{subject} blocks in {student}'s week.",
            )
    return None


def _must_do(
    problem: Problem,
    relaxation: Relaxation,
    student: str,
    relaxed: Collection[RuleInstance],
) -> Wording:
    weeks = relaxation.weeks
    week = weeks.get(student, {})
    for item in problem.student_by_id[student].must_do:
        got = sum(1 for activity in week.values() if activity == item.activity)
        if got < item.at_least:
            name = problem.activity_by_id[item.activity].name
            return (
                f"{student} cannot do {name} {times(item.at_least)} this week "
                f"together with the other rules; {_most(relaxation)} {times(got)} fits.",
                f"Ask for {name} {times(got)} for {student}, or give it more "
                "blocks or seats.",
            )
    return None


def _small_group(
    problem: Problem,
    relaxation: Relaxation,
    student: str,
    relaxed: Collection[RuleInstance],
) -> Wording:
    terms = build_student_terms(problem, problem.student_by_id[student])
    week = relaxation.weeks.get(student, {})
    got = sum(
        1 for activity in week.values() if activity in terms.small_group_activities
    )
    need = problem.rules.small_group_at_least
    if not terms.small_group_need or got >= need:
        return None
    skills = ", ".join(
        problem.skill_by_id[skill].label for skill in terms.small_group_need
    )
    return (
        f"{student} needs {need} small-group slots for {skills}, "
        f"and {_most(relaxation)} {got} fit with the other rules.",
        f"Open more small-group time for {skills}, or lower the small-group "
        f"slots to {got}.",
    )


def _lock(
    problem: Problem,
    relaxation: Relaxation,
    student: str,
    relaxed: Collection[RuleInstance],
) -> Wording:
    weeks = relaxation.weeks
    week = weeks.get(student, {})
    for item in problem.student_by_id[student].locks:
        if week.get(item.block) == item.activity:
            continue
        block = problem.block_by_id[item.block]
        name = problem.activity_by_id[item.activity].name
        return (
            f"{student}'s block {when(block)} is locked to {name}, "
            "which cannot be kept with the other rules.",
            f"Unlock {student}'s block {when(block)}.",
        )
    return None


def _avoid(
    problem: Problem,
    relaxation: Relaxation,
    student: str,
    relaxed: Collection[RuleInstance],
) -> Wording:
    weeks = relaxation.weeks
    week = weeks.get(student, {})
    for item in problem.student_by_id[student].avoid:
        for block_id, activity in week.items():
            if activity != item.activity or item.block not in (None, block_id):
                continue
            block = problem.block_by_id[block_id]
            name = problem.activity_by_id[activity].name
            return (
                f"{student} would have to do {name} {when(block)}, "
                "which is to be avoided.",
                f"Allow {name} for {student} {when(block)}.",
            )
    return None


def _max_per_day(
    problem: Problem,
    relaxation: Relaxation,
    student: str,
    relaxed: Collection[RuleInstance],
) -> Wording:
    weeks = relaxation.weeks
    week = weeks.get(student, {})
    limit = problem.rules.max_same_activity_per_day
    for day, blocks in problem.days:
        counts: dict[str, int] = {}
        for block in blocks:
            if block.id in week:
                counts[week[block.id]] = counts.get(week[block.id], 0) + 1
        for activity, count in counts.items():
            if count > limit:
                name = problem.activity_by_id[activity].name
                return (
                    f"{student} would need {name} {times(count)} on {day}, "
                    f"more than the {limit} a day the rules allow.",
                    f"Allow {name} {times(count)} a day, or ease another rule "
                    f"that needs {name} so often for {student}.",
                )
    return None


_DESCRIBERS: dict[
    str,
    Callable[[Problem, Relaxation, str, Collection[RuleInstance]], Wording],
] = {
    "capacity": _capacity,
    "staff": _staff,
    "subject_minutes": _subject_minutes,
    "must_do": _must_do,
    "small_group": _small_group,
    "lock": _lock,
    "avoid": _avoid,
    "max_per_day": _max_per_day,
}


def _most(relaxation: Relaxation) -> str:
    """Say "at most" only when CP-SAT proved that no plan does better."""
    return "at most" if relaxation.smallest else "so far"


def no_relaxation_found(problem: Problem) -> Conflict:
    """Say that no plan exists and the smallest change was not found in time."""
    return Conflict(
        rule="one_per_block",
        students=tuple(student.id for student in problem.students),
        message="No plan gives every student a slot in every block with these rules, "
        "and the planner ran out of time looking for the smallest change.",
        fix="Give the planner more time, or plan fewer students at once.",
    )
