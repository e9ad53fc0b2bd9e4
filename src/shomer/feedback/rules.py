"""Pure rules of surveys: scales, who is unhappy, fatigue, NPS and CSAT figures, the trend.

No Django import, no clock: dates and instants come in as arguments.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

CSAT: Final = "csat"
NPS: Final = "nps"
EXIT: Final = "exit"

# (lowest, highest) rating of each kind. The exit survey asks for an overall 1-5 rating.
SCALES: Final = {CSAT: (1, 5), NPS: (0, 10), EXIT: (1, 5)}
# At or below this an answer is unhappy and opens a fast-track complaint.
UNHAPPY_AT_MOST: Final = {CSAT: 2, NPS: 6, EXIT: 2}
# CSAT "satisfied" is 4 or 5 (the usual top-two-box); NPS promoters 9-10, detractors 0-6.
CSAT_SATISFIED_AT_LEAST: Final = 4
NPS_PROMOTER_AT_LEAST: Final = 9


def valid_rating(kind: str, rating: int) -> bool:
    low, high = SCALES[kind]
    return low <= rating <= high


def is_unhappy(kind: str, rating: int) -> bool:
    return rating <= UNHAPPY_AT_MOST[kind]


def normalised(kind: str, rating: int) -> float:
    """The rating on [0, 1] (what customer health reads): CSAT 1 -> 0, 5 -> 1; NPS 0 -> 0,
    10 -> 1."""
    low, high = SCALES[kind]
    return (rating - low) / (high - low)


def nps_group(rating: int) -> str:
    if rating >= NPS_PROMOTER_AT_LEAST:
        return "promoter"
    if rating <= UNHAPPY_AT_MOST[NPS]:
        return "detractor"
    return "passive"


def nps_score(ratings: Sequence[int]) -> float | None:
    """Percent promoters minus percent detractors, in [-100, 100]; None without answers."""
    if not ratings:
        return None
    promoters = sum(1 for r in ratings if nps_group(r) == "promoter")
    detractors = sum(1 for r in ratings if nps_group(r) == "detractor")
    return 100.0 * (promoters - detractors) / len(ratings)


def csat_percent(ratings: Sequence[int]) -> float | None:
    """Percent of CSAT answers that are 4 or 5; None without answers."""
    if not ratings:
        return None
    return 100.0 * sum(1 for r in ratings if r >= CSAT_SATISFIED_AT_LEAST) / len(ratings)


def distribution(kind: str, ratings: Iterable[int]) -> list[int]:
    """How many answers gave each rating of the scale, lowest first."""
    low, high = SCALES[kind]
    counts = [0] * (high - low + 1)
    for rating in ratings:
        counts[rating - low] += 1
    return counts


def fatigue_allows(last_sent_at: dt.datetime | None, now: dt.datetime, fatigue_days: int) -> bool:
    """Whether a customer last surveyed at `last_sent_at` may get another survey at `now`:
    not more than one survey per customer in any `fatigue_days` days."""
    return last_sent_at is None or now - last_sent_at >= dt.timedelta(days=fatigue_days)


def nps_due(
    last_nps_at: dt.datetime | None,
    customer_since: dt.date | None,
    today: dt.date,
    cadence_days: int,
) -> bool:
    """Whether a customer is due a periodic NPS survey: `cadence_days` after the last one,
    and a first one once they have been a customer for `cadence_days` (a new customer has
    no opinion of the relationship yet). A cadence of 0 turns NPS off."""
    if cadence_days <= 0:
        return False
    if last_nps_at is not None:
        return today - last_nps_at.date() >= dt.timedelta(days=cadence_days)
    return customer_since is None or today - customer_since >= dt.timedelta(days=cadence_days)


@dataclass(frozen=True, slots=True)
class WeekPoint:
    week_start: dt.date
    answers: int
    satisfied_percent: float | None
    mean: float | None


def week_start(day: dt.date) -> dt.date:
    """The Sunday that starts `day`'s week (the Israeli week)."""
    return day - dt.timedelta(days=(day.weekday() + 1) % 7)


def csat_trend(
    answers: Iterable[tuple[dt.date, int]], today: dt.date, weeks: int
) -> list[WeekPoint]:
    """CSAT by week for the last `weeks` weeks up to `today`'s week, oldest first; weeks
    without answers are present with None figures (a gap in the line, not a zero)."""
    first = week_start(today) - dt.timedelta(weeks=weeks - 1)
    buckets: dict[dt.date, list[int]] = {first + dt.timedelta(weeks=i): [] for i in range(weeks)}
    for day, rating in answers:
        start = week_start(day)
        if start in buckets:
            buckets[start].append(rating)
    return [
        WeekPoint(
            start,
            len(ratings),
            csat_percent(ratings),
            sum(ratings) / len(ratings) if ratings else None,
        )
        for start, ratings in buckets.items()
    ]
