"""Customer types: recognising the type in advance is "80% of the solution".

Pure: no Django, no clock. `customer_type(history)` places a customer in one type from
their history, with the reasons, by the first rule that matches in TYPE_ORDER (the most
consequential first: a hostile customer who is also new is handled as hostile).
docs/health.md lists the rules and thresholds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

HOSTILE: Final = "hostile"
BOUNDARY_LESS: Final = "boundary_less"
KNOW_IT_ALL: Final = "know_it_all"
CHRONIC: Final = "chronic"
SILENT: Final = "silent"
NEW: Final = "new"
LOYAL: Final = "loyal"
REGULAR: Final = "regular"
TYPE_ORDER: Final = (HOSTILE, BOUNDARY_LESS, KNOW_IT_ALL, CHRONIC, SILENT, NEW, LOYAL, REGULAR)

# New: a customer for less than this many days.
NEW_DAYS: Final = 90
# Know-it-all: messages read as "we know better than you", count and share.
KNOWS_BETTER_MIN: Final = 2
KNOWS_BETTER_SHARE: Final = 0.2
# Chronically dissatisfied: complaints over several tickets, or mostly negative messages
# over several tickets - not one bad week.
CHRONIC_COMPLAINTS: Final = 2
CHRONIC_NEGATIVE_SHARE: Final = 0.4
CHRONIC_MIN_TICKETS: Final = 3
# Silent: probably gone (P(alive) below this), or no contact and no purchase for this many
# days after having had some.
SILENT_P_ALIVE: Final = 0.5
SILENT_DAYS: Final = 120
# Loyal: a customer for a year or more, still buying, rarely unhappy, healthy.
LOYAL_DAYS: Final = 365
LOYAL_P_ALIVE: Final = 0.8
LOYAL_NEGATIVE_SHARE: Final = 0.2
LOYAL_HEALTH: Final = 70


@dataclass(slots=True)
class History:
    """What the type rules read. None: the source has nothing for this customer."""

    tenure_days: int | None = None
    tickets: int = 0  # in the type window (365 days)
    complaints: int = 0
    complaint_tickets: int = 0
    messages: int | None = None  # analysed customer messages
    negative_messages: int | None = None
    knows_better_messages: int | None = None
    p_alive: float | None = None
    days_since_contact: int | None = None
    days_since_purchase: int | None = None
    fit_verdict: str = ""
    health: int | None = None
    open_complaints: int = 0


@dataclass(slots=True)
class TypeReason:
    code: str
    params: Mapping[str, object] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "params": dict(self.params)}


@dataclass(slots=True)
class Placement:
    customer_type: str
    reasons: tuple[TypeReason, ...]

    def as_dict(self) -> dict[str, object]:
        return {"type": self.customer_type, "reasons": [r.as_dict() for r in self.reasons]}


def _share(part: int | None, whole: int | None) -> float:
    return part / whole if part is not None and whole else 0.0


def _hostile(h: History) -> list[TypeReason]:
    return [TypeReason("fit_hostile")] if h.fit_verdict == "hostile" else []


def _boundary_less(h: History) -> list[TypeReason]:
    return [TypeReason("fit_boundary_less")] if h.fit_verdict == "boundary_less" else []


def _know_it_all(h: History) -> list[TypeReason]:
    count = h.knows_better_messages or 0
    share = _share(count, h.messages)
    if count >= KNOWS_BETTER_MIN and share >= KNOWS_BETTER_SHARE:
        return [TypeReason("knows_better", {"count": count, "percent": round(100 * share)})]
    return []


def _chronic(h: History) -> list[TypeReason]:
    reasons = []
    if h.complaints >= CHRONIC_COMPLAINTS and h.complaint_tickets >= CHRONIC_COMPLAINTS:
        reasons.append(TypeReason("many_complaints", {"count": h.complaints}))
    negative = _share(h.negative_messages, h.messages)
    if h.tickets >= CHRONIC_MIN_TICKETS and negative >= CHRONIC_NEGATIVE_SHARE:
        reasons.append(
            TypeReason("mostly_negative", {"percent": round(100 * negative), "tickets": h.tickets})
        )
    return reasons


def _silent(h: History) -> list[TypeReason]:
    if h.p_alive is not None and h.p_alive < SILENT_P_ALIVE:
        return [TypeReason("p_alive_low", {"percent": round(100 * h.p_alive)})]
    quiet = [d for d in (h.days_since_contact, h.days_since_purchase) if d is not None]
    if quiet and min(quiet) >= SILENT_DAYS:
        return [TypeReason("quiet", {"days": min(quiet)})]
    return []


def _new(h: History) -> list[TypeReason]:
    if h.tenure_days is not None and h.tenure_days < NEW_DAYS:
        return [TypeReason("new_customer", {"days": max(h.tenure_days, 0)})]
    return []


def _loyal(h: History) -> list[TypeReason]:
    if h.tenure_days is None or h.tenure_days < LOYAL_DAYS:
        return []
    if h.p_alive is None or h.p_alive < LOYAL_P_ALIVE:
        return []
    if _share(h.negative_messages, h.messages) >= LOYAL_NEGATIVE_SHARE or h.open_complaints:
        return []
    if h.health is not None and h.health < LOYAL_HEALTH:
        return []
    return [
        TypeReason(
            "loyal",
            {"years": round(h.tenure_days / 365.25, 1), "percent": round(100 * h.p_alive)},
        )
    ]


RULES: Final = {
    HOSTILE: _hostile,
    BOUNDARY_LESS: _boundary_less,
    KNOW_IT_ALL: _know_it_all,
    CHRONIC: _chronic,
    SILENT: _silent,
    NEW: _new,
    LOYAL: _loyal,
}


def customer_type(history: History) -> Placement:
    for name in TYPE_ORDER[:-1]:
        if reasons := RULES[name](history):
            return Placement(name, tuple(reasons))
    return Placement(REGULAR, (TypeReason("no_pattern"),))
