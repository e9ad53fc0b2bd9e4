"""The benchmark registry behind `shomer bench`.

A benchmark is a function `(quick: bool) -> Iterable[dict]` registered with
`@benchmark("name")` in a module of `shomer.bench.benchmarks`; each dict it yields is one
output line, built with `line(...)` so that the contract's fields are always right.
"""

from __future__ import annotations

import contextlib
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

BenchFunction = Callable[[bool], Iterable[dict[str, Any]]]
BENCHMARKS: dict[str, BenchFunction] = {}


def benchmark(name: str) -> Callable[[BenchFunction], BenchFunction]:
    def register(function: BenchFunction) -> BenchFunction:
        if name in BENCHMARKS:
            raise ValueError(f"benchmark {name!r} registered twice")
        BENCHMARKS[name] = function
        return function

    return register


def line(
    bench: str,
    value: float,
    unit: str,
    size: int,
    *,
    peer: str | None = None,
    peer_value: float | None = None,
    higher_is_better: bool = True,
    **extra: Any,
) -> dict[str, Any]:
    """One output line; with a peer, `ratio` > 1 always means Shomer did better."""
    out: dict[str, Any] = {"bench": bench, "value": round(value, 6), "unit": unit, "size": size}
    if peer is not None and peer_value is not None:
        out["peer"] = peer
        out["peer_value"] = round(peer_value, 6)
        if higher_is_better:
            ratio = value / peer_value if peer_value else float("inf")
        else:
            ratio = peer_value / value if value else float("inf")
        out["ratio"] = round(ratio, 3)
    out.update(extra)
    return out


def percentile(samples: list[float], pct: float) -> float:
    """The `pct` percentile (0-100) of samples, interpolated."""
    if not samples:
        raise ValueError("no samples")
    if len(samples) == 1:
        return samples[0]
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    if pct >= 100:
        return max(samples)
    if pct <= 0:
        return min(samples)
    return cuts[int(pct) - 1]


@contextlib.contextmanager
def timer() -> Iterator[Callable[[], float]]:
    """`with timer() as elapsed: ...; elapsed()` gives seconds since the block began."""
    start = time.perf_counter()
    yield lambda: time.perf_counter() - start


def progress(message: str) -> None:
    """Progress goes to stderr so that stdout stays one JSON object per line."""
    print(message, file=sys.stderr, flush=True)
