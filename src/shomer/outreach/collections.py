"""Collections with dignity: a ladder of respectful payment reminders, each checked by the
tone coach, held for a human when the customer has an open complaint; instalment plans.

`do_plan(now)` (hourly) looks at every open, overdue invoice without an active instalment
plan and writes the next step of the ladder when it is due (rules.LADDER_DAYS after the due
date: a friendly note, an offer to spread the payment, a personal letter from the account
owner). The text is written at once from the template library, so that a human reviewing
it sees exactly what would go:

- a customer with an open complaint: the reminder waits for a manager's decision ("waiting
  for a decision" in the collections queue: send it anyway, or hold the ladder);
- a text the tone coach finds humiliating: it is blocked ("needs a human"); a person rewords
  it, and the new text is checked again;
- otherwise it is scheduled for the next business morning and sent by the worker
  (`do_send_due`), which checks all of it again just before sending.

A payment (the invoice is no longer open) or an agreed instalment plan cancels what was not
sent. Payment reminders are service messages about a debt, so they carry no unsubscribe
link; a held ladder is the way to stop them for one customer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, override

from shomer.core import audit
from shomer.customers.invoices import do_update_invoice
from shomer.customers.models import Invoice, InvoiceStatus
from shomer.language.tone import coach
from shomer.notifications.services import do_notify
from shomer.outreach import mail, rules, services
from shomer.outreach.models import (
    CollectionReminder,
    Instalment,
    InstalmentPlan,
    PlanStatus,
    SendStatus,
    SkipReason,
)
from shomer.people.models import Role, User
from shomer.webhooks.services import do_emit

# Instalments offered in the second and third reminders.
OFFERED_INSTALMENTS: Final = 3
MAX_INSTALMENTS: Final = 24
# Statuses of a reminder that is still to be sent (or decided).
PENDING: Final = (
    SendStatus.SCHEDULED,
    SendStatus.SENDING,
    SendStatus.WAITING_DECISION,
    SendStatus.NEEDS_REVIEW,
)
DECISION_SEND: Final = "send"
DECISION_HOLD: Final = "hold"


def overdue_invoices(today: dt.date) -> QuerySet[Invoice]:
    return (
        Invoice.objects.filter(status=InvoiceStatus.OPEN, due_on__lt=today)
        .exclude(plans__status=PlanStatus.ACTIVE)
        .select_related("customer__owner")
    )


def _variables(invoice: Invoice, contact: Any, language: str) -> dict[str, str]:
    variables = services.base_variables(invoice.customer, contact)
    first = rules.split_amount(invoice.amount, OFFERED_INSTALMENTS)[0]
    variables.update(
        amount=rules.format_amount(invoice.amount, invoice.currency),
        due_date=services.local_date_text(invoice.due_on, language) if invoice.due_on else "",
        invoice_number=invoice.number,
        instalments=str(OFFERED_INSTALMENTS),
        instalment_amount=rules.format_amount(first, invoice.currency),
    )
    return variables


def tone_check(text: str, first_name: str, language: str) -> dict[str, Any]:
    """The tone coach's reading of a reminder, as stored on it; `blocked` when any finding is
    humiliating (a person must reword it)."""
    coaching = coach(text, first_name or None, language)
    findings = [
        {"kind": f.kind, "text": f.text, "suggestion": f.suggestion}
        for f in coaching.findings
        if f.kind != "no_name" or not first_name
    ]
    return {
        "scores": coaching.scores.to_json(),
        "findings": findings,
        "blocked": any(f["kind"] == "humiliating" for f in findings),
    }


def _write(reminder: CollectionReminder, edits: services.Edits | None = None) -> None:
    """Fill the reminder's language, recipient, subject and text from the template."""
    invoice = reminder.invoice
    contact = reminder.contact
    language = mail.mail_language(contact.language if contact else "", invoice.customer.language)
    variables = _variables(invoice, contact, language)
    subject, body = services.render_template(
        f"collection_{reminder.step}", language, variables, edits
    )
    reminder.language, reminder.subject, reminder.body = language, subject[:300], body
    reminder.recipient = contact.email if contact else ""


def _review(
    reminder: CollectionReminder, now: dt.datetime, complaints: set[int] | None = None
) -> str:
    """Decide what happens to a reminder now; the status it should have (not saved).
    `complaints`: the customers with an open complaint, when the caller read them at once."""
    customer = reminder.invoice.customer
    first_name = reminder.contact.first_name if reminder.contact else ""
    reminder.tone = tone_check(
        f"{reminder.subject}\n{reminder.body}", first_name, reminder.language
    )
    complaint = (
        customer.pk in complaints
        if complaints is not None
        else services.has_open_complaint(customer)
    )
    if reminder.decision != DECISION_SEND and complaint:
        return SendStatus.WAITING_DECISION
    if reminder.tone["blocked"]:
        return SendStatus.NEEDS_REVIEW
    return SendStatus.SCHEDULED


