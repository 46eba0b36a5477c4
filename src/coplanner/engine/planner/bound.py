"""The LP relaxation of the plan model, solved with HiGHS: how good a plan can be.

The relaxation is read off the rows the CP-SAT model was given, so that it
always relaxes exactly the model the search solves: every variable becomes
continuous within its bounds, every linear constraint stays, and the
objective keeps its unrounded coefficients.
"""

import os
import sys
from dataclasses import dataclass

import highspy
import numpy as np

from coplanner.engine.planner.model import BIG, PlanModel

_NO_LIMIT = BIG  # the model's stand-in for "no upper limit"


@dataclass(frozen=True)
class LpBound:
    """The answer of the relaxation.

    `value` is an upper bound on the objective of every plan, in objective
    points; None when `infeasible` (then no plan exists) or when HiGHS
    stopped early.
    """

    value: float | None
    infeasible: bool
    seconds: float


def lp_bound(pm: PlanModel, time_limit_s: float = 60.0) -> LpBound:
    """Solve the LP relaxation of a model without enforcement literals."""
    if pm.enforcement.keep:
        raise ValueError("lp_bound needs a model without conditional rules")
    columns = len(pm.model.proto.variables)
    lower = np.zeros(columns)
    upper = np.ones(columns)
    for index, bound in pm.int_uppers.items():
        upper[index] = bound

    cost = np.zeros(columns)
    for index, points in pm.gains.items():
        cost[index] = points

    starts = [0]
    indices: list[int] = []
    values: list[float] = []
    row_lower: list[float] = []
    row_upper: list[float] = []
    for terms, low, high in pm.rows:
        indices.extend(index for index, _ in terms)
        values.extend(float(coefficient) for _, coefficient in terms)
        starts.append(len(indices))
        row_lower.append(-highspy.kHighsInf if low <= -_NO_LIMIT else float(low))
        row_upper.append(highspy.kHighsInf if high >= _NO_LIMIT else float(high))

    lp = highspy.HighsLp()
    lp.num_col_ = columns
    lp.num_row_ = len(row_lower)
    lp.col_cost_ = cost
    lp.col_lower_ = lower
    lp.col_upper_ = upper
    lp.row_lower_ = np.array(row_lower)
    lp.row_upper_ = np.array(row_upper)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(indices, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(values)
    lp.sense_ = highspy.ObjSense.kMaximize

    highs = _quiet_highs()
    highs.setOptionValue("threads", 1)
    highs.setOptionValue("time_limit", float(time_limit_s))
    highs.passModel(lp)
    highs.run()
    status = highs.getModelStatus()
    seconds = float(highs.getRunTime())
    if status == highspy.HighsModelStatus.kInfeasible:
        return LpBound(value=None, infeasible=True, seconds=seconds)
    if status != highspy.HighsModelStatus.kOptimal:
        return LpBound(value=None, infeasible=False, seconds=seconds)
    value = float(highs.getInfo().objective_function_value) + pm.constant
    return LpBound(value=value, infeasible=False, seconds=seconds)


_banner_shown = False


def _quiet_highs() -> highspy.Highs:
    """Return a HiGHS instance that prints nothing.

    HiGHS prints a banner to standard output when the first instance of a
    process is made, before any option can be set; that would mix with the
    output of the command line, so it goes to the null device instead.
    """
    global _banner_shown
    if _banner_shown:
        highs = highspy.Highs()  # type: ignore[no-untyped-call]
    else:
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "w") as null:
                os.dup2(null.fileno(), 1)
                highs = highspy.Highs()  # type: ignore[no-untyped-call]
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _banner_shown = True
    highs.setOptionValue("output_flag", False)
    return highs
