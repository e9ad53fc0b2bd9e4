"""The quarantine: who may see it, what a record holds, and retrying one.

Inbound deliveries that could not be stored stay in `InboundRecord` with status
"quarantined", raw, with the reason (see shomer.conversations.ingest). Managers and admins
see them on the quarantine page; agents get 404, as for anything they may not see.
"""

from __future__ import annotations

import email.parser
import email.policy
from dataclasses import dataclass

from django.db.models import BinaryField, QuerySet
from django.db.models.functions import Length, Substr
from django.http import Http404

from shomer.channels.email.headers import decode_header_value, parse_addresses
from shomer.channels.email.parse import UnparseableEmail
from shomer.channels.inbound_email import HEADERS_ONLY
from shomer.conversations.ingest import IngestResult, retry
from shomer.conversations.models import InboundRecord, InboundStatus
from shomer.core import audit
from shomer.people.models import Role, User

# Bytes of a quarantined message read to show its sender and subject in the list.
PREVIEW_BYTES = 8192


def can_see_quarantine(user: User) -> bool:
    return bool(
        user.is_authenticated and (user.role in (Role.MANAGER, Role.ADMIN) or user.is_superuser)
    )


def check_quarantine_access(user: User) -> None:
    """404 for anyone who may not see the quarantine (no hint that it exists)."""
    if not can_see_quarantine(user):
        raise Http404


def quarantined() -> QuerySet[InboundRecord]:
    """Quarantined records, newest first, with their size and the start of the raw input
    (the raw itself is not loaded: it may be megabytes)."""
    return (
        InboundRecord.objects.filter(status=InboundStatus.QUARANTINED)
        .defer("raw")
        .annotate(
            size=Length("raw"),
            head=Substr("raw", 1, PREVIEW_BYTES, output_field=BinaryField()),
        )
        .order_by("-received_at", "-id")
    )


def quarantine_count() -> int:
    return InboundRecord.objects.filter(status=InboundStatus.QUARANTINED).count()


def access_quarantined(user: User, record_id: int) -> InboundRecord:
    check_quarantine_access(user)
    try:
        return InboundRecord.objects.get(pk=record_id, status=InboundStatus.QUARANTINED)
    except (InboundRecord.DoesNotExist, ValueError, OverflowError):
        raise Http404 from None


@dataclass(frozen=True)
class Preview:
    name: str
    address: str
    subject: str


def preview(head: bytes | memoryview | None) -> Preview:
    """Sender and subject from the start of a raw mail, decoded; empty when there are none
    (or when the input is not mail at all)."""
    if not head:
        return Preview("", "", "")
    data = bytes(head)
    try:
        message = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(data)
        subject, _ = decode_header_value(message.get("Subject"))
        senders, _ = parse_addresses(message.get("From"))
    except Exception:  # a preview never fails the page
        return Preview("", "", "")
    name, address = senders[0] if senders else ("", "")
    return Preview(name[:200], address[:200], subject[:300])


@dataclass(frozen=True)
class RetryOutcome:
    result: IngestResult | None
    error: str = ""


def do_retry(record: InboundRecord, *, acting_user: User) -> RetryOutcome:
    """Run a quarantined record through the pipeline again; audited. A record that still
    cannot be read stays quarantined, and the outcome says why."""
    if HEADERS_ONLY in record.reason:
        error = "only the headers were kept; fetch the message from its mailbox"
        audit.record("inbound.retried", record, actor=acting_user, error=error)
        return RetryOutcome(None, error)
    try:
        result = retry(record)
    except UnparseableEmail as error:
        audit.record("inbound.retried", record, actor=acting_user, error=error.reason)
        return RetryOutcome(None, error.reason)
    except LookupError as error:
        audit.record("inbound.retried", record, actor=acting_user, error=str(error))
        return RetryOutcome(None, str(error))
    audit.record("inbound.retried", record, actor=acting_user, status=result.status)
    return RetryOutcome(result, result.reason if result.status == InboundStatus.QUARANTINED else "")
