"""The Israeli holidays ("IL") on their observed dates, checked against known dates."""

from __future__ import annotations

import datetime as dt

import holidays
import pytest
from pyluach import dates as hebrew_dates

from shomer.sla import il_calendar

D = dt.date


# Dates from the published calendars of 5786/5787 and 5787/5788 (checked with pyluach
# and with the `holidays` package).
KNOWN_HOLIDAYS = [
    (D(2026, 4, 2), "pesach_1"),
    (D(2026, 4, 8), "pesach_7"),
    (D(2026, 4, 22), "independence_day"),
    (D(2026, 5, 22), "shavuot"),
    (D(2026, 9, 12), "rosh_hashana_1"),
    (D(2026, 9, 13), "rosh_hashana_2"),
    (D(2026, 9, 21), "yom_kippur"),
    (D(2026, 9, 26), "sukkot"),
    (D(2026, 10, 3), "shemini_atzeret"),
    (D(2027, 4, 22), "pesach_1"),
    (D(2027, 4, 28), "pesach_7"),
    (D(2027, 5, 12), "independence_day"),
    (D(2027, 6, 11), "shavuot"),
    (D(2027, 10, 2), "rosh_hashana_1"),
    (D(2027, 10, 3), "rosh_hashana_2"),
    (D(2027, 10, 11), "yom_kippur"),
    (D(2027, 10, 16), "sukkot"),
    (D(2027, 10, 23), "shemini_atzeret"),
]


@pytest.mark.parametrize(("date", "key"), KNOWN_HOLIDAYS)
def test_it_knows_the_holiday_on_its_date(date: dt.date, key: str) -> None:
    holiday = il_calendar.holiday_on(date)
    assert holiday is not None
    assert holiday.key == key
    assert il_calendar.is_holiday(date)


def test_a_year_has_exactly_nine_closed_holidays() -> None:
    assert [h.date for h in il_calendar.holidays_in_year(2026)] == [
        date for date, _ in KNOWN_HOLIDAYS if date.year == 2026
    ]


@pytest.mark.parametrize(
    "date",
    [
        D(2026, 9, 11),  # eve of Rosh Hashana
        D(2026, 9, 27),  # Chol HaMoed Sukkot
        D(2026, 10, 4),  # Simchat Torah abroad; in Israel it is Shemini Atzeret, the day before
        D(2026, 4, 3),  # Chol HaMoed Pesach
        D(2026, 4, 9),  # the eighth day of Pesach is kept abroad only
        D(2026, 5, 23),  # the second day of Shavuot is kept abroad only
        D(2026, 4, 21),  # Memorial Day is a working day
        D(2026, 3, 3),  # Purim
        D(2026, 12, 25),
    ],
)
def test_working_days_around_the_holidays_are_not_holidays(date: dt.date) -> None:
    assert not il_calendar.is_holiday(date)
    assert il_calendar.holiday_on(date) is None


# Independence Day, 5 Iyar, moves: Friday -> Thursday 4 Iyar, Saturday -> Thursday 3 Iyar,
# Monday -> Tuesday 6 Iyar (from 5764 / 2004 on; before that a Monday stayed).
INDEPENDENCE_DAYS = [
    (5757, D(1997, 5, 12), "Mon", D(1997, 5, 12)),  # Monday, before the Monday rule
    (5761, D(2001, 4, 28), "Sat", D(2001, 4, 26)),
    (5764, D(2004, 4, 26), "Mon", D(2004, 4, 27)),  # the first year of the Monday rule
    (5779, D(2019, 5, 10), "Fri", D(2019, 5, 9)),
    (5782, D(2022, 5, 6), "Fri", D(2022, 5, 5)),
    (5783, D(2023, 4, 26), "Wed", D(2023, 4, 26)),
    (5784, D(2024, 5, 13), "Mon", D(2024, 5, 14)),
    (5785, D(2025, 5, 3), "Sat", D(2025, 5, 1)),
    (5786, D(2026, 4, 22), "Wed", D(2026, 4, 22)),
    (5787, D(2027, 5, 12), "Wed", D(2027, 5, 12)),
]


@pytest.mark.parametrize(("hebrew_year", "fifth_of_iyar", "weekday", "observed"), INDEPENDENCE_DAYS)
def test_independence_day_moves_off_friday_saturday_and_monday(
    hebrew_year: int, fifth_of_iyar: dt.date, weekday: str, observed: dt.date
) -> None:
    assert hebrew_dates.HebrewDate(hebrew_year, 2, 5).to_pydate() == fifth_of_iyar
    assert fifth_of_iyar.strftime("%a") == weekday
    assert il_calendar.independence_day(hebrew_year) == observed


def test_there_is_no_independence_day_before_1948() -> None:
    assert il_calendar.independence_day(5707) is None
    assert {h.key for h in il_calendar.holidays_in_year(1947)} == {
        "pesach_1",
        "pesach_7",
        "shavuot",
        "rosh_hashana_1",
        "rosh_hashana_2",
        "yom_kippur",
        "sukkot",
        "shemini_atzeret",
    }


def test_it_agrees_with_the_holidays_package_for_every_year_it_covers() -> None:
    for year in range(1949, 2101):
        ours = {holiday.date for holiday in il_calendar.holidays_in_year(year)}
        theirs = set(holidays.IL(years=year, categories=("public",)))
        assert ours == theirs, year


def test_chol_hamoed_is_the_intermediate_days_in_israel() -> None:
    assert sorted(il_calendar.chol_hamoed_dates(2026)) == [
        D(2026, 4, 3),
        D(2026, 4, 4),
        D(2026, 4, 5),
        D(2026, 4, 6),
        D(2026, 4, 7),
        D(2026, 9, 27),
        D(2026, 9, 28),
        D(2026, 9, 29),
        D(2026, 9, 30),
        D(2026, 10, 1),
        D(2026, 10, 2),  # Hoshana Rabba
    ]
    # The `holidays` package lists the same days, without Hoshana Rabba.
    optional = holidays.IL(years=2026, categories=("optional",), language="en_US")
    chol = {date for date, name in optional.items() if name in {"Pesach holiday", "Sukkot holiday"}}
    assert chol == il_calendar.chol_hamoed_dates(2026) - {D(2026, 10, 2)}


def test_holidays_have_english_and_hebrew_names() -> None:
    holiday = il_calendar.holiday_on(D(2026, 9, 21))
    assert holiday is not None
    assert (holiday.name_en, holiday.name_he) == ("Yom Kippur", "יום כיפור")
