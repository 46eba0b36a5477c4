"""Answer a request made in a conference, changing as little as possible.

A request (swap two blocks, move an activity, drop one, choose a variant,
lock a block) becomes slots the student's week must have or must not have.
The student's week is re-solved first with everyone else fixed, keeping as
many of their slots as possible. When that cannot work (a full station, a
busy adult), the student is re-solved together with the few students who
hold the seats or staff in question, keeping as many of *their* slots as
possible first; the answer then says whose slots changed and why. When even
that cannot work, the request is refused with the rule that forbids it and
the nearest allowed alternatives. A request the planner runs out of time for
before it can tell either way is answered as such (rule `OUT_OF_TIME`), never
as impossible.
"""

import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from ortools.sat.python import cp_model

from coplanner.engine.planner.check import slot_change_keeps_rules
from coplanner.engine.planner.conflicts import describe, smallest_relaxation, when
from coplanner.engine.planner.errors import PlannerError
from coplanner.engine.planner.model import (
    PlanModel,
    Prepared,
    Week,
    activity_fits,
    ban,
    build_model,
    pin,
    prepare,
)
from coplanner.engine.planner.plan import Plan
from coplanner.engine.planner.problem import Avoid, Lock, Problem, Student
from coplanner.engine.planner.solve import make_plan, solver_for

# The students re-solved with the one who asked, when the week of the one
# alone cannot meet the request.
RELATED_STUDENTS = 5

# The share of a request's time the searches for a week may use; the rest
# is kept so that a refusal can still be explained and offer alternatives.
SEARCH_SHARE = 0.6
# Seconds the search for the rule a refused request breaks gets at least.
MIN_RELAXATION_S = 0.05

# The rule of an answer the planner ran out of time for: the request was
# neither met nor shown to break a rule.
OUT_OF_TIME = "time"
OUT_OF_TIME_MESSAGE = (
    "No answer yet: the planner ran out of time before it could tell "
    "whether this fits. Ask again in a moment."
)


class RequestError(PlannerError):
    """Signal a request that names a student, block, activity or variant that does not exist."""

    code = "request"


@dataclass(frozen=True)
class SwapRequest:
    """Swap the activities of two of the student's blocks."""

    student: str
    first_block: str
    second_block: str


@dataclass(frozen=True)
class MoveRequest:
    """Move the activity of one block to another block."""

    student: str
    from_block: str
    to_block: str


@dataclass(frozen=True)
class DropRequest:
    """Take an activity out of one block, or out of the whole week."""

    student: str
    activity: str
    block: str | None = None


@dataclass(frozen=True)
class VariantRequest:
    """Do a block's activity as one of its variants (None: as it is)."""

    student: str
    block: str
    variant: str | None


@dataclass(frozen=True)
class LockRequest:
    """Fix a block to an activity, and to a variant when one is given."""

    student: str
    block: str
    activity: str
    variant: str | None = None


Request = SwapRequest | MoveRequest | DropRequest | VariantRequest | LockRequest


@dataclass(frozen=True)
class Change:
    """One slot that changed, and why, in words."""

    student: str
    block: str
    before: str
    after: str
    why: str


@dataclass(frozen=True)
class Alternative:
    """Something close to the request that the rules allow.

    `kind` is "another_day", "variant" or "same_skill".
    """

    kind: str
    block: str
    activity: str
    variant: str | None
    message: str


@dataclass(frozen=True)
class RequestAnswer:
    """The answer to a request.

    When `applied`, `plan` is the new plan and `problem` records the request
    (as locks or avoids) so that later solves keep it; `changes` lists every
    slot that changed. When refused, `plan` and `problem` are unchanged,
    `rule` names the rule that forbids the request and `alternatives` lists
    what is allowed instead.
    """

    applied: bool
    message: str
    problem: Problem
    plan: Plan
    changes: tuple[Change, ...] = ()
    rule: str | None = None
    alternatives: tuple[Alternative, ...] = ()
    seconds: float = 0.0


