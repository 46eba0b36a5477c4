"""Requests in a conference: applied with the fewest changes, or refused with reasons."""

import random

from planner_problems import problem, solved, student, week

from coplanner.engine.planner import (
    RULES,
    build_example_problem,
    check_plan,
    replan,
    solve,
)
from coplanner.engine.planner.replan import (
    OUT_OF_TIME,
    DropRequest,
    LockRequest,
    MoveRequest,
    SwapRequest,
    VariantRequest,
    answer_request,
)

ONE_MATH_BLOCK = [
    {"id": "mon-1", "day": "Monday", "start": "09:00", "minutes": 30, "subject": "math"}
]
ANY_BLOCKS = [
    {"id": "mon-1", "day": "Monday", "start": "09:00", "minutes": 30, "subject": "any"},
    {"id": "mon-2", "day": "Monday", "start": "09:30", "minutes": 30, "subject": "any"},
    {"id": "mon-3", "day": "Monday", "start": "10:00", "minutes": 30, "subject": "any"},
]


def valid(answer) -> None:
    report = check_plan(answer.problem, answer.plan)
    assert report.ok, report.lines()


class TestApplied:
    def test_a_seat_taken_by_another_is_freed_and_the_answer_says_whose(self):
        prob = problem(
            student("ana", preferences={"math-app": 2}),
            student("ben", preferences={"math-group": 2}),
            blocks=ONE_MATH_BLOCK,
        )
        plan = solved(prob)
        assert week(plan, "ben") == {"mon-1": "math-group"}
        answer = answer_request(prob, plan, LockRequest("ana", "mon-1", "math-group"))
        assert answer.applied
        valid(answer)
        assert week(answer.plan, "ana") == {"mon-1": "math-group"}
        assert {(c.student, c.before, c.after, c.why) for c in answer.changes} == {
            ("ana", "math-app", "math-group", "Asked for"),
            (
                "ben",
                "math-group",
                "math-app",
                "Made room for ana in Math group on Monday at 09:00",
            ),
        }
        assert "ben moved" in answer.message
        assert answer.problem.student_by_id["ana"].locks[-1].activity == "math-group"

    def test_a_swap_changes_the_two_blocks_only(self):
        prob = problem(student(preferences={"art": 2, "nook": 1}), blocks=ANY_BLOCKS)
        plan = solved(prob)
        before = week(plan)
        answer = answer_request(prob, plan, SwapRequest("ana", "mon-1", "mon-3"))
        assert answer.applied
        valid(answer)
        after = week(answer.plan)
        assert after == {**before, "mon-1": before["mon-3"], "mon-3": before["mon-1"]}
        assert {c.block for c in answer.changes} == {"mon-1", "mon-3"}

    def test_a_move_takes_the_activity_out_of_its_block(self):
        prob = problem(student(preferences={"art": 2, "nook": 1}), blocks=ANY_BLOCKS)
        plan = solved(prob)
        origin = next(b for b, a in week(plan).items() if a == "art")
        target = next(b for b in ("mon-1", "mon-2", "mon-3") if b != origin)
        answer = answer_request(prob, plan, MoveRequest("ana", origin, target))
        assert answer.applied
        valid(answer)
        assert week(answer.plan)[target] == "art"
        assert week(answer.plan)[origin] != "art"

    def test_choosing_a_variant_changes_nothing_else(self):
        prob = problem(student(preferences={"math-app": 2}))
        plan = solved(prob)
        answer = answer_request(prob, plan, VariantRequest("ana", "mon-1", "short"))
        assert answer.applied
        valid(answer)
        assert week(answer.plan) == week(plan)
        slot = next(s for s in answer.plan.students["ana"].slots if s.block == "mon-1")
        assert slot.variant == "short"
        assert [(c.block, c.why) for c in answer.changes] == [("mon-1", "Asked for")]


