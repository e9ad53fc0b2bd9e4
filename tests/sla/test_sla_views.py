"""The manager's SLA pages, the inbox countdowns and the ticket badges, through HTTP."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils.translation import override

from shomer.conversations.models import Priority, Status, Ticket
from shomer.conversations.services import do_update_ticket
from shomer.people.models import User
from shomer.sla.models import BusinessCalendar, SlaPolicy, SlaTimer
from tests.conftest import logged_in, make_ticket
from tests.sla.conftest import Clock

WEEK = {
    "sun": "09:00-13:00, 14:00-18:00",
    "mon": "09:00-18:00",
    "tue": "09:00-18:00",
    "wed": "09:00-18:00",
    "thu": "09:00-16:00",
    "fri": "",
    "sat": "",
}


def calendar_post(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "צוות פרויקטים",
        "timezone": "Asia/Jerusalem",
        **WEEK,
        "israeli_holidays": "on",
        "eve_hours": "09:00-12:00",
        "chol_hamoed_hours": "",
        "closed": "2026-12-31\n2027-01-01",
        "special": "2026-10-01 10:00-14:00",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def policy_post(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "לקוחות VIP",
        "kind": "",
        "priority": "",
        "tier": "vip",
        "channel": "",
        "first_response_minutes": "45",
        "next_response_minutes": "",
        "resolution_minutes": "",
        "callback_minutes": "",
        "warning_percent": "75",
        "escalate_percent": "50",
    }
    data.update(changes)
    return data


def errors(response, field: str) -> list[str]:
    """A form's errors on `field`, in English (they are translated when shown)."""
    with override("en"):
        return [str(error) for error in response.context["form"].errors[field]]


SLA_PAGES = ["/sla/", "/sla/calendars/new/", "/sla/policies/new/", "/sla/report/"]


@pytest.mark.parametrize("url", SLA_PAGES)
def test_agents_and_team_leads_cannot_open_the_sla_pages(dana, michal, eli, url):
    for user in (dana, michal, eli):
        assert logged_in(user).get(url).status_code == 403


@pytest.mark.parametrize("url", SLA_PAGES)
def test_managers_open_the_sla_pages(yossi, url):
    assert logged_in(yossi).get(url).status_code == 200


def test_an_agent_cannot_create_or_change_a_policy(dana, policies):
    default = policies["default"]
    client = logged_in(dana)

    created = client.post(reverse("sla-policy-new"), policy_post())
    changed = client.post(reverse("sla-policy", args=[default.pk]), policy_post(tier=""))
    deleted = client.post(reverse("sla-policy-delete", args=[default.pk]))

    assert (created.status_code, changed.status_code, deleted.status_code) == (403, 403, 403)
    assert SlaPolicy.objects.count() == 3
    default.refresh_from_db()
    assert (default.name, default.tier, default.first_response_minutes) == ("ברירת מחדל", "", 240)


def test_an_agent_cannot_change_a_calendar(dana, office: BusinessCalendar):
    before = office.spec
    response = logged_in(dana).post(reverse("sla-calendar", args=[office.pk]), calendar_post())
    office.refresh_from_db()
    assert response.status_code == 403
    assert office.spec == before


def test_anonymous_visitors_are_sent_to_log_in(db, client):
    response = client.get("/sla/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_a_manager_creates_a_calendar_and_puts_a_team_on_it(yossi, projects):
    response = logged_in(yossi).post(
        reverse("sla-calendar-new"), calendar_post(teams=[projects.pk])
    )

    assert response.status_code == 302
    calendar = BusinessCalendar.objects.get(name="צוות פרויקטים")
    assert calendar.spec == {
        "timezone": "Asia/Jerusalem",
        "week": {
            "sun": ["09:00-13:00", "14:00-18:00"],
            "mon": ["09:00-18:00"],
            "tue": ["09:00-18:00"],
            "wed": ["09:00-18:00"],
            "thu": ["09:00-16:00"],
            "fri": [],
            "sat": [],
        },
        "holidays": "IL",
        "eve_hours": ["09:00-12:00"],
        "closed": ["2026-12-31", "2027-01-01"],
        "open": {"2026-10-01": ["10:00-14:00"]},
    }
    projects.refresh_from_db()
    assert projects.calendar == calendar


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"sun": "09:00-13:00, 12:00-17:00"},
            "sun",
            "09:00-13:00 and 12:00-17:00 overlap.",
        ),
        ({"mon": "9 to 5"}, "mon", "“9 to 5” is not a time range like 09:00-17:00."),
        (
            {"tue": "17:00-09:00"},
            "tue",
            "17:00-09:00: the end must be after the start (a range cannot cross midnight).",
        ),
        ({"wed": "09:00-25:00"}, "wed", "09:00-25:00: times run from 00:00 to 24:00."),
        (
            {"timezone": "Mars/Olympus"},
            "timezone",
            "Select a valid choice. Mars/Olympus is not one of the available choices.",
        ),
        ({"closed": "31/12/2026"}, "closed", "“31/12/2026” is not a date like 2026-09-21."),
        (
            {"closed": "2026-10-01"},
            "special",
            "2026-10-01 is both closed and open with special hours.",
        ),
        (
            {"special": "2026-10-01"},
            "special",
            "2026-10-01: give the hours (or list the date under closed dates).",
        ),
        ({**dict.fromkeys(WEEK, "")}, "__all__", "Open at least one day of the week."),
    ],
)
def test_a_bad_calendar_gets_a_clear_error_and_nothing_is_saved(yossi, changes, field, message):
    response = logged_in(yossi).post(reverse("sla-calendar-new"), calendar_post(**changes))

    assert response.status_code == 422
    assert errors(response, field) == [message]
    assert not BusinessCalendar.objects.filter(name="צוות פרויקטים").exists()


