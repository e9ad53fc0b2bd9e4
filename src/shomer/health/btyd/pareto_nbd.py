"""Pareto/NBD (Schmittlein, Morrison & Colombo 1987): while alive a customer buys at rate
lambda ~ Gamma(r, alpha); their lifetime is exponential with rate mu ~ Gamma(s, beta).

The likelihood follows Fader & Hardie's note (2005, eq 18-20) with its Gauss hypergeometric
terms put through Euler's transform (see `_log_F` and docs/btyd.md): what is left is
2F1(1, b; c; z) with 0 <= z < 1 and a series of positive terms, which scipy evaluates to
full precision, and the difference F(t_x) - F(T) is taken in log space."""

from __future__ import annotations

import math
from dataclasses import astuple, dataclass

import numpy as np
import numpy.typing as npt
from scipy.integrate import quad
from scipy.special import betainc, betaln, digamma, gammaln, hyp2f1

from shomer.health.btyd.fitting import Fit, Rows, compressed_rows, maximise, rate_start, rows_of
from shomer.health.btyd.summary import FloatArray, Summary, as_vector

# Relative step of the central differences for the 2F1 parameter derivatives: the error
# (step^2, about 1e-10) and the rounding (eps / step, about 1e-11) balance there.
HYPERGEOMETRIC_STEP = 1e-5
# Above this z, 2F1(1, b; c; z) comes from the incomplete beta function (scipy's 2F1 is
# slow there, and sometimes wrong), unless b - c + 1 is within BETA_MIN_Q of 0 (or of a
# negative whole number) or the
# recurrence could magnify rounding more than BETA_MAX_GROWTH times: then scipy, checked.
BETA_FROM = 0.9
BETA_MIN_Q = 1e-3
BETA_MAX_GROWTH = 1e3


@dataclass(frozen=True)
class ParetoNBDParams:
    """Purchase rate ~ Gamma(r, alpha); dropout rate ~ Gamma(s, beta) (alpha and beta in
    the summary's time unit)."""

    r: float
    alpha: float
    s: float
    beta: float


def _log1mexp(value: FloatArray) -> FloatArray:
    """log(1 - exp(value)) for value <= 0, accurate at both ends (Maechler 2012); -inf at 0."""
    value = np.minimum(value, 0.0)
    near = value > -math.log(2.0)
    with np.errstate(divide="ignore"):
        result: FloatArray = np.where(
            near, np.log(-np.expm1(value)), np.log1p(-np.exp(np.where(near, -1.0, value)))
        )
    return result


def _is_plausible(value: FloatArray, b: FloatArray, c: FloatArray) -> npt.NDArray[np.bool_]:
    """2F1(1, b; c; z) on 0 <= z < 1 is a sum of positive terms starting at 1, and at most
    its value at z = 1, (c-1)/(c-1-b), when that is finite. scipy's answer outside that (it
    returns inf or NaN for some large b, c with z near 1) is not used."""
    room = c - 1.0 - b
    ceiling = np.where(room > 0, (c - 1.0) / np.where(room > 0, room, 1.0) * 1.000001, np.inf)
    plausible: npt.NDArray[np.bool_] = np.isfinite(value) & (value >= 1.0 - 1e-12)
    return plausible & (value <= ceiling)


def _scipy_parts(
    b: FloatArray, c: FloatArray, z: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, npt.NDArray[np.bool_]]:
    """log G and dG/dz, dG along (b, c) and dG along c, each over G, from scipy's 2F1, with
    which rows it got right. dG/dz is exact, b/c 2F1(2, b+1; c+1; z); the parameter
    derivatives have no closed form and are central differences."""
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        value = hyp2f1(1.0, b, c, z)
        by_z = b / c * hyp2f1(2.0, b + 1.0, c + 1.0, z)
        step = HYPERGEOMETRIC_STEP * c
        up_both = hyp2f1(1.0, b + step, c + step, z)
        down_both = hyp2f1(1.0, b - step, c - step, z)
        up_c = hyp2f1(1.0, b, c + step, z)
        down_c = hyp2f1(1.0, b, c - step, z)
        good = (
            _is_plausible(value, b, c)
            & _is_plausible(up_both, b + step, c + step)
            & _is_plausible(down_both, b - step, c - step)
            & _is_plausible(up_c, b, c + step)
            & _is_plausible(down_c, b, c - step)
            & np.isfinite(by_z)
        )
        by_both = (up_both - down_both) / (2.0 * step)
        by_c = (up_c - down_c) / (2.0 * step)
        return np.log(value), by_z / value, by_both / value, by_c / value, good


