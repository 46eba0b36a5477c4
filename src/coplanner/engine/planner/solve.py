"""Solve a plan problem: search, bound, read out, and explain when there is no plan.

Small problems are solved by one CP-SAT run over the whole model. Larger
ones are searched a few students at a time (large-neighbourhood search):
a first plan is built student by student, each student's week solved
exactly with the earlier students' seats taken; then small groups of
related students are re-solved together with everyone else fixed, keeping
each change that raises the objective. The LP relaxation (HiGHS) bounds
how good any plan can be and says when the search may stop.
"""

import logging
import random
import time
from collections.abc import Callable, Collection, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from coplanner.engine.planner.bound import LpRun
from coplanner.engine.planner.conflicts import (
    blocks_without_activity,
    describe,
    no_relaxation_found,
    smallest_relaxation,
)
from coplanner.engine.planner.model import (
    PlanModel,
    Prepared,
    RuleInstance,
    Week,
    build_model,
    prepare,
    scaled_to_points,
)
from coplanner.engine.planner.plan import Conflict, Plan, Score, Slot, StudentPlan
from coplanner.engine.planner.problem import Problem
from coplanner.engine.planner.reasons import explain_week
from coplanner.engine.planner.terms import score_week

log = logging.getLogger(__name__)

# Up to this many choice variables, one CP-SAT run over the whole model
# finds and proves the best plan quickly; beyond, the search works on parts.
DIRECT_CHOICES = 2500
# Students re-solved together in one step of the search: start, least, most.
NEIGHBOURHOOD = (4, 2, 10)
# Seconds one step of the search may take at most.
STEP_SECONDS = 1.0
# How often the first plan re-solves a student with other rivals before it
# gives the whole model to CP-SAT instead.
FIRST_PLAN_ATTEMPTS = 3
# Seconds the search for the smallest relaxation gets at least.
RELAXATION_SECONDS = 5.0
# A plan this close to the LP bound (relative) is reported as optimal.
OPTIMAL_GAP = 1e-6

Dressed = dict[str, tuple[str, str | None]]
"""Block id -> (activity id, variant id or None) for one student."""


@dataclass(frozen=True)
class Found:
    """Weeks found by one of the search methods, with what is known of them."""

    weeks: Mapping[str, Week] | None
    proven_optimal: bool = False
    proven_infeasible: bool = False
    bound: float | None = None


def solve(
    problem: Problem,
    *,
    time_limit_s: float | None = None,
    workers: int = 2,
    seed: int = 0,
    relaxed: Collection[RuleInstance] = (),
    method: str = "auto",
) -> Plan:
    """Draft the plans of every student of a problem.

    `time_limit_s` overrides the problem's. `relaxed` lists rule instances
    (rule, student) to leave out, as a conflict suggests. `method` is
    "auto", "direct" (one CP-SAT run) or "search" (large-neighbourhood).
    """
    started = time.monotonic()
    limit = time_limit_s if time_limit_s is not None else problem.time_limit_s
    deadline = started + limit
    prepared = prepare(problem)

    structural = blocks_without_activity(prepared)
    if structural:
        return _finish(prepared, started, "infeasible", conflicts=structural)

    full = build_model(prepared, relaxed=relaxed)
    if method == "auto":
        method = "direct" if len(full.x) <= DIRECT_CHOICES else "search"
    if method == "direct":
        # A small relaxation is solved first: it takes well under a second
        # and proves most infeasible problems before the search starts.
        bound = LpRun(full, time_limit_s=max(1.0, limit / 2)).result()
        if bound.infeasible:
            return _infeasible(prepared, started, deadline, relaxed, seed, workers)
        found = _solve_whole(full, deadline, workers, seed, problem.previous)
    else:
        # A large one takes seconds to minutes: it runs on one core while
        # the search, one CP-SAT worker at a time, runs on the other.
        run = LpRun(full, time_limit_s=max(1.0, deadline - time.monotonic()))
        found = _search(
            prepared, full, deadline, workers, seed, relaxed, run.value_if_done
        )
        bound = run.result(wait=False)
        if bound.infeasible and found.weeks is None:
            return _infeasible(prepared, started, deadline, relaxed, seed, workers)

    if found.proven_infeasible:
        return _infeasible(prepared, started, deadline, relaxed, seed, workers)
    if found.weeks is None:
        return _finish(prepared, started, "unknown")

    bounds = [value for value in (bound.value, found.bound) if value is not None]
    best_bound = min(bounds) if bounds else None
    plan = make_plan(prepared, found.weeks, "feasible", best_bound, 0.0)
    assert plan.objective is not None
    if found.proven_optimal or (
        best_bound is not None
        and plan.objective >= best_bound - OPTIMAL_GAP * max(1.0, abs(best_bound))
    ):
        plan = replace(plan, status="optimal")
    return _logged(prepared, replace(plan, seconds=time.monotonic() - started))


