from __future__ import annotations

from shomer.conversations.ingest import Inbound, InboundAttachment, ingest
from shomer.conversations.models import Direction, InboundRecord, InboundStatus, Message, Ticket
from shomer.customers.models import Contact, Customer


def inbound(key: str = "<1@mail.example>", **fields) -> Inbound:
    values = {
        "channel": "email",
        "idempotency_key": key,
        "raw": b"From: noa@smile.example\r\n\r\nraw body",
        "subject": "האתר לא עולה",
        "text": "שלום, האתר לא נטען מהבוקר.",
        "from_address": "noa@smile.example",
        "from_name": "נועה לוי",
    }
    values.update(fields)
    return Inbound(**values)


def test_a_new_message_opens_a_ticket_for_the_known_contact(noa):
    result = ingest(inbound())

    assert result.status == InboundStatus.CREATED
    ticket = Ticket.objects.get(pk=result.ticket_id)
    assert ticket.contact == noa
    assert ticket.customer == noa.customer
    message = ticket.messages.get()
    assert bytes(message.raw) == b"From: noa@smile.example\r\n\r\nraw body"
    record = InboundRecord.objects.get()
    assert (record.status, record.ticket_id, record.message_id) == (
        "created",
        ticket.pk,
        message.pk,
    )


def test_the_same_delivery_twice_is_one_message(noa):
    first = ingest(inbound())
    second = ingest(inbound())

    assert second.status == InboundStatus.DUPLICATE
    assert second.ticket_id == first.ticket_id
    assert Message.objects.count() == 1
    assert InboundRecord.objects.count() == 1


def test_a_reply_threads_by_reference(noa):
    first = ingest(inbound())
    reply = ingest(
        inbound("<2@mail.example>", text="עדיין לא עובד", reference_keys=("<1@mail.example>",))
    )

    assert reply.status == InboundStatus.APPENDED
    assert reply.ticket_id == first.ticket_id
    assert Ticket.objects.get(pk=first.ticket_id).message_count == 2


def test_a_ticket_number_threads_only_for_its_own_customer(noa):
    first = ingest(inbound())
    own = ingest(inbound("<3@mail.example>", ticket_hint=first.ticket_id))
    stranger = ingest(
        inbound("<4@other.example>", ticket_hint=first.ticket_id, from_address="x@other.example")
    )

    assert own.ticket_id == first.ticket_id
    assert stranger.status == InboundStatus.CREATED
    assert stranger.ticket_id != first.ticket_id


def test_subject_fallback_joins_the_open_ticket_of_the_same_contact(noa):
    first = ingest(inbound(thread_subject="האתר לא עולה"))
    again = ingest(
        inbound("<5@mail.example>", subject="Re: האתר לא עולה", thread_subject="האתר לא עולה")
    )
    assert again.ticket_id == first.ticket_id


def test_unknown_sender_at_a_customer_domain_becomes_its_contact(clinic):
    result = ingest(inbound(from_address="Avi@Smile.example", from_name="אבי"))

    contact = Contact.objects.get(email="avi@smile.example")
    assert contact.customer == clinic
    assert Ticket.objects.get(pk=result.ticket_id).customer == clinic


def test_unknown_sender_at_a_free_mail_domain_gets_a_customer_of_their_own(clinic):
    ingest(inbound(from_address="yael@gmail.com", from_name="יעל כהן"))
    customer = Customer.objects.get(contacts__email="yael@gmail.com")
    assert customer != clinic
    assert customer.name == "יעל כהן"


def test_an_auto_reply_never_opens_a_ticket(noa):
    result = ingest(inbound(is_automatic=True, automatic_reason="Auto-Submitted: auto-replied"))
    assert result.status == InboundStatus.IGNORED
    assert Ticket.objects.count() == 0
    assert InboundRecord.objects.get().reason == "Auto-Submitted: auto-replied"


def test_an_auto_reply_to_a_ticket_is_kept_as_a_note(noa):
    first = ingest(inbound())
    result = ingest(
        inbound("<ooo@mail.example>", is_automatic=True, reference_keys=("<1@mail.example>",))
    )
    assert result.ticket_id == first.ticket_id
    assert Message.objects.get(pk=result.message_id).direction == Direction.NOTE


def test_attachments_are_stored_and_rejected_ones_skipped(noa):
    result = ingest(
        inbound(
            attachments=(
                InboundAttachment("חשבונית.pdf", "application/pdf", b"%PDF-1.4 ..."),
                InboundAttachment("virus.exe", "application/octet-stream", b"", "blocked type"),
            )
        )
    )
    attachments = list(Message.objects.get(pk=result.message_id).attachments.all())
    assert [(a.filename, a.size) for a in attachments] == [("חשבונית.pdf", 12)]
    assert attachments[0].file.read() == b"%PDF-1.4 ..."


def test_a_failure_quarantines_the_raw_input_and_a_retry_delivers_it(noa, monkeypatch):
    from shomer.conversations import ingest as pipeline

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(pipeline, "do_create_ticket", broken)
    result = ingest(inbound())
    assert result.status == InboundStatus.QUARANTINED
    record = InboundRecord.objects.get()
    assert record.reason == "RuntimeError: disk full"
    assert bytes(record.raw).endswith(b"raw body")
    assert Ticket.objects.count() == 0

    monkeypatch.undo()
    again = ingest(inbound())
    assert again.status == InboundStatus.CREATED
    assert Ticket.objects.count() == 1
