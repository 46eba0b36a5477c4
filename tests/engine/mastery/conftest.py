"""Shared helpers for the mastery engine tests: evidence drawn from a BKT process."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from coplanner.engine.mastery import BKTParams, Sequences

SequenceMaker = Callable[..., Sequences]


def simulate(
    params: BKTParams,
    students: int,
    rng: np.random.Generator,
    min_length: int = 3,
    max_length: int = 30,
) -> Sequences:
    """Draw one sequence per student from a BKT process with ``params``."""
    lengths = rng.integers(min_length, max_length + 1, size=students)
    offsets = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    values = np.empty(int(offsets[-1]))
    mastered = rng.random(students) < params.prior
    for t in range(int(lengths.max())):
        active = np.flatnonzero(lengths > t)
        p = np.where(mastered[active], 1.0 - params.slip, params.guess)
        values[offsets[active] + t] = (rng.random(active.size) < p).astype(float)
        learns = rng.random(active.size) < params.learn
        mastered[active] |= learns
    return Sequences(
        values=values,
        offsets=offsets,
        rows=np.arange(values.size, dtype=np.int64),
        students=np.arange(students, dtype=np.int64),
    )


@pytest.fixture
def make_sequences() -> SequenceMaker:
    """Return the BKT simulator."""
    return simulate