def solver_for(
    time_limit_s: float, workers: int, seed: int, presolve: bool = True
) -> cp_model.CpSolver:
    """Return a CP-SAT solver with the planner's settings.

    Presolve is worth it for a whole model; for the small part models of the
    search it takes longer than the search itself.
    """
    solver = cp_model.CpSolver()
    parameters = solver.parameters
    parameters.max_time_in_seconds = max(0.01, time_limit_s)
    parameters.num_workers = max(1, workers)
    parameters.random_seed = seed
    parameters.cp_model_presolve = presolve
    # The linear relaxation of the objective is tight here; more of it in
    # the search pays. Several workers need a subsolver that uses it.
    parameters.linearization_level = 2
    if workers > 1:
        parameters.extra_subsolvers.append("max_lp")
    return solver


# Whole model ---------------------------------------------------------------


def _solve_whole(
    pm: PlanModel,
    deadline: float,
    workers: int,
    seed: int,
    hint: Mapping[str, Week],
) -> Found:
    pm.hint(hint)
    solver = solver_for(deadline - time.monotonic(), workers, seed)
    status = solver.solve(pm.model)
    if status == cp_model.INFEASIBLE:
        return Found(weeks=None, proven_infeasible=True)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Found(weeks=None)
    bound = scaled_to_points(pm, solver.best_objective_bound) + pm.rounding_allowance
    return Found(
        weeks=pm.read(solver), proven_optimal=status == cp_model.OPTIMAL, bound=bound
    )


# Large-neighbourhood search ------------------------------------------------


def _search(
    prepared: Prepared,
    full: PlanModel,
    deadline: float,
    workers: int,
    seed: int,
    relaxed: Collection[RuleInstance],
    bound: Callable[[], float | None],
) -> Found:
    first: Mapping[str, Week] | None = build_first_plan(
        prepared, deadline, seed, relaxed
    )
    if first is None:
        # Building student by student got stuck; let CP-SAT find any plan.
        found = _solve_whole(full, deadline, workers, seed, prepared.problem.previous)
        if found.weeks is None:
            return found
        first = found.weeks
    return Found(
        weeks=improve(prepared, first, deadline, seed, relaxed, bound, workers)
    )


def build_first_plan(
    prepared: Prepared,
    deadline: float,
    seed: int,
    relaxed: Collection[RuleInstance] = (),
) -> dict[str, Week] | None:
    """Build a plan student by student, the most constrained first.

    Each student's week is the best one given the seats and staff the
    students before them took. Return None when some student has no week
    left, even after re-solving them with the students they compete with.
    """
    problem = prepared.problem
    order = sorted(
        (student.id for student in problem.students),
        key=lambda s: -_tightness(prepared, s),
    )
    weeks: dict[str, Week] = {}
    for student in order:
        if time.monotonic() >= deadline:
            return None
        solved = _solve_part(
            prepared, [student], weeks, deadline, seed, relaxed, problem.previous
        )
        attempt = 0
        while solved is None:
            # Seats or staff the student needs are taken: re-solve them with
            # the students they compete with, other rivals on each attempt.
            if attempt == FIRST_PLAN_ATTEMPTS or time.monotonic() >= deadline:
                return None
            rivals = _rivals(
                prepared,
                student,
                weeks,
                NEIGHBOURHOOD[2] - 1,
                random.Random(seed + attempt),
            )
            fixed = {s: w for s, w in weeks.items() if s not in rivals}
            solved = _solve_part(
                prepared, [student, *rivals], fixed, deadline, seed, relaxed, weeks
            )
            attempt += 1
        weeks.update(solved)
    return weeks


