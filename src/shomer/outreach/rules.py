"""Pure rules of outreach: template variables, occasions (birthdays, anniversaries, monthly
check-ins), sending slots on the Israeli week, the collections ladder and instalment plans.

No Django import, no clock: every function takes the dates it needs.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_DOWN, Decimal
from typing import Final

# --- templates --------------------------------------------------------------------------------

# {name}: a variable; {{ and }} stand for literal braces.
_PLACEHOLDER: Final = re.compile(r"\{\{|\}\}|\{([a-z_]+)\}")
# Every template may use these; each key adds its own (see TEMPLATE_VARIABLES).
COMMON_VARIABLES: Final = ("first_name", "business", "owner_name", "customer")
TEMPLATE_VARIABLES: Final[Mapping[str, tuple[str, ...]]] = {
    "checkin": (),
    "birthday": (),
    "anniversary": ("years",),
    "after_sale": ("item", "amount"),
    "after_onboarding": (),
    "collection_1": ("amount", "due_date", "invoice_number"),
    "collection_2": ("amount", "due_date", "invoice_number", "instalments", "instalment_amount"),
    "collection_3": ("amount", "due_date", "invoice_number", "instalments", "instalment_amount"),
    "csat": ("ticket_subject", "ticket_number"),
    "nps": (),
    "exit": (),
}


def allowed_variables(key: str) -> tuple[str, ...]:
    return COMMON_VARIABLES + tuple(TEMPLATE_VARIABLES.get(key, ()))


def placeholders(text: str) -> list[str]:
    """The variable names `text` uses, in order of first use."""
    found: list[str] = []
    for match in _PLACEHOLDER.finditer(text):
        name = match.group(1)
        if name and name not in found:
            found.append(name)
    return found


def unknown_variables(text: str, allowed: Iterable[str]) -> list[str]:
    allowed_set = set(allowed)
    return [name for name in placeholders(text) if name not in allowed_set]


def render(text: str, variables: Mapping[str, str]) -> str:
    """Fill `{name}` from `variables`. An unknown name stays as written (editing rejects
    them, so this only guards older rows); the values are never parsed again, so a first
    name with braces in it is printed as it is."""

    def fill(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        return variables.get(match.group(1), token)

    return _PLACEHOLDER.sub(fill, text)


# --- occasions --------------------------------------------------------------------------------


def on_year(day: dt.date, year: int) -> dt.date:
    """The date's month and day in `year`; 29 February falls on 28 February in a common
    year (so someone born on it still gets a greeting)."""
    if day.month == 2 and day.day == 29 and not calendar.isleap(year):
        return dt.date(year, 2, 28)
    return dt.date(year, day.month, day.day)


def yearly_between(day: dt.date, start: dt.date, end: dt.date) -> list[dt.date]:
    """The yearly recurrences of `day` (birthday, anniversary) in [start, end], after `day`
    itself (an anniversary is not on the day one became a customer)."""
    found = []
    for year in range(start.year, end.year + 1):
        if year <= day.year:
            continue
        occurrence = on_year(day, year)
        if start <= occurrence <= end:
            found.append(occurrence)
    return found


def birthdays_between(birthday: dt.date, start: dt.date, end: dt.date) -> list[dt.date]:
    """Birthdays in [start, end] (the birth year itself included only if it is in range,
    which never happens for a date of birth in the past)."""
    found = []
    for year in range(start.year, end.year + 1):
        if year < birthday.year:
            continue
        occurrence = on_year(birthday, year)
        if start <= occurrence <= end:
            found.append(occurrence)
    return found


def add_months(day: dt.date, months: int, anchor_day: int | None = None) -> dt.date:
    """`day` moved by `months`, on `anchor_day` (default its own day) clamped to the month's
    length: 31 January + 1 month = 28 or 29 February."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(anchor_day or day.day, last))


def monthly_between(
    since: dt.date, start: dt.date, end: dt.date, every_months: int = 1
) -> list[dt.date]:
    """Check-in dates in [start, end]: every `every_months` months from `since`, on the day
    of the month `since` fell on. None when `every_months` is 0 (check-ins off)."""
    if every_months <= 0 or end < start:
        return []
    months = max(0, ((start.year - since.year) * 12 + start.month - since.month) // every_months)
    found: list[dt.date] = []
    while True:
        occurrence = add_months(since, months * every_months, since.day)
        if occurrence > end:
            return found
        if occurrence >= start and occurrence > since:
            found.append(occurrence)
        months += 1


# --- sending slots ----------------------------------------------------------------------------

FRIDAY: Final = 4
SATURDAY: Final = 5


def business_day_on_or_after(day: dt.date) -> dt.date:
    """The day itself, or Sunday when it falls on Friday or Saturday: business mail (check-ins,
    follow-ups, payment reminders) is not sent over the Israeli weekend."""
    if day.weekday() == FRIDAY:
        return day + dt.timedelta(days=2)
    if day.weekday() == SATURDAY:
        return day + dt.timedelta(days=1)
    return day


def slot(day: dt.date, hour: int, zone: dt.tzinfo) -> dt.datetime:
    """`hour`:00 local time on `day` in `zone` (aware)."""
    return dt.datetime.combine(day, dt.time(hour), tzinfo=zone)


# --- collections --------------------------------------------------------------------------------

# Days after the due date at which each reminder is due: a friendly note; an offer to spread
# the payment; a personal letter from the account owner. Never more, never a threat.
LADDER_DAYS: Final = (3, 14, 30)


def ladder_step_due(
    days_overdue: int, steps_done: Iterable[int], ladder: Sequence[int] = LADDER_DAYS
) -> int | None:
    """The next reminder step (1-based) due now, or None.

    Steps go in order: the next one is the first not done, and it is due once the invoice
    is that many days overdue. A step is never skipped because the invoice is very late:
    someone first reminded at 40 days gets the friendly note first, not the third letter.
    """
    done = set(steps_done)
    for step, days in enumerate(ladder, start=1):
        if step in done:
            continue
        return step if days_overdue >= days else None
    return None


CENT: Final = Decimal("0.01")


def split_amount(amount: Decimal, count: int) -> list[Decimal]:
    """`amount` in `count` instalments to the cent, the remainder on the first ones: they
    always add up to `amount` exactly and differ by at most one cent."""
    if count < 1:
        raise ValueError("an instalment plan needs at least one instalment")
    if amount < 0:
        raise ValueError("the amount cannot be negative")
    cents = int((amount / CENT).to_integral_value(rounding=ROUND_DOWN))
    base, extra = divmod(cents, count)
    return [(Decimal(base + (1 if i < extra else 0)) * CENT) for i in range(count)]


def instalment_schedule(
    amount: Decimal, count: int, first_due: dt.date
) -> list[tuple[int, dt.date, Decimal]]:
    """(number, due date, amount) of a plan: monthly from `first_due`, on its day of month."""
    return [
        (number, add_months(first_due, number - 1, first_due.day), part)
        for number, part in enumerate(split_amount(amount, count), start=1)
    ]


def format_amount(amount: Decimal, currency: str) -> str:
    """1234.5 ILS -> "₪1,234.50"; other currencies keep their code."""
    symbol = {"ILS": "₪", "USD": "$", "EUR": "€", "GBP": "£"}.get(currency.upper())
    number = f"{amount.quantize(CENT):,.2f}"
    return f"{symbol}{number}" if symbol else f"{number} {currency.upper()}"
