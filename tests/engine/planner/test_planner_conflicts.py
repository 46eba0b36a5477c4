"""No plan is an answer: the rules and students in conflict, and the smallest fix."""

from planner_problems import problem, solved, student

from coplanner.engine.planner import RELAXABLE_RULES, check_plan, solve

ONE_MATH_BLOCK = [
    {"id": "mon-1", "day": "Monday", "start": "09:00", "minutes": 30, "subject": "math"}
]


def relaxed_by(plan) -> set[tuple[str, str]]:
    return {(c.rule, s) for c in plan.conflicts for s in c.students}


def solve_relaxed(prob, plan):
    """Solve again with what the conflicts name given up; return the broken rules."""
    relaxed = relaxed_by(plan)
    again = solve(prob, relaxed=relaxed, workers=1, seed=0, time_limit_s=5)
    assert again.has_plan
    violations = check_plan(prob, again).violations
    for violation in violations:
        assert any((violation.rule, s) in relaxed for s in violation.students)
    return {violation.rule for violation in violations}


class TestInfeasible:
    def test_three_must_dos_for_one_seat_give_up_two_instances(self):
        must = [{"activity": "math-group", "at_least": 1}]
        prob = problem(
            *(student(name, must_do=must) for name in ("ana", "ben", "cai")),
            blocks=ONE_MATH_BLOCK,
        )
        plan = solved(prob)
        assert plan.status == "infeasible"
        assert plan.objective is None and plan.bound is None and not plan.students
        assert len(plan.conflicts) == 2
        assert {c.rule for c in plan.conflicts} <= {"must_do", "capacity"}
        assert solve_relaxed(prob, plan) <= {"must_do", "capacity"}

    def test_a_lock_on_an_activity_that_cannot_go_there(self):
        prob = problem(student(locks=[{"block": "mon-1", "activity": "art"}]))
        plan = solved(prob)
        (conflict,) = plan.conflicts
        assert conflict.rule == "lock" and conflict.students == ("ana",)
        assert conflict.message == (
            "ana's block on Monday at 09:00 is locked to Art studio, "
            "which cannot be kept with the other rules."
        )
        assert conflict.fix == "Unlock ana's block on Monday at 09:00."

    def test_a_must_do_more_often_than_the_week_allows_names_the_possible_figure(self):
        prob = problem(student(must_do=[{"activity": "nook", "at_least": 3}]))
        plan = solved(prob)
        (conflict,) = plan.conflicts
        assert conflict.rule in ("must_do", "max_per_day")
        if conflict.rule == "must_do":
            assert "at most once fits" in conflict.message
            assert conflict.fix.startswith("Ask for Reading nook once for ana")

    def test_a_block_no_activity_fits_is_named_for_everyone(self):
        blocks = [
            *ONE_MATH_BLOCK,
            {
                "id": "mon-2",
                "day": "Monday",
                "start": "09:30",
                "minutes": 30,
                "subject": "music",
            },
        ]
        prob = problem(student("ana"), student("ben"), blocks=blocks)
        plan = solved(prob)
        (conflict,) = plan.conflicts
        assert conflict.rule == "fits_block"
        assert conflict.students == ("ana", "ben")
        assert conflict.message == "No activity fits on Monday at 09:30 (music)."

    def test_two_students_needing_one_adult_at_once_name_staff_or_a_need(self):
        blocks = [
            {
                "id": "mon-1",
                "day": "Monday",
                "start": "09:00",
                "minutes": 30,
                "subject": "any",
            }
        ]
        prob = problem(
            student("ana", must_do=[{"activity": "math-group", "at_least": 1}]),
            student("ben", must_do=[{"activity": "phonics", "at_least": 1}]),
            blocks=blocks,
        )
        plan = solved(prob)
        assert plan.status == "infeasible"
        (conflict,) = plan.conflicts
        assert conflict.rule in RELAXABLE_RULES
        if conflict.rule == "staff":
            assert "ms-lee would have to run" in conflict.message
        assert solve_relaxed(prob, plan) <= {conflict.rule}
