"""Writes of mastery: refitting knowledge tracing and storing the estimates."""

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.db.models import QuerySet

from coplanner.engine.mastery import (
    Band as EngineBand,
)
from coplanner.engine.mastery import (
    Sequences,
    TraceParams,
    encode,
    estimate_all,
    fit_trace_params,
    group_by_skill,
)
from coplanner.mastery.models import Band, Evidence, EvidenceKind, MasteryEstimate
from coplanner.roster.models import School, Student

logger = logging.getLogger(__name__)

BANDS = {
    EngineBand.NOT_YET: Band.NOT_YET,
    EngineBand.DEVELOPING: Band.DEVELOPING,
    EngineBand.MASTERED: Band.MASTERED,
}
WRITE_BATCH = 2000


@dataclass(frozen=True)
class FitSummary:
    students: int
    skills: int
    evidence: int
    estimates: int
    seconds: float


def _observation(kind: str, correct: bool | None, score: float | None) -> float:
    # A response is 1 or 0; a score or a rating already lies in [0, 1] and
    # counts as that fraction of a correct answer.
    if kind == EvidenceKind.RESPONSE:
        return 1.0 if correct else 0.0
    return float(score if score is not None else 0.0)


def record_mastery_fit(
    school: School,
    students: QuerySet[Student] | None = None,
    step: Callable[[str], None] = lambda _label: None,
    fit: Callable[[Mapping[str, Sequences]], TraceParams] = fit_trace_params,
) -> FitSummary:
    """Refit knowledge tracing on a school's evidence and store the estimates.

    Parameters are fitted on the whole school's evidence, so a single class
    borrows strength from the others; estimates are stored for ``students``
    (every student of the school by default), replacing earlier ones.
    ``step`` is called with a short label as each phase starts. ``fit``
    fits the skills' sequences: in threads of this process by default, or on
    a cluster (``coplanner.planning.distributed.mastery``).
    """
    started = time.perf_counter()
    step("reading evidence")
    rows = list(
        Evidence.objects.filter(student__school=school)
        .order_by("observed_at", "pk")
        .values_list(
            "student_id", "skill_id", "kind", "correct", "score", "observed_at"
        )
    )
    if not rows:
        return FitSummary(0, 0, 0, 0, time.perf_counter() - started)
    student_ids = [str(row[0]) for row in rows]
    skill_ids = [str(row[1]) for row in rows]
    values = np.array([_observation(row[2], row[3], row[4]) for row in rows])
    observed_at = [row[5] for row in rows]

    step("fitting skills")
    student_codes, _ = encode(student_ids)
    skill_codes, skill_labels = encode(skill_ids)
    sequences = group_by_skill(skill_codes, student_codes, values)
    params = fit({skill_labels[code]: sequence for code, sequence in sequences.items()})

    step("estimating mastery")
    in_scope = set(
        (students if students is not None else school.students.all()).values_list(
            "pk", flat=True
        )
    )
    estimates = [
        estimate
        for estimate in estimate_all(
            student_ids, skill_ids, values, params, observed_at=observed_at
        )
        if int(estimate.student) in in_scope
    ]

    step("storing estimates")
    with transaction.atomic():
        MasteryEstimate.objects.bulk_create(
            (
                MasteryEstimate(
                    student_id=int(estimate.student),
                    skill_id=int(estimate.skill),
                    probability=min(1.0, max(0.0, estimate.probability)),
                    band=BANDS[estimate.band],
                    observations=estimate.observations,
                    last_observed_at=estimate.last_observed,
                )
                for estimate in estimates
            ),
            batch_size=WRITE_BATCH,
            update_conflicts=True,
            unique_fields=["student", "skill"],
            update_fields=[
                "probability",
                "band",
                "observations",
                "last_observed_at",
                "updated_at",
            ],
        )
    summary = FitSummary(
        students=len({estimate.student for estimate in estimates}),
        skills=len(sequences),
        evidence=len(rows),
        estimates=len(estimates),
        seconds=time.perf_counter() - started,
    )
    logger.info(
        "Mastery fit for school %s: %s evidence, %s skills, %s estimates in %.2f s",
        school.pk,
        summary.evidence,
        summary.skills,
        summary.estimates,
        summary.seconds,
    )
    return summary
