"""Mastery estimates with their band, for one student or a whole district."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from coplanner.engine.mastery.evidence import Observation
from coplanner.engine.mastery.params import BKTParams, TraceParams
from coplanner.engine.mastery.sequences import encode, group_by_skill
from coplanner.engine.mastery.tracing import trace_arrays, update_mastery


class Band(StrEnum):
    """Name the three bands a mastery estimate falls in."""

    NOT_YET = "not yet"
    DEVELOPING = "developing"
    MASTERED = "mastered"


@dataclass(frozen=True)
class Bands:
    """Hold the thresholds between bands.

    A skill is *mastered* from ``mastered_at`` up, *developing* from
    ``developing_at`` up to ``mastered_at``, and *not yet* below
    ``developing_at``. The defaults match the planner's ``mastered_at`` and
    ``struggle_below`` rules, so that a skill the planner treats as a
    struggle is exactly one shown as "not yet".
    """

    mastered_at: float = 0.85
    developing_at: float = 0.6

    def __post_init__(self) -> None:
        if not 0.0 <= self.developing_at <= self.mastered_at <= 1.0:
            raise ValueError(
                "thresholds must satisfy 0 <= developing_at <= mastered_at <= 1"
            )

    def band(self, probability: float) -> Band:
        """Return the band of a mastery probability."""
        if probability >= self.mastered_at:
            return Band.MASTERED
        if probability >= self.developing_at:
            return Band.DEVELOPING
        return Band.NOT_YET


DEFAULT_BANDS = Bands()


@dataclass(frozen=True)
class MasteryEstimate:
    """Hold the probability that a student has mastered a skill, and its basis.

    ``observations`` counts the evidence behind it and ``last_observed`` is
    the time of the latest evidence that had a time (None when none had).
    """

    student: str
    skill: str
    probability: float
    band: Band
    observations: int = 0
    last_observed: datetime | None = None
    bands: Bands = field(default=DEFAULT_BANDS, compare=False, repr=False)


def _later(first: datetime | None, second: datetime | None) -> datetime | None:
    if first is None:
        return second
    if second is None:
        return first
    return max(first, second)


def initial_estimate(
    student: str, skill: str, params: BKTParams, bands: Bands = DEFAULT_BANDS
) -> MasteryEstimate:
    """Return the estimate before any evidence: the skill's prior."""
    return MasteryEstimate(
        student, skill, params.prior, bands.band(params.prior), bands=bands
    )


def update_estimate(
    estimate: MasteryEstimate, params: BKTParams, observation: Observation
) -> MasteryEstimate:
    """Return the estimate after one more observation, without a refit.

    The observation is taken as the newest evidence of this student and
    skill; an older one that arrives late needs :func:`estimate_mastery`.

    TODO: notice evidence older than ``last_observed`` and recompute from
    all evidence instead, once callers keep the evidence at hand.
    """
    probability = update_mastery(estimate.probability, params, observation.value)
    return replace(
        estimate,
        probability=probability,
        band=estimate.bands.band(probability),
        observations=estimate.observations + 1,
        last_observed=_later(estimate.last_observed, observation.observed_at),
    )


def estimate_mastery(
    student: str,
    skill: str,
    params: BKTParams,
    observations: Sequence[Observation],
    bands: Bands = DEFAULT_BANDS,
) -> MasteryEstimate:
    """Return the estimate from all of a student's evidence on one skill, in order."""
    if not observations:
        return initial_estimate(student, skill, params, bands)
    values = np.array(
        [observation.value for observation in observations], dtype=np.float64
    )
    offsets = np.array([0, len(values)], dtype=np.int64)
    _, p_mastery = trace_arrays(values, offsets, params.as_array())
    last: datetime | None = None
    for observation in observations:
        last = _later(last, observation.observed_at)
    probability = float(p_mastery[-1])
    return MasteryEstimate(
        student,
        skill,
        probability,
        bands.band(probability),
        len(observations),
        last,
        bands,
    )


def estimate_all(
    students: Sequence[str],
    skills: Sequence[str],
    values: NDArray[np.float64],
    trace_params: TraceParams,
    observed_at: Sequence[datetime | None] | None = None,
    order: NDArray[np.int64] | None = None,
    bands: Bands = DEFAULT_BANDS,
) -> list[MasteryEstimate]:
    """Return one estimate per student and skill that has evidence.

    Rows are parallel sequences; the rows of one student and skill are taken
    by ``order`` (ties and a missing ``order`` keep the given row order).
    """
    student_codes, student_labels = encode(list(students))
    skill_codes, skill_labels = encode(list(skills))
    grouped = group_by_skill(skill_codes, student_codes, values, order)
    estimates: list[MasteryEstimate] = []
    for skill_code, sequences in grouped.items():
        skill = skill_labels[skill_code]
        params, _ = trace_params.for_skill(skill)
        _, p_mastery = trace_arrays(
            sequences.values, sequences.offsets, params.as_array()
        )
        lengths = np.diff(sequences.offsets)
        for s, student_code in enumerate(sequences.students):
            end = int(sequences.offsets[s + 1])
            last: datetime | None = None
            if observed_at is not None:
                for row in sequences.rows[end - int(lengths[s]) : end]:
                    last = _later(last, observed_at[int(row)])
            probability = float(p_mastery[end - 1])
            estimates.append(
                MasteryEstimate(
                    student_labels[int(student_code)],
                    skill,
                    probability,
                    bands.band(probability),
                    int(lengths[s]),
                    last,
                    bands,
                )
            )
    return estimates
