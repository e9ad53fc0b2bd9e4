"""Collections with dignity: the reminder ladder by real SMTP, the tone check, holds for an
open complaint until a human decides, instalment plans, and who may do what."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.test import Client

from shomer.conversations.models import Kind, Status
from shomer.conversations.services import do_update_ticket
from shomer.customers.models import Contact, Customer, Invoice, InvoiceStatus
from shomer.language.tone import coach
from shomer.notifications.models import Notification
from shomer.outreach import collections, services
from shomer.outreach.models import (
    CollectionReminder,
    InstalmentPlan,
    MessageTemplate,
    PlanStatus,
    SendStatus,
    SkipReason,
)
from tests.conftest import logged_in, make_ticket, make_user
from tests.feedback.mail_helpers import header, parts

pytestmark = pytest.mark.django_db
ZONE = zoneinfo.ZoneInfo("Asia/Jerusalem")


def at(day: int, hour: int = 8, minute: int = 0, month: int = 11) -> dt.datetime:
    """A moment of 2026 in Jerusalem (22 November is a Sunday)."""
    return dt.datetime(2026, month, day, hour, minute, tzinfo=ZONE)


@pytest.fixture
def owner(db):
    return make_user("avi", first_name="אבי", last_name="מזרחי", email="avi@shomer.example")


@pytest.fixture
def bakery(owner):
    customer = Customer.objects.create(
        name="מאפיית הכיכר", customer_since=dt.date(2022, 6, 1), owner=owner
    )
    Contact.objects.create(
        customer=customer, name="רונית שחר", email="ronit@kikar.example", is_primary=True
    )
    return customer


@pytest.fixture
def invoice(bakery):
    return Invoice.objects.create(
        customer=bakery, number="2026-118", amount=Decimal("4800"), issued_on=dt.date(2026, 10, 18),
        due_on=dt.date(2026, 11, 17),
    )  # fmt: skip


def test_an_overdue_invoice_gets_a_respectful_reminder(invoice, smtp_outbound):
    assert collections.do_plan(at(19)) == {"cancelled": 0, "planned": 0}  # two days: not yet
    assert collections.do_plan(at(22)) == {"cancelled": 0, "planned": 1}
    reminder = CollectionReminder.objects.get()
    assert (reminder.step, reminder.status, reminder.send_at, reminder.language) == (
        1,
        SendStatus.SCHEDULED,
        at(22, 10),
        "he",
    )
    assert reminder.tone["blocked"] is False
    assert [
        f["kind"] for f in reminder.tone["findings"] if f["kind"] in ("humiliating", "pressure")
    ] == []
    assert collections.do_plan(at(22, 9)) == {"cancelled": 0, "planned": 0}  # one at a time

    assert collections.do_send_due(at(22, 10)) == {"sent": 1}
    [mail] = smtp_outbound.messages()
    assert header(mail, "Subject") == "תזכורת ידידותית: חשבונית 2026-118"
    text = parts(mail)["text/plain"]
    assert "שלום רונית," in text
    assert "חשבונית 2026-118 על סך ₪4,800.00, שמועד התשלום שלה היה 17/11/2026, עדיין פתוחה" in text
    assert mail["List-Unsubscribe"] is None  # a service message about a debt
    reading = coach(text, "רונית", "he")
    assert (reading.scores.humiliating, reading.scores.pressure, reading.scores.uses_name) == (
        0.0,
        0.0,
        True,
    )


def test_the_ladder_offers_instalments_then_a_personal_letter_from_the_owner(
    invoice, smtp_outbound
):
    collections.do_plan(at(22))
    collections.do_send_due(at(22, 10))
    assert collections.do_plan(at(30)) == {"cancelled": 0, "planned": 0}  # 13 days overdue
    assert collections.do_plan(dt.datetime(2026, 12, 1, 8, tzinfo=ZONE))["planned"] == 1  # 14 days
    second = CollectionReminder.objects.get(step=2)
    assert second.send_at == dt.datetime(2026, 12, 1, 10, tzinfo=ZONE)
    collections.do_send_due(second.send_at)
    assert "3 תשלומים חודשיים של ₪1,600.00" in parts(smtp_outbound.messages()[-1])["text/plain"]
    # Thirty days after the due date falls on Thursday 17 December.
    collections.do_plan(dt.datetime(2026, 12, 17, 8, tzinfo=ZONE))
    third = CollectionReminder.objects.get(step=3)
    collections.do_send_due(third.send_at)
    letter = smtp_outbound.messages()[-1]
    assert header(letter, "From") == "אבי מזרחי <support@clinic-help.example>"
    assert letter["Reply-To"] == "avi@shomer.example"
    assert "כאן אבי מזרחי מ" in parts(letter)["text/plain"]
    # And no fourth letter, however late.
    assert collections.do_plan(dt.datetime(2027, 3, 1, 8, tzinfo=ZONE))["planned"] == 0
    assert [r.step for r in CollectionReminder.objects.order_by("step")] == [1, 2, 3]


def test_a_reminder_due_on_friday_waits_for_sunday(invoice):
    Invoice.objects.filter(pk=invoice.pk).update(due_on=dt.date(2026, 11, 24))
    collections.do_plan(at(27))  # Friday, three days overdue
    assert CollectionReminder.objects.get().send_at == at(29, 10)


def test_a_customer_with_an_open_complaint_gets_no_reminder_until_a_human_decides(
    invoice, bakery, owner, yossi, dana, smtp_outbound
):
    ronit = bakery.contacts.get()
    complaint = make_ticket(
        contact=ronit, subject="העוגה הגיעה הרוסה", body="ההזמנה הגיעה הרוסה.", kind=Kind.COMPLAINT
    )
    collections.do_plan(at(22))
    reminder = CollectionReminder.objects.get()
    assert reminder.status == SendStatus.WAITING_DECISION
    assert collections.do_send_due(at(23, 10)) == {}
    assert smtp_outbound.received == []
    assert Notification.objects.filter(user=owner, kind="collections").count() == 1
    queue = logged_in(dana).get("/outreach/collections/")
    assert queue.status_code == 200
    assert list(queue.context["waiting"]) == [reminder]
    assert b"decide-send" not in queue.content  # an agent sees it, a manager decides

    # An agent cannot decide; nothing changes.
    assert (
        logged_in(dana)
        .post(f"/outreach/reminders/{reminder.pk}/decide/", {"decision": "send"})
        .status_code
        == 403
    )
    reminder.refresh_from_db()
    assert reminder.status == SendStatus.WAITING_DECISION

    # The manager decides to hold: the ladder stops for this invoice.
    manager = logged_in(yossi)
    assert (
        manager.post(f"/outreach/reminders/{reminder.pk}/decide/", {"decision": "hold"}).status_code
        == 302
    )
    reminder.refresh_from_db()
    assert (reminder.status, reminder.decided_by, reminder.decision) == (
        SendStatus.HELD,
        yossi,
        "hold",
    )
    assert collections.do_plan(dt.datetime(2026, 12, 10, 8, tzinfo=ZONE))["planned"] == 0

    # Released after the complaint is resolved: reviewed again, scheduled, sent.
    from shomer.complaints.models import Complaint

    do_update_ticket(complaint, acting_user=dana, status=Status.SOLVED)
    Complaint.objects.filter(ticket=complaint).update(step="resolved")
    assert manager.post(f"/outreach/reminders/{reminder.pk}/release/").status_code == 302
    reminder.refresh_from_db()
    assert reminder.status == SendStatus.SCHEDULED
    collections.do_send_due(reminder.send_at)
    assert len(smtp_outbound.received) == 1


def test_a_manager_may_send_despite_the_complaint(invoice, bakery, yossi, smtp_outbound):
    make_ticket(
        contact=bakery.contacts.get(), subject="תלונה", body="לא מרוצה", kind=Kind.COMPLAINT
    )
    collections.do_plan(at(22))
    reminder = CollectionReminder.objects.get()
    collections.do_decide(reminder, "send", acting_user=yossi, now=at(22, 9))
    assert (reminder.status, reminder.send_at) == (SendStatus.SCHEDULED, at(22, 10))
    assert collections.do_send_due(at(22, 10)) == {"sent": 1}


def test_a_complaint_opened_after_planning_stops_the_reminder_at_sending_time(
    invoice, bakery, smtp_outbound
):
    collections.do_plan(at(22))
    make_ticket(
        contact=bakery.contacts.get(), subject="תלונה", body="לא מרוצה", kind=Kind.COMPLAINT
    )
    assert collections.do_send_due(at(22, 10)) == {"waiting_decision": 1}
    assert CollectionReminder.objects.get().status == SendStatus.WAITING_DECISION
    assert smtp_outbound.received == []


def test_a_humiliating_text_is_blocked_and_asks_a_human(invoice, yossi, owner, smtp_outbound):
    MessageTemplate.objects.create(
        key="collection_1", language="he", subject="חוב פתוח",
        body="{first_name}, שוב לא שילמת. זה חוסר אחריות. אם לא תשלם, ננקוט נגדך צעדים.",
    )  # fmt: skip
    collections.do_plan(at(22))
    reminder = CollectionReminder.objects.get()
    assert reminder.status == SendStatus.NEEDS_REVIEW
    assert [f["text"] for f in reminder.tone["findings"] if f["kind"] == "humiliating"] == [
        "שוב לא שילמת", "חוסר אחריות", "ננקוט נגדך",
    ]  # fmt: skip
    assert Notification.objects.filter(user=owner, kind="collections").count() == 1
    assert collections.do_send_due(at(23, 10)) == {}

    manager = logged_in(yossi)
    page = manager.get(f"/outreach/reminders/{reminder.pk}/reword/")
    assert page.status_code == 200 and b'data-testid="tone-findings"' in page.content
    still_rude = manager.post(
        f"/outreach/reminders/{reminder.pk}/reword/", {"subject": "חוב", "body": "רונית, זו בושה."}
    )
    assert still_rude.status_code == 302 and still_rude["Location"].endswith("/reword/")
    reminder.refresh_from_db()
    assert reminder.status == SendStatus.NEEDS_REVIEW
    kind = "שלום רונית, לפי הרישומים שלנו נותרה יתרה פתוחה בחשבונית 2026-118. נשמח לעזור אם יש שאלה. תודה!"
    assert (
        manager.post(
            f"/outreach/reminders/{reminder.pk}/reword/", {"subject": "יתרה פתוחה", "body": kind}
        ).status_code
        == 302
    )
    reminder.refresh_from_db()
    assert (reminder.status, reminder.body) == (SendStatus.SCHEDULED, kind)
    collections.do_send_due(reminder.send_at)
    assert parts(smtp_outbound.messages()[0])["text/plain"].startswith(kind)


def test_payment_cancels_what_was_not_sent(invoice):
    collections.do_plan(at(22))
    Invoice.objects.filter(pk=invoice.pk).update(
        status=InvoiceStatus.PAID, paid_on=dt.date(2026, 11, 22)
    )
    assert collections.do_plan(at(22, 9)) == {"cancelled": 1, "planned": 0}
    assert CollectionReminder.objects.get().reason == SkipReason.PAID


def test_an_instalment_plan_is_offered_tracked_and_completes_the_invoice(
    invoice, owner, dana, smtp_outbound
):
    collections.do_plan(at(22))
    # The account owner agrees a plan (an agent who is not the owner may not).
    assert (
        logged_in(dana)
        .post(f"/outreach/invoices/{invoice.pk}/plan/", {"instalments": 3})
        .status_code
        == 403
    )
    response = logged_in(owner).post(
        f"/outreach/invoices/{invoice.pk}/plan/",
        {"instalments": 3, "first_due": "2099-01-10", "note": "סיכמנו בטלפון"},
    )
    assert response.status_code == 302
    plan = InstalmentPlan.objects.get()
    parts_ = list(plan.instalments.values_list("number", "amount", "due_on"))
    assert parts_ == [
        (1, Decimal("1600.00"), dt.date(2099, 1, 10)),
        (2, Decimal("1600.00"), dt.date(2099, 2, 10)),
        (3, Decimal("1600.00"), dt.date(2099, 3, 10)),
    ]
    assert CollectionReminder.objects.get().reason == SkipReason.PLAN
    assert collections.do_send_due(at(22, 10)) == {}
    assert (
        collections.do_plan(dt.datetime(2026, 12, 10, 8, tzinfo=ZONE))["planned"] == 0
    )  # no reminders meanwhile
    # A second plan for the same invoice is refused.
    assert logged_in(owner).get(f"/outreach/invoices/{invoice.pk}/plan/").status_code == 409
    client = logged_in(owner)
    for part in plan.instalments.all():
        assert (
            client.post(
                f"/outreach/instalments/{part.pk}/", {"paid": "1", "paid_on": "2099-03-09"}
            ).status_code
            == 302
        )
    plan.refresh_from_db()
    invoice.refresh_from_db()
    assert plan.status == PlanStatus.COMPLETED
    assert (invoice.status, invoice.paid_on) == (InvoiceStatus.PAID, dt.date(2099, 3, 9))
    assert services.today(at(22)) == dt.date(2026, 11, 22)


def test_the_queue_and_pages_by_role(invoice, dana, yossi, eli):
    collections.do_plan(at(22))
    for user in (dana, eli, yossi):
        assert logged_in(user).get("/outreach/collections/").status_code == 200
        assert logged_in(user).get("/outreach/calendar/").status_code == 200
        assert logged_in(user).get("/feedback/").status_code == 200
    for url in ("/outreach/templates/", "/outreach/templates/birthday/", "/outreach/settings/"):
        assert logged_in(dana).get(url).status_code == 403
        assert logged_in(yossi).get(url).status_code == 200
        assert Client().get(url).status_code == 302


def test_a_complaint_still_being_handled_holds_reminders_even_when_its_ticket_is_solved(
    invoice, bakery, dana
):
    from shomer.complaints.models import Complaint

    ticket = make_ticket(
        contact=bakery.contacts.get(), subject="תלונה", body="לא מרוצה", kind=Kind.COMPLAINT
    )
    do_update_ticket(ticket, acting_user=dana, status=Status.SOLVED)
    record = Complaint.objects.get(ticket=ticket)
    assert record.step == "received"  # the complaint itself is not resolved yet
    collections.do_plan(at(22))
    assert CollectionReminder.objects.get().status == SendStatus.WAITING_DECISION
    Complaint.objects.filter(pk=record.pk).update(step="resolved")
    assert services.customers_with_open_complaints() == set()
