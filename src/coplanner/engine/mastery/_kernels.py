"""Numerical kernels of knowledge tracing: EM fitting and forward tracing.

Sequences come flat: ``values`` holds every observation (a number in [0, 1])
of every sequence one after the other, and sequence ``s`` is
``values[offsets[s]:offsets[s + 1]]``, in the order the student produced it.
Parameters come as ``[prior, learn, guess, slip]``.

Each kernel exists twice. The NumPy version steps through time and handles
all students of a step at once. The compiled version (numba) first merges
the sequences into a prefix tree: students who began a skill with the same
answers share the nodes of that beginning, so one EM pass visits each
distinct prefix once instead of each observation. On ASSISTments 2009 that
is 134,508 nodes for 325,637 observations. Only exact 0 and 1 observations
are shared; a fractional one always opens a node of its own, which keeps the
tree exact.

The EM pass on the tree is the usual scaled forward-backward recursion with
the backward quantities of all sequences through a node summed into one.
For node ``n`` with forward scale ``c[n]`` and filtered state ``filt[n]``,
``acc[n]`` (per state) is the number of sequences ending at ``n`` plus, for
each child ``m``, ``A @ (e(m) * acc[m]) / c[m]``; the expected number of
sequences in each state at ``n`` is then ``filt[n] * acc[n]``, which is what
the M-step needs.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

try:
    import numba

    HAVE_NUMBA = True
except ImportError:  # pragma: no cover - numba is a declared dependency
    HAVE_NUMBA = False

# The least probability "not mastered" is given after an observation. Both
# states are carried separately, since after a long run of right answers
# "not mastered" falls far below what ``1 - mastery`` can tell from zero;
# this floor keeps it from reaching zero, from which no later run of wrong
# answers could raise it again.
TINY = 1e-250


def _jit(function: Callable[..., Any]) -> Callable[..., Any]:
    if not HAVE_NUMBA:
        return function
    compiled: Callable[..., Any] = numba.njit(cache=True, nogil=True)(function)
    return compiled


# --- compiled path ----------------------------------------------------------


@_jit
def _emission(x: float, guess: float, slip: float) -> tuple[float, float]:
    # A fractional observation x weighs the correct and incorrect likelihoods
    # geometrically, as x of a correct answer and 1 - x of an incorrect one.
    if x == 1.0:
        return 1.0 - slip, guess
    if x == 0.0:
        return slip, 1.0 - guess
    return (1.0 - slip) ** x * slip ** (1.0 - x), guess**x * (1.0 - guess) ** (1.0 - x)


@_jit
def _build_tree(
    values: FloatArray, offsets: IntArray
) -> tuple[IntArray, FloatArray, FloatArray, FloatArray]:
    n_obs = values.shape[0]
    capacity = n_obs + 1
    parent = np.empty(capacity, np.int64)
    obs = np.empty(capacity, np.float64)
    ends = np.zeros(capacity, np.float64)
    child = np.full((capacity, 2), -1, np.int64)
    parent[0] = -1
    obs[0] = np.nan
    n_nodes = 1
    for s in range(offsets.shape[0] - 1):
        node = 0
        for k in range(offsets[s], offsets[s + 1]):
            x = values[k]
            shared = x == 0.0 or x == 1.0
            nxt = child[node, int(x)] if shared else -1
            if nxt < 0:
                nxt = n_nodes
                n_nodes += 1
                parent[nxt] = node
                obs[nxt] = x
                if shared:
                    child[node, int(x)] = nxt
            node = nxt
        if node != 0:
            ends[node] += 1.0
    through = ends[:n_nodes].copy()
    for i in range(n_nodes - 1, 0, -1):
        through[parent[i]] += through[i]
    return parent[:n_nodes], obs[:n_nodes], ends[:n_nodes], through


@_jit
def _em_step(
    parent: IntArray,
    obs: FloatArray,
    ends: FloatArray,
    through: FloatArray,
    params: FloatArray,
    bounds: FloatArray,
    filt: FloatArray,
    filt_u: FloatArray,
    scale: FloatArray,
    acc_u: FloatArray,
    acc_l: FloatArray,
    out: FloatArray,
) -> float:
    prior, learn, guess, slip = params[0], params[1], params[2], params[3]
    n_nodes = parent.shape[0]

    # Forward: filtered mastery (both states, see TINY) and scale at every
    # node, and the likelihood.
    log_likelihood = 0.0
    for i in range(1, n_nodes):
        p = parent[i]
        if p == 0:
            predicted_l = prior
            predicted_u = 1.0 - prior
        else:
            predicted_l = filt[p] + filt_u[p] * learn
            predicted_u = filt_u[p] * (1.0 - learn)
        e_l, e_u = _emission(obs[i], guess, slip)
        c = predicted_l * e_l + predicted_u * e_u
        scale[i] = c
        filt[i] = predicted_l * e_l / c
        filt_u[i] = max(predicted_u * e_u / c, TINY)
        log_likelihood += through[i] * math.log(c)

    # Backward: expected counts, pushed from children to parents.
    for i in range(n_nodes):
        acc_u[i] = ends[i]
        acc_l[i] = ends[i]
    first_l = 0.0
    first_n = 0.0
    learn_num = 0.0
    learn_den = 0.0
    sum_u = 0.0
    sum_u_correct = 0.0
    sum_l = 0.0
    sum_l_wrong = 0.0
    for i in range(n_nodes - 1, 0, -1):
        x = obs[i]
        gamma_u = filt_u[i] * acc_u[i]
        gamma_l = filt[i] * acc_l[i]
        sum_u += gamma_u
        sum_u_correct += gamma_u * x
        sum_l += gamma_l
        sum_l_wrong += gamma_l * (1.0 - x)
        e_l, e_u = _emission(x, guess, slip)
        v_u = e_u * acc_u[i] / scale[i]
        v_l = e_l * acc_l[i] / scale[i]
        p = parent[i]
        if p == 0:
            first_l += gamma_l
            first_n += gamma_u + gamma_l
        else:
            from_u = filt_u[p]
            xi_ul = from_u * learn * v_l
            learn_num += xi_ul
            learn_den += xi_ul + from_u * (1.0 - learn) * v_u
            acc_u[p] += (1.0 - learn) * v_u + learn * v_l
            acc_l[p] += v_l

    # M-step; each parameter's part of the expected log-likelihood is concave
    # in that parameter alone, so clipping keeps every step an improvement.
    out[0] = first_l / first_n if first_n > 0.0 else prior
    out[1] = learn_num / learn_den if learn_den > 0.0 else learn
    out[2] = sum_u_correct / sum_u if sum_u > 0.0 else guess
    out[3] = sum_l_wrong / sum_l if sum_l > 0.0 else slip
    for j in range(4):
        out[j] = min(max(out[j], bounds[j, 0]), bounds[j, 1])
    return log_likelihood


@_jit
def _em_run(
    tree: tuple[IntArray, FloatArray, FloatArray, FloatArray],
    start: FloatArray,
    bounds: FloatArray,
    iterations: int,
    tolerance: float,
    work: FloatArray,
) -> tuple[FloatArray, float, int, bool]:
    parent, obs, ends, through = tree
    params = start.copy()
    new = np.empty(4)
    previous = -np.inf
    log_likelihood = -np.inf
    done = 0
    converged = False
    while done < iterations:
        log_likelihood = _em_step(
            parent, obs, ends, through, params, bounds,
            work[0], work[1], work[2], work[3], work[4], new,
        )  # fmt: skip
        done += 1
        if log_likelihood - previous < tolerance:
            converged = True
            break
        previous = log_likelihood
        params[:] = new
    if not converged:
        # The last update was not scored yet: score it so that the returned
        # likelihood belongs to the returned parameters.
        log_likelihood = _em_step(
            parent, obs, ends, through, params, bounds,
            work[0], work[1], work[2], work[3], work[4], new,
        )  # fmt: skip
    return params, log_likelihood, done, converged


@_jit
def em_fit_compiled(
    values: FloatArray,
    offsets: IntArray,
    starts: FloatArray,
    bounds: FloatArray,
    screen_iterations: int,
    max_iterations: int,
    tolerance: float,
) -> tuple[FloatArray, float, int, bool]:
    """Fit one skill from every start, then refine the most likely one."""
    tree = _build_tree(values, offsets)
    n_nodes = tree[0].shape[0]
    work = np.empty((5, n_nodes))
    absolute_tolerance = tolerance * values.shape[0]
    best = starts[0].copy()
    best_ll = -np.inf
    total = 0
    converged = False
    for r in range(starts.shape[0]):
        params, log_likelihood, done, conv = _em_run(
            tree, starts[r], bounds, screen_iterations, absolute_tolerance, work
        )
        total += done
        if log_likelihood > best_ll:
            best, best_ll, converged = params, log_likelihood, conv
    if not converged and max_iterations > screen_iterations:
        best, best_ll, done, converged = _em_run(
            tree, best, bounds, max_iterations - screen_iterations,
            absolute_tolerance, work,
        )  # fmt: skip
        total += done
    return best, best_ll, total, converged


@_jit
def trace_compiled(
    values: FloatArray, offsets: IntArray, params: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Return ``p_correct`` before and ``p_mastery`` after every observation.

    ``params`` has one row per sequence.
    """
    p_correct = np.empty(values.shape[0])
    p_mastery = np.empty(values.shape[0])
    for s in range(offsets.shape[0] - 1):
        prior, learn, guess, slip = (
            params[s, 0],
            params[s, 1],
            params[s, 2],
            params[s, 3],
        )
        mastery = prior
        unmastered = 1.0 - prior
        for k in range(offsets[s], offsets[s + 1]):
            p_correct[k] = mastery * (1.0 - slip) + unmastered * guess
            e_l, e_u = _emission(values[k], guess, slip)
            c = mastery * e_l + unmastered * e_u
            filtered_u = max(unmastered * e_u / c, TINY)
            mastery = mastery * e_l / c + filtered_u * learn
            unmastered = filtered_u * (1.0 - learn)
            p_mastery[k] = mastery
    return p_correct, p_mastery


