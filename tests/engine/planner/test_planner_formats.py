"""The problem and plan files: round trips, and bad files named to the field."""

import json

import pytest
from planner_problems import data, solved, student

from coplanner.engine.planner import (
    ProblemFormatError,
    build_example_problem,
    parse_plan,
    parse_problem,
    plan_to_json,
    problem_to_json,
    read_plan,
    read_problem,
    write_plan,
    write_problem,
)


class TestRoundTrip:
    def test_a_problem_survives_writing_and_reading(self):
        problem = build_example_problem(6, seed=3, with_previous=True)
        assert read_problem(write_problem(problem)) == problem

    def test_the_written_problem_is_the_file_it_was_read_from(self):
        original = data(
            student(
                locks=[{"block": "mon-3", "activity": "nook", "variant": None}],
                avoid=[
                    {"activity": "art"},
                    {"block": "mon-1", "activity": "math-group"},
                ],
            )
        )
        assert problem_to_json(parse_problem(original)) == original

    def test_a_plan_survives_writing_and_reading(self):
        problem = parse_problem(data(student(preferences={"art": 2})))
        plan = solved(problem)
        assert read_plan(write_plan(plan)) == plan
        assert plan_to_json(parse_plan(plan_to_json(plan))) == plan_to_json(plan)

    def test_optional_fields_get_their_defaults(self):
        minimal = {
            "format": "coplanner.problem/1",
            "blocks": [
                {
                    "id": "b",
                    "day": "Mon",
                    "start": "09:00",
                    "minutes": 30,
                    "subject": "any",
                }
            ],
            "skills": [{"id": "k", "subject": "math"}],
            "activities": [
                {"id": "a", "name": "A", "subject": "math", "modality": "other"}
            ],
            "students": [{"id": "s", "grade": "K", "autonomy": 1}],
        }
        problem = parse_problem(minimal)
        assert problem.activities[0].capacity is None
        assert problem.activities[0].blocks is None
        assert problem.rules.mastered_at == 0.85
        assert problem.weights.voice == 1.0
        assert problem.skills[0].label == "k"


def bad(change) -> str:
    """Apply `change` to a valid problem file and return the error message."""
    entry = data(student("ana"), student("ben"), student("cai"), student("dee"))
    change(entry)
    with pytest.raises(ProblemFormatError) as caught:
        parse_problem(json.loads(json.dumps(entry)))
    return str(caught.value)


class TestBadProblemFiles:
    def test_a_count_given_in_words(self):
        def change(entry):
            entry["students"][3]["must_do"] = [{"activity": "nook", "at_least": "two"}]

        assert bad(change) == (
            "students[3].must_do[0].at_least: expected a whole number from 1 to 100000, "
            'got "two"'
        )

    def test_another_version(self):
        def change(entry):
            entry["format"] = "coplanner.problem/2"

        assert bad(change).startswith('format: expected "coplanner.problem/1", got')

    def test_a_plan_file_given_as_a_problem(self):
        def change(entry):
            entry["format"] = "coplanner.plan/1"

        assert "this file is of another kind or version" in bad(change)

    def test_an_activity_naming_a_missing_skill(self):
        def change(entry):
            entry["activities"][1]["skills"] = ["add", "multiply"]

        assert bad(change) == 'activities[1].skills[1]: unknown skill "multiply"'

    def test_a_prerequisite_naming_a_missing_skill(self):
        def change(entry):
            entry["skills"][1]["prerequisites"] = ["counting"]

        assert bad(change) == 'skills[1].prerequisites[0]: unknown skill "counting"'

    def test_a_lock_naming_a_variant_the_activity_does_not_have(self):
        def change(entry):
            entry["students"][0]["locks"] = [
                {"block": "mon-1", "activity": "math-app", "variant": "long"}
            ]

        assert bad(change) == (
            'students[0].locks[0].variant: unknown variant "long" of activity "math-app"'
        )

    def test_a_preference_outside_the_scale(self):
        def change(entry):
            entry["students"][2]["preferences"] = {"art": 3}

        assert (
            bad(change)
            == "students[2].preferences.art: expected one of -1, 0, 1, 2, got 3"
        )

    def test_a_mastery_above_one(self):
        def change(entry):
            entry["students"][1]["mastery"]["add"] = 1.5

        assert (
            bad(change)
            == "students[1].mastery.add: expected a number >= 0 and <= 1, got 1.5"
        )

    def test_a_start_time_that_is_not_a_time(self):
        def change(entry):
            entry["blocks"][2]["start"] = "9am"

        assert bad(change) == 'blocks[2].start: expected a time "HH:MM", got "9am"'

    def test_a_duplicate_id(self):
        def change(entry):
            entry["blocks"][1]["id"] = "mon-1"

        assert bad(change) == 'blocks[1].id: duplicate id "mon-1"'

    def test_a_missing_field(self):
        def change(entry):
            del entry["activities"][0]["modality"]

        assert bad(change) == "activities[0].modality: missing"

    def test_a_misspelt_field(self):
        def change(entry):
            entry["students"][0]["must_dos"] = []

        assert bad(change) == "students[0].must_dos: unknown field"

    def test_an_unknown_modality(self):
        def change(entry):
            entry["activities"][0]["modality"] = "lecture"

        assert bad(change).startswith(
            "activities[0].modality: expected one of small_group"
        )

    def test_previous_naming_a_missing_activity(self):
        def change(entry):
            entry["previous"] = {"ana": {"mon-1": "chess"}}

        assert bad(change) == 'previous.ana.mon-1: unknown activity "chess"'

    def test_a_negative_weight(self):
        def change(entry):
            entry["weights"]["voice"] = -1

        assert bad(change) == (
            "weights.voice: expected a number >= 0 and <= 1000, got -1"
        )

    def test_text_that_is_not_json(self):
        with pytest.raises(
            ProblemFormatError, match="not valid JSON: .* at line 1 column"
        ):
            read_problem("{format: 1}")


class TestBadPlanFiles:
    def test_another_version(self):
        with pytest.raises(
            ProblemFormatError, match='^format: expected "coplanner.plan/1"'
        ):
            parse_plan({"format": "coplanner.plan/0"})

    def test_a_score_part_that_is_not_a_number(self):
        plan = plan_to_json(solved(parse_problem(data())))
        plan["students"]["ana"]["score"]["voice"] = "high"
        with pytest.raises(ProblemFormatError) as caught:
            parse_plan(plan)
        assert (
            str(caught.value)
            == 'students.ana.score.voice: expected a number, got "high"'
        )

    def test_an_unknown_status(self):
        plan = plan_to_json(solved(parse_problem(data())))
        plan["status"] = "done"
        with pytest.raises(
            ProblemFormatError, match="^status: expected one of optimal"
        ):
            parse_plan(plan)
