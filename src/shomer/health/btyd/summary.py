"""The RFM summary the models fit on: validation, the CSV reader, and the builder from
purchases. Errors name every bad customer by row (or CSV line) and say what is wrong."""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Literal, TypeVar

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
Unit = Literal["days", "weeks"]
K = TypeVar("K", bound=Hashable)
Check = tuple[npt.NDArray[np.bool_], Callable[[int], str]]

SUMMARY_COLUMNS = ("frequency", "recency", "T")
# Enough for a person to fix a file in one pass without drowning the terminal.
MAX_PROBLEMS_SHOWN = 20


class SummaryError(ValueError):
    """Invalid customer data; `problems` holds the findings, each led by its row label."""

    def __init__(self, problems: Sequence[str], more: int = 0) -> None:
        self.problems = list(problems)
        self.more = more
        text = "; ".join(self.problems)
        if more:
            text += f"; and {more} more"
        super().__init__(text)


def as_vector(values: npt.ArrayLike) -> FloatArray:
    return np.ascontiguousarray(np.asarray(values, dtype=np.float64).reshape(-1))


def number(value: float) -> str:
    """A value as a person would write it in a CSV: 40, 30.43, nan."""
    return format(float(value), ".10g")


def row_label(index: int) -> str:
    return f"row {index + 1}"


def raise_problems(checks: Sequence[Check], label: Callable[[int], str]) -> None:
    """Raise one SummaryError, in row order, for every row some (mask, message) flags."""
    found: list[tuple[int, int, str]] = []
    total = 0
    for order, (mask, message) in enumerate(checks):
        rows = np.flatnonzero(mask)
        total += rows.size
        found.extend((int(row), order, message(int(row))) for row in rows[:MAX_PROBLEMS_SHOWN])
    if total:
        found.sort()
        shown = [f"{label(row)}: {text}" for row, _, text in found[:MAX_PROBLEMS_SHOWN]]
        raise SummaryError(shown, more=total - len(shown))


def check_summary(
    frequency: FloatArray,
    recency: FloatArray,
    T: FloatArray,
    label: Callable[[int], str] = row_label,
) -> None:
    """Raise SummaryError naming every customer whose (frequency, recency, T) is impossible.

    frequency counts repeat purchases (a whole number >= 0); recency is the time of the last
    repeat purchase after the first purchase (0 when there is none); T is the time from the
    first purchase to the end of observation (> 0, else there is no history to learn from).
    """
    if not (len(frequency) == len(recency) == len(T)):
        raise SummaryError(["frequency, recency and T have different lengths"])
    if len(frequency) == 0:
        raise SummaryError(["no customers"])
    f, r, t = frequency, recency, T
    finite = np.isfinite(f) & np.isfinite(r) & np.isfinite(t)
    whole = finite & (f == np.floor(f))
    with np.errstate(invalid="ignore"):  # NaN compares false, as wanted
        checks: list[Check] = [
            (~np.isfinite(f), lambda i: f"frequency {number(f[i])} is not a finite number"),
            (~np.isfinite(r), lambda i: f"recency {number(r[i])} is not a finite number"),
            (~np.isfinite(t), lambda i: f"T {number(t[i])} is not a finite number"),
            (finite & (f < 0), lambda i: f"frequency {number(f[i])} is negative"),
            (
                finite & (f >= 0) & ~whole,
                lambda i: f"frequency {number(f[i])} is not a whole number of repeat purchases",
            ),
            (finite & (r < 0), lambda i: f"recency {number(r[i])} is negative"),
            (
                finite & (t <= 0),
                lambda i: (
                    f"T {number(t[i])} must be > 0 (no time observed since the first "
                    "purchase: no history)"
                ),
            ),
            (
                finite & (r >= 0) & (t > 0) & (r > t),
                lambda i: f"recency {number(r[i])} > T {number(t[i])} (a purchase in the future)",
            ),
            (
                finite & (f == 0) & (r > 0) & (r <= t),
                lambda i: (
                    f"recency {number(r[i])} with frequency 0: with no repeat purchase "
                    "recency must be 0"
                ),
            ),
            (
                whole & (f > 0) & (r == 0) & (t > 0),
                lambda i: (
                    f"recency 0 with frequency {number(f[i])}: a repeat purchase needs recency > 0"
                ),
            ),
        ]
    raise_problems(checks, label)


@dataclass(frozen=True)
class Summary:
    """One row per customer: repeat purchases, time of the last one, time observed.

    Times are in one unit (days or weeks, say) counted from each customer's first purchase.
    Only valid data makes one: the constructor runs `check_summary`.
    """

    frequency: FloatArray
    recency: FloatArray
    T: FloatArray

    def __post_init__(self) -> None:
        for name in SUMMARY_COLUMNS:
            object.__setattr__(self, name, as_vector(getattr(self, name)))
        check_summary(self.frequency, self.recency, self.T)

    def __len__(self) -> int:
        return len(self.frequency)


