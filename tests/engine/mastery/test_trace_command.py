"""The ``trace fit`` and ``trace predict`` commands, end to end."""

from __future__ import annotations

import argparse
import csv
import json
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from coplanner.engine.mastery import BKTParams, read_trace_params, trace_arrays
from coplanner.engine.mastery.commands import register

TRUE = BKTParams(prior=0.4, learn=0.2, guess=0.15, slip=0.1)


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="coplanner")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(list(argv))
    code: int = args.func(args)
    return code


def write_evidence(path: Path, rows: list[list[str]], header: str) -> Path:
    path.write_text(header + "\n" + "\n".join(",".join(row) for row in rows) + "\n")
    return path


@pytest.fixture
def evidence(tmp_path, make_sequences) -> Path:
    """Write 200 students' answers on two skills, shuffled, with a time column."""
    rng = np.random.default_rng(21)
    start = datetime(2024, 9, 2, 8, 0)
    rows = []
    for skill in ("add-10", "sub-10"):
        sequences = make_sequences(TRUE, 200, rng)
        for s in range(sequences.n_sequences):
            low, high = sequences.offsets[s], sequences.offsets[s + 1]
            for k in range(low, high):
                when = start + timedelta(hours=int(k - low))
                rows.append(
                    [f"st{s}", skill, str(int(sequences.values[k])), when.isoformat()]
                )
    rng.shuffle(rows)
    return write_evidence(tmp_path / "evidence.csv", rows, "student,skill,correct,time")


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


class TestRoundTrip:
    def test_fit_then_predict(self, tmp_path, evidence, capsys):
        params_path = tmp_path / "params.json"
        predictions_path = tmp_path / "pred.csv"

        assert run("trace", "fit", str(evidence), "-o", str(params_path)) == 0
        assert run(
            "trace", "predict", str(evidence), "--params", str(params_path),
            "-o", str(predictions_path),
        ) == 0  # fmt: skip

        trace_params = read_trace_params(params_path)
        assert set(trace_params.skills) == {"add-10", "sub-10"}
        assert all(entry.fitted for entry in trace_params.skills.values())
        rows = read_rows(predictions_path)
        original = read_rows(evidence)
        assert [row["student"] for row in rows] == [row["student"] for row in original]
        assert {row["params"] for row in rows} == {"fitted"}
        self.assert_predictions_follow_time_order(rows, trace_params)
        assert "Fitted 2 skills from" in capsys.readouterr().out

    @staticmethod
    def assert_predictions_follow_time_order(rows, trace_params):
        by_sequence: dict[tuple[str, str], list[dict[str, str]]] = {}
        for row in rows:
            by_sequence.setdefault((row["student"], row["skill"]), []).append(row)
        for (_, skill), sequence in list(by_sequence.items())[:50]:
            sequence.sort(key=lambda row: row["time"])
            values = np.array([float(row["correct"]) for row in sequence])
            params = trace_params.skills[skill].params
            p_correct, p_mastery = trace_arrays(
                values, np.array([0, len(values)], dtype=np.int64), params.as_array()
            )
            np.testing.assert_allclose(
                [float(row["p_correct"]) for row in sequence], p_correct, atol=1e-6
            )
            np.testing.assert_allclose(
                [float(row["p_mastery"]) for row in sequence], p_mastery, atol=1e-6
            )

    def test_unknown_skills_get_the_default_and_the_output_says_so(
        self, tmp_path, evidence, capsys
    ):
        params_path = tmp_path / "params.json"
        run("trace", "fit", str(evidence), "-o", str(params_path))
        other = write_evidence(
            tmp_path / "other.csv",
            [
                ["ana", "mul-5", "1", "1"],
                ["ana", "mul-5", "0", "2"],
                ["ana", "add-10", "1", "3"],
            ],
            "student,skill,correct,order",
        )
        predictions_path = tmp_path / "pred.csv"

        code = run(
            "trace", "predict", str(other), "--params", str(params_path),
            "-o", str(predictions_path),
        )  # fmt: skip

        assert code == 0
        rows = read_rows(predictions_path)
        assert [row["params"] for row in rows] == ["unknown", "unknown", "fitted"]
        default = read_trace_params(params_path).default
        assert float(rows[0]["p_correct"]) == pytest.approx(
            default.prior * (1 - default.slip) + (1 - default.prior) * default.guess,
            abs=1e-6,
        )
        assert "1 skills are not in params.json and got the default parameters" in (
            capsys.readouterr().out
        )

    def test_order_column_orders_and_ties_keep_file_order(self, tmp_path):
        evidence = write_evidence(
            tmp_path / "e.csv",
            [["bo", "k", "0", "2"], ["bo", "k", "1", "1"], ["bo", "k", "1", "2"]],
            "student,skill,correct,order",
        )
        params_path = tmp_path / "params.json"
        params_path.write_text(
            json.dumps(
                {
                    "format": "coplanner.trace-params/1",
                    "default": {"prior": 0.3, "learn": 0.1, "guess": 0.2, "slip": 0.1},
                    "skills": {
                        "k": {"prior": 0.3, "learn": 0.1, "guess": 0.2, "slip": 0.1}
                    },
                }
            )
        )
        predictions_path = tmp_path / "pred.csv"

        run(
            "trace", "predict", str(evidence), "--params", str(params_path),
            "-o", str(predictions_path),
        )  # fmt: skip

        rows = read_rows(predictions_path)
        # Order 1 comes first (0.41), then the order-2 rows in file order.
        assert [row["p_correct"] for row in rows] == [
            "0.684878",
            "0.410000",
            "0.408483",
        ]


