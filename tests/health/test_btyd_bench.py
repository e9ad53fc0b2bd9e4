"""The BTYD benchmarks print contract lines with both sides' estimates (figures are not
asserted: tests never time things)."""

from __future__ import annotations

import pytest

from shomer.bench.benchmarks.btyd import bgnbd_fit_cdnow, p_alive


def test_the_bgnbd_benchmark_line_carries_the_peer_and_both_estimates() -> None:
    (result,) = list(bgnbd_fit_cdnow(True))
    assert set(result) == {
        "bench",
        "value",
        "unit",
        "size",
        "peer",
        "peer_value",
        "ratio",
        "params",
        "peer_params",
        "log_likelihood",
        "iterations",
        "target_s",
    }
    assert (result["bench"], result["unit"], result["size"], result["peer"]) == (
        "btyd_bgnbd_fit_cdnow",
        "s",
        2357,
        "lifetimes",
    )
    # ratio > 1 means Shomer was faster (lower seconds); value and peer_value are rounded.
    assert result["ratio"] == pytest.approx(result["peer_value"] / result["value"], rel=1e-3)
    for name in ("r", "alpha", "a", "b"):
        assert result["params"][name] == pytest.approx(result["peer_params"][name], rel=1e-4)
    assert round(result["log_likelihood"], 1) == -9582.4


def test_the_p_alive_benchmark_scores_100k_customers() -> None:
    (result,) = list(p_alive(True))
    assert (result["bench"], result["unit"], result["size"]) == (
        "btyd_p_alive",
        "customers/s",
        100_000,
    )
    assert result["value"] > 0 and result["peer_value"] > 0
    assert result["pareto_nbd_customers_per_s"] > 0
