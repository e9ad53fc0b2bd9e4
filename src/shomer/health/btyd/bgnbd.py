"""BG/NBD (Fader, Hardie & Lee 2005): while alive a customer buys at rate lambda ~
Gamma(r, alpha); after each repeat purchase they leave for good with probability
p ~ Beta(a, b)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import astuple, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.integrate import quad
from scipy.special import betaln, digamma, expit, gammaln

from shomer.health.btyd.fitting import Fit, Rows, compressed_rows, maximise, rate_start, rows_of
from shomer.health.btyd.summary import FloatArray, Summary, as_vector

# Half-width of the average taken around a = 1, where the expectation's closed form is 0/0.
A_NEAR_ONE = 1e-4
# Terms of the expectation's series before falling back to quadrature: enough while
# (r + x + 40)(1 + t / (alpha + T)) stays below it. Only slow rows go on that long.
SERIES_TERMS = 1_000_000


@dataclass(frozen=True)
class BGNBDParams:
    """Purchase rate ~ Gamma(r, alpha) (alpha in the summary's time unit); dropout
    probability after each repeat purchase ~ Beta(a, b)."""

    r: float
    alpha: float
    a: float
    b: float


def _terms(theta: FloatArray, rows: Rows) -> tuple[FloatArray, FloatArray]:
    """Per-row log-likelihood and its gradient (4 x n) in (r, alpha, a, b):

    log L = log G(r+x) - log G(r) + r log alpha + log B(a, b+x) - log B(a, b)
            + log[(alpha+T)^-(r+x) + [x>0] a/(b+x-1) (alpha+t_x)^-(r+x)]    (FHL 2005, eq 6)
    """
    r, alpha, a, b = (float(value) for value in theta)
    x, tx, T, index = rows.x, rows.tx, rows.T, rows.x_index
    values = rows.x_values
    repeat = x > 0
    log_alpha_T = np.log(alpha + T)
    log_alpha_tx = np.log(alpha + tx)
    b_x_1 = np.where(repeat, b + x - 1.0, 1.0)  # > 0 wherever used: x >= 1 and b > 0
    alive_branch = -(r + x) * log_alpha_T
    dead_branch = np.where(repeat, math.log(a) - np.log(b_x_1) - (r + x) * log_alpha_tx, -np.inf)
    log_sum = np.logaddexp(alive_branch, dead_branch)
    per_x = gammaln(r + values) + gammaln(b + values) - gammaln(a + b + values)
    constant = -gammaln(r) + r * math.log(alpha) + gammaln(a + b) - gammaln(b)
    log_likelihood = per_x[index] + constant + log_sum
    dead = np.exp(dead_branch - log_sum)  # the share of "left after the last purchase"
    alive = 1.0 - dead
    digamma_r_x = digamma(r + values)[index]
    digamma_b_x = digamma(b + values)[index]
    digamma_a_b_x = digamma(a + b + values)[index]
    digamma_a_b = float(digamma(a + b))
    gradient = np.stack(
        [
            digamma_r_x
            - float(digamma(r))
            + math.log(alpha)
            - alive * log_alpha_T
            - dead * log_alpha_tx,
            r / alpha - (r + x) * (alive / (alpha + T) + dead / (alpha + tx)),
            digamma_a_b - digamma_a_b_x + dead / a,
            digamma_a_b + digamma_b_x - float(digamma(b)) - digamma_a_b_x - dead / b_x_1,
        ]
    )
    return log_likelihood, gradient


def bgnbd_log_likelihood(params: BGNBDParams, summary: Summary) -> FloatArray:
    """Each customer's log-likelihood."""
    return _terms(np.array(astuple(params), dtype=np.float64), rows_of(summary))[0]


def bgnbd_gradient(params: BGNBDParams, summary: Summary) -> FloatArray:
    """The total log-likelihood's gradient in (r, alpha, a, b)."""
    rows = rows_of(summary)
    gradient: FloatArray = _terms(np.array(astuple(params), dtype=np.float64), rows)[1].sum(1)
    return gradient


def fit_bgnbd(summary: Summary, *, start: BGNBDParams | None = None) -> Fit[BGNBDParams]:
    """Maximum-likelihood BG/NBD."""
    rows = compressed_rows(summary)
    total = rows.total

    def objective(theta: FloatArray) -> tuple[float, FloatArray]:
        terms, gradient = _terms(theta, rows)
        return float(rows.weight @ terms) / total, (gradient @ rows.weight) / total

    if start is None:
        r, alpha = rate_start(summary)
        start = BGNBDParams(r, alpha, 1.0, 1.0)
    theta, iterations = maximise(objective, np.array(astuple(start)), "BG/NBD")
    log_likelihood = float(rows.weight @ _terms(theta, rows)[0])
    params = BGNBDParams(*(float(value) for value in theta))
    return Fit(params, log_likelihood, len(summary), iterations)


def bgnbd_p_alive(params: BGNBDParams, summary: Summary) -> FloatArray:
    """P(still a customer at T | history); exactly 1 with no repeat purchase (in BG/NBD one
    can only leave right after a repeat purchase).

    1 / (1 + [x>0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)), as expit of minus the log-odds,
    which stays in [0, 1] at any magnitude.
    """
    r, alpha, a, b = astuple(params)
    x = summary.frequency
    repeat = np.flatnonzero(x > 0)
    x_repeat = x[repeat]
    tx = summary.recency[repeat]
    # log((alpha+T)/(alpha+t_x)) as log1p: exact as t_x nears T.
    log_odds = (
        math.log(a)
        - np.log(b + x_repeat - 1.0)
        + (r + x_repeat) * np.log1p((summary.T[repeat] - tx) / (alpha + tx))
    )
    p_alive = np.ones_like(x)
    p_alive[repeat] = expit(-log_odds)
    return p_alive


def _log_positive_series(
    first: FloatArray, second: FloatArray, lower: FloatArray, y: FloatArray
) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """log of 2F1(first, second; lower; y) = sum (first)_n (second)_n / ((lower)_n n!) y^n
    for positive parameters and 0 <= y < 1: every term is positive, so summing in log space
    loses nothing. Summed in blocks until the tail bound falls below 1e-17 of the sum or
    SERIES_TERMS run out (the second array says which rows converged)."""
    total = np.zeros_like(y)  # log of the sum so far (the n = 0 term is 1)
    log_term = np.zeros_like(y)
    converged = y == 0
    start, size = 0, 32
    while start < SERIES_TERMS and not converged.all():
        rows = np.flatnonzero(~converged)
        k = start + np.arange(size, dtype=np.float64)
        ratio = (
            (first[rows, None] + k)
            * (second[rows, None] + k)
            / ((lower[rows, None] + k) * (1.0 + k))
            * y[rows, None]
        )
        block = log_term[rows, None] + np.cumsum(np.log(ratio), axis=1)
        top = np.maximum(total[rows], block.max(axis=1))
        total[rows] = top + np.log(
            np.exp(total[rows] - top) + np.exp(block - top[:, None]).sum(axis=1)
        )
        log_term[rows] = block[:, -1]
        # Later ratios lie between the last one and y: bound the tail geometrically.
        bound = np.minimum(np.maximum(ratio[:, -1], y[rows]), 1.0 - 2.0**-53)
        tail = block[:, -1] + np.log(bound) - np.log1p(-bound)
        converged[rows] = (ratio[:, -1] < 1.0) & (tail < total[rows] - 39.0)
        start += size
        size = min(size * 2, 4096)
    return total, converged


def _closed_form(
    a: float, b: float, x: FloatArray, r_x: FloatArray, u: FloatArray
) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """c/(a-1) (1 - 2F1(r+x, a-1; c; -u)), c = a+b+x-1, u = t/(alpha+T), and where it held.

    FHL 2005 eq 10; the 2F1 goes through Pfaff's transform to
    (1+u)^-(r+x) 2F1(r+x, b+x; c; u/(1+u)), a series of positive terms (needs c > 0).
    Near a = 1 the ratio is 0/0 but smooth in a: there it is interpolated linearly between
    a = 1 +- A_NEAR_ONE (error ~A_NEAR_ONE^2).
    """

    def at(a: float) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
        c = a + b + x - 1.0
        usable = c > 0
        log_series, converged = _log_positive_series(
            r_x, b + x, np.where(usable, c, 1.0), u / (1.0 + u)
        )
        log_h = -r_x * np.log1p(u) + log_series
        value: FloatArray = c / (a - 1.0) * -np.expm1(log_h)
        return value, usable & converged

    if abs(a - 1.0) >= A_NEAR_ONE:
        return at(a)
    (below, good_below), (above, good_above) = at(1.0 - A_NEAR_ONE), at(1.0 + A_NEAR_ONE)
    value = below + (a - (1.0 - A_NEAR_ONE)) / (2.0 * A_NEAR_ONE) * (above - below)
    return value, good_below & good_above


def _by_quadrature(a: float, b_x: float, r_x: float, u: float) -> float:
    """E over p ~ Beta(a, b+x) of (1 - (1 + p u)^-(r+x)) / p: the same expectation as an
    integral over the dropout probability.

    The integrand bends at p ~ 1/((r+x) u) (from (r+x) u down to 1/p), which can be 1e-6
    for heavy buyers over long horizons, so the interval is cut there: below the bend with
    p^(a-1) as quad's algebraic weight, from the bend to 1/2 in log p, and above 1/2 with
    (1-p)^(b+x-1) as the weight.
    """

    def spread(p: float) -> float:
        return r_x * u if p == 0.0 else float(-math.expm1(-r_x * math.log1p(p * u)) / p)

    def settle(function: Callable[[float], float], low: float, high: float, **weight: Any) -> float:
        return float(quad(function, low, high, epsabs=0.0, epsrel=1e-12, limit=200, **weight)[0])

    bend = min(0.5, 1.0 / (r_x * u)) if r_x * u > 0 else 0.5
    total = settle(
        lambda p: spread(p) * (1.0 - p) ** (b_x - 1.0), 0.0, bend, weight="alg", wvar=(a - 1.0, 0.0)
    )
    if bend < 0.5:
        total += settle(
            lambda w: spread(math.exp(w)) * math.exp(a * w) * (-math.expm1(w)) ** (b_x - 1.0),
            math.log(bend),
            math.log(0.5),
        )
    total += settle(
        lambda p: spread(p) * p ** (a - 1.0), 0.5, 1.0, weight="alg", wvar=(0.0, b_x - 1.0)
    )
    return total / math.exp(betaln(a, b_x))


def _if_alive(params: BGNBDParams, x: FloatArray, u: FloatArray) -> FloatArray:
    """Expected purchases in the horizon of a customer alive at T (u = t/(alpha+T)).

    The closed form where its series applies and converges; elsewhere (c <= 0, or horizons
    thousands of times alpha + T) the integral over the dropout probability.
    """
    r, _, a, b = astuple(params)
    r_x = r + x
    value, good = _closed_form(a, b, x, r_x, u)
    for row in np.flatnonzero(~good):
        value[row] = _by_quadrature(a, b + float(x[row]), float(r_x[row]), float(u[row]))
    return value


def bgnbd_expected_transactions(
    params: BGNBDParams, summary: Summary, horizon: float
) -> FloatArray:
    """Expected repeat purchases in the next `horizon` time units, given each history."""
    if not (math.isfinite(horizon) and horizon >= 0):
        raise ValueError(f"horizon must be a finite number >= 0, not {horizon!r}")
    x, T = summary.frequency, summary.T
    if_alive = _if_alive(params, x, horizon / (params.alpha + T))
    expected: FloatArray = np.maximum(bgnbd_p_alive(params, summary) * if_alive, 0.0)
    return expected


def simulate_bgnbd(params: BGNBDParams, T: npt.ArrayLike, rng: np.random.Generator) -> Summary:
    """Draw customers from the model, each observed for its T after the first purchase."""
    horizon = as_vector(T)
    n = horizon.size
    # A rate that underflows to 0 would divide by zero; the smallest float never buys.
    rate = np.maximum(rng.gamma(params.r, 1.0 / params.alpha, n), np.finfo(np.float64).tiny)
    dropout = rng.beta(params.a, params.b, n)
    frequency = np.zeros(n)
    recency = np.zeros(n)
    clock = np.zeros(n)
    active = np.arange(n)
    while active.size:
        clock[active] += rng.exponential(1.0, active.size) / rate[active]
        active = active[clock[active] <= horizon[active]]
        frequency[active] += 1
        recency[active] = clock[active]
        # After each repeat purchase a customer leaves with probability p.
        active = active[rng.random(active.size) >= dropout[active]]
    return Summary(frequency, recency, horizon)