def improve(
    prepared: Prepared,
    weeks: Mapping[str, Week],
    deadline: float,
    seed: int,
    relaxed: Collection[RuleInstance] = (),
    bound: Callable[[], float | None] = lambda: None,
    workers: int = 1,
) -> dict[str, Week]:
    """Re-solve a few students at a time, others fixed, while time lasts.

    `bound` returns the best known bound on the objective, or None while
    there is none yet; the search stops once it reaches it. While the bound
    is still being computed it has a core of its own, and the search solves
    one part at a time; after that, up to `workers` parts of different
    students are solved at once (CP-SAT runs outside Python's lock, so one
    part is built while another is solved). A part's answer is kept only if
    it still shares seats and staff fairly with the weeks changed meanwhile.
    """
    rng = random.Random(seed)
    weeks = dict(weeks)
    values = {
        student: student_objective(prepared, student, week)
        for student, week in weeks.items()
    }
    size, least, most = NEIGHBOURHOOD
    pending: dict[Future[cp_model.CpSolverStatus], _Step] = {}
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        while time.monotonic() < deadline - 0.02:
            best = bound()
            total = sum(values.values())
            if best is not None and total >= best - OPTIMAL_GAP * max(1.0, abs(best)):
                break
            at_once = 1 if best is None else max(1, workers)
            busy = {student for step in pending.values() for student in step.group}
            room = len(busy) + least <= len(weeks)
            if len(pending) < at_once and (room or not pending):
                step = _start_step(prepared, weeks, rng, size, busy, relaxed, deadline)
                pending[pool.submit(step.solver.solve, step.pm.model)] = step
                if len(pending) < at_once:
                    continue
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                step = pending.pop(future)
                status = future.result()
                if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                    solved = step.pm.read(step.solver)
                    new = {s: student_objective(prepared, s, solved[s]) for s in solved}
                    if sum(new.values()) > sum(values[s] for s in solved) + 1e-9 and (
                        workers == 1
                        or _shares_fairly(prepared, {**weeks, **solved}, relaxed)
                    ):
                        weeks.update(solved)
                        values.update(new)
                fast = time.monotonic() - step.started < STEP_SECONDS / 4
                if status == cp_model.OPTIMAL and fast:
                    size = min(most, size + 1, len(weeks))
                elif status != cp_model.OPTIMAL:
                    size = max(least, size - 1)
        for future in pending:
            future.cancel()
    return weeks


@dataclass
class _Step:
    """One part of the search: its students, model and solver, being solved."""

    group: list[str]
    pm: PlanModel
    solver: cp_model.CpSolver
    started: float


def _start_step(
    prepared: Prepared,
    weeks: Mapping[str, Week],
    rng: random.Random,
    size: int,
    busy: Collection[str],
    relaxed: Collection[RuleInstance],
    deadline: float,
) -> _Step:
    """Build the model of a new part, of students no running part holds."""
    started = time.monotonic()
    idle = {s: w for s, w in weeks.items() if s not in busy}
    group = _neighbourhood(prepared, idle, rng, min(size, len(idle)))
    fixed = {s: w for s, w in weeks.items() if s not in group}
    pm = build_model(prepared, free=group, fixed=fixed, relaxed=relaxed)
    pm.hint(weeks)
    step = min(STEP_SECONDS, deadline - time.monotonic())
    solver = solver_for(step, 1, rng.randrange(1 << 30), presolve=False)
    return _Step(group=group, pm=pm, solver=solver, started=started)


