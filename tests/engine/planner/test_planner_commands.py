"""The solve, check and example-problem commands, run on files."""

import argparse
import json

import pytest

from coplanner.engine.planner import read_problem
from coplanner.engine.planner.commands import register


def run(*argv: str) -> int:
    """Parse and run one planner command, as the coplanner command would."""
    parser = argparse.ArgumentParser(prog="coplanner")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


@pytest.fixture
def problem_file(tmp_path):
    path = tmp_path / "problem.json"
    assert (
        run("example-problem", "--students", "6", "--seed", "2", "-o", str(path)) == 0
    )
    return path


class TestRoundTrip:
    def test_solve_then_check_passes(self, problem_file, tmp_path, capsys):
        plan_file = tmp_path / "plan.json"
        code = run(
            "solve",
            str(problem_file),
            "-o",
            str(plan_file),
            "--time-limit",
            "3",
            "--workers",
            "1",
        )
        assert code == 0
        assert "Plan written to" in capsys.readouterr().out
        plan = json.loads(plan_file.read_text())
        assert plan["format"] == "coplanner.plan/1"
        assert plan["status"] in ("optimal", "feasible")
        assert run("check", str(problem_file), str(plan_file)) == 0
        assert capsys.readouterr().out.startswith("The plan is valid")

    def test_check_catches_a_tampered_score_and_a_broken_rule(
        self, problem_file, tmp_path, capsys
    ):
        plan_file = tmp_path / "plan.json"
        run(
            "solve",
            str(problem_file),
            "-o",
            str(plan_file),
            "--time-limit",
            "3",
            "--workers",
            "1",
        )
        plan = json.loads(plan_file.read_text())
        first = next(iter(plan["students"].values()))
        first["score"]["voice"] += 100  # far more than any one slot can change
        first["slots"][1]["activity"] = first["slots"][0]["activity"]
        plan_file.write_text(json.dumps(plan))
        capsys.readouterr()
        assert run("check", str(problem_file), str(plan_file)) == 1
        out = capsys.readouterr().out
        assert "score: student s001 reports voice" in out
        assert "fits_block" in out or "max_per_day" in out or "capacity" in out

    def test_example_problem_writes_to_standard_output(self, capsys):
        assert run("example-problem", "--students", "3", "--seed", "7") == 0
        problem = read_problem(capsys.readouterr().out)
        assert len(problem.students) == 3 and len(problem.blocks) == 30


class TestBadFiles:
    def test_solve_names_the_bad_field(self, problem_file, tmp_path, capsys):
        entry = json.loads(problem_file.read_text())
        entry["students"][3]["must_do"][0]["at_least"] = "two"
        problem_file.write_text(json.dumps(entry))
        assert run("solve", str(problem_file), "-o", str(tmp_path / "plan.json")) == 1
        err = capsys.readouterr().err
        assert (
            "students[3].must_do[0].at_least: expected a whole number from 1 to 100000, "
            'got "two"' in err
        )
        assert not (tmp_path / "plan.json").exists()

    def test_check_rejects_a_plan_of_another_version(
        self, problem_file, tmp_path, capsys
    ):
        plan_file = tmp_path / "plan.json"
        plan_file.write_text(json.dumps({"format": "coplanner.plan/9"}))
        assert run("check", str(problem_file), str(plan_file)) == 1
        assert 'format: expected "coplanner.plan/1"' in capsys.readouterr().err

    def test_a_missing_file(self, tmp_path, capsys):
        assert run("check", str(tmp_path / "none.json"), str(tmp_path / "p.json")) == 1
        assert "No such file" in capsys.readouterr().err


def test_an_infeasible_problem_writes_its_conflicts_and_exits_one(
    problem_file, tmp_path, capsys
):
    entry = json.loads(problem_file.read_text())
    entry["students"][0]["locks"] = [{"block": "mon-1", "activity": "writing-workshop"}]
    block = next(b for b in entry["blocks"] if b["id"] == "mon-1")
    assert block["subject"] != "any"
    problem_file.write_text(json.dumps(entry))
    plan_file = tmp_path / "plan.json"
    assert (
        run("solve", str(problem_file), "-o", str(plan_file), "--time-limit", "3") == 1
    )
    plan = json.loads(plan_file.read_text())
    assert plan["status"] == "infeasible"
    assert plan["conflicts"][0]["rule"] == "lock"
    assert plan["conflicts"][0]["students"] == ["s001"]
    assert "Unlock s001's block on Monday at 08:30." in capsys.readouterr().out
    assert run("check", str(problem_file), str(plan_file)) == 0