@dataclass
class _Wish:
    """What a request asks of the student's week."""

    student: str
    pins: dict[str, str] = field(default_factory=dict)
    bans: set[tuple[str, str]] = field(default_factory=set)
    variants: dict[str, str | None] = field(default_factory=dict)
    locks: list[Lock] = field(default_factory=list)
    avoids: list[Avoid] = field(default_factory=list)


def answer_request(
    problem: Problem,
    plan: Plan,
    request: Request,
    *,
    time_limit_s: float = 2.0,
    seed: int = 0,
) -> RequestAnswer:
    """Answer a request against the current plan of a problem."""
    started = time.monotonic()
    deadline = started + time_limit_s
    searched_by = started + SEARCH_SHARE * time_limit_s
    weeks = plan.assignment()
    wish = _wish(problem, weeks, request)
    student = wish.student
    recorded = _record(problem, wish)
    prepared = prepare(recorded)

    for block, activity in wish.pins.items():
        record = problem.activity_by_id[activity]
        if not activity_fits(problem.block_by_id[block], record):
            return _refuse(
                problem,
                plan,
                "fits_block",
                f"Not possible: {record.name} cannot go "
                f"{when(problem.block_by_id[block])}: it does not fit that block.",
                _alternatives(prepare(problem), weeks, wish, deadline, seed),
                started,
            )

    others = [s.id for s in problem.students if s.id != student]
    groups = [[student], [student, *_related(prepared, weeks, wish)]]
    out_of_time = False
    for free in groups:
        if len(free) == 1 and free is not groups[0]:
            continue
        solved = _solve_wish(prepared, weeks, wish, free, searched_by, seed)
        if solved.weeks is not None:
            full = {s: solved.weeks.get(s, weeks[s]) for s in [student, *others]}
            return _apply(problem, recorded, prepared, plan, weeks, full, wish, started)
        out_of_time = out_of_time or not solved.finished

    # A request the searches proved impossible is worth a little time past
    # the deadline to say which rule it breaks; one they could not settle
    # gets the relaxation only while time is left.
    left = deadline - time.monotonic()
    relaxation = None
    if not out_of_time or left >= MIN_RELAXATION_S:
        relaxation = smallest_relaxation(
            prepared,
            max(MIN_RELAXATION_S, left),
            free=groups[1],
            fixed={s: w for s, w in weeks.items() if s not in groups[1]},
            require=lambda pm: _require(pm, wish),
            seed=seed,
            presolve=False,
        )
    conflicts = describe(recorded, relaxation) if relaxation else ()
    # When a search above ran out of time, only the smallest relaxation
    # proves that the request breaks a rule; without that proof, calling it
    # impossible would send the child away from something the rules allow.
    proven = not out_of_time or (relaxation is not None and relaxation.smallest)
    if conflicts and proven:
        rule, message = conflicts[0].rule, f"Not possible: {conflicts[0].message}"
    elif out_of_time:
        rule, message = OUT_OF_TIME, OUT_OF_TIME_MESSAGE
    else:
        rule = "one_per_block"
        message = "Not possible: No week for the student keeps every rule."
    return _refuse(
        problem,
        plan,
        rule,
        message,
        _alternatives(prepare(problem), weeks, wish, deadline, seed),
        started,
    )


# Turning a request into slots ---------------------------------------------