def _notify_staff(reminder: CollectionReminder, title_text: str) -> None:
    """Tell the account owner (or, without one, the managers) that a human is needed."""
    customer = reminder.invoice.customer
    people = [customer.owner] if customer.owner else []
    if not people:
        people = list(User.objects.filter(role__in=[Role.MANAGER, Role.ADMIN], is_active=True))
    url = reverse("outreach-collections")
    for person in people:
        with override(person.language):
            do_notify(
                person,
                kind="collections",
                title=_(title_text)
                % {"customer": customer.name, "number": reminder.invoice.number},
                url=url,
                send_email=False,
            )


WAITING_TITLE: Final = gettext_noop(
    "A payment reminder to %(customer)s (invoice %(number)s) waits for your decision: they have an open complaint"
)
REVIEW_TITLE: Final = gettext_noop(
    "A payment reminder to %(customer)s (invoice %(number)s) was stopped by the tone check"
)


def _announce(reminder: CollectionReminder) -> None:
    if reminder.status == SendStatus.WAITING_DECISION:
        _notify_staff(reminder, WAITING_TITLE)
    elif reminder.status == SendStatus.NEEDS_REVIEW:
        _notify_staff(reminder, REVIEW_TITLE)


def _next_slot(now: dt.datetime, hour: int) -> dt.datetime:
    """The next business morning at `hour` (today's if it is still ahead)."""
    day = services.today(now)
    when = rules.slot(rules.business_day_on_or_after(day), hour, services.ZONE)
    if when < now:
        when = rules.slot(
            rules.business_day_on_or_after(day + dt.timedelta(days=1)), hour, services.ZONE
        )
    return when


@dataclass(frozen=True)
class _Batch:
    """What a planning run reads once: the send hour, the managers' texts, the customers
    with an open complaint."""

    hour: int
    edits: services.Edits
    complaints: set[int]


@transaction.atomic
def _create(
    invoice: Invoice, step: int, now: dt.datetime, batch: _Batch
) -> CollectionReminder | None:
    reminder = CollectionReminder(
        invoice=invoice,
        customer=invoice.customer,
        contact=services.recipient(invoice.customer),
        step=step,
        send_at=_next_slot(now, batch.hour),
    )
    _write(reminder, batch.edits)
    reminder.status = _review(reminder, now, batch.complaints)
    try:
        with transaction.atomic():
            reminder.save()
    except IntegrityError:  # planned at the same moment elsewhere
        return None
    audit.record(
        "collections.planned", reminder, step=step, status=reminder.status, invoice=invoice.pk
    )
    _announce(reminder)
    return reminder


def do_plan(now: dt.datetime) -> dict[str, int]:
    """Cancel what was paid, then write each overdue invoice's next reminder when it is due."""
    today = services.today(now)
    cancelled = _cancel_settled()
    batch = _Batch(
        hour=services.loyalty_settings().send_hour,
        edits=services.template_edits(),
        complaints=services.customers_with_open_complaints(),
    )
    counts = {"cancelled": cancelled, "planned": 0}
    invoices = overdue_invoices(today).prefetch_related("reminders", "customer__contacts")
    for invoice in invoices.iterator(chunk_size=500):
        reminders = [(r.step, r.status) for r in invoice.reminders.all()]
        if any(status in (*PENDING, SendStatus.HELD) for _step, status in reminders):
            continue  # one at a time, and none while the ladder is held
        assert invoice.due_on is not None  # overdue_invoices() has due dates only
        step = rules.ladder_step_due((today - invoice.due_on).days, [s for s, _ in reminders])
        if step is not None and _create(invoice, step, now, batch) is not None:
            counts["planned"] += 1
    return counts


def _cancel_settled() -> int:
    """Reminders not yet sent whose invoice was paid or cancelled, or got a plan."""
    pending = CollectionReminder.objects.filter(status__in=(*PENDING, SendStatus.HELD))
    paid = pending.filter(~Q(invoice__status=InvoiceStatus.OPEN)).update(
        status=SendStatus.CANCELLED, reason=SkipReason.PAID
    )
    planned = pending.filter(invoice__plans__status=PlanStatus.ACTIVE).update(
        status=SendStatus.CANCELLED, reason=SkipReason.PLAN
    )
    return paid + planned


