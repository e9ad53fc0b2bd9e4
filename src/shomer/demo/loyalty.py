"""Demo loyalty: contacts' birthdays (a few in the coming weeks), and the loyalty planning run
at the end of the demo, as `shomer loyalty plan` does: NPS and exit surveys due, the next
month of touchpoints (birthdays, anniversaries, check-ins, after a sale), and the next payment
reminder of each overdue invoice."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.test.utils import override_settings

from shomer.customers.models import Contact, CustomerStatus, Invoice, InvoiceStatus
from shomer.demo.history import as_history
from shomer.feedback import services as feedback
from shomer.outreach import collections, touchpoints

ISRAEL = ZoneInfo("Asia/Jerusalem")
# Share of contacts who told us their birthday; about one in SOON_EVERY has it in the next
# few weeks (between SOON_DAYS), so the touchpoint calendar has birthdays to show.
BIRTHDAY_SHARE = 0.3
SOON_EVERY = 12
SOON_DAYS = (2, 26)
MAX_SOON = 40


def _born(rng: random.Random, month: int, day: int) -> date:
    year = rng.randint(1958, 1998)
    return date(year, month, min(day, 28) if month == 2 else day)


def add_birthdays(rng: random.Random, now: datetime) -> int:
    """Birthdays for some contacts, a few of them soon; how many contacts have one now."""
    today = now.astimezone(ISRAEL).date()
    contacts = list(
        Contact.objects.filter(birthday__isnull=True).select_related("customer").order_by("pk")
    )
    # Soon: contacts of active customers, whom the touchpoints are for.
    active = [c for c in contacts if c.customer.status == CustomerStatus.ACTIVE]
    soon_count = min(MAX_SOON, max(3, len(contacts) // SOON_EVERY), len(active))
    soon = {contact.pk for contact in rng.sample(active, soon_count)}
    changed = []
    for contact in contacts:
        if contact.pk in soon:
            day = today + timedelta(days=rng.randint(*SOON_DAYS))
            contact.birthday = _born(rng, day.month, day.day)
        elif rng.random() < BIRTHDAY_SHARE:
            day = date(2001, 1, 1) + timedelta(days=rng.randrange(365))
            contact.birthday = _born(rng, day.month, day.day)
        else:
            continue
        changed.append(contact)
    Contact.objects.bulk_update(changed, ["birthday"], batch_size=2000)
    return len(changed)


# A few recent invoices of active customers are not paid yet: about one customer in
# UNPAID_EVERY, due UNPAID_DAYS ago (the payment reminders' ladder starts 3 days after the due).
UNPAID_EVERY = 10
UNPAID_DAYS = (5, 45)
MAX_UNPAID = 12
LATE_PERSONAS = ("collections", "angry", "chronic")


def add_unpaid(rng: random.Random, now: datetime, personas: dict[int, str]) -> int:
    """Leave a few recent invoices unpaid, late payers first; how many."""
    today = now.astimezone(ISRAEL).date()
    recent = list(
        Invoice.objects.filter(
            customer__status=CustomerStatus.ACTIVE,
            status=InvoiceStatus.PAID,
            due_on__gte=today - timedelta(days=UNPAID_DAYS[1]),
            due_on__lte=today - timedelta(days=UNPAID_DAYS[0]),
        ).order_by("pk")
    )
    late = [i for i in recent if personas.get(i.customer_id) in LATE_PERSONAS]
    others = [i for i in recent if personas.get(i.customer_id) not in LATE_PERSONAS]
    count = min(MAX_UNPAID, max(3, len(personas) // UNPAID_EVERY))
    chosen = rng.sample(late, min(len(late), count))
    chosen += rng.sample(others, min(len(others), count - len(chosen)))
    for invoice in chosen:
        invoice.status, invoice.paid_on = InvoiceStatus.OPEN, None
    Invoice.objects.bulk_update(chosen, ["status", "paid_on"])
    return len(chosen)


def replay_collections(now: datetime) -> None:
    """The payment reminders' ladder of the last weeks, as the beat ran it: the next step
    planned each morning, sent at the sending hour (the mail goes nowhere: it went back
    then). Planned again at the end of the demo, the next step follows."""
    today = now.astimezone(ISRAEL).date()
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        for back in range(UNPAID_DAYS[1], 0, -1):
            day = today - timedelta(days=back)
            collections.do_plan(datetime.combine(day, time(8, 0), tzinfo=ISRAEL))
            collections.do_send_due(datetime.combine(day, time(10, 5), tzinfo=ISRAEL))


def plan(now: datetime) -> dict[str, int]:
    """What `shomer loyalty plan` plans at `now` (the beat then plans it hourly): NPS and exit
    surveys, touchpoints, payment reminders (how many of each were planned)."""
    with as_history(now):
        return {
            "nps": feedback.do_plan_nps(now),
            "exit": feedback.do_plan_exit(now),
            "touchpoints": touchpoints.do_plan(now),
            "collections": collections.do_plan(now)["planned"],
        }