def _wish(problem: Problem, weeks: Mapping[str, Week], request: Request) -> _Wish:
    if request.student not in problem.student_by_id or request.student not in weeks:
        raise RequestError(f"Unknown student {request.student}.")
    week = weeks[request.student]
    wish = _Wish(student=request.student)

    def known_block(block: str) -> str:
        if block not in problem.block_by_id:
            raise RequestError(f"Unknown block {block}.")
        return block

    def known_activity(activity: str) -> str:
        if activity not in problem.activity_by_id:
            raise RequestError(f"Unknown activity {activity}.")
        return activity

    if isinstance(request, SwapRequest):
        first, second = (
            known_block(request.first_block),
            known_block(request.second_block),
        )
        wish.pins = {first: week[second], second: week[first]}
        wish.locks = [Lock(first, week[second]), Lock(second, week[first])]
    elif isinstance(request, MoveRequest):
        origin, target = known_block(request.from_block), known_block(request.to_block)
        wish.pins = {target: week[origin]}
        wish.bans = {(origin, week[origin])}
        wish.locks = [Lock(target, week[origin])]
    elif isinstance(request, DropRequest):
        dropped = known_activity(request.activity)
        blocks = [known_block(request.block)] if request.block else list(week)
        wish.bans = {(block, dropped) for block in blocks}
        wish.avoids = [Avoid(dropped, request.block)]
    elif isinstance(request, VariantRequest):
        block = known_block(request.block)
        current = problem.activity_by_id[week[block]]
        if request.variant is not None and current.variant(request.variant) is None:
            raise RequestError(f"{current.name} has no variant {request.variant}.")
        wish.pins = {block: current.id}
        wish.variants = {block: request.variant}
        wish.locks = [Lock(block, current.id, request.variant)]
    else:
        block, activity_id = (
            known_block(request.block),
            known_activity(request.activity),
        )
        chosen = problem.activity_by_id[activity_id]
        if request.variant is not None and chosen.variant(request.variant) is None:
            raise RequestError(f"{chosen.name} has no variant {request.variant}.")
        wish.pins = {block: activity_id}
        wish.variants = {block: request.variant}
        wish.locks = [Lock(block, activity_id, request.variant)]
    return wish


def _record(problem: Problem, wish: _Wish) -> Problem:
    """Return the problem with the request kept as locks and avoids.

    A new lock replaces an earlier lock of the same block.
    """
    locked = {lock.block for lock in wish.locks}
    students = []
    for student in problem.students:
        if student.id == wish.student:
            student = replace(
                student,
                locks=(
                    *(lock for lock in student.locks if lock.block not in locked),
                    *wish.locks,
                ),
                avoid=(*student.avoid, *wish.avoids),
            )
        students.append(student)
    return replace(problem, students=tuple(students))


def _require(pm: PlanModel, wish: _Wish) -> None:
    """Add the request's slots to a model; they are never given up."""
    for block, activity in wish.pins.items():
        pin(pm, wish.student, block, activity)
    for block, activity in wish.bans:
        ban(pm, wish.student, block, activity)


# Solving -------------------------------------------------------------------


@dataclass(frozen=True)
class _Solved:
    """The free students' new weeks, or None when none was found.

    `finished` is False when time ran out before the search could tell
    whether such weeks exist.
    """

    weeks: dict[str, Week] | None
    finished: bool


