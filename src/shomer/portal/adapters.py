"""The portal's adapter: a contact's new request or answer (UTF-8 JSON) → `Inbound`.

Raw JSON (version 1): {"version": 1, "form": "portal-new" | "portal-reply", "token": 32 hex,
"contact": id, "ticket": id or null, "language": "he" | "en", "submitted_at": ISO-8601,
"fields": {"subject", "message"}, "attachments": [{"filename", "content_type", "size",
"data" (base64)}]}.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Sequence
from typing import Any, Final

from shomer.channels.registry import register
from shomer.conversations.ingest import Inbound, InboundAttachment
from shomer.conversations.models import Channel
from shomer.customers.models import Contact

VERSION: Final = 1
NEW: Final = "portal-new"
REPLY: Final = "portal-reply"


class BadPortalMessage(ValueError):
    """Raw input that is not a portal message this adapter wrote (or its contact is gone)."""


def idempotency_key(token: str) -> str:
    return f"{Channel.PORTAL}:{token}"


def payload(
    *,
    form: str,
    token: str,
    contact: Contact,
    ticket_id: int | None,
    language: str,
    submitted_at: dt.datetime,
    subject: str,
    message: str,
    attachments: Sequence[tuple[str, str, bytes]] = (),
) -> bytes:
    return json.dumps(
        {
            "version": VERSION,
            "form": form,
            "token": token,
            "contact": contact.pk,
            "ticket": ticket_id,
            "language": language,
            "submitted_at": submitted_at.isoformat(),
            "fields": {"subject": subject, "message": message},
            "attachments": [
                {
                    "filename": filename,
                    "content_type": content_type,
                    "size": len(content),
                    "data": base64.b64encode(content).decode("ascii"),
                }
                for filename, content_type, content in attachments
            ],
        },
        ensure_ascii=False,
    ).encode("utf-8")


def load(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BadPortalMessage(f"not UTF-8 JSON: {error}") from None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise BadPortalMessage("not a version 1 portal message")
    if data.get("form") not in (NEW, REPLY) or not isinstance(data.get("fields"), dict):
        raise BadPortalMessage("unknown form or no fields")
    if not data.get("token") or not isinstance(data.get("contact"), int):
        raise BadPortalMessage("no token or contact")
    return data


@register(Channel.PORTAL)
def read_portal_message(raw: bytes, source: str) -> Inbound:
    data = load(raw)
    contact = Contact.objects.filter(pk=data["contact"]).first()
    if contact is None or not contact.email:
        raise BadPortalMessage("the contact is gone or has no e-mail address")
    fields = data["fields"]
    return Inbound(
        channel=Channel.PORTAL,
        idempotency_key=idempotency_key(str(data["token"])),
        raw=raw,
        source=source,
        subject=str(fields.get("subject") or "").strip(),
        text=str(fields.get("message") or "").strip(),
        from_address=contact.email.lower(),
        from_name=contact.name,
        language=contact.language,
        ticket_hint=data.get("ticket") or None,
        attachments=tuple(
            InboundAttachment(
                filename=str(item["filename"]),
                content_type=str(item["content_type"]),
                payload=base64.b64decode(item["data"]),
            )
            for item in data.get("attachments") or []
        ),
    )