def deliver(reminder: CollectionReminder, now: dt.datetime) -> str:
    """Send one claimed reminder after checking everything again."""
    invoice = Invoice.objects.select_related("customer__owner").get(pk=reminder.invoice_id)
    reminder.invoice = invoice
    if invoice.status != InvoiceStatus.OPEN:
        reminder.status, reminder.reason = SendStatus.CANCELLED, SkipReason.PAID
        reminder.save(update_fields=["status", "reason"])
        return reminder.status
    if invoice.plans.filter(status=PlanStatus.ACTIVE).exists():
        reminder.status, reminder.reason = SendStatus.CANCELLED, SkipReason.PLAN
        reminder.save(update_fields=["status", "reason"])
        return reminder.status
    contact = reminder.contact
    if contact is None or not contact.email:
        return mail.skip(reminder, SkipReason.NO_EMAIL)
    status = _review(reminder, now)
    if status != SendStatus.SCHEDULED:
        reminder.status, reminder.send_at = status, now
        reminder.save(update_fields=["status", "send_at", "tone"])
        _announce(reminder)
        return status
    reminder.save(update_fields=["tone"])
    owner = invoice.customer.owner
    from_owner = reminder.step >= 3 and owner is not None
    with override(reminder.language):
        footer = _("Questions about this invoice? Reply to this e-mail; a person reads it.")
    letter = mail.Letter(
        to_name=contact.name,
        to_email=contact.email,
        language=reminder.language,
        subject=reminder.subject,
        body_text=reminder.body,
        footer=footer,
        from_name=services.owner_name(invoice.customer) if from_owner else "",
        reply_to=owner.email if owner and owner.email else "",
        kind=f"collection:{reminder.step}",
    )
    status = mail.send(reminder, letter, now)
    if status == SendStatus.SENT:
        audit.record("collections.sent", reminder, step=reminder.step, invoice=invoice.pk)
        do_emit("collections.reminder_sent", reminder_data(reminder))
    return status


def reminder_data(reminder: CollectionReminder) -> dict[str, object]:
    return {
        "id": reminder.pk,
        "invoice": reminder.invoice_id,
        "customer": reminder.customer_id,
        "step": reminder.step,
        "status": reminder.status,
        "language": reminder.language,
    }


def do_send_due(now: dt.datetime) -> dict[str, int]:
    return mail.run_due(CollectionReminder, deliver, now, ("contact",))


# --- human decisions --------------------------------------------------------------------------


def access_reminder(user: User, reminder_id: int) -> CollectionReminder:
    """A reminder for a manager's decision; PermissionDenied for others, 404 if unknown."""
    from django.shortcuts import get_object_or_404

    services.check_manager(user)
    return get_object_or_404(
        CollectionReminder.objects.select_related("invoice__customer__owner", "contact"),
        pk=reminder_id,
    )


@transaction.atomic
def do_decide(
    reminder: CollectionReminder, decision: str, *, acting_user: User, now: dt.datetime
) -> CollectionReminder:
    """A manager's decision on a reminder held for a complaint (or a held ladder):
    "send" schedules it for the next business morning despite the open complaint (this
    reminder only); "hold" stops the ladder for this invoice until released."""
    if decision == DECISION_SEND:
        reminder.decision = DECISION_SEND
        reminder.status = _review(reminder, now)
        if reminder.status == SendStatus.SCHEDULED:
            reminder.send_at = _next_slot(now, services.loyalty_settings().send_hour)
    elif decision == DECISION_HOLD:
        reminder.decision, reminder.status = DECISION_HOLD, SendStatus.HELD
    else:
        raise ValueError(f"unknown decision {decision!r}")
    reminder.decided_by, reminder.decided_at = acting_user, now
    reminder.save(
        update_fields=["decision", "status", "send_at", "tone", "decided_by", "decided_at"]
    )
    audit.record("collections.decided", reminder, actor=acting_user, decision=decision)
    return reminder


@transaction.atomic
def do_release(
    reminder: CollectionReminder, *, acting_user: User, now: dt.datetime
) -> CollectionReminder:
    """Undo a hold: the reminder is reviewed again (and waits again if the complaint is
    still open)."""
    reminder.decision = ""
    reminder.status = _review(reminder, now)
    reminder.send_at = _next_slot(now, services.loyalty_settings().send_hour)
    reminder.decided_by, reminder.decided_at = acting_user, now
    reminder.save(
        update_fields=["decision", "status", "send_at", "tone", "decided_by", "decided_at"]
    )
    audit.record("collections.released", reminder, actor=acting_user, status=reminder.status)
    return reminder


