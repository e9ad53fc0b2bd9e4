"""Callback windows and due times (pure): the Israeli week, Friday afternoon, a holiday,
DST, and properties over any window."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shomer.commitments import rules
from shomer.sla.calendar import Calendar, add_business_minutes, business_seconds_between, is_open
from shomer.sla.defaults import DEFAULT_CALENDAR

ISRAEL = ZoneInfo("Asia/Jerusalem")
CALENDAR = Calendar.from_dict(DEFAULT_CALENDAR)


def at(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=ISRAEL)


def window(day: dt.date, start: str, end: str) -> rules.Window:
    return rules.local_window(
        day, dt.time.fromisoformat(start), dt.time.fromisoformat(end), "Asia/Jerusalem"
    )


@pytest.mark.parametrize(
    ("now", "choice", "expected"),
    [
        (at(2026, 3, 1, 23, 30), "today", dt.date(2026, 3, 1)),
        (at(2026, 3, 1, 23, 30), "tomorrow", dt.date(2026, 3, 2)),
        # 22:30 UTC is already the next day in Israel.
        (dt.datetime(2026, 3, 1, 22, 30, tzinfo=dt.UTC), "today", dt.date(2026, 3, 2)),
    ],
)
def test_today_and_tomorrow_are_local_dates(now, choice, expected):
    assert rules.day_choice(choice, now, "Asia/Jerusalem") == expected


def test_an_unknown_day_choice_is_an_error():
    with pytest.raises(ValueError, match="yesterday"):
        rules.day_choice("yesterday", at(2026, 3, 1, 9), "Asia/Jerusalem")


def test_a_window_ending_at_midnight_ends_at_the_end_of_its_day():
    result = window(dt.date(2026, 3, 2), "20:00", "00:00")
    assert (result.start, result.end) == (at(2026, 3, 2, 20), at(2026, 3, 3, 0))


def test_a_window_across_the_spring_dst_change_is_shorter_in_real_time():
    # Israel moved its clocks forward at 02:00 on Friday 2026-03-27.
    result = window(dt.date(2026, 3, 27), "01:00", "04:00")
    assert result.end.astimezone(dt.UTC) - result.start.astimezone(dt.UTC) == dt.timedelta(hours=2)
    assert rules.check_window(result, at(2026, 3, 26, 9), CALENDAR).code == "closed"


@pytest.mark.parametrize(
    ("name", "now", "day", "start", "end", "code"),
    [
        (
            "a working Monday morning",
            at(2026, 3, 2, 8),
            dt.date(2026, 3, 2),
            "10:00",
            "12:00",
            None,
        ),
        (
            "partly past is still fine",
            at(2026, 3, 2, 11),
            dt.date(2026, 3, 2),
            "10:00",
            "12:00",
            None,
        ),
        (
            "ends before it starts",
            at(2026, 3, 2, 8),
            dt.date(2026, 3, 2),
            "12:00",
            "10:00",
            "empty",
        ),
        ("twenty minutes", at(2026, 3, 2, 8), dt.date(2026, 3, 2), "10:00", "10:20", "too_short"),
        ("already over", at(2026, 3, 2, 13), dt.date(2026, 3, 2), "10:00", "12:00", "in_past"),
        ("two months ahead", at(2026, 3, 2, 8), dt.date(2026, 5, 4), "10:00", "12:00", "too_far"),
        ("Saturday", at(2026, 3, 5, 9), dt.date(2026, 3, 7), "10:00", "12:00", "closed"),
        ("Friday afternoon", at(2026, 3, 5, 9), dt.date(2026, 3, 6), "14:00", "16:00", "closed"),
        ("Friday morning", at(2026, 3, 5, 9), dt.date(2026, 3, 6), "11:00", "14:00", None),
        ("evening after hours", at(2026, 3, 2, 8), dt.date(2026, 3, 2), "18:00", "20:00", "closed"),
        (
            "first day of Pesach 2026",
            at(2026, 3, 30, 9),
            dt.date(2026, 4, 2),
            "10:00",
            "12:00",
            "closed",
        ),
        (
            "Pesach eve: short day",
            at(2026, 3, 30, 9),
            dt.date(2026, 4, 1),
            "14:00",
            "16:00",
            "closed",
        ),
    ],
)
def test_which_windows_can_be_promised(name, now, day, start, end, code):
    problem = rules.check_window(window(day, start, end), now, CALENDAR)
    assert (problem.code if problem else None) == code, name


def test_a_closed_window_suggests_the_next_opening():
    problem = rules.check_window(
        window(dt.date(2026, 3, 7), "10:00", "12:00"), at(2026, 3, 5, 9), CALENDAR
    )
    assert problem == rules.WindowProblem("closed", at(2026, 3, 8, 9))


def test_a_window_is_due_at_its_end():
    chosen = window(dt.date(2026, 3, 2), "14:00", "16:00")
    assert rules.callback_due(at(2026, 3, 2, 9), CALENDAR, window=chosen) == at(2026, 3, 2, 16)


@pytest.mark.parametrize(
    ("now", "minutes", "due"),
    [
        (at(2026, 3, 2, 10), 60, at(2026, 3, 2, 11)),
        # Thursday 16:30 + 2 h: half an hour on Thursday, 90 minutes on Friday morning.
        (at(2026, 3, 5, 16, 30), 120, at(2026, 3, 6, 10, 30)),
        # Friday 12:30 + 1 h: half an hour on Friday, the rest on Sunday.
        (at(2026, 3, 6, 12, 30), 60, at(2026, 3, 8, 9, 30)),
        # Saturday night: counting starts on Sunday at nine.
        (at(2026, 3, 7, 21), 30, at(2026, 3, 8, 9, 30)),
    ],
)
def test_without_a_window_the_callback_target_counts_business_time(now, minutes, due):
    assert rules.callback_due(now, CALENDAR, target_minutes=minutes) == due


def test_without_a_target_the_default_applies():
    assert rules.DEFAULT_CALLBACK_MINUTES == 120
    assert rules.callback_due(at(2026, 3, 2, 9), CALENDAR) == at(2026, 3, 2, 11)


instants = st.datetimes(
    min_value=dt.datetime(2026, 1, 1),
    max_value=dt.datetime(2027, 12, 31),
    timezones=st.just(ISRAEL),
)


@settings(max_examples=60, deadline=None)
@given(
    now=instants, start_hour=st.integers(0, 23), length=st.integers(1, 16), days=st.integers(0, 3)
)
def test_an_accepted_window_holds_working_time_after_now(now, start_hour, length, days):
    day = now.date() + dt.timedelta(days=days)
    start = dt.time(start_hour)
    end = dt.time((start_hour + length) % 24)
    chosen = rules.local_window(day, start, end, "Asia/Jerusalem")
    problem = rules.check_window(chosen, now, CALENDAR)
    if problem is None:
        assert chosen.end > now
        assert business_seconds_between(max(chosen.start, now), chosen.end, CALENDAR) > 0
    elif problem.code == rules.WINDOW_CLOSED:
        assert business_seconds_between(max(chosen.start, now), chosen.end, CALENDAR) == 0
        assert problem.next_opening is not None and problem.next_opening >= chosen.end
        assert is_open(problem.next_opening, CALENDAR)


@settings(max_examples=60, deadline=None)
@given(now=instants, minutes=st.integers(1, 5000))
def test_a_callback_without_a_window_is_due_after_now_by_exactly_its_target(now, minutes):
    due = rules.callback_due(now, CALENDAR, target_minutes=minutes)
    assert due > now
    assert due == add_business_minutes(now, minutes, CALENDAR)
    assert business_seconds_between(now, due, CALENDAR) == minutes * 60
