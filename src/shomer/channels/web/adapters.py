"""The web form's and the widget's adapter: the submitted fields (UTF-8 JSON) → `Inbound`.

The raw input kept for a submission is the JSON built by `payload(...)`; the same function
reads it on the first delivery and on a retry from quarantine, so both give the same message.
Attachments travel inside it (base64), so nothing the visitor sent is lost.

Raw JSON (version 1): {"version": 1, "form": "contact" | "widget-message" | "widget-callback",
"token": 32 hex digits, "language": "he" | "en", "submitted_at": ISO-8601,
"fields": {"name", "email", "phone", "subject", "message"}, "callback": {"start", "end"}
(ISO-8601; null for "as soon as possible"; only for a callback), "attachments":
[{"filename", "content_type", "size", "data" (base64)}]}.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Sequence
from typing import Any, Final

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from shomer.channels.phone.lookup import find_contact
from shomer.channels.phone.numbers import display_phone, normalize_phone
from shomer.channels.registry import register
from shomer.commitments.rules import Window
from shomer.conversations.ingest import Inbound, InboundAttachment
from shomer.conversations.models import Channel, Kind

VERSION: Final = 1
CONTACT_FORM: Final = "contact"
WIDGET_MESSAGE: Final = "widget-message"
WIDGET_CALLBACK: Final = "widget-callback"
FORMS: Final = {
    CONTACT_FORM: Channel.WEB,
    WIDGET_MESSAGE: Channel.WIDGET,
    WIDGET_CALLBACK: Channel.WIDGET,
}
FIELDS: Final = ("name", "email", "phone", "subject", "message")


class BadSubmission(ValueError):
    """Raw input that is not a submission this adapter wrote (quarantined with the reason)."""


def idempotency_key(form: str, token: str) -> str:
    return f"{FORMS[form]}:{token}"


def payload(
    *,
    form: str,
    token: str,
    language: str,
    submitted_at: dt.datetime,
    fields: dict[str, str],
    attachments: Sequence[tuple[str, str, bytes]] = (),
    window: Window | None = None,
) -> bytes:
    """The raw input kept for one submission."""
    data: dict[str, Any] = {
        "version": VERSION,
        "form": form,
        "token": token,
        "language": language,
        "submitted_at": submitted_at.isoformat(),
        "fields": {name: fields.get(name, "") for name in FIELDS},
        "attachments": [
            {
                "filename": filename,
                "content_type": content_type,
                "size": len(content),
                "data": base64.b64encode(content).decode("ascii"),
            }
            for filename, content_type, content in attachments
        ],
    }
    if form == WIDGET_CALLBACK:
        data["callback"] = (
            {"start": window.start.isoformat(), "end": window.end.isoformat()} if window else None
        )
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def load(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BadSubmission(f"not UTF-8 JSON: {error}") from None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise BadSubmission("not a version 1 submission")
    if data.get("form") not in FORMS or not isinstance(data.get("fields"), dict):
        raise BadSubmission("unknown form or no fields")
    token = data.get("token")
    if not isinstance(token, str) or not token:
        raise BadSubmission("no form token")
    return data


def window_of(data: dict[str, Any]) -> Window | None:
    callback = data.get("callback")
    if not callback:
        return None
    return Window(
        dt.datetime.fromisoformat(callback["start"]), dt.datetime.fromisoformat(callback["end"])
    )


def callback_text(phone: str, window: Window | None, note: str) -> str:
    """The message of a callback request, in the active language."""
    if window is None:
        text = _("Please call me back at %(phone)s as soon as possible.") % {"phone": phone}
    else:
        local_start = timezone.localtime(window.start)
        local_end = timezone.localtime(window.end)
        text = _("Please call me back at %(phone)s on %(day)s, between %(start)s and %(end)s.") % {
            "phone": phone,
            "day": formats.date_format(local_start, "l j.n.Y"),
            "start": local_start.strftime("%H:%M"),
            "end": local_end.strftime("%H:%M"),
        }
    return f"{text}\n\n{note}" if note.strip() else text


def sender(fields: dict[str, str]) -> tuple[str, str]:
    """(e-mail address, phone) for contact matching: a phone that belongs to a contact is
    given as that contact stores it, so the pipeline's exact match finds them."""
    email = str(fields.get("email", "")).strip().lower()
    e164 = normalize_phone(str(fields.get("phone", ""))) or ""
    if not e164:
        return email, ""
    contact = find_contact(e164)
    return email, contact.phone if contact is not None else display_phone(e164)


def attachments_of(data: dict[str, Any]) -> tuple[InboundAttachment, ...]:
    return tuple(
        InboundAttachment(
            filename=str(item["filename"]),
            content_type=str(item["content_type"]),
            payload=base64.b64decode(item["data"]),
        )
        for item in data.get("attachments") or []
    )


@register(Channel.WEB)
@register(Channel.WIDGET)
def read_submission(raw: bytes, source: str) -> Inbound:
    """Raw submission JSON → `Inbound` (BadSubmission for anything else)."""
    data = load(raw)
    fields = {name: str(data["fields"].get(name, "")) for name in FIELDS}
    language = data.get("language") if data.get("language") in ("he", "en") else "he"
    email, phone = sender(fields)
    kind = Kind.QUESTION
    subject = fields["subject"].strip()
    text = fields["message"].strip()
    with translation.override(language):
        if data["form"] == WIDGET_CALLBACK:
            kind = Kind.REQUEST
            subject = _("Callback request")
            text = callback_text(phone or fields["phone"], window_of(data), text)
    return Inbound(
        channel=FORMS[data["form"]],
        idempotency_key=idempotency_key(data["form"], data["token"]),
        raw=raw,
        source=source,
        subject=subject,
        text=text,
        from_address=email,
        from_name=fields["name"].strip(),
        phone=phone,
        language=language,
        kind=kind,
        attachments=attachments_of(data),
    )