class TestBadInput:
    def test_missing_column_is_named(self, tmp_path, capsys):
        evidence = write_evidence(
            tmp_path / "e.csv", [["ana", "1", "1"]], "student,correct,order"
        )

        code = run("trace", "fit", str(evidence), "-o", str(tmp_path / "p.json"))

        assert code == 1
        assert capsys.readouterr().err == (
            "Error: e.csv: missing column skill (the header has: student, correct, order).\n"
        )
        assert not (tmp_path / "p.json").exists()

    def test_missing_ordering_column_is_named(self, tmp_path, capsys):
        evidence = write_evidence(
            tmp_path / "e.csv", [["ana", "k", "1"]], "student,skill,correct"
        )

        run("trace", "fit", str(evidence), "-o", str(tmp_path / "p.json"))

        assert "missing column time or order" in capsys.readouterr().err

    def test_every_bad_value_is_reported_with_line_column_value_and_why(
        self, tmp_path, capsys
    ):
        evidence = write_evidence(
            tmp_path / "e.csv",
            [
                ["ana", "k", "1", "2024-09-02T10:00"],
                ["ana", "k", "yes please", "2024-09-03"],
                ["ana", "", "1", "2024-09-04"],
                ["ana", "k", "1.5", "yesterday"],
            ],
            "student,skill,correct,time",
        )

        code = run("trace", "fit", str(evidence), "-o", str(tmp_path / "p.json"))

        assert code == 1
        assert capsys.readouterr().err.splitlines() == [
            "Error: Line 3, column 'correct', value 'yes please': "
            "is not 1, 0 or a number between 0 and 1.",
            "Line 4, column 'skill', value '': is empty.",
            "Line 5, column 'correct', value '1.5': is outside 0 to 1.",
            "Line 5, column 'time', value 'yesterday': "
            "is not an ISO 8601 time such as 2024-09-03T10:15:00.",
        ]

    def test_parameter_file_of_another_format_is_refused(
        self, tmp_path, evidence, capsys
    ):
        params_path = tmp_path / "params.json"
        params_path.write_text(
            json.dumps({"format": "coplanner.trace-params/2", "skills": {}})
        )

        code = run(
            "trace", "predict", str(evidence), "--params", str(params_path),
            "-o", str(tmp_path / "pred.csv"),
        )  # fmt: skip

        assert code == 1
        assert (
            "Expected a parameter file of format 'coplanner.trace-params/1', found "
            in (capsys.readouterr().err)
        )
