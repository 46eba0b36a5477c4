"""Long runs of one answer: the fit and the trace stay exact.

Files such as the original ASSISTments 2009 release repeat one answer dozens
of times in a row. After such a run of right answers "not mastered" is far
too unlikely for ``1 - mastery`` to hold in floating point; the kernels
carry both states so that a later run of wrong answers still counts.
"""

from __future__ import annotations

import numpy as np
import pytest

from coplanner.engine.mastery._kernels import (
    HAVE_NUMBA,
    em_fit_compiled,
    em_fit_numpy,
    trace_compiled,
    trace_numpy,
)

# 46 right, 46 wrong, 46 right: one student's answers as such a file has them.
RUN = np.array([1.0] * 46 + [0.0] * 46 + [1.0] * 46)
START = np.array([[0.53, 0.15, 0.15, 0.06]])
BOUNDS = np.array([[1e-4, 1 - 1e-4], [1e-4, 1 - 1e-4], [1e-4, 0.5], [1e-4, 0.3]])


def log_likelihood(
    values: np.ndarray, offsets: np.ndarray, params: np.ndarray
) -> float:
    p_correct, _ = trace_numpy(values, offsets, np.tile(params, (len(offsets) - 1, 1)))
    return float(
        np.sum(values * np.log(p_correct) + (1 - values) * np.log(1 - p_correct))
    )


def sequences(copies: int) -> tuple[np.ndarray, np.ndarray]:
    values = np.concatenate([RUN] * copies + [np.array([0.0, 1.0, 1.0])] * copies)
    offsets = np.concatenate(
        [
            np.arange(copies + 1) * RUN.size,
            copies * RUN.size + np.arange(1, copies + 1) * 3,
        ]
    )
    return values, offsets


@pytest.mark.parametrize(
    "fit", [em_fit_numpy, em_fit_compiled], ids=["numpy", "compiled"]
)
def test_each_em_step_raises_the_likelihood_on_long_runs(fit):
    if fit is em_fit_compiled and not HAVE_NUMBA:
        pytest.skip("numba is not installed")
    values, offsets = sequences(5)
    previous = log_likelihood(values, offsets, START[0])
    params = START
    for _ in range(5):
        new, _, _, _ = fit(values, offsets, params, BOUNDS, 1, 1, -1.0)
        now = log_likelihood(values, offsets, new)
        assert now >= previous - 1e-9
        previous, params = now, new[None, :]


def test_the_two_kernels_agree_on_long_runs():
    values, offsets = sequences(5)
    compiled, _, _, _ = em_fit_compiled(values, offsets, START, BOUNDS, 1, 1, -1.0)
    plain, _, _, _ = em_fit_numpy(values, offsets, START, BOUNDS, 1, 1, -1.0)
    assert compiled == pytest.approx(plain, rel=1e-9)


@pytest.mark.parametrize(
    "trace", [trace_numpy, trace_compiled], ids=["numpy", "compiled"]
)
def test_a_run_of_wrong_answers_lowers_mastery_after_a_run_of_right_ones(trace):
    params = np.array([[0.5, 0.1, 0.2, 0.1]])
    offsets = np.array([0, RUN.size])
    p_correct, p_mastery = trace(RUN, offsets, params)
    # After 46 right answers mastery is all but certain (1 - mastery is
    # about 1e-30); 46 wrong answers in a row must still overturn it.
    assert p_mastery[45] > 0.999999
    assert p_mastery[91] < 0.5
    assert p_correct[91] < 0.5
