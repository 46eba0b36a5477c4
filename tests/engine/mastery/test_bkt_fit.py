"""Fitting: recovery of known parameters, bounds, defaults, both engines."""

from __future__ import annotations

import numpy as np
import pytest

from coplanner.engine.mastery import (
    DEFAULT_PARAMS,
    BKTParams,
    FitOptions,
    ParamBounds,
    Sequences,
    fit_skill,
    fit_skills,
    fit_trace_params,
    trace_arrays,
)
from coplanner.engine.mastery._kernels import HAVE_NUMBA

TRUE = BKTParams(prior=0.35, learn=0.15, guess=0.18, slip=0.08)

# With 3,000 students and 3 to 30 answers each (about 50,000 answers), EM
# recovers every parameter of TRUE within 0.03 (the sampling error of each
# is below 0.01 at this size).
RECOVERY_TOLERANCE = 0.03


class TestRecovery:
    def test_fit_recovers_the_parameters_that_generated_the_data(self, make_sequences):
        sequences = make_sequences(TRUE, 3000, np.random.default_rng(7))

        fit = fit_skill(sequences)

        assert fit.fitted and fit.converged
        np.testing.assert_allclose(
            fit.params.as_array(), TRUE.as_array(), atol=RECOVERY_TOLERANCE
        )

    def test_fit_recovers_a_fast_learning_high_prior_skill(self, make_sequences):
        truth = BKTParams(prior=0.7, learn=0.4, guess=0.25, slip=0.12)
        sequences = make_sequences(truth, 3000, np.random.default_rng(8))

        fit = fit_skill(sequences)

        np.testing.assert_allclose(
            fit.params.as_array(), truth.as_array(), atol=RECOVERY_TOLERANCE
        )

    def test_reported_log_likelihood_is_that_of_the_returned_parameters(
        self, make_sequences
    ):
        sequences = make_sequences(TRUE, 500, np.random.default_rng(9))

        fit = fit_skill(sequences)

        p_correct, _ = trace_arrays(
            sequences.values, sequences.offsets, fit.params.as_array()
        )
        likelihood = np.where(sequences.values == 1.0, p_correct, 1.0 - p_correct)
        assert fit.log_likelihood == pytest.approx(np.log(likelihood).sum(), rel=1e-9)

    def test_fit_beats_the_true_parameters_on_its_own_data(self, make_sequences):
        sequences = make_sequences(TRUE, 500, np.random.default_rng(10))

        fit = fit_skill(sequences)

        p_correct, _ = trace_arrays(
            sequences.values, sequences.offsets, TRUE.as_array()
        )
        likelihood = np.where(sequences.values == 1.0, p_correct, 1.0 - p_correct)
        assert fit.log_likelihood is not None
        assert fit.log_likelihood >= np.log(likelihood).sum()


class TestBoundsAndDefaults:
    def test_guess_and_slip_stay_within_their_bounds(self, make_sequences):
        truth = BKTParams(prior=0.3, learn=0.1, guess=0.65, slip=0.4)
        sequences = make_sequences(truth, 500, np.random.default_rng(11))

        fit = fit_skill(sequences)

        assert fit.params.guess <= 0.5
        assert fit.params.slip <= 0.3

    def test_bounds_can_be_widened(self, make_sequences):
        truth = BKTParams(prior=0.3, learn=0.1, guess=0.6, slip=0.1)
        sequences = make_sequences(truth, 2000, np.random.default_rng(12))
        options = FitOptions(bounds=ParamBounds(guess=(1e-4, 0.7)))

        fit = fit_skill(sequences, options)

        assert fit.params.guess == pytest.approx(0.6, abs=RECOVERY_TOLERANCE)

    def test_a_skill_with_too_few_students_gets_the_default(self, make_sequences):
        sequences = make_sequences(TRUE, 4, np.random.default_rng(13))

        fit = fit_skill(sequences)

        assert not fit.fitted
        assert fit.params == DEFAULT_PARAMS
        assert fit.students == 4

    def test_thin_skills_get_the_observation_weighted_typical_parameters(
        self, make_sequences
    ):
        rng = np.random.default_rng(14)
        sequences = {
            "big": make_sequences(TRUE, 300, rng),
            "also big": make_sequences(BKTParams(0.6, 0.3, 0.1, 0.1), 100, rng),
            "thin": make_sequences(TRUE, 2, rng),
        }

        trace_params = fit_trace_params(sequences)

        big = trace_params.skills["big"]
        other = trace_params.skills["also big"]
        weights = np.array([big.observations, other.observations], dtype=float)
        expected = weights @ np.array([big.params.as_array(), other.params.as_array()])
        expected /= weights.sum()
        np.testing.assert_allclose(trace_params.default.as_array(), expected)
        assert trace_params.skills["thin"].params == trace_params.default
        assert not trace_params.skills["thin"].fitted


class TestEngines:
    def test_fit_repeats_exactly_with_the_same_seed(self, make_sequences):
        sequences = make_sequences(TRUE, 300, np.random.default_rng(15))

        assert fit_skill(sequences) == fit_skill(sequences)

    @pytest.mark.skipif(not HAVE_NUMBA, reason="numba is not installed")
    def test_compiled_and_numpy_engines_agree_also_on_partial_credit(
        self, make_sequences
    ):
        sequences = make_sequences(TRUE, 400, np.random.default_rng(16))
        values = sequences.values.copy()
        values[::5] = np.random.default_rng(17).random(values[::5].size)
        partial = Sequences(
            values, sequences.offsets, sequences.rows, sequences.students
        )

        compiled = fit_skill(partial, FitOptions(engine="compiled"))
        numpy = fit_skill(partial, FitOptions(engine="numpy"))

        np.testing.assert_allclose(
            compiled.params.as_array(), numpy.params.as_array(), atol=1e-9
        )
        assert compiled.log_likelihood == pytest.approx(numpy.log_likelihood, rel=1e-9)
        assert compiled.iterations == numpy.iterations

    def test_fit_skills_in_threads_equals_one_by_one(self, make_sequences):
        rng = np.random.default_rng(18)
        sequences = {f"skill {k}": make_sequences(TRUE, 100, rng) for k in range(5)}

        threaded = fit_skills(sequences, FitOptions(workers=2))
        serial = fit_skills(sequences, FitOptions(workers=1))

        assert threaded == serial
        assert list(threaded) == list(sequences)
