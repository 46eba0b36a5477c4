"""Each soft term of the plan score: the planner's figure is the definition's."""

import pytest
from planner_problems import hand_plan, problem, solved, student, week

from coplanner.engine.planner import Plan, Slot, StudentPlan, check_plan

ANY_BLOCKS = [
    {"id": "mon-1", "day": "Monday", "start": "09:00", "minutes": 30, "subject": "any"},
    {"id": "mon-2", "day": "Monday", "start": "09:30", "minutes": 30, "subject": "any"},
]
ONLY = {"rigor": 0, "voice": 0, "confidence": 0, "variety": 0, "stability": 0}


def weights(**chosen: float) -> dict[str, float]:
    return {**ONLY, **chosen}


def recomputed(prob, plan):
    report = check_plan(prob, plan)
    assert report.ok, report.lines()
    return report.scores


class TestRigor:
    def test_minutes_times_need_on_ready_skills_and_a_little_for_review(self):
        prob = problem(weights=weights(rigor=1))
        plan = solved(prob)
        # Adding is ready at 0.4: 30 min x 0.6, twice (math block and free
        # block); phonics reviews mastered vowels: 30 min x 0.1.
        assert plan.students["ana"].score.rigor == pytest.approx(39.0)
        assert plan.objective == pytest.approx(39.0)
        assert plan.status == "optimal"

    def test_a_skill_whose_prerequisites_are_not_mastered_is_worth_nothing(self):
        ben = student("ben", mastery={"count": 0.3, "add": 0.1, "vowels": 0.2})
        prob = problem(ben, weights=weights(rigor=1))
        plan = hand_plan(
            prob, {"ben": {"mon-1": "math-group", "mon-2": "nook", "mon-3": "art"}}
        )
        assert plan.students["ben"].score.rigor == 0
        assert recomputed(prob, plan)["ben"].rigor == 0
        # Counting is ready for Ben, and the app works on it.
        assert week(solved(prob), "ben")["mon-1"] == "math-app"


class TestVoice:
    def test_a_disliked_must_do_done_as_a_variant_counts_zero(self):
        prob = problem(
            student(
                preferences={"math-app": 2, "nook": -1},
                must_do=[{"activity": "nook", "at_least": 1}],
            ),
            weights=weights(voice=1),
        )
        plan = solved(prob)
        slot = next(s for s in plan.students["ana"].slots if s.activity == "nook")
        assert slot.variant == "cushion"
        assert "Your way to do it: On the big cushion" in slot.reasons
        assert plan.students["ana"].score.voice == 2

    def test_a_disliked_activity_that_is_not_a_must_do_counts_minus_one_with_a_variant_too(
        self,
    ):
        prob = problem(student(preferences={"nook": -1}), weights=weights(voice=1))
        slots = (
            Slot("mon-1", "math-app"),
            Slot("mon-2", "nook", "cushion"),
            Slot("mon-3", "art"),
        )
        plan = Plan("feasible", -1.0, None, 0.0, {"ana": StudentPlan(slots)})
        assert check_plan(prob, plan).scores["ana"].voice == -1


