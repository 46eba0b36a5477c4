"""Plan the week of a school or a district on a Dask cluster.

The main process finds the planning units (classrooms that share staff or
seats, see `units`), builds each unit's problem from the database the way a
class's draft is built, and sends it to a worker as the engine's JSON. As
plans come back, each is checked with `check_plan` and stored, a few units
per transaction, through the same action that stores a class's draft: only
students without a plan or with an untouched draft get a new version; plans
in conference or agreed are kept (they take part in the solve as locked
weeks, so their seats and staff stay theirs). A unit whose task fails is
retried by Dask, then reported with its reason; the other units go on.
"""

import datetime
import logging
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from coplanner.curriculum.models import Activity
from coplanner.engine.planner import problem as engine
from coplanner.engine.planner.check import check_plan
from coplanner.engine.planner.plan import Plan as EnginePlan
from coplanner.engine.planner.plan import parse_plan
from coplanner.planning.actions import record_class_drafts
from coplanner.planning.adapter import (
    DRAFT_TIME_LIMIT_S,
    ClassProblem,
    build_class_problem,
)
from coplanner.planning.distributed.cluster import (
    EXTRA_TIME_FACTOR,
    TASK_RETRIES,
    count_attempts,
)
from coplanner.planning.distributed.units import (
    UnitError,
    group_classrooms,
    merge_problems,
    restore_activity_ids,
)
from coplanner.planning.distributed.worker import solve_unit
from coplanner.roster.models import Classroom, School
from distributed import Client, Future, as_completed

logger = logging.getLogger(__name__)

# Units whose plans are stored in one transaction: few enough that a crash
# loses little, enough that a district does not commit thousands of times.
WRITE_BATCH_UNITS = 8
# A unit may think this long per classroom when no time limit is given
# (seconds). Overnight there is time: three times what a teacher's "Draft
# plans" gives one class, since staff shared by four classes of 22 take a
# minute on one busy core to reach a first plan.
TIME_LIMIT_PER_CLASSROOM_S = 3 * DRAFT_TIME_LIMIT_S
# How many lines of a failed check to keep in a unit's reason.
REASON_LINES = 3


@dataclass(frozen=True)
class PlanningUnit:
    """Classrooms of one school that are solved together.

    ``id`` names the unit in logs and reports by the school's slug and the
    classrooms' codes, e.g. ``maple/r1+r2``.
    """

    id: str
    school_id: int
    classroom_ids: tuple[int, ...]


@dataclass(frozen=True)
class UnitJob:
    """A unit's problem, built from the database, ready to send to a worker.

    ``payload`` is the problem as ``coplanner.problem/1`` JSON: what travels.
    ``classes`` hold the rows each classroom's plans are stored against;
    ``originals`` turns a classroom's copy of a station back into its id.
    """

    unit: PlanningUnit
    classes: tuple[ClassProblem, ...]
    problem: engine.Problem
    payload: dict[str, Any]
    originals: Mapping[str, str]

    @property
    def students_to_plan(self) -> int:
        return sum(len(built.to_plan) for built in self.classes)


@dataclass(frozen=True)
class UnitOutcome:
    """What happened to one unit: planned, failed (with why) or nothing to do."""

    unit: PlanningUnit
    result: str
    students: int = 0
    drafted: int = 0
    kept: int = 0
    skipped: int = 0
    status: str = ""
    objective: float | None = None
    worker_seconds: float = 0.0
    attempts: int = 0
    reason: str = ""


PLANNED, FAILED, NOTHING_TO_DO = "planned", "failed", "nothing_to_do"


@dataclass(frozen=True)
class WeekSummary:
    """What planning the week did, unit by unit, and how long it took."""

    outcomes: tuple[UnitOutcome, ...]
    seconds: float
    workers: int
    week_start: datetime.date

    def count(self, result: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.result == result)

    @property
    def failed(self) -> tuple[UnitOutcome, ...]:
        return tuple(o for o in self.outcomes if o.result == FAILED)

    @property
    def drafted(self) -> int:
        return sum(outcome.drafted for outcome in self.outcomes)


# Units ---------------------------------------------------------------------


