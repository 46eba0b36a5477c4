"""Knowledge-tracing parameters, their bounds and their file format.

A skill is traced with four probabilities (standard Bayesian knowledge
tracing, no forgetting):

- ``prior``: the student has mastered the skill before the first evidence;
- ``learn``: an unmastered student masters it at one opportunity;
- ``guess``: an unmastered student answers correctly;
- ``slip``: a student who has mastered it answers incorrectly.

Guess is bounded above by 0.5 and slip by 0.3 by default, so that a student
who has mastered the skill answers correctly at least 70 % of the time and
one who has not at most half of the time. Without such bounds the model can
explain a skill equally well with "mastered" and "not mastered" swapped, or
with a "mastered" state that answers worse than chance, and the probability
would lose its meaning for a teacher. The guess bound is wider than the
conventional 0.3 because on real tutor data (ASSISTments 2009 and 2015)
students who have not mastered a skill still answer many items correctly,
and 0.3 cost measurable accuracy there.

TODO: no forgetting: a skill once mastered stays mastered, and only the
review frontier (time since the last evidence) stands in for forgetting.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from coplanner.engine.mastery.errors import ParamsFileError

PARAMS_FORMAT = "coplanner.trace-params/1"
PARAM_NAMES = ("prior", "learn", "guess", "slip")


@dataclass(frozen=True)
class BKTParams:
    """Hold the four tracing probabilities of one skill."""

    prior: float
    learn: float
    guess: float
    slip: float

    def __post_init__(self) -> None:
        for name in PARAM_NAMES:
            value = getattr(self, name)
            if not (isinstance(value, int | float) and 0.0 <= value <= 1.0):
                raise ValueError(f"{name} must be a probability, got {value!r}")

    def as_array(self) -> NDArray[np.float64]:
        """Return the parameters as ``[prior, learn, guess, slip]``."""
        return np.array([self.prior, self.learn, self.guess, self.slip])

    @classmethod
    def from_array(cls, values: NDArray[np.float64]) -> BKTParams:
        """Build parameters from ``[prior, learn, guess, slip]``."""
        return cls(*(float(v) for v in values[:4]))


@dataclass(frozen=True)
class ParamBounds:
    """Hold the closed interval each fitted parameter is kept in."""

    prior: tuple[float, float] = (1e-4, 1.0 - 1e-4)
    learn: tuple[float, float] = (1e-4, 1.0 - 1e-4)
    guess: tuple[float, float] = (1e-4, 0.5)
    slip: tuple[float, float] = (1e-4, 0.3)

    def __post_init__(self) -> None:
        for name in PARAM_NAMES:
            low, high = getattr(self, name)
            if not 0.0 <= low <= high <= 1.0:
                raise ValueError(f"bounds of {name} must satisfy 0 <= low <= high <= 1")

    def as_array(self) -> NDArray[np.float64]:
        """Return a 4 x 2 array of ``(low, high)`` in parameter order."""
        return np.array([getattr(self, name) for name in PARAM_NAMES], dtype=float)

    def clip(self, params: BKTParams) -> BKTParams:
        """Return ``params`` moved into the bounds."""
        values = np.clip(params.as_array(), *self.as_array().T)
        return BKTParams.from_array(values)


# Conventional starting values from the knowledge-tracing literature; used for
# a skill with too little evidence when nothing better is known.
DEFAULT_PARAMS = BKTParams(prior=0.3, learn=0.1, guess=0.2, slip=0.1)
DEFAULT_BOUNDS = ParamBounds()


@dataclass(frozen=True)
class SkillParams:
    """Hold the parameters of one skill and how they were obtained."""

    params: BKTParams
    fitted: bool
    students: int = 0
    observations: int = 0
    log_likelihood: float | None = None


@dataclass(frozen=True)
class TraceParams:
    """Hold the parameters of every known skill and the default for others."""

    skills: Mapping[str, SkillParams]
    default: BKTParams = DEFAULT_PARAMS
    bounds: ParamBounds = field(default_factory=ParamBounds)

    def for_skill(self, skill: str) -> tuple[BKTParams, bool]:
        """Return the parameters of ``skill`` and whether the skill is known."""
        known = self.skills.get(skill)
        if known is None:
            return self.default, False
        return known.params, True


def dump_trace_params(trace_params: TraceParams) -> dict[str, Any]:
    """Return the JSON-ready form of ``trace_params``."""
    return {
        "format": PARAMS_FORMAT,
        "bounds": {
            name: list(getattr(trace_params.bounds, name)) for name in PARAM_NAMES
        },
        "default": asdict(trace_params.default),
        "skills": {
            skill: {
                **asdict(entry.params),
                "fitted": entry.fitted,
                "students": entry.students,
                "observations": entry.observations,
                "log_likelihood": entry.log_likelihood,
            }
            for skill, entry in sorted(trace_params.skills.items())
        },
    }


def write_trace_params(trace_params: TraceParams, path: Path) -> None:
    """Write ``trace_params`` to ``path`` as JSON."""
    text = json.dumps(dump_trace_params(trace_params), indent=2, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")


def _params_from(data: Any, where: str) -> BKTParams:
    if not isinstance(data, dict):
        raise ParamsFileError(
            f"{where} must be an object with {', '.join(PARAM_NAMES)}."
        )
    values = []
    for name in PARAM_NAMES:
        value = data.get(name)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or not 0.0 <= value <= 1.0
        ):
            raise ParamsFileError(
                f"{where}: {name} must be a number between 0 and 1, got {value!r}."
            )
        values.append(float(value))
    return BKTParams(*values)


def load_trace_params(data: Any) -> TraceParams:
    """Build ``TraceParams`` from the JSON form, refusing other formats."""
    if not isinstance(data, dict) or data.get("format") != PARAMS_FORMAT:
        found = data.get("format") if isinstance(data, dict) else None
        raise ParamsFileError(
            f"Expected a parameter file of format {PARAMS_FORMAT!r}, found {found!r}. "
            "Write it with 'coplanner trace fit'."
        )
    skills_data = data.get("skills", {})
    if not isinstance(skills_data, dict):
        raise ParamsFileError("'skills' must be an object keyed by skill id.")
    skills = {}
    for skill, entry in skills_data.items():
        params = _params_from(entry, f"skill {skill!r}")
        skills[str(skill)] = SkillParams(
            params=params,
            fitted=bool(entry.get("fitted", True)),
            students=int(entry.get("students", 0)),
            observations=int(entry.get("observations", 0)),
            log_likelihood=entry.get("log_likelihood"),
        )
    default = _params_from(data.get("default", asdict(DEFAULT_PARAMS)), "default")
    bounds_data = data.get("bounds")
    bounds = DEFAULT_BOUNDS
    if isinstance(bounds_data, dict):
        try:
            bounds = ParamBounds(
                **{name: tuple(bounds_data[name]) for name in PARAM_NAMES}
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ParamsFileError(f"'bounds' is malformed: {error}.") from error
    return TraceParams(skills=skills, default=default, bounds=bounds)


def read_trace_params(path: Path) -> TraceParams:
    """Read a parameter file written by :func:`write_trace_params`."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ParamsFileError(f"Parameter file {path} does not exist.") from error
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ParamsFileError(
            f"Parameter file {path} is not valid JSON: {error}."
        ) from error
    return load_trace_params(data)
