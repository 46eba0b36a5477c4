"""Planning units without a database: grouping classrooms, joining problems."""

from dataclasses import replace

import pytest

from coplanner.engine.planner.plan import Plan, Slot, StudentPlan
from coplanner.engine.planner.problem import Activity, Avoid, Block, Problem, Student
from coplanner.planning.distributed.units import (
    UnitError,
    group_classrooms,
    merge_problems,
    restore_activity_ids,
)


class TestGroupClassrooms:
    def test_sharing_is_followed_through_other_classrooms(self):
        groups = group_classrooms(
            [1, 2, 3, 4, 5],
            {("staff", 7): [1, 3], ("staff", 8): [3, 5], ("staff", 9): [4]},
        )

        assert groups == [(1, 3, 5), (2,), (4,)]

    def test_classrooms_outside_the_scope_join_nothing(self):
        assert group_classrooms([1, 2], {("staff", 7): [2, 99]}) == [(1,), (2,)]


BLOCKS = (Block("mon-1", "Monday", "09:00", 40, "any"),)


def _problem(activities: tuple[Activity, ...], *students: str) -> Problem:
    return Problem(
        blocks=BLOCKS,
        skills=(),
        activities=activities,
        students=tuple(
            Student(id=code, grade=1, autonomy=1, preferences={"tiles": 2})
            for code in students
        ),
    )


TILES = Activity("tiles", "Letter tiles", "reading", "hands_on", capacity=4)
GROUP = Activity(
    "group", "Reading group", "reading", "small_group", capacity=5, staff="park"
)
NOOK = Activity("nook", "Reading nook", "reading", "reading")


class TestMergeProblems:
    def test_each_classroom_gets_its_own_copy_of_a_station(self):
        merged = merge_problems(
            [
                _problem((TILES, GROUP, NOOK), "a1"),
                _problem((TILES, GROUP, NOOK), "b1"),
            ],
            ["a", "b"],
        )

        by_id = merged.problem.activity_by_id
        assert sorted(by_id) == ["group", "nook", "tiles@a", "tiles@b"]
        assert by_id["tiles@a"].capacity == 4
        a1 = merged.problem.student_by_id["a1"]
        assert a1.preferences == {"tiles@a": 2}
        assert a1.avoid == (Avoid("tiles@b"),)
        assert merged.originals == {"tiles@a": "tiles", "tiles@b": "tiles"}

    def test_a_station_whose_seats_the_school_shares_stays_one_activity(self):
        merged = merge_problems(
            [_problem((TILES, NOOK), "a1"), _problem((TILES, NOOK), "b1")],
            ["a", "b"],
            shared_seats={"tiles"},
        )

        by_id = merged.problem.activity_by_id
        assert sorted(by_id) == ["nook", "tiles"]
        assert by_id["tiles"].capacity == 4
        assert merged.problem.student_by_id["a1"].preferences == {"tiles": 2}
        assert merged.originals == {}

    def test_a_classrooms_own_table_is_kept_from_the_other_classes(self):
        table = Activity("table-a", "Room A table", "reading", "small_group", 6, "park")

        merged = merge_problems(
            [_problem((NOOK, table), "a1"), _problem((NOOK,), "b1")], ["a", "b"]
        )

        assert merged.problem.student_by_id["b1"].avoid == (Avoid("table-a"),)
        assert merged.problem.student_by_id["a1"].avoid == ()

    def test_different_weeks_cannot_be_joined(self):
        other_week = replace(
            _problem((NOOK,), "b1"),
            blocks=(Block("mon-1", "Monday", "10:00", 40, "any"),),
        )

        with pytest.raises(UnitError, match="different week templates"):
            merge_problems([_problem((NOOK,), "a1"), other_week], ["a", "b"])

    def test_a_plan_comes_back_with_the_stations_own_ids(self):
        plan = Plan(
            status="optimal",
            objective=1.0,
            bound=1.0,
            seconds=0.1,
            students={"a1": StudentPlan(slots=(Slot("mon-1", "tiles@a"),))},
        )

        restored = restore_activity_ids(plan, {"tiles@a": "tiles"})

        assert restored.students["a1"].slots[0].activity == "tiles"
