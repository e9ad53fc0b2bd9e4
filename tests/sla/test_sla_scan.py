"""The SLA scan: warning once, breach and manager escalation once each, never twice.

Ticket opened Sunday 8 November 2026 09:00 on support's calendar (Sunday-Thursday
09:00-17:00): first response 4 h, warned at 80 % (3 h 12 min: 12:12), due 13:00, manager
50 % (2 h of business time) after the due: 15:00. Resolution 16 h: due Monday 17:00.
"""

from __future__ import annotations

import uuid

import pytest

from shomer.conversations.models import Status
from shomer.conversations.services import do_assign, do_reply, do_update_ticket
from shomer.core.models import AuditEvent
from shomer.notifications.models import Notification
from shomer.people.models import Role, Team, User
from shomer.sla.models import Level, SlaTimer, TimerState
from shomer.sla.scan import _claim, run_scan
from tests.conftest import make_ticket, make_user
from tests.sla.conftest import Clock, at


@pytest.fixture
def ticket(clock: Clock, policies, support_on_office: Team, noa, dana, michal, yossi):
    michal.language = "en"
    michal.email = "michal@shomer.example"
    michal.save()
    clock.set("2026-11-08T09:00:00+02:00")
    return make_ticket(
        contact=noa, team=support_on_office, assignee=dana, subject="אין חיבור ל-VPN"
    )


def scan(text: str):
    return run_scan(at(text))


def counts(result) -> tuple[int, int, int, int]:
    return result.warned, result.breached, result.escalated, result.notifications


def told(user: User) -> list[tuple[str, str]]:
    return [(n.kind, n.title) for n in Notification.objects.filter(user=user).order_by("id")]


def sla_actions(ticket) -> list[tuple[str, str, list[int]]]:
    events = AuditEvent.objects.filter(
        object_type="conversations.ticket", object_id=str(ticket.pk), action__startswith="sla."
    ).order_by("id")
    return [(e.action, e.data["sla_target"], e.data["notified"]) for e in events]


def test_it_warns_then_breaches_then_escalates_each_step_once(ticket, dana, michal, yossi):
    assert counts(scan("2026-11-08T12:00:00+02:00")) == (0, 0, 0, 0)

    assert counts(scan("2026-11-08T12:13:00+02:00")) == (1, 0, 0, 1)
    assert counts(scan("2026-11-08T12:14:00+02:00")) == (0, 0, 0, 0)
    assert [kind for kind, _ in told(dana)] == ["sla.warned"]

    assert counts(scan("2026-11-08T13:01:00+02:00")) == (0, 1, 0, 2)
    assert counts(scan("2026-11-08T13:02:00+02:00")) == (0, 0, 0, 0)
    assert told(michal) == [
        (
            "sla.breached",
            f"SLA breached: First response of ticket #{ticket.pk} was due at 11/08/2026 1 p.m.",
        )
    ]

    assert counts(scan("2026-11-08T14:59:00+02:00")) == (0, 0, 0, 0)
    assert counts(scan("2026-11-08T15:01:00+02:00")) == (0, 0, 1, 1)
    assert counts(scan("2026-11-08T15:02:00+02:00")) == (0, 0, 0, 0)

    assert [kind for kind, _ in told(dana)] == ["sla.warned", "sla.breached"]
    assert [kind for kind, _ in told(yossi)] == ["sla.escalated"]
    assert sla_actions(ticket) == [
        ("sla.warned", "first_response", [dana.pk]),
        ("sla.breached", "first_response", [michal.pk, dana.pk]),
        ("sla.escalated", "first_response", [yossi.pk]),
    ]
    first = SlaTimer.objects.get(ticket=ticket, target="first_response")
    assert (first.state, first.level, first.next_action_at) == (
        TimerState.BREACHED,
        Level.MANAGER,
        None,
    )
    assert first.warned_at == at("2026-11-08T12:13:00+02:00")
    assert first.breached_at == at("2026-11-08T13:00:00+02:00")
    assert first.escalated_at == at("2026-11-08T15:01:00+02:00")