def _beta_steps(
    b: FloatArray, c: FloatArray
) -> tuple[FloatArray, FloatArray, npt.NDArray[np.int64]]:
    """p = c-1, q = b-c+1, and how many unit steps lift q into (0, 1]."""
    p, q = c - 1.0, b - c + 1.0
    steps = np.where(q > 0, 0.0, np.floor(-q) + 1.0).astype(np.int64)
    return p, q, steps


def _beta_margin(b: FloatArray, c: FloatArray) -> FloatArray:
    """How far q = b-c+1 is from the values the recurrence cannot pass: 0 for q > 0, and
    every whole number for q <= 0 (a step would divide by zero)."""
    q = b - c + 1.0
    margin: FloatArray = np.where(q > 0, q, np.abs(q - np.round(q)))
    return margin


def _beta_amplification(b: FloatArray, c: FloatArray, z: FloatArray) -> FloatArray:
    """How much the downward recurrence of `_log_G_by_beta` can magnify rounding errors."""
    p, q, steps = _beta_steps(b, c)
    growth = np.ones_like(z)
    for step in range(1, int(steps.max(initial=0)) + 1):
        rows = steps >= step
        q_step = q[rows] + steps[rows] - step
        growth[rows] *= np.maximum(1.0, (p[rows] + q_step) * (1.0 - z[rows]) / -q_step)
    return growth


def _log_G_by_beta(b: FloatArray, c: FloatArray, z: FloatArray) -> FloatArray:
    """log G, G = 2F1(1, b; c; z), from the regularised incomplete beta function, which stays
    exact and fast as z -> 1 where scipy's 2F1 is slow or wrong.

    With p = c-1 and q = b-c+1, h(q) = 2F1(1, p+q; p+1; z) = p z^-p (1-z)^-q B_z(p, q); for
    q > 0 that is betainc. For q <= 0 (the series converges at z = 1) the recurrence
    h(q) = (p - (p+q)(1-z) h(q+1)) / -q walks down from q + k in (0, 1]; the caller uses it
    only where `_beta_amplification` says it is tame.
    """
    p, q, steps = _beta_steps(b, c)
    top = q + steps
    log_h = (
        np.log(p) - top * np.log1p(-z) - p * np.log(z) + np.log(betainc(p, top, z)) + betaln(p, top)
    )
    h = np.exp(log_h)
    for step in range(1, int(steps.max(initial=0)) + 1):
        rows = steps >= step
        q_step = top[rows] - step
        h[rows] = (p[rows] - (p[rows] + q_step) * (1.0 - z[rows]) * h[rows]) / -q_step
    with np.errstate(invalid="ignore", divide="ignore"):  # checked by the caller
        log_G: FloatArray = np.where(steps > 0, np.log(h), log_h)
    return log_G


def _beta_parts(
    b: FloatArray, c: FloatArray, z: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, npt.NDArray[np.bool_]]:
    """As `_scipy_parts`, through `_log_G_by_beta`; all three derivatives are central
    differences (the z step keeps z below 1)."""
    log_G = _log_G_by_beta(b, c, z)
    step = HYPERGEOMETRIC_STEP * np.minimum(c, _beta_margin(b, c))
    step_z = HYPERGEOMETRIC_STEP * (1.0 - z)
    by_z = (_log_G_by_beta(b, c, z + step_z) - _log_G_by_beta(b, c, z - step_z)) / (2.0 * step_z)
    by_both = (_log_G_by_beta(b + step, c + step, z) - _log_G_by_beta(b - step, c - step, z)) / (
        2.0 * step
    )
    by_c = (_log_G_by_beta(b, c + step, z) - _log_G_by_beta(b, c - step, z)) / (2.0 * step)
    good = np.isfinite(log_G) & np.isfinite(by_z) & np.isfinite(by_both) & np.isfinite(by_c)
    return log_G, by_z, by_both, by_c, good


