"""A calendar compiled into absolute time: sorted open intervals and cumulative totals.

Pure (no Django). Local wall-clock hours become epoch-second intervals, a year at a time and
only as far as requests need; `Compiled.block` is an immutable snapshot of the compiled
span (sorted, disjoint, with the business seconds accumulated before each interval), so
readers never lock and a grower swaps in a new snapshot under a lock.
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Final, Literal
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray

from shomer.sla import il_calendar
from shomer.sla.calendar_spec import (
    HORIZON_YEARS,
    MAX_YEAR,
    MIN_YEAR,
    ONE_DAY,
    BusinessTimeError,
    Calendar,
    Int64Array,
)

_EPOCH: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_ONE_SECOND: Final = dt.timedelta(seconds=1)


# --- wall clock <-> epoch --------------------------------------------------------------------


def to_epoch(moment: dt.datetime) -> int:
    """Epoch seconds of an aware datetime (floored to the second)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise BusinessTimeError(f"{moment.isoformat()} has no UTC offset; give an aware time")
    return (moment - _EPOCH) // _ONE_SECOND


def from_epoch(seconds: int, calendar: Calendar) -> dt.datetime:
    """An epoch second as an aware datetime in the calendar's zone."""
    return dt.datetime.fromtimestamp(int(seconds), calendar.zone)


def wall_to_epoch(day: dt.date, minute: int, zone: ZoneInfo) -> int:
    """The instant the local clock in `zone` shows `minute` on `day`.

    An ambiguous wall time (clocks going back) is its first occurrence; a wall time that
    does not exist (clocks going forward) is the moment the clock jumps past it, so an
    interval that starts in the gap opens as soon as the clock shows a later time.
    """
    wall = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minute)
    first = to_epoch(wall.replace(tzinfo=zone))
    if dt.datetime.fromtimestamp(first, zone).replace(tzinfo=None) == wall:
        return first
    # In a gap fold=1 reads the wall time with the later offset, an instant before the jump.
    low = to_epoch(wall.replace(tzinfo=zone, fold=1))
    high = first
    while high - low > 1:  # the smallest instant whose wall clock is at or past `wall`
        middle = (low + high) // 2
        if dt.datetime.fromtimestamp(middle, zone).replace(tzinfo=None) >= wall:
            high = middle
        else:
            low = middle
    return high


def year_start(year: int, zone: ZoneInfo) -> int:
    return wall_to_epoch(dt.date(year, 1, 1), 0, zone)


# --- the compiled calendar -------------------------------------------------------------------


