"""BTYD formulas against hand computation and against independent numerical integration,
analytic gradients against finite differences, and fits that recover known parameters."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.special import gammaln, hyp2f1

from shomer.health.btyd import (
    BGNBDParams,
    FitError,
    GammaGammaParams,
    ParetoNBDParams,
    SBGParams,
    Summary,
    bgnbd_expected_transactions,
    bgnbd_gradient,
    bgnbd_log_likelihood,
    bgnbd_p_alive,
    fit_bgnbd,
    fit_pareto_nbd,
    gamma_gamma_expected_spend,
    gamma_gamma_log_likelihood,
    pareto_nbd_expected_transactions,
    pareto_nbd_gradient,
    pareto_nbd_log_likelihood,
    pareto_nbd_p_alive,
    sbg_log_likelihood,
    sbg_retention_rates,
    sbg_survival,
    simulate_bgnbd,
    simulate_pareto_nbd,
)

ONES = BGNBDParams(1.0, 1.0, 1.0, 1.0)


def one(x: float, tx: float, T: float) -> Summary:
    return Summary([x], [tx], [T])


@pytest.mark.parametrize(
    ("params", "x", "tx", "T", "expected"),
    [
        (ONES, 0, 0, 5, 1.0),  # no repeat purchase: BG/NBD cannot have lost them
        (ONES, 1, 1, 3, 1 / 5),  # odds a/(b+x-1) ((a+T)/(a+tx))^(r+x) = 1 * 2^2 = 4
        (ONES, 2, 3, 3, 2 / 3),  # bought at T: odds 1/2
        (BGNBDParams(2.0, 1.0, 2.0, 3.0), 3, 1, 7, 1 / 410.6),  # odds 2/5 * 4^5 = 409.6
    ],
)
def test_bgnbd_p_alive_by_hand(
    params: BGNBDParams, x: float, tx: float, T: float, expected: float
) -> None:
    assert bgnbd_p_alive(params, one(x, tx, T))[0] == pytest.approx(expected, rel=1e-14)


@pytest.mark.parametrize(
    ("x", "tx", "T", "likelihood"),
    [
        (0, 0, 3, 1 / 4),  # (alpha/(alpha+T))^r
        (1, 1, 3, 5 / 32),  # B(1,2)/B(1,1) [(4)^-2 + (2)^-2]
        (
            2,
            2,
            2,
            2 * (1 / 3) * (1 / 27 + 1 / 2 * 1 / 27),
        ),  # G(3)/G(1) B(1,3)/B(1,1) [3^-3 + 1/2 3^-3]
    ],
)
def test_bgnbd_likelihood_by_hand(x: float, tx: float, T: float, likelihood: float) -> None:
    assert bgnbd_log_likelihood(ONES, one(x, tx, T))[0] == pytest.approx(math.log(likelihood))


def pareto_by_quadrature(
    params: ParetoNBDParams, x: float, tx: float, T: float
) -> tuple[float, float]:
    """(log-likelihood, P(alive)) from the integral over the dropout time, no 2F1."""
    r, alpha, s, beta = params.r, params.alpha, params.s, params.beta
    alive = (alpha + T) ** -(r + x) * (beta + T) ** -s
    left = (
        s
        * quad(
            lambda y: (alpha + y) ** -(r + x) * (beta + y) ** -(s + 1),
            tx,
            T,
            epsabs=0,
            epsrel=1e-13,
        )[0]
    )
    constant = gammaln(r + x) - gammaln(r) + r * math.log(alpha) + s * math.log(beta)
    return constant + math.log(alive + left), alive / (alive + left)


PARETO_CASES = [
    ParetoNBDParams(0.55, 10.58, 0.61, 11.67),  # CDNOW: alpha < beta
    ParetoNBDParams(0.55, 30.0, 0.6, 2.0),  # alpha > beta
    ParetoNBDParams(2.0, 5.0, 1.0, 5.0),  # alpha = beta: z = 0
    ParetoNBDParams(5.0, 0.5, 0.2, 0.01),
    # One rate thousands of times the other: z near 1, the incomplete-beta path.
    ParetoNBDParams(0.9, 0.05, 0.3, 400.0),
    ParetoNBDParams(0.9, 400.0, 0.3, 0.05),
]
HISTORIES = [(0, 0.0, 30.0), (1, 2.0, 30.0), (4, 29.9, 30.0), (7, 30.0, 30.0), (25, 10.0, 40.0)]


@pytest.mark.parametrize("params", PARETO_CASES)
def test_pareto_nbd_likelihood_and_p_alive_match_quadrature(params: ParetoNBDParams) -> None:
    for x, tx, T in HISTORIES:
        log_likelihood, p_alive = pareto_by_quadrature(params, x, tx, T)
        summary = one(x, tx, T)
        assert pareto_nbd_log_likelihood(params, summary)[0] == pytest.approx(
            log_likelihood, rel=1e-12, abs=1e-12
        )
        assert pareto_nbd_p_alive(params, summary)[0] == pytest.approx(p_alive, rel=1e-11)


@pytest.mark.parametrize(
    "params",
    [
        BGNBDParams(0.243, 4.414, 0.793, 2.426),
        BGNBDParams(2.0, 1.0, 3.0, 0.5),
        BGNBDParams(0.5, 20.0, 0.2, 8.0),
        BGNBDParams(0.243, 4.414, 1.0, 2.426),  # a = 1: the closed form's 0/0
        BGNBDParams(0.243, 4.414, 1.00003, 2.426),
        BGNBDParams(0.5, 2.0, 0.3, 0.4),  # a + b < 1: no series for x = 0, quadrature
    ],
)
@pytest.mark.parametrize("horizon", [0.5, 39.0, 500.0])
def test_bgnbd_expectation_matches_its_integral(params: BGNBDParams, horizon: float) -> None:
    # If alive: (r+x) * integral over v in [0, t/(alpha+T)] of 2F1(r+x+1, a; a+b+x; -v).
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    for x, tx, T in [(0, 0.0, 38.0), (2, 30.43, 38.86), (40, 37.0, 38.0)]:

        def integrand(v: float, x: float = x) -> float:
            return float(hyp2f1(r + x + 1, a, a + b + x, -v))

        integral = quad(integrand, 0, horizon / (alpha + T), epsrel=1e-12)[0]
        summary = one(x, tx, T)
        expected = bgnbd_p_alive(params, summary)[0] * (r + x) * integral
        # scipy's 2F1 holds about 1e-8 for heavy buyers over long horizons (checked at
        # 40 digits); the rest agree to 1e-14.
        assert bgnbd_expected_transactions(params, summary, horizon)[0] == pytest.approx(
            expected, rel=1e-7
        )


@pytest.mark.parametrize("params", [*PARETO_CASES[:3], ParetoNBDParams(0.55, 10.58, 1.0, 11.67)])
def test_pareto_nbd_expectation_matches_its_integral(params: ParetoNBDParams) -> None:
    # If alive: E[lambda] times the integral over u in [0, t] of E[exp(-mu u)], with the
    # posteriors lambda ~ Gamma(r+x, alpha+T) and mu ~ Gamma(s, beta+T); s = 1 is the 0/0 case.
    r, alpha, s, beta = params.r, params.alpha, params.s, params.beta
    horizon = 39.0
    for x, tx, T in HISTORIES:

        def integrand(u: float, T: float = T) -> float:
            return float(((beta + T) / (beta + T + u)) ** s)

        integral = quad(integrand, 0, horizon, epsrel=1e-12)[0]
        summary = one(x, tx, T)
        expected = pareto_nbd_p_alive(params, summary)[0] * (r + x) / (alpha + T) * integral
        assert pareto_nbd_expected_transactions(params, summary, horizon)[0] == pytest.approx(
            expected, rel=1e-10
        )


def test_expectations_refuse_a_negative_horizon() -> None:
    with pytest.raises(ValueError, match="horizon must be a finite number >= 0"):
        bgnbd_expected_transactions(ONES, one(1, 1, 2), -1.0)
    with pytest.raises(ValueError, match="horizon must be a finite number >= 0"):
        pareto_nbd_expected_transactions(PARETO_CASES[0], one(1, 1, 2), math.nan)


def central_difference(function: Callable[[np.ndarray], float], at: np.ndarray) -> np.ndarray:
    gradient = np.empty_like(at)
    for index in range(at.size):
        step = np.zeros_like(at)
        step[index] = 1e-6 * at[index]
        gradient[index] = (function(at + step) - function(at - step)) / (2 * step[index])
    return gradient


@pytest.fixture(scope="module")
def sample() -> Summary:
    rng = np.random.default_rng(7)
    return simulate_bgnbd(BGNBDParams(0.5, 5.0, 0.7, 2.5), rng.uniform(5, 40, 300), rng)


@pytest.mark.parametrize(
    "values", [(0.243, 4.414, 0.793, 2.426), (3.0, 0.2, 0.1, 20.0), (0.5, 50.0, 5.0, 0.3)]
)
def test_bgnbd_gradient_is_the_likelihoods(sample: Summary, values: tuple[float, ...]) -> None:
    at = np.array(values)
    numeric = central_difference(
        lambda theta: float(bgnbd_log_likelihood(BGNBDParams(*theta), sample).sum()), at
    )
    np.testing.assert_allclose(bgnbd_gradient(BGNBDParams(*values), sample), numeric, rtol=1e-6)


@pytest.mark.parametrize("params", PARETO_CASES)
def test_pareto_nbd_gradient_is_the_likelihoods(sample: Summary, params: ParetoNBDParams) -> None:
    at = np.array([params.r, params.alpha, params.s, params.beta])
    numeric = central_difference(
        lambda theta: float(pareto_nbd_log_likelihood(ParetoNBDParams(*theta), sample).sum()), at
    )
    np.testing.assert_allclose(pareto_nbd_gradient(params, sample), numeric, rtol=1e-6)


@pytest.mark.parametrize(
    ("params", "true"),
    [
        (BGNBDParams, BGNBDParams(0.25, 4.0, 0.8, 2.5)),
        (BGNBDParams, BGNBDParams(1.5, 10.0, 0.4, 3.0)),
        (ParetoNBDParams, ParetoNBDParams(0.55, 10.0, 0.6, 12.0)),
        (ParetoNBDParams, ParetoNBDParams(2.0, 8.0, 1.5, 30.0)),
    ],
)
def test_fits_recover_the_parameters_of_simulated_customers(
    params: type, true: BGNBDParams | ParetoNBDParams
) -> None:
    rng = np.random.default_rng(2024)
    T = rng.uniform(26.0, 52.0, 6000)
    if isinstance(true, BGNBDParams):
        summary = simulate_bgnbd(true, T, rng)
        found: tuple[float, ...] = tuple(vars(fit_bgnbd(summary).params).values())
    else:
        summary = simulate_pareto_nbd(true, T, rng)
        found = tuple(vars(fit_pareto_nbd(summary).params).values())
    for estimate, value in zip(found, vars(true).values(), strict=True):
        assert abs(math.log(estimate / value)) < 0.35, (found, true)


def test_purchase_rate_is_recovered_closely() -> None:
    # r / alpha, the mean purchase rate, is pinned down far better than r and alpha apart.
    rng = np.random.default_rng(11)
    true = BGNBDParams(0.8, 6.0, 0.5, 4.0)
    fit = fit_bgnbd(simulate_bgnbd(true, rng.uniform(26.0, 52.0, 6000), rng))
    assert fit.params.r / fit.params.alpha == pytest.approx(true.r / true.alpha, rel=0.08)


@pytest.mark.parametrize(
    "summary",
    [
        Summary([0, 0, 0], [0, 0, 0], [5, 10, 20]),  # nobody came back
        Summary([3], [10], [20]),  # one customer
        Summary([1, 2, 3], [5, 6, 7], [5, 6, 7]),  # all bought on their last day
    ],
    ids=["no-repeats", "one-customer", "all-at-T"],
)
@pytest.mark.parametrize("fit", [fit_bgnbd, fit_pareto_nbd])
def test_degenerate_data_gives_finite_estimates_or_a_clear_error(
    summary: Summary, fit: Callable[[Summary], object]
) -> None:
    try:
        result = fit(summary)
    except FitError as error:
        assert "did not converge" in str(error) or "finite" in str(error)
        return
    values = np.array([*vars(result.params).values(), result.log_likelihood])  # type: ignore[attr-defined]
    assert np.all(np.isfinite(values))


def test_gamma_gamma_by_hand() -> None:
    params = GammaGammaParams(2.0, 3.0, 10.0)
    # p (gamma + m x) / (p x + q - 1) = 2 (10 + 5*2) / (4 + 3 - 1)
    assert gamma_gamma_expected_spend(params, [2], [5.0])[0] == pytest.approx(40 / 6)
    # G(px+q)/(G(px)G(q)) gamma^q m^(px-1) x^px / (gamma + m x)^(px+q) with px = 4
    by_hand = (
        (gammaln(7) - gammaln(4) - gammaln(3) + 3 * math.log(10) + 3 * math.log(5))
        + 4 * math.log(2)
        - 7 * math.log(20)
    )
    assert gamma_gamma_log_likelihood(params, [2], [5.0])[0] == pytest.approx(by_hand)


def test_sbg_survival_and_retention_by_hand() -> None:
    params = SBGParams(1.0, 1.0)
    np.testing.assert_allclose(sbg_survival(params, 3), [1, 1 / 2, 1 / 3, 1 / 4], rtol=1e-13)
    np.testing.assert_allclose(sbg_retention_rates(params, 3), [1 / 2, 2 / 3, 3 / 4], rtol=1e-15)
    # 1000 -> 500 -> 300: 500 leave in year 1 (P 1/2), 200 in year 2 (P 1/6), 300 stay (S 1/3).
    expected = 500 * math.log(1 / 2) + 200 * math.log(1 / 6) + 300 * math.log(1 / 3)
    assert sbg_log_likelihood(params, [1000, 500, 300]) == pytest.approx(expected)
