"""Writes of plans: drafting a class's week with the planner."""

import datetime
import logging
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from coplanner.audit import actions as audit
from coplanner.audit.models import AuditAction
from coplanner.engine.planner import plan as engine_plan
from coplanner.engine.planner.plan import Conflict, StudentPlan
from coplanner.engine.planner.solve import solve
from coplanner.planning.adapter import ClassProblem, build_class_problem
from coplanner.planning.models import (
    ChangeSource,
    Plan,
    PlanStatus,
    PlanVersion,
    Slot,
)
from coplanner.roster.models import Classroom

logger = logging.getLogger(__name__)

# Two cores on a typical school server; the planner's own default.
PLANNER_WORKERS = 2


@dataclass(frozen=True)
class DraftResult:
    """What drafting a class's week did."""

    status: str
    drafted: int
    kept: int
    skipped: int
    seconds: float
    conflicts: tuple[Conflict, ...] = ()

    @property
    def has_plans(self) -> bool:
        return self.status in ("optimal", "feasible")


def record_plan_version(
    plan: Plan,
    week: StudentPlan,
    built: ClassProblem,
    by: AbstractBaseUser | None,
    source: str,
    note: str,
) -> PlanVersion:
    """Save a student's week as the plan's next version, with its slots.

    Call inside a transaction holding the plan's row (``select_for_update``):
    the plan's ``version`` counter goes up by one and names the new version.
    """
    before = _slot_codes(plan)
    plan.version += 1
    plan.save(update_fields=["version", "updated_at"])
    version = PlanVersion.objects.create(
        plan=plan,
        number=plan.version,
        created_by=by,
        source=source,
        note=note[:500],
        rigor=week.score.rigor,
        voice=week.score.voice,
        confidence=week.score.confidence,
        variety=week.score.variety,
        stability=week.score.stability,
    )
    Slot.objects.bulk_create(
        Slot(
            version=version,
            block=built.blocks[slot.block],
            activity=built.activities[slot.activity],
            variant=(
                built.variants[(slot.activity, slot.variant)] if slot.variant else None
            ),
            reasons=list(slot.reasons),
        )
        for slot in week.slots
    )
    _audit_version(plan, version, week, built, before, by)
    return version


def _slot_codes(plan: Plan) -> dict[str, str]:
    """Return block code -> activity code (and variant) of the newest version."""
    if not plan.version:
        return {}
    return {
        block: f"{activity}/{variant}" if variant else activity
        for block, activity, variant in Slot.objects.filter(
            version__plan=plan, version__number=plan.version
        ).values_list("block__code", "activity__code", "variant__code")
    }


def _audit_version(
    plan: Plan,
    version: PlanVersion,
    week: StudentPlan,
    built: ClassProblem,
    before: dict[str, str],
    by: AbstractBaseUser | None,
) -> None:
    """Audit a new plan version: its source and the blocks it changed."""
    after = {
        slot.block: f"{slot.activity}/{slot.variant}" if slot.variant else slot.activity
        for slot in week.slots
    }
    student = next(
        (
            s
            for s in (*built.to_plan.values(), *built.kept.values())
            if s.pk == plan.student_id
        ),
        None,
    )
    changed = {
        block: [before.get(block), code]
        for block, code in sorted(after.items())
        if before.get(block) != code
    }
    audit.record(
        AuditAction.PLAN_VERSION,
        by=by,
        object_type="plan",
        object_id=plan.pk,
        school_id=student.school_id if student else None,
        student_id=plan.student_id,
        from_version=version.number - 1 or None,
        to_version=version.number,
        changes={
            "source": version.source,
            "note": "written" if version.note else "",
            # A first draft fills every block: its count says enough.
            **({"changed": changed} if before else {"slots": len(after)}),
        },
    )


def record_class_drafts(
    built: ClassProblem,
    answer: engine_plan.Plan,
    week_start: datetime.date,
    by: AbstractBaseUser | None,
) -> tuple[int, int]:
    """Store the planner's weeks for a class problem's students as new versions.

    ``answer`` may hold more students than the class (a plan of several
    classes solved together); only the class's students to plan are stored.
    A draft that someone edited while the planner was thinking, or that went
    into conference, is left alone. Return how many plans were drafted and
    how many were skipped.
    """
    drafted = skipped = 0
    with transaction.atomic():
        for code, student in built.to_plan.items():
            week = answer.students[code]
            plan, _created = Plan.objects.select_for_update().get_or_create(
                student=student, week_start=week_start
            )
            if plan.status != PlanStatus.DRAFT or plan.version != (
                built.draft_versions.get(code, 0)
            ):
                skipped += 1
                continue
            record_plan_version(
                plan, week, built, by, ChangeSource.PLANNER, "Drafted by the planner"
            )
            drafted += 1
    return drafted, skipped


def propose_class_drafts(
    classroom: Classroom,
    week_start: datetime.date,
    by: AbstractBaseUser | None,
    time_limit_s: float | None = None,
) -> DraftResult:
    """Draft the week of every student of a class who has no plan or a draft.

    Plans in conference or agreed are kept as they are. Each drafted plan gets
    a new version; nothing earlier is overwritten. A draft that someone edited
    while the planner was thinking is left alone and counted as skipped.
    ``time_limit_s`` caps the planner's thinking (seconds; a default suits a
    class of 25).
    """
    built = build_class_problem(classroom, week_start)
    if not built.to_plan:
        return DraftResult("nothing_to_do", 0, len(built.kept), 0, 0.0)

    answer = solve(
        built.problem, time_limit_s=time_limit_s, workers=PLANNER_WORKERS, seed=0
    )
    if not answer.has_plan:
        logger.info(
            "Draft of classroom %s found no plan: %s, conflicts %s",
            classroom.pk,
            answer.status,
            [conflict.rule for conflict in answer.conflicts],
        )
        return DraftResult(
            answer.status, 0, len(built.kept), 0, answer.seconds, answer.conflicts
        )

    drafted, skipped = record_class_drafts(built, answer, week_start, by)
    logger.info(
        "Drafted classroom %s week %s: %s plans, %s kept, %s skipped, %s in %.1f s",
        classroom.pk,
        week_start,
        drafted,
        len(built.kept),
        skipped,
        answer.status,
        answer.seconds,
    )
    return DraftResult(answer.status, drafted, len(built.kept), skipped, answer.seconds)
