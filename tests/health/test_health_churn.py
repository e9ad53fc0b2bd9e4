"""The churn model (pure): a time split with no leak, a model that beats chance on
generated histories, calibration, reasons, and the fallback when history is too short."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from shomer.health import churn

WIDTH = len(churn.FEATURES)


def generated(customers: int, cutoffs: int, signal: float, seed: int) -> churn.Dataset:
    """Customers observed at monthly cutoffs; when `signal` > 0 a falling 'activity' and
    slow 'waits' raise the chance of leaving in the next 90 days."""
    rng = np.random.default_rng(seed)
    rows, labels, days, ids = [], [], [], []
    frailty = rng.normal(size=customers)
    for month in range(cutoffs):
        for customer in range(customers):
            features = rng.normal(size=WIDTH) * 0.1 + 0.7
            features[churn.FEATURES.index("activity")] = (
                0.8 - 0.2 * frailty[customer] + rng.normal() * 0.05
            )
            features[churn.FEATURES.index("waits")] = 0.7 - 0.1 * frailty[customer]
            rows.append(features)
            log_odds = -3.5 + signal * frailty[customer]
            labels.append(int(rng.random() < 1 / (1 + np.exp(-log_odds))))
            days.append(700_000 + 30 * month)
            ids.append(customer)
    return churn.Dataset(np.array(rows), np.array(labels), np.array(days), np.array(ids))


def test_time_split_tests_on_the_latest_cutoffs_and_trains_before_their_horizon():
    cutoffs = np.repeat(700_000 + 30 * np.arange(10), 5)
    train, test = churn.time_split(cutoffs)
    first_test = cutoffs[test].min()
    assert set(cutoffs[test]) == {700_210, 700_240, 700_270}
    assert cutoffs[train].max() + churn.HORIZON_DAYS <= first_test
    assert set(cutoffs[train]) == {700_000 + 30 * k for k in range(5)}


@given(st.lists(st.integers(min_value=0, max_value=20), min_size=1, max_size=200))
def test_time_split_never_leaks(offsets):
    cutoffs = 700_000 + 30 * np.array(offsets, dtype=np.int64)
    train, test = churn.time_split(cutoffs)
    assert test.size > 0
    assert not set(train) & set(test)
    if train.size:
        assert cutoffs[train].max() + churn.HORIZON_DAYS <= cutoffs[test].min()


def test_the_model_beats_chance_on_a_time_split_and_is_calibrated():
    result = churn.train(generated(customers=300, cutoffs=12, signal=1.5, seed=4))
    assert isinstance(result, churn.Trained)
    evaluation = result.evaluation
    assert evaluation.auc > 0.75
    assert evaluation.brier < evaluation.base_rate * (1 - evaluation.base_rate)
    assert sum(b.count for b in evaluation.bins) == evaluation.test_rows
    predicted = sum(b.mean_predicted * b.count for b in evaluation.bins) / evaluation.test_rows
    assert predicted == pytest.approx(evaluation.base_rate, abs=0.03)


def test_reasons_name_what_raises_the_risk():
    dataset = generated(customers=300, cutoffs=12, signal=1.5, seed=4)
    result = churn.train(dataset)
    assert isinstance(result, churn.Trained)
    frail = np.full(WIDTH, 0.7)
    frail[churn.FEATURES.index("activity")] = 0.2
    frail[churn.FEATURES.index("waits")] = 0.3
    reasons = churn.reasons(result.model, list(frail))
    assert reasons[0].feature in {"activity", "waits"}
    assert sum(r.share for r in reasons) <= 100
    assert (
        result.model.predict(np.array([frail]))[0]
        > result.model.predict(np.full((1, WIDTH), 0.7))[0]
    )


def test_model_round_trips_through_json():
    result = churn.train(generated(customers=200, cutoffs=10, signal=1.5, seed=2))
    assert isinstance(result, churn.Trained)
    copy = churn.Model.from_dict(result.model.as_dict())
    features = generated(customers=20, cutoffs=1, signal=0.0, seed=9).features
    assert np.allclose(copy.predict(features), result.model.predict(features))


def test_too_little_history_falls_back_with_the_counts():
    result = churn.train(generated(customers=10, cutoffs=3, signal=1.5, seed=1))
    assert isinstance(result, churn.TooLittle)
    assert result.code == "too_little_history"
    assert result.params["rows"] == 30


@pytest.mark.parametrize("seed", [0, 3])
def test_no_signal_is_not_used(seed):
    # Seed 3's noise reaches an AUC of 0.64 by chance; its Brier score is still no better
    # than always saying the base rate, so the model is refused all the same.
    result = churn.train(generated(customers=400, cutoffs=12, signal=0.0, seed=seed))
    assert isinstance(result, churn.TooLittle)
    assert result.code == "model_too_weak"
    params = result.params
    assert params["auc"] < churn.MIN_AUC or params["brier"] >= params["base_brier"]


def test_features_are_finite_whatever_the_input():
    from shomer.health.scoring import Signals, health_score

    score = health_score(Signals())
    values = churn.feature_vector(
        score, tickets=-3, tenure_days=None, revenue=float("nan"), fit=0, quiet_days=None
    )
    assert len(values) == WIDTH
    assert all(np.isfinite(values))
