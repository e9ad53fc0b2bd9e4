"""CALENDAR parsing and bad input: clear ValueErrors, never a hang or a wrong date."""

from __future__ import annotations

import ast
import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import shomer.sla.calendar as engine
from shomer.sla.calendar import (
    MAX_BUSINESS_MINUTES,
    BusinessTimeError,
    Calendar,
    CalendarError,
    add_business_minutes,
    add_business_minutes_batch,
    business_minutes_between,
    due_batch,
    next_opening,
    to_epoch,
)

WEEK = {
    "sun": ["09:00-17:00"],
    "mon": ["09:00-17:00"],
    "tue": ["09:00-17:00"],
    "wed": ["09:00-17:00"],
    "thu": ["09:00-17:00"],
    "fri": ["09:00-13:00"],
    "sat": [],
}


def calendar_dict(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "timezone": "Asia/Jerusalem",
        "week": dict(WEEK),
        "holidays": "IL",
        "eve_hours": ["09:00-13:00"],
        "closed": ["2026-12-31"],
        "open": {"2026-09-12": ["10:00-12:00"]},
    }
    data.update(overrides)
    return data


def test_it_reads_the_contract_example_and_writes_it_back() -> None:
    data = calendar_dict()
    calendar = Calendar.from_dict(data)
    assert calendar.to_dict() == data
    assert Calendar.from_dict(calendar.to_dict()) == calendar
    assert hash(Calendar.from_dict(data)) == hash(calendar)


def test_it_normalises_touching_intervals_and_order() -> None:
    week = {"sun": ["13:00-17:00", "9:00-13:00"], "mon": ["00:00-24:00"], "sat": None}
    calendar = Calendar.from_dict({"timezone": "UTC", "week": week})
    assert calendar.to_dict()["week"]["sun"] == ["09:00-17:00"]
    assert calendar.to_dict()["week"]["mon"] == ["00:00-24:00"]
    assert calendar.to_dict()["week"]["tue"] == []
    assert calendar.to_dict()["week"]["sat"] == []
    assert calendar.to_dict()["holidays"] is None


def test_extra_keys_are_allowed() -> None:
    calendar = Calendar.from_dict(calendar_dict(name="צוות תמיכה", sla_team=7))
    assert calendar == Calendar.from_dict(calendar_dict())


BAD_CALENDARS = [
    ({"week": WEEK}, "'timezone' is missing"),
    (calendar_dict(timezone="Asia/Tel_Aviv_Nowhere"), "unknown time zone 'Asia/Tel_Aviv_Nowhere'"),
    (calendar_dict(timezone="../../etc/passwd"), "unknown time zone"),
    (calendar_dict(timezone=3), "expected an IANA zone name"),
    (
        calendar_dict(week={"sun": ["09:00-13:00", "12:00-17:00"]}),
        "12:00-17:00 overlaps 09:00-13:00",
    ),
    (calendar_dict(week={"sun": ["17:00-09:00"]}), "ends before it starts"),
    (calendar_dict(week={"sun": ["09:00-09:00"]}), "ends before it starts"),
    (calendar_dict(week={"sun": ["9-17"]}), "is not an interval 'HH:MM-HH:MM'"),
    (calendar_dict(week={"sun": ["09:00-25:00"]}), "does not exist on a clock"),
    (calendar_dict(week={"sun": ["09:60-10:00"]}), "does not exist on a clock"),
    (calendar_dict(week={"sun": ["24:30-24:45"]}), "does not exist on a clock"),
    (calendar_dict(week={"sun": "09:00-17:00"}), "expected a list"),
    (calendar_dict(week={"sun": [900]}), "must be a string"),
    (calendar_dict(week={"sunday": ["09:00-17:00"]}), "unknown day 'sunday'"),
    (calendar_dict(week={day: [] for day in WEEK}), "no working hours"),
    (calendar_dict(week={}), "no working hours"),
    (calendar_dict(week=None), "week: expected an object"),
    (calendar_dict(holidays="US"), "unknown calendar 'US'; known: IL"),
    (calendar_dict(holidays=True), "expected 'IL' or null"),
    (calendar_dict(eve_hours=["13:00-09:00"]), "eve_hours"),
    (calendar_dict(closed=["2026-02-30"]), "not a real date"),
    (calendar_dict(closed=["31/12/2026"]), "expected a date 'YYYY-MM-DD'"),
    (calendar_dict(closed="2026-12-31"), "closed: expected a list"),
    (calendar_dict(open={"2026-09-12": ["12:00-11:00"]}), "open.2026-09-12"),
    (calendar_dict(open=["2026-09-12"]), "open: expected an object"),
    (calendar_dict(closed=["2026-09-12"]), "2026-09-12 is both in 'closed' and in 'open'"),
    (calendar_dict(chol_hamoed_hours=["x"]), "chol_hamoed_hours"),
    ([1, 2], "expected an object"),
]


