"""Where promises are due, when owners are reminded, what kind a detected promise is, and
the buckets of "my promises" (pure): the Israeli week, Thursday afternoon, Friday, a holiday
and its eve, DST, plus properties over any instants."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shomer.commitments import rules
from shomer.language.promises import extract_promises
from shomer.sla.calendar import Calendar, business_seconds_between, is_open
from shomer.sla.defaults import DEFAULT_CALENDAR

ISRAEL = ZoneInfo("Asia/Jerusalem")
CALENDAR = Calendar.from_dict(DEFAULT_CALENDAR)
# A team that works Sunday to Thursday only (no short Friday).
NO_FRIDAY = Calendar.from_dict(
    {**DEFAULT_CALENDAR, "week": {**DEFAULT_CALENDAR["week"], "fri": []}}
)
THURSDAY_AFTERNOON = dt.datetime(2026, 11, 19, 15, 30, tzinfo=ISRAEL)


def at(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=ISRAEL)


@pytest.mark.parametrize(
    ("requested", "now", "calendar", "due", "moved"),
    [
        # Thursday afternoon, "tomorrow by 12:00": Friday's short day is open at noon.
        (at(2026, 11, 20, 12), THURSDAY_AFTERNOON, CALENDAR, at(2026, 11, 20, 12), False),
        # ... but not for a team that does not work Fridays: Sunday's opening.
        (at(2026, 11, 20, 12), THURSDAY_AFTERNOON, NO_FRIDAY, at(2026, 11, 22, 9), True),
        # Friday afternoon and Saturday are closed.
        (at(2026, 11, 20, 15), THURSDAY_AFTERNOON, CALENDAR, at(2026, 11, 22, 9), True),
        (at(2026, 11, 21, 10), THURSDAY_AFTERNOON, CALENDAR, at(2026, 11, 22, 9), True),
        # "By 17:00" on a day that closes at 17:00 is kept as asked; 17:30 is the next morning.
        (at(2026, 11, 19, 17), THURSDAY_AFTERNOON, CALENDAR, at(2026, 11, 19, 17), False),
        (at(2026, 11, 19, 17, 30), THURSDAY_AFTERNOON, CALENDAR, at(2026, 11, 20, 9), True),
        # Yom Kippur (Monday 21.9.2026) is closed; so is its eve (Sunday) after 13:00.
        (at(2026, 9, 21, 12), at(2026, 9, 20, 11), CALENDAR, at(2026, 9, 22, 9), True),
        (at(2026, 9, 20, 15), at(2026, 9, 19, 11), CALENDAR, at(2026, 9, 22, 9), True),
        # Erev Pesach (Wednesday 1.4.2026) works until 13:00; the first day of Pesach is closed.
        (at(2026, 4, 1, 12), at(2026, 3, 31, 15), CALENDAR, at(2026, 4, 1, 12), False),
        (at(2026, 4, 1, 15), at(2026, 3, 31, 15), CALENDAR, at(2026, 4, 3, 9), True),
        # An opening instant is inside working hours.
        (at(2026, 11, 22, 9), THURSDAY_AFTERNOON, CALENDAR, at(2026, 11, 22, 9), False),
    ],
)
def test_a_due_time_is_kept_or_moved_to_the_next_opening(requested, now, calendar, due, moved):
    placement = rules.place_due(requested, now, calendar)
    assert placement.problem is None
    assert placement.due == due
    assert placement.is_moved is moved
    assert placement.requested == (requested if moved else None)


@pytest.mark.parametrize(
    ("requested", "problem"),
    [
        (THURSDAY_AFTERNOON, rules.DUE_IN_PAST),
        (THURSDAY_AFTERNOON - dt.timedelta(minutes=1), rules.DUE_IN_PAST),
        (at(2026, 11, 18, 12), rules.DUE_IN_PAST),
        (
            THURSDAY_AFTERNOON + dt.timedelta(days=rules.MAX_DUE_DAYS_AHEAD, seconds=1),
            rules.DUE_TOO_FAR,
        ),
    ],
)
def test_a_due_time_in_the_past_or_too_far_is_refused(requested, problem):
    assert rules.place_due(requested, THURSDAY_AFTERNOON, CALENDAR).problem == problem


def test_a_due_time_a_year_ahead_is_accepted():
    requested = THURSDAY_AFTERNOON + dt.timedelta(days=rules.MAX_DUE_DAYS_AHEAD)
    assert rules.place_due(requested, THURSDAY_AFTERNOON, CALENDAR).problem is None


def test_a_naive_time_is_a_programming_error():
    with pytest.raises(ValueError, match="aware"):
        rules.place_due(dt.datetime(2026, 11, 20, 12), THURSDAY_AFTERNOON, CALENDAR)


def test_a_hebrew_promise_on_thursday_afternoon_is_due_friday_noon():
    """The whole path of a reply: the engine reads "מחר עד 12:00", the calendar places it."""
    (promise,) = extract_promises(
        "נועה שלום, בדקתי מול הספק. אחזור אלייך מחר עד 12:00 עם תשובה סופית.",
        THURSDAY_AFTERNOON,
        ISRAEL,
    )
    assert promise.due == at(2026, 11, 20, 12)
    assert rules.place_due(promise.due, THURSDAY_AFTERNOON, CALENDAR).due == at(2026, 11, 20, 12)
    moved = rules.place_due(promise.due, THURSDAY_AFTERNOON, NO_FRIDAY)
    assert (moved.due, moved.requested) == (at(2026, 11, 22, 9), at(2026, 11, 20, 12))


def test_a_hebrew_promise_on_a_holiday_eve_moves_past_the_holiday():
    sent = at(2026, 9, 20, 11, 15)  # Erev Yom Kippur, before the early close
    (promise,) = extract_promises("אבדוק ואחזור אלייך מחר עד 12:00.", sent, ISRAEL)
    placement = rules.place_due(promise.due, sent, CALENDAR)
    assert (placement.due, placement.requested) == (at(2026, 9, 22, 9), at(2026, 9, 21, 12))


@pytest.mark.parametrize(
    ("start", "due", "window_start", "expected"),
    [
        # 270 business minutes (Thu 15:30-17:00, Fri 09:00-12:00): 20 % is 54 minutes.
        (THURSDAY_AFTERNOON, at(2026, 11, 20, 12), None, at(2026, 11, 20, 11, 6)),
        # A two-hour callback: 24 minutes before.
        (at(2026, 11, 22, 9), at(2026, 11, 22, 11), None, at(2026, 11, 22, 10, 36)),
        # A promise for the end of the week: an hour (of business time) before.
        (at(2026, 11, 22, 9), at(2026, 11, 26, 17), None, at(2026, 11, 26, 16)),
        # Due Sunday 10:00, made Thursday 16:30: an hour of business time is left from
        # Friday's closing at 13:00 on, and the reminder waits for Sunday's opening.
        (at(2026, 11, 19, 16, 30), at(2026, 11, 22, 10), None, at(2026, 11, 22, 9)),
        # No business time left (Friday 14:00, due at Sunday's opening): at once.
        (at(2026, 11, 20, 14), at(2026, 11, 22, 9), None, at(2026, 11, 20, 14)),
        # A callback window that opens later: when it opens.
        (at(2026, 11, 22, 9), at(2026, 11, 23, 12), at(2026, 11, 23, 10), at(2026, 11, 23, 10)),
        # A window already open: the usual rule (120 minutes: 24 before).
        (at(2026, 11, 22, 9), at(2026, 11, 22, 11), at(2026, 11, 22, 8), at(2026, 11, 22, 10, 36)),
    ],
)
def test_the_owner_is_reminded_before_the_due(start, due, window_start, expected):
    assert rules.reminder_at(start, due, CALENDAR, window_start=window_start) == expected


# Real instants (generated in UTC, shown in Israel): no wall-clock times skipped by DST.
instants = st.datetimes(
    min_value=dt.datetime(2025, 1, 1),
    max_value=dt.datetime(2027, 12, 31),
    timezones=st.just(dt.UTC),
).map(lambda moment: moment.replace(microsecond=0).astimezone(ISRAEL))


def later(moment: dt.datetime, minutes: int) -> dt.datetime:
    return (moment.astimezone(dt.UTC) + dt.timedelta(minutes=minutes)).astimezone(ISRAEL)


@settings(max_examples=200, deadline=None)
@given(start=instants, length=st.integers(min_value=1, max_value=60 * 24 * 40))
def test_a_reminder_falls_between_the_promise_and_its_due(start, length):
    due = later(start, length)
    reminder = rules.reminder_at(start, due, CALENDAR)
    assert start.astimezone(dt.UTC) <= reminder.astimezone(dt.UTC) <= due.astimezone(dt.UTC)
    span = business_seconds_between(start, due, CALENDAR)
    left = business_seconds_between(reminder, due, CALENDAR)
    if span > 0:
        # Never more than the lead, never more than a fifth of the time given; and when
        # the office is open at all before the due, while it is open.
        assert left == min(rules.REMIND_LEAD_MINUTES * 60, span // 5)
        assert is_open(reminder, CALENDAR) or reminder == due
    else:
        assert reminder == start


@settings(max_examples=200, deadline=None)
@given(now=instants, ahead=st.integers(min_value=1, max_value=60 * 24 * 300))
def test_a_placed_due_is_a_working_moment_never_earlier_than_asked(now, ahead):
    requested = later(now, ahead)
    placement = rules.place_due(requested, now, CALENDAR)
    assert placement.problem is None
    assert placement.due.astimezone(dt.UTC) >= requested.astimezone(dt.UTC)
    assert rules.is_working_moment(placement.due, CALENDAR)
    if placement.is_moved:
        # The next opening: nothing of the calendar was open in between.
        assert not is_open(requested, CALENDAR)
        assert business_seconds_between(requested, placement.due, CALENDAR) == 0
    else:
        assert placement.due == requested


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("אבדוק מול הספק ואחזור אלייך מחר עד 12:00", "follow_up"),
        ("נעדכן אותך מחר בבוקר", "follow_up"),
        ("I'll look into it and get back to you tomorrow.", "follow_up"),
        ("אתקשר אלייך היום אחרי הצהריים", "callback"),
        ("נציג יתקשר אליך עד סוף היום", "callback"),
        ("I will call you back before noon.", "callback"),
        ("We'll give you a ring tomorrow morning.", "callback"),
        ("השליח יגיע אליך ביום שלישי", "delivery"),
        ("ההזמנה תגיע עד יום חמישי", "delivery"),
        ("Your package will be delivered on Tuesday.", "delivery"),
        ("We will ship the replacement router today.", "delivery"),
        ("הזיכוי יופיע בחשבון עד סוף השבוע", "refund"),
        ("נחזיר לך את הכסף תוך 3 ימי עסקים", "refund"),
        ("You'll get a full refund by Friday.", "refund"),
        ("Your account will be credited back within a week.", "refund"),
        # A refund that "arrives" is still a refund.
        ("ההחזר יגיע לחשבון שלך עד יום ראשון", "refund"),
    ],
)
def test_the_kind_of_a_detected_promise_is_guessed(text, kind):
    assert rules.guess_kind(text) == kind


@pytest.mark.parametrize(
    ("due", "bucket"),
    [
        (at(2026, 11, 19, 15), "overdue"),
        (at(2026, 11, 19, 15, 31), "today"),
        (at(2026, 11, 19, 23, 59), "today"),
        (at(2026, 11, 20, 0, 0), "week"),
        (at(2026, 11, 26, 23, 59), "week"),
        (at(2026, 11, 27, 0, 0), "later"),
    ],
)
def test_my_promises_are_cut_by_local_days(due, bucket):
    bounds = rules.day_bounds(THURSDAY_AFTERNOON, "Asia/Jerusalem")
    assert rules.bucket(due, bounds) == bucket


def test_today_ends_at_the_local_midnight_across_a_dst_change():
    # Israel leaves summer time on Sunday 25.10.2026: that day has 25 hours.
    bounds = rules.day_bounds(dt.datetime(2026, 10, 25, 6, 0, tzinfo=dt.UTC), "Asia/Jerusalem")
    assert bounds.tomorrow == at(2026, 10, 26, 0, 0)
    assert bounds.tomorrow.utcoffset() == dt.timedelta(hours=2)
    assert bounds.week_end == at(2026, 11, 2, 0, 0)


@pytest.mark.parametrize(
    ("on_time", "late", "broken", "ratio"),
    [(0, 0, 0, None), (3, 1, 0, 0.75), (0, 0, 2, 0.0), (1, 0, 1, 0.5), (4, 0, 0, 1.0)],
)
def test_the_kept_on_time_ratio_counts_kept_and_broken(on_time, late, broken, ratio):
    assert rules.on_time_ratio(on_time, late, broken) == ratio
