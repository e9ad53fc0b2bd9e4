"""What every fit shares: the optimiser over log-parameters, the result type, and the
compression of identical customers into weighted rows."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize

from shomer.health.btyd.summary import FloatArray, Summary

P = TypeVar("P")
# theta -> (mean log-likelihood per customer, its gradient in theta)
Objective = Callable[[FloatArray], tuple[float, FloatArray]]

# exp(±20) spans 2e-9 .. 5e8: room for any time unit, and every term stays finite.
LOG_PARAM_BOUND = 20.0
MAX_ITERATIONS = 2000
# Largest |gradient| of the mean log-likelihood (in log-parameters) at which a stop that
# scipy calls abnormal (the line search stalled at machine precision) still counts as done.
GRADIENT_TOLERANCE = 1e-5


class FitError(RuntimeError):
    """The optimiser found no finite maximum of the likelihood."""


@dataclass(frozen=True)
class Fit(Generic[P]):
    """A maximum-likelihood fit: the estimates and the log-likelihood they reach."""

    params: P
    log_likelihood: float
    customers: int
    iterations: int


def maximise(objective: Objective, start: FloatArray, model: str) -> tuple[FloatArray, int]:
    """Maximise over log-parameters (L-BFGS-B), so positivity needs no constraint and the
    parameters' very different scales even out. Raises FitError rather than return NaN."""

    def negative(log_theta: FloatArray) -> tuple[float, FloatArray]:
        theta = np.exp(log_theta)
        value, gradient = objective(theta)
        if not (np.isfinite(value) and np.all(np.isfinite(gradient))):
            # A wall the line search backs away from, instead of NaN leaking into the state.
            return math.inf, np.zeros_like(log_theta)
        return -value, -gradient * theta

    log_start = np.log(start)
    if not np.isfinite(negative(log_start)[0]):
        raise FitError(f"{model}: the log-likelihood is not finite at the starting point")
    result = minimize(
        negative,
        log_start,
        jac=True,
        method="L-BFGS-B",
        bounds=[(-LOG_PARAM_BOUND, LOG_PARAM_BOUND)] * len(start),
        options={"maxiter": MAX_ITERATIONS, "ftol": 1e-13, "gtol": 1e-9},
    )
    log_theta = np.asarray(result.x, dtype=np.float64)
    value, gradient = negative(log_theta)
    if not (np.isfinite(value) and np.all(np.isfinite(log_theta))):
        raise FitError(f"{model}: the optimiser left the finite region ({result.message})")
    # At a bound only the gradient pointing back inside counts.
    held = ((log_theta <= -LOG_PARAM_BOUND) & (gradient > 0)) | (
        (log_theta >= LOG_PARAM_BOUND) & (gradient < 0)
    )
    free_gradient = np.where(held, 0.0, gradient)
    if not result.success and np.max(np.abs(free_gradient)) > GRADIENT_TOLERANCE:
        reason = str(result.message).rstrip(": ") or "no reason given"
        raise FitError(
            f"{model}: the fit did not converge after {result.nit} iterations ({reason}); "
            "with very few customers, or all alike, the maximum can lie at a parameter's limit"
        )
    return np.exp(log_theta), int(result.nit)


@dataclass(frozen=True)
class Rows:
    """Customers as weighted rows, with the distinct frequencies for per-x special functions
    (gammaln(r + x) needs computing once per distinct x, not once per customer)."""

    x: FloatArray
    tx: FloatArray
    T: FloatArray
    weight: FloatArray
    x_values: FloatArray
    x_index: npt.NDArray[np.intp]

    @property
    def total(self) -> float:
        return float(np.sum(self.weight))


def _with_x_index(x: FloatArray, tx: FloatArray, T: FloatArray, weight: FloatArray) -> Rows:
    x_values, x_index = np.unique(x, return_inverse=True)
    return Rows(x, tx, T, weight, x_values, x_index.astype(np.intp).reshape(-1))


def rows_of(summary: Summary) -> Rows:
    """One row per customer, in order (for per-customer results)."""
    return _with_x_index(
        summary.frequency, summary.recency, summary.T, np.ones(len(summary), dtype=np.float64)
    )


def compressed_rows(summary: Summary) -> Rows:
    """Identical customers share one row, weighted by their count: many customers have no
    repeat purchase and share their cohort's T, which halves the work on CDNOW-like data."""
    x, tx, T = summary.frequency, summary.recency, summary.T
    order = np.lexsort((T, tx, x))
    x, tx, T = x[order], tx[order], T[order]
    starts = np.flatnonzero(
        np.concatenate(([True], (np.diff(x) != 0) | (np.diff(tx) != 0) | (np.diff(T) != 0)))
    )
    counts = np.diff(np.append(starts, len(x))).astype(np.float64)
    return _with_x_index(
        np.ascontiguousarray(x[starts]),
        np.ascontiguousarray(tx[starts]),
        np.ascontiguousarray(T[starts]),
        counts,
    )


def rate_start(summary: Summary) -> tuple[float, float]:
    """Start for the purchase rate's Gamma(r, alpha): r = 1 and the no-dropout moment
    E[x] = r T / alpha."""
    mean_rate = float(np.sum(summary.frequency) / np.sum(summary.T))
    return 1.0, 1.0 / max(mean_rate, 1e-6)
