"""Callback windows and due times over plain data: no Django, no clock (`now` is passed in).

A callback request names a window ("tomorrow between 10:00 and 12:00"), or none ("as soon as
you can"). With a window the promise is due at its end; without one it is due when the
callback target of the SLA runs out, counted in business time on the team's calendar.
docs/channels-web.md explains the rules.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final
from zoneinfo import ZoneInfo

from shomer.sla.calendar import (
    Calendar,
    add_business_minutes,
    business_seconds_between,
    next_opening,
)

# Used when no SLA policy sets a callback target (the default policies do: 60 to 120 min).
DEFAULT_CALLBACK_MINUTES: Final = 120
# How far ahead a window may start: a callback is a promise for the next days, not a date.
MAX_WINDOW_DAYS_AHEAD: Final = 30
# The shortest window worth promising (ten minutes is an appointment).
MIN_WINDOW_MINUTES: Final = 30

# Why a window cannot be promised (pages translate these codes).
WINDOW_EMPTY: Final = "empty"
WINDOW_TOO_SHORT: Final = "too_short"
WINDOW_IN_PAST: Final = "in_past"
WINDOW_TOO_FAR: Final = "too_far"
WINDOW_CLOSED: Final = "closed"


@dataclass(frozen=True)
class Window:
    """A span of real time, [start, end), both aware."""

    start: dt.datetime
    end: dt.datetime


@dataclass(frozen=True)
class WindowProblem:
    """Why a window was refused, and (for a closed one) the next opening to suggest."""

    code: str
    next_opening: dt.datetime | None = None


def local_window(day: dt.date, start: dt.time, end: dt.time, timezone: str) -> Window:
    """The window from `start` to `end` on `day`, wall-clock times in `timezone`.

    An `end` of midnight (00:00) means the end of `day`.
    """
    zone = ZoneInfo(timezone)
    starts_at = dt.datetime.combine(day, start, tzinfo=zone)
    end_day = day + dt.timedelta(days=1) if end == dt.time(0, 0) else day
    ends_at = dt.datetime.combine(end_day, end, tzinfo=zone)
    return Window(starts_at, ends_at)


def day_choice(choice: str, now: dt.datetime, timezone: str) -> dt.date:
    """The date a widget's "today" or "tomorrow" means at `now` in `timezone`."""
    today = now.astimezone(ZoneInfo(timezone)).date()
    if choice == "today":
        return today
    if choice == "tomorrow":
        return today + dt.timedelta(days=1)
    raise ValueError(f"unknown day choice {choice!r}")


def check_window(window: Window, now: dt.datetime, calendar: Calendar) -> WindowProblem | None:
    """None when the business can promise to call within `window`; else why not.

    The window must last at least MIN_WINDOW_MINUTES, end after `now`, start within
    MAX_WINDOW_DAYS_AHEAD days, and hold some working time of `calendar` after `now` (so
    nobody is promised a call on a Saturday or a holiday the team does not work).
    """
    # Real (UTC) arithmetic: Python subtracts two times of one zone on the wall clock, which
    # is off by an hour across a DST change.
    start, end, now = _utc(window.start), _utc(window.end), _utc(now)
    if end <= start:
        return WindowProblem(WINDOW_EMPTY)
    if end - start < dt.timedelta(minutes=MIN_WINDOW_MINUTES):
        return WindowProblem(WINDOW_TOO_SHORT)
    if end <= now:
        return WindowProblem(WINDOW_IN_PAST)
    if start - now > dt.timedelta(days=MAX_WINDOW_DAYS_AHEAD):
        return WindowProblem(WINDOW_TOO_FAR)
    usable_start = max(start, now)
    if business_seconds_between(usable_start, window.end, calendar) <= 0:
        return WindowProblem(WINDOW_CLOSED, next_opening(window.end, calendar))
    return None


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC)


def callback_due(
    now: dt.datetime,
    calendar: Calendar,
    *,
    window: Window | None = None,
    target_minutes: int | None = None,
) -> dt.datetime:
    """When a callback is due: the end of its window, else `target_minutes` of business
    time from `now` (DEFAULT_CALLBACK_MINUTES when no policy sets a target)."""
    if window is not None:
        return window.end
    minutes = target_minutes if target_minutes is not None else DEFAULT_CALLBACK_MINUTES
    return add_business_minutes(now, minutes, calendar)