@pytest.mark.parametrize(("data", "message"), BAD_CALENDARS)
def test_a_bad_calendar_gets_a_readable_error(data: Any, message: str) -> None:
    with pytest.raises(CalendarError, match=message.replace("(", r"\(")) as raised:
        Calendar.from_dict(data)
    assert isinstance(raised.value, ValueError)


def test_a_calendar_built_directly_is_checked_too() -> None:
    with pytest.raises(CalendarError, match="sorted, disjoint"):
        Calendar(timezone="UTC", week=(((600, 500),),) + ((),) * 6)
    with pytest.raises(CalendarError, match="seven days"):
        Calendar(timezone="UTC", week=(((540, 1020),),))


START = dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC)


def test_billions_of_minutes_are_refused_at_once() -> None:
    calendar = Calendar.from_dict(calendar_dict())
    began = time.perf_counter()
    with pytest.raises(BusinessTimeError, match="at most 5,000,000"):
        add_business_minutes(START, 4_000_000_000, calendar)
    result = due_batch([to_epoch(START)], [10**15], calendar)
    assert result.error.tolist() == [2]
    assert time.perf_counter() - began < 5  # a guard against a hang, not a benchmark


def test_more_minutes_than_a_sparse_calendar_has_in_a_century_is_an_error() -> None:
    # One minute a week: about 5,200 minutes per century.
    sparse = Calendar.from_dict({"timezone": "UTC", "week": {"sun": ["09:00-09:01"]}})
    assert add_business_minutes(START, 5_000, sparse).year == 2122
    with pytest.raises(BusinessTimeError, match="in the 100 years after the start"):
        add_business_minutes(START, 6_000, sparse)
    result = due_batch([to_epoch(START)] * 2, [5_000, 6_000], sparse)
    assert result.error.tolist() == [0, 4]
    assert result.message(1) is not None and "100 years" in result.message(1)  # type: ignore[operator]


def test_the_largest_target_still_works_on_a_full_calendar() -> None:
    always = Calendar.from_dict({"timezone": "UTC", "week": {day: ["00:00-24:00"] for day in WEEK}})
    due = add_business_minutes(START, MAX_BUSINESS_MINUTES, always)
    assert due == START + dt.timedelta(minutes=MAX_BUSINESS_MINUTES)


@pytest.mark.parametrize(
    ("start", "message"),
    [
        (dt.datetime(1899, 12, 31, 12, tzinfo=dt.UTC), "start must fall between 1900-01-01"),
        (dt.datetime(2200, 1, 1, 12, tzinfo=dt.UTC), "start must fall between 1900-01-01"),
        (dt.datetime(2026, 6, 1, 10), "has no UTC offset"),
    ],
)
def test_a_start_out_of_range_or_without_offset_is_refused(
    start: dt.datetime, message: str
) -> None:
    with pytest.raises(BusinessTimeError, match=message):
        add_business_minutes(start, 10, Calendar.from_dict(calendar_dict()))


def test_minutes_must_be_a_whole_non_negative_number() -> None:
    calendar = Calendar.from_dict(calendar_dict())
    with pytest.raises(BusinessTimeError, match="zero or more"):
        add_business_minutes(START, -1, calendar)
    with pytest.raises(BusinessTimeError, match="whole number"):
        add_business_minutes(START, 1.5, calendar)  # type: ignore[arg-type]
    with pytest.raises(BusinessTimeError, match="whole number"):
        add_business_minutes(START, True, calendar)
    with pytest.raises(BusinessTimeError, match="element 0"):
        add_business_minutes_batch([to_epoch(START)], [-3], calendar)