class Lookup:
    """`np.searchsorted(values, keys, side)` for many keys, about three times faster.

    Binary search on a million random keys is cache- and branch-hostile. Instead the value
    range is cut into equal buckets, each remembering the search result at its lower edge;
    a key starts there and steps forward over the few values inside its bucket with
    vectorised gathers. When values crowd into a bucket (more than `MAX_STEPS`), plain
    `searchsorted` is used.
    """

    MAX_STEPS: Final = 6

    def __init__(self, values: Int64Array, side: Literal["left", "right"]) -> None:
        self.values = values
        self.side = side
        self.steps = -1  # -1: use searchsorted
        if len(values) < 64:
            return
        self.origin = int(values[0])
        span = int(values[-1]) - self.origin + 1
        self.width = max(span // (2 * len(values)), 1)
        buckets = span // self.width + 1
        edges = self.origin + np.arange(buckets + 1, dtype=np.int64) * self.width
        self.first = np.searchsorted(values, edges, side=side)
        steps = int(np.diff(self.first).max())
        if steps <= self.MAX_STEPS:
            self.steps = steps
            # A sentinel past the end stops every step at len(values).
            self.padded = np.append(values, np.iinfo(np.int64).max)
            self.last_bucket = buckets - 1

    def __call__(self, keys: Int64Array) -> NDArray[np.intp]:
        if self.steps < 0:
            return np.searchsorted(self.values, keys, side=self.side)
        bucket = np.clip((keys - self.origin) // self.width, 0, self.last_bucket)
        index = self.first[bucket]
        index[keys < self.origin] = 0  # before every value, for either side
        padded = self.padded
        for _ in range(self.steps):
            if self.side == "right":
                index += padded[index] <= keys
            else:
                index += padded[index] < keys
        # Keys past the last value may need more steps than a bucket holds.
        beyond = keys > self.values[-1]
        if beyond.any():
            index[beyond] = np.searchsorted(self.values, keys[beyond], side=self.side)
        result: NDArray[np.intp] = index
        return result


@dataclass(frozen=True)
class Block:
    """Open intervals of local years [first_year, end_year) as sorted, disjoint arrays."""

    first_year: int
    end_year: int
    covered_from: int  # epoch of local midnight, 1 January first_year
    covered_to: int  # epoch of local midnight, 1 January end_year
    starts: Int64Array
    ends: Int64Array
    cum_start: Int64Array  # business seconds in the block before each interval
    cum_end: Int64Array

    @property
    def total(self) -> int:
        return int(self.cum_end[-1]) if len(self.cum_end) else 0

    @cached_property
    def start_lookup(self) -> Lookup:
        return Lookup(self.starts, side="right")

    @cached_property
    def cum_end_lookup(self) -> Lookup:
        return Lookup(self.cum_end, side="left")

    @cached_property
    def lists(self) -> tuple[list[int], list[int], list[int], list[int]]:
        """The arrays as Python lists: `bisect` on them beats numpy for one instant."""
        return (
            self.starts.tolist(),
            self.ends.tolist(),
            self.cum_start.tolist(),
            self.cum_end.tolist(),
        )


@lru_cache(maxsize=256)
def _midnights(timezone: str, year: int) -> Int64Array:
    """Epochs of every local midnight of `year` and of 1 January after (shared by zone).

    Converting every midnight is slow, so only one a week is converted; a week whose length
    is exactly seven days of seconds has no clock change and is filled in by arithmetic.
    (No zone changes its clocks twice within a week.)
    """
    zone = ZoneInfo(timezone)
    first = dt.date(year, 1, 1)
    count = (dt.date(year + 1, 1, 1) - first).days
    probes = [*range(0, count, 7), count]
    converted = {day: wall_to_epoch(first + dt.timedelta(days=day), 0, zone) for day in probes}
    midnights = np.empty(count + 1, dtype=np.int64)
    for begin, end in itertools.pairwise(probes):
        if converted[end] - converted[begin] == (end - begin) * 86_400:
            midnights[begin:end] = converted[begin] + np.arange(end - begin) * 86_400
        else:
            for day in range(begin, end):
                midnights[day] = wall_to_epoch(first + dt.timedelta(days=day), 0, zone)
    midnights[count] = converted[count]
    return midnights


def _special_days(calendar: Calendar, year: int) -> set[dt.date]:
    """Days of `year` whose hours may differ from their weekday's (overrides, holidays)."""
    days = {day for day in calendar.closed if day.year == year}
    days.update(day for day, _ in calendar.open if day.year == year)
    if calendar.holidays == "IL":
        holidays = il_calendar.holiday_dates(year)
        days.update(holidays)
        if calendar.eve_hours is not None:
            following = holidays | il_calendar.holiday_dates(year + 1)
            days.update(day - ONE_DAY for day in following if (day - ONE_DAY).year == year)
        if calendar.chol_hamoed_hours is not None:
            days.update(il_calendar.chol_hamoed_dates(year))
    return days


def _compile_year(calendar: Calendar, year: int) -> tuple[Int64Array, Int64Array]:
    """The year's open intervals in absolute time, sorted.

    Ordinary days are laid out with numpy, weekday by weekday; the few special days
    (holidays, eves, overrides, clock changes) go through `Calendar.hours_on` one by one.
    """
    zone = calendar.zone
    midnights = _midnights(calendar.timezone, year)
    day_starts = midnights[:-1]
    first = dt.date(year, 1, 1)
    count = len(day_starts)
    weekday = (first.weekday() + np.arange(count)) % 7
    ordinary = np.diff(midnights) == 86_400  # no clock change that day
    irregular = [(day - first).days for day in _special_days(calendar, year)]
    ordinary[irregular] = False
    starts: list[Int64Array] = []
    ends: list[Int64Array] = []
    for day_of_week, hours in enumerate(calendar.week):
        if hours:
            midnight = day_starts[ordinary & (weekday == day_of_week)]
            for start, end in hours:
                starts.append(midnight + start * 60)
                ends.append(midnight + end * 60)
    special_starts: list[int] = []
    special_ends: list[int] = []
    for index in np.flatnonzero(~ordinary).tolist():
        day = first + dt.timedelta(days=index)
        midnight_of_day = int(day_starts[index])
        plain = int(midnights[index + 1]) - midnight_of_day == 86_400
        for start, end in calendar.hours_on(day):
            if plain:
                special_starts.append(midnight_of_day + start * 60)
                special_ends.append(midnight_of_day + end * 60)
            else:  # a clock change today: each wall time on its own
                special_starts.append(wall_to_epoch(day, start, zone))
                special_ends.append(wall_to_epoch(day, end, zone))
    starts.append(np.array(special_starts, dtype=np.int64))
    ends.append(np.array(special_ends, dtype=np.int64))
    all_starts = np.concatenate(starts)
    order = np.argsort(all_starts, kind="stable")
    return all_starts[order], np.concatenate(ends)[order]


def _assemble(starts: Int64Array, ends: Int64Array) -> tuple[Int64Array, Int64Array]:
    """Drop empty intervals, merge touching ones (e.g. 24:00 and the next 00:00)."""
    keep = ends > starts
    starts, ends = starts[keep], ends[keep]
    if len(starts) == 0:
        return starts, ends
    # A clock change can make a day's intervals touch or overlap in absolute time.
    ends = np.maximum.accumulate(ends)
    begins_run = np.ones(len(starts), dtype=bool)
    begins_run[1:] = starts[1:] > ends[:-1]
    run_starts = np.flatnonzero(begins_run)
    return starts[run_starts], np.maximum.reduceat(ends, run_starts)


class Compiled:
    """A calendar's open intervals in absolute time, grown lazily; safe across threads."""

    def __init__(self, calendar: Calendar) -> None:
        self.calendar = calendar
        self.zone = calendar.zone
        self.low_bound = year_start(MIN_YEAR, self.zone)
        self.high_bound = year_start(MAX_YEAR + 1, self.zone)  # starts must be before this
        self.ceiling_year = MAX_YEAR + HORIZON_YEARS + 2  # the block never grows past this
        self.ceiling = year_start(self.ceiling_year, self.zone)
        self._years: dict[int, tuple[Int64Array, Int64Array]] = {}
        self._lock = threading.Lock()
        empty = np.zeros(0, dtype=np.int64)
        self.block = Block(0, 0, 0, 0, empty, empty, empty, empty)

    def _year_of(self, seconds: int) -> int:
        return dt.datetime.fromtimestamp(seconds, self.zone).year

    def _build(self, first_year: int, end_year: int) -> None:
        for year in range(first_year, end_year):
            if year not in self._years:
                self._years[year] = _compile_year(self.calendar, year)
        years = range(first_year, end_year)
        starts, ends = _assemble(
            np.concatenate([self._years[year][0] for year in years]),
            np.concatenate([self._years[year][1] for year in years]),
        )
        lengths = ends - starts
        cum_end = np.cumsum(lengths)
        self.block = Block(
            first_year=first_year,
            end_year=end_year,
            covered_from=year_start(first_year, self.zone),
            covered_to=year_start(end_year, self.zone),
            starts=starts,
            ends=ends,
            cum_start=cum_end - lengths,
            cum_end=cum_end,
        )

    def cover(self, low: int, high: int) -> Block:
        """A block whose span includes the instants [low, high] (clipped to the ceiling)."""
        block = self.block
        if block.end_year and block.covered_from <= low and high < block.covered_to:
            return block
        with self._lock:
            block = self.block
            first_year = self._year_of(max(low, self.low_bound))
            end_year = self._year_of(min(high, self.ceiling - 1)) + 1
            if block.end_year:
                first_year = min(first_year, block.first_year)
                end_year = max(end_year, block.end_year)
            else:
                end_year = max(end_year, first_year + 2)  # room for the usual due date
            if (first_year, end_year) != (block.first_year, block.end_year):
                self._build(first_year, min(end_year, self.ceiling_year))
            return self.block

    def grow(self, deficit_seconds: int) -> Block:
        """Extend the block forward by enough years for `deficit_seconds` more business time."""
        block = self.block
        years = max(block.end_year - block.first_year, 1)
        per_year = max(block.total // years, 1)
        extra = min(max(-(-deficit_seconds // per_year) + 1, 1), HORIZON_YEARS + 1)
        target = min(block.end_year + extra, self.ceiling_year)
        return self.cover(block.covered_from, year_start(target, self.zone) - 1)


@lru_cache(maxsize=256)
def compiled_calendar(calendar: Calendar) -> Compiled:
    return Compiled(calendar)


def credit_of(block: Block, moments: Int64Array) -> Int64Array:
    """Business seconds in the block before each instant (instants inside the block)."""
    return position_of(block, moments)[0]


def position_of(block: Block, moments: Int64Array) -> tuple[Int64Array, NDArray[np.intp]]:
    """(credit, opening index) of each instant: the business seconds before it and the
    interval where counting from it starts (len(starts) when none is compiled yet)."""
    if len(block.starts) == 0:  # every day of the span closed by overrides
        return np.zeros(moments.shape, dtype=np.int64), np.zeros(moments.shape, dtype=np.intp)
    index = block.start_lookup(moments) - 1  # the last interval starting at or before
    safe = np.maximum(index, 0)
    offset = moments - block.starts[safe]
    length = block.ends[safe] - block.starts[safe]
    has_started = index >= 0
    credit: Int64Array = np.where(
        has_started, block.cum_start[safe] + np.minimum(offset, length), 0
    )
    inside = has_started & (offset < length)
    opening_index: NDArray[np.intp] = np.where(inside, index, index + 1)
    return credit, opening_index
