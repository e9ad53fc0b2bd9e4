"""The bulk pipeline leaves the same rows as the single one, in every table.

The same mail goes once through `ingest_email` message by message and once through
`ingest_emails` in batches, from the same starting state; every model's row count and the
meaningful fields of the rows the pipeline writes must match. A new side effect added to
the services (a row per message somewhere) without its bulk twin fails here.
"""

from __future__ import annotations

import hashlib

import pytest
from django.apps import apps
from django.db import transaction

from shomer.analysis.models import MessageAnalysis, TicketSignals
from shomer.bench.peer_helpdesk.corpus import write_sample_mails
from shomer.channels.inbound_email import ingest_email, ingest_emails
from shomer.conversations.bulk import ingest_many
from shomer.conversations.ingest import Inbound
from shomer.conversations.models import (
    Attachment,
    InboundRecord,
    InboundStatus,
    Message,
    Status,
    Ticket,
)
from shomer.conversations.services import do_update_ticket
from shomer.core.models import AuditEvent
from shomer.customers.models import Contact, Customer
from shomer.sla.models import SlaTimer
from shomer.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.channels.mail_corpus import compose, raw, reply
from tests.conftest import make_ticket

ABUSIVE = "אתה אידיוט מטומטם, תעביר אותי למישהו שמבין משהו"


@pytest.fixture
def setting(noa, support, clinic, tmp_path):
    """A clinic with a pending ticket of Noa's, a webhook listening, and a mixed corpus."""
    WebhookEndpoint.objects.create(url="https://hooks.example/shomer")
    pending = make_ticket(
        subject="הגיבוי לא רץ",
        contact=noa,
        team=support,
        idempotency_key="backup-1@smile.example",
    )
    do_update_ticket(pending, acting_user=None, status=Status.PENDING)
    mails = [path.read_bytes() for path in write_sample_mails(tmp_path, 30, seed=3)]
    mails += [
        # Noa answers her pending ticket: it reopens, its clocks resume.
        reply(
            "עדיין לא רץ הלילה.",
            message_id="<backup-2@smile.example>",
            in_reply_to="<backup-1@smile.example>",
            subject="Re: הגיבוי לא רץ",
            sender="noa@smile.example",
        ),
        # The ticket token, from her own customer's address.
        raw(
            compose(
                "ועוד פרט חשוב",
                subject=f"עדכון [#{pending.pk}]",
                sender="אבי <avi@smile.example>",
                message_id="<token-1@smile.example>",
            )
        ),
        # No threading headers: the subject fallback finds her open ticket.
        raw(
            compose(
                "שוב שאלה",
                subject="Re: הגיבוי לא רץ",
                sender="noa@smile.example",
                message_id="<subject-1@smile.example>",
            )
        ),
        # The same message twice in one batch.
        raw(compose("כפול", sender="dup@example.org", message_id="<dup-1@example.org>")),
        raw(compose("כפול", sender="dup@example.org", message_id="<dup-1@example.org>")),
        # An auto-reply to a stored message is a note on its ticket.
        raw(
            compose(
                "אני מחוץ למשרד",
                subject="מענה אוטומטי: הגיבוי לא רץ",
                sender="noa@smile.example",
                message_id="<ooo-1@smile.example>",
                headers={
                    "Auto-Submitted": "auto-replied",
                    "In-Reply-To": "<backup-1@smile.example>",
                },
            )
        ),
        # Abuse aimed at staff: shielded, an incident.
        raw(compose(ABUSIVE, sender="angry@example.net", message_id="<angry-1@example.net>")),
        # A new sender twice: one contact, the second message joins by subject.
        raw(compose("שאלה", subject="מחיר", sender="new@example.com", message_id="<n-1@x>")),
        raw(compose("עוד", subject="Re: מחיר", sender="new@example.com", message_id="<n-2@x>")),
        # Not mail at all: quarantined, raw.
        b"nothing like a mail\r\n",
    ]
    return mails