def test_between_and_next_opening_refuse_instants_out_of_range() -> None:
    calendar = Calendar.from_dict(calendar_dict())
    with pytest.raises(BusinessTimeError, match="instants must fall between"):
        business_minutes_between(START, dt.datetime(1800, 1, 1, tzinfo=dt.UTC), calendar)
    with pytest.raises(BusinessTimeError, match="instants must fall between"):
        next_opening(dt.datetime(2400, 1, 1, tzinfo=dt.UTC), calendar)


def test_a_start_in_1900_and_one_in_2199_work_in_one_batch() -> None:
    calendar = Calendar.from_dict(calendar_dict())
    early = dt.datetime(1900, 1, 1, 12, tzinfo=calendar.zone)  # a Monday
    late = dt.datetime(2199, 12, 31, 12, tzinfo=calendar.zone)  # a Tuesday
    result = due_batch([to_epoch(early), to_epoch(late)], [60, 60], calendar)
    assert result.error.tolist() == [0, 0]
    assert result.due.tolist() == [to_epoch(early) + 3600, to_epoch(late) + 3600]


# Fuzz: whatever JSON comes in, the answer is a Calendar or a CalendarError.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
interval_text = st.one_of(
    st.from_regex(r"\A[0-9]{1,2}:[0-9]{2}-[0-9]{1,2}:[0-9]{2}\Z"), st.text(max_size=12)
)
calendar_like = st.fixed_dictionaries(
    {
        "timezone": st.sampled_from(["Asia/Jerusalem", "UTC", "Nowhere/City", "", "Europe/London"]),
        "week": st.dictionaries(
            st.sampled_from(["sun", "mon", "tue", "wed", "thu", "fri", "sat", "xyz"]),
            st.lists(interval_text, max_size=3) | json_values,
            max_size=7,
        ),
    },
    optional={
        "holidays": st.sampled_from(["IL", None, "US", 5]),
        "eve_hours": st.none() | st.lists(interval_text, max_size=2),
        "closed": st.lists(st.from_regex(r"\A20[0-9]{2}-[0-9]{2}-[0-9]{2}\Z"), max_size=3),
        "open": st.dictionaries(
            st.from_regex(r"\A20[0-9]{2}-[0-9]{2}-[0-9]{2}\Z"),
            st.lists(interval_text, max_size=2),
            max_size=2,
        ),
    },
)


@settings(max_examples=150, deadline=None)
@given(data=calendar_like | json_values)
def test_any_json_gives_a_calendar_or_a_calendar_error(data: Any) -> None:
    try:
        calendar = Calendar.from_dict(data)
    except CalendarError as error:
        assert str(error)
        return
    assert Calendar.from_dict(json.loads(json.dumps(calendar.to_dict()))) == calendar


def test_the_engine_modules_import_no_django() -> None:
    folder = Path(engine.__file__).parent
    for name in ("calendar.py", "calendar_spec.py", "intervals.py", "il_calendar.py", "rules.py"):
        tree = ast.parse((folder / name).read_text(encoding="utf-8"))
        imported = [
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        ]
        imported += [
            node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
        ]
        assert not [module for module in imported if module.split(".")[0] == "django"], name


def test_a_span_closed_day_by_day_for_two_years_is_skipped() -> None:
    first = dt.date(2026, 1, 1)
    closed = [(first + dt.timedelta(days=day)).isoformat() for day in range(731)]
    calendar = Calendar.from_dict(calendar_dict(closed=closed, open={}))
    start = dt.datetime(2026, 3, 1, 10, tzinfo=calendar.zone)
    # 1 January 2028 is a Saturday; Sunday 2 January opens at 09:00.
    expected = dt.datetime(2028, 1, 2, 9, 30, tzinfo=calendar.zone)
    assert add_business_minutes(start, 30, calendar) == expected
    assert add_business_minutes_batch([to_epoch(start)], [30], calendar).tolist() == [
        to_epoch(expected)
    ]
    assert business_minutes_between(start, expected, calendar) == 30
    assert next_opening(start, calendar) == dt.datetime(2028, 1, 2, 9, tzinfo=calendar.zone)
