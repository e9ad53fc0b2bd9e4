"""The CALENDAR of the SLA contract: parsing, validation and the hours of each local date.

Pure (no Django). A `Calendar` is the contract's CALENDAR object (ARCHITECTURE.md §4) as a
frozen, hashable value; `Calendar.describe_day` says which hours a date has and why. The
business-time operations are in `shomer.sla.calendar`, the compiled form in
`shomer.sla.intervals`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
from numpy.typing import NDArray

from shomer.sla import il_calendar

# Limits that turn absurd requests into clear errors instead of long loops or wrong dates.
MIN_YEAR: Final = 1900  # first supported local year of a start instant
MAX_YEAR: Final = 2199  # last supported local year of a start instant
HORIZON_YEARS: Final = 100  # a due date must fall within this many years of its start
# About 40 years of a 40-hour week; billions of minutes are an input error, not a target.
MAX_BUSINESS_MINUTES: Final = 5_000_000

_SECONDS_PER_YEAR: Final = 31_556_952  # the mean Gregorian year
HORIZON_SECONDS: Final = HORIZON_YEARS * _SECONDS_PER_YEAR
ONE_DAY: Final = dt.timedelta(days=1)
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

        Unknown top-level keys are ignored (the contract allows extras); a `week` day that
        is missing or null is closed; unknown day names are rejected to catch typos.
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
            _parse_day_hours(week_data.get(key) or [], f"week.{key}") for key in WEEKDAY_KEYS
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
            if self.eve_hours is not None and il_calendar.is_holiday(day + ONE_DAY):
                return "eve", self.eve_hours
            if self.chol_hamoed_hours is not None and il_calendar.is_chol_hamoed(day):
                return "chol_hamoed", self.chol_hamoed_hours
        return "week", hours

    def hours_on(self, day: dt.date) -> DayHours:
        """The wall-clock working intervals of a local date."""
        return self.describe_day(day)[1]
