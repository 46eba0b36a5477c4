"""Ready to learn and review candidates over a small prerequisite graph."""

from __future__ import annotations

from datetime import datetime, timedelta

from coplanner.engine.mastery import (
    Bands,
    MasteryEstimate,
    ready_to_learn,
    review_candidates,
)

NOW = datetime(2024, 11, 4, 8, 0)

# count-10 -> add-10 -> add-20 -> sub-20; add-10 -> sub-10
GRAPH = {
    "count-10": [],
    "add-10": ["count-10"],
    "sub-10": ["add-10"],
    "add-20": ["add-10"],
    "sub-20": ["add-20", "sub-10"],
}


def estimate(
    skill: str, probability: float, days_ago: int | None = None
) -> MasteryEstimate:
    bands = Bands()
    seen = None if days_ago is None else NOW - timedelta(days=days_ago)
    return MasteryEstimate("eve", skill, probability, bands.band(probability), 3, seen)


class TestReadyToLearn:
    def test_skills_whose_prerequisites_are_all_mastered(self):
        estimates = {
            "count-10": estimate("count-10", 0.97),
            "add-10": estimate("add-10", 0.9),
            "sub-10": estimate("sub-10", 0.4),
        }

        assert ready_to_learn(estimates, GRAPH) == ["sub-10", "add-20"]

    def test_a_skill_without_estimate_is_not_mastered(self):
        assert ready_to_learn({}, GRAPH) == ["count-10"]

    def test_mastered_skills_are_not_ready(self):
        estimates = {skill: estimate(skill, 0.99) for skill in GRAPH}

        assert ready_to_learn(estimates, GRAPH) == []

    def test_threshold_follows_the_bands(self):
        estimates = {"count-10": estimate("count-10", 0.9)}

        assert ready_to_learn(estimates, GRAPH, Bands(mastered_at=0.95)) == ["count-10"]


class TestReviewCandidates:
    def test_mastered_skills_not_practised_for_long_oldest_first(self):
        estimates = [
            estimate("count-10", 0.97, days_ago=60),
            estimate("add-10", 0.9, days_ago=30),
            estimate("sub-10", 0.9, days_ago=3),
            estimate("add-20", 0.5, days_ago=90),
            estimate("sub-20", 0.95, days_ago=None),
        ]

        due = review_candidates(estimates, NOW)

        assert [e.skill for e in due] == ["count-10", "add-10"]

    def test_review_time_is_configurable(self):
        estimates = [estimate("sub-10", 0.9, days_ago=3)]

        assert (
            review_candidates(estimates, NOW, review_after=timedelta(days=2))
            == estimates
        )
