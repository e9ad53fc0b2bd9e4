"""Pure rules of the complaint workflow and of staff exposure: no Django, no clock.

- `blockers_to_resolve`: what stops a complaint from moving to resolved (the employee it
  names not yet heard, no manager review, no verdict).
- `follow_up_due`: when the follow-up check falls, on the team's working calendar.
- `is_strong_dissatisfaction`: when the ticket page proposes "this is a complaint".
- `after_hours_mask`, `minutes_after_hours`: staff work outside the working calendar, for
  the exposure report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from shomer.sla.calendar import Calendar, business_seconds_between_batch, next_opening

# A follow-up check this many calendar days after the resolution, at the next working
# moment of the team's calendar ("a few days later": long enough to know if the fix held).
FOLLOW_UP_DAYS: Final = 3
# The proposal on the ticket page: a customer message this negative and this dissatisfied
# (the "angry" badge's thresholds, shomer.analysis.models), or any message whose
# dissatisfaction alone reaches STRONG_DISSATISFACTION (cancel, refund, "third time", ...).
PROPOSE_SENTIMENT: Final = -0.85
PROPOSE_DISSATISFACTION: Final = 0.8
STRONG_DISSATISFACTION: Final = 0.9

# Codes of what blocks the resolution (the services turn them into sentences).
NOT_ACKNOWLEDGED: Final = "not_acknowledged"
NOT_INVESTIGATED: Final = "not_investigated"
EMPLOYEE_NOT_HEARD: Final = "employee_not_heard"
NOT_REVIEWED: Final = "not_reviewed"
NO_VERDICT: Final = "no_verdict"
NO_RESOLUTION: Final = "no_resolution"


@dataclass(frozen=True)
class NamedEmployee:
    """An employee a complaint names: active or not, and how they were heard so far
    (entry kinds: "answer", "meeting", "on_behalf", in any round)."""

    employee_id: int
    is_active: bool
    heard: frozenset[str]

    @property
    def is_included(self) -> bool:
        """An employee on staff is heard through their own answer or a meeting with them;
        one who has left, also through a manager answering for them."""
        if self.is_active:
            return bool(self.heard & {"answer", "meeting"})
        return bool(self.heard)


def blockers_to_resolve(
    *,
    is_acknowledged: bool,
    is_investigated: bool,
    employees: Sequence[NamedEmployee],
    is_reviewed: bool,
    has_verdict: bool,
    resolution: str | None,
) -> list[tuple[str, int | None]]:
    """What must happen before the complaint may be resolved, as (code, employee id)
    pairs in the order the steps run; empty when nothing blocks it. `resolution` None:
    what was done is not asked yet (the page shows what else is missing)."""
    blockers: list[tuple[str, int | None]] = []
    if not is_acknowledged:
        blockers.append((NOT_ACKNOWLEDGED, None))
    if not is_investigated:
        blockers.append((NOT_INVESTIGATED, None))
    for employee in employees:
        if not employee.is_included:
            blockers.append((EMPLOYEE_NOT_HEARD, employee.employee_id))
    if employees and not is_reviewed:
        blockers.append((NOT_REVIEWED, None))
    if not has_verdict:
        blockers.append((NO_VERDICT, None))
    if resolution is not None and not resolution.strip():
        blockers.append((NO_RESOLUTION, None))
    return blockers


def follow_up_due(resolved_at: dt.datetime, calendar: Calendar) -> dt.datetime:
    """FOLLOW_UP_DAYS after the resolution, moved to the next working moment."""
    return next_opening(resolved_at + dt.timedelta(days=FOLLOW_UP_DAYS), calendar)


def is_strong_dissatisfaction(sentiment: float, dissatisfaction: float) -> bool:
    return (
        sentiment <= PROPOSE_SENTIMENT and dissatisfaction >= PROPOSE_DISSATISFACTION
    ) or dissatisfaction >= STRONG_DISSATISFACTION


def after_hours_mask(instants: npt.ArrayLike, calendar: Calendar) -> npt.NDArray[np.bool_]:
    """For each instant (epoch seconds), whether it falls outside the calendar's hours."""
    moments = np.asarray(instants, dtype=np.int64)
    if moments.size == 0:
        return np.zeros(0, dtype=bool)
    open_seconds = business_seconds_between_batch(moments, moments + 1, calendar)
    result: npt.NDArray[np.bool_] = open_seconds == 0
    return result


def minutes_after_hours(
    ends: npt.ArrayLike, minutes: npt.ArrayLike, calendar: Calendar
) -> npt.NDArray[np.int64]:
    """For each piece of work of `minutes` that ended at `ends` (epoch seconds), how many
    of its minutes fell outside the calendar's hours (rounded to the minute)."""
    end = np.asarray(ends, dtype=np.int64)
    length = np.asarray(minutes, dtype=np.int64)
    if end.size == 0:
        return np.zeros(0, dtype=np.int64)
    inside = business_seconds_between_batch(end - 60 * length, end, calendar)
    outside: npt.NDArray[np.int64] = np.round((60 * length - inside) / 60).astype(np.int64)
    return outside


@dataclass(frozen=True)
class ExposureRow:
    """One member of staff's exposure over a period."""

    user_id: int
    incidents: int
    severe_incidents: int
    revealed: int
    replies: int
    replies_after_hours: int
    minutes: int
    minutes_after_hours: int

    @property
    def after_hours_share(self) -> float | None:
        """The share of replies sent outside working hours, None with no replies."""
        return self.replies_after_hours / self.replies if self.replies else None


@dataclass(frozen=True)
class Assignment:
    """A change of a ticket's assignee (from the audit log): at, old, new."""

    at: dt.datetime
    old: int | None
    new: int | None


def assignee_at(
    moment: dt.datetime, changes: Sequence[Assignment], current: int | None
) -> int | None:
    """Who had the ticket at `moment`: the assignee set by the last change before it; with
    none before, the one the first later change replaced; with no changes, `current`."""
    ordered = sorted(changes, key=lambda change: change.at)
    before = [change for change in ordered if change.at <= moment]
    if before:
        return before[-1].new
    if ordered:
        return ordered[0].old
    return current