@dataclass(frozen=True)
class SummaryTable:
    """A parsed summary CSV: the cells as read (to write back out) and the summary."""

    header: list[str]
    rows: list[list[str]]
    line_numbers: list[int]
    summary: Summary


def parse_summary_csv(lines: Iterable[str]) -> SummaryTable:
    """Read a CSV with (at least) the columns frequency, recency, T; errors name CSV lines.

    Other columns (a customer id, say) are kept in the rows as they were; blank lines are
    skipped.
    """
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None:
        raise SummaryError(["the file is empty; expected a header line frequency,recency,T"])
    header = [cell.strip() for cell in header]
    if header:
        header[0] = header[0].removeprefix("\ufeff")
    missing = [name for name in SUMMARY_COLUMNS if name not in header]
    if missing:
        raise SummaryError(
            [f"line 1: missing column(s) {', '.join(missing)} (found: {', '.join(header)})"]
        )
    doubled = [name for name in SUMMARY_COLUMNS if header.count(name) > 1]
    if doubled:
        raise SummaryError([f"line 1: column(s) {', '.join(doubled)} appear more than once"])
    positions = [header.index(name) for name in SUMMARY_COLUMNS]
    rows: list[list[str]] = []
    line_numbers: list[int] = []
    columns: list[list[float]] = [[], [], []]
    problems: list[str] = []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        line = reader.line_num
        if len(row) != len(header):
            problems.append(f"line {line}: {len(row)} cells, but the header has {len(header)}")
            continue
        rows.append(row)
        line_numbers.append(line)
        for column, name, position in zip(columns, SUMMARY_COLUMNS, positions, strict=True):
            cell = row[position].strip()
            try:
                column.append(float(cell))
            except ValueError:
                problems.append(f"line {line}: {name} {cell!r} is not a number")
                column.append(math.nan)
    if problems:
        shown = problems[:MAX_PROBLEMS_SHOWN]
        raise SummaryError(shown, more=len(problems) - len(shown))
    if not rows:
        raise SummaryError(["no customers: the file has a header but no rows"])
    frequency, recency, T = (as_vector(column) for column in columns)
    check_summary(frequency, recency, T, label=lambda index: f"line {line_numbers[index]}")
    return SummaryTable(header, rows, line_numbers, Summary(frequency, recency, T))


def rfm_summary(
    transactions: Iterable[tuple[K, datetime]],
    *,
    observation_end: datetime,
    unit: Unit = "days",
) -> tuple[list[K], Summary]:
    """Build the RFM summary from (customer_id, purchased_at) pairs.

    Purchases are counted per calendar day (several on one day are one purchase occasion,
    as in the literature), days taken in observation_end's time zone when it has one.
    frequency = purchase days - 1; recency = last day - first day; T = observation_end's day
    - first day; in days, or in weeks (days / 7). Customers first seen on observation_end's
    own day have T = 0, nothing to learn from: they are left out, and the returned ids (in
    first-seen order) say who is in the summary. A purchase after observation_end is an
    error, as is mixing times with and without a zone.
    """
    if unit not in ("days", "weeks"):
        raise ValueError(f"unit must be 'days' or 'weeks', not {unit!r}")
    zone: tzinfo | None = observation_end.tzinfo
    days: dict[K, set[int]] = {}
    for customer, purchased_at in transactions:
        if (purchased_at.tzinfo is None) != (zone is None):
            raise ValueError(
                f"customer {customer!r}: purchase at {purchased_at.isoformat()} and observation "
                f"end {observation_end.isoformat()} must both have a time zone or both not"
            )
        if purchased_at > observation_end:
            raise ValueError(
                f"customer {customer!r}: purchase at {purchased_at.isoformat()} is after the "
                f"observation end {observation_end.isoformat()}"
            )
        local = purchased_at.astimezone(zone) if zone is not None else purchased_at
        days.setdefault(customer, set()).add(local.date().toordinal())
    scale = 7.0 if unit == "weeks" else 1.0
    end_day = observation_end.date().toordinal()
    customers: list[K] = []
    rows: list[tuple[float, float, float]] = []
    for customer, ordinals in days.items():
        first, last = min(ordinals), max(ordinals)
        if end_day - first <= 0:
            continue
        customers.append(customer)
        rows.append((len(ordinals) - 1.0, (last - first) / scale, (end_day - first) / scale))
    if not rows:
        raise SummaryError(["no customer has any time observed before observation_end"])
    frequency, recency, T = (as_vector(column) for column in zip(*rows, strict=True))
    return customers, Summary(frequency, recency, T)
