"""The published estimates, reproduced on the published data.

CDNOW (the 2,357-customer cohort shipped in the `lifetimes` wheel): BG/NBD from Fader, Hardie
& Lee (2005), Pareto/NBD from Fader & Hardie's note on implementing it, Gamma-Gamma from their
note on monetary value; sBG on the "regular" and "high end" cohorts of Fader & Hardie (2007),
fitted, as there, on the first seven years. Where `lifetimes` computes the same quantity, it
must agree with ours to rounding.
"""

from __future__ import annotations

import csv
import importlib.resources
import warnings

import numpy as np
import pandas as pd
import pytest

from shomer.health.btyd import (
    BGNBDParams,
    Fit,
    ParetoNBDParams,
    Summary,
    bgnbd_expected_transactions,
    bgnbd_p_alive,
    fit_bgnbd,
    fit_gamma_gamma,
    fit_pareto_nbd,
    fit_sbg,
    pareto_nbd_expected_transactions,
    pareto_nbd_log_likelihood,
    pareto_nbd_p_alive,
    parse_summary_csv,
)

with warnings.catch_warnings():  # lifetimes sets a pandas option that pandas 3 deprecates
    warnings.simplefilter("ignore")
    from lifetimes import BetaGeoFitter, ParetoNBDFitter

# Survivors of 1,000 customers at years 0..7 (Fader & Hardie 2007, Table 1).
REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241]
HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491]


def cdnow_text(name: str) -> str:
    # Read as data: importing lifetimes.datasets breaks with setuptools >= 81.
    return (importlib.resources.files("lifetimes") / "datasets" / name).read_text()


@pytest.fixture(scope="module")
def cdnow() -> Summary:
    return parse_summary_csv(cdnow_text("cdnow_customers_summary.csv").splitlines()).summary


def test_cdnow_has_the_published_cohort(cdnow: Summary) -> None:
    assert len(cdnow) == 2357
    assert int(cdnow.frequency.sum()) == 2457
    assert int((cdnow.frequency == 0).sum()) == 1411


@pytest.fixture(scope="module")
def bgnbd_fit(cdnow: Summary) -> Fit[BGNBDParams]:
    return fit_bgnbd(cdnow)


@pytest.fixture(scope="module")
def pareto_fit(cdnow: Summary) -> Fit[ParetoNBDParams]:
    return fit_pareto_nbd(cdnow)


def test_bgnbd_reproduces_fader_hardie_lee_2005(bgnbd_fit: Fit[BGNBDParams]) -> None:
    fit = bgnbd_fit
    estimates = (fit.params.r, fit.params.alpha, fit.params.a, fit.params.b)
    assert [round(value, 3) for value in estimates] == [0.243, 4.414, 0.793, 2.426]
    assert round(fit.log_likelihood, 1) == -9582.4
    assert fit.customers == 2357


def test_pareto_nbd_reproduces_the_published_fit(pareto_fit: Fit[ParetoNBDParams]) -> None:
    fit = pareto_fit
    estimates = (fit.params.r, fit.params.alpha, fit.params.s, fit.params.beta)
    assert [round(value, 2) for value in estimates] == [0.55, 10.58, 0.61, 11.67]
    assert round(fit.log_likelihood, 1) == -9595.0


def test_pareto_nbd_likelihood_agrees_with_lifetimes_customer_by_customer(
    cdnow: Summary,
) -> None:
    for params in [(0.5533, 10.5776, 0.6062, 11.6679), (0.8, 3.0, 1.5, 40.0)]:
        theirs = ParetoNBDFitter._conditional_log_likelihood(
            params, cdnow.frequency, cdnow.recency, cdnow.T
        )
        ours = pareto_nbd_log_likelihood(ParetoNBDParams(*params), cdnow)
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)


def test_p_alive_and_expectations_agree_with_lifetimes(
    cdnow: Summary, bgnbd_fit: Fit[BGNBDParams], pareto_fit: Fit[ParetoNBDParams]
) -> None:
    bgnbd = bgnbd_fit.params
    peer = BetaGeoFitter()
    peer.params_ = pd.Series({"r": bgnbd.r, "alpha": bgnbd.alpha, "a": bgnbd.a, "b": bgnbd.b})
    x, tx, T = cdnow.frequency, cdnow.recency, cdnow.T
    np.testing.assert_allclose(
        bgnbd_p_alive(bgnbd, cdnow), peer.conditional_probability_alive(x, tx, T), atol=1e-12
    )
    np.testing.assert_allclose(
        bgnbd_expected_transactions(bgnbd, cdnow, 39.0),
        peer.conditional_expected_number_of_purchases_up_to_time(39.0, x, tx, T),
        rtol=1e-9,
    )
    pareto = pareto_fit.params
    pareto_peer = ParetoNBDFitter()
    pareto_peer.params_ = pd.Series(
        {"r": pareto.r, "alpha": pareto.alpha, "s": pareto.s, "beta": pareto.beta}
    )
    np.testing.assert_allclose(
        pareto_nbd_p_alive(pareto, cdnow),
        pareto_peer.conditional_probability_alive(x, tx, T),
        atol=1e-12,
    )
    np.testing.assert_allclose(
        pareto_nbd_expected_transactions(pareto, cdnow, 39.0),
        pareto_peer.conditional_expected_number_of_purchases_up_to_time(39.0, x, tx, T),
        rtol=1e-9,
    )


def test_gamma_gamma_reproduces_the_published_fit() -> None:
    rows = list(
        csv.DictReader(cdnow_text("cdnow_customers_summary_with_transactions.csv").splitlines())
    )
    repeat = [row for row in rows if int(row["x"]) > 0]
    fit = fit_gamma_gamma([int(row["x"]) for row in repeat], [float(row["zbar"]) for row in repeat])
    assert fit.customers == 946
    # The wheel's averages are rounded to cents, which moves the third digit of gamma.
    assert abs(fit.params.p - 6.25) < 0.005
    assert abs(fit.params.q - 3.74) < 0.005
    assert abs(fit.params.gamma - 15.44) < 0.01


@pytest.mark.parametrize(
    ("survivors", "alpha", "beta"),
    [(REGULAR, 0.704, 1.182), (HIGH_END, 0.668, 3.806)],
    ids=["regular", "high-end"],
)
def test_sbg_reproduces_fader_hardie_2007(survivors: list[int], alpha: float, beta: float) -> None:
    fit = fit_sbg(survivors)
    assert (round(fit.params.alpha, 3), round(fit.params.beta, 3)) == (alpha, beta)
    assert fit.customers == 1000
