"""Properties of the BTYD models that must hold for any valid customers and parameters."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from shomer.health.btyd import (
    BGNBDParams,
    ParetoNBDParams,
    Summary,
    bgnbd_expected_transactions,
    bgnbd_log_likelihood,
    bgnbd_p_alive,
    pareto_nbd_expected_transactions,
    pareto_nbd_log_likelihood,
    pareto_nbd_p_alive,
)

# Parameters from 0.01 to 100: every fit on real data we know of lands well inside.
positive = st.floats(-2.0, 2.0).map(lambda exponent: 10.0**exponent)


@st.composite
def summaries(draw: st.DrawFn) -> Summary:
    rows = []
    for _ in range(draw(st.integers(1, 12))):
        T = draw(st.floats(0.01, 500.0))
        repeats = draw(st.integers(0, 300))
        share = draw(st.floats(0.001, 1.0))
        rows.append((repeats, T * share if repeats else 0.0, T))
    frequency, recency, T = zip(*rows, strict=True)
    return Summary(frequency, recency, T)


bgnbd_params = st.builds(BGNBDParams, positive, positive, positive, positive)
pareto_params = st.builds(ParetoNBDParams, positive, positive, positive, positive)
horizons = st.tuples(st.floats(0.0, 200.0), st.floats(0.01, 200.0))


@settings(max_examples=150, deadline=None)
@given(bgnbd_params, summaries())
def test_bgnbd_p_alive_is_a_probability_and_one_without_repeats(
    params: BGNBDParams, summary: Summary
) -> None:
    p_alive = bgnbd_p_alive(params, summary)
    assert np.all((p_alive >= 0.0) & (p_alive <= 1.0))
    assert np.all(p_alive[summary.frequency == 0] == 1.0)


@settings(max_examples=150, deadline=None)
@given(pareto_params, summaries())
def test_pareto_nbd_p_alive_is_a_probability(params: ParetoNBDParams, summary: Summary) -> None:
    p_alive = pareto_nbd_p_alive(params, summary)
    assert np.all((p_alive >= 0.0) & (p_alive <= 1.0))


@settings(max_examples=150, deadline=None)
@given(bgnbd_params, pareto_params, summaries())
def test_log_likelihood_is_finite_for_valid_data(
    bgnbd: BGNBDParams, pareto: ParetoNBDParams, summary: Summary
) -> None:
    assert np.all(np.isfinite(bgnbd_log_likelihood(bgnbd, summary)))
    assert np.all(np.isfinite(pareto_nbd_log_likelihood(pareto, summary)))


@settings(max_examples=150, deadline=None)
@given(bgnbd_params, summaries(), horizons)
def test_bgnbd_expected_transactions_grow_with_the_horizon(
    params: BGNBDParams, summary: Summary, horizon: tuple[float, float]
) -> None:
    start, more = horizon
    sooner = bgnbd_expected_transactions(params, summary, start)
    later = bgnbd_expected_transactions(params, summary, start + more)
    assert np.all(np.isfinite(later))
    assert np.all(sooner >= 0.0)
    # Strictly more over a longer horizon; 2F1 rounding allows a hair below for equal values.
    assert np.all(later >= sooner * (1 - 1e-9))
    assert np.all(bgnbd_expected_transactions(params, summary, 0.0) == 0.0)


@settings(max_examples=150, deadline=None)
@given(pareto_params, summaries(), horizons)
def test_pareto_nbd_expected_transactions_grow_with_the_horizon(
    params: ParetoNBDParams, summary: Summary, horizon: tuple[float, float]
) -> None:
    start, more = horizon
    sooner = pareto_nbd_expected_transactions(params, summary, start)
    later = pareto_nbd_expected_transactions(params, summary, start + more)
    assert np.all(np.isfinite(later))
    assert np.all(sooner >= 0.0)
    assert np.all(later >= sooner * (1 - 1e-12))
    assert np.all(pareto_nbd_expected_transactions(params, summary, 0.0) == 0.0)
