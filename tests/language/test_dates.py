from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shomer.language.dates import resolve_due

JERUSALEM = ZoneInfo("Asia/Jerusalem")
NEW_YORK = ZoneInfo("America/New_York")
# Sunday 23 November 2025, 10:30 in Jerusalem.
SUNDAY = datetime(2025, 11, 23, 10, 30, tzinfo=JERUSALEM)
THURSDAY_AFTERNOON = datetime(2025, 11, 27, 15, 45, tzinfo=JERUSALEM)
FRIDAY_EVENING = datetime(2025, 12, 5, 18, 20, tzinfo=JERUSALEM)


def due(text: str, sent_at: datetime = SUNDAY, tz: ZoneInfo = JERUSALEM) -> str | None:
    reading = resolve_due(text, sent_at, tz)
    return None if reading.due is None else reading.due.isoformat()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("אחזור אליך מחר עד 12:00", "2025-11-24T12:00:00+02:00"),
        ("נשלח עד יום שלישי", "2025-11-25T17:00:00+02:00"),
        ("ביום שלישי", "2025-11-25T17:00:00+02:00"),
        ("עד יום ג'", "2025-11-25T17:00:00+02:00"),
        ("בעוד שבועיים", "2025-12-07T17:00:00+02:00"),
        ("ב-1.12", "2025-12-01T17:00:00+02:00"),
        ("עד ה-20 בנובמבר", "2026-11-20T17:00:00+02:00"),
        ("מחר בעשר", "2025-11-24T10:00:00+02:00"),
        ("מחר ב-10:00", "2025-11-24T10:00:00+02:00"),
        ("מחר בחמש וחצי", "2025-11-24T17:30:00+02:00"),
        ("מחר בשמונה בבוקר", "2025-11-24T08:00:00+02:00"),
        ("מחרתיים", "2025-11-25T17:00:00+02:00"),
        ("עד סוף היום", "2025-11-23T17:00:00+02:00"),
        ("תוך 3 ימי עסקים", "2025-11-26T17:00:00+02:00"),
        ("בעוד שלושה ימים", "2025-11-26T17:00:00+02:00"),
        ("בשבוע הבא", "2025-12-04T17:00:00+02:00"),
        ("בתחילת השבוע הבא", "2025-11-30T17:00:00+02:00"),
        ("עד סוף השבוע", "2025-11-27T17:00:00+02:00"),
        ("עד סוף החודש", "2025-11-30T17:00:00+02:00"),
        ("הערב", "2025-11-23T20:00:00+02:00"),
        ("אחרי הצהריים", "2025-11-23T17:00:00+02:00"),
        ("בין 8 ל-12 מחר", "2025-11-24T12:00:00+02:00"),
        ("עד 12", "2025-11-23T12:00:00+02:00"),
        ("עד 9:00", "2025-11-24T09:00:00+02:00"),
        ("ב-10.30", "2025-11-24T10:30:00+02:00"),
        ("ב-1 בינואר", "2026-01-01T17:00:00+02:00"),
        ("ב-20 לחודש", "2025-12-20T17:00:00+02:00"),
        ("בעוד חצי שעה", "2025-11-23T11:00:00+02:00"),
        ("תוך 24 שעות", "2025-11-24T10:30:00+02:00"),
        ("by Tuesday EOD", "2025-11-25T17:00:00+02:00"),
        ("within 2 hours", "2025-11-23T12:30:00+02:00"),
        ("in an hour and a half", "2025-11-23T12:00:00+02:00"),
        ("within the hour", "2025-11-23T11:30:00+02:00"),
        ("by 5 December", "2025-12-05T17:00:00+02:00"),
        ("by December 3rd", "2025-12-03T17:00:00+02:00"),
        ("on 1/12/2026", "2026-12-01T17:00:00+02:00"),
        ("by Sat", "2025-11-29T17:00:00+02:00"),
        ("by Sunday", "2025-11-30T17:00:00+02:00"),
        ("at 3", "2025-11-23T15:00:00+02:00"),
        ("at 9", "2025-11-24T09:00:00+02:00"),
        ("at 3pm tomorrow", "2025-11-24T15:00:00+02:00"),
        ("by tomorrow noon", "2025-11-24T12:00:00+02:00"),
        ("by end of week", "2025-11-27T17:00:00+02:00"),
        ("by the 20th", "2025-12-20T17:00:00+02:00"),
    ],
)
def test_resolve_due_in_jerusalem_on_a_sunday_morning(text: str, expected: str) -> None:
    assert due(text) == expected


