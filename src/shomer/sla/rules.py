"""SLA rules over plain data: which policy sets each target, and a timer's schedule.

Pure (no Django, no clock): the services in `shomer.sla.services` load policies and tickets
and call these. docs/sla.md explains the rules.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from shomer.sla.calendar import Calendar, add_business_seconds

# The four targets, in the order pages show them.
FIRST_RESPONSE: Final = "first_response"
NEXT_RESPONSE: Final = "next_response"
RESOLUTION: Final = "resolution"
CALLBACK: Final = "callback"
TARGETS: Final = (FIRST_RESPONSE, NEXT_RESPONSE, RESOLUTION, CALLBACK)

# What a policy can match on, in the order that breaks ties between equally specific
# policies when choosing warning and escalation shares (see `choose_targets`).
MATCH_FIELDS: Final = ("kind", "priority", "tier", "channel")


@dataclass(frozen=True)
class PolicyRow:
    """One SLA policy as plain data. A blank match field matches anything; a target of
    None is not set by this policy (a less specific policy's value applies)."""

    id: int
    minutes: Mapping[str, int | None]
    kind: str = ""
    priority: str = ""
    tier: str = ""
    channel: str = ""
    warning_percent: int = 80
    escalate_percent: int = 50

    def matches(self, facts: Mapping[str, str]) -> bool:
        return all(
            not getattr(self, field) or getattr(self, field) == facts.get(field, "")
            for field in MATCH_FIELDS
        )

    @property
    def specificity(self) -> int:
        return sum(1 for field in MATCH_FIELDS if getattr(self, field))


@dataclass(frozen=True)
class TargetChoice:
    """The budget of one target for one ticket, and the policy it came from."""

    policy_id: int
    minutes: int
    warning_percent: int
    escalate_percent: int


def choose_targets(
    policies: Iterable[PolicyRow], facts: Mapping[str, str]
) -> dict[str, TargetChoice]:
    """The budget of each target for a ticket with `facts` (kind, priority, tier, channel).

    Per target, the most specific matching policy that sets it wins (the one with the most
    match fields filled in). Between equally specific ones the stricter (fewer minutes)
    wins, so an urgent complaint gets the shorter of the urgent and the complaint targets;
    on equal minutes the lower policy id wins, so the choice never depends on load order.
    """
    matching = [policy for policy in policies if policy.matches(facts)]
    chosen: dict[str, TargetChoice] = {}
    for target in TARGETS:
        candidates = [
            (-policy.specificity, minutes, policy.id, policy)
            for policy in matching
            if (minutes := policy.minutes.get(target)) is not None
        ]
        if not candidates:
            continue
        _, minutes, _, policy = min(candidates, key=lambda item: item[:3])
        chosen[target] = TargetChoice(
            policy_id=policy.id,
            minutes=minutes,
            warning_percent=policy.warning_percent,
            escalate_percent=policy.escalate_percent,
        )
    return chosen


@dataclass(frozen=True)
class Schedule:
    """When a running timer warns, breaches and reaches the manager (aware datetimes)."""

    warn_at: dt.datetime
    due_at: dt.datetime
    escalate_at: dt.datetime


def schedule(
    resumed_at: dt.datetime,
    *,
    minutes: int,
    used_seconds: int,
    warning_percent: int,
    escalate_percent: int,
    calendar: Calendar,
) -> Schedule:
    """The schedule of a timer counting again from `resumed_at` with `used_seconds` of its
    `minutes` budget already spent (business time).

    It warns once `warning_percent` of the budget is used, is due when all of it is, and
    goes to the manager `escalate_percent` of the budget (business time) after the due.
    A warning point already passed gives `resumed_at` (or the next opening).
    """
    budget = minutes * 60
    remaining = max(budget - used_seconds, 0)
    warn_point = math.ceil(budget * warning_percent / 100)
    due_at = add_business_seconds(resumed_at, remaining, calendar)
    warn_at = add_business_seconds(resumed_at, max(warn_point - used_seconds, 0), calendar)
    escalate_at = add_business_seconds(due_at, math.ceil(budget * escalate_percent / 100), calendar)
    return Schedule(warn_at=min(warn_at, due_at), due_at=due_at, escalate_at=escalate_at)


def format_business_time(seconds: int) -> str:
    """Business time as hours and minutes, "1:45" (minutes rounded up while time is left:
    "0:01" until the last second, never a misleading "0:00")."""
    minutes = math.ceil(abs(seconds) / 60)
    return f"{minutes // 60}:{minutes % 60:02d}"