def test_the_warning_is_in_the_recipients_language(ticket, dana, michal):
    do_assign(ticket, michal, acting_user=michal)
    scan("2026-11-08T12:13:00+02:00")

    assert told(michal) == [
        (
            "sla.warned",
            f"SLA warning: First response of ticket #{ticket.pk} is due in 0:47 business hours",
        )
    ]
    assert Notification.objects.get(user=michal).body == (
        "“אין חיבור ל-VPN” — First response is due at 11/08/2026 1 p.m."
    )


def test_a_scan_that_starts_late_breaches_first_and_tells_the_manager_next_time(
    ticket, dana, michal, yossi
):
    assert counts(scan("2026-11-08T16:00:00+02:00")) == (0, 1, 0, 2)
    assert counts(scan("2026-11-08T16:01:00+02:00")) == (0, 0, 1, 1)
    assert [kind for kind, _ in told(dana)] == ["sla.breached"]  # no warning after the fact


def test_two_scans_at_once_never_take_the_same_step(ticket):
    now = at("2026-11-08T12:13:00+02:00")
    first, second = uuid.uuid4(), uuid.uuid4()

    assert _claim(now, first, 100) == (1, 0, 0)
    assert _claim(now, second, 100) == (0, 0, 0)
    assert list(SlaTimer.objects.filter(claim=first).values_list("target", flat=True)) == [
        "first_response"
    ]


def test_a_met_target_stops_escalating(ticket, dana, yossi):
    scan("2026-11-08T13:01:00+02:00")
    do_reply(ticket, body_text="סליחה על העיכוב, מטפלת.", author=dana)

    assert counts(scan("2026-11-08T15:01:00+02:00")) == (0, 0, 0, 0)
    assert told(yossi) == []


def test_a_paused_clock_neither_warns_nor_breaches(ticket, dana, clock: Clock):
    clock.set("2026-11-08T10:00:00+02:00")
    do_update_ticket(ticket, acting_user=dana, status=Status.PENDING)

    assert counts(scan("2026-11-12T16:00:00+02:00")) == (0, 0, 0, 0)


def test_a_new_assignee_is_warned_again(ticket, dana, support_on_office: Team):
    scan("2026-11-08T12:13:00+02:00")
    avi = make_user("avi", team=support_on_office, first_name="אבי")
    do_assign(ticket, avi, acting_user=dana)

    assert counts(scan("2026-11-08T12:20:00+02:00")) == (1, 0, 0, 1)
    assert [kind for kind, _ in told(avi)] == ["sla.warned"]
    assert [kind for kind, _ in told(dana)] == ["sla.warned"]


def test_without_an_assignee_or_a_lead_the_managers_are_told(
    clock: Clock, policies, projects: Team, noa, yossi
):
    admin = make_user("admin", role=Role.ADMIN)
    clock.set("2026-11-08T09:00:00+02:00")
    make_ticket(contact=noa, team=projects)

    # Default calendar (also Sunday 09:00-17:00): warned 12:12, due 13:00.
    assert counts(scan("2026-11-08T12:13:00+02:00")) == (1, 0, 0, 1)
    assert counts(scan("2026-11-08T13:01:00+02:00")) == (0, 1, 0, 1)
    assert [kind for kind, _ in told(yossi)] == ["sla.warned", "sla.breached"]
    assert told(admin) == []


def test_it_works_through_more_rows_than_one_batch(
    clock: Clock, policies, support_on_office: Team, noa, dana
):
    clock.set("2026-11-08T09:00:00+02:00")
    for _ in range(7):
        make_ticket(contact=noa, team=support_on_office, assignee=dana)

    result = run_scan(at("2026-11-08T12:13:00+02:00"), batch=3)
    assert (result.warned, result.batches) == (7, 3)
    assert Notification.objects.filter(user=dana, kind="sla.warned").count() == 7


def test_a_hebrew_speaker_is_warned_in_hebrew(ticket, dana):
    scan("2026-11-08T12:13:00+02:00")

    notice = Notification.objects.get(user=dana)
    assert notice.title == f"אזהרת SLA: מענה ראשון בפנייה #{ticket.pk} בעוד 0:47 שעות עבודה"
    assert notice.url == f"/tickets/{ticket.pk}/"