class TestConfidence:
    def test_a_struggle_followed_by_a_boost_counts_one(self):
        # Adding is a struggle for Ana; phonics works only on mastered vowels.
        prob = problem(weights=weights(confidence=1))
        plan = solved(prob)
        assert week(plan)["mon-2"] == "phonics"
        assert plan.students["ana"].score.confidence == 1
        phonics = next(s for s in plan.students["ana"].slots if s.block == "mon-2")
        assert "Something you are good at, after a hard one" in phonics.reasons

    def test_two_struggles_in_a_row_count_minus_one_each(self):
        prob = problem(student(preferences={"nook": -1}), weights=weights(confidence=1))
        weeks = {"ana": {"mon-1": "math-app", "mon-2": "nook", "mon-3": "math-group"}}
        plan = hand_plan(prob, weeks)
        assert plan.students["ana"].score.confidence == -2
        assert recomputed(prob, plan)["ana"].confidence == -2

    def test_a_break_between_blocks_does_not_separate_them(self):
        blocks = [
            {
                "id": "mon-1",
                "day": "Monday",
                "start": "09:00",
                "minutes": 30,
                "subject": "math",
            },
            {
                "id": "mon-2",
                "day": "Monday",
                "start": "13:00",
                "minutes": 30,
                "subject": "reading",
            },
            {
                "id": "tue-1",
                "day": "Tuesday",
                "start": "09:00",
                "minutes": 30,
                "subject": "math",
            },
        ]
        prob = problem(blocks=blocks, weights=weights(confidence=1))
        weeks = {"ana": {"mon-1": "math-app", "mon-2": "phonics", "tue-1": "math-app"}}
        assert recomputed(prob, hand_plan(prob, weeks))["ana"].confidence == 1

    def test_blocks_are_taken_in_time_order_not_file_order(self):
        blocks = [
            {
                "id": "late",
                "day": "Monday",
                "start": "10:00",
                "minutes": 30,
                "subject": "math",
            },
            {
                "id": "early",
                "day": "Monday",
                "start": "09:00",
                "minutes": 30,
                "subject": "reading",
            },
        ]
        prob = problem(blocks=blocks, weights=weights(confidence=1))
        # Phonics (a boost) comes first in time, so no struggle precedes it.
        weeks = {"ana": {"late": "math-app", "early": "phonics"}}
        plan = hand_plan(prob, weeks)
        assert plan.students["ana"].score.confidence == 0
        assert recomputed(prob, plan)["ana"].confidence == 0


class TestVariety:
    def test_each_repeat_on_a_day_beyond_the_first_counts_minus_one(self):
        prob = problem(
            student(preferences={"art": 2}),
            blocks=ANY_BLOCKS,
            rules={"max_same_activity_per_day": 2},
            weights=weights(voice=1, variety=1.5),
        )
        plan = solved(prob)
        assert list(week(plan).values()) == ["art", "art"]
        assert plan.students["ana"].score.variety == -1
        assert plan.objective == pytest.approx(4 - 1.5)


class TestStability:
    def test_each_block_changed_from_the_previous_plan_counts_minus_one(self):
        previous = {"ana": {"mon-1": "math-group", "mon-2": "phonics", "mon-3": "art"}}
        prob = problem(
            student(preferences={"math-app": 2}),
            previous=previous,
            weights=weights(voice=1, stability=1),
        )
        plan = solved(prob)
        assert week(plan) == {"mon-1": "math-app", "mon-2": "phonics", "mon-3": "art"}
        assert plan.students["ana"].score.stability == -1
        assert plan.objective == pytest.approx(2 - 1)

    def test_a_heavy_stability_weight_keeps_the_previous_plan(self):
        previous = {"ana": {"mon-1": "math-group", "mon-2": "phonics", "mon-3": "art"}}
        prob = problem(
            student(preferences={"math-app": 2}),
            previous=previous,
            weights=weights(voice=1, stability=3),
        )
        assert week(solved(prob)) == previous["ana"]


class TestObjective:
    def test_the_objective_is_the_weighted_sum_of_the_parts_with_float_weights(self):
        prob = problem(
            student("ana", preferences={"math-app": 2, "nook": -1}),
            student("ben", mastery={"count": 0.3, "add": 0.1, "vowels": 0.2}),
            weights={"rigor": 0.137, "voice": 0.71, "confidence": 0.33, "variety": 0.2},
        )
        plan = solved(prob)
        parts = plan.score
        expected = 0.137 * parts.rigor + 0.71 * parts.voice + 0.33 * parts.confidence
        assert plan.objective == pytest.approx(expected, abs=1e-9)
        assert plan.bound is not None and plan.bound >= plan.objective - 1e-6
