"""Promises over plain data: no Django, no clock (`now` is passed in).

- Callback windows and due times. A callback request names a window ("tomorrow between
  10:00 and 12:00"), or none ("as soon as you can"). With a window the promise is due at its
  end; without one it is due when the callback target of the SLA runs out, counted in
  business time on the team's calendar (docs/channels-web.md).
- Where a promise is due (`place_due`): never in the past; a time outside working hours
  moves to the next opening, and the time asked for is kept beside it.
- When to remind its owner (`reminder_at`), the kind a detected promise is likely to be
  (`guess_kind`), the buckets of "my promises" and the kept-on-time ratio.
docs/commitments.md explains the rules and the constants.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Final
from zoneinfo import ZoneInfo

from shomer.sla.calendar import (
    Calendar,
    add_business_minutes,
    add_business_seconds,
    business_seconds_between,
    is_open,
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


# --- where a promise is due -------------------------------------------------------------------

# A promise is for the coming months, not a date in another year: further is a typing mistake.
MAX_DUE_DAYS_AHEAD: Final = 366

# Why a due time cannot be promised (pages translate these codes).
DUE_IN_PAST: Final = "in_past"
DUE_TOO_FAR: Final = "too_far"


@dataclass(frozen=True)
class DuePlacement:
    """Where a promise is due: `due`, or why it cannot be (`problem`). `requested` is the
    time asked for when it fell outside working hours and `due` moved to the next opening."""

    due: dt.datetime
    requested: dt.datetime | None = None
    problem: str | None = None

    @property
    def is_moved(self) -> bool:
        return self.requested is not None


def is_working_moment(moment: dt.datetime, calendar: Calendar) -> bool:
    """Inside working hours, or at the very end of a working stretch: "by 17:00" on a day
    that closes at 17:00 is a time the team can keep."""
    return is_open(moment, calendar) or is_open(moment - dt.timedelta(seconds=1), calendar)


def place_due(requested: dt.datetime, now: dt.datetime, calendar: Calendar) -> DuePlacement:
    """Where a promise asked for `requested` is due, decided at `now` on `calendar`.

    A time that has passed (or is now) is refused, and so is one more than
    MAX_DUE_DAYS_AHEAD days ahead. A time outside working hours (a night, Saturday, a
    holiday, a Friday afternoon) is not refused: the promise is due at the next opening,
    and the time asked for is returned beside it so the move is shown, never silent.
    """
    if requested.tzinfo is None or now.tzinfo is None:
        raise ValueError("due times must be aware")
    if _utc(requested) <= _utc(now):
        return DuePlacement(requested, problem=DUE_IN_PAST)
    if _utc(requested) - _utc(now) > dt.timedelta(days=MAX_DUE_DAYS_AHEAD):
        return DuePlacement(requested, problem=DUE_TOO_FAR)
    zone = ZoneInfo(calendar.timezone)
    if is_working_moment(requested, calendar):
        return DuePlacement(requested.astimezone(zone))
    return DuePlacement(next_opening(requested, calendar), requested=requested.astimezone(zone))


# --- reminders --------------------------------------------------------------------------------

# The owner is reminded when REMIND_PERCENT of the business time from the promise to its due
# has passed, or REMIND_LEAD_MINUTES business minutes before the due, whichever comes later:
# a two-hour callback reminds 24 minutes before, a promise for next week an hour before.
REMIND_PERCENT: Final = 80
REMIND_LEAD_MINUTES: Final = 60


def reminder_at(
    start: dt.datetime,
    due: dt.datetime,
    calendar: Calendar,
    *,
    window_start: dt.datetime | None = None,
) -> dt.datetime:
    """When to remind the owner of a promise made at `start` and due at `due`.

    A callback with a window that opens after `start` reminds when the window opens (the
    customer asked to be called then, not before). Otherwise see REMIND_PERCENT. With no
    business time left before the due, the reminder is at `start` (at once).
    """
    if window_start is not None and _utc(window_start) > _utc(start):
        return window_start
    span = business_seconds_between(start, due, calendar)
    if span <= 0:
        return start
    lead = min(REMIND_LEAD_MINUTES * 60, span * (100 - REMIND_PERCENT) // 100)
    moment = add_business_seconds(start, span - lead, calendar)
    # At a closing time (Friday 13:00 before a Sunday due) the same business time is left at
    # the next opening, when someone is there to read the reminder.
    if not is_open(moment, calendar):
        moment = min(next_opening(moment, calendar), due)
    return moment


# --- the kind of a detected promise -----------------------------------------------------------

# Checked in this order: a refund is often delivered ("the credit will arrive"), and a call
# about a delivery is still about the delivery.
_REFUND = re.compile(
    r"זיכוי|זיכיתי|נזכה|אזכה|יזוכה|תזוכה|תזוכי|החזר\s*(?:כספי|ה?כסף|התשלום)|ההחזר|נחזיר\s+(?:לך\s+|לכם\s+)?את\s+ה?(?:כסף|תשלום|סכום)"
    r"|\brefund|\breimburs|\bmoney back\b|\bcredit(?:ed)?\s+(?:note|to|on|back|your)",
    re.IGNORECASE,
)
_DELIVERY = re.compile(
    r"משלוח|שליח|החבילה|ההזמנה\s+(?:ת|י)גיע|יגיע\s+אליך|תגיע\s+אליך|ישלח\s+אליך|יישלח|תישלח|נשלח\s+(?:לך|אליך)\s+(?:את\s+)?ה(?:מוצר|חבילה|הזמנה|ציוד)"
    r"|\bdeliver|\bship(?:ped|ping|ment)?\b|\bcourier\b|\bparcel\b|\bpackage\b|\bdispatch",
    re.IGNORECASE,
)
_CALLBACK = re.compile(
    r"אתקשר|נתקשר|יתקשר|תתקשר|יתקשרו|אצלצל|נצלצל|טלפונית|בטלפון|שיחה חוזרת|אחזור אלי(?:ך|יך|כם)\s+בטלפון"
    r"|\bcall(?:ing)?\s+(?:you|back)\b|\bgive you a (?:call|ring)\b|\bring you\b|\bphone you\b"
    r"|\bcall\s+(?:you\s+)?back\b",
    re.IGNORECASE,
)


def guess_kind(text: str) -> str:
    """The kind a promise's sentence most likely is: "refund", "delivery", "callback", or
    "follow_up" (the default: "I'll get back to you", "we will check and update")."""
    for kind, pattern in (("refund", _REFUND), ("delivery", _DELIVERY), ("callback", _CALLBACK)):
        if pattern.search(text):
            return kind
    return "follow_up"


# --- views over promises ----------------------------------------------------------------------

# "This week" on "my promises": the next seven days after today.
WEEK_DAYS: Final = 7


@dataclass(frozen=True)
class DayBounds:
    """The instants that cut "my promises" into overdue, due today and this week."""

    now: dt.datetime
    tomorrow: dt.datetime  # the start of tomorrow, local
    week_end: dt.datetime  # the start of the day WEEK_DAYS after tomorrow, local


def day_bounds(now: dt.datetime, timezone: str) -> DayBounds:
    """Today and this week as seen in `timezone` (midnights are local; a DST day is 23 or
    25 hours long)."""
    zone = ZoneInfo(timezone)
    today = now.astimezone(zone).date()
    tomorrow = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    week_end = dt.datetime.combine(
        today + dt.timedelta(days=1 + WEEK_DAYS), dt.time(0), tzinfo=zone
    )
    return DayBounds(now, tomorrow, week_end)


def bucket(due: dt.datetime, bounds: DayBounds) -> str:
    """Which part of "my promises" an open promise due at `due` goes in: "overdue",
    "today", "week" or "later"."""
    if _utc(due) < _utc(bounds.now):
        return "overdue"
    if _utc(due) < _utc(bounds.tomorrow):
        return "today"
    if _utc(due) < _utc(bounds.week_end):
        return "week"
    return "later"


def on_time_ratio(kept_on_time: int, kept_late: int, broken: int) -> float | None:
    """The share of ended promises (kept or broken; cancelled ones do not count) that were
    kept by their due; None when none has ended."""
    ended = kept_on_time + kept_late + broken
    if ended <= 0:
        return None
    return kept_on_time / ended
