"""Turn evidence into observations that knowledge tracing can weigh.

Every piece of evidence becomes one observation: a number ``x`` in [0, 1].

- An item response is 1 when correct and 0 when not.
- A score is ``score / max`` (a quiz with 7 of 10 points is 0.7).
- A teacher's rating is mapped through a rating scale; the default scale is
  beginning 0, approaching 0.5, meeting 1, exceeding 1 (or 1 to 4 for the
  same levels), so "meets the standard" weighs like a correct answer.

A fractional observation enters the likelihood as ``x`` of a correct answer
and ``1 - x`` of an incorrect one: given the state, its likelihood is
``p ** x * (1 - p) ** (1 - x)`` with ``p`` the chance of a correct answer in
that state (``1 - slip`` when mastered, ``guess`` when not). For 0 and 1 this
is the usual likelihood; in between it moves the estimate part of the way,
and the EM update stays the familiar ratio of expected counts, with ``x``
counted as a fraction of a correct answer.

TODO: a teacher's rating and a whole quiz score weigh as much as one item
response; give them a weight (several observations' worth) once real school
data shows how much they should count.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

DEFAULT_RATING_SCALE: Mapping[str, float] = {
    "beginning": 0.0,
    "approaching": 0.5,
    "meeting": 1.0,
    "exceeding": 1.0,
    "1": 0.0,
    "2": 0.5,
    "3": 1.0,
    "4": 1.0,
}


@dataclass(frozen=True)
class Observation:
    """Hold one piece of evidence as a number in [0, 1] and when it happened."""

    value: float
    observed_at: datetime | None = None

    def __post_init__(self) -> None:
        if not (math.isfinite(self.value) and 0.0 <= self.value <= 1.0):
            raise ValueError(f"an observation must be in [0, 1], got {self.value!r}")


def observation_from_response(
    correct: bool, observed_at: datetime | None = None
) -> Observation:
    """Return the observation of an item response."""
    return Observation(1.0 if correct else 0.0, observed_at)


def observation_from_score(
    score: float, maximum: float, observed_at: datetime | None = None
) -> Observation:
    """Return the observation of a score out of ``maximum``."""
    if not maximum > 0:
        raise ValueError(f"the maximum score must be positive, got {maximum!r}")
    if not 0 <= score <= maximum:
        raise ValueError(f"a score must be between 0 and {maximum}, got {score!r}")
    return Observation(score / maximum, observed_at)


def observation_from_rating(
    rating: str,
    observed_at: datetime | None = None,
    scale: Mapping[str, float] = DEFAULT_RATING_SCALE,
) -> Observation:
    """Return the observation of a teacher's rating on ``scale``."""
    key = rating.strip().lower()
    if key not in scale:
        known = ", ".join(sorted(scale))
        raise ValueError(f"unknown rating {rating!r}; expected one of {known}")
    return Observation(scale[key], observed_at)