def _hypergeometric(
    b: FloatArray, c: FloatArray, z: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, npt.NDArray[np.bool_]]:
    """log G, G = 2F1(1, b; c; z), with dG/dz, dG along (b, c) together and dG along c alone,
    each over G; and which rows came out right (the others go to quadrature)."""
    near_one = z > BETA_FROM
    by_beta = near_one & (_beta_margin(b, c) > BETA_MIN_Q)
    if by_beta.any():
        by_beta[by_beta] = _beta_amplification(b[by_beta], c[by_beta], z[by_beta]) < BETA_MAX_GROWTH
    parts = [np.empty_like(z) for _ in range(4)]
    good = np.zeros(z.shape, dtype=bool)
    for rows, method in ((~by_beta, _scipy_parts), (by_beta, _beta_parts)):
        if rows.any():
            *values, ok = method(b[rows], c[rows], z[rows])
            for part, value in zip(parts, values, strict=True):
                part[rows] = value
            good[rows] = ok
    return parts[0], parts[1], parts[2], parts[3], good


def _log_F_by_quadrature(theta: FloatArray, x: float, t: float) -> float:
    """log F(t) = log((r+s+x) * the integral over y > t of (alpha+y)^-(r+x) (beta+y)^-(s+1)),
    integrated numerically where scipy's 2F1 fails. The integrand is taken relative to its
    value at t and the variable scaled by its initial decay rate k, so the integral lies
    between ~1/(r+s+x) and 1 and neither overflows nor underflows."""
    r, alpha, s, beta = (float(value) for value in theta)
    purchases, dropout = r + x, s + 1.0
    k = purchases / (alpha + t) + dropout / (beta + t)

    def relative(u: float) -> float:
        return math.exp(
            -purchases * math.log1p(u / (k * (alpha + t)))
            - dropout * math.log1p(u / (k * (beta + t)))
        )

    integral = quad(relative, 0.0, math.inf, epsabs=0.0, epsrel=1e-12, limit=200)[0]
    return (
        math.log(r + s + x)
        - purchases * math.log(alpha + t)
        - dropout * math.log(beta + t)
        - math.log(k)
        + math.log(integral)
    )


def _fill_by_quadrature(
    theta: FloatArray,
    x: FloatArray,
    t: FloatArray,
    rows: npt.NDArray[np.intp],
    log_F: FloatArray,
    gradient: FloatArray | None,
) -> None:
    """Slow but sure: only extreme parameters (one rate ~1e4 times the other) get here."""
    for row in rows:
        xi, ti = float(x[row]), float(t[row])
        log_F[row] = _log_F_by_quadrature(theta, xi, ti)
        if gradient is None:
            continue
        for index in range(4):
            step = np.zeros(4)
            step[index] = HYPERGEOMETRIC_STEP * theta[index]
            gradient[index, row] = (
                _log_F_by_quadrature(theta + step, xi, ti)
                - _log_F_by_quadrature(theta - step, xi, ti)
            ) / (2.0 * step[index])


def _log_F(
    theta: FloatArray, x: FloatArray, t: FloatArray, *, with_gradient: bool = True
) -> tuple[FloatArray, FloatArray | None]:
    """log F(t) and its gradient, where (F(t_x) - F(T)) / (r+s+x) is the integral over
    dropout times y in (t_x, T] of (alpha+y)^-(r+x) (beta+y)^-(s+1).

    The note's F(t) = 2F1(m, s+1; m+1; z) / (alpha+t)^m (m = r+s+x, alpha >= beta) has a
    2F1 that grows without bound as z -> 1; Euler's transform pulls that growth out as
    powers:
      alpha >= beta: (alpha+t)^-(r+x)   (beta+t)^-s     2F1(1, r+x; m+1; (alpha-beta)/(alpha+t))
      alpha <  beta: (alpha+t)^-(r+x-1) (beta+t)^-(s+1) 2F1(1, s+1; m+1; (beta-alpha)/(beta+t))
    Rows where scipy's 2F1 is implausible are integrated numerically instead.
    """
    r, alpha, s, beta = (float(value) for value in theta)
    c = r + s + x + 1.0
    log_alpha_t = np.log(alpha + t)
    log_beta_t = np.log(beta + t)
    if alpha >= beta:
        z = (alpha - beta) / (alpha + t)
        b = r + x
        powers = -(r + x) * log_alpha_t - s * log_beta_t
    else:
        z = (beta - alpha) / (beta + t)
        b = np.full_like(x, s + 1.0)
        powers = -(r + x - 1.0) * log_alpha_t - (s + 1.0) * log_beta_t
    log_G, by_z, by_both, by_c, good = _hypergeometric(b, c, z)
    log_F = powers + log_G
    gradient: FloatArray | None = None
    if with_gradient and alpha >= beta:
        gradient = np.stack(
            [
                -log_alpha_t + by_both,
                -(r + x) / (alpha + t) + by_z * (beta + t) / (alpha + t) ** 2,
                -log_beta_t + by_c,
                -s / (beta + t) - by_z / (alpha + t),
            ]
        )
    elif with_gradient:
        gradient = np.stack(
            [
                -log_alpha_t + by_c,
                -(r + x - 1.0) / (alpha + t) - by_z / (beta + t),
                -log_beta_t + by_both,
                -(s + 1.0) / (beta + t) + by_z * (alpha + t) / (beta + t) ** 2,
            ]
        )
    _fill_by_quadrature(theta, x, t, np.flatnonzero(~good), log_F, gradient)
    return log_F, gradient


