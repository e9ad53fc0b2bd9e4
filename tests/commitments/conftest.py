"""Promise fixtures: a settable clock, team calendars, and a helper that makes a promise.

The clock stands in for `django.utils.timezone.now`, so a reply "sent" on a Thursday
afternoon goes through the whole product (reply, detection, calendar) on that Thursday.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from shomer.commitments import services
from shomer.commitments.models import Commitment, CommitmentSource
from shomer.conversations.models import Ticket
from shomer.people.models import Team, User
from shomer.sla.models import BusinessCalendar
from shomer.webhooks.models import WebhookEndpoint

ISRAEL = ZoneInfo("Asia/Jerusalem")
# Sunday to Thursday 09:00-17:00, no Friday; Israeli holidays, eves until 13:00.
OFFICE_WEEK: dict[str, Any] = {
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
ALWAYS_OPEN: dict[str, Any] = {
    "timezone": "Asia/Jerusalem",
    "week": {day: ["00:00-24:00"] for day in ("sun", "mon", "tue", "wed", "thu", "fri", "sat")},
    "holidays": None,
    "eve_hours": None,
    "closed": [],
    "open": {},
}


def at(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=ISRAEL)


class Clock:
    """Stands in for django.utils.timezone.now; tests move it by hand."""

    def __init__(self) -> None:
        self.now = at(2026, 11, 19, 15, 30)  # a Thursday afternoon

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, moment: dt.datetime) -> dt.datetime:
        self.now = moment
        return moment


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(timezone, "now", clock)
    return clock


def put_on(team: Team, spec: dict[str, Any], name: str) -> Team:
    team.calendar = BusinessCalendar.objects.create(name=name, spec=spec)
    team.save()
    return team


@pytest.fixture
def office(support: Team) -> Team:
    return put_on(support, OFFICE_WEEK, "משרד תמיכה")


@pytest.fixture
def always_open(support: Team) -> Team:
    return put_on(support, ALWAYS_OPEN, "תמיד פתוח")


@pytest.fixture
def endpoint(db: None) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(url="https://hooks.example/shomer")


def promise(
    ticket: Ticket,
    due: dt.datetime,
    *,
    kind: str = "follow_up",
    text: str = "אבדוק מול הספק ואחזור אלייך",
    owner: User | None = None,
    now: dt.datetime | None = None,
) -> Commitment:
    """A promise made by hand on `ticket` at `now` (default: the clock), placed on its
    team's calendar as the pages do."""
    now = now or timezone.now()
    placement = services.check_due(due, ticket=ticket, now=now)
    return services.do_create_commitment(
        ticket,
        kind=kind,
        text=text,
        placement=placement,
        owner=owner or ticket.assignee,
        source=CommitmentSource.MANUAL,
        created_by=owner or ticket.assignee,
        now=now,
    )