class TestRefused:
    def test_a_full_group_whose_holder_must_stay_is_refused_with_a_kin_activity(self):
        prob = problem(
            student("ana", preferences={"nook": 2}),
            student("ben", must_do=[{"activity": "math-group", "at_least": 1}]),
            blocks=ONE_MATH_BLOCK,
        )
        plan = solved(prob)
        answer = answer_request(prob, plan, LockRequest("ana", "mon-1", "math-group"))
        assert not answer.applied
        assert answer.rule in ("capacity", "must_do")
        assert answer.plan is plan and answer.problem is prob
        assert [(a.kind, a.activity) for a in answer.alternatives] == [
            ("same_skill", "math-app")
        ]
        assert answer.alternatives[0].message == (
            "Math app on Monday at 09:00, for the same skills"
        )

    def test_dropping_a_disliked_must_do_offers_its_variants(self):
        prob = problem(
            student(
                preferences={"nook": -1}, must_do=[{"activity": "nook", "at_least": 1}]
            )
        )
        plan = solved(prob)
        answer = answer_request(prob, plan, DropRequest("ana", "nook"))
        assert not answer.applied
        assert answer.rule == "must_do"
        assert answer.message.startswith(
            "Not possible: ana cannot do Reading nook once"
        )
        assert [(a.kind, a.variant) for a in answer.alternatives] == [
            ("variant", "cushion")
        ]

    def test_an_activity_that_does_not_fit_the_block_is_refused_by_rule(self):
        prob = problem(student())
        plan = solved(prob)
        answer = answer_request(prob, plan, LockRequest("ana", "mon-1", "art"))
        assert not answer.applied
        assert answer.rule == "fits_block"
        assert answer.alternatives[0].kind == "another_day"
        assert answer.alternatives[0].block == "mon-3"


class TestOutOfTime:
    def test_a_request_the_planner_had_no_time_for_is_not_called_impossible(self):
        prob = problem(
            student("ana", preferences={"math-app": 2}),
            student("ben", preferences={"math-group": 2}),
            blocks=ONE_MATH_BLOCK,
        )
        plan = solved(prob)
        request = LockRequest("ana", "mon-1", "math-group")
        rushed = answer_request(prob, plan, request, time_limit_s=0.0)
        assert not rushed.applied
        assert rushed.rule == OUT_OF_TIME
        assert rushed.message.startswith("No answer yet")
        assert rushed.plan is plan and rushed.problem is prob
        # Given its time, the same request is met.
        assert answer_request(prob, plan, request).applied

    def test_a_request_the_relaxation_proves_impossible_names_its_rule(
        self, monkeypatch
    ):
        # The searches get no time at all; the smallest relaxation, which
        # gets the rest of the second, is proof enough to say no.
        monkeypatch.setattr(replan, "SEARCH_SHARE", 0.0)
        prob = problem(
            student("ana", preferences={"nook": 2}),
            student("ben", must_do=[{"activity": "math-group", "at_least": 1}]),
            blocks=ONE_MATH_BLOCK,
        )
        plan = solved(prob)
        answer = answer_request(
            prob, plan, LockRequest("ana", "mon-1", "math-group"), time_limit_s=1.0
        )
        assert not answer.applied
        assert answer.rule in ("capacity", "must_do")
        assert answer.message.startswith("Not possible")


def test_requests_in_a_class_keep_every_rule_and_explain_every_other_change():
    prob = build_example_problem(10, seed=4)
    plan = solve(prob, workers=1, seed=0, time_limit_s=5)
    rng = random.Random(0)
    blocks = [b.id for b in prob.blocks]
    for _ in range(8):
        asker = rng.choice(prob.students).id
        kind = rng.randrange(4)
        if kind == 0:
            request = SwapRequest(asker, *rng.sample(blocks, 2))
        elif kind == 1:
            request = MoveRequest(asker, *rng.sample(blocks, 2))
        elif kind == 2:
            request = DropRequest(asker, rng.choice(list(week(plan, asker).values())))
        else:
            block = rng.choice(blocks)
            fitting = [
                a.id
                for a in prob.activities
                if a.subject == prob.block_by_id[block].subject
            ]
            request = LockRequest(
                asker, block, rng.choice(fitting or ["writing-workshop"])
            )
        answer = answer_request(prob, plan, request)
        if not answer.applied:
            assert answer.rule in RULES and answer.message
            continue
        valid(answer)
        changed = {(c.student, c.block) for c in answer.changes}
        for other, old_week in plan.assignment().items():
            for block, activity in old_week.items():
                if (other, block) not in changed:
                    assert week(answer.plan, other)[block] == activity
        for change in answer.changes:
            if change.student != asker:
                assert asker in change.why and change.student in answer.message
