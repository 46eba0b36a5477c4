"""The planning task a Dask worker runs: the pure engine and nothing else.

A worker gets a unit's problem as the engine's ``coplanner.problem/1`` JSON
and answers with the ``coplanner.plan/1`` JSON, so that what travels is the
file format the engine already checks field by field, whatever version of
the code the worker runs. No Django, no database: a worker needs only this
package installed.
"""

import time
from typing import Any

from coplanner.engine.planner.plan import plan_to_json
from coplanner.engine.planner.problem import parse_problem
from coplanner.engine.planner.solve import solve

# One Dask worker is one process with one thread on one core, so the solver
# gets one search thread. On a large unit its LP bound runs in a second
# thread beside the search and shares that core with it.
SOLVER_THREADS = 1


def solve_unit(
    problem_json: dict[str, Any], time_limit_s: float, seed: int = 0
) -> dict[str, Any]:
    """Solve one planning unit's problem.

    Return ``{"plan": the plan's JSON, "worker_seconds": time on the worker}``.

    A malformed problem raises `ProblemFormatError` naming the field, which
    Dask reports back to the main process as the unit's failure.
    """
    started = time.monotonic()
    problem = parse_problem(problem_json)
    plan = solve(problem, time_limit_s=time_limit_s, workers=SOLVER_THREADS, seed=seed)
    # Time on the worker, reading and writing included: what a bigger
    # cluster would spend per unit.
    return {"plan": plan_to_json(plan), "worker_seconds": time.monotonic() - started}
