"""Trace mastery through evidence: one step at a time or many at once.

The mastery after an observation is the probability that the student has
mastered the skill once this opportunity is over: the Bayes update on the
observation followed by the chance to learn from it. It is therefore also
the mastery before the next observation, and the chance of a correct next
answer follows from it directly.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from coplanner.engine.mastery import _kernels
from coplanner.engine.mastery.params import BKTParams


def predict_correct(mastery: float, params: BKTParams) -> float:
    """Return the chance of a correct answer at the given mastery."""
    return mastery * (1.0 - params.slip) + (1.0 - mastery) * params.guess


def update_mastery(mastery: float, params: BKTParams, value: float) -> float:
    """Return the mastery after one observation ``value`` in [0, 1]."""
    if value == 1.0:
        e_l, e_u = 1.0 - params.slip, params.guess
    elif value == 0.0:
        e_l, e_u = params.slip, 1.0 - params.guess
    else:
        e_l = (1.0 - params.slip) ** value * params.slip ** (1.0 - value)
        e_u = params.guess**value * (1.0 - params.guess) ** (1.0 - value)
    filtered = mastery * e_l / (mastery * e_l + (1.0 - mastery) * e_u)
    return filtered + (1.0 - filtered) * params.learn


def trace_arrays(
    values: NDArray[np.float64],
    offsets: NDArray[np.int64],
    params: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Return ``p_correct`` before and ``p_mastery`` after every observation.

    Sequences are flat (``values[offsets[s]:offsets[s + 1]]``); ``params``
    is ``[prior, learn, guess, slip]`` for all sequences, or one such row
    per sequence.
    """
    n_sequences = offsets.shape[0] - 1
    table = np.ascontiguousarray(
        np.broadcast_to(params, (n_sequences, 4)), dtype=np.float64
    )
    kernel = _kernels.trace_compiled if _kernels.HAVE_NUMBA else _kernels.trace_numpy
    p_correct, p_mastery = kernel(
        np.ascontiguousarray(values, dtype=np.float64),
        np.ascontiguousarray(offsets, dtype=np.int64),
        table,
    )
    return p_correct, p_mastery
