"""Business-time due dates on the Israeli office calendar (shomer.sla.calendar).

- `sla_due_single`: due computations per second, one `add_business_minutes` call at a time.
- `sla_due_vectorised`: due computations per second through the numpy batch path
  (target: >= 1 M/s).
- `sla_breach_scan`: seconds to scan 1 M open tickets' due instants for breaches and
  warnings in numpy (target: <= 1 s); the PostgreSQL version comes with the SLA models.
- `sla_due_jsonl`: lines per second through `shomer sla due`'s chunk handler (JSON parse,
  calendar cache, batch, ISO output), without process start-up.

Starts are spread over 2026-2027 (holidays, eves and both clock changes included); targets
mix the usual SLA sizes (an hour to a week of business time) with random ones.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
from collections.abc import Iterator
from typing import Any

import numpy as np

from shomer.bench.registry import benchmark, line, progress, timer
from shomer.sla.calendar import (
    Calendar,
    add_business_minutes,
    add_business_minutes_batch,
    scan_breaches,
    to_epoch,
)

SEED = 5786
OFFICE: dict[str, Any] = {
    "timezone": "Asia/Jerusalem",
    "week": {
        "sun": ["08:30-12:30", "13:00-17:30"],
        "mon": ["08:30-12:30", "13:00-17:30"],
        "tue": ["08:30-12:30", "13:00-17:30"],
        "wed": ["08:30-12:30", "13:00-17:30"],
        "thu": ["08:30-12:30", "13:00-16:00"],
        "fri": ["09:00-13:00"],
        "sat": [],
    },
    "holidays": "IL",
    "eve_hours": ["09:00-13:00"],
    "closed": ["2026-08-13", "2026-12-31"],
    "open": {"2026-10-01": ["10:00-14:00"]},
    "chol_hamoed_hours": ["09:00-14:00"],
}
SLA_MINUTES = np.array([30, 60, 120, 240, 480, 960, 1440, 2880])
FIRST = to_epoch(dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
SPAN = to_epoch(dt.datetime(2028, 1, 1, tzinfo=dt.UTC)) - FIRST


def _workload(size: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(SEED)
    starts = FIRST + rng.integers(0, SPAN, size, dtype=np.int64)
    usual = SLA_MINUTES[rng.integers(0, len(SLA_MINUTES), size)]
    minutes = np.where(rng.random(size) < 0.5, usual, rng.integers(0, 5000, size))
    return starts, minutes.astype(np.int64)


def _calendar() -> tuple[Calendar, float]:
    calendar = Calendar.from_dict(OFFICE)
    with timer() as elapsed:  # the first call compiles the calendar
        add_business_minutes_batch(np.array([FIRST, FIRST + SPAN]), np.array([0, 5000]), calendar)
    return calendar, elapsed()


@benchmark("sla_due_single")
def sla_due_single(quick: bool) -> Iterator[dict[str, Any]]:
    size = 20_000 if quick else 200_000
    calendar, _ = _calendar()
    starts, minutes = _workload(size)
    moments = [dt.datetime.fromtimestamp(int(s), calendar.zone) for s in starts]
    amounts = minutes.tolist()
    progress(f"sla_due_single: {size} due dates one at a time")
    with timer() as elapsed:
        for moment, amount in zip(moments, amounts, strict=True):
            add_business_minutes(moment, amount, calendar)
    yield line("sla_due_single", size / elapsed(), "computations/s", size)


@benchmark("sla_due_vectorised")
def sla_due_vectorised(quick: bool) -> Iterator[dict[str, Any]]:
    size = 100_000 if quick else 1_000_000
    calendar, compile_seconds = _calendar()
    starts, minutes = _workload(size)
    progress(f"sla_due_vectorised: {size} due dates in one batch, best of 3")
    runs = []
    for _ in range(3):
        with timer() as elapsed:
            add_business_minutes_batch(starts, minutes, calendar)
        runs.append(elapsed())
    yield line(
        "sla_due_vectorised",
        size / min(runs),
        "computations/s",
        size,
        median_per_s=round(size / statistics.median(runs), 1),
        compile_ms=round(compile_seconds * 1000, 3),
        target_per_s=1_000_000,
    )


@benchmark("sla_breach_scan")
def sla_breach_scan(quick: bool) -> Iterator[dict[str, Any]]:
    size = 100_000 if quick else 1_000_000
    calendar, _ = _calendar()
    starts, minutes = _workload(size)
    dues = add_business_minutes_batch(starts, minutes, calendar)
    now = FIRST + SPAN // 2
    progress(f"sla_breach_scan: {size} open tickets, best of 3")
    runs = []
    for _ in range(3):
        with timer() as elapsed:
            scan = scan_breaches(dues, now, calendar, starts=starts, warning_share=0.8)
        runs.append(elapsed())
    yield line(
        "sla_breach_scan",
        min(runs),
        "s",
        size,
        higher_is_better=False,
        breached=int(scan.breached.sum()),
        warning=int(scan.warning.sum()),
        target_s=1.0,
    )


@benchmark("sla_due_jsonl")
def sla_due_jsonl(quick: bool) -> Iterator[dict[str, Any]]:
    # Imported here: the command module needs Django, which `shomer bench` has set up.
    from shomer.sla.management.commands.sla import CalendarCache, answer_chunk

    size = 20_000 if quick else 200_000
    starts, minutes = _workload(size)
    london = {"timezone": "Europe/London", "week": {"mon": ["09:00-17:00"], "fri": ["09:00-15:00"]}}
    lines = [
        json.dumps(
            {
                "id": f"ticket-{index}",
                "start": dt.datetime.fromtimestamp(int(start), dt.UTC).isoformat(),
                "minutes": int(amount),
                "calendar": london if index % 4 == 0 else OFFICE,
            }
        )
        for index, (start, amount) in enumerate(zip(starts, minutes, strict=True))
    ]
    progress(f"sla_due_jsonl: {size} JSON lines, two calendars")
    calendars = CalendarCache()
    with timer() as elapsed:
        for first in range(0, size, 20_000):
            answer_chunk(lines[first : first + 20_000], calendars)
    yield line("sla_due_jsonl", size / elapsed(), "lines/s", size)
