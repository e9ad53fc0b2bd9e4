"""Loyalty touchpoints: planned ahead for the customers worth keeping, sent on the day.

`do_plan(now)` (hourly, and whenever asked) writes a `Touchpoint` row for each occasion in the
next PLAN_DAYS days: birthdays (a contact's, or a private customer's own), customer
anniversaries, monthly check-ins, a follow-up after a sale (an invoice) and after onboarding.
Rows are unique per occasion, so planning twice plans nothing new. `do_send_due(now)` (the
worker, every few minutes) claims the rows due and sends each in its contact's language,
filled from the template library, with a one-click unsubscribe link. What changed since the
planning (a customer who left, a contact who unsubscribed, a birthday corrected) is checked
at sending time and the row is skipped with the reason.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Final

from django.utils.translation import gettext as _
from django.utils.translation import override

from shomer.customers.models import Contact, Customer, CustomerKind, Invoice, InvoiceStatus
from shomer.outreach import mail, rules, services
from shomer.outreach.models import (
    LoyaltySettings,
    SendStatus,
    SkipReason,
    Touchpoint,
    TouchpointKind,
)
from shomer.webhooks.services import do_emit

PLAN_DAYS: Final = 30
# Check-ins are not planned within this many days of another touchpoint of the customer
# (a birthday card and a check-in in one week reads like a mailing list).
CHECKIN_QUIET_DAYS: Final = 7
# The "after a sale" follow-up looks at invoices issued this far back.
SALE_LOOKBACK_DAYS: Final = 30


Candidate = tuple[int, int | None, str, dt.date, str, int | None, dt.datetime]


def _occasions(
    customer: Customer,
    sales: list[Invoice],
    start: dt.date,
    end: dt.date,
    config: LoyaltySettings,
    busy: set[dt.date],
) -> list[Candidate]:
    """One customer's touchpoints in [start, end]: (customer, contact, kind, occasion, key,
    invoice, send_at). `busy` holds the days of their other touchpoints already planned."""
    hour = config.send_hour
    contact = services.recipient(customer)
    contact_id = contact.pk if contact else None
    found: list[Candidate] = []

    def add(
        person: int | None,
        kind: str,
        day: dt.date,
        key: str = "",
        invoice: int | None = None,
        business_day: bool = True,
    ) -> None:
        sending = rules.business_day_on_or_after(day) if business_day else day
        send_at = rules.slot(sending, hour, services.ZONE)
        found.append((customer.pk, person, kind, day, key, invoice, send_at))

    # Birthdays: on the day itself, Shabbat or not (a greeting a day late is no greeting).
    for person in customer.contacts.all():
        if person.birthday:
            for day in rules.birthdays_between(person.birthday, start, end):
                add(person.pk, TouchpointKind.BIRTHDAY, day, f"contact:{person.pk}", None, False)
    if customer.kind == CustomerKind.PERSON and customer.birthday:
        for day in rules.birthdays_between(customer.birthday, start, end):
            add(contact_id, TouchpointKind.BIRTHDAY, day, "customer", None, False)
    since = customer.customer_since
    if since is not None:
        for day in rules.yearly_between(since, start, end):
            add(contact_id, TouchpointKind.ANNIVERSARY, day)
        onboarded = since + dt.timedelta(days=config.after_onboarding_days)
        if start <= onboarded <= end:
            add(contact_id, TouchpointKind.AFTER_ONBOARDING, onboarded)
    for invoice in sales:
        day = invoice.issued_on + dt.timedelta(days=config.after_sale_days)
        if start <= day <= end:
            add(contact_id, TouchpointKind.AFTER_SALE, day, f"invoice:{invoice.pk}", invoice.pk)
    if since is not None:
        quiet = dt.timedelta(days=CHECKIN_QUIET_DAYS)
        taken = busy | {candidate[3] for candidate in found}
        for day in rules.monthly_between(since, start, end, config.checkin_every_months):
            if not any(abs(day - other) <= quiet for other in taken):
                add(contact_id, TouchpointKind.CHECKIN, day)
    return found


def do_plan(now: dt.datetime, *, days: int = PLAN_DAYS) -> int:
    """Plan the touchpoints of the next `days` days (today included); how many are new.

    Read in a few queries (customers with their contacts, the recent sales, what is planned
    already) and written in batches of one INSERT; rows that exist (planned by an earlier
    run, or by another worker at the same moment) are left alone."""
    config = services.loyalty_settings()
    start = services.today(now)
    end = start + dt.timedelta(days=days - 1)
    quiet = dt.timedelta(days=CHECKIN_QUIET_DAYS)
    kept = services.worth_keeping(Customer.objects.all())
    sales: dict[int, list[Invoice]] = defaultdict(list)
    recent_sales = (
        Invoice.objects.filter(
            customer__in=kept, issued_on__gte=start - dt.timedelta(days=SALE_LOOKBACK_DAYS)
        )
        .exclude(status=InvoiceStatus.VOID)
        .only("pk", "customer_id", "issued_on")
    )
    for invoice in recent_sales:
        sales[invoice.customer_id].append(invoice)
    existing: set[tuple[int, str, dt.date, str]] = set()
    busy: dict[int, set[dt.date]] = defaultdict(set)
    planned = Touchpoint.objects.filter(occasion_on__range=(start - quiet, end + quiet))
    for customer_id, kind, occasion, key in planned.values_list(
        "customer_id", "kind", "occasion_on", "occasion_key"
    ):
        existing.add((customer_id, kind, occasion, key))
        if kind != TouchpointKind.CHECKIN:
            busy[customer_id].add(occasion)
    new: list[Touchpoint] = []
    for customer in kept.prefetch_related("contacts").iterator(chunk_size=1000):
        candidates = _occasions(
            customer, sales.get(customer.pk, []), start, end, config, busy[customer.pk]
        )
        for customer_id, contact_id, kind, occasion, key, invoice_id, send_at in candidates:
            if (customer_id, kind, occasion, key) in existing:
                continue
            new.append(
                Touchpoint(
                    customer_id=customer_id,
                    contact_id=contact_id,
                    kind=kind,
                    occasion_on=occasion,
                    occasion_key=key,
                    invoice_id=invoice_id,
                    send_at=send_at,
                    created_at=now,
                )
            )
    Touchpoint.objects.bulk_create(new, ignore_conflicts=True, batch_size=1000)
    return len(new)


def _still_valid(touchpoint: Touchpoint) -> bool:
    """Whether the occasion still holds at sending time (a corrected birthday, a voided sale)."""
    occasion = touchpoint.occasion_on
    if touchpoint.kind == TouchpointKind.BIRTHDAY:
        if touchpoint.occasion_key == "customer":
            born = touchpoint.customer.birthday
        else:
            born = touchpoint.contact.birthday if touchpoint.contact else None
        return born is not None and rules.on_year(born, occasion.year) == occasion
    if touchpoint.kind == TouchpointKind.AFTER_SALE:
        return touchpoint.invoice is not None and touchpoint.invoice.status != InvoiceStatus.VOID
    return True


def deliver(touchpoint: Touchpoint, now: dt.datetime) -> str:
    """Send one claimed touchpoint, or skip it with the reason."""
    customer = touchpoint.customer
    if not services.worth_keeping(Customer.objects.filter(pk=customer.pk)).exists():
        return mail.skip(touchpoint, SkipReason.NOT_KEPT)
    if not _still_valid(touchpoint):
        return mail.skip(touchpoint, SkipReason.CHANGED)
    contact = touchpoint.contact
    if contact is None or not contact.email:
        return mail.skip(touchpoint, SkipReason.NO_EMAIL)
    if not services.accepts(contact, services.TOPIC_TOUCHPOINTS):
        return mail.skip(touchpoint, SkipReason.UNSUBSCRIBED)
    letter = letter_for(touchpoint, contact)
    status = mail.send(touchpoint, letter, now)
    if status == SendStatus.SENT:
        do_emit("touchpoint.sent", touchpoint_data(touchpoint))
    return status


def letter_for(touchpoint: Touchpoint, contact: Contact) -> mail.Letter:
    customer = touchpoint.customer
    language = mail.mail_language(contact.language, customer.language)
    variables = services.base_variables(customer, contact)
    if touchpoint.kind == TouchpointKind.ANNIVERSARY and customer.customer_since:
        variables["years"] = str(touchpoint.occasion_on.year - customer.customer_since.year)
    if touchpoint.invoice is not None:
        invoice = touchpoint.invoice
        variables["amount"] = rules.format_amount(invoice.amount, invoice.currency)
        with override(language):
            variables["item"] = invoice.description or _("your order")
    subject, body = services.render_template(touchpoint.kind, language, variables)
    owner = customer.owner
    with override(language):
        footer = _("You receive this because you are a customer of %(business)s.") % {
            "business": variables["business"]
        }
    url = services.unsubscribe_url(contact, services.TOPIC_TOUCHPOINTS)
    return mail.Letter(
        to_name=contact.name,
        to_email=contact.email,
        language=language,
        subject=subject,
        body_text=body,
        footer=footer,
        unsubscribe_url=url,
        from_name=variables["owner_name"] if owner else "",
        reply_to=owner.email if owner and owner.email else "",
        kind=f"touchpoint:{touchpoint.kind}",
    )


def touchpoint_data(touchpoint: Touchpoint) -> dict[str, object]:
    return {
        "id": touchpoint.pk,
        "kind": touchpoint.kind,
        "customer": touchpoint.customer_id,
        "contact": touchpoint.contact_id,
        "occasion_on": touchpoint.occasion_on.isoformat(),
        "language": touchpoint.language,
        "status": touchpoint.status,
    }


def do_send_due(now: dt.datetime) -> dict[str, int]:
    """The worker's step: send every touchpoint due at `now` (claimed, so never twice)."""
    return mail.run_due(Touchpoint, deliver, now, ("customer__owner", "contact", "invoice"))


def upcoming(now: dt.datetime, days: int = PLAN_DAYS) -> dict[dt.date, list[Touchpoint]]:
    """Planned touchpoints by local sending day, for the calendar."""
    start = rules.slot(services.today(now), 0, services.ZONE)
    rows = (
        Touchpoint.objects.filter(
            send_at__gte=start,
            send_at__lt=start + dt.timedelta(days=days),
        )
        .exclude(status=SendStatus.CANCELLED)
        .select_related("customer", "contact")
        .order_by("send_at", "id")
    )
    by_day: dict[dt.date, list[Touchpoint]] = {}
    for row in rows:
        by_day.setdefault(row.send_at.astimezone(services.ZONE).date(), []).append(row)
    return by_day
