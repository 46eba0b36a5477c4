"""Tracing: a hand-computed example, and incremental updates equal a recompute."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pytest

from coplanner.engine.mastery import (
    BKTParams,
    Observation,
    TraceParams,
    _kernels,
    estimate_all,
    estimate_mastery,
    initial_estimate,
    predict_correct,
    trace_arrays,
    update_estimate,
    update_mastery,
)
from coplanner.engine.mastery.params import SkillParams

PARAMS = BKTParams(prior=0.3, learn=0.1, guess=0.2, slip=0.1)


class TestHandComputedExample:
    """prior 0.3, learn 0.1, guess 0.2, slip 0.1; answers: correct, then wrong.

    First answer: P(correct) = 0.3 * 0.9 + 0.7 * 0.2 = 0.41. After it, the
    posterior is 0.27 / 0.41 and, with the chance to learn, mastery is
    (0.27 + 0.14 * 0.1) / 0.41 = 28.4 / 41.
    Second answer: P(correct) = (28.4 * 0.9 + 12.6 * 0.2) / 41 = 28.08 / 41.
    After the wrong answer the posterior is 2.84 / (2.84 + 12.6 * 0.8) =
    2.84 / 12.92, and mastery is (2.84 + 10.08 * 0.1) / 12.92 = 3.848 / 12.92.
    """

    def test_step_by_step(self):
        assert predict_correct(0.3, PARAMS) == pytest.approx(0.41, abs=1e-12)
        first = update_mastery(0.3, PARAMS, 1.0)
        assert first == pytest.approx(28.4 / 41, abs=1e-12)
        assert predict_correct(first, PARAMS) == pytest.approx(28.08 / 41, abs=1e-12)
        assert update_mastery(first, PARAMS, 0.0) == pytest.approx(
            3.848 / 12.92, abs=1e-12
        )

    def test_vectorised_trace_gives_the_same_numbers(self):
        p_correct, p_mastery = trace_arrays(
            np.array([1.0, 0.0]), np.array([0, 2], dtype=np.int64), PARAMS.as_array()
        )

        np.testing.assert_allclose(p_correct, [0.41, 28.08 / 41], atol=1e-12)
        np.testing.assert_allclose(p_mastery, [28.4 / 41, 3.848 / 12.92], atol=1e-12)

    def test_half_credit_weighs_correct_and_wrong_geometrically(self):
        # Likelihoods: mastered sqrt(0.9 * 0.1) = 0.3, not mastered
        # sqrt(0.2 * 0.8) = 0.4; posterior 0.09 / 0.37, then learning.
        expected = (0.09 + 0.28 * 0.1) / 0.37

        assert update_mastery(0.3, PARAMS, 0.5) == pytest.approx(expected, abs=1e-12)

    def test_a_skill_without_evidence_starts_at_its_prior(self):
        estimate = initial_estimate("ana", "add-10", PARAMS)

        assert estimate.probability == 0.3
        assert estimate.observations == 0
        assert estimate.last_observed is None


class TestIncrementalUpdate:
    def test_one_observation_at_a_time_equals_a_full_recompute(self):
        rng = np.random.default_rng(3)
        start = datetime(2024, 9, 2, 8, 0)
        values = rng.integers(0, 2, size=60).astype(float)
        values[::7] = rng.random(values[::7].size)
        observations = [
            Observation(float(v), start + timedelta(hours=k))
            for k, v in enumerate(values)
        ]

        estimate = initial_estimate("ben", "sub-20", PARAMS)
        for observation in observations:
            estimate = update_estimate(estimate, PARAMS, observation)
        recomputed = estimate_mastery("ben", "sub-20", PARAMS, observations)

        assert estimate.probability == pytest.approx(recomputed.probability, abs=1e-12)
        assert estimate.band == recomputed.band
        assert estimate.observations == recomputed.observations == 60
        assert (
            estimate.last_observed
            == recomputed.last_observed
            == observations[-1].observed_at
        )

    def test_incremental_update_equals_the_batch_estimate_of_a_district(self):
        rng = np.random.default_rng(4)
        students = [f"s{k}" for k in rng.integers(0, 30, size=600)]
        skills = [f"k{k}" for k in rng.integers(0, 4, size=600)]
        values = rng.integers(0, 2, size=600).astype(float)
        trace_params = TraceParams(
            skills={"k0": SkillParams(BKTParams(0.2, 0.3, 0.25, 0.05), fitted=True)},
            default=PARAMS,
        )

        batch = estimate_all(students, skills, values, trace_params)

        for estimate in batch[:40]:
            params, _ = trace_params.for_skill(estimate.skill)
            step = initial_estimate(estimate.student, estimate.skill, params)
            for student, skill, value in zip(students, skills, values, strict=True):
                if (student, skill) == (estimate.student, estimate.skill):
                    step = update_estimate(step, params, Observation(float(value)))
            assert step.probability == pytest.approx(estimate.probability, abs=1e-12)
            assert step.observations == estimate.observations

    def test_late_evidence_without_time_keeps_the_last_date(self):
        seen = datetime(2024, 9, 2)
        estimate = update_estimate(
            initial_estimate("cy", "k", PARAMS), PARAMS, Observation(1.0, seen)
        )

        estimate = update_estimate(estimate, PARAMS, Observation(0.0))

        assert estimate.last_observed == seen


@pytest.mark.skipif(not _kernels.HAVE_NUMBA, reason="numba is not installed")
def test_compiled_and_numpy_traces_agree():
    rng = np.random.default_rng(5)
    lengths = rng.integers(1, 40, size=200)
    offsets = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    values = rng.random(offsets[-1])
    values[values > 0.7] = 1.0
    values[values < 0.3] = 0.0
    params = rng.uniform(0.05, 0.3, size=(200, 4))

    compiled = _kernels.trace_compiled(values, offsets, params)
    numpy = _kernels.trace_numpy(values, offsets, params)

    np.testing.assert_allclose(compiled[0], numpy[0], atol=1e-12)
    np.testing.assert_allclose(compiled[1], numpy[1], atol=1e-12)
