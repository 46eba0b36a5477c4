"""Where a student stands on the prerequisite graph: ready to learn, to review.

A skill without an estimate counts as mastery 0, never as mastered.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import datetime, timedelta

from coplanner.engine.mastery.estimates import DEFAULT_BANDS, Bands, MasteryEstimate

DEFAULT_REVIEW_AFTER = timedelta(days=28)


def _mastered(
    estimates: Mapping[str, MasteryEstimate], skill: str, bands: Bands
) -> bool:
    estimate = estimates.get(skill)
    return estimate is not None and estimate.probability >= bands.mastered_at


def ready_to_learn(
    estimates: Mapping[str, MasteryEstimate],
    prerequisites: Mapping[str, Collection[str]],
    bands: Bands = DEFAULT_BANDS,
) -> list[str]:
    """Return the skills not mastered whose prerequisites are all mastered.

    ``estimates`` are one student's, by skill; ``prerequisites`` maps every
    skill of the curriculum to its prerequisites. Skills come back in the
    order of ``prerequisites``.
    """
    return [
        skill
        for skill, required in prerequisites.items()
        if not _mastered(estimates, skill, bands)
        and all(_mastered(estimates, other, bands) for other in required)
    ]


def review_candidates(
    estimates: Iterable[MasteryEstimate],
    now: datetime,
    review_after: timedelta = DEFAULT_REVIEW_AFTER,
    bands: Bands = DEFAULT_BANDS,
) -> list[MasteryEstimate]:
    """Return mastered estimates whose last evidence is ``review_after`` old or more.

    An estimate without a time of its last evidence cannot be judged and is
    left out. The oldest come first.
    """
    due = [
        estimate
        for estimate in estimates
        if estimate.probability >= bands.mastered_at
        and estimate.last_observed is not None
        and now - estimate.last_observed >= review_after
    ]
    return sorted(
        due,
        key=lambda estimate: (estimate.last_observed, estimate.student, estimate.skill),
    )
