"""P(alive) when BG/NBD's maximum lies at its limit: customers who all buy at about the same
rate (monthly retainers), so that the gamma spread of rates vanishes (r, alpha -> infinity
with r / alpha = lambda fixed). Pure: numpy and scipy, no Django.

In that limit BG/NBD is a common Poisson rate lambda with the same Beta(a, b) dropout after
each repeat purchase, and per customer

    L = lambda^x [ e^(-lambda T) B(a, b+x) + [x>0] e^(-lambda t_x) B(a+1, b+x-1) ] / B(a, b)

which is fitted here by maximum likelihood over (log lambda, log a, log b). The result is
expressed as BGNBDParams with alpha = LIMIT_ALPHA and r = lambda * alpha, so that
`bgnbd_p_alive` (whose (r+x) log1p((T-t_x)/(alpha+t_x)) tends to lambda (T - t_x)) scores it
like any other fit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import betaln

from shomer.health.btyd import BGNBDParams, FitError, Summary

# alpha (in the summary's time unit) standing for "infinite": the gamma spread of rates is
# 1/sqrt(r) = 1/sqrt(lambda alpha), negligible at a million weeks.
LIMIT_ALPHA = 1e6
LOG_BOUND = 20.0


@dataclass(frozen=True)
class LimitFit:
    rate: float
    a: float
    b: float
    log_likelihood: float

    @property
    def params(self) -> BGNBDParams:
        return BGNBDParams(self.rate * LIMIT_ALPHA, LIMIT_ALPHA, self.a, self.b)


def _negative_log_likelihood(log_theta: np.ndarray, summary: Summary) -> float:
    rate, a, b = np.exp(log_theta)
    x, tx, T = summary.frequency, summary.recency, summary.T
    alive = -rate * T + betaln(a, b + x)
    dead = np.where(
        x > 0,
        -rate * tx + betaln(a + 1.0, np.maximum(b + x - 1.0, 1e-300)),
        -np.inf,
    )
    total = x * math.log(rate) + np.logaddexp(alive, dead) - betaln(a, b)
    value = -float(total.sum())
    return value if math.isfinite(value) else math.inf


def fit_bgnbd_limit(summary: Summary) -> LimitFit:
    """Maximum likelihood of the no-heterogeneity limit; FitError if it has no finite
    maximum (nobody ever bought twice, say)."""
    total_time = float(summary.T.sum())
    if total_time <= 0 or float(summary.frequency.sum()) <= 0:
        raise FitError("BG/NBD limit: no repeat purchases to learn a rate from")
    start = np.log([float(summary.frequency.sum()) / total_time, 1.0, 1.0])
    result = minimize(
        _negative_log_likelihood,
        start,
        args=(summary,),
        method="L-BFGS-B",
        bounds=[(-LOG_BOUND, LOG_BOUND)] * 3,
    )
    if not np.all(np.isfinite(result.x)) or not math.isfinite(result.fun):
        raise FitError(f"BG/NBD limit: no finite maximum ({result.message})")
    rate, a, b = (float(v) for v in np.exp(result.x))
    return LimitFit(rate, a, b, -float(result.fun))
