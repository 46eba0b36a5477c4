"""Refit knowledge tracing on a Dask cluster, one task per skill.

Each skill is fitted on its own (EM over all students' sequences of that
skill), so skills are independent tasks: a worker gets one skill's
sequences and returns its fit; the main process gathers the fits into the
parameters of every skill exactly as a fit in threads does, and stores the
estimates the usual way.
"""

import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import replace

from coplanner.engine.mastery.fit import (
    FitOptions,
    SkillFit,
    fit_skill,
    typical_params,
)
from coplanner.engine.mastery.params import SkillParams, TraceParams
from coplanner.engine.mastery.sequences import Sequences
from coplanner.planning.distributed.cluster import TASK_RETRIES
from distributed import Client, as_completed

logger = logging.getLogger(__name__)


def fit_one_skill(sequences: Sequences, options: FitOptions) -> SkillFit:
    """Fit one skill's parameters: the task a worker runs (pure engine)."""
    return fit_skill(sequences, options)


def fit_on_cluster(
    client: Client,
    options: FitOptions | None = None,
    on_skill: Callable[[str], None] = lambda _skill: None,
) -> Callable[[Mapping[str, Sequences]], TraceParams]:
    """Return a fitter that sends every skill's sequences to the cluster.

    The fitter has the shape ``record_mastery_fit`` takes. Each worker runs
    the compiled kernel on one thread. ``on_skill`` is called with each
    skill's id as its fit comes back (for a progress bar).
    """
    # One thread per task: the cluster's workers are the parallelism.
    settings = replace(options or FitOptions(), workers=1)

    def fit(sequences: Mapping[str, Sequences]) -> TraceParams:
        # Largest skills first, so that the workers finish together.
        run = uuid.uuid4().hex[:8]
        order = sorted(sequences, key=lambda skill: -sequences[skill].n_observations)
        futures = {
            client.submit(
                fit_one_skill,
                sequences[skill],
                settings,
                key=f"fit-skill-{run}-{skill}",
                retries=TASK_RETRIES,
                pure=False,
            ): skill
            for skill in order
        }
        fits: dict[str, SkillFit] = {}
        for future in as_completed(futures):
            skill = futures[future]
            fits[skill] = future.result()
            on_skill(skill)
        logger.info("Fitted %s skills on %s", len(fits), client.scheduler.address)
        return gather_fits({skill: fits[skill] for skill in sequences}, settings)

    return fit


def gather_fits(fits: Mapping[str, SkillFit], options: FitOptions) -> TraceParams:
    """Gather per-skill fits into every skill's parameters, as a fit in threads does.

    Skills with too little evidence get the typical parameters of the fitted
    ones (`fit_trace_params` does the same after fitting in threads; a test
    checks that both give the same parameters).
    """
    default = typical_params([fit for fit in fits.values() if fit.fitted])
    return TraceParams(
        skills={
            skill: SkillParams(
                params=fit.params if fit.fitted else default,
                fitted=fit.fitted,
                students=fit.students,
                observations=fit.observations,
                log_likelihood=fit.log_likelihood,
            )
            for skill, fit in fits.items()
        },
        default=default,
        bounds=options.bounds,
    )
