"""Bands, estimates and the mapping of evidence to observations."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest

from coplanner.engine.mastery import (
    Band,
    Bands,
    BKTParams,
    MasteryEstimate,
    Observation,
    estimate_mastery,
    observation_from_rating,
    observation_from_response,
    observation_from_score,
)


class TestBands:
    @pytest.mark.parametrize(
        ("probability", "band"),
        [
            (0.0, Band.NOT_YET),
            (0.5999, Band.NOT_YET),
            (0.6, Band.DEVELOPING),
            (0.8499, Band.DEVELOPING),
            (0.85, Band.MASTERED),
            (1.0, Band.MASTERED),
        ],
    )
    def test_default_thresholds(self, probability, band):
        assert Bands().band(probability) is band

    def test_thresholds_are_configurable(self):
        bands = Bands(mastered_at=0.95, developing_at=0.5)

        assert bands.band(0.9) is Band.DEVELOPING
        assert bands.band(0.5) is Band.DEVELOPING
        assert bands.band(0.95) is Band.MASTERED

    def test_thresholds_out_of_order_are_refused(self):
        with pytest.raises(ValueError, match="developing_at <= mastered_at"):
            Bands(mastered_at=0.5, developing_at=0.7)

    def test_estimate_is_frozen_and_carries_its_basis(self):
        seen = datetime(2024, 10, 1, 9, 30)
        params = BKTParams(0.9, 0.1, 0.2, 0.1)

        estimate = estimate_mastery(
            "dee", "frac-1", params, [Observation(1.0), Observation(1.0, seen)]
        )

        assert isinstance(estimate, MasteryEstimate)
        assert estimate.band is Band.MASTERED
        assert estimate.observations == 2
        assert estimate.last_observed == seen
        with pytest.raises(dataclasses.FrozenInstanceError):
            estimate.probability = 0.1  # type: ignore[misc]

    def test_custom_bands_are_used_for_the_estimate(self):
        params = BKTParams(0.9, 0.1, 0.2, 0.1)

        estimate = estimate_mastery("dee", "k", params, [], Bands(mastered_at=0.95))

        assert estimate.band is Band.DEVELOPING


class TestObservations:
    def test_response(self):
        assert observation_from_response(True).value == 1.0
        assert observation_from_response(False).value == 0.0

    def test_score_is_the_fraction_of_the_maximum(self):
        assert observation_from_score(7, 10).value == pytest.approx(0.7)

    def test_score_above_the_maximum_is_refused(self):
        with pytest.raises(ValueError, match="between 0 and 10"):
            observation_from_score(11, 10)

    @pytest.mark.parametrize(
        ("rating", "value"),
        [("beginning", 0.0), ("Approaching", 0.5), ("meeting", 1.0), ("4", 1.0)],
    )
    def test_rating_on_the_default_scale(self, rating, value):
        assert observation_from_rating(rating).value == value

    def test_rating_on_a_custom_scale(self):
        scale = {"red": 0.0, "amber": 0.4, "green": 1.0}

        assert observation_from_rating("amber", scale=scale).value == 0.4

    def test_unknown_rating_is_refused_with_the_known_ones(self):
        with pytest.raises(ValueError, match="unknown rating 'great'; expected one of"):
            observation_from_rating("great")

    def test_observation_outside_zero_to_one_is_refused(self):
        with pytest.raises(ValueError, match=r"must be in \[0, 1\]"):
            Observation(1.5)