def _shares_fairly(
    prepared: Prepared,
    weeks: Mapping[str, Week],
    relaxed: Collection[RuleInstance],
) -> bool:
    """Check the rules students share (seats, staff) on a whole set of weeks.

    Two parts solved at once each saw the other's students as they were;
    together their answers may take one seat twice or split a staff member.
    """
    problem = prepared.problem
    seated: dict[tuple[str, str], int] = {}
    staffed: dict[tuple[str, str], set[str]] = {}
    for student, week in weeks.items():
        counts_seats = ("capacity", student) not in relaxed
        counts_staff = ("staff", student) not in relaxed
        for block, activity in week.items():
            record = problem.activity_by_id[activity]
            if counts_seats and record.capacity is not None:
                seated[block, activity] = seated.get((block, activity), 0) + 1
            if counts_staff and record.staff is not None:
                staffed.setdefault((block, record.staff), set()).add(activity)
    return all(
        count <= problem.activity_by_id[activity].seats_in(block)  # type: ignore[operator]
        for (block, activity), count in seated.items()
    ) and all(len(activities) == 1 for activities in staffed.values())


def _solve_part(
    prepared: Prepared,
    free: list[str],
    fixed: Mapping[str, Week],
    deadline: float,
    seed: int,
    relaxed: Collection[RuleInstance],
    hint: Mapping[str, Week],
) -> dict[str, Week] | None:
    pm = build_model(prepared, free=free, fixed=fixed, relaxed=relaxed)
    pm.hint(hint)
    solver = solver_for(
        min(2 * STEP_SECONDS, deadline - time.monotonic()), 1, seed, presolve=False
    )
    status = solver.solve(pm.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return pm.read(solver)


def _tightness(prepared: Prepared, student: str) -> int:
    """Rate how hard a student's week is to fit: locks, must-dos, small groups."""
    terms = prepared.terms[student]
    record = terms.student
    return (
        3 * len(record.locks)
        + sum(item.at_least for item in record.must_do)
        + (prepared.problem.rules.small_group_at_least if terms.small_group_need else 0)
    )


def _scarce(prepared: Prepared, activity: str) -> bool:
    record = prepared.problem.activity_by_id[activity]
    return record.capacity is not None or record.staff is not None


def _rivals(
    prepared: Prepared,
    student: str,
    weeks: Mapping[str, Week],
    count: int,
    rng: random.Random,
) -> list[str]:
    """Pick students who hold seats or staff the student could use."""
    wanted: set[tuple[str, str]] = set()
    terms = prepared.terms[student]
    for block, activities in prepared.candidates.items():
        for activity in activities:
            if _scarce(prepared, activity) and (
                terms.activities[activity].value > 0
                or terms.activities[activity].must_do
                or activity in terms.small_group_activities
                or terms.activities[activity].preference > 0
            ):
                wanted.add((block, activity))
    holders = [
        other
        for other, week in weeks.items()
        if other != student and any(item in wanted for item in week.items())
    ]
    rng.shuffle(holders)
    return holders[:count]


def _neighbourhood(
    prepared: Prepared, weeks: Mapping[str, Week], rng: random.Random, size: int
) -> list[str]:
    """Pick students to re-solve together: one student and those sharing seats with them."""
    students = list(weeks)
    if len(students) <= size:
        return students
    first = rng.choice(students)
    group = [first]
    if rng.random() < 0.7:
        shared = [
            (block, activity)
            for block, activity in weeks[first].items()
            if _scarce(prepared, activity)
        ]
        related = [
            other
            for other in students
            if other != first and any(weeks[other].get(b) == a for b, a in shared)
        ]
        rng.shuffle(related)
        group.extend(related[: size - 1])
    others = [s for s in students if s not in group]
    rng.shuffle(others)
    group.extend(others[: size - len(group)])
    return group


# Read-out ------------------------------------------------------------------


def dress_week(
    prepared: Prepared,
    student: str,
    week: Week,
    kept: Mapping[str, str | None] | None = None,
) -> Dressed:
    """Name the variant of every slot of a week.

    A lock's variant comes first; then a variant the student already chose
    for the same activity (`kept`, by block); then, for a must-do the
    student dislikes, its first variant, since that honours the student's
    voice.
    """
    problem = prepared.problem
    terms = prepared.terms[student]
    dressed: Dressed = {}
    for block, activity_id in week.items():
        activity = problem.activity_by_id[activity_id]
        variant: str | None = None
        locked = [
            lock.variant
            for lock in terms.locks.get(block, ())
            if lock.activity == activity_id and lock.variant is not None
        ]
        previous = (kept or {}).get(block)
        if locked:
            variant = locked[0]
        elif previous is not None and activity.variant(previous) is not None:
            variant = previous
        elif terms.activities[activity_id].variant_helps:
            variant = activity.variants[0].id
        dressed[block] = (activity_id, variant)
    return dressed


def student_objective(prepared: Prepared, student: str, week: Week) -> float:
    """Return one student's share of the objective for a week."""
    dressed = dress_week(prepared, student, week)
    score = score_week(prepared.problem, prepared.terms[student], dressed)
    return score.weighted(prepared.problem.weights)


def make_plan(
    prepared: Prepared,
    weeks: Mapping[str, Week],
    status: str,
    bound: float | None,
    seconds: float,
    kept: Mapping[str, Mapping[str, str | None]] | None = None,
) -> Plan:
    """Turn weeks into a plan with variants, reasons and score parts.

    The objective is recomputed from the score parts, so it is exactly what
    a reader of the plan would compute.
    """
    problem = prepared.problem
    students: dict[str, StudentPlan] = {}
    total = Score()
    for student in problem.students:
        dressed = dress_week(
            prepared, student.id, weeks[student.id], (kept or {}).get(student.id)
        )
        terms = prepared.terms[student.id]
        score = score_week(problem, terms, dressed)
        reasons = explain_week(problem, terms, dressed)
        slots = tuple(
            Slot(block.id, *dressed[block.id], reasons=reasons[block.id])
            for block in problem.blocks
            if block.id in dressed
        )
        students[student.id] = StudentPlan(slots=slots, score=score)
        total = total + score
    return Plan(
        status=status,
        objective=total.weighted(problem.weights),
        bound=bound,
        seconds=seconds,
        students=students,
        score=total,
    )


def _finish(
    prepared: Prepared,
    started: float,
    status: str,
    conflicts: tuple[Conflict, ...] = (),
) -> Plan:
    """Answer without a plan."""
    plan = Plan(
        status=status,
        objective=None,
        bound=None,
        seconds=time.monotonic() - started,
        conflicts=conflicts,
    )
    return _logged(prepared, plan)


def _logged(prepared: Prepared, plan: Plan) -> Plan:
    problem = prepared.problem
    log.info(
        "solve students=%s blocks=%s activities=%s status=%s objective=%s bound=%s "
        "seconds=%.2f conflicts=%s",
        len(problem.students),
        len(problem.blocks),
        len(problem.activities),
        plan.status,
        None if plan.objective is None else round(plan.objective, 3),
        None if plan.bound is None else round(plan.bound, 3),
        plan.seconds,
        ",".join(f"{c.rule}:{'+'.join(c.students)}" for c in plan.conflicts) or "-",
    )
    return plan


def _infeasible(
    prepared: Prepared,
    started: float,
    deadline: float,
    relaxed: Collection[RuleInstance],
    seed: int,
    workers: int,
) -> Plan:
    budget = max(RELAXATION_SECONDS, deadline - time.monotonic())
    relaxation = smallest_relaxation(
        prepared, budget, relaxed=relaxed, seed=seed, workers=workers
    )
    if relaxation is None:
        conflicts: tuple[Conflict, ...] = (no_relaxation_found(prepared.problem),)
    else:
        conflicts = describe(prepared.problem, relaxation, relaxed)
    return _finish(prepared, started, "infeasible", conflicts=conflicts)
