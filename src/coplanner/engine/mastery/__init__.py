"""Knowledge tracing: from evidence to mastery estimates and what to learn next.

Bayesian knowledge tracing with per-skill parameters fitted by EM, mastery
estimates with bands, the incremental update for one new observation, and
the ready-to-learn and review frontiers over a prerequisite graph. How
scores and ratings become observations is told in :mod:`.evidence`.
"""

from coplanner.engine.mastery.errors import (
    EvidenceFileError,
    MasteryError,
    ParamsFileError,
)
from coplanner.engine.mastery.estimates import (
    DEFAULT_BANDS,
    Band,
    Bands,
    MasteryEstimate,
    estimate_all,
    estimate_mastery,
    initial_estimate,
    update_estimate,
)
from coplanner.engine.mastery.evidence import (
    DEFAULT_RATING_SCALE,
    Observation,
    observation_from_rating,
    observation_from_response,
    observation_from_score,
)
from coplanner.engine.mastery.fit import (
    FitOptions,
    SkillFit,
    fit_skill,
    fit_skills,
    fit_trace_params,
)
from coplanner.engine.mastery.frontier import (
    DEFAULT_REVIEW_AFTER,
    ready_to_learn,
    review_candidates,
)
from coplanner.engine.mastery.params import (
    DEFAULT_BOUNDS,
    DEFAULT_PARAMS,
    BKTParams,
    ParamBounds,
    SkillParams,
    TraceParams,
    read_trace_params,
    write_trace_params,
)
from coplanner.engine.mastery.sequences import Sequences, encode, group_by_skill
from coplanner.engine.mastery.tracing import (
    predict_correct,
    trace_arrays,
    update_mastery,
)

__all__ = [
    "DEFAULT_BANDS",
    "DEFAULT_BOUNDS",
    "DEFAULT_PARAMS",
    "DEFAULT_RATING_SCALE",
    "DEFAULT_REVIEW_AFTER",
    "BKTParams",
    "Band",
    "Bands",
    "EvidenceFileError",
    "FitOptions",
    "MasteryError",
    "MasteryEstimate",
    "Observation",
    "ParamBounds",
    "ParamsFileError",
    "Sequences",
    "SkillFit",
    "SkillParams",
    "TraceParams",
    "encode",
    "estimate_all",
    "estimate_mastery",
    "fit_skill",
    "fit_skills",
    "fit_trace_params",
    "group_by_skill",
    "initial_estimate",
    "observation_from_rating",
    "observation_from_response",
    "observation_from_score",
    "predict_correct",
    "read_trace_params",
    "ready_to_learn",
    "review_candidates",
    "trace_arrays",
    "update_estimate",
    "update_mastery",
    "write_trace_params",
]
