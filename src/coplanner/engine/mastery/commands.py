"""The ``trace`` command: fit and apply knowledge tracing on evidence files.

``trace fit EVIDENCE.csv -o PARAMS.json`` fits per-skill parameters.
``trace predict EVIDENCE.csv --params PARAMS.json -o PRED.csv`` writes every
row with ``p_correct`` (the chance of a correct answer given only the earlier
rows of that student and skill), ``p_mastery`` (after the row) and
``params``: ``fitted`` when the skill's own parameters were used, ``default``
when the skill had too little evidence at fit time, ``unknown`` when the
parameter file does not know the skill (the default parameters are used).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from coplanner.engine.mastery.errors import MasteryError
from coplanner.engine.mastery.evidence_file import read_evidence, write_predictions
from coplanner.engine.mastery.fit import FitOptions, fit_trace_params
from coplanner.engine.mastery.params import (
    DEFAULT_BOUNDS,
    ParamBounds,
    read_trace_params,
    write_trace_params,
)
from coplanner.engine.mastery.sequences import encode, group_by_skill
from coplanner.engine.mastery.tracing import trace_arrays

logger = logging.getLogger(__name__)


def register(subparsers: Any) -> None:
    """Add the ``trace`` command with ``fit`` and ``predict`` to ``subparsers``."""
    trace = subparsers.add_parser(
        "trace",
        help="fit and apply knowledge tracing on an evidence file",
        description="Fit and apply Bayesian knowledge tracing on an evidence CSV file.",
    )
    actions = trace.add_subparsers(
        dest="trace_command", required=True, metavar="ACTION"
    )

    fit = actions.add_parser(
        "fit",
        help="fit per-skill parameters",
        description="Fit prior, learn, guess and slip for every skill in EVIDENCE.",
    )
    fit.add_argument("evidence", type=Path, metavar="EVIDENCE.csv")
    fit.add_argument("-o", "--output", type=Path, required=True, metavar="PARAMS.json")
    fit.add_argument(
        "--restarts",
        type=int,
        default=5,
        help="EM starting points per skill (default 5)",
    )
    fit.add_argument("--seed", type=int, default=0, help="seed of the starting points")
    fit.add_argument(
        "--max-guess",
        type=float,
        default=DEFAULT_BOUNDS.guess[1],
        help=f"upper bound of guess (default {DEFAULT_BOUNDS.guess[1]})",
    )
    fit.add_argument(
        "--max-slip",
        type=float,
        default=DEFAULT_BOUNDS.slip[1],
        help=f"upper bound of slip (default {DEFAULT_BOUNDS.slip[1]})",
    )
    fit.add_argument(
        "--min-students",
        type=int,
        default=FitOptions.min_students,
        help="fewer students than this give a skill the default parameters",
    )
    fit.add_argument(
        "--min-observations",
        type=int,
        default=FitOptions.min_observations,
        help="fewer rows than this give a skill the default parameters",
    )
    fit.set_defaults(func=run_fit)

    predict = actions.add_parser(
        "predict",
        help="predict every row from fitted parameters",
        description=(
            "Write every row of EVIDENCE with p_correct (from the earlier rows of that "
            "student and skill only) and p_mastery (after the row)."
        ),
    )
    predict.add_argument("evidence", type=Path, metavar="EVIDENCE.csv")
    predict.add_argument("--params", type=Path, required=True, metavar="PARAMS.json")
    predict.add_argument("-o", "--output", type=Path, required=True, metavar="PRED.csv")
    predict.set_defaults(func=run_predict)


def run_fit(args: argparse.Namespace) -> int:
    """Fit parameters for every skill of an evidence file and write them."""
    started = time.perf_counter()
    try:
        options = FitOptions(
            bounds=ParamBounds(
                guess=(DEFAULT_BOUNDS.guess[0], args.max_guess),
                slip=(DEFAULT_BOUNDS.slip[0], args.max_slip),
            ),
            restarts=args.restarts,
            seed=args.seed,
            min_students=args.min_students,
            min_observations=args.min_observations,
        )
    except ValueError as error:
        print(f"Error: {error}.", file=sys.stderr)
        return 2
    try:
        table = read_evidence(args.evidence)
        student_codes, _ = encode(table.students)
        skill_codes, skill_labels = encode(table.skills)
        grouped = group_by_skill(skill_codes, student_codes, table.values, table.order)
        sequences = {skill_labels[code]: grouped[code] for code in grouped}
        trace_params = fit_trace_params(sequences, options)
        write_trace_params(trace_params, args.output)
    except (MasteryError, OSError) as error:
        return _fail(error)

    thin = sorted(
        skill for skill, entry in trace_params.skills.items() if not entry.fitted
    )
    print(
        f"Fitted {len(trace_params.skills) - len(thin)} skills from {len(table.rows)} rows "
        f"of {len(set(table.students))} students in {time.perf_counter() - started:.2f} s; "
        f"wrote {args.output}."
    )
    if thin:
        print(
            f"{len(thin)} skills had too little evidence and got the default parameters: "
            f"{_listing(thin)}."
        )
    return 0


def run_predict(args: argparse.Namespace) -> int:
    """Predict every row of an evidence file from a parameter file."""
    try:
        trace_params = read_trace_params(args.params)
        table = read_evidence(args.evidence)
    except (MasteryError, OSError) as error:
        return _fail(error)

    student_codes, _ = encode(table.students)
    skill_codes, skill_labels = encode(table.skills)
    grouped = group_by_skill(skill_codes, student_codes, table.values, table.order)
    n = len(table.rows)
    p_correct = np.empty(n)
    p_mastery = np.empty(n)
    source = [""] * n
    unknown: list[str] = []
    for code, sequences in grouped.items():
        skill = skill_labels[code]
        params, known = trace_params.for_skill(skill)
        if not known:
            label = "unknown"
            unknown.append(skill)
        else:
            label = "fitted" if trace_params.skills[skill].fitted else "default"
        correct, mastery = trace_arrays(
            sequences.values, sequences.offsets, params.as_array()
        )
        p_correct[sequences.rows] = correct
        p_mastery[sequences.rows] = mastery
        for row in sequences.rows:
            source[row] = label

    try:
        write_predictions(args.output, table, p_correct, p_mastery, source)
    except OSError as error:
        return _fail(error)
    print(f"Wrote {n} rows with p_correct and p_mastery to {args.output}.")
    if unknown:
        unknown.sort()
        print(
            f"{len(unknown)} skills are not in {args.params.name} and got the default "
            f"parameters (params column 'unknown'): {_listing(unknown)}."
        )
    return 0


def _listing(skills: list[str], shown: int = 10) -> str:
    text = ", ".join(skills[:shown])
    if len(skills) > shown:
        text += f" and {len(skills) - shown} more"
    return text


def _fail(error: Exception) -> int:
    if isinstance(error, MasteryError):
        print(f"Error: {error.message}", file=sys.stderr)
    else:
        print(f"Error: {error}", file=sys.stderr)
    return 1
