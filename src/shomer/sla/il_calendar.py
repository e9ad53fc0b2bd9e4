"""The Israeli business calendar: public holidays on their observed dates, and Chol HaMoed.

Pure (no Django). Hebrew dates come from `pyluach` (MIT), which knows the festivals but not
Independence Day, so its observed-date rule is written out here. The `holidays` package has
the same days but only for 1948-2100 and without Chol HaMoed, so it is used in tests as a
cross-check, not at run time.

"Holiday" here means the days on which work is not done (the SLA contract's "IL"): both days
of Rosh Hashana, Yom Kippur, the first day of Sukkot, Shemini Atzeret, the first and seventh
days of Pesach, Shavuot and Independence Day. Israel keeps one day of each festival.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from pyluach import dates as hebrew_dates

# Hebrew month numbers as pyluach counts them (Nissan is 1, Tishrei is 7).
NISSAN = 1
IYAR = 2
SIVAN = 3
TISHREI = 7

# pyluach weekdays: 1 is Sunday ... 7 is Saturday.
_MONDAY = 2
_FRIDAY = 6
_SATURDAY = 7

# Independence Day exists from 5 Iyar 5708 (14 May 1948); the rule that moves it off a
# Monday (so that Memorial Day does not follow the Sabbath) applies from 5764 (2004).
FIRST_INDEPENDENCE_YEAR = 5708
FIRST_MONDAY_RULE_YEAR = 5764

# The Gregorian year Y holds the spring of Hebrew year Y + 3760 and the autumn of Y + 3761.
_HEBREW_YEAR_OFFSET = 3760


@dataclass(frozen=True)
class Holiday:
    """One closed Israeli holiday on its observed Gregorian date."""

    date: dt.date
    key: str
    name_en: str
    name_he: str


# key -> (English name, Hebrew name)
HOLIDAY_NAMES: dict[str, tuple[str, str]] = {
    "rosh_hashana_1": ("Rosh Hashana (day 1)", "ראש השנה (יום א׳)"),
    "rosh_hashana_2": ("Rosh Hashana (day 2)", "ראש השנה (יום ב׳)"),
    "yom_kippur": ("Yom Kippur", "יום כיפור"),
    "sukkot": ("Sukkot", "סוכות"),
    "shemini_atzeret": ("Shemini Atzeret / Simchat Torah", "שמיני עצרת / שמחת תורה"),
    "pesach_1": ("Pesach (first day)", "פסח (יום ראשון)"),
    "pesach_7": ("Pesach (seventh day)", "שביעי של פסח"),
    "shavuot": ("Shavuot", "שבועות"),
    "independence_day": ("Independence Day", "יום העצמאות"),
}

# (key, Hebrew month, Hebrew day) of the fixed-date closed holidays.
_AUTUMN_DAYS = (
    ("rosh_hashana_1", TISHREI, 1),
    ("rosh_hashana_2", TISHREI, 2),
    ("yom_kippur", TISHREI, 10),
    ("sukkot", TISHREI, 15),
    ("shemini_atzeret", TISHREI, 22),
)
_SPRING_DAYS = (
    ("pesach_1", NISSAN, 15),
    ("pesach_7", NISSAN, 21),
    ("shavuot", SIVAN, 6),
)

# Chol HaMoed in Israel: 16-21 Tishrei (with Hoshana Rabba) and 16-20 Nissan.
_CHOL_HAMOED = ((TISHREI, range(16, 22)), (NISSAN, range(16, 21)))


def _gregorian(year: int, month: int, day: int) -> dt.date:
    pydate: dt.date = hebrew_dates.HebrewDate(year, month, day).to_pydate()
    return pydate


def independence_day(hebrew_year: int) -> dt.date | None:
    """The observed Independence Day of a Hebrew year (None before 5708).

    5 Iyar on a Friday or a Saturday moves back to Thursday (4 or 3 Iyar); on a Monday it
    moves to Tuesday (6 Iyar) from 5764 on. 5 Iyar never falls on a Sunday, Tuesday or
    Thursday.
    """
    if hebrew_year < FIRST_INDEPENDENCE_YEAR:
        return None
    weekday = hebrew_dates.HebrewDate(hebrew_year, IYAR, 5).weekday()
    day = 5
    if weekday == _FRIDAY:
        day = 4
    elif weekday == _SATURDAY:
        day = 3
    elif weekday == _MONDAY and hebrew_year >= FIRST_MONDAY_RULE_YEAR:
        day = 6
    return _gregorian(hebrew_year, IYAR, day)


def _holiday(date: dt.date, key: str) -> Holiday:
    name_en, name_he = HOLIDAY_NAMES[key]
    return Holiday(date=date, key=key, name_en=name_en, name_he=name_he)


@lru_cache(maxsize=512)
def holidays_in_year(year: int) -> tuple[Holiday, ...]:
    """The closed Israeli holidays whose observed date falls in Gregorian `year`, by date."""
    spring_year = year + _HEBREW_YEAR_OFFSET
    autumn_year = spring_year + 1
    found = [_holiday(_gregorian(spring_year, m, d), key) for key, m, d in _SPRING_DAYS]
    found += [_holiday(_gregorian(autumn_year, m, d), key) for key, m, d in _AUTUMN_DAYS]
    independence = independence_day(spring_year)
    if independence is not None:
        found.append(_holiday(independence, "independence_day"))
    return tuple(sorted(found, key=lambda holiday: holiday.date))


@lru_cache(maxsize=512)
def holiday_dates(year: int) -> frozenset[dt.date]:
    """The dates of `holidays_in_year(year)`, for fast membership tests."""
    return frozenset(holiday.date for holiday in holidays_in_year(year))


def is_holiday(date: dt.date) -> bool:
    """True when `date` is a closed Israeli holiday (observed date)."""
    return date in holiday_dates(date.year)


def holiday_on(date: dt.date) -> Holiday | None:
    """The closed Israeli holiday observed on `date`, if any."""
    for holiday in holidays_in_year(date.year):
        if holiday.date == date:
            return holiday
    return None


@lru_cache(maxsize=512)
def chol_hamoed_dates(year: int) -> frozenset[dt.date]:
    """The intermediate days of Sukkot and Pesach (as kept in Israel) in Gregorian `year`.

    Hoshana Rabba (21 Tishrei) is included; it is also the eve of Shemini Atzeret, and the
    calendar lets eve hours win on such a day.
    """
    spring_year = year + _HEBREW_YEAR_OFFSET
    found: set[dt.date] = set()
    for hebrew_year in (spring_year, spring_year + 1):
        for month, days in _CHOL_HAMOED:
            for day in days:
                date = _gregorian(hebrew_year, month, day)
                if date.year == year:
                    found.add(date)
    return frozenset(found)


def is_chol_hamoed(date: dt.date) -> bool:
    """True when `date` is one of the intermediate days of Sukkot or Pesach in Israel."""
    return date in chol_hamoed_dates(date.year)
