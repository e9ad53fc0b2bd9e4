"""Loyalty touchpoints: planned ahead for the customers worth keeping, sent on the day.

`do_plan(now)` (daily, and whenever asked) writes a `Touchpoint` row for each occasion in the
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
from typing import Final

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import override

from shomer.customers.models import Contact, Customer, CustomerKind, Invoice, InvoiceStatus
from shomer.outreach import mail, rules, services
from shomer.outreach.models import SendStatus, SkipReason, Touchpoint, TouchpointKind
from shomer.webhooks.services import do_emit

PLAN_DAYS: Final = 30
# Check-ins are not planned within this many days of another touchpoint of the customer
# (a birthday card and a check-in in one week reads like a mailing list).
CHECKIN_QUIET_DAYS: Final = 7
# The "after a sale" follow-up looks at invoices issued this far back.
SALE_LOOKBACK_DAYS: Final = 30


def _plan_row(
    customer: Customer,
    contact: Contact | None,
    kind: str,
    occasion: dt.date,
    *,
    hour: int,
    key: str = "",
    invoice: Invoice | None = None,
    business_day: bool = True,
) -> Touchpoint | None:
    day = rules.business_day_on_or_after(occasion) if business_day else occasion
    try:
        with transaction.atomic():
            return Touchpoint.objects.create(
                customer=customer,
                contact=contact,
                kind=kind,
                occasion_on=occasion,
                occasion_key=key,
                invoice=invoice,
                send_at=rules.slot(day, hour, services.ZONE),
            )
    except IntegrityError:  # already planned
        return None


def do_plan(now: dt.datetime, *, days: int = PLAN_DAYS) -> int:
    """Plan the touchpoints of the next `days` days (today included); how many are new."""
    config = services.loyalty_settings()
    start = services.today(now)
    end = start + dt.timedelta(days=days - 1)
    hour = config.send_hour
    planned = 0
    customers = services.worth_keeping(Customer.objects.all()).prefetch_related("contacts")
    for customer in customers.iterator(chunk_size=500):
        contact = services.recipient(customer)
        # Birthdays: on the day itself, Shabbat or not (a greeting a day late is no greeting).
        for person in customer.contacts.all():
            if person.birthday:
                for day in rules.birthdays_between(person.birthday, start, end):
                    row = _plan_row(customer, person, TouchpointKind.BIRTHDAY, day, hour=hour,
                                    key=f"contact:{person.pk}", business_day=False)  # fmt: skip
                    planned += row is not None
        if customer.kind == CustomerKind.PERSON and customer.birthday:
            for day in rules.birthdays_between(customer.birthday, start, end):
                row = _plan_row(customer, contact, TouchpointKind.BIRTHDAY, day, hour=hour,
                                key="customer", business_day=False)  # fmt: skip
                planned += row is not None
        since = customer.customer_since
        if since is not None:
            for day in rules.yearly_between(since, start, end):
                planned += (
                    _plan_row(customer, contact, TouchpointKind.ANNIVERSARY, day, hour=hour)
                    is not None
                )
            onboarded = since + dt.timedelta(days=config.after_onboarding_days)
            if start <= onboarded <= end:
                planned += (
                    _plan_row(
                        customer, contact, TouchpointKind.AFTER_ONBOARDING, onboarded, hour=hour
                    )
                    is not None
                )
            for day in rules.monthly_between(since, start, end, config.checkin_every_months):
                if not _busy(customer, day):
                    planned += (
                        _plan_row(customer, contact, TouchpointKind.CHECKIN, day, hour=hour)
                        is not None
                    )
        sales = Invoice.objects.filter(
            customer=customer,
            issued_on__gte=start - dt.timedelta(days=SALE_LOOKBACK_DAYS),
        ).exclude(status=InvoiceStatus.VOID)
        for invoice in sales:
            day = invoice.issued_on + dt.timedelta(days=config.after_sale_days)
            if start <= day <= end:
                row = _plan_row(customer, contact, TouchpointKind.AFTER_SALE, day, hour=hour,
                                key=f"invoice:{invoice.pk}", invoice=invoice)  # fmt: skip
                planned += row is not None
    return planned


def _busy(customer: Customer, day: dt.date) -> bool:
    quiet = dt.timedelta(days=CHECKIN_QUIET_DAYS)
    return (
        Touchpoint.objects.filter(customer=customer, occasion_on__range=(day - quiet, day + quiet))
        .exclude(kind=TouchpointKind.CHECKIN)
        .exists()
    )


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
