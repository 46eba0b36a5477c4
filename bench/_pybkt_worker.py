"""Run pyBKT inside its own virtual environment for bench/mastery.py.

Invoked as ``python _pybkt_worker.py JOB.json``; the job names an input CSV
(columns ``row, user_id, skill_name, correct, order_id, fold``), what to do
and where to write the results. Kept free of coplanner imports: it runs under
pyBKT's interpreter, which does not have coplanner installed.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from pyBKT.models import Model


def _model(job: dict) -> Model:
    return Model(
        seed=job["seed"], num_fits=job["num_fits"], parallel=job.get("parallel", False)
    )


def _fit_params(model: Model) -> dict[str, dict[str, float]]:
    params = model.params().reset_index()
    out: dict[str, dict[str, float]] = {}
    for _, row in params.iterrows():
        if row["class"] != "default":
            continue
        out.setdefault(str(row["skill"]), {})[str(row["param"])] = float(row["value"])
    return out


def crossvalidate(job: dict, data: pd.DataFrame) -> dict:
    """Fit on every fold's training students and predict its test students."""
    predictions = np.full(len(data), np.nan)
    seconds = []
    for fold in sorted(data["fold"].unique()):
        train = data[data["fold"] != fold]
        test = data[data["fold"] == fold]
        model = _model(job)
        started = time.perf_counter()
        model.fit(data=train)
        seconds.append(time.perf_counter() - started)
        predicted = model.predict(data=test)
        predictions[predicted["row"].to_numpy()] = predicted[
            "correct_predictions"
        ].to_numpy()
    out = Path(job["predictions"])
    np.save(out, predictions)
    return {"fit_seconds_per_fold": seconds}


def time_fit(job: dict, data: pd.DataFrame) -> dict:
    """Time one ``fit`` call on all rows, ``repeats`` times."""
    seconds = []
    model = None
    for _ in range(job.get("repeats", 1)):
        model = _model(job)
        started = time.perf_counter()
        model.fit(data=data)
        seconds.append(time.perf_counter() - started)
    assert model is not None
    return {"fit_seconds": seconds, "params": _fit_params(model)}


def fit_predict(job: dict, data: pd.DataFrame) -> dict:
    """Fit on all rows and predict the same rows (for parity checks)."""
    model = _model(job)
    model.fit(data=data)
    predicted = model.predict(data=data)
    predictions = np.full(len(data), np.nan)
    predictions[predicted["row"].to_numpy()] = predicted[
        "correct_predictions"
    ].to_numpy()
    np.save(Path(job["predictions"]), predictions)
    return {"params": _fit_params(model)}


def main() -> int:
    job = json.loads(Path(sys.argv[1]).read_text())
    data = pd.read_csv(job["data"], dtype={"user_id": str, "skill_name": str})
    data = data.sort_values("row").reset_index(drop=True)
    action = {
        "crossvalidate": crossvalidate,
        "time_fit": time_fit,
        "fit_predict": fit_predict,
    }
    result = action[job["action"]](job, data)
    Path(job["result"]).write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
