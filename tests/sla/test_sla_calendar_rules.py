"""Due dates on real calendars: the Israeli week, holidays and eves, overrides, DST."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from shomer.sla.calendar import (
    BusinessTimeError,
    Calendar,
    add_business_minutes,
    add_business_minutes_batch,
    business_minutes_between,
    business_seconds_between,
    due_at,
    from_epoch,
    is_open,
    next_opening,
    scan_breaches,
    to_epoch,
)

JERUSALEM = ZoneInfo("Asia/Jerusalem")
D = dt.date
ALL_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def office(**overrides: Any) -> Calendar:
    """The usual Israeli office: Sunday-Thursday 09-17, Friday 09-13, IL holidays."""
    data: dict[str, Any] = {
        "timezone": "Asia/Jerusalem",
        "week": {
            "sun": ["09:00-17:00"],
            "mon": ["09:00-17:00"],
            "tue": ["09:00-17:00"],
            "wed": ["09:00-17:00"],
            "thu": ["09:00-17:00"],
            "fri": ["09:00-13:00"],
            "sat": [],
        },
        "holidays": "IL",
        "eve_hours": ["08:00-12:00"],
        "closed": [],
        "open": {},
    }
    data.update(overrides)
    return Calendar.from_dict(data)


def always_open(zone: str = "Asia/Jerusalem") -> Calendar:
    return Calendar.from_dict(
        {"timezone": zone, "week": {day: ["00:00-24:00"] for day in ALL_DAYS}, "holidays": None}
    )


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def due(start: str, minutes: int, calendar: Calendar) -> str:
    return add_business_minutes(at(start), minutes, calendar).isoformat()


# (start, minutes, due) on `office()`; comments say what each case is about.
OFFICE_CASES = [
    ("2026-06-01T10:00:00+03:00", 0, "2026-06-01T10:00:00+03:00"),  # open: due now
    ("2026-06-01T07:00:00+03:00", 0, "2026-06-01T09:00:00+03:00"),  # closed: next opening
    ("2026-06-01T10:00:00+03:00", 30, "2026-06-01T10:30:00+03:00"),
    ("2026-06-01T16:00:00+03:00", 60, "2026-06-01T17:00:00+03:00"),  # runs out at closing
    ("2026-06-01T16:00:00+03:00", 61, "2026-06-02T09:01:00+03:00"),
    ("2026-06-01T20:00:00+03:00", 60, "2026-06-02T10:00:00+03:00"),  # counted from opening
    ("2026-06-01T17:00:00+03:00", 1, "2026-06-02T09:01:00+03:00"),  # closing time is closed
    ("2026-06-01T07:00:00Z", 60, "2026-06-01T11:00:00+03:00"),  # any offset in, zone out
    ("2026-06-01T10:00:30.900000+03:00", 1, "2026-06-01T10:01:30+03:00"),  # whole seconds
    # Friday afternoon: Friday closes at 13:00, Saturday is off.
    ("2026-06-05T12:30:00+03:00", 30, "2026-06-05T13:00:00+03:00"),
    ("2026-06-05T12:30:00+03:00", 31, "2026-06-07T09:01:00+03:00"),
    ("2026-06-05T14:00:00+03:00", 480, "2026-06-07T17:00:00+03:00"),
    ("2026-06-06T11:00:00+03:00", 5, "2026-06-07T09:05:00+03:00"),  # Saturday
    # A full week: 5 x 480 + 240 = 2,640 minutes from Sunday's opening ends Friday 13:00.
    ("2026-06-07T09:00:00+03:00", 2640, "2026-06-12T13:00:00+03:00"),
    ("2026-06-07T09:00:00+03:00", 2641, "2026-06-14T09:01:00+03:00"),
    # Rosh Hashana 5787: Friday 11 Sep is its eve (08-12), Sat 12 and Sun 13 are closed.
    ("2026-09-10T16:00:00+03:00", 60, "2026-09-10T17:00:00+03:00"),
    ("2026-09-10T16:00:00+03:00", 61, "2026-09-11T08:01:00+03:00"),
    ("2026-09-10T16:00:00+03:00", 300, "2026-09-11T12:00:00+03:00"),
    ("2026-09-10T16:00:00+03:00", 301, "2026-09-14T09:01:00+03:00"),
    ("2026-09-12T10:00:00+03:00", 1, "2026-09-14T09:01:00+03:00"),
    # Yom Kippur (Mon 21 Sep): Sunday is its eve, Monday is closed.
    ("2026-09-20T11:00:00+03:00", 60, "2026-09-20T12:00:00+03:00"),
    ("2026-09-20T11:00:00+03:00", 61, "2026-09-22T09:01:00+03:00"),
    # Pesach 5786: Wed 1 Apr is its eve, Thu 2 Apr closed; Chol HaMoed works as usual here.
    ("2026-04-01T11:30:00+03:00", 30, "2026-04-01T12:00:00+03:00"),
    ("2026-04-01T11:30:00+03:00", 31, "2026-04-03T09:01:00+03:00"),
    # Independence Day (Wed 22 Apr 2026): Memorial Day on Tuesday gets the eve hours.
    ("2026-04-21T11:00:00+03:00", 120, "2026-04-23T10:00:00+03:00"),
    # Shavuot on Friday 22 May 2026: Thursday is its eve, Friday is closed.
    ("2026-05-21T07:00:00+03:00", 241, "2026-05-24T09:01:00+03:00"),
]


@pytest.mark.parametrize(("start", "minutes", "expected"), OFFICE_CASES)
def test_due_on_the_israeli_office_calendar(start: str, minutes: int, expected: str) -> None:
    assert due(start, minutes, office()) == expected


def test_due_at_is_the_same_function() -> None:
    assert due_at is add_business_minutes


DESCRIBED_DAYS = [
    (D(2026, 9, 11), "eve", ((8 * 60, 12 * 60),)),  # Friday before Rosh Hashana
    (D(2026, 9, 12), "holiday", ()),  # Rosh Hashana day 1 (the eve of day 2) stays closed
    (D(2026, 9, 13), "holiday", ()),
    (D(2026, 9, 20), "eve", ((8 * 60, 12 * 60),)),  # Sunday before Yom Kippur
    (D(2026, 9, 25), "eve", ((8 * 60, 12 * 60),)),  # Friday before Sukkot
    (D(2026, 9, 27), "week", ((9 * 60, 17 * 60),)),  # Chol HaMoed, no reduced hours set
    (D(2026, 10, 2), "eve", ((8 * 60, 12 * 60),)),  # Hoshana Rabba, eve of Shemini Atzeret
    (D(2026, 10, 3), "holiday", ()),
    (D(2026, 4, 7), "eve", ((8 * 60, 12 * 60),)),  # before the seventh day of Pesach
    (D(2026, 4, 21), "eve", ((8 * 60, 12 * 60),)),  # Memorial Day, eve of Independence Day
    (D(2026, 4, 22), "holiday", ()),
    (D(2026, 6, 6), "weekly-off", ()),
]


@pytest.mark.parametrize(("day", "reason", "hours"), DESCRIBED_DAYS)
def test_each_day_has_hours_for_a_reason(day: dt.date, reason: str, hours: tuple[Any]) -> None:
    assert office().describe_day(day) == (reason, hours)


def test_eve_hours_do_not_open_a_day_off() -> None:
    # Wednesday off: the eve of Pesach (Wed 1 Apr 2026) stays closed.
    calendar = office(week={"sun": ["09:00-17:00"], "thu": ["09:00-17:00"]})
    assert calendar.describe_day(D(2026, 4, 1)) == ("weekly-off", ())
    assert due("2026-03-31T12:00:00+03:00", 1, calendar) == "2026-04-05T09:01:00+03:00"


def test_without_holidays_eves_and_holidays_are_ordinary_days() -> None:
    calendar = office(holidays=None)
    assert calendar.describe_day(D(2026, 9, 21)) == ("week", ((9 * 60, 17 * 60),))
    assert due("2026-09-20T16:00:00+03:00", 61, calendar) == "2026-09-21T09:01:00+03:00"


def test_without_eve_hours_an_eve_keeps_its_weekly_hours() -> None:
    calendar = office(eve_hours=None)
    assert calendar.describe_day(D(2026, 9, 20)) == ("week", ((9 * 60, 17 * 60),))


def test_closed_and_open_win_over_everything() -> None:
    calendar = office(
        closed=["2026-09-20", "2026-06-02"],
        open={"2026-09-21": ["10:00-12:00"], "2026-06-06": ["10:00-11:00"]},
    )
    assert calendar.describe_day(D(2026, 9, 20)) == ("closed", ())  # an eve, closed
    assert calendar.describe_day(D(2026, 9, 21)) == ("open", ((600, 720),))  # Yom Kippur
    assert calendar.describe_day(D(2026, 6, 6)) == ("open", ((600, 660),))  # a Saturday
    assert due("2026-09-20T10:00:00+03:00", 90, calendar) == "2026-09-21T11:30:00+03:00"
    assert due("2026-06-01T16:30:00+03:00", 60, calendar) == "2026-06-03T09:30:00+03:00"
    assert due("2026-06-05T12:50:00+03:00", 20, calendar) == "2026-06-06T10:10:00+03:00"


def test_open_with_no_hours_closes_the_day() -> None:
    calendar = office(open={"2026-06-01": []})
    assert due("2026-06-01T08:00:00+03:00", 10, calendar) == "2026-06-02T09:10:00+03:00"


def test_chol_hamoed_hours_are_an_option() -> None:
    calendar = office(chol_hamoed_hours=["09:00-13:00"])
    assert calendar.describe_day(D(2026, 9, 28)) == ("chol_hamoed", ((540, 780),))
    # Hoshana Rabba is also the eve of Shemini Atzeret: the eve hours win.
    assert calendar.describe_day(D(2026, 10, 2))[0] == "eve"
    assert due("2026-09-28T12:00:00+03:00", 61, calendar) == "2026-09-29T09:01:00+03:00"
    assert calendar.to_dict()["chol_hamoed_hours"] == ["09:00-13:00"]


def test_several_intervals_a_day_count_only_the_working_parts() -> None:
    calendar = office(week={"sun": ["08:00-12:00", "13:00-17:00"]}, holidays=None)
    assert due("2026-06-07T11:30:00+03:00", 30, calendar) == "2026-06-07T12:00:00+03:00"
    assert due("2026-06-07T11:30:00+03:00", 31, calendar) == "2026-06-07T13:01:00+03:00"
    assert due("2026-06-07T12:30:00+03:00", 0, calendar) == "2026-06-07T13:00:00+03:00"


# Israel's clocks: forward on Friday 27 March 2026 at 02:00, back on Sunday 25 October.
DST_CASES = [
    # Office hours keep their wall-clock times; the offset changes under them.
    ("office", "2026-03-26T16:00:00+02:00", 120, "2026-03-27T10:00:00+03:00"),
    ("office", "2026-10-22T16:30:00+03:00", 300, "2026-10-25T09:30:00+02:00"),
    # Around the clock, a business day is 23 hours in March and 25 in October.
    ("always", "2026-03-27T00:00:00+02:00", 24 * 60, "2026-03-28T01:00:00+03:00"),
    ("always", "2026-10-25T00:00:00+03:00", 24 * 60, "2026-10-25T23:00:00+02:00"),
    # In the repeated hour the answer carries the right offset.
    ("always", "2026-10-25T00:30:00+03:00", 60, "2026-10-25T01:30:00+03:00"),
    ("always", "2026-10-25T00:30:00+03:00", 120, "2026-10-25T01:30:00+02:00"),
]


@pytest.mark.parametrize(("kind", "start", "minutes", "expected"), DST_CASES)
def test_dst_changes_in_jerusalem(kind: str, start: str, minutes: int, expected: str) -> None:
    assert JERUSALEM.utcoffset(dt.datetime(2026, 3, 26, 12)) == dt.timedelta(hours=2)
    assert JERUSALEM.utcoffset(dt.datetime(2026, 3, 27, 12)) == dt.timedelta(hours=3)
    calendar = office() if kind == "office" else always_open()
    assert due(start, minutes, calendar) == expected


def test_an_interval_starting_in_the_skipped_hour_opens_when_the_clock_jumps() -> None:
    calendar = Calendar.from_dict({"timezone": "Asia/Jerusalem", "week": {"fri": ["02:30-04:00"]}})
    # 02:30 does not exist on 27 March 2026; the clock goes 01:59:59 -> 03:00:00.
    assert due("2026-03-27T00:00:00+02:00", 0, calendar) == "2026-03-27T03:00:00+03:00"
    assert due("2026-03-27T00:00:00+02:00", 60, calendar) == "2026-03-27T04:00:00+03:00"
    assert due("2026-03-27T00:00:00+02:00", 61, calendar) == "2026-04-03T02:31:00+03:00"


def test_an_interval_in_the_repeated_hour_opens_at_its_first_occurrence() -> None:
    calendar = Calendar.from_dict({"timezone": "Asia/Jerusalem", "week": {"sun": ["01:30-03:00"]}})
    start = at("2026-10-25T00:00:00+03:00")
    # 01:30 (+03:00) to 03:00 (+02:00) is two and a half real hours.
    assert business_minutes_between(start, at("2026-10-25T05:00:00+02:00"), calendar) == 150
    assert due("2026-10-25T00:00:00+03:00", 60, calendar) == "2026-10-25T01:30:00+02:00"


def test_a_zone_far_from_israel_counts_in_its_own_wall_clock() -> None:
    calendar = Calendar.from_dict(
        {"timezone": "America/New_York", "week": {"mon": ["09:00-17:00"], "sun": ["09:00-17:00"]}}
    )
    # New York moves its clocks on Sunday 8 March 2026.
    assert due("2026-03-06T12:00:00-05:00", 480, calendar) == "2026-03-08T17:00:00-04:00"
    assert due("2026-03-06T12:00:00-05:00", 481, calendar) == "2026-03-09T09:01:00-04:00"


def test_is_open_and_next_opening() -> None:
    calendar = office()
    assert is_open(at("2026-06-01T09:00:00+03:00"), calendar)
    assert not is_open(at("2026-06-01T17:00:00+03:00"), calendar)
    assert not is_open(at("2026-09-21T10:00:00+03:00"), calendar)
    assert next_opening(at("2026-06-01T10:00:00+03:00"), calendar) == at("2026-06-01T10:00+03:00")
    assert next_opening(at("2026-09-10T18:00:00+03:00"), calendar) == at("2026-09-11T08:00+03:00")
    assert next_opening(at("2026-12-31T18:00:00+02:00"), calendar) == at("2027-01-01T09:00+02:00")


def test_business_time_between_two_instants() -> None:
    calendar = office()
    monday, wednesday = at("2026-06-01T16:00:00+03:00"), at("2026-06-03T10:30:00+03:00")
    assert business_seconds_between(monday, wednesday, calendar) == (60 + 480 + 90) * 60
    assert business_minutes_between(monday, wednesday, calendar) == 630.0
    assert business_minutes_between(wednesday, monday, calendar) == -630.0
    mid_minute = at("2026-06-01T10:00:20+03:00")
    assert business_minutes_between(at("2026-06-01T10:00+03:00"), mid_minute, calendar) == 20 / 60


def test_batch_gives_the_same_answers_as_one_at_a_time() -> None:
    calendar = office()
    starts = [at(start) for start, _, _ in OFFICE_CASES]
    minutes = np.array([minutes for _, minutes, _ in OFFICE_CASES])
    result = add_business_minutes_batch(np.array([to_epoch(s) for s in starts]), minutes, calendar)
    assert [from_epoch(int(s), calendar).isoformat() for s in result] == [
        expected for _, _, expected in OFFICE_CASES
    ]


def test_batch_reports_the_first_bad_element() -> None:
    start = to_epoch(at("2026-06-01T10:00:00+03:00"))
    with pytest.raises(BusinessTimeError, match="element 1: minutes must be zero or more"):
        add_business_minutes_batch(np.array([start, start]), np.array([5, -5]), office())


def test_breach_scan_marks_breached_and_warning_tickets() -> None:
    calendar = office()
    start = to_epoch(at("2026-06-01T09:00:00+03:00"))
    # Budgets of 480 business minutes: due Monday 17:00; now is Monday 16:00.
    now = at("2026-06-01T16:00:00+03:00")
    starts = np.array([start, start, start - 86_400, start + 3 * 3600], dtype=np.int64)
    dues = add_business_minutes_batch(starts, np.array([480, 60, 480, 480]), calendar)
    scan = scan_breaches(dues, now, calendar, starts=starts, warning_share=0.8)
    # 420 of 480 minutes used (87.5%) warns; the 60-minute ticket was due at 10:00; the one
    # started on Sunday 09:00 was due Sunday 17:00; the one started at 12:00 has used 240 of
    # its 480 minutes (50%) and is due Tuesday 12:00.
    assert scan.breached.tolist() == [False, True, True, False]
    assert scan.warning.tolist() == [True, False, False, False]
    assert scan.remaining_seconds.tolist() == [3600, 0, 0, (480 - 240) * 60]
    at_due = scan_breaches(dues[:1], int(dues[0]), calendar)
    assert at_due.breached.tolist() == [False]  # a reply at the due instant is on time


def test_breach_scan_rejects_a_warning_share_outside_zero_to_one() -> None:
    with pytest.raises(BusinessTimeError, match="warning_share"):
        scan_breaches(np.array([0]), 0, office(), warning_share=1.5)