def _log_parts(
    theta: FloatArray, rows: Rows, *, with_gradient: bool
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray | None, FloatArray | None]:
    """log of the bracket's two terms ("alive at T", "left in (t_x, T]"), log F(t_x),
    log F(T), and the gradients of the last two."""
    r, alpha, s, beta = (float(value) for value in theta)
    x = rows.x
    log_alive = -(r + x) * np.log(alpha + rows.T) - s * np.log(beta + rows.T)
    log_F_tx, gradient_tx = _log_F(theta, x, rows.tx, with_gradient=with_gradient)
    log_F_T, gradient_T = _log_F(theta, x, rows.T, with_gradient=with_gradient)
    log_share = math.log(s) - np.log(r + s + x)
    # F falls with t, so F(T) <= F(t_x); equal (log -inf for "left") when t_x = T.
    log_left = log_share + log_F_tx + _log1mexp(log_F_T - log_F_tx)
    return log_alive, log_left, log_F_tx, log_F_T, gradient_tx, gradient_T


def _terms(theta: FloatArray, rows: Rows) -> tuple[FloatArray, FloatArray]:
    """Per-row log-likelihood and its gradient (4 x n) in (r, alpha, s, beta):

    L = G(r+x) alpha^r beta^s / G(r)
        * [(alpha+T)^-(r+x) (beta+T)^-s + s/(r+s+x) (F(t_x) - F(T))]
    The first bracketed term is "still alive at T", the second "left in (t_x, T]". The
    rounding error of F(t_x) - F(T) is at most machine epsilon times the first term
    (docs/btyd.md), so cancellation cannot spoil the sum.
    """
    r, alpha, s, beta = (float(value) for value in theta)
    x, T = rows.x, rows.T
    m = r + s + x
    log_alive, log_left, log_F_tx, log_F_T, gradient_tx, gradient_T = _log_parts(
        theta, rows, with_gradient=True
    )
    assert gradient_tx is not None and gradient_T is not None
    log_sum = np.logaddexp(log_alive, log_left)
    constant = -gammaln(r) + r * math.log(alpha) + s * math.log(beta)
    log_likelihood = gammaln(r + rows.x_values)[rows.x_index] + constant + log_sum
    alive = np.exp(log_alive - log_sum)
    log_share = math.log(s) - np.log(m)
    share_tx = np.exp(log_share + log_F_tx - log_sum)
    share_T = np.exp(log_share + log_F_T - log_sum)
    zero = np.zeros_like(x)
    gradient = (
        np.stack(
            [
                digamma(r + rows.x_values)[rows.x_index]
                - float(digamma(r))
                + math.log(alpha)
                - alive * np.log(alpha + T),
                r / alpha - alive * (r + x) / (alpha + T),
                math.log(beta) - alive * np.log(beta + T),
                s / beta - alive * s / (beta + T),
            ]
        )
        + (share_tx - share_T) * np.stack([-1.0 / m, zero, 1.0 / s - 1.0 / m, zero])
        + share_tx * gradient_tx
        - share_T * gradient_T
    )
    return log_likelihood, gradient


