"""Shifted-beta-geometric retention (Fader & Hardie 2007, "How to project customer
retention"): for retainer and subscription customers, whose leaving we see. At each renewal
a customer leaves with probability theta ~ Beta(alpha, beta), fixed per customer; the
cohort's retention rate rises over time because the likeliest to leave go first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.special import betaln, digamma

from shomer.health.btyd.fitting import Fit, maximise
from shomer.health.btyd.summary import MAX_PROBLEMS_SHOWN, FloatArray, SummaryError


@dataclass(frozen=True)
class SBGParams:
    """Churn probability per period ~ Beta(alpha, beta)."""

    alpha: float
    beta: float


def _check(survivors: Sequence[int]) -> npt.NDArray[np.int64]:
    problems = [
        f"period {period}: {value!r} is not a whole number >= 0"
        for period, value in enumerate(survivors)
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0
    ]
    if problems:
        shown = problems[:MAX_PROBLEMS_SHOWN]
        raise SummaryError(shown, more=len(problems) - len(shown))
    if len(survivors) < 2:
        raise SummaryError(["survivors needs the cohort size and at least one later count"])
    counts = np.array([int(value) for value in survivors], dtype=np.int64)
    if counts[0] == 0:
        raise SummaryError(["period 0: the cohort is empty"])
    rises = np.flatnonzero(np.diff(counts) > 0) + 1
    if rises.size:
        raise SummaryError(
            [
                f"period {period}: {counts[period]} survivors, more than {counts[period - 1]} "
                "before"
                for period in rises[:MAX_PROBLEMS_SHOWN]
            ]
        )
    return counts


def _terms(theta: FloatArray, lost: FloatArray, remaining: float) -> tuple[float, FloatArray]:
    """Log-likelihood of the churn counts in periods 1..n and the survivors after n:

    P(leave in t) = B(alpha+1, beta+t-1) / B(alpha, beta); S(t) = B(alpha, beta+t) / B(alpha, beta)
    """
    alpha, beta = (float(value) for value in theta)
    periods = np.arange(1.0, lost.size + 1.0)
    n = float(lost.size)
    base = float(betaln(alpha, beta))
    log_leave = betaln(alpha + 1.0, beta + periods - 1.0) - base
    log_stay = float(betaln(alpha, beta + n)) - base
    value = float(lost @ log_leave) + remaining * log_stay
    digamma_sum = float(digamma(alpha + beta))
    digamma_after = digamma(alpha + beta + periods)
    digamma_end = float(digamma(alpha + beta + n))
    base_by_alpha = float(digamma(alpha)) - digamma_sum
    base_by_beta = float(digamma(beta)) - digamma_sum
    leave_by_alpha = float(digamma(alpha + 1.0)) - digamma_after - base_by_alpha
    leave_by_beta = digamma(beta + periods - 1.0) - digamma_after - base_by_beta
    stay_by_alpha = digamma_sum - digamma_end
    stay_by_beta = float(digamma(beta + n)) - digamma_end - base_by_beta
    gradient = np.array(
        [
            float(lost @ leave_by_alpha) + remaining * stay_by_alpha,
            float(lost @ leave_by_beta) + remaining * stay_by_beta,
        ]
    )
    return value, gradient


def sbg_log_likelihood(params: SBGParams, survivors: Sequence[int]) -> float:
    """The log-likelihood of a cohort's survivor counts."""
    counts = _check(survivors)
    theta = np.array([params.alpha, params.beta])
    return _terms(theta, -np.diff(counts).astype(np.float64), float(counts[-1]))[0]


def fit_sbg(survivors: Sequence[int]) -> Fit[SBGParams]:
    """Maximum-likelihood sBG from a cohort's survivor counts [n_0, n_1, ..., n_T]: n_0
    started, n_t renewed t times. The n_T still there are right-censored (not gone yet)."""
    counts = _check(survivors)
    lost = -np.diff(counts).astype(np.float64)
    remaining = float(counts[-1])
    cohort = float(counts[0])
    if remaining == cohort:
        raise SummaryError(["nobody left the cohort, so no churn rate can be estimated"])

    def objective(theta: FloatArray) -> tuple[float, FloatArray]:
        value, gradient = _terms(theta, lost, remaining)
        return value / cohort, gradient / cohort

    theta, iterations = maximise(objective, np.array([1.0, 1.0]), "sBG")
    params = SBGParams(*(float(value) for value in theta))
    return Fit(params, _terms(theta, lost, remaining)[0], int(cohort), iterations)


def sbg_survival(params: SBGParams, periods: int) -> FloatArray:
    """S(0..periods): the share of a cohort still a customer after each renewal."""
    if periods < 0:
        raise ValueError(f"periods must be >= 0, not {periods}")
    t = np.arange(periods + 1.0)
    survival: FloatArray = np.exp(
        betaln(params.alpha, params.beta + t) - betaln(params.alpha, params.beta)
    )
    return survival


def sbg_retention_rates(params: SBGParams, periods: int) -> FloatArray:
    """r_1..r_periods, the share of period t-1's survivors who renew in period t:
    (beta + t - 1) / (alpha + beta + t - 1)."""
    if periods < 1:
        raise ValueError(f"periods must be >= 1, not {periods}")
    t = np.arange(1.0, periods + 1.0)
    rates: FloatArray = (params.beta + t - 1.0) / (params.alpha + params.beta + t - 1.0)
    return rates