@pytest.mark.parametrize(
    "text",
    ["later today", "בהקדם", "בהקדם האפשרי", "בימים הקרובים", "soon", "as soon as possible",
     "in a few days", "מאוחר יותר", "shortly"],
)  # fmt: skip
def test_vague_phrases_have_no_due(text: str) -> None:
    reading = resolve_due(text, SUNDAY, JERUSALEM)
    assert reading.due is None
    assert reading.is_vague


@pytest.mark.parametrize("text", ["We will send it", "sat down with the team", "שלחתי אתמול"])
def test_no_time_expression(text: str) -> None:
    reading = resolve_due(text, SUNDAY, JERUSALEM)
    assert reading.due is None
    assert not reading.has_time_expression


def test_today_after_business_hours_ends_at_midnight() -> None:
    assert due("אשלח את זה היום", FRIDAY_EVENING) == "2025-12-05T23:59:00+02:00"
    assert due("I'll reply by EOD", FRIDAY_EVENING) == "2025-12-05T23:59:00+02:00"


def test_a_passed_hour_rolls_to_tomorrow() -> None:
    assert due("עד 12", THURSDAY_AFTERNOON) == "2025-11-28T12:00:00+02:00"


def test_the_same_weekday_means_next_week() -> None:
    assert due("נחזור אליך ביום ראשון") == "2025-11-30T17:00:00+02:00"


def test_business_days_skip_the_israeli_weekend() -> None:
    assert due("תוך 2 ימי עבודה", FRIDAY_EVENING) == "2025-12-08T17:00:00+02:00"
    assert due("תוך יום עסקים", THURSDAY_AFTERNOON) == "2025-11-30T17:00:00+02:00"


def test_business_days_skip_saturday_and_sunday_elsewhere() -> None:
    friday = datetime(2025, 12, 12, 9, 30, tzinfo=NEW_YORK)
    assert due("within 7 business days", friday, NEW_YORK) == "2025-12-23T17:00:00-05:00"
    assert due("next week", friday, NEW_YORK) == "2025-12-19T17:00:00-05:00"


def test_exact_durations_cross_a_dst_change_in_real_time() -> None:
    # Israel moved to summer time at 02:00 on Friday 27 March 2026.
    sent = datetime(2026, 3, 26, 16, 0, tzinfo=JERUSALEM)
    assert due("תוך 12 שעות", sent) == "2026-03-27T05:00:00+03:00"
    assert due("מחר בעשר", sent) == "2026-03-27T10:00:00+03:00"


def test_sent_at_in_another_zone_is_read_in_the_message_zone() -> None:
    sent_utc = datetime(2025, 11, 23, 8, 30, tzinfo=ZoneInfo("UTC"))
    assert due("מחר עד 12:00", sent_utc) == "2025-11-24T12:00:00+02:00"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200), st.integers(min_value=0, max_value=400 * 24))
def test_resolve_due_never_fails_and_answers_in_the_zone(text: str, hours: int) -> None:
    sent = SUNDAY + timedelta(hours=hours)
    reading = resolve_due(text, sent, JERUSALEM)
    if reading.due is not None:
        assert reading.due.tzinfo is JERUSALEM
        assert reading.due > sent - timedelta(days=1)