def pareto_nbd_log_likelihood(params: ParetoNBDParams, summary: Summary) -> FloatArray:
    """Each customer's log-likelihood."""
    return _terms(np.array(astuple(params), dtype=np.float64), rows_of(summary))[0]


def pareto_nbd_gradient(params: ParetoNBDParams, summary: Summary) -> FloatArray:
    """The total log-likelihood's gradient in (r, alpha, s, beta)."""
    rows = rows_of(summary)
    gradient: FloatArray = _terms(np.array(astuple(params), dtype=np.float64), rows)[1].sum(1)
    return gradient


def fit_pareto_nbd(
    summary: Summary, *, start: ParetoNBDParams | None = None
) -> Fit[ParetoNBDParams]:
    """Maximum-likelihood Pareto/NBD."""
    rows = compressed_rows(summary)
    total = rows.total

    def objective(theta: FloatArray) -> tuple[float, FloatArray]:
        terms, gradient = _terms(theta, rows)
        return float(rows.weight @ terms) / total, (gradient @ rows.weight) / total

    if start is None:
        r, alpha = rate_start(summary)
        # A dropout rate on the purchase rate's time scale.
        start = ParetoNBDParams(r, alpha, 1.0, alpha)
    theta, iterations = maximise(objective, np.array(astuple(start)), "Pareto/NBD")
    log_likelihood = float(rows.weight @ _terms(theta, rows)[0])
    params = ParetoNBDParams(*(float(value) for value in theta))
    return Fit(params, log_likelihood, len(summary), iterations)


def pareto_nbd_p_alive(params: ParetoNBDParams, summary: Summary) -> FloatArray:
    """P(still a customer at T | history): the "alive at T" term's share of the likelihood."""
    theta = np.array(astuple(params), dtype=np.float64)
    log_alive, log_left, *_ = _log_parts(theta, rows_of(summary), with_gradient=False)
    p_alive: FloatArray = np.clip(np.exp(log_alive - np.logaddexp(log_alive, log_left)), 0, 1)
    return p_alive


def pareto_nbd_expected_transactions(
    params: ParetoNBDParams, summary: Summary, horizon: float
) -> FloatArray:
    """Expected repeat purchases in the next `horizon` time units, given each history:

    P(alive) (r+x)(beta+T) / (alpha+T) * [1 - ((beta+T)/(beta+T+t))^(s-1)] / (s-1),
    the bracket over (s-1) written -expm1(-(s-1) k) / (s-1) with k = log1p(t/(beta+T)),
    which tends to k at s = 1 instead of 0/0.
    """
    if not (math.isfinite(horizon) and horizon >= 0):
        raise ValueError(f"horizon must be a finite number >= 0, not {horizon!r}")
    r, alpha, s, beta = astuple(params)
    x, T = summary.frequency, summary.T
    k = np.log1p(horizon / (beta + T))
    exponent = s - 1.0
    spread = k if abs(exponent) < 1e-12 else -np.expm1(-exponent * k) / exponent
    if_alive = (r + x) * (beta + T) / (alpha + T) * spread
    expected: FloatArray = np.maximum(pareto_nbd_p_alive(params, summary) * if_alive, 0.0)
    return expected


def simulate_pareto_nbd(
    params: ParetoNBDParams, T: npt.ArrayLike, rng: np.random.Generator
) -> Summary:
    """Draw customers from the model, each observed for its T after the first purchase."""
    horizon = as_vector(T)
    n = horizon.size
    tiny = np.finfo(np.float64).tiny
    rate = rng.gamma(params.r, 1.0 / params.alpha, n)
    dropout_rate = np.maximum(rng.gamma(params.s, 1.0 / params.beta, n), tiny)
    active_for = np.minimum(rng.exponential(1.0, n) / dropout_rate, horizon)
    frequency = rng.poisson(rate * active_for).astype(np.float64)
    # Given their count, Poisson arrivals are uniform: the last of x is U^(1/x) of the span.
    last = rng.random(n) ** (1.0 / np.maximum(frequency, 1.0)) * active_for
    recency = np.where(frequency > 0, np.maximum(last, tiny), 0.0)
    return Summary(frequency, recency, horizon)