# --- NumPy path -------------------------------------------------------------


def _emission_numpy(
    x: FloatArray, guess: float, slip: float
) -> tuple[FloatArray, FloatArray]:
    e_l: FloatArray = (1.0 - slip) ** x * slip ** (1.0 - x)
    e_u: FloatArray = guess**x * (1.0 - guess) ** (1.0 - x)
    return e_l, e_u


class _TimeSteps:
    """Index the observations of all sequences step by step.

    Sequences are sorted longest first, so the sequences still running at
    step ``t`` are the first ``active[t]`` of that order.
    """

    def __init__(self, offsets: IntArray) -> None:
        lengths = np.diff(offsets)
        self.order = np.argsort(-lengths, kind="stable")
        sorted_lengths = lengths[self.order]
        longest = int(sorted_lengths[0]) if sorted_lengths.size else 0
        self.starts = offsets[:-1][self.order]
        # active[t] = number of sequences longer than t.
        self.active = np.searchsorted(-sorted_lengths, -np.arange(longest), side="left")
        self.steps = [self.starts[: self.active[t]] + t for t in range(longest)]


def em_fit_numpy(
    values: FloatArray,
    offsets: IntArray,
    starts: FloatArray,
    bounds: FloatArray,
    screen_iterations: int,
    max_iterations: int,
    tolerance: float,
) -> tuple[FloatArray, float, int, bool]:
    """Fit one skill like :func:`em_fit_compiled`, vectorised over students."""
    steps = _TimeSteps(offsets)
    obs = [values[index] for index in steps.steps]
    absolute_tolerance = tolerance * values.shape[0]

    def step(params: FloatArray) -> tuple[float, FloatArray]:
        prior, learn, guess, slip = (float(v) for v in params)
        filtered: list[FloatArray] = []
        filtered_u: list[FloatArray] = []
        scales: list[FloatArray] = []
        emissions: list[tuple[FloatArray, FloatArray]] = []
        log_likelihood = 0.0
        predicted_l = np.full(len(obs[0]) if obs else 0, prior)
        predicted_u = 1.0 - predicted_l
        for t, x in enumerate(obs):
            if t > 0:
                previous_l = filtered[-1][: len(x)]
                previous_u = filtered_u[-1][: len(x)]
                predicted_l = previous_l + previous_u * learn
                predicted_u = previous_u * (1.0 - learn)
            e_l, e_u = _emission_numpy(x, guess, slip)
            c = predicted_l * e_l + predicted_u * e_u
            filtered.append(predicted_l * e_l / c)
            filtered_u.append(np.maximum(predicted_u * e_u / c, TINY))
            scales.append(c)
            emissions.append((e_l, e_u))
            log_likelihood += float(np.log(c).sum())
        # Backward with scaled betas, one vector per step.
        sums = np.zeros(8)
        beta_u = np.ones(0)
        beta_l = np.ones(0)
        for t in range(len(obs) - 1, -1, -1):
            n = len(obs[t])
            new_u = np.ones(n)
            new_l = np.ones(n)
            if t + 1 < len(obs):
                m = len(obs[t + 1])
                e_l, e_u = emissions[t + 1]
                v_u = e_u * beta_u / scales[t + 1]
                v_l = e_l * beta_l / scales[t + 1]
                from_u = filtered_u[t][:m]
                xi_ul = from_u * learn * v_l
                sums[0] += xi_ul.sum()
                sums[1] += xi_ul.sum() + (from_u * (1.0 - learn) * v_u).sum()
                new_u[:m] = (1.0 - learn) * v_u + learn * v_l
                new_l[:m] = v_l
            gamma_l = filtered[t] * new_l
            gamma_u = filtered_u[t] * new_u
            x = obs[t]
            sums[2] += gamma_u.sum()
            sums[3] += (gamma_u * x).sum()
            sums[4] += gamma_l.sum()
            sums[5] += (gamma_l * (1.0 - x)).sum()
            if t == 0:
                sums[6] += gamma_l.sum()
                sums[7] += n
            beta_u, beta_l = new_u, new_l
        new = np.array(
            [
                sums[6] / sums[7] if sums[7] > 0 else prior,
                sums[0] / sums[1] if sums[1] > 0 else learn,
                sums[3] / sums[2] if sums[2] > 0 else guess,
                sums[5] / sums[4] if sums[4] > 0 else slip,
            ]
        )
        return log_likelihood, np.clip(new, bounds[:, 0], bounds[:, 1])

    def run(start: FloatArray, iterations: int) -> tuple[FloatArray, float, int, bool]:
        params = start.copy()
        previous = -np.inf
        log_likelihood = -np.inf
        for done in range(1, iterations + 1):
            log_likelihood, new = step(params)
            if log_likelihood - previous < absolute_tolerance:
                return params, log_likelihood, done, True
            previous = log_likelihood
            params = new
        log_likelihood, _ = step(params)
        return params, log_likelihood, iterations, False

    best = starts[0].copy()
    best_ll = -np.inf
    total = 0
    converged = False
    for start in starts:
        params, log_likelihood, done, conv = run(start, screen_iterations)
        total += done
        if log_likelihood > best_ll:
            best, best_ll, converged = params, log_likelihood, conv
    if not converged and max_iterations > screen_iterations:
        best, best_ll, done, converged = run(best, max_iterations - screen_iterations)
        total += done
    return best, best_ll, total, converged


def trace_numpy(
    values: FloatArray, offsets: IntArray, params: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Trace like :func:`trace_compiled`, vectorised over sequences."""
    steps = _TimeSteps(offsets)
    p_correct = np.empty(values.shape[0])
    p_mastery = np.empty(values.shape[0])
    ordered = params[steps.order]
    mastery = ordered[:, 0].copy()
    unmastered = 1.0 - mastery
    learn, guess, slip = ordered[:, 1], ordered[:, 2], ordered[:, 3]
    for index in steps.steps:
        n = len(index)
        m, u, g, s = mastery[:n], unmastered[:n], guess[:n], slip[:n]
        p_correct[index] = m * (1.0 - s) + u * g
        x = values[index]
        e_l = (1.0 - s) ** x * s ** (1.0 - x)
        e_u = g**x * (1.0 - g) ** (1.0 - x)
        c = m * e_l + u * e_u
        filtered_u = np.maximum(u * e_u / c, TINY)
        mastery[:n] = m * e_l / c + filtered_u * learn[:n]
        unmastered[:n] = filtered_u * (1.0 - learn[:n])
        p_mastery[index] = mastery[:n]
    return p_correct, p_mastery
