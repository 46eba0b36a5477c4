"""Mutated problem and plan files: an error naming the field, never a crash.

Each property starts from a valid generated problem (two students, so that
a solve takes a fraction of a second) and breaks one field of it: deletes
it, gives it a hostile value (a negative or huge number, a number where text
belongs, a list for an object, a float for a whole number, an empty or very
long text, NaN), or adds a field the format does not know. The reader must
either accept the file (some mutations stay valid) or raise
``ProblemFormatError`` whose message names a real field of the mutated
file. ``coplanner solve`` and ``coplanner check`` must answer a broken file
with one line on standard error and exit status 1, and write no plan.

No database is needed: these tests run the engine and the command line only.
"""

import copy
import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coplanner.cli import main
from coplanner.engine.planner import ProblemFormatError
from coplanner.engine.planner.check import check_plan
from coplanner.engine.planner.example import build_example_problem
from coplanner.engine.planner.plan import parse_plan, plan_to_json
from coplanner.engine.planner.problem import parse_problem, problem_to_json
from coplanner.engine.planner.solve import solve

BASE = problem_to_json(build_example_problem(2, seed=1))
BASE["time_limit_s"] = 1.0
BASE_PLAN = plan_to_json(
    solve(parse_problem(BASE), time_limit_s=1.0, workers=1, seed=0)
)

HOSTILE_VALUES: list[Any] = [
    None,
    True,
    0,
    -1,
    -(10**9),
    10**30,
    1.5,
    1.0,
    1e308,
    math.nan,
    math.inf,
    "",
    "x",
    "two",
    "a" * 5_000,
    "\u0000",
    [],
    [1, 2],
    {},
    {"x": 1},
]

# A bounded number of examples each, so that the file runs in seconds.
FEW = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
VERY_FEW = settings(max_examples=8, deadline=None, derandomize=True)


def paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Return the path (keys and indexes) of every value inside a JSON value."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += paths(inner, prefix + (key,))
    elif isinstance(value, list):
        for index, inner in enumerate(value[:3]):  # a few of each list
            found += paths(inner, prefix + (index,))
    return found


PROBLEM_PATHS = paths(BASE)
PLAN_PATHS = paths(BASE_PLAN)


def _leaf(document: Any, path: tuple) -> Any:
    for key in path:
        document = document[key]
    return document


# Figures at the edges of what the reader accepts: the solver must take them.
NUMBER_PATHS = [
    path
    for path in PROBLEM_PATHS
    if isinstance(_leaf(BASE, path), int | float)
    and not isinstance(_leaf(BASE, path), bool)
    and path[0] != "time_limit_s"
]
EDGE_NUMBERS = [0, 1, 2, 1440, 100_000, 0.0, 1000.0]


def mutate(document: Any, path: tuple, kind: str, value: Any) -> Any:
    """Return a copy of the document with one field deleted, replaced or added to."""
    changed = copy.deepcopy(document)
    parent = changed
    for key in path[:-1]:
        parent = parent[key]
    last = path[-1]
    if kind == "delete" and isinstance(parent, dict):
        del parent[last]
    elif kind == "delete":
        parent.pop(last)
    elif kind == "unknown field" and isinstance(parent[last], dict):
        parent[last]["surprise"] = value
    else:
        parent[last] = value
    return changed


mutations = st.tuples(
    st.sampled_from(["delete", "replace", "replace", "unknown field"]),
    st.sampled_from(HOSTILE_VALUES),
)

FIELD_PATH = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def resolves(document: Any, field: str) -> bool:
    """Whether the path an error names leads to a field of the document.

    The last step may be missing (the error says it is), but the rest must
    exist, so that a person can find the place to fix.
    """
    if not field:
        return True
    steps = [int(index) if index else key for key, index in FIELD_PATH.findall(field)]
    here = document
    for position, step in enumerate(steps):
        last = position == len(steps) - 1
        if isinstance(here, dict) and isinstance(step, str):
            if step not in here:
                # A key may hold dots itself (ids): try joining the rest.
                rest = ".".join(str(each) for each in steps[position:])
                return last or rest in here
            here = here[step]
        elif isinstance(here, list) and isinstance(step, int) and step < len(here):
            here = here[step]
        else:
            return last
    return True