def find_planning_units(
    schools: Iterable[School],
) -> tuple[list[PlanningUnit], list[UnitOutcome]]:
    """Split the classrooms of ``schools`` into planning units.

    A member of staff joins every classroom that may use an activity they
    run: their own class's activities, and every class of the school for an
    activity open to all. So do the seats of an activity open to all whose
    seats the whole school shares (``seats_shared``, a computer lab). Other
    seats join nothing: each classroom has its own seats at a station open
    to all (as a class's draft counts them), and a staffed group's seats go
    with its staff. Classrooms without a week template cannot be planned:
    they come back as failed outcomes, one per classroom, saying so.
    """
    units: list[PlanningUnit] = []
    failures: list[UnitOutcome] = []
    for school in schools:
        classrooms = {
            classroom.pk: classroom
            for classroom in school.classrooms.order_by("pk").only(
                "pk", "code", "week_template_id", "school_id"
            )
        }
        for classroom in classrooms.values():
            if classroom.week_template_id is None:
                failures.append(
                    UnitOutcome(
                        unit=PlanningUnit(
                            f"{school.slug}/{classroom.code}",
                            school.pk,
                            (classroom.pk,),
                        ),
                        result=FAILED,
                        reason="This class has no week template yet.",
                    )
                )
        planned = [pk for pk, room in classrooms.items() if room.week_template_id]
        users: dict[tuple[str, int], list[int]] = {}
        for staff_id, classroom_id in Activity.objects.filter(
            school=school, staff__isnull=False
        ).values_list("staff_id", "classroom_id"):
            may_use = [classroom_id] if classroom_id is not None else planned
            users.setdefault(("staff", staff_id), []).extend(may_use)
        for activity_id in Activity.objects.filter(
            school=school,
            seats_shared=True,
            capacity__isnull=False,
            classroom__isnull=True,
        ).values_list("pk", flat=True):
            users[("seats", activity_id)] = planned
        for group in group_classrooms(planned, users):
            codes = "+".join(classrooms[pk].code for pk in group)
            units.append(PlanningUnit(f"{school.slug}/{codes}", school.pk, group))
    return units, failures


def build_unit_job(
    unit: PlanningUnit,
    week_start: datetime.date,
    time_limit_s: float | None = None,
) -> UnitJob:
    """Build a unit's problem from the database, one classroom at a time.

    ``time_limit_s`` is the unit's whole thinking time (seconds); by default
    `TIME_LIMIT_PER_CLASSROOM_S` per classroom. Raise `UnitError` when the
    classrooms cannot be planned together.
    """
    classrooms = list(
        Classroom.objects.filter(pk__in=unit.classroom_ids)
        .select_related("school", "week_template")
        .order_by("pk")
    )
    try:
        classes = tuple(
            build_class_problem(classroom, week_start, planned_with=unit.classroom_ids)
            for classroom in classrooms
        )
    except ValueError as error:
        raise UnitError(str(error)) from None
    limit = time_limit_s or TIME_LIMIT_PER_CLASSROOM_S * len(classes)
    merged = merge_problems(
        [built.problem for built in classes],
        [classroom.code for classroom in classrooms],
        time_limit_s=limit,
        shared_seats=set(
            Activity.objects.filter(
                school_id=unit.school_id, seats_shared=True
            ).values_list("code", flat=True)
        ),
    )
    return UnitJob(
        unit=unit,
        classes=classes,
        problem=merged.problem,
        payload=engine.problem_to_json(merged.problem),
        originals=merged.originals,
    )


# Solving and storing --------------------------------------------------------


def plan_week(
    client: Client,
    schools: Sequence[School],
    week_start: datetime.date,
    *,
    by: AbstractBaseUser | None = None,
    time_limit_s: float | None = None,
    on_units: Callable[[int], None] = lambda _count: None,
    on_outcome: Callable[[UnitOutcome], None] = lambda _outcome: None,
) -> WeekSummary:
    """Draft the week of every classroom of ``schools`` on the cluster.

    ``time_limit_s`` caps each unit's thinking (seconds). ``on_units`` is
    called once with the number of units, ``on_outcome`` as each unit ends.
    """
    started = time.monotonic()
    units, failures = find_planning_units(schools)
    on_units(len(units) + len(failures))
    for failure in failures:
        _log_outcome(failure)
        on_outcome(failure)

    def jobs() -> Iterable[UnitJob | UnitOutcome]:
        for unit in units:
            try:
                yield build_unit_job(unit, week_start, time_limit_s)
            except UnitError as error:
                yield UnitOutcome(unit=unit, result=FAILED, reason=str(error))

    outcomes = solve_and_store(client, jobs(), week_start, by=by, on_outcome=on_outcome)
    return WeekSummary(
        outcomes=tuple(failures) + tuple(outcomes),
        seconds=time.monotonic() - started,
        workers=len(client.scheduler_info(n_workers=-1)["workers"]),
        week_start=week_start,
    )


