"""Parity with pyBKT 1.4.3 on a small subset of real ASSISTments data.

Runs pyBKT in its own interpreter (the benchmark's virtual environment, or
the one named by ``COPLANNER_PYBKT_PYTHON``) and compares, on four skills of
ASSISTments 2009 (about 26,000 answers) whose pyBKT fit lies inside our guess
and slip bounds:

- every fitted parameter within 0.04 of pyBKT's (BKT's likelihood is flat
  along some directions, and pyBKT stops EM earlier than we do);
- ``p_correct`` predicted from the two fits within 0.01 on average and 0.05
  for 99 % of the answers (a long sequence can amplify a small difference in
  parameters);
- ``p_correct`` predicted by our tracer from pyBKT's parameters equal to
  pyBKT's own predictions within 1e-6 (pyBKT rounds to single precision);
- our log-likelihood at least pyBKT's minus 0.05 (we maximise the same
  function and converge further).
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

from coplanner.engine.mastery import encode, fit_skills, group_by_skill, trace_arrays

REPO = Path(__file__).resolve().parents[3]
DATA = Path(
    os.environ.get("COPLANNER_REAL_DATA", REPO.parent / "shared" / "data" / "real")
)
EVIDENCE = DATA / "assistments2009_dkvmn" / "assistments2009_dkvmn_long.csv.gz"
PYBKT_PYTHON = Path(
    os.environ.get(
        "COPLANNER_PYBKT_PYTHON", REPO / "bench" / ".venv-pybkt-cpp" / "bin" / "python"
    )
)
WORKER = REPO / "bench" / "_pybkt_worker.py"
# Skills whose pyBKT fit is inside our bounds and the same from any seed; on
# skills where pyBKT's own restarts disagree, no parity can be expected.
SKILLS = (
    "Addition and Subtraction Positive Decimals",
    "Pattern Finding",
    "Subtraction Whole Numbers",
    "Circle Graph",
)

PARAM_TOLERANCE = 0.04
MEAN_PREDICTION_TOLERANCE = 0.01
P99_PREDICTION_TOLERANCE = 0.05
SAME_PARAMS_TOLERANCE = 1e-6
LOG_LIKELIHOOD_SLACK = 0.05

pytestmark = [
    pytest.mark.skipif(
        not EVIDENCE.exists(),
        reason=f"real data not found at {EVIDENCE}; set COPLANNER_REAL_DATA to the data folder",
    ),
    pytest.mark.skipif(
        not PYBKT_PYTHON.exists(),
        reason=(
            f"no pyBKT interpreter at {PYBKT_PYTHON}; run bench/mastery.py once to build it, "
            "or set COPLANNER_PYBKT_PYTHON"
        ),
    ),
]


@pytest.fixture(scope="module")
def subset(tmp_path_factory) -> tuple[Path, list[list[str]]]:
    folder = tmp_path_factory.mktemp("parity")
    with gzip.open(EVIDENCE, "rt", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = [
            [row["user_id"], row["skill_name"], row["correct"], row["order_id"]]
            for row in reader
            if row["skill_name"] in SKILLS
        ]
    path = folder / "subset.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["row", "user_id", "skill_name", "correct", "order_id", "fold"])
        for k, row in enumerate(rows):
            writer.writerow([k, *row, 0])
    return path, rows


@pytest.fixture(scope="module")
def pybkt(subset) -> tuple[dict[str, dict[str, float]], np.ndarray]:
    path, _ = subset
    job = {
        "action": "fit_predict",
        "data": str(path),
        "seed": 42,
        "num_fits": 5,
        "predictions": str(path.with_name("pybkt.npy")),
        "result": str(path.with_name("pybkt.json")),
    }
    job_path = path.with_name("job.json")
    job_path.write_text(json.dumps(job))
    done = subprocess.run(
        [str(PYBKT_PYTHON), str(WORKER), str(job_path)], capture_output=True, text=True
    )
    if done.returncode != 0 and "No module named" in done.stderr:
        pytest.skip(
            f"pyBKT is not importable by {PYBKT_PYTHON}: {done.stderr.strip()[-200:]}"
        )
    assert done.returncode == 0, done.stderr
    params = json.loads(Path(job["result"]).read_text())["params"]
    return params, np.load(job["predictions"])


def test_parameters_predictions_and_likelihood_match_pybkt(subset, pybkt):
    _, rows = subset
    reference, reference_predictions = pybkt
    students, _ = encode([row[0] for row in rows])
    skills, names = encode([row[1] for row in rows])
    values = np.array([float(row[2]) for row in rows])
    order = np.array([int(row[3]) for row in rows], dtype=np.int64)
    grouped = group_by_skill(skills, students, values, order)

    fits = fit_skills(grouped)

    assert sorted(names) == sorted(SKILLS)
    for code, sequences in grouped.items():
        theirs = reference[names[code]]
        their_params = np.array(
            [theirs["prior"], theirs["learns"], theirs["guesses"], theirs["slips"]]
        )
        ours = fits[code].params.as_array()
        np.testing.assert_allclose(
            ours, their_params, atol=PARAM_TOLERANCE, err_msg=names[code]
        )

        p_ours, _ = trace_arrays(sequences.values, sequences.offsets, ours)
        p_theirs = reference_predictions[sequences.rows]
        difference = np.abs(p_ours - p_theirs)
        assert difference.mean() <= MEAN_PREDICTION_TOLERANCE, names[code]
        assert np.percentile(difference, 99) <= P99_PREDICTION_TOLERANCE, names[code]

        p_at_theirs, _ = trace_arrays(sequences.values, sequences.offsets, their_params)
        np.testing.assert_allclose(p_at_theirs, p_theirs, atol=SAME_PARAMS_TOLERANCE)
        likelihood = np.where(sequences.values == 1.0, p_at_theirs, 1.0 - p_at_theirs)
        assert fits[code].log_likelihood is not None
        assert (
            fits[code].log_likelihood >= np.log(likelihood).sum() - LOG_LIKELIHOOD_SLACK
        )
