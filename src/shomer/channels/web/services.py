"""Submitting a public form: its raw input through the one pipeline, and a callback promise."""

from __future__ import annotations

from dataclasses import dataclass

from shomer.channels.phone.numbers import normalize_phone
from shomer.channels.web import adapters
from shomer.commitments.models import Commitment, CommitmentSource
from shomer.commitments.services import do_create_callback
from shomer.conversations.ingest import IngestResult, ingest
from shomer.conversations.models import Ticket


@dataclass(frozen=True)
class Submission:
    result: IngestResult
    commitment: Commitment | None = None


def do_submit(raw: bytes, *, source: str) -> Submission:
    """Ingest one submission (raw JSON of `adapters.payload`). A callback request also
    becomes an open callback commitment on its ticket. Idempotent: the same form twice is
    one message and one promise."""
    inbound = adapters.read_submission(raw, source)
    result = ingest(inbound)
    data = adapters.load(raw)
    if data["form"] != adapters.WIDGET_CALLBACK or result.ticket_id is None:
        return Submission(result)
    ticket = Ticket.objects.select_related("customer", "contact", "assignee").get(
        pk=result.ticket_id
    )
    commitment = do_create_callback(
        ticket,
        phone=normalize_phone(str(data["fields"].get("phone", ""))) or "",
        source=CommitmentSource.WIDGET,
        source_key=inbound.idempotency_key,
        window=adapters.window_of(data),
        text=str(data["fields"].get("message", "")),
    )
    return Submission(result, commitment)
