"""Loyalty touchpoints: planned ahead, sent on the day in the contact's language through a
real SMTP server, once, with consent and a one-click way out."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.test import Client

from shomer.customers.models import Contact, Customer, CustomerKind, CustomerStatus, Invoice
from shomer.health.models import CustomerScore, FitVerdict
from shomer.outreach import mail, services, touchpoints
from shomer.outreach.models import Preference, SendStatus, SkipReason, Touchpoint, TouchpointKind
from tests.conftest import make_user
from tests.feedback.mail_helpers import header, parts

pytestmark = pytest.mark.django_db
ZONE = zoneinfo.ZoneInfo("Asia/Jerusalem")


def at(day: int, hour: int = 9, minute: int = 0, month: int = 11) -> dt.datetime:
    """A moment of November 2026 in Jerusalem (22 November is a Sunday)."""
    return dt.datetime(2026, month, day, hour, minute, tzinfo=ZONE)


@pytest.fixture
def owner(db):
    return make_user(
        "avi", role="agent", first_name="אבי", last_name="מזרחי", email="avi@shomer.example"
    )


@pytest.fixture
def realty(owner):
    customer = Customer.objects.create(
        name="Silverline Realty", language="en", customer_since=dt.date(2023, 3, 15), owner=owner
    )
    Contact.objects.create(
        customer=customer, name="Mark Levin", email="mark@silverline.example", language="en",
        birthday=dt.date(1984, 11, 24), is_primary=True,
    )  # fmt: skip
    return customer


@pytest.fixture
def bakery(owner):
    customer = Customer.objects.create(
        name="מאפיית הכיכר", customer_since=dt.date(2022, 6, 1), owner=owner
    )
    Contact.objects.create(
        customer=customer,
        name="רונית שחר",
        email="ronit@kikar.example",
        birthday=dt.date(1979, 11, 24),
        is_primary=True,
    )
    return customer


def test_a_birthday_greeting_goes_out_on_the_day_in_the_customers_language(
    realty, bakery, smtp_outbound
):
    touchpoints.do_plan(at(22))
    birthdays = Touchpoint.objects.filter(kind=TouchpointKind.BIRTHDAY).order_by("customer__name")
    assert [(t.customer.name, t.occasion_on, t.send_at) for t in birthdays] == [
        ("Silverline Realty", dt.date(2026, 11, 24), at(24, 10)),
        ("מאפיית הכיכר", dt.date(2026, 11, 24), at(24, 10)),
    ]
    # The day before, and early on the day itself (00:30 in Jerusalem, still the 23rd in UTC): nothing.
    assert touchpoints.do_send_due(at(23, 23, 59)) == {}
    assert touchpoints.do_send_due(at(24, 0, 30)) == {}
    assert smtp_outbound.received == []
    assert touchpoints.do_send_due(at(24, 10, 5)) == {"sent": 2}
    assert touchpoints.do_send_due(at(24, 10, 10)) == {}  # never twice

    mails = {m["To"].split("<")[-1].rstrip(">"): m for m in smtp_outbound.messages()}
    english, hebrew = mails["mark@silverline.example"], mails["ronit@kikar.example"]
    assert header(english, "Subject") == "Happy birthday, Mark!"
    assert "Hi Mark," in parts(english)["text/plain"]
    assert "Everyone at שומר תמיכה wishes you a very happy birthday" in parts(english)["text/plain"]
    assert '<html lang="en" dir="ltr">' in parts(english)["text/html"]
    assert header(hebrew, "Subject") == "יום הולדת שמח, רונית!"
    assert "שלום רונית," in parts(hebrew)["text/plain"]
    assert '<html lang="he" dir="rtl">' in parts(hebrew)["text/html"]
    assert 'align="right"' in parts(hebrew)["text/html"]
    # From the account owner, by name; replies go to them.
    assert header(hebrew, "From") == "אבי מזרחי <support@clinic-help.example>"
    assert hebrew["Reply-To"] == "avi@shomer.example"
    assert "".join(hebrew["List-Unsubscribe"].split()).startswith("<http://testserver/u/")
    sent = Touchpoint.objects.get(customer=realty, kind=TouchpointKind.BIRTHDAY)
    assert (sent.status, sent.language, sent.recipient, sent.sent_at) == (
        SendStatus.SENT, "en", "mark@silverline.example", at(24, 10, 5),
    )  # fmt: skip


def test_planning_twice_plans_nothing_new(realty, bakery):
    first = touchpoints.do_plan(at(22))
    assert first == Touchpoint.objects.count() > 0
    assert touchpoints.do_plan(at(22, 15)) == 0
    assert touchpoints.do_plan(at(23)) == Touchpoint.objects.count() - first  # one more day ahead


def test_anniversaries_check_ins_and_follow_ups(realty, owner, smtp_outbound):
    realty.customer_since = dt.date(2023, 12, 4)  # a Friday this year: business mail waits
    realty.save()
    Invoice.objects.create(
        customer=realty, number="S-77", amount=Decimal("12500"), issued_on=dt.date(2026, 11, 20),
        due_on=dt.date(2026, 12, 20), description="the new website",
    )  # fmt: skip
    touchpoints.do_plan(at(22))
    rows = {t.kind: t for t in Touchpoint.objects.filter(customer=realty)}
    anniversary = rows[TouchpointKind.ANNIVERSARY]
    assert (anniversary.occasion_on, anniversary.send_at) == (
        dt.date(2026, 12, 4),
        at(6, 10, month=12),
    )
    after_sale = rows[TouchpointKind.AFTER_SALE]
    assert (after_sale.occasion_on, after_sale.send_at) == (dt.date(2026, 11, 27), at(29, 10))
    # The monthly check-in of 4 December falls in the anniversary's week: not planned.
    assert TouchpointKind.CHECKIN not in rows
    touchpoints.do_send_due(at(6, 10, 1, month=12))
    by_subject = {header(m, "Subject"): m for m in smtp_outbound.messages()}
    assert set(by_subject) == {
        "How is everything with the new website?",
        "3 years together: thank you, Mark",
        "Happy birthday, Mark!",
    }
    body = parts(by_subject["3 years together: thank you, Mark"])["text/plain"]
    assert "3 years ago today Silverline Realty joined שומר תמיכה." in body
    assert "With appreciation,\nאבי מזרחי" in body


def test_only_customers_worth_keeping_get_touchpoints(realty, bakery):
    CustomerScore.objects.create(customer=realty, fit_verdict=FitVerdict.HOSTILE)
    CustomerScore.objects.create(customer=bakery, fit_verdict=FitVerdict.BOUNDARY_LESS)
    gone = Customer.objects.create(
        name="לקוח שעזב", status=CustomerStatus.LEFT, customer_since=dt.date(2020, 11, 25)
    )
    Contact.objects.create(customer=gone, name="שי", email="shai@gone.example")
    touchpoints.do_plan(at(22))
    assert set(Touchpoint.objects.values_list("customer__name", flat=True)) == {"מאפיית הכיכר"}


def test_a_customer_who_stops_being_one_is_skipped_at_sending_time(bakery, smtp_outbound):
    touchpoints.do_plan(at(22))
    bakery.status = CustomerStatus.LEFT
    bakery.save()
    assert touchpoints.do_send_due(at(24, 10, 5)) == {"skipped": 1}
    assert Touchpoint.objects.get(kind=TouchpointKind.BIRTHDAY).reason == SkipReason.NOT_KEPT
    assert smtp_outbound.received == []


def test_a_corrected_birthday_is_not_greeted_on_the_old_day(bakery, smtp_outbound):
    touchpoints.do_plan(at(22))
    Contact.objects.filter(customer=bakery).update(birthday=dt.date(1979, 12, 24))
    assert touchpoints.do_send_due(at(24, 10, 5)) == {"skipped": 1}
    assert Touchpoint.objects.get(kind=TouchpointKind.BIRTHDAY).reason == SkipReason.CHANGED


def test_a_private_customers_own_birthday(owner, smtp_outbound):
    person = Customer.objects.create(
        name="ד״ר יעל כהן", kind=CustomerKind.PERSON, birthday=dt.date(1970, 11, 28), owner=owner
    )
    Contact.objects.create(customer=person, name="יעל כהן", email="yael@clinic.example")
    touchpoints.do_plan(at(22))
    birthday = Touchpoint.objects.get(kind=TouchpointKind.BIRTHDAY)
    # A Saturday: a greeting is sent on the day itself, Shabbat or not.
    assert (birthday.occasion_on, birthday.send_at, birthday.occasion_key) == (
        dt.date(2026, 11, 28),
        at(28, 10),
        "customer",
    )
    assert touchpoints.do_send_due(at(28, 10)) == {"sent": 1}
    assert header(smtp_outbound.messages()[0], "Subject") == "יום הולדת שמח, יעל!"


def test_consent_and_the_one_click_unsubscribe(bakery, smtp_outbound):
    touchpoints.do_plan(at(22))
    touchpoints.do_send_due(at(24, 10, 5))
    [greeting] = smtp_outbound.messages()
    url = "".join(greeting["List-Unsubscribe"].split())[1:-1].removeprefix("http://testserver")
    ronit = Contact.objects.get(customer=bakery)
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(url)  # a mail scanner opening the link unsubscribes no one
    assert page.status_code == 200 and b'data-testid="unsubscribe-confirm"' in page.content
    assert services.accepts(ronit, services.TOPIC_TOUCHPOINTS)
    # RFC 8058: the mail client's one-click POST, without a CSRF token.
    response = browser.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert not services.accepts(ronit, services.TOPIC_TOUCHPOINTS)
    assert services.accepts(ronit, services.TOPIC_SURVEYS)  # only what that link was for
    assert Preference.objects.get(contact=ronit).source == "unsubscribe-link"
    # Next year's greeting is planned and skipped, with the reason.
    touchpoints.do_plan(dt.datetime(2027, 11, 20, 9, tzinfo=ZONE))
    assert touchpoints.do_send_due(dt.datetime(2027, 11, 24, 10, 5, tzinfo=ZONE)) == {"skipped": 1}
    assert Touchpoint.objects.filter(reason=SkipReason.UNSUBSCRIBED).count() == 1
    assert len(smtp_outbound.received) == 1
    assert browser.get("/u/forged-token/").status_code == 400


def test_a_contact_without_an_address_is_skipped_with_the_reason(owner):
    customer = Customer.objects.create(
        name="נגריית האלון", customer_since=dt.date(2021, 11, 30), owner=owner
    )
    Contact.objects.create(customer=customer, name="אלון", email="")
    touchpoints.do_plan(at(22))
    assert touchpoints.do_send_due(at(30, 10)) == {"skipped": 1}
    assert Touchpoint.objects.get(kind=TouchpointKind.ANNIVERSARY).reason == SkipReason.NO_EMAIL


def test_two_workers_never_send_the_same_touchpoint(bakery, smtp_outbound):
    touchpoints.do_plan(at(22))
    row = Touchpoint.objects.get(kind=TouchpointKind.BIRTHDAY)
    first = mail.claim(Touchpoint, row.pk, at(24, 10, 5))
    assert first is not None and first.status == SendStatus.SENDING and first.attempts == 1
    assert mail.claim(Touchpoint, row.pk, at(24, 10, 6)) is None  # the other worker
    assert touchpoints.do_send_due(at(24, 10, 6)) == {}
    # A worker that died mid-send frees the row when its lease runs out.
    assert touchpoints.do_send_due(at(24, 10, 16)) == {"sent": 1}
    assert len(smtp_outbound.received) == 1


def test_a_refused_mail_is_retried_then_sent(bakery, smtp_outbound):
    touchpoints.do_plan(at(22))
    smtp_outbound.fail_next = 1
    assert touchpoints.do_send_due(at(24, 10)) == {"scheduled": 1}
    row = Touchpoint.objects.get(kind=TouchpointKind.BIRTHDAY)
    assert (row.attempts, row.send_at) == (1, at(24, 10, 1))
    assert "451" in row.last_error
    assert touchpoints.do_send_due(at(24, 10, 1)) == {"sent": 1}
    assert len(smtp_outbound.received) == 1


def test_the_calendar_shows_upcoming_sends_by_day(realty, bakery, dana):
    touchpoints.do_plan(at(22))
    days = touchpoints.upcoming(at(22))
    assert sorted(t.customer.name for t in days[dt.date(2026, 11, 24)]) == [
        "Silverline Realty",
        "מאפיית הכיכר",
    ]
    assert min(days) == dt.date(2026, 11, 24) and max(days) <= dt.date(2026, 12, 21)
    assert sum(len(rows) for rows in days.values()) == Touchpoint.objects.count()


def test_the_calendar_page(realty, bakery, dana):
    from django.utils import timezone

    from tests.conftest import logged_in

    touchpoints.do_plan(timezone.now())
    planned = Touchpoint.objects.count()
    assert planned >= 2  # at least a monthly check-in each
    response = logged_in(dana).get("/outreach/calendar/")
    assert response.status_code == 200
    assert response.content.count(b'data-testid="touchpoint"') == planned
