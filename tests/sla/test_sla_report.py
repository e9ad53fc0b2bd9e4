"""The SLA compliance report: counts by team, agent, priority and channel; CSV export."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils.translation import override

from shomer.conversations.models import Channel, Priority
from shomer.conversations.services import do_reply
from shomer.sla.report import compliance
from tests.conftest import logged_in, make_ticket
from tests.sla.conftest import Clock

D = dt.date


@pytest.fixture
def history(clock: Clock, policies, support_on_office, projects, noa, dana, eli):
    """Sunday 8 November 2026: support answers one ticket in time (first response) and one
    late (urgent, 30 min); projects answers its phone ticket in time (first response and
    callback). Both support tickets are dana's, the projects one eli's."""
    clock.set("2026-11-08T09:00:00+02:00")
    on_time = make_ticket(contact=noa, team=support_on_office, assignee=dana)
    late = make_ticket(contact=noa, team=support_on_office, assignee=dana, priority=Priority.URGENT)
    phone = make_ticket(contact=noa, team=projects, assignee=eli, channel=Channel.PHONE)
    clock.set("2026-11-08T10:00:00+02:00")
    for ticket, agent in ((on_time, dana), (late, dana), (phone, eli)):
        do_reply(ticket, body_text="שלום, בודקים ומעדכנים בהקדם.", author=agent)
    # A ticket answered the next month does not count in November.
    clock.set("2026-12-06T09:00:00+02:00")
    december = make_ticket(contact=noa, team=support_on_office, assignee=dana)
    clock.set("2026-12-06T09:30:00+02:00")
    do_reply(december, body_text="טופל.", author=dana)


def table(rows) -> list[tuple[str, int, int, float | None]]:
    return [(row.label, row.met, row.breached, row.compliance) for row in rows]


NOVEMBER = (D(2026, 11, 1), D(2026, 11, 30))


def test_compliance_by_team(history):
    assert table(compliance(*NOVEMBER, by="team")) == [
        ("פרויקטים", 2, 0, 100.0),
        ("תמיכה", 1, 1, 50.0),
    ]


def test_compliance_by_agent_priority_and_channel(history):
    assert table(compliance(*NOVEMBER, by="agent")) == [
        ("אלי", 2, 0, 100.0),
        ("דנה כרמי", 1, 1, 50.0),
    ]
    with override("en"):
        by_priority = table(compliance(*NOVEMBER, by="priority", target="first_response"))
        by_channel = table(compliance(*NOVEMBER, by="channel"))
    assert by_priority == [("Normal", 2, 0, 100.0), ("Urgent", 0, 1, 0.0)]
    assert by_channel == [("E-mail", 1, 1, 50.0), ("Phone", 2, 0, 100.0)]


def test_the_period_counts_targets_by_when_they_were_decided(history):
    assert table(compliance(D(2026, 12, 1), D(2026, 12, 31), by="team")) == [("תמיכה", 1, 0, 100.0)]
    assert compliance(D(2026, 10, 1), D(2026, 10, 31), by="team") == []


def test_the_report_page_draws_the_chart_and_exports_csv(history, yossi):
    yossi.language = "en"
    yossi.save()
    client = logged_in(yossi)
    params = {"start": "2026-11-01", "end": "2026-11-30", "by": "team"}

    page = client.get(reverse("sla-report"), params)
    html = page.content.decode()
    assert page.status_code == 200
    assert page.context["figure"]["data"][0]["y"] == [100.0, 50.0]
    assert '<script id="sla-figure" type="application/json">' in html
    assert "/static/vendor/plotly/plotly.min.js" in html

    export = client.get(reverse("sla-report"), {**params, "format": "csv"})
    assert export["Content-Type"] == "text/csv; charset=utf-8"
    assert export.content.decode("utf-8-sig").splitlines() == [
        "Team,Target,Met,Breached,Total,Compliance %",
        "פרויקטים,All targets,2,0,2,100.0",
        "תמיכה,All targets,1,1,2,50.0",
        "All,All targets,3,1,4,75.0",
    ]


def test_a_period_that_ends_before_it_starts_is_an_error(yossi):
    response = logged_in(yossi).get(
        reverse("sla-report"), {"start": "2026-11-30", "end": "2026-11-01"}
    )
    assert response.status_code == 422