def test_a_target_of_billions_of_minutes_is_refused(yossi, policies):
    response = logged_in(yossi).post(
        reverse("sla-policy-new"), policy_post(first_response_minutes="3000000000")
    )

    assert response.status_code == 422
    assert errors(response, "first_response_minutes") == [
        "Ensure this value is less than or equal to 5000000."
    ]
    assert SlaPolicy.objects.count() == 3


def test_a_policy_with_no_target_or_a_taken_match_is_refused(yossi, policies):
    client = logged_in(yossi)
    empty = client.post(reverse("sla-policy-new"), policy_post(first_response_minutes=""))
    taken = client.post(reverse("sla-policy-new"), policy_post(tier="", priority="urgent"))

    assert errors(empty, "__all__") == ["Set at least one target."]
    assert errors(taken, "__all__") == [
        "SLA policy with this Ticket kind, Priority, Customer tier and Channel already exists."
    ]
    assert SlaPolicy.objects.count() == 3


def test_a_manager_shortens_a_policy_and_running_clocks_follow(
    clock: Clock, yossi, policies, support_on_office, noa
):
    clock.set("2026-11-08T09:00:00+02:00")
    urgent = make_ticket(contact=noa, team=support_on_office, priority=Priority.URGENT)
    response = logged_in(yossi).post(
        reverse("sla-policy", args=[policies["urgent"].pk]),
        policy_post(name="דחוף", tier="", priority="urgent", first_response_minutes="15"),
    )

    assert response.status_code == 302
    first = SlaTimer.objects.get(ticket=urgent, target="first_response")
    assert (first.minutes, first.due_at.isoformat()) == (15, "2026-11-08T07:15:00+00:00")


def test_the_inbox_shows_a_countdown_in_business_hours_and_sorts_by_due(
    clock: Clock, dana: User, policies, support_on_office, noa
):
    dana.language = "en"
    dana.save()
    clock.set("2026-11-08T09:00:00+02:00")
    normal = make_ticket(contact=noa, team=support_on_office, assignee=dana, subject="חשבונית")
    urgent = make_ticket(
        contact=noa, team=support_on_office, assignee=dana, priority=Priority.URGENT
    )
    waiting = make_ticket(contact=noa, team=support_on_office, assignee=dana)
    do_update_ticket(waiting, acting_user=dana, status=Status.PENDING)

    clock.set("2026-11-08T11:15:00+02:00")
    response = logged_in(dana).get(reverse("inbox"))
    html = response.content.decode()

    assert [t.pk for t in response.context["page"].object_list] == [
        urgent.pk,
        normal.pk,
        waiting.pk,
    ]
    assert "1:45 business hours overdue" in html  # urgent: due 09:30
    assert "1:45 business hours left" in html  # normal: due 13:00
    assert "Clock paused" in html
    assert 'hx-trigger="every 60s"' in html


def test_the_countdown_counts_business_time_not_the_night(
    clock: Clock, dana: User, policies, support_on_office, noa
):
    dana.language = "en"
    dana.save()
    clock.set("2026-11-05T16:30:00+02:00")  # Thursday: due Sunday 12:30
    make_ticket(contact=noa, team=support_on_office, assignee=dana)
    clock.set("2026-11-06T20:00:00+02:00")  # Friday night: 3 h 30 of business time left

    html = logged_in(dana).get(reverse("inbox")).content.decode()
    assert "3:30 business hours left" in html


def test_the_ticket_page_has_a_badge_per_target_in_israel_time(
    clock: Clock, dana: User, policies, support_on_office, noa
):
    dana.language = "en"
    dana.save()
    clock.set("2026-11-08T09:00:00+02:00")
    ticket = make_ticket(contact=noa, team=support_on_office, assignee=dana)
    clock.set("2026-11-08T10:00:00+02:00")

    html = logged_in(dana).get(reverse("ticket", args=[ticket.pk])).content.decode()
    assert "First response:\n  due Sun 8/11 13:00 (3:00 left)" in html
    assert "Resolution:\n  due Mon 9/11 17:00 (15:00 left)" in html


def test_eli_sees_nothing_of_supports_tickets(eli: User, dana_ticket: Ticket):
    client = logged_in(eli)
    for queue in ("mine", "team", "unassigned", "all"):
        page = client.get(reverse("inbox"), {"queue": queue})
        assert dana_ticket.pk not in [t.pk for t in page.context["page"].object_list]
    assert client.get(reverse("ticket", args=[dana_ticket.pk])).status_code == 404


def test_plotly_is_served_from_the_installed_package(yossi):
    found = finders.find("vendor/plotly/plotly.min.js")
    assert found is not None and found.endswith("plotly/package_data/plotly.min.js")