def snapshot() -> dict[str, object]:
    counts = {model._meta.label: model.objects.count() for model in apps.get_models()}

    def subject(ticket_id: int | None) -> str | None:
        return Ticket.objects.get(pk=ticket_id).subject if ticket_id else None

    def key(message_id: int | None) -> str | None:
        return Message.objects.get(pk=message_id).idempotency_key if message_id else None

    return {
        "counts": counts,
        "tickets": sorted(
            (
                t.subject,
                t.status,
                t.channel,
                t.kind,
                t.priority_rank,
                t.contact.email if t.contact else None,
                t.customer.name if t.customer else None,
                t.team_id,
                t.message_count,
                t.search_text,
                t.last_message_at is not None,
                t.sla_due_at is not None,
            )
            for t in Ticket.objects.select_related("contact", "customer")
        ),
        "messages": sorted(
            (
                m.ticket.subject,
                m.direction,
                m.channel,
                m.body_text,
                m.body_html,
                m.idempotency_key or "",
                m.contact.email if m.contact else "",
                hashlib.sha256(bytes(m.raw)).hexdigest(),
            )
            for m in Message.objects.select_related("ticket", "contact")
        ),
        "contacts": sorted(
            (c.name, c.email, c.phone, c.language, c.is_primary, c.customer.name)
            for c in Contact.objects.select_related("customer")
        ),
        "customers": sorted((c.name, c.kind, c.language) for c in Customer.objects.all()),
        "timers": sorted(
            (t.ticket.subject, t.target, t.state, t.minutes, t.due_at is not None)
            for t in SlaTimer.objects.select_related("ticket")
        ),
        "analyses": sorted(
            (a.message.idempotency_key or "", a.label, a.lang, a.is_shielded, a.is_abusive)
            for a in MessageAnalysis.objects.select_related("message")
        ),
        "signals": sorted(
            (s.ticket.subject, s.is_angry, s.is_urgent, s.has_abuse, s.last_sentiment)
            for s in TicketSignals.objects.select_related("ticket")
        ),
        "audit": sorted(
            (
                e.action,
                e.object_type,
                subject(int(e.object_id)) if e.object_type == "conversations.ticket" else "",
                key(e.data.get("message")) if "message" in e.data else "",
                e.data.get("old", ""),
                e.data.get("new", ""),
                e.data.get("channel", ""),
            )
            for e in AuditEvent.objects.all()
        ),
        "records": sorted(
            (
                r.idempotency_key,
                r.status,
                r.reason,
                r.source,
                subject(r.ticket_id),
                key(r.message_id),
            )
            for r in InboundRecord.objects.all()
        ),
        "attachments": sorted(
            (a.message.idempotency_key, a.filename, a.content_type, a.size)
            for a in Attachment.objects.select_related("message")
        ),
        "webhooks": sorted(
            (
                d.event,
                d.payload["data"].get("subject", ""),
                d.payload["data"].get("status", ""),
                d.payload["data"].get("body_text", ""),
            )
            for d in WebhookDelivery.objects.all()
        ),
    }


def one_by_one(mails: list[bytes]) -> tuple[list[str], dict[str, object]]:
    with transaction.atomic():
        statuses = [ingest_email(mail, source=f"m{n}").status for n, mail in enumerate(mails)]
        state = snapshot()
        transaction.set_rollback(True)
    return statuses, state


@pytest.mark.parametrize("batch_size", [7, 100])
def test_batches_store_exactly_what_single_messages_store(setting, batch_size):
    single_statuses, single = one_by_one(setting)

    results = list(
        ingest_emails([(mail, f"m{n}") for n, mail in enumerate(setting)], batch_size=batch_size)
    )

    assert [result.status for result in results] == single_statuses
    assert snapshot() == single
    assert single_statuses.count(InboundStatus.APPENDED) >= 5
    assert single_statuses.count(InboundStatus.DUPLICATE) == 1
    assert single_statuses.count(InboundStatus.QUARANTINED) == 1


def test_a_batch_run_twice_stores_nothing_twice(setting):
    pairs = [(mail, f"m{n}") for n, mail in enumerate(setting)]
    list(ingest_emails(pairs))
    state = snapshot()

    again = [result.status for result in ingest_emails(pairs)]

    assert set(again) == {InboundStatus.DUPLICATE, InboundStatus.QUARANTINED}
    assert snapshot()["counts"] == state["counts"]


def test_a_failing_batch_falls_back_to_one_by_one_and_quarantines_only_the_bad_one(
    noa, monkeypatch
):
    from shomer.conversations import bulk
    from shomer.conversations import ingest as pipeline

    inbounds = [
        Inbound(
            channel="email",
            idempotency_key=f"<{n}@smile.example>",
            raw=b"raw",
            subject=f"נושא {n}",
            text="טקסט",
            from_address="noa@smile.example",
        )
        for n in range(3)
    ]

    def broken_batch(self):
        raise RuntimeError("bulk step failed")

    real_create = pipeline.do_create_ticket

    def create_unless_second(**fields):
        if fields["idempotency_key"] == "<1@smile.example>":
            raise RuntimeError("disk full")
        return real_create(**fields)

    monkeypatch.setattr(bulk._Batch, "write", broken_batch)
    monkeypatch.setattr(pipeline, "do_create_ticket", create_unless_second)

    results = ingest_many(inbounds)

    assert [r.status for r in results] == ["created", "quarantined", "created"]
    assert InboundRecord.objects.get(idempotency_key="<1@smile.example>").reason == (
        "RuntimeError: disk full"
    )
    assert Ticket.objects.count() == 2


def test_a_quarantined_delivery_sent_again_takes_the_single_path_and_is_stored(noa):
    from shomer.channels.inbound_email import quarantine

    mail = raw(compose("שלום", sender="noa@smile.example", message_id="<q-1@smile.example>"))
    quarantine(mail, source="x", reason="RuntimeError: earlier failure", key="q-1@smile.example")

    result, copy = list(ingest_emails([(mail, "again"), (mail, "and again")]))

    assert result.status == InboundStatus.CREATED
    assert InboundRecord.objects.get().status == InboundStatus.CREATED
    assert (copy.status, copy.ticket_id, copy.message_id) == (
        InboundStatus.DUPLICATE,
        result.ticket_id,
        result.message_id,
    )


def test_the_batch_costs_a_bounded_number_of_queries(setting, django_assert_max_num_queries):
    mails = [(mail, f"m{n}") for n, mail in enumerate(setting)]
    # The per-message cost is what the benchmark measures; this only guards against a
    # per-message query creeping in: far fewer than the ~40 a message of the single path.
    with django_assert_max_num_queries(len(mails) * 6):
        list(ingest_emails(mails, batch_size=100))