@transaction.atomic
def do_reword(
    reminder: CollectionReminder, *, subject: str, body: str, acting_user: User, now: dt.datetime
) -> CollectionReminder:
    """A person's new text for a reminder; checked by the tone coach again (a humiliating
    finding keeps it blocked)."""
    reminder.subject, reminder.body = subject[:300], body
    reminder.status = _review(reminder, now)
    if reminder.status == SendStatus.SCHEDULED:
        reminder.send_at = _next_slot(now, services.loyalty_settings().send_hour)
    reminder.save(update_fields=["subject", "body", "status", "send_at", "tone"])
    audit.record("collections.reworded", reminder, actor=acting_user, status=reminder.status)
    return reminder


# --- instalment plans -------------------------------------------------------------------------


@transaction.atomic
def do_create_plan(
    invoice: Invoice, *, instalments: int, first_due: dt.date, acting_user: User, note: str = ""
) -> InstalmentPlan:
    """Agree an instalment plan for an open invoice: monthly parts to the cent from
    `first_due`. Reminders not yet sent are cancelled. Precondition: the invoice is open and
    has no active plan (the form checks)."""
    plan = InstalmentPlan.objects.create(invoice=invoice, created_by=acting_user, note=note)
    Instalment.objects.bulk_create(
        Instalment(plan=plan, number=number, amount=amount, due_on=due_on)
        for number, due_on, amount in rules.instalment_schedule(
            invoice.amount, instalments, first_due
        )
    )
    invoice.reminders.filter(status__in=(*PENDING, SendStatus.HELD)).update(
        status=SendStatus.CANCELLED, reason=SkipReason.PLAN
    )
    audit.record(
        "collections.plan", plan, actor=acting_user, invoice=invoice.pk, instalments=instalments,
        first_due=first_due.isoformat(),
    )  # fmt: skip
    return plan


@transaction.atomic
def do_mark_instalment(
    instalment: Instalment, *, paid_on: dt.date | None, acting_user: User
) -> Instalment:
    """Mark an instalment paid (or, with None, unpaid). The last one paid completes the plan
    and records the invoice paid on that day."""
    instalment.paid_on = paid_on
    instalment.save(update_fields=["paid_on"])
    plan = instalment.plan
    audit.record("collections.instalment", plan, actor=acting_user, number=instalment.number,
                 paid_on=paid_on.isoformat() if paid_on else None)  # fmt: skip
    unpaid = plan.instalments.filter(paid_on__isnull=True).exists()
    if not unpaid and plan.status == PlanStatus.ACTIVE:
        plan.status = PlanStatus.COMPLETED
        plan.save(update_fields=["status"])
        last = max(i.paid_on for i in plan.instalments.all() if i.paid_on)
        do_update_invoice(
            plan.invoice, acting_user=acting_user, status=InvoiceStatus.PAID, paid_on=last
        )
    elif unpaid and plan.status == PlanStatus.COMPLETED:
        plan.status = PlanStatus.ACTIVE
        plan.save(update_fields=["status"])
    return instalment


@transaction.atomic
def do_cancel_plan(plan: InstalmentPlan, *, acting_user: User) -> InstalmentPlan:
    """Cancel an active plan: the invoice is back on the ladder (where it left off)."""
    plan.status = PlanStatus.CANCELLED
    plan.save(update_fields=["status"])
    audit.record("collections.plan_cancelled", plan, actor=acting_user)
    return plan


def paid_so_far(plan: InstalmentPlan) -> Decimal:
    return sum((i.amount for i in plan.instalments.all() if i.paid_on), Decimal("0"))


# --- the queue --------------------------------------------------------------------------------


def queue(now: dt.datetime) -> dict[str, Any]:
    """What the collections page shows, section by section."""
    base = CollectionReminder.objects.select_related("invoice", "customer", "contact", "decided_by")
    recent = now - dt.timedelta(days=30)
    today = services.today(now)
    plans = (
        InstalmentPlan.objects.filter(status=PlanStatus.ACTIVE)
        .select_related("invoice__customer")
        .prefetch_related("instalments")
    )
    return {
        "waiting": list(base.filter(status=SendStatus.WAITING_DECISION).order_by("send_at")),
        "review": list(base.filter(status=SendStatus.NEEDS_REVIEW).order_by("send_at")),
        "held": list(base.filter(status=SendStatus.HELD).order_by("-decided_at")),
        "scheduled": list(
            base.filter(status__in=(SendStatus.SCHEDULED, SendStatus.SENDING)).order_by("send_at")
        ),
        "sent": list(
            base.filter(status=SendStatus.SENT, sent_at__gte=recent).order_by("-sent_at")[:50]
        ),
        "plans": list(plans),
        "overdue": list(overdue_invoices(today).order_by("due_on")[:200]),
        "today": today,
    }
