"""Buy-till-you-die fits and scoring (shomer.health.btyd), against the `lifetimes` package.

- `btyd_bgnbd_fit_cdnow`: seconds for a BG/NBD fit on CDNOW's 2,357 customers (target:
  <= 0.5 s and no slower than lifetimes' BetaGeoFitter.fit in the same run), the median of
  interleaved repeats; both sides' estimates ride along.
- `btyd_paretonbd_fit_cdnow`: the same for Pareto/NBD against ParetoNBDFitter.fit.
- `btyd_p_alive`: customers per second scored by bgnbd_p_alive on 100,000 simulated
  customers (CDNOW's estimates), against BetaGeoFitter.conditional_probability_alive;
  `pareto_nbd_customers_per_s` is pareto_nbd_p_alive on the same customers.

The CDNOW summary is read from the lifetimes wheel's datasets folder as data (importing
lifetimes.datasets fails with setuptools >= 81); without lifetimes the CDNOW benchmarks
say so on stderr and print nothing.
"""

from __future__ import annotations

import importlib.resources
import io
import statistics
import time
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from shomer.bench.registry import benchmark, line, progress
from shomer.health.btyd import (
    BGNBDParams,
    Summary,
    bgnbd_p_alive,
    fit_bgnbd,
    fit_pareto_nbd,
    pareto_nbd_p_alive,
    parse_summary_csv,
    simulate_bgnbd,
)
from shomer.health.btyd.pareto_nbd import ParetoNBDParams

CDNOW_BGNBD = BGNBDParams(0.243, 4.414, 0.793, 2.426)
CDNOW_PARETO = ParetoNBDParams(0.553, 10.578, 0.606, 11.668)
P_ALIVE_CUSTOMERS = 100_000


def _lifetimes() -> Any | None:
    try:
        with warnings.catch_warnings():  # it sets a pandas option pandas 3 deprecates
            warnings.simplefilter("ignore")
            import lifetimes
    except ImportError:
        progress("btyd: the lifetimes package is not installed; no CDNOW data, no peer")
        return None
    return lifetimes


def _cdnow_text() -> str:
    return (
        importlib.resources.files("lifetimes") / "datasets" / "cdnow_customers_summary.csv"
    ).read_text()


def _seconds(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def _interleaved(
    ours: Callable[[], object], theirs: Callable[[], object], repeats: int
) -> tuple[float, float]:
    """Median seconds of each, alternating so that a busy moment hits both alike."""
    ours(), theirs()  # warm caches and imports outside the timing
    mine, peer = [], []
    for _ in range(repeats):
        mine.append(_seconds(ours))
        peer.append(_seconds(theirs))
    return statistics.median(mine), statistics.median(peer)


def _rounded(params: dict[str, float]) -> dict[str, float]:
    return {name: round(float(value), 6) for name, value in params.items()}


def _fit_benchmark(name: str, quick: bool, pareto: bool) -> Iterator[dict[str, Any]]:
    lifetimes = _lifetimes()
    if lifetimes is None:
        return
    import pandas as pd

    text = _cdnow_text()
    summary = parse_summary_csv(io.StringIO(text)).summary
    frame = pd.read_csv(io.StringIO(text))
    fitter = lifetimes.ParetoNBDFitter if pareto else lifetimes.BetaGeoFitter
    results: dict[str, Any] = {}

    def ours() -> None:
        results["ours"] = fit_pareto_nbd(summary) if pareto else fit_bgnbd(summary)

    def theirs() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            results["theirs"] = fitter().fit(frame["frequency"], frame["recency"], frame["T"])

    repeats = (1 if quick else 3) if pareto else (3 if quick else 9)
    progress(f"{name}: {repeats} fit(s) each, interleaved")
    mine, peer = _interleaved(ours, theirs, repeats)
    fit = results["ours"]
    yield line(
        name,
        mine,
        "s",
        len(summary),
        peer="lifetimes",
        peer_value=peer,
        higher_is_better=False,
        params=_rounded(vars(fit.params)),
        peer_params=_rounded(results["theirs"].params_.to_dict()),
        log_likelihood=round(fit.log_likelihood, 4),
        iterations=fit.iterations,
        target_s=0.5,
    )


@benchmark("btyd_bgnbd_fit_cdnow")
def bgnbd_fit_cdnow(quick: bool) -> Iterator[dict[str, Any]]:
    yield from _fit_benchmark("btyd_bgnbd_fit_cdnow", quick, pareto=False)


@benchmark("btyd_paretonbd_fit_cdnow")
def paretonbd_fit_cdnow(quick: bool) -> Iterator[dict[str, Any]]:
    yield from _fit_benchmark("btyd_paretonbd_fit_cdnow", quick, pareto=True)


def _simulated(count: int) -> Summary:
    rng = np.random.default_rng(2357)
    # CDNOW's cohort entered over 12 weeks and was watched until week 39.
    return simulate_bgnbd(CDNOW_BGNBD, rng.uniform(27.0, 39.0, count), rng)


@benchmark("btyd_p_alive")
def p_alive(quick: bool) -> Iterator[dict[str, Any]]:
    summary = _simulated(P_ALIVE_CUSTOMERS)
    repeats = 3 if quick else 9
    lifetimes = _lifetimes()
    peer: float | None = None
    if lifetimes is None:
        mine = statistics.median(
            _seconds(lambda: bgnbd_p_alive(CDNOW_BGNBD, summary)) for _ in range(repeats)
        )
    else:
        import pandas as pd

        fitter = lifetimes.BetaGeoFitter()
        fitter.params_ = pd.Series(vars(CDNOW_BGNBD))
        mine, peer = _interleaved(
            lambda: bgnbd_p_alive(CDNOW_BGNBD, summary),
            lambda: fitter.conditional_probability_alive(
                summary.frequency, summary.recency, summary.T
            ),
            repeats,
        )
    pareto = statistics.median(
        _seconds(lambda: pareto_nbd_p_alive(CDNOW_PARETO, summary))
        for _ in range(max(1, repeats // 3))
    )
    yield line(
        "btyd_p_alive",
        len(summary) / mine,
        "customers/s",
        len(summary),
        peer="lifetimes" if peer is not None else None,
        peer_value=len(summary) / peer if peer is not None else None,
        pareto_nbd_customers_per_s=round(len(summary) / pareto, 1),
    )
