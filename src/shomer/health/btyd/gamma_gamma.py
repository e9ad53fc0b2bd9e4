"""Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV"; Fader & Hardie's
2013 note): each purchase's spend ~ Gamma(p, nu), with nu ~ Gamma(q, gamma) across
customers; fitted on the average spend of customers with repeat purchases."""

from __future__ import annotations

import math
from dataclasses import astuple, dataclass

import numpy as np
import numpy.typing as npt
from scipy.special import digamma, gammaln

from shomer.health.btyd.fitting import Fit, maximise
from shomer.health.btyd.summary import (
    FloatArray,
    SummaryError,
    as_vector,
    number,
    raise_problems,
    row_label,
)


@dataclass(frozen=True)
class GammaGammaParams:
    """Spend per purchase ~ Gamma(p, nu); nu ~ Gamma(q, gamma) (gamma in money)."""

    p: float
    q: float
    gamma: float


def _check(frequency: FloatArray, monetary_value: FloatArray) -> None:
    if len(frequency) != len(monetary_value):
        raise SummaryError(["frequency and monetary_value have different lengths"])
    if len(frequency) == 0:
        raise SummaryError(["no customers"])
    f, m = frequency, monetary_value
    with np.errstate(invalid="ignore"):
        raise_problems(
            [
                (
                    ~np.isfinite(f) | (f < 1) | (f != np.floor(f)),
                    lambda i: (
                        f"frequency {number(f[i])} must be a whole number >= 1 (only "
                        "customers with repeat purchases have an average spend)"
                    ),
                ),
                (
                    ~np.isfinite(m) | (m <= 0),
                    lambda i: f"monetary value {number(m[i])} must be a finite number > 0",
                ),
            ],
            row_label,
        )


def _terms(theta: FloatArray, x: FloatArray, spend: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Log density of each average spend m over x purchases, and its gradient:

    G(px+q) / (G(px) G(q)) gamma^q m^(px-1) x^(px) / (gamma + m x)^(px+q)
    """
    p, q, gamma = (float(value) for value in theta)
    px = p * x
    log_x = np.log(x)
    log_spend = np.log(spend)
    log_total = np.log(gamma + spend * x)
    log_likelihood = (
        gammaln(px + q)
        - gammaln(px)
        - float(gammaln(q))
        + q * math.log(gamma)
        + (px - 1.0) * log_spend
        + px * log_x
        - (px + q) * log_total
    )
    digamma_px_q = digamma(px + q)
    gradient = np.stack(
        [
            x * (digamma_px_q - digamma(px) + log_spend + log_x - log_total),
            digamma_px_q - float(digamma(q)) + math.log(gamma) - log_total,
            q / gamma - (px + q) / (gamma + spend * x),
        ]
    )
    return log_likelihood, gradient


def gamma_gamma_log_likelihood(
    params: GammaGammaParams, frequency: npt.ArrayLike, monetary_value: npt.ArrayLike
) -> FloatArray:
    """Each customer's log density of their average spend."""
    x, spend = as_vector(frequency), as_vector(monetary_value)
    _check(x, spend)
    return _terms(np.array(astuple(params), dtype=np.float64), x, spend)[0]


def fit_gamma_gamma(
    frequency: npt.ArrayLike, monetary_value: npt.ArrayLike
) -> Fit[GammaGammaParams]:
    """Maximum-likelihood Gamma-Gamma from repeat purchases (>= 1 each) and their average
    spend per customer."""
    x, spend = as_vector(frequency), as_vector(monetary_value)
    _check(x, spend)
    total = float(len(x))

    def objective(theta: FloatArray) -> tuple[float, FloatArray]:
        terms, gradient = _terms(theta, x, spend)
        return float(np.sum(terms)) / total, np.sum(gradient, axis=1) / total

    # Shape 1 per purchase and a population mean spend p gamma / (q - 1) at the sample mean.
    start = np.array([1.0, 2.0, float(np.mean(spend))])
    theta, iterations = maximise(objective, start, "Gamma-Gamma")
    log_likelihood = float(np.sum(_terms(theta, x, spend)[0]))
    params = GammaGammaParams(*(float(value) for value in theta))
    return Fit(params, log_likelihood, len(x), iterations)


def gamma_gamma_expected_spend(
    params: GammaGammaParams, frequency: npt.ArrayLike, monetary_value: npt.ArrayLike
) -> FloatArray:
    """E[spend per purchase | x purchases averaging m] = p (gamma + m x) / (p x + q - 1):
    a weighted mean of the population mean and the customer's own, trusting the customer
    more the more they bought."""
    x, spend = as_vector(frequency), as_vector(monetary_value)
    _check(x, spend)
    p, q, gamma = astuple(params)
    denominator = p * x + q - 1.0
    if np.any(denominator <= 0):
        raise ValueError("p x + q <= 1: the expected spend is unbounded for these parameters")
    expected: FloatArray = p * (gamma + spend * x) / denominator
    return expected
