"""The LP relaxation of the plan model, solved with HiGHS: how good a plan can be.

The relaxation is read off the rows the CP-SAT model was given, so that it
always relaxes exactly the model the search solves: every variable becomes
continuous within its bounds, every linear constraint stays, and the
objective keeps its unrounded coefficients.
"""

import os
import sys
import threading
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


# Above this many columns the dual simplex method stalls on the relaxation
# (a pod of 100 students, about 90,000 columns, was not solved in 300 s),
# while the interior point method without crossover takes under 30 s. Below
# it, simplex is about twice as fast.
INTERIOR_POINT_COLUMNS = 30_000


class LpRun:
    """The LP relaxation of a model, solving in a thread of its own.

    HiGHS releases the interpreter lock while it solves, so the search can go
    on beside it on the other core. The rows are read into HiGHS when the run
    is made, in the caller's thread; the model may change afterwards.
    """

    def __init__(self, pm: PlanModel, time_limit_s: float) -> None:
        if pm.enforcement.keep:
            raise ValueError(
                "the LP relaxation needs a model without conditional rules"
            )
        self._constant = pm.constant
        self._highs = _quiet_highs()
        self._highs.setOptionValue("threads", 1)
        self._highs.setOptionValue("time_limit", float(max(0.01, time_limit_s)))
        lp = _relaxation(pm)
        if lp.num_col_ > INTERIOR_POINT_COLUMNS:
            self._highs.setOptionValue("solver", "ipm")
            # The bound needs the optimal value, not a vertex: skip crossover.
            self._highs.setOptionValue("run_crossover", "off")
        self._highs.passModel(lp)
        self._finished = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._highs.run()
        finally:
            self._finished.set()

    def value_if_done(self) -> float | None:
        """Return the bound when the run has finished with one, else None."""
        if not self._finished.is_set():
            return None
        return self._result().value

    def result(self, wait: bool = True) -> LpBound:
        """Return the answer, waiting for it or stopping the run first."""
        if not wait and not self._finished.is_set():
            self._highs.cancelSolve()  # type: ignore[no-untyped-call]
        self._thread.join()
        return self._result()

    def _result(self) -> LpBound:
        status = self._highs.getModelStatus()
        seconds = float(self._highs.getRunTime())
        if status == highspy.HighsModelStatus.kInfeasible:
            return LpBound(value=None, infeasible=True, seconds=seconds)
        if status != highspy.HighsModelStatus.kOptimal:
            return LpBound(value=None, infeasible=False, seconds=seconds)
        value = float(self._highs.getInfo().objective_function_value) + self._constant
        return LpBound(value=value, infeasible=False, seconds=seconds)


def lp_bound(pm: PlanModel, time_limit_s: float = 60.0) -> LpBound:
    """Solve the LP relaxation of a model without enforcement literals."""
    return LpRun(pm, time_limit_s).result()


def _relaxation(pm: PlanModel) -> highspy.HighsLp:
    """Return the rows, columns and objective of the model as a HiGHS LP."""
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
    return lp


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