def solve_and_store(
    client: Client,
    jobs: Iterable[UnitJob | UnitOutcome],
    week_start: datetime.date,
    *,
    by: AbstractBaseUser | None = None,
    seed: int = 0,
    on_outcome: Callable[[UnitOutcome], None] = lambda _outcome: None,
) -> list[UnitOutcome]:
    """Send each unit's problem to the cluster, check and store the plans.

    Each job is submitted as soon as it is built, so workers start while
    the main process builds the next ones. An outcome among ``jobs`` (a unit
    that could not be built) is passed through as it is.
    """
    run = uuid.uuid4().hex[:8]
    outcomes: list[UnitOutcome] = []
    futures: dict[Future, UnitJob] = {}

    def finish(outcome: UnitOutcome) -> None:
        _log_outcome(outcome)
        outcomes.append(outcome)
        on_outcome(outcome)

    def submit(job: UnitJob, time_limit_s: float, again: bool = False) -> Future:
        return client.submit(
            solve_unit,
            job.payload,
            time_limit_s,
            seed,
            key=f"plan-unit-{run}-{job.unit.id}{'-longer' if again else ''}",
            retries=TASK_RETRIES,
            pure=False,
        )

    for job in jobs:
        if isinstance(job, UnitOutcome):
            finish(job)
            continue
        if job.students_to_plan == 0:
            finish(
                UnitOutcome(
                    unit=job.unit,
                    result=NOTHING_TO_DO,
                    kept=sum(len(built.kept) for built in job.classes),
                )
            )
            continue
        futures[submit(job, job.problem.time_limit_s)] = job

    ready: list[tuple[UnitJob, EnginePlan, float, int]] = []
    extended: set[str] = set()
    pending = as_completed(list(futures))
    for future in pending:
        job = futures.pop(future)
        attempts = count_attempts(client, future.key)
        try:
            answer = future.result()
        except Exception as error:  # whatever failed on the worker, said by unit
            finish(
                UnitOutcome(
                    unit=job.unit,
                    result=FAILED,
                    students=job.students_to_plan,
                    attempts=attempts,
                    reason=f"{type(error).__name__}: {error}",
                )
            )
            continue
        finally:
            future.release()
        if answer["plan"]["status"] == "unknown" and job.unit.id not in extended:
            # No plan found in the time given, and none proven impossible:
            # a large unit on a busy worker gets one more, longer, try.
            extended.add(job.unit.id)
            longer = job.problem.time_limit_s * EXTRA_TIME_FACTOR
            logger.info(
                "Unit %s found no plan yet: again with %.0f s", job.unit.id, longer
            )
            retry = submit(job, longer, again=True)
            futures[retry] = job
            pending.add(retry)
            continue
        plan = parse_plan(answer["plan"])
        refusal = _refusal(job, plan, answer["worker_seconds"], attempts)
        if refusal is not None:
            finish(refusal)
            continue
        plan = restore_activity_ids(plan, job.originals)
        ready.append((job, plan, answer["worker_seconds"], attempts))
        if len(ready) >= WRITE_BATCH_UNITS:
            for outcome in _store(ready, week_start, by):
                finish(outcome)
            ready = []
    for outcome in _store(ready, week_start, by):
        finish(outcome)
    return outcomes


def _refusal(
    job: UnitJob, plan: EnginePlan, worker_seconds: float, attempts: int
) -> UnitOutcome | None:
    """Return a failed outcome when a unit's plan cannot be stored, else None."""

    def failed(reason: str) -> UnitOutcome:
        return UnitOutcome(
            unit=job.unit,
            result=FAILED,
            students=job.students_to_plan,
            status=plan.status,
            worker_seconds=worker_seconds,
            attempts=attempts,
            reason=reason,
        )

    if not plan.has_plan:
        rules = sorted({conflict.rule for conflict in plan.conflicts})
        return failed(
            f"The planner found no plan ({plan.status}); rules in conflict: "
            f"{', '.join(rules) or 'none found in the time given'}."
        )
    report = check_plan(job.problem, plan)
    if not report.ok:
        return failed(
            "The plan did not pass the check: "
            + "; ".join(report.lines()[:REASON_LINES])
        )
    return None


def _store(
    ready: list[tuple[UnitJob, EnginePlan, float, int]],
    week_start: datetime.date,
    by: AbstractBaseUser | None,
) -> list[UnitOutcome]:
    """Store a batch of checked unit plans in one transaction."""
    outcomes = []
    with transaction.atomic():
        for job, plan, worker_seconds, attempts in ready:
            drafted = skipped = 0
            for built in job.classes:
                done, passed = record_class_drafts(built, plan, week_start, by)
                drafted += done
                skipped += passed
            outcomes.append(
                UnitOutcome(
                    unit=job.unit,
                    result=PLANNED,
                    students=job.students_to_plan,
                    drafted=drafted,
                    kept=sum(len(built.kept) for built in job.classes),
                    skipped=skipped,
                    status=plan.status,
                    objective=plan.objective,
                    worker_seconds=worker_seconds,
                    attempts=attempts,
                )
            )
    return outcomes


def _log_outcome(outcome: UnitOutcome) -> None:
    """Log one line per unit: ids and figures only."""
    if outcome.result == FAILED:
        logger.warning(
            "Unit %s failed (%s attempts on a worker): %s",
            outcome.unit.id,
            outcome.attempts,
            outcome.reason,
        )
        return
    logger.info(
        "Unit %s %s: %s classrooms, %s drafted, %s kept, %s skipped, %s, "
        "objective %s, %.1f s on the worker",
        outcome.unit.id,
        outcome.result,
        len(outcome.unit.classroom_ids),
        outcome.drafted,
        outcome.kept,
        outcome.skipped,
        outcome.status or "-",
        "-" if outcome.objective is None else f"{outcome.objective:.2f}",
        outcome.worker_seconds,
    )
