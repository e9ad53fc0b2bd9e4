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
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any, Final, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
from numpy.typing import ArrayLike, NDArray

from shomer.sla import il_calendar

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
    "add_business_minutes",
    "add_business_minutes_batch",
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

# Limits that turn absurd requests into clear errors instead of long loops or wrong dates.
MIN_YEAR: Final = 1900  # first supported local year of a start instant
MAX_YEAR: Final = 2199  # last supported local year of a start instant
HORIZON_YEARS: Final = 100  # a due date must fall within this many years of its start
# About 40 years of a 40-hour week; billions of minutes are an input error, not a target.
MAX_BUSINESS_MINUTES: Final = 5_000_000

_SECONDS_PER_YEAR: Final = 31_556_952  # the mean Gregorian year
HORIZON_SECONDS: Final = HORIZON_YEARS * _SECONDS_PER_YEAR
_EPOCH: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_ONE_SECOND: Final = dt.timedelta(seconds=1)
_ONE_DAY: Final = dt.timedelta(days=1)
_MINUTES_PER_DAY: Final = 24 * 60

# Keys of `week`, indexed by `date.weekday()` (Monday is 0).
WEEKDAY_KEYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# The order the contract writes them in (the Israeli week starts on Sunday).
_WEEK_ORDER: Final = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
HOLIDAY_CALENDARS: Final = ("IL",)

_INTERVAL_RE: Final = re.compile(r"^\s*([0-9]{1,2}):([0-9]{2})\s*-\s*([0-9]{1,2}):([0-9]{2})\s*$")
_DATE_RE: Final = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")

Interval = tuple[int, int]  # [start, end) in minutes after local midnight; end <= 1440
DayHours = tuple[Interval, ...]
Int64Array = NDArray[np.int64]


class CalendarError(ValueError):
    """A CALENDAR that cannot be used; the message says which part and why."""


class BusinessTimeError(ValueError):
    """A request the engine cannot answer (naive time, out of range, beyond the horizon)."""


# --- parsing ---------------------------------------------------------------------------------


def _parse_interval(text: object, where: str) -> Interval:
    if not isinstance(text, str):
        raise CalendarError(f"{where}: an interval must be a string 'HH:MM-HH:MM', got {text!r}")
    match = _INTERVAL_RE.match(text)
    if match is None:
        raise CalendarError(f"{where}: {text!r} is not an interval 'HH:MM-HH:MM'")
    start_hour, start_minute, end_hour, end_minute = (int(part) for part in match.groups())
    for hour, minute in ((start_hour, start_minute), (end_hour, end_minute)):
        if minute > 59 or hour > 24 or (hour == 24 and minute != 0):
            raise CalendarError(f"{where}: {text!r} has a time that does not exist on a clock")
    start = start_hour * 60 + start_minute
    end = end_hour * 60 + end_minute
    if start >= end:
        raise CalendarError(
            f"{where}: {text!r} ends before it starts (an interval cannot cross midnight; "
            "split it into '..-24:00' and '00:00-..')"
        )
    return start, end


def _parse_day_hours(value: object, where: str) -> DayHours:
    if not isinstance(value, list | tuple):
        raise CalendarError(f"{where}: expected a list of 'HH:MM-HH:MM' strings, got {value!r}")
    intervals = sorted(_parse_interval(item, where) for item in value)
    merged: list[Interval] = []
    for start, end in intervals:
        if merged and start < merged[-1][1]:
            previous = _format_interval(merged[-1])
            raise CalendarError(f"{where}: {_format_interval((start, end))} overlaps {previous}")
        if merged and start == merged[-1][1]:
            # Touching intervals are one stretch of work.
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return tuple(merged)


def _parse_date(value: object, where: str) -> dt.date:
    if not isinstance(value, str) or _DATE_RE.match(value) is None:
        raise CalendarError(f"{where}: expected a date 'YYYY-MM-DD', got {value!r}")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CalendarError(f"{where}: {value!r} is not a real date") from None