# TODO: the Python around the solves takes most of a request's thinking
# (in a profile of 80 requests in a class of 25: building models 45%,
# preparing terms and dressing the new plan 20%, the solves 30%), so a busy
# server answers a few requests with "ask again". A model of the class
# built once per conference and changed per request would leave more of
# the second to the search.
def _solve_wish(
    prepared: Prepared,
    weeks: Mapping[str, Week],
    wish: _Wish,
    free: list[str],
    deadline: float,
    seed: int,
) -> _Solved:
    """Re-solve the free students so that the wish holds, keeping most slots.

    Keeping another student's slot comes first, then keeping the asking
    student's slots, then the plan score.
    """
    problem = prepared.problem
    swing = _largest_swing(problem) * len(free) + 1.0
    own = swing
    others = own * (len(problem.blocks) + 1) + swing

    def extra(pm: PlanModel) -> None:
        _require(pm, wish)
        for student in free:
            reward = own if student == wish.student else others
            for block, activity in weeks[student].items():
                variable = pm.x.get((student, block, activity))
                if variable is not None:
                    pm.gain(variable, reward)

    if time.monotonic() >= deadline:
        return _Solved(None, finished=False)
    fixed = {s: w for s, w in weeks.items() if s not in free}
    pm = build_model(prepared, free=free, fixed=fixed, extra=extra)
    pm.hint(weeks)
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        return _Solved(None, finished=False)
    # With all but a few students fixed, presolve costs more than the search
    # it would shorten (often several times more), for the same optimum.
    solver = solver_for(remaining, 1, seed, presolve=False)
    status = solver.solve(pm.model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _Solved(pm.read(solver), finished=True)
    return _Solved(None, finished=status != cp_model.UNKNOWN)


def _largest_swing(problem: Problem) -> float:
    """Bound how much one student's share of the objective can change."""
    weights = problem.weights
    minutes = sum(block.minutes for block in problem.blocks)
    blocks = len(problem.blocks)
    return (
        weights.rigor * minutes
        + weights.voice * 3 * blocks
        + weights.confidence * 2 * blocks
        + weights.variety * blocks
        + weights.stability * blocks
    )


def _related(prepared: Prepared, weeks: Mapping[str, Week], wish: _Wish) -> list[str]:
    """Pick the students who hold the seats or staff the wish needs."""
    problem = prepared.problem
    scores: dict[str, int] = {}
    for block, activity in wish.pins.items():
        record = problem.activity_by_id[activity]
        for other, week in weeks.items():
            if other == wish.student or block not in week:
                continue
            theirs = problem.activity_by_id[week[block]]
            same_seat = theirs.id == activity and record.capacity is not None
            same_adult = record.staff is not None and theirs.staff == record.staff
            if same_seat or same_adult:
                scores[other] = scores.get(other, 0) + 2
    # Students sharing many scarce slots with the student come next.
    own = weeks[wish.student]
    for other, week in weeks.items():
        if other == wish.student or other in scores:
            continue
        shared = sum(
            1
            for block, activity in own.items()
            if week.get(block) == activity
            and problem.activity_by_id[activity].capacity is not None
        )
        if shared:
            scores[other] = shared // 4
    ranked = sorted(scores, key=lambda s: -scores[s])
    return ranked[:RELATED_STUDENTS]


# Answers -------------------------------------------------------------------


def _apply(
    problem: Problem,
    recorded: Problem,
    prepared: Prepared,
    plan: Plan,
    weeks: Mapping[str, Week],
    new_weeks: Mapping[str, Week],
    wish: _Wish,
    started: float,
) -> RequestAnswer:
    kept = {
        student: {slot.block: slot.variant for slot in week.slots}
        for student, week in plan.students.items()
    }
    kept.setdefault(wish.student, {}).update(wish.variants)
    # A lock that replaced another may allow better plans than the old
    # bound; only a problem with nothing given up keeps it.
    replaced = any(
        lock.block in {new.block for new in wish.locks}
        for lock in problem.student_by_id[wish.student].locks
    )
    bound = None if replaced else plan.bound
    new_plan = make_plan(prepared, new_weeks, "feasible", bound, 0.0, kept)
    if bound is not None and new_plan.objective is not None:
        if new_plan.objective >= bound - 1e-6 * max(1.0, abs(bound)):
            new_plan = replace(new_plan, status="optimal")

    changes = []
    for student, week in new_weeks.items():
        for block, activity in week.items():
            before = weeks[student][block]
            if before == activity and not (
                student == wish.student and block in wish.variants
            ):
                continue
            changes.append(
                Change(
                    student,
                    block,
                    before,
                    activity,
                    _why(problem, wish, new_weeks, student, block, before),
                )
            )
    seconds = time.monotonic() - started
    new_plan = replace(new_plan, seconds=seconds)
    own = [c for c in changes if c.student == wish.student]
    moved = sorted({c.student for c in changes if c.student != wish.student})
    message = f"Done: {len(own)} of {wish.student}'s blocks changed."
    if moved:
        message += f" To make room, {', '.join(moved)} moved: see the changes."
    return RequestAnswer(
        applied=True,
        message=message,
        problem=recorded,
        plan=new_plan,
        changes=tuple(changes),
        seconds=seconds,
    )


def _why(
    problem: Problem,
    wish: _Wish,
    new_weeks: Mapping[str, Week],
    student: str,
    block: str,
    before: str,
) -> str:
    moment = when(problem.block_by_id[block])
    if student == wish.student:
        if wish.pins.get(block) == new_weeks[student][block]:
            return "Asked for"
        return "Moved to make the request fit"
    asker = new_weeks[wish.student].get(block)
    record = problem.activity_by_id[before]
    if asker == before:
        return f"Made room for {wish.student} in {record.name} {moment}"
    if asker is not None and record.staff is not None:
        if problem.activity_by_id[asker].staff == record.staff:
            return f"{record.staff} runs another group for {wish.student} {moment}"
    return f"Moved so that {wish.student}'s request fits"


def _refuse(
    problem: Problem,
    plan: Plan,
    rule: str,
    message: str,
    alternatives: tuple[Alternative, ...],
    started: float,
) -> RequestAnswer:
    return RequestAnswer(
        applied=False,
        message=message,
        problem=problem,
        plan=plan,
        rule=rule,
        alternatives=alternatives,
        seconds=time.monotonic() - started,
    )


def _alternatives(
    prepared: Prepared,
    weeks: Mapping[str, Week],
    wish: _Wish,
    deadline: float,
    seed: int,
) -> tuple[Alternative, ...]:
    """Find allowed requests near a refused one: another day, a variant, a kin activity.

    Each is checked by re-solving the student's week alone, so every
    alternative offered can be applied as it is.
    """
    problem = prepared.problem
    student = problem.student_by_id[wish.student]
    found: list[Alternative] = []

    for block, activity in wish.bans:
        record = problem.activity_by_id[activity]
        required = any(item.activity == activity for item in student.must_do)
        for variant in record.variants if required else ():
            found.append(
                Alternative(
                    "variant",
                    block,
                    activity,
                    variant.id,
                    f"Keep {record.name}, done as: {variant.label}",
                )
            )
        if found:
            break

    for block, activity in wish.pins.items():
        record = problem.activity_by_id[activity]
        target = problem.block_by_id[block]
        days = [target.day, *(d for d, _ in problem.days if d != target.day)]
        others = sorted(
            (b for b in problem.blocks if b.id != block and activity_fits(b, record)),
            key=lambda b: (b.day == target.day, days.index(b.day), b.start),
        )
        for other in others[:6]:
            if _allowed(prepared, weeks, student, other.id, activity, deadline, seed):
                found.append(
                    Alternative(
                        "another_day",
                        other.id,
                        activity,
                        wish.variants.get(block),
                        f"{record.name} {when(other)}",
                    )
                )
                break
        kin = [
            a
            for a in problem.activities
            if a.id != activity
            and set(a.skills) & set(record.skills)
            and activity_fits(target, a)
        ]
        for other_activity in kin[:4]:
            if _allowed(
                prepared, weeks, student, block, other_activity.id, deadline, seed
            ):
                found.append(
                    Alternative(
                        "same_skill",
                        block,
                        other_activity.id,
                        None,
                        f"{other_activity.name} {when(target)}, for the same skills",
                    )
                )
                break
    return tuple(found)


def _allowed(
    prepared: Prepared,
    weeks: Mapping[str, Week],
    student: Student,
    block: str,
    activity: str,
    deadline: float,
    seed: int,
) -> bool:
    """Say whether the student alone can take this activity in this block.

    The week with only this slot changed is tried first; a solve, which may
    move the student's other slots, only when that breaks a rule.
    """
    others_there = [w[block] for s, w in weeks.items() if s != student.id]
    if slot_change_keeps_rules(
        prepared.problem, student.id, weeks[student.id], block, activity, others_there
    ):
        return True
    if time.monotonic() >= deadline:
        return False
    wish = _Wish(student=student.id, pins={block: activity})
    solved = _solve_wish(prepared, weeks, wish, [student.id], deadline, seed)
    return solved.weeks is not None