def field_of(error: ProblemFormatError) -> str:
    return error.path


class TestTheProblemReader:
    @FEW
    @given(path=st.sampled_from(PROBLEM_PATHS), mutation=mutations)
    def test_a_broken_field_is_named_never_a_crash(self, path, mutation):
        kind, value = mutation
        document = mutate(BASE, path, kind, value)
        try:
            parse_problem(json.loads(json.dumps(document)))
        except ProblemFormatError as error:
            assert resolves(document, field_of(error)), (path, kind, str(error))
            assert error.what and len(str(error)) < 400

    @VERY_FEW
    @given(path=st.sampled_from(NUMBER_PATHS), value=st.sampled_from(EDGE_NUMBERS))
    def test_a_problem_the_reader_accepts_solves_or_says_why(self, path, value):
        document = mutate(BASE, path, "replace", value)
        try:
            problem = parse_problem(json.loads(json.dumps(document)))
        except ProblemFormatError:
            return
        plan = solve(problem, time_limit_s=0.5, workers=1, seed=0)
        if plan.has_plan:
            assert check_plan(problem, plan).ok
        else:
            assert plan.conflicts or plan.status == "unknown"


class TestThePlanReader:
    @FEW
    @given(path=st.sampled_from(PLAN_PATHS), mutation=mutations)
    def test_a_broken_plan_is_named_or_checked_never_a_crash(self, path, mutation):
        kind, value = mutation
        document = mutate(BASE_PLAN, path, kind, value)
        try:
            plan = parse_plan(json.loads(json.dumps(document)))
        except ProblemFormatError as error:
            assert resolves(document, field_of(error)), (path, kind, str(error))
            return
        # A plan that reads is checked rule by rule, whatever it holds.
        check_plan(parse_problem(BASE), plan).lines()


def broken(change) -> dict:
    document = copy.deepcopy(BASE)
    change(document)
    return document


def error_of(document: Any) -> str:
    with pytest.raises(ProblemFormatError) as caught:
        parse_problem(json.loads(json.dumps(document)))
    return str(caught.value)


class TestFiguresNoSchoolHas:
    """Figures the solver's 64-bit integers cannot hold used to crash it."""

    def test_a_capacity_of_ten_to_the_thirty(self):
        def change(document):
            document["activities"][0]["capacity"] = 10**30

        assert error_of(broken(change)) == (
            "activities[0].capacity: expected a whole number from 0 to 100000, "
            "got 1000000000000000000000000000000"
        )

    def test_a_block_longer_than_a_day(self):
        def change(document):
            document["blocks"][2]["minutes"] = 100_000

        assert error_of(broken(change)) == (
            "blocks[2].minutes: expected a whole number from 1 to 1440, got 100000"
        )

    def test_a_must_do_a_million_times(self):
        def change(document):
            activity = document["activities"][0]["id"]
            document["students"][1]["must_do"] = [
                {"activity": activity, "at_least": 10**6}
            ]

        assert error_of(broken(change)).startswith(
            "students[1].must_do[0].at_least: expected a whole number from 1 to "
        )

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("small_group_at_least", 10**30),
            ("max_same_activity_per_day", 10**30),
        ],
    )
    def test_huge_rules(self, field, value):
        assert error_of(broken(lambda d: d["rules"].__setitem__(field, value))) == (
            f"rules.{field}: expected a whole number from "
            f"{0 if field == 'small_group_at_least' else 1} to 100000, "
            "got 1000000000000000000000000000000"
        )

    def test_huge_subject_minutes(self):
        def change(document):
            document["rules"]["subject_minutes"]["math"] = 10**30

        assert error_of(broken(change)).startswith(
            "rules.subject_minutes.math: expected a whole number from 0 to 10080"
        )

    def test_a_huge_weight(self):
        def change(document):
            document["weights"]["rigor"] = 1e300

        assert error_of(broken(change)) == (
            "weights.rigor: expected a number >= 0 and <= 1000, got 1e+300"
        )