def _parse_zone(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise CalendarError(f"timezone: expected an IANA zone name, got {value!r}")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise CalendarError(f"timezone: unknown time zone {value!r}") from None
    return value


def _format_minute(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _format_interval(interval: Interval) -> str:
    return f"{_format_minute(interval[0])}-{_format_minute(interval[1])}"


def _format_hours(hours: DayHours) -> list[str]:
    return [_format_interval(interval) for interval in hours]


def _check_hours(hours: DayHours, where: str) -> None:
    """Validate hours built directly (not parsed): sorted, disjoint, inside one day."""
    previous_end = -1
    for start, end in hours:
        if not 0 <= start < end <= _MINUTES_PER_DAY or start < previous_end:
            raise CalendarError(f"{where}: intervals must be sorted, disjoint and within a day")
        previous_end = end


# --- the calendar ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Calendar:
    """A team's working calendar (hashable, so compiled forms can be cached by it).

    `week` is indexed by `date.weekday()` (Monday first). `holidays` is "IL" or None.
    `eve_hours` and `chol_hamoed_hours` apply only with `holidays == "IL"`. `open` is a
    sorted tuple of (date, hours) pairs; `closed` and `open` win over everything else.
    """

    timezone: str
    week: tuple[DayHours, ...]
    holidays: str | None = None
    eve_hours: DayHours | None = None
    closed: frozenset[dt.date] = frozenset()
    open: tuple[tuple[dt.date, DayHours], ...] = ()
    chol_hamoed_hours: DayHours | None = None

    def __post_init__(self) -> None:
        _parse_zone(self.timezone)
        if len(self.week) != 7:
            raise CalendarError("week: needs seven days")
        for key, hours in zip(WEEKDAY_KEYS, self.week, strict=True):
            _check_hours(hours, f"week.{key}")
        for day, hours in self.open:
            _check_hours(hours, f"open.{day.isoformat()}")
        for name, maybe_hours in (
            ("eve_hours", self.eve_hours),
            ("chol_hamoed_hours", self.chol_hamoed_hours),
        ):
            if maybe_hours is not None:
                _check_hours(maybe_hours, name)
        if not any(self.week):
            raise CalendarError("week: no working hours on any day; the calendar never opens")
        if self.holidays is not None and self.holidays not in HOLIDAY_CALENDARS:
            known = ", ".join(HOLIDAY_CALENDARS)
            raise CalendarError(f"holidays: unknown calendar {self.holidays!r}; known: {known}")
        both = sorted(self.closed & {day for day, _ in self.open})
        if both:
            raise CalendarError(f"{both[0].isoformat()} is both in 'closed' and in 'open'")

    def __hash__(self) -> int:
        # Hashed on every cache look-up, so computed once (the fields never change).
        return self._hash

    @cached_property
    def _hash(self) -> int:
        return hash(
            (
                self.timezone,
                self.week,
                self.holidays,
                self.eve_hours,
                self.closed,
                self.open,
                self.chol_hamoed_hours,
            )
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Calendar:
        """Build from the contract's CALENDAR object; CalendarError explains any problem.

        Unknown top-level keys are ignored (the contract allows extras); a missing `week`
        day means closed that day; unknown day names are rejected to catch typos.
        """
        if not isinstance(data, Mapping):
            raise CalendarError(f"calendar: expected an object, got {data!r}")
        if "timezone" not in data:
            raise CalendarError("calendar: 'timezone' is missing")
        zone = _parse_zone(data["timezone"])
        week_data = data.get("week")
        if not isinstance(week_data, Mapping):
            raise CalendarError("week: expected an object with days 'sun' .. 'sat'")
        unknown = sorted(set(week_data) - set(WEEKDAY_KEYS), key=str)
        if unknown:
            raise CalendarError(
                f"week: unknown day {unknown[0]!r}; days are {', '.join(_WEEK_ORDER)}"
            )
        week = tuple(
            _parse_day_hours(week_data.get(key, []), f"week.{key}") for key in WEEKDAY_KEYS
        )
        holidays = data.get("holidays")
        if holidays is not None and not isinstance(holidays, str):
            raise CalendarError(f"holidays: expected 'IL' or null, got {holidays!r}")
        eve = data.get("eve_hours")
        eve_hours = None if eve is None else _parse_day_hours(eve, "eve_hours")
        chol = data.get("chol_hamoed_hours")
        chol_hours = None if chol is None else _parse_day_hours(chol, "chol_hamoed_hours")
        closed_data = data.get("closed") or []
        if not isinstance(closed_data, list | tuple):
            raise CalendarError(f"closed: expected a list of dates, got {closed_data!r}")
        closed = frozenset(_parse_date(item, "closed") for item in closed_data)
        open_data = data.get("open") or {}
        if not isinstance(open_data, Mapping):
            raise CalendarError(f"open: expected an object of date -> hours, got {open_data!r}")
        special = tuple(
            sorted(
                (_parse_date(day, "open"), _parse_day_hours(hours, f"open.{day}"))
                for day, hours in open_data.items()
            )
        )
        return cls(
            timezone=zone,
            week=week,
            holidays=holidays,
            eve_hours=eve_hours,
            closed=closed,
            open=special,
            chol_hamoed_hours=chol_hours,
        )

    def to_dict(self) -> dict[str, Any]:
        """The CALENDAR object, normalised (sorted dates, touching intervals merged)."""
        out: dict[str, Any] = {
            "timezone": self.timezone,
            "week": {key: _format_hours(self.week[WEEKDAY_KEYS.index(key)]) for key in _WEEK_ORDER},
            "holidays": self.holidays,
            "eve_hours": None if self.eve_hours is None else _format_hours(self.eve_hours),
            "closed": sorted(day.isoformat() for day in self.closed),
            "open": {day.isoformat(): _format_hours(hours) for day, hours in self.open},
        }
        if self.chol_hamoed_hours is not None:
            out["chol_hamoed_hours"] = _format_hours(self.chol_hamoed_hours)
        return out

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @cached_property
    def _open_by_date(self) -> dict[dt.date, DayHours]:
        return dict(self.open)

    def describe_day(self, day: dt.date) -> tuple[str, DayHours]:
        """Why a local date has the hours it has: (reason, hours).

        Reasons, in the order they win: "closed", "open" (team overrides), "holiday",
        "weekly-off" (no hours in `week`), "eve", "chol_hamoed", "week".
        """
        if day in self.closed:
            return "closed", ()
        special = self._open_by_date.get(day)
        if special is not None:
            return "open", special
        is_israeli = self.holidays == "IL"
        if is_israeli and il_calendar.is_holiday(day):
            return "holiday", ()
        hours = self.week[day.weekday()]
        if not hours:
            return "weekly-off", ()
        if is_israeli:
            # Eve hours replace a working day's hours only; an eve that is itself a holiday
            # (the first day of Rosh Hashana) was closed above.
            if self.eve_hours is not None and il_calendar.is_holiday(day + _ONE_DAY):
                return "eve", self.eve_hours
            if self.chol_hamoed_hours is not None and il_calendar.is_chol_hamoed(day):
                return "chol_hamoed", self.chol_hamoed_hours
        return "week", hours

    def hours_on(self, day: dt.date) -> DayHours:
        """The wall-clock working intervals of a local date."""
        return self.describe_day(day)[1]


# --- wall clock <-> epoch --------------------------------------------------------------------


def to_epoch(moment: dt.datetime) -> int:
    """Epoch seconds of an aware datetime (floored to the second)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise BusinessTimeError(f"{moment.isoformat()} has no UTC offset; give an aware time")
    return (moment - _EPOCH) // _ONE_SECOND


def from_epoch(seconds: int, calendar: Calendar) -> dt.datetime:
    """An epoch second as an aware datetime in the calendar's zone."""
    return dt.datetime.fromtimestamp(int(seconds), calendar.zone)


def _wall_to_epoch(day: dt.date, minute: int, zone: ZoneInfo) -> int:
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


def _year_start(year: int, zone: ZoneInfo) -> int:
    return _wall_to_epoch(dt.date(year, 1, 1), 0, zone)


# --- the compiled calendar -------------------------------------------------------------------


class _Lookup:
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
class _Block:
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
    def start_lookup(self) -> _Lookup:
        return _Lookup(self.starts, side="right")

    @cached_property
    def cum_end_lookup(self) -> _Lookup:
        return _Lookup(self.cum_end, side="left")

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
    """Epochs of every local midnight of `year` and of 1 January after (shared by zone)."""
    zone = ZoneInfo(timezone)
    first = dt.date(year, 1, 1)
    count = (dt.date(year + 1, 1, 1) - first).days
    midnights = [_wall_to_epoch(first + dt.timedelta(days=i), 0, zone) for i in range(count + 1)]
    return np.array(midnights, dtype=np.int64)


def _special_days(calendar: Calendar, year: int) -> set[dt.date]:
    """Days of `year` whose hours may differ from their weekday's (overrides, holidays)."""
    days = {day for day in calendar.closed if day.year == year}
    days.update(day for day, _ in calendar.open if day.year == year)
    if calendar.holidays == "IL":
        holidays = il_calendar.holiday_dates(year)
        days.update(holidays)
        if calendar.eve_hours is not None:
            following = holidays | il_calendar.holiday_dates(year + 1)
            days.update(day - _ONE_DAY for day in following if (day - _ONE_DAY).year == year)
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
                special_starts.append(_wall_to_epoch(day, start, zone))
                special_ends.append(_wall_to_epoch(day, end, zone))
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


class _Compiled:
    """A calendar's open intervals in absolute time, grown lazily; safe across threads."""

    def __init__(self, calendar: Calendar) -> None:
        self.calendar = calendar
        self.zone = calendar.zone
        self.low_bound = _year_start(MIN_YEAR, self.zone)
        self.high_bound = _year_start(MAX_YEAR + 1, self.zone)  # starts must be before this
        self.ceiling_year = MAX_YEAR + HORIZON_YEARS + 2  # the block never grows past this
        self.ceiling = _year_start(self.ceiling_year, self.zone)
        self._years: dict[int, tuple[Int64Array, Int64Array]] = {}
        self._lock = threading.Lock()
        empty = np.zeros(0, dtype=np.int64)
        self.block = _Block(0, 0, 0, 0, empty, empty, empty, empty)

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
        self.block = _Block(
            first_year=first_year,
            end_year=end_year,
            covered_from=_year_start(first_year, self.zone),
            covered_to=_year_start(end_year, self.zone),
            starts=starts,
            ends=ends,
            cum_start=cum_end - lengths,
            cum_end=cum_end,
        )

    def cover(self, low: int, high: int) -> _Block:
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

    def grow(self, deficit_seconds: int) -> _Block:
        """Extend the block forward by enough years for `deficit_seconds` more business time."""
        block = self.block
        years = max(block.end_year - block.first_year, 1)
        per_year = max(block.total // years, 1)
        extra = min(max(-(-deficit_seconds // per_year) + 1, 1), HORIZON_YEARS + 1)
        target = min(block.end_year + extra, self.ceiling_year)
        return self.cover(block.covered_from, _year_start(target, self.zone) - 1)


@lru_cache(maxsize=256)
def _compiled(calendar: Calendar) -> _Compiled:
    return _Compiled(calendar)


def _credit(block: _Block, moments: Int64Array) -> Int64Array:
    """Business seconds in the block before each instant (instants inside the block)."""
    return _position(block, moments)[0]


def _position(block: _Block, moments: Int64Array) -> tuple[Int64Array, NDArray[np.intp]]:
    """(credit, opening index) of each instant: the business seconds before it and the
    interval where counting from it starts (len(starts) when none is compiled yet)."""
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
    compiled = _compiled(calendar)
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
        credit, opening_index = _position(block, moments)
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


def _check_instants(compiled: _Compiled, moments: Int64Array) -> None:
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
    compiled = _compiled(calendar)
    both = np.concatenate([first.ravel(), second.ravel()])
    if len(both) == 0:
        return np.zeros(np.broadcast_shapes(first.shape, second.shape), dtype=np.int64)
    _check_instants(compiled, both)
    block = compiled.cover(int(both.min()), int(both.max()))
    between: Int64Array = _credit(block, second) - _credit(block, first)
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
    return from_epoch(_add_one(_compiled(calendar), to_epoch(start), int(minutes)), calendar)


def _add_one(compiled: _Compiled, moment: int, minutes: int) -> int:
    """`due_batch` for one element, with `bisect` instead of numpy (less overhead)."""
    if minutes < 0:
        raise BusinessTimeError(ERROR_MESSAGES[NEGATIVE_MINUTES])
    if minutes > MAX_BUSINESS_MINUTES:
        raise BusinessTimeError(ERROR_MESSAGES[TOO_MANY_MINUTES])
    if not compiled.low_bound <= moment < compiled.high_bound:
        raise BusinessTimeError(ERROR_MESSAGES[START_OUT_OF_RANGE])
    amount = minutes * 60
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
    return int(business_seconds_between_batch([to_epoch(a)], [to_epoch(b)], calendar)[0])


def business_minutes_between(a: dt.datetime, b: dt.datetime, calendar: Calendar) -> float:
    """Business minutes from `a` to `b` as a float (seconds / 60, exact for whole minutes).

    A float so that timers paused and resumed mid-minute lose nothing; negative when `b`
    is before `a`.
    """
    return business_seconds_between(a, b, calendar) / 60


def _opening_index(compiled: _Compiled, moment: int) -> tuple[_Block, int]:
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
    block, index = _opening_index(_compiled(calendar), seconds)
    return index < len(block.starts) and int(block.starts[index]) <= seconds


def next_opening(moment: dt.datetime, calendar: Calendar) -> dt.datetime:
    """`moment` itself when open, else the start of the next working interval."""
    seconds = to_epoch(moment)
    block, index = _opening_index(_compiled(calendar), seconds)
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
    compiled = _compiled(calendar)
    instants = [due_array, np.array([now_seconds], dtype=np.int64)]
    start_array = None
    if starts is not None:
        start_array = np.asarray(starts, dtype=np.int64).ravel()
        instants.append(start_array)
    every = np.concatenate(instants)
    _check_instants(compiled, every)
    block = compiled.cover(int(every.min()), int(every.max()))
    breached = due_array < now_seconds
    due_credit = _credit(block, due_array)
    now_credit = int(_credit(block, np.array([now_seconds], dtype=np.int64))[0])
    remaining = np.maximum(due_credit - now_credit, 0)
    if start_array is None:
        warning = np.zeros(due_array.shape, dtype=bool)
    else:
        start_credit = _credit(block, start_array)
        budget = due_credit - start_credit
        used = now_credit - start_credit
        warning = ~breached & (used >= warning_share * budget)
    return BreachScan(breached=breached, warning=warning, remaining_seconds=remaining)
