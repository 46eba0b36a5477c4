"""Fit knowledge-tracing parameters by expectation-maximisation.

Each skill is fitted on its own, over all students' sequences of that skill
(Baum-Welch for a two-state hidden Markov model without forgetting). EM
starts from several points: the conventional defaults and random points
inside the bounds. Every start runs a few screening iterations; the most
likely one then runs until the log-likelihood gains less than ``tolerance``
per observation or ``max_iterations`` is reached. Starting points come from
a seeded generator, so a fit repeats exactly.

A skill with fewer than ``min_students`` students or ``min_observations``
observations is not fitted: it gets the default parameters, which are the
average of the fitted skills' parameters weighted by their observations (a
typical skill of the same evidence), or the conventional
:data:`DEFAULT_PARAMS` when no skill could be fitted.

EM finds a local optimum; five starts find the best one we know of on the
ASSISTments data sets, including files that repeat one answer dozens of
times in a row.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Literal, TypeVar

import numpy as np

from coplanner.engine.mastery import _kernels
from coplanner.engine.mastery.params import (
    DEFAULT_PARAMS,
    BKTParams,
    ParamBounds,
    SkillParams,
    TraceParams,
)
from coplanner.engine.mastery.sequences import Sequences

logger = logging.getLogger(__name__)

Engine = Literal["auto", "compiled", "numpy"]
K = TypeVar("K")


@dataclass(frozen=True)
class FitOptions:
    """Hold the settings of a fit."""

    bounds: ParamBounds = field(default_factory=ParamBounds)
    restarts: int = 5
    screen_iterations: int = 15
    max_iterations: int = 200
    # Stop when one EM iteration gains less than this log-likelihood per
    # observation.
    tolerance: float = 1e-6
    min_students: int = 5
    min_observations: int = 20
    seed: int = 0
    engine: Engine = "auto"
    workers: int = 2

    def __post_init__(self) -> None:
        if self.restarts < 1:
            raise ValueError("restarts must be at least 1")
        if self.screen_iterations < 1 or self.max_iterations < 1:
            raise ValueError("iterations must be at least 1")
        if self.engine == "compiled" and not _kernels.HAVE_NUMBA:
            raise ValueError("the compiled engine needs numba")


@dataclass(frozen=True)
class SkillFit:
    """Hold the result of fitting one skill."""

    params: BKTParams
    fitted: bool
    students: int
    observations: int
    log_likelihood: float | None = None
    iterations: int = 0
    converged: bool = False


def starting_points(options: FitOptions) -> np.ndarray:
    """Return ``restarts`` starting points, the first the clipped defaults."""
    bounds = options.bounds.as_array()
    rng = np.random.default_rng(options.seed)
    starts = np.empty((options.restarts, 4))
    starts[0] = np.clip(DEFAULT_PARAMS.as_array(), bounds[:, 0], bounds[:, 1])
    if options.restarts > 1:
        # Random points, kept off the bounds so that no start sits on an edge.
        low = bounds[:, 0] + 0.05 * (bounds[:, 1] - bounds[:, 0])
        high = bounds[:, 1] - 0.05 * (bounds[:, 1] - bounds[:, 0])
        starts[1:] = rng.uniform(low, high, size=(options.restarts - 1, 4))
    return starts


def _fit_kernel(
    options: FitOptions,
) -> Callable[..., tuple[np.ndarray, float, int, bool]]:
    use_compiled = options.engine == "compiled" or (
        options.engine == "auto" and _kernels.HAVE_NUMBA
    )
    return _kernels.em_fit_compiled if use_compiled else _kernels.em_fit_numpy


def fit_skill(
    sequences: Sequences,
    options: FitOptions | None = None,
    default: BKTParams = DEFAULT_PARAMS,
) -> SkillFit:
    """Fit one skill, or give it ``default`` when its evidence is too thin."""
    options = options or FitOptions()
    students = sequences.n_sequences
    observations = sequences.n_observations
    if students < options.min_students or observations < options.min_observations:
        return SkillFit(
            default, fitted=False, students=students, observations=observations
        )
    kernel = _fit_kernel(options)
    params, log_likelihood, iterations, converged = kernel(
        sequences.values,
        sequences.offsets,
        starting_points(options),
        options.bounds.as_array(),
        options.screen_iterations,
        options.max_iterations,
        options.tolerance,
    )
    return SkillFit(
        params=BKTParams.from_array(params),
        fitted=True,
        students=students,
        observations=observations,
        log_likelihood=float(log_likelihood),
        iterations=int(iterations),
        converged=bool(converged),
    )


def fit_skills(
    sequences: Mapping[K, Sequences],
    options: FitOptions | None = None,
    default: BKTParams = DEFAULT_PARAMS,
) -> dict[K, SkillFit]:
    """Fit every skill, in parallel threads (the compiled kernel frees the GIL)."""
    options = options or FitOptions()
    keys = list(sequences)
    # Largest skills first, so that the threads finish together.
    keys.sort(key=lambda key: -sequences[key].n_observations)
    if options.workers <= 1 or len(keys) <= 1:
        results = [fit_skill(sequences[key], options, default) for key in keys]
    else:
        with ThreadPoolExecutor(max_workers=options.workers) as pool:
            results = list(
                pool.map(lambda key: fit_skill(sequences[key], options, default), keys)
            )
    fits = dict(zip(keys, results, strict=True))
    return {key: fits[key] for key in sequences}


def typical_params(fits: list[SkillFit]) -> BKTParams:
    """Return the observation-weighted mean of fitted parameters."""
    if not fits:
        return DEFAULT_PARAMS
    table = np.array([fit.params.as_array() for fit in fits])
    weights = np.array([fit.observations for fit in fits], dtype=float)
    return BKTParams.from_array(weights @ table / weights.sum())


def fit_trace_params(
    sequences: Mapping[str, Sequences], options: FitOptions | None = None
) -> TraceParams:
    """Fit every skill; give skills with too little evidence the typical parameters."""
    options = options or FitOptions()
    started = time.perf_counter()
    fits = fit_skills(sequences, options)
    default = typical_params([fit for fit in fits.values() if fit.fitted])
    fits = {
        skill: fit if fit.fitted else replace(fit, params=default)
        for skill, fit in fits.items()
    }
    skills = {
        skill: SkillParams(
            params=fit.params,
            fitted=fit.fitted,
            students=fit.students,
            observations=fit.observations,
            log_likelihood=fit.log_likelihood,
        )
        for skill, fit in fits.items()
    }
    logger.info(
        "fitted %s skills (%s with the default) from %s observations in %.3f s",
        len(skills),
        sum(not entry.fitted for entry in skills.values()),
        sum(entry.observations for entry in skills.values()),
        time.perf_counter() - started,
    )
    return TraceParams(skills=skills, default=default, bounds=options.bounds)
