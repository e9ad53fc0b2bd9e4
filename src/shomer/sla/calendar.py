"""Business time on a team's calendar: the pure engine behind SLA due dates.

No Django import; every function takes the calendar (and any "now") as a parameter.

A `Calendar` is the CALENDAR object of the `shomer sla due` contract (ARCHITECTURE.md §4):
weekly wall-clock hours in a time zone, the Israeli holidays ("IL") and their eves, team
overrides (`closed` dates, `open` dates with special hours) and, beyond the contract, reduced
hours on Chol HaMoed (`chol_hamoed_hours`).

How it is fast: a calendar is compiled once (and cached) into sorted arrays of its open
intervals in absolute time (epoch seconds) with the business seconds accumulated before each
interval; adding business minutes is then two binary searches, for one ticket or, with numpy,
for a million at once. The compiled span grows a year at a time as requests need it.

Resolution is one second: sub-second parts of an instant are dropped (floored).

This module is the public API (import everything from here); the CALENDAR format lives in
`shomer.sla.calendar_spec`, the compiled intervals in `shomer.sla.intervals`, the Israeli
holidays in `shomer.sla.il_calendar`. docs/sla.md explains the rules and the limits.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from shomer.sla.calendar_spec import (
    HORIZON_SECONDS,
    HORIZON_YEARS,
    MAX_BUSINESS_MINUTES,
    MAX_YEAR,
    MIN_YEAR,
    BusinessTimeError,
    Calendar,
    CalendarError,
    DayHours,
    Int64Array,
    Interval,
)
from shomer.sla.intervals import (
    Block,
    Compiled,
    compiled_calendar,
    credit_of,
    from_epoch,
    position_of,
    to_epoch,
)

__all__ = [
    "HORIZON_YEARS",
    "MAX_BUSINESS_MINUTES",
    "MAX_YEAR",
    "MIN_YEAR",
    "BatchDue",
    "BreachScan",
    "BusinessTimeError",
    "Calendar",
    "CalendarError",
    "DayHours",
    "Interval",
    "add_business_minutes",
    "add_business_minutes_batch",
    "add_business_seconds",
    "business_minutes_between",
    "business_seconds_between",
    "business_seconds_between_batch",
    "due_at",
    "due_batch",
    "from_epoch",
    "is_open",
    "next_opening",
    "scan_breaches",
    "to_epoch",
]


# --- batch due dates -------------------------------------------------------------------------

# Error codes of `due_batch`, with their messages.
OK: Final = 0
NEGATIVE_MINUTES: Final = 1
TOO_MANY_MINUTES: Final = 2
START_OUT_OF_RANGE: Final = 3
BEYOND_HORIZON: Final = 4
ERROR_MESSAGES: Final = {
    NEGATIVE_MINUTES: "minutes must be zero or more",
    TOO_MANY_MINUTES: (
        f"minutes must be at most {MAX_BUSINESS_MINUTES:,} (about 40 years of a 40-hour week)"
    ),
    START_OUT_OF_RANGE: (
        f"start must fall between {MIN_YEAR}-01-01 and {MAX_YEAR}-12-31 in the calendar's zone"
    ),
    BEYOND_HORIZON: (
        f"the calendar has fewer business minutes than that in the {HORIZON_YEARS} years "
        "after the start"
    ),
}


@dataclass(frozen=True)
class BatchDue:
    """Due instants (epoch seconds) and an error code per element (0 = OK)."""

    due: Int64Array
    error: NDArray[np.int8]

    def message(self, index: int) -> str | None:
        code = int(self.error[index])
        return None if code == OK else ERROR_MESSAGES[code]


def due_batch(starts: ArrayLike, minutes: ArrayLike, calendar: Calendar) -> BatchDue:
    """Add business minutes to many start instants at once; bad elements get an error code.

    `starts` are epoch seconds, `minutes` whole business minutes (broadcast against
    `starts`). Counting starts at each start, or at the next opening when the start is
    outside working hours; a due that lands where an interval ends is that end.
    """
    start_array = np.asarray(starts, dtype=np.int64).ravel()
    minute_array = np.broadcast_to(np.asarray(minutes, dtype=np.int64), start_array.shape)
    compiled = compiled_calendar(calendar)
    error = np.zeros(start_array.shape, dtype=np.int8)
    error[minute_array < 0] = NEGATIVE_MINUTES
    error[minute_array > MAX_BUSINESS_MINUTES] = TOO_MANY_MINUTES
    in_range = (start_array >= compiled.low_bound) & (start_array < compiled.high_bound)
    error[(error == OK) & ~in_range] = START_OUT_OF_RANGE
    due = np.zeros(start_array.shape, dtype=np.int64)
    valid = np.flatnonzero(error == OK)
    if len(valid) == 0:
        return BatchDue(due=due, error=error)
    moments = start_array[valid]
    amounts = minute_array[valid] * 60
    earliest, latest = int(moments.min()), int(moments.max())
    block = compiled.cover(earliest, latest)
    while True:
        count = len(block.starts)
        credit, opening_index = position_of(block, moments)
        target = credit + amounts
        short = (opening_index >= count) | (target > block.total)
        if not short.any():
            break
        if block.end_year >= compiled.ceiling_year or block.covered_to >= latest + HORIZON_SECONDS:
            break
        deficit = int((target[short] - block.total).max())
        block = compiled.grow(max(deficit, 1))
    opening_index = np.minimum(opening_index, count - 1)
    opening = np.maximum(moments, block.starts[opening_index])
    run_out = np.minimum(block.cum_end_lookup(target), count - 1)
    result = block.starts[run_out] + (target - block.cum_start[run_out])
    # Zero minutes: the due is where counting would start.
    result = np.where(amounts == 0, opening, result)
    beyond = short | (result - moments > HORIZON_SECONDS)
    due[valid] = np.where(beyond, 0, result)
    error[valid[beyond]] = BEYOND_HORIZON
    return BatchDue(due=due, error=error)


def add_business_minutes_batch(
    starts: ArrayLike, minutes: ArrayLike, calendar: Calendar
) -> Int64Array:
    """Due instants (epoch seconds) of many starts; BusinessTimeError if any is bad."""
    result = due_batch(starts, minutes, calendar)
    bad = np.flatnonzero(result.error)
    if len(bad):
        first = int(bad[0])
        raise BusinessTimeError(f"element {first}: {result.message(first)}")
    return result.due


def _check_instants(compiled: Compiled, moments: Int64Array) -> None:
    if len(moments) and (moments.min() < compiled.low_bound or moments.max() >= compiled.ceiling):
        raise BusinessTimeError(
            f"instants must fall between {MIN_YEAR}-01-01 and "
            f"{compiled.ceiling_year - 1}-12-31 in the calendar's zone"
        )


def business_seconds_between_batch(
    earlier: ArrayLike, later: ArrayLike, calendar: Calendar
) -> Int64Array:
    """Business seconds from each `earlier` to each `later` (negative when reversed)."""
    first = np.asarray(earlier, dtype=np.int64)
    second = np.asarray(later, dtype=np.int64)
    compiled = compiled_calendar(calendar)
    both = np.concatenate([first.ravel(), second.ravel()])
    if len(both) == 0:
        return np.zeros(np.broadcast_shapes(first.shape, second.shape), dtype=np.int64)
    _check_instants(compiled, both)
    block = compiled.cover(int(both.min()), int(both.max()))
    between: Int64Array = credit_of(block, second) - credit_of(block, first)
    return between


# --- one at a time ---------------------------------------------------------------------------


def add_business_minutes(start: dt.datetime, minutes: int, calendar: Calendar) -> dt.datetime:
    """The instant `minutes` business minutes after `start`, in the calendar's zone.

    Counting starts at `start`, or at the next opening if `start` is outside working hours;
    when the minutes run out exactly where an interval ends, the due is that end (not the
    next opening). Zero minutes give the instant counting would start.
    """
    if isinstance(minutes, bool) or not isinstance(minutes, int | np.integer):
        raise BusinessTimeError(f"minutes must be a whole number, got {minutes!r}")
    if minutes < 0:
        raise BusinessTimeError(ERROR_MESSAGES[NEGATIVE_MINUTES])
    if minutes > MAX_BUSINESS_MINUTES:
        raise BusinessTimeError(ERROR_MESSAGES[TOO_MANY_MINUTES])
    return from_epoch(
        _add_one(compiled_calendar(calendar), to_epoch(start), int(minutes) * 60), calendar
    )


def add_business_seconds(start: dt.datetime, seconds: int, calendar: Calendar) -> dt.datetime:
    """`add_business_minutes` to the second: what a paused SLA timer has left is rarely
    whole minutes. The same rules and limits (at most MAX_BUSINESS_MINUTES * 60 seconds)."""
    if isinstance(seconds, bool) or not isinstance(seconds, int | np.integer):
        raise BusinessTimeError(f"seconds must be a whole number, got {seconds!r}")
    if seconds < 0:
        raise BusinessTimeError("seconds must be zero or more")
    if seconds > MAX_BUSINESS_MINUTES * 60:
        raise BusinessTimeError(ERROR_MESSAGES[TOO_MANY_MINUTES])
    return from_epoch(
        _add_one(compiled_calendar(calendar), to_epoch(start), int(seconds)), calendar
    )


def _add_one(compiled: Compiled, moment: int, amount: int) -> int:
    """`due_batch` for one element (`amount` business seconds, checked by the caller), with
    `bisect` instead of numpy (less overhead)."""
    if not compiled.low_bound <= moment < compiled.high_bound:
        raise BusinessTimeError(ERROR_MESSAGES[START_OUT_OF_RANGE])
    block = compiled.cover(moment, moment)
    while True:
        starts, ends, cum_start, cum_end = block.lists
        opening_index = bisect.bisect_right(ends, moment)
        index = bisect.bisect_right(starts, moment) - 1
        credit = 0
        if index >= 0:
            credit = cum_start[index] + min(moment - starts[index], ends[index] - starts[index])
        target = credit + amount
        if opening_index < len(starts) and target <= block.total:
            break
        if block.end_year >= compiled.ceiling_year or block.covered_to >= moment + HORIZON_SECONDS:
            raise BusinessTimeError(ERROR_MESSAGES[BEYOND_HORIZON])
        block = compiled.grow(max(target - block.total, 1))
    if amount == 0:
        return max(moment, starts[opening_index])
    run_out = bisect.bisect_left(cum_end, target)
    result = starts[run_out] + (target - cum_start[run_out])
    if result - moment > HORIZON_SECONDS:
        raise BusinessTimeError(ERROR_MESSAGES[BEYOND_HORIZON])
    return result


due_at = add_business_minutes


def business_seconds_between(a: dt.datetime, b: dt.datetime, calendar: Calendar) -> int:
    """Business seconds from `a` to `b`; negative when `b` is before `a`."""
    first, second = to_epoch(a), to_epoch(b)
    compiled = compiled_calendar(calendar)
    low, high = min(first, second), max(first, second)
    if low < compiled.low_bound or high >= compiled.ceiling:
        _check_instants(compiled, np.array([low, high], dtype=np.int64))
    # `bisect` on the block's lists: a page of countdowns calls this once per ticket, and
    # numpy's per-call overhead would be most of the cost.
    starts, ends, cum_start, _ = compiled.cover(low, high).lists
    return _credit_one(starts, ends, cum_start, second) - _credit_one(
        starts, ends, cum_start, first
    )


def _credit_one(starts: list[int], ends: list[int], cum_start: list[int], moment: int) -> int:
    """Business seconds in the block before `moment` (`credit_of` for one instant)."""
    index = bisect.bisect_right(starts, moment) - 1
    if index < 0:
        return 0
    return cum_start[index] + min(moment - starts[index], ends[index] - starts[index])


def business_minutes_between(a: dt.datetime, b: dt.datetime, calendar: Calendar) -> float:
    """Business minutes from `a` to `b` as a float (seconds / 60, exact for whole minutes).

    A float so that timers paused and resumed mid-minute lose nothing; negative when `b`
    is before `a`.
    """
    return business_seconds_between(a, b, calendar) / 60


def _opening_index(compiled: Compiled, moment: int) -> tuple[Block, int]:
    _check_instants(compiled, np.array([moment]))
    block = compiled.cover(moment, moment)
    index = int(np.searchsorted(block.ends, moment, side="right"))
    while index >= len(block.starts) and block.end_year < compiled.ceiling_year:
        block = compiled.grow(1)
        index = int(np.searchsorted(block.ends, moment, side="right"))
    return block, index


def is_open(moment: dt.datetime, calendar: Calendar) -> bool:
    """True when `moment` is inside a working interval (intervals are [start, end))."""
    seconds = to_epoch(moment)
    block, index = _opening_index(compiled_calendar(calendar), seconds)
    return index < len(block.starts) and int(block.starts[index]) <= seconds


def next_opening(moment: dt.datetime, calendar: Calendar) -> dt.datetime:
    """`moment` itself when open, else the start of the next working interval."""
    seconds = to_epoch(moment)
    block, index = _opening_index(compiled_calendar(calendar), seconds)
    if index >= len(block.starts):
        raise BusinessTimeError(f"the calendar never opens after {moment.isoformat()}")
    return from_epoch(max(seconds, int(block.starts[index])), calendar)


# --- breach scan -----------------------------------------------------------------------------


@dataclass(frozen=True)
class BreachScan:
    """Per ticket: past due, or inside the warning share of its business-time budget."""

    breached: NDArray[np.bool_]
    warning: NDArray[np.bool_]
    remaining_seconds: Int64Array  # business seconds from now to due (0 once breached)


def scan_breaches(
    due: ArrayLike,
    now: dt.datetime | int,
    calendar: Calendar,
    *,
    starts: ArrayLike | None = None,
    warning_share: float = 0.8,
) -> BreachScan:
    """Which open tickets are breached (now past due) and which are close to it.

    `due` (and `starts`, when given) are epoch seconds. A ticket warns when it is not
    breached and the business time used since its start is at least `warning_share` of the
    business time from start to due; without `starts` no ticket warns. Breached means
    `now > due`: a reply at the due instant is on time.
    """
    if not 0.0 <= warning_share <= 1.0 or math.isnan(warning_share):
        raise BusinessTimeError(f"warning_share must be in [0, 1], got {warning_share!r}")
    now_seconds = to_epoch(now) if isinstance(now, dt.datetime) else int(now)
    due_array = np.asarray(due, dtype=np.int64).ravel()
    compiled = compiled_calendar(calendar)
    instants = [due_array, np.array([now_seconds], dtype=np.int64)]
    start_array = None
    if starts is not None:
        start_array = np.asarray(starts, dtype=np.int64).ravel()
        instants.append(start_array)
    every = np.concatenate(instants)
    _check_instants(compiled, every)
    block = compiled.cover(int(every.min()), int(every.max()))
    breached = due_array < now_seconds
    due_credit = credit_of(block, due_array)
    now_credit = int(credit_of(block, np.array([now_seconds], dtype=np.int64))[0])
    remaining = np.maximum(due_credit - now_credit, 0)
    if start_array is None:
        warning = np.zeros(due_array.shape, dtype=bool)
    else:
        start_credit = credit_of(block, start_array)
        budget = due_credit - start_credit
        used = now_credit - start_credit
        warning = ~breached & (used >= warning_share * budget)
    return BreachScan(breached=breached, warning=warning, remaining_seconds=remaining)
