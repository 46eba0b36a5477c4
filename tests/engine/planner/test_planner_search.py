"""The search on generated classrooms: valid plans, a true bound, repeatable runs."""

import time

from coplanner.engine.planner import build_example_problem, check_plan, solve
from coplanner.engine.planner.greedy import greedy_weeks
from coplanner.engine.planner.model import prepare
from coplanner.engine.planner.solve import _shares_fairly, make_plan


class TestExampleProblem:
    def test_the_same_arguments_give_the_same_problem(self):
        assert build_example_problem(8, seed=5) == build_example_problem(8, seed=5)
        assert build_example_problem(8, seed=5) != build_example_problem(8, seed=6)

    def test_it_looks_like_a_classroom(self):
        problem = build_example_problem(25, seed=1)
        assert len(problem.blocks) == 30 and len(problem.days) == 5
        assert sum(b.subject == "any" for b in problem.blocks) == 10
        assert 18 <= len(problem.activities) <= 22
        groups = [a for a in problem.activities if a.modality == "small_group"]
        assert groups and all(a.capacity <= 6 and a.staff for a in groups)
        assert all(
            a.capacity == 10 for a in problem.activities if a.modality == "online"
        )
        assert all(s.name for s in problem.skills)
        assert any(-1 in s.preferences.values() for s in problem.students)


class TestSearch:
    def test_the_neighbourhood_search_finds_a_valid_plan_close_to_the_bound(self):
        problem = build_example_problem(12, seed=2)
        plan = solve(problem, time_limit_s=4, workers=1, seed=0, method="search")
        report = check_plan(problem, plan)
        assert report.ok, report.lines()
        assert plan.has_plan and plan.bound is not None and plan.objective is not None
        assert plan.objective <= plan.bound + 1e-6
        assert (plan.bound - plan.objective) / plan.bound < 0.03

    def test_two_parts_at_once_keep_seats_and_staff_and_a_true_bound(self):
        problem = build_example_problem(30, seed=4)
        plan = solve(problem, time_limit_s=6, workers=2, seed=0, method="search")
        report = check_plan(problem, plan)
        assert report.ok, report.lines()
        assert plan.objective is not None and plan.bound is not None
        assert plan.objective <= plan.bound + 1e-6
        assert (plan.bound - plan.objective) / plan.bound < 0.03

    def test_a_search_of_very_few_students_ends_on_time(self):
        problem = build_example_problem(3, seed=6)
        started = time.monotonic()
        plan = solve(problem, time_limit_s=3, workers=2, seed=0, method="search")
        assert check_plan(problem, plan).ok
        assert time.monotonic() - started < 6

    def test_a_whole_model_solve_reports_a_bound_no_plan_beats(self):
        problem = build_example_problem(4, seed=3)
        plan = solve(problem, time_limit_s=5, workers=1, seed=0, method="direct")
        assert check_plan(problem, plan).ok
        assert plan.objective is not None and plan.bound is not None
        assert plan.objective <= plan.bound + 1e-6

    def test_every_slot_has_a_reason(self):
        problem = build_example_problem(4, seed=3)
        plan = solve(problem, time_limit_s=5, workers=1, seed=0)
        assert all(
            slot.reasons for week in plan.students.values() for slot in week.slots
        )


def test_the_greedy_planner_fills_every_block_but_may_break_rules():
    problem = build_example_problem(25, seed=1)
    prepared = prepare(problem)
    plan = make_plan(prepared, greedy_weeks(prepared), "feasible", None, 0.0)
    report = check_plan(problem, plan)
    assert not report.mismatches
    assert {v.rule for v in report.violations} <= {
        "capacity",
        "staff",
        "subject_minutes",
        "must_do",
        "small_group",
        "max_per_day",
        "avoid",
    }


def test_the_merge_check_of_two_parts_sees_seats_and_staff_taken_twice():
    problem = build_example_problem(25, seed=1)
    prepared = prepare(problem)
    plan = solve(problem, time_limit_s=3, workers=1, seed=0)
    weeks = {
        code: {slot.block: slot.activity for slot in week.slots}
        for code, week in plan.students.items()
    }
    assert _shares_fairly(prepared, weeks, ())
    students = sorted(weeks)

    # Everyone at one small table: more students than its seats.
    block, table = next(
        (block, activity)
        for block, activities in prepared.candidates.items()
        for activity in activities
        if problem.activity_by_id[activity].capacity is not None
    )
    crowded = {s: {**weeks[s], block: table} for s in students}
    assert not _shares_fairly(prepared, crowded, ())
    # Unless the seat rule is relaxed for those beyond the seats.
    seats = problem.activity_by_id[table].capacity
    assert seats is not None
    relaxed = {("capacity", s) for s in students[seats:]}
    assert _shares_fairly(prepared, crowded, relaxed)

    # One staff member running two groups in the same block.
    by_staff: dict[str, list[str]] = {}
    for record in problem.activities:
        if record.staff is not None:
            by_staff.setdefault(record.staff, []).append(record.id)
    block, first, second = next(
        (block, here[0], here[1])
        for block, activities in prepared.candidates.items()
        for group in by_staff.values()
        if len(here := [a for a in group if a in activities]) >= 2
    )
    two = {
        students[0]: {**weeks[students[0]], block: first},
        students[1]: {**weeks[students[1]], block: second},
    }
    assert not _shares_fairly(prepared, two, ())