class TestWholeNumbersWrittenAsDecimals:
    """1.0 equals 1 in Python; it used to pass the check and then crash."""

    def test_autonomy(self):
        assert error_of(
            broken(lambda d: d["students"][0].__setitem__("autonomy", 1.0))
        ) == ("students[0].autonomy: expected 1, 2 or 3, got 1.0")

    def test_a_preference(self):
        def change(document):
            activity = document["activities"][0]["id"]
            document["students"][0]["preferences"][activity] = 2.0

        message = error_of(broken(change))
        assert message.endswith("expected one of -1, 0, 1, 2, got 2.0")
        assert message.startswith("students[0].preferences.")


class TestShapesThatCannotBeAWeek:
    def test_prerequisites_in_a_circle(self):
        def change(document):
            first, second = document["skills"][0], document["skills"][1]
            first["prerequisites"] = [second["id"]]
            second["prerequisites"] = [first["id"]]

        document = broken(change)
        first, second = document["skills"][0]["id"], document["skills"][1]["id"]
        assert error_of(document) == (
            "skills[1].prerequisites[0]: prerequisites go round in a circle "
            f'("{first}" needs "{second}" needs "{first}"), so no skill of it '
            "could ever be learnt first"
        )

    def test_a_skill_that_needs_itself(self):
        def change(document):
            document["skills"][3]["prerequisites"] = [document["skills"][3]["id"]]

        assert error_of(broken(change)).startswith(
            "skills[3].prerequisites[0]: prerequisites go round in a circle"
        )

    def test_a_long_chain_is_no_circle(self):
        def change(document):
            skills = [
                {"id": f"s{n}", "subject": "math", "prerequisites": [f"s{n - 1}"]}
                for n in range(1, 5_000)
            ]
            document["skills"] += [{"id": "s0", "subject": "math"}] + skills

        parse_problem(broken(change))

    def test_no_students(self):
        assert error_of(broken(lambda d: d.__setitem__("students", []))) == (
            "students: expected at least one student"
        )

    def test_no_blocks(self):
        assert error_of(broken(lambda d: d.__setitem__("blocks", []))) == (
            "blocks: expected at least one block"
        )

    def test_lists_nested_ten_thousand_deep(self):
        from coplanner.engine.planner.problem import read_problem

        with pytest.raises(ProblemFormatError, match="nest too deep"):
            read_problem("[" * 100_000 + "]" * 100_000)


class TestTheCommands:
    """``coplanner solve`` and ``check``: one line on stderr, status 1, no plan."""

    def write(self, tmp_path: Path, document: Any, name: str = "problem.json") -> Path:
        path = tmp_path / name
        path.write_text(json.dumps(document), encoding="utf-8")
        return path

    def test_solve_names_the_field_and_writes_no_plan(self, tmp_path, capsys):
        problem = self.write(
            tmp_path, broken(lambda d: d["blocks"][0].__setitem__("minutes", -40))
        )
        plan = tmp_path / "plan.json"
        assert main(["solve", str(problem), "-o", str(plan)]) == 1
        err = capsys.readouterr().err
        assert err == (
            f"error: {problem}: blocks[0].minutes: expected a whole number "
            "from 1 to 1440, got -40\n"
        )
        assert not plan.exists()

    def test_a_file_that_is_not_utf8(self, tmp_path, capsys):
        problem = tmp_path / "problem.json"
        problem.write_bytes(json.dumps(BASE).encode("utf-16"))
        assert main(["solve", str(problem), "-o", str(tmp_path / "p.json")]) == 1
        err = capsys.readouterr().err
        assert err.startswith(f"error: {problem}: not UTF-8 text")
        assert "Traceback" not in err

    def test_random_bytes(self, tmp_path, capsys):
        problem = tmp_path / "problem.json"
        problem.write_bytes(bytes(range(256)) * 4)
        assert main(["check", str(problem), str(problem)]) == 1
        assert capsys.readouterr().err.startswith(f"error: {problem}: ")

    @VERY_FEW
    @given(path=st.sampled_from(PLAN_PATHS), mutation=mutations)
    def test_check_on_a_mutated_plan_never_crashes(self, path, mutation):
        import tempfile

        kind, value = mutation
        with tempfile.TemporaryDirectory() as folder:
            problem = self.write(Path(folder), BASE)
            plan = self.write(
                Path(folder), mutate(BASE_PLAN, path, kind, value), "plan.json"
            )
            assert main(["check", str(problem), str(plan)]) in (0, 1)
