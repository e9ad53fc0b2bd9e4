"""The manager sees who is at risk and the whale curve; the agent sees the playbook on a
ticket. In Hebrew (right to left) and in English; screenshots in test-artifacts/."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from shomer.commitments.models import Commitment
from shomer.conversations.models import Kind
from shomer.customers.models import Contact, Customer, Invoice, InvoiceStatus
from shomer.demo.generate import generate
from shomer.health.models import CustomerScore
from shomer.health.services import do_recompute_all
from shomer.people.models import User
from tests.conftest import PASSWORD, make_ticket
from tests.e2e.conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# plotly.min.js is 4.6 MB of JavaScript to parse before the chart draws: on a busy machine
# that takes longer than expect's default 5 s.
CHART = 30_000

ABUSIVE = "אתם חבורה של חובבנים מטומטמים, אין לכם מושג מה אתם עושים"


def book_of_business() -> tuple[Customer, Customer]:
    """Demo customers, one customer clearly at risk, and one who is rude again and again."""
    generate(customers=30, tickets=150, seed=5)
    for user in User.objects.all():
        user.set_password(PASSWORD)
        user.save()
    today = timezone.localdate()
    bakery = Customer.objects.create(
        name="מאפיית הכיכר", customer_since=today - dt.timedelta(days=900), language="he"
    )
    baker = Contact.objects.create(customer=bakery, name="רונית שחר", email="ronit@kikar.example")
    for month in range(10):
        issued = today - dt.timedelta(days=330 - 30 * month)
        late = month >= 6
        Invoice.objects.create(
            customer=bakery,
            number=f"K-{month}",
            amount=Decimal("4800"),
            issued_on=issued,
            due_on=issued + dt.timedelta(days=30),
            paid_on=None if late else issued + dt.timedelta(days=20),
            status=InvoiceStatus.OPEN if late else InvoiceStatus.PAID,
        )
    for index in range(3):
        complaint = make_ticket(
            contact=baker,
            subject=f"תלונה על משלוח {index + 1}",
            body="ההזמנה שוב לא הגיעה בזמן.",
            kind=Kind.COMPLAINT,
        )
        Commitment.objects.create(
            kind="callback",
            customer=bakery,
            ticket=complaint,
            due_at=timezone.now(),
            state="broken",
            broken_at=timezone.now(),
            source="manual",
        )
    # Waiting three days for a first answer.
    bakery.tickets.update(created_at=timezone.now() - dt.timedelta(days=3))
    rude = Customer.objects.create(
        name="Silverline Realty", customer_since=today - dt.timedelta(days=700)
    )
    agent = Contact.objects.create(customer=rude, name="Dan Moore", email="dan@silverline.example")
    for index in range(3):
        make_ticket(contact=agent, subject=f"שוב נפל האתר {index + 1}", body=ABUSIVE)
    do_recompute_all()
    return bakery, rude


def test_the_manager_sees_who_is_at_risk_and_the_whale_curve(page):
    bakery, _rude = book_of_business()
    assert CustomerScore.objects.get(customer=bakery).health < 50

    log_in(page, "yossi")
    page.get_by_role("link", name="בריאות לקוחות").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    at_risk = page.get_by_test_id("at-risk-list")
    expect(at_risk.get_by_role("link", name="מאפיית הכיכר")).to_be_visible()
    expect(page.get_by_test_id("revenue-at-risk")).to_contain_text("הכנסות בסיכון")
    screenshot(page, "health-at-risk-he")

    page.get_by_role("link", name="עקומת הלווייתן ונקודת האיזון").click()
    expect(page.get_by_test_id("whale-chart").locator(".main-svg").first).to_be_visible(
        timeout=CHART
    )
    expect(page.get_by_test_id("sweet-spot")).to_contain_text("הלקוחות הטובים ביותר")
    screenshot(page, "health-whale-he")

    page.get_by_role("link", name="בדיקת התאמה").click()
    expect(page.get_by_test_id("fit-list")).to_contain_text("Silverline Realty")
    expect(page.get_by_test_id("fit-list")).to_contain_text("להיפרד, עם הפניה מכבדת לספק אחר.")
    screenshot(page, "health-fit-he")

    page.goto(f"/customers/{bakery.pk}/")
    expect(page.get_by_test_id("customer-health")).to_contain_text("תלונות עדיין פתוחות")
    screenshot(page, "health-customer-he")

    page.get_by_test_id("switch-language").click()
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.get_by_test_id("customer-health")).to_contain_text("complaints still open")
    screenshot(page, "health-customer-en")
    page.goto("/health/at-risk/")
    expect(page.get_by_role("heading", name="Customers at risk")).to_be_visible()
    screenshot(page, "health-at-risk-en")
    page.goto("/health/book/")
    expect(page.get_by_test_id("whale-chart").locator(".main-svg").first).to_be_visible(
        timeout=CHART
    )
    screenshot(page, "health-whale-en")


def test_the_agent_sees_the_playbook_when_a_conversation_opens(page):
    _bakery, rude = book_of_business()
    ticket = rude.tickets.order_by("-created_at").first()
    assert CustomerScore.objects.get(customer=rude).customer_type == "hostile"

    log_in(page, "dana")
    page.goto(f"/tickets/{ticket.pk}/")
    playbook = page.get_by_test_id("playbook")
    expect(playbook).to_contain_text("עוין")
    expect(playbook).to_contain_text("מה עובד")
    expect(playbook).to_contain_text("שמרו על הצוות")
    screenshot(page, "health-playbook-he")

    page.get_by_test_id("switch-language").click()
    expect(page.get_by_test_id("playbook")).to_contain_text("Protect the team")
    screenshot(page, "health-playbook-en")
