"""SLA fixtures: a settable clock, the support team's working calendar, known policies.

Tests build their own policies instead of relying on the migration's: a browser test's
flush empties the tables between tests.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from shomer.people.models import Team
from shomer.sla.models import BusinessCalendar, SlaPolicy

OFFICE_WEEK = {
    "timezone": "Asia/Jerusalem",
    "week": {
        "sun": ["09:00-17:00"],
        "mon": ["09:00-17:00"],
        "tue": ["09:00-17:00"],
        "wed": ["09:00-17:00"],
        "thu": ["09:00-17:00"],
        "fri": [],
        "sat": [],
    },
    "holidays": "IL",
    "eve_hours": ["09:00-13:00"],
    "closed": [],
    "open": {},
}


class Clock:
    """Stands in for django.utils.timezone.now; tests move it by hand."""

    def __init__(self) -> None:
        self.now = at("2026-11-01T10:00:00+02:00")

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, text: str) -> dt.datetime:
        self.now = at(text)
        return self.now


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def install_clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(timezone, "now", clock)
    return clock


def put_on_office(team: Team) -> Team:
    team.calendar = BusinessCalendar.objects.create(name="משרד תמיכה", spec=OFFICE_WEEK)
    team.save()
    return team


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return install_clock(monkeypatch)


@pytest.fixture
def support_on_office(support: Team) -> Team:
    return put_on_office(support)


@pytest.fixture
def office(support_on_office: Team) -> BusinessCalendar:
    assert support_on_office.calendar is not None
    return support_on_office.calendar


def policy(name: str, **fields: Any) -> SlaPolicy:
    return SlaPolicy.objects.create(name=name, **fields)


@pytest.fixture
def policies(db: None) -> dict[str, SlaPolicy]:
    return make_policies()


def make_policies() -> dict[str, SlaPolicy]:
    """Default 4 h first response, 2 h next, 16 h resolution, 1 h callback; urgent 30 min
    first response; complaints 60 min first response."""
    SlaPolicy.objects.all().delete()
    return {
        "default": policy(
            "ברירת מחדל",
            first_response_minutes=240,
            next_response_minutes=120,
            resolution_minutes=960,
            callback_minutes=60,
        ),
        "urgent": policy("דחוף", priority="urgent", first_response_minutes=30),
        "complaint": policy(
            "תלונה", kind="complaint", first_response_minutes=60, resolution_minutes=480
        ),
    }
