"""Properties of business time, on generated calendars, zones and instants (hypothesis)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import holidays
import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from shomer.sla.calendar import (
    Calendar,
    add_business_minutes,
    add_business_minutes_batch,
    business_seconds_between,
    business_seconds_between_batch,
    from_epoch,
    is_open,
    next_opening,
    scan_breaches,
    to_epoch,
)
from shomer.sla.intervals import Lookup, _midnights, compiled_calendar, wall_to_epoch

DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
ZONES = (
    "Asia/Jerusalem",
    "Asia/Jerusalem",
    "Europe/London",
    "America/New_York",
    "Australia/Lord_Howe",
    "UTC",
)
ONE_DAY = dt.timedelta(days=1)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def day_hours(draw: st.DrawFn) -> list[str]:
    """0-3 disjoint, non-touching intervals on a quarter-hour grid."""
    bounds = sorted(draw(st.lists(st.integers(0, 96), unique=True, max_size=6)))
    pairs = zip(bounds[::2], bounds[1::2], strict=False)
    return [f"{a // 4:02d}:{a % 4 * 15:02d}-{b // 4:02d}:{b % 4 * 15:02d}" for a, b in pairs]


dates_2026 = st.dates(dt.date(2025, 12, 1), dt.date(2027, 3, 1)).map(dt.date.isoformat)


@st.composite
def calendars(draw: st.DrawFn) -> Calendar:
    week = {day: draw(day_hours()) for day in DAYS}
    assume(any(week.values()))
    closed = draw(st.lists(dates_2026, max_size=6, unique=True))
    special = draw(st.dictionaries(dates_2026, day_hours(), max_size=4))
    data: dict[str, Any] = {
        "timezone": draw(st.sampled_from(ZONES)),
        "week": week,
        "holidays": draw(st.sampled_from(["IL", None])),
        "eve_hours": draw(st.none() | day_hours()),
        "closed": [day for day in closed if day not in special],
        "open": special,
    }
    if draw(st.booleans()):
        data["chol_hamoed_hours"] = draw(day_hours())
    return Calendar.from_dict(data)


# Instants from late 2025 to early 2027, with extra weight on Israel's clock changes.
TRANSITIONS = [
    dt.datetime(2026, 3, 27, 0, tzinfo=dt.UTC),  # 02:00 +02:00 -> 03:00 +03:00
    dt.datetime(2026, 10, 24, 23, tzinfo=dt.UTC),  # 02:00 +03:00 -> 01:00 +02:00
]
instants = st.one_of(
    st.integers(
        to_epoch(dt.datetime(2025, 12, 1, tzinfo=dt.UTC)),
        to_epoch(dt.datetime(2027, 3, 1, tzinfo=dt.UTC)),
    ),
    st.builds(
        lambda base, shift: to_epoch(base) + shift,
        st.sampled_from(TRANSITIONS),
        st.integers(-3 * 86_400, 3 * 86_400),
    ),
).map(lambda seconds: dt.datetime.fromtimestamp(seconds, dt.UTC))
minutes = st.integers(0, 3_000)


def reference_epoch(day: dt.date, minute: int, zone: ZoneInfo) -> int:
    """Wall clock to instant by brute force: the first minute whose wall clock is >= it."""
    wall = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minute)
    first = int(wall.replace(tzinfo=zone, fold=0).timestamp())
    second = int(wall.replace(tzinfo=zone, fold=1).timestamp())
    for moment in range(min(first, second), max(first, second) + 1, 60):
        if dt.datetime.fromtimestamp(moment, zone).replace(tzinfo=None) >= wall:
            return moment
    return first


def reference_due(start: dt.datetime, amount: int, calendar: Calendar) -> dt.datetime:
    """Walk the calendar day by day, interval by interval: slow, obvious, independent."""
    moment = to_epoch(start)
    remaining = amount * 60
    day = dt.datetime.fromtimestamp(moment, calendar.zone).date() - ONE_DAY
    while True:
        for first, last in calendar.hours_on(day):
            opens = reference_epoch(day, first, calendar.zone)
            closes = reference_epoch(day, last, calendar.zone)
            if closes <= moment or closes <= opens:
                continue
            opens = max(opens, moment)
            if remaining == 0:
                return from_epoch(opens, calendar)
            if closes - opens >= remaining:
                return from_epoch(opens + remaining, calendar)
            remaining -= closes - opens
        day += ONE_DAY


@SETTINGS
@given(calendar=calendars(), start=instants, amount=minutes)
def test_it_agrees_with_a_day_by_day_walk(
    calendar: Calendar, start: dt.datetime, amount: int
) -> None:
    assert add_business_minutes(start, amount, calendar) == reference_due(start, amount, calendar)


@SETTINGS
@given(calendar=calendars(), start=instants, first=minutes, second=st.integers(1, 3_000))
def test_adding_twice_is_adding_the_sum(
    calendar: Calendar, start: dt.datetime, first: int, second: int
) -> None:
    halfway = add_business_minutes(start, first, calendar)
    assert add_business_minutes(halfway, second, calendar) == add_business_minutes(
        start, first + second, calendar
    )
    # Zero more minutes is where counting would start again: the next opening.
    assert add_business_minutes(halfway, 0, calendar) == next_opening(halfway, calendar)


@SETTINGS
@given(
    calendar=calendars(),
    start=instants,
    later=st.integers(0, 5 * 86_400),
    amount=minutes,
    more=st.integers(0, 500),
)
def test_later_starts_and_more_minutes_never_give_an_earlier_due(
    calendar: Calendar, start: dt.datetime, later: int, amount: int, more: int
) -> None:
    due = add_business_minutes(start, amount, calendar)
    assert add_business_minutes(start + dt.timedelta(seconds=later), amount, calendar) >= due
    assert add_business_minutes(start, amount + more, calendar) >= due


@SETTINGS
@given(calendar=calendars(), start=instants, amount=minutes)
def test_business_time_between_start_and_due_is_the_minutes(
    calendar: Calendar, start: dt.datetime, amount: int
) -> None:
    due = add_business_minutes(start, amount, calendar)
    assert business_seconds_between(start, due, calendar) == amount * 60
    assert business_seconds_between(due, start, calendar) == -amount * 60


@SETTINGS
@given(calendar=calendars(), start=instants, amount=st.integers(1, 3_000))
def test_a_due_is_inside_working_hours_or_at_the_end_of_an_interval(
    calendar: Calendar, start: dt.datetime, amount: int
) -> None:
    due = add_business_minutes(start, amount, calendar)
    # In UTC: arithmetic within a zone is wall-clock arithmetic and ignores `fold`.
    last_second = due.astimezone(dt.UTC) - dt.timedelta(seconds=1)
    assert is_open(last_second, calendar)
    # On the wall clock too, unless the clocks changed that day (then wall times repeat
    # or skip, and only absolute time is meaningful).
    local = last_second.astimezone(calendar.zone)
    midnight = dt.datetime.combine(local.date(), dt.time(), calendar.zone)
    if (midnight + ONE_DAY).utcoffset() == midnight.utcoffset() == local.utcoffset():
        minute_of_day = local.hour * 60 + local.minute
        hours = calendar.hours_on(local.date())
        assert any(first <= minute_of_day < last for first, last in hours)


@SETTINGS
@given(
    calendar=calendars(),
    pairs=st.lists(st.tuples(instants, minutes), min_size=1, max_size=40),
    now=instants,
    share=st.floats(0, 1),
)
def test_the_batch_path_and_breach_scan_agree_with_one_at_a_time(
    calendar: Calendar, pairs: list[tuple[dt.datetime, int]], now: dt.datetime, share: float
) -> None:
    starts = np.array([to_epoch(start) for start, _ in pairs], dtype=np.int64)
    amounts = np.array([amount for _, amount in pairs], dtype=np.int64)
    dues = add_business_minutes_batch(starts, amounts, calendar)
    expected = [add_business_minutes(start, amount, calendar) for start, amount in pairs]
    assert [from_epoch(int(due), calendar) for due in dues] == expected

    scan = scan_breaches(dues, now, calendar, starts=starts, warning_share=share)
    now_epoch = to_epoch(now)
    for index, (start, amount) in enumerate(pairs):
        due = expected[index]
        breached = now > due
        used = business_seconds_between(start, now, calendar)
        assert scan.breached[index] == breached
        assert scan.warning[index] == (not breached and used >= share * amount * 60)
        assert scan.remaining_seconds[index] == max(business_seconds_between(now, due, calendar), 0)
    between = business_seconds_between_batch(starts, np.full(len(starts), now_epoch), calendar)
    assert between.tolist() == [business_seconds_between(s, now, calendar) for s, _ in pairs]


def test_eve_hours_fall_exactly_on_the_days_before_israeli_holidays() -> None:
    # Cross-checked with the `holidays` package (its IL public holidays are the "IL" set).
    calendar = Calendar.from_dict(
        {
            "timezone": "Asia/Jerusalem",
            "week": {day: ["09:00-17:00"] for day in DAYS[:5]} | {"fri": ["09:00-13:00"]},
            "holidays": "IL",
            "eve_hours": ["08:30-12:30"],
        }
    )
    closed_days = set(holidays.IL(years=range(2024, 2031), categories=("public",)))
    day = dt.date(2024, 1, 1)
    while day.year < 2031:
        weekly = calendar.week[day.weekday()]
        if day in closed_days:
            expected: tuple[tuple[int, int], ...] = ()
        elif weekly and day + ONE_DAY in closed_days:
            expected = ((510, 750),)
        else:
            expected = weekly
        assert calendar.hours_on(day) == expected, day
        day += ONE_DAY


@settings(max_examples=200, deadline=None)
@given(
    gaps=st.lists(st.integers(0, 10_000), min_size=1, max_size=400),
    keys=st.lists(st.integers(-20_000, 4_100_000), max_size=300),
    side=st.sampled_from(["left", "right"]),
)
def test_the_bucketed_lookup_is_searchsorted(gaps: list[int], keys: list[int], side: Any) -> None:
    values = np.cumsum(np.array(gaps, dtype=np.int64))
    lookup = Lookup(values, side)
    probe = np.concatenate([np.array(keys, dtype=np.int64), values, values - 1, values + 1])
    assert lookup(probe).tolist() == np.searchsorted(values, probe, side=side).tolist()


def test_the_bucketed_lookup_takes_its_fast_path_on_a_real_calendar() -> None:
    calendar = Calendar.from_dict({"timezone": "Asia/Jerusalem", "week": {"sun": ["09:00-17:00"]}})
    starts = np.array([to_epoch(dt.datetime(2026, 6, 1, tzinfo=dt.UTC))], dtype=np.int64)
    add_business_minutes_batch(starts, np.array([60]), calendar)
    block = compiled_calendar(calendar).block
    assert block.start_lookup.steps >= 0
    assert block.cum_end_lookup.steps >= 0


@settings(max_examples=40, deadline=None)
@given(
    zone=st.sampled_from(
        [
            "Asia/Jerusalem",
            "America/Santiago",
            "Africa/Casablanca",
            "Australia/Lord_Howe",
            "America/Havana",
            "Europe/London",
            "Asia/Kolkata",
        ]
    ),
    year=st.integers(1900, 2300),
)
def test_local_midnights_by_the_week_match_converting_every_day(zone: str, year: int) -> None:
    midnights = _midnights(zone, year)
    first = dt.date(year, 1, 1)
    every_day = [
        wall_to_epoch(first + dt.timedelta(days=day), 0, ZoneInfo(zone))
        for day in range(len(midnights))
    ]
    assert midnights.tolist() == every_day
