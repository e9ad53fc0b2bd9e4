"""Health pages by role: agents see health, risk, fit and type (and the playbook on a
ticket); only managers review fit, see the whale curve, edit weights and playbooks, and
part ways with a customer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from shomer.core.models import AuditEvent
from shomer.customers.models import Customer, CustomerStatus
from shomer.health.models import CustomerScore, HealthSettings, Offboarding, Playbook
from shomer.health.services import do_recompute
from tests.conftest import logged_in, make_ticket

ABUSIVE = "אתה אידיוט מטומטם, תעביר אותי למישהו שמבין משהו"


@pytest.fixture
def hostile_clinic(dana, support, noa, clinic):
    for index in range(3):
        make_ticket(contact=noa, team=support, assignee=dana, subject=f"שוב {index}", body=ABUSIVE)
    do_recompute([clinic.pk], now=timezone.now() + dt.timedelta(minutes=1))
    return clinic


MANAGER_PAGES = [
    ("health-fit", []),
    ("health-book", []),
    ("health-settings", []),
    ("health-playbooks", []),
    ("health-playbook", ["chronic"]),
]


@pytest.mark.parametrize(("name", "args"), MANAGER_PAGES)
def test_manager_pages_are_for_managers(dana, michal, yossi, hostile_clinic, name, args):
    url = reverse(name, args=args)
    assert logged_in(dana).get(url).status_code == 403
    assert logged_in(michal).get(url).status_code == 403
    assert logged_in(yossi).get(url).status_code == 200


def test_agents_see_the_customers_health_with_its_reasons(dana, hostile_clinic):
    response = logged_in(dana).get(reverse("customer", args=[hostile_clinic.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="customer-health"' in html
    assert 'data-testid="customer-type"' in html
    assert "התקריות" in html or "incident" in html.lower()
    assert 'data-testid="offboard-link"' not in html  # only managers part ways


def test_the_at_risk_list_shows_revenue_at_risk_to_everyone(dana, yossi, db):
    today = timezone.localdate()
    at_risk = Customer.objects.create(
        name="מאפיית הכיכר", customer_since=today - dt.timedelta(days=900)
    )
    healthy = Customer.objects.create(
        name="Northwind Legal", customer_since=today - dt.timedelta(days=900)
    )
    CustomerScore.objects.create(
        customer=at_risk,
        health=40,
        churn_risk=0.6,
        revenue=Decimal("10000"),
        revenue_at_risk=Decimal("6000"),
        customer_type="silent",
        computed_at=timezone.now(),
        is_dirty=False,
        details={"action": {"code": "check_in"}, "health": []},
    )
    CustomerScore.objects.create(
        customer=healthy,
        health=90,
        churn_risk=0.05,
        computed_at=timezone.now(),
        is_dirty=False,
        details={},
    )

    for user in (dana, yossi):
        response = logged_in(user).get(reverse("health-at-risk"))
        assert response.status_code == 200
        assert [row["customer"] for row in response.context["rows"]] == [at_risk]
        assert response.context["revenue_at_risk"] == Decimal("6000")


def test_the_customer_list_sorts_by_health_with_a_constant_number_of_queries(
    dana, db, django_assert_max_num_queries
):
    for index, health in enumerate((80, 30, None, 55)):
        customer = Customer.objects.create(name=f"לקוח {index}")
        if health is not None:
            CustomerScore.objects.create(
                customer=customer, health=health, computed_at=timezone.now()
            )
    client = logged_in(dana)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("customers"), {"sort": "health"})
    assert [c.name for c in response.context["page"].object_list] == [
        "לקוח 1",
        "לקוח 3",
        "לקוח 0",
        "לקוח 2",
    ]
    by_profit = client.get(reverse("customers"), {"sort": "profit", "customer_type": ""})
    assert by_profit.status_code == 200


def test_a_playbook_appears_on_the_ticket_page_in_the_agents_language(
    dana, support, noa, hostile_clinic
):
    ticket = make_ticket(contact=noa, team=support, assignee=dana, subject="עוד פנייה")
    html = logged_in(dana).get(reverse("ticket", args=[ticket.pk])).content.decode()
    playbook = Playbook.objects.get(customer_type="hostile")
    assert 'data-testid="playbook"' in html
    assert playbook.works_he.splitlines()[0] in html
    dana.language = "en"
    dana.save()
    english = logged_in(dana).get(reverse("ticket", args=[ticket.pk])).content.decode()
    assert playbook.works_en.splitlines()[0].replace('"', "&quot;") in english


def test_managers_change_weights_and_everyone_is_rescored(dana, yossi, hostile_clinic):
    data = {
        f"weight_{name}": 10
        for name in (
            "waits",
            "sla",
            "promises",
            "complaints",
            "sentiment",
            "surveys",
            "handoffs",
            "activity",
            "payments",
        )
    }
    data.update(
        {
            "weight_activity": 40,
            "rate_agent": "150",
            "rate_team_lead": "180",
            "rate_manager": "250",
            "rate_admin": "150",
        }
    )

    denied = logged_in(dana).post(reverse("health-settings"), data)
    assert denied.status_code == 403
    assert not HealthSettings.objects.filter(weights__has_key="activity").exists()

    response = logged_in(yossi).post(reverse("health-settings"), data)
    assert response.status_code == 302
    config = HealthSettings.objects.get()
    assert config.weights["activity"] == 40
    assert config.cost_rates["agent"] == 150.0
    assert CustomerScore.objects.get(customer=hostile_clinic).is_dirty
    assert AuditEvent.objects.filter(action="health.settings", actor=yossi).count() == 1


def test_all_zero_weights_are_refused(yossi, db):
    data = {
        f"weight_{name}": 0
        for name in (
            "waits",
            "sla",
            "promises",
            "complaints",
            "sentiment",
            "surveys",
            "handoffs",
            "activity",
            "payments",
        )
    }
    data.update({"rate_agent": "1", "rate_team_lead": "1", "rate_manager": "1", "rate_admin": "1"})
    response = logged_in(yossi).post(reverse("health-settings"), data)
    assert response.status_code == 422
    assert not HealthSettings.objects.filter(weights__has_key="waits").exists()


def test_managers_edit_playbooks_and_agents_cannot(dana, yossi, db):
    url = reverse("health-playbook", args=["silent"])
    playbook = Playbook.objects.get(customer_type="silent")
    fields = {
        key: getattr(playbook, key)
        for key in ("works_he", "avoid_he", "choices_he", "works_en", "avoid_en", "choices_en")
    }
    fields["works_he"] = "להתקשר אישית תוך שבוע."

    assert logged_in(dana).post(url, fields).status_code == 403
    assert Playbook.objects.get(customer_type="silent").works_he == playbook.works_he
    assert logged_in(yossi).post(url, fields).status_code == 302
    assert Playbook.objects.get(customer_type="silent").works_he == "להתקשר אישית תוך שבוע."
    assert AuditEvent.objects.get(action="playbook.updated").data == {"fields": ["works_he"]}


def test_offboarding_closes_the_account_keeps_its_history_and_audits_it(
    dana, yossi, hostile_clinic
):
    url = reverse("health-offboard", args=[hostile_clinic.pk])
    tickets = hostile_clinic.tickets.count()

    assert logged_in(dana).get(url).status_code == 403
    form = logged_in(yossi).get(url)
    assert form.status_code == 200
    assert form.context["form"].initial["letter"].startswith("שלום נועה,")
    english = logged_in(yossi).get(url, {"language": "en"})
    assert english.context["form"].initial["letter"].startswith("Dear נועה,")
    assert "abuse incidents" in " ".join(english.context["evidence"]) or form.context["evidence"]

    data = {
        "language": "he",
        "letter": form.context["form"].initial["letter"],
        "referral": "סטודיו ורד, 03-5550000",
        "reason": "פניות פוגעניות חוזרות לצוות",
        "confirm": "on",
    }
    assert logged_in(dana).post(url, data).status_code == 403
    assert Customer.objects.get(pk=hostile_clinic.pk).status == CustomerStatus.ACTIVE

    response = logged_in(yossi).post(url, data)

    assert response.status_code == 302
    customer = Customer.objects.get(pk=hostile_clinic.pk)
    assert (customer.status, customer.left_on) == (CustomerStatus.LEFT, timezone.localdate())
    assert customer.tickets.count() == tickets
    offboarding = Offboarding.objects.get(customer=customer)
    assert (offboarding.fit_verdict, offboarding.closed_by, offboarding.referral) == (
        "hostile",
        yossi,
        "סטודיו ורד, 03-5550000",
    )
    assert offboarding.evidence[0]["code"] == "incidents"
    assert AuditEvent.objects.get(action="customer.offboarded").data["old_status"] == "active"
    assert AuditEvent.objects.filter(action="offboarding.letter").count() == 1
    again = logged_in(yossi).post(url, data)
    assert again.status_code == 302
    assert Offboarding.objects.count() == 1


def test_offboarding_needs_the_confirmation(yossi, hostile_clinic):
    url = reverse("health-offboard", args=[hostile_clinic.pk])
    response = logged_in(yossi).post(url, {"language": "en", "letter": "Dear…", "reason": "x"})
    assert response.status_code == 422
    assert Customer.objects.get(pk=hostile_clinic.pk).status == CustomerStatus.ACTIVE


def test_the_whale_curve_and_sweet_spot_page(yossi, db):
    for index in range(8):
        customer = Customer.objects.create(
            name=f"לקוח {index}", customer_since=timezone.localdate()
        )
        CustomerScore.objects.create(
            customer=customer,
            health=50 + 5 * index,
            profit=Decimal(1000 * (index - 2)),
            computed_at=timezone.now(),
        )
    response = logged_in(yossi).get(reverse("health-book"))
    curve = response.context["curve"]
    assert curve["summary"] == {
        "customers": 8,
        "total": 12000,
        "peak": 15000,
        "peak_percent": 125,
        "peak_at": 62,
    }
    assert curve["data"][0]["y"][-1] == 100.0
    assert 'data-testid="whale-chart"' in response.content.decode()
