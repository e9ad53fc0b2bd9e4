"""The phone log's adapter: a logged call (UTF-8 JSON of its fields) → `Inbound`.

Raw JSON (version 1): {"version": 1, "form": "phone-log", "token": str, "logged_by": user id,
"logged_at": ISO-8601, "language": "he" | "en", "call": {"direction": "inbound" | "outbound",
"phone": E.164, "name", "contact": id or null, "ticket": id or null, "duration_seconds": int,
"subject", "summary", "outcome", "callback": null or {"start", "end"} (ISO-8601, both null
for "as soon as possible")}}.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Final

from django.db import models
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shomer.channels.phone.numbers import display_phone
from shomer.channels.registry import register
from shomer.commitments.rules import Window
from shomer.conversations.ingest import Inbound
from shomer.conversations.models import Channel, Kind
from shomer.customers.models import Contact

VERSION: Final = 1
FORM: Final = "phone-log"


class CallDirection(models.TextChoices):
    INBOUND = "inbound", gettext_lazy("Call taken (the customer called)")
    OUTBOUND = "outbound", gettext_lazy("Call made (we called)")


class CallOutcome(models.TextChoices):
    RESOLVED = "resolved", gettext_lazy("Resolved on the call")
    FOLLOW_UP = "follow_up", gettext_lazy("Needs follow-up")
    NO_ANSWER = "no_answer", gettext_lazy("No answer")
    VOICEMAIL = "voicemail", gettext_lazy("Left a voicemail")


# A call we made with one of these outcomes keeps the callbacks promised to that number:
# the customer was reached, or heard our message. "No answer" leaves them open.
KEEPING_OUTCOMES: Final = frozenset(
    {CallOutcome.RESOLVED, CallOutcome.FOLLOW_UP, CallOutcome.VOICEMAIL}
)


class BadCallLog(ValueError):
    """Raw input that is not a call log this adapter wrote."""


def idempotency_key(token: str) -> str:
    return f"{Channel.PHONE}:{token}"


def payload(
    *,
    token: str,
    logged_by: int | None,
    logged_at: dt.datetime,
    language: str,
    call: dict[str, Any],
) -> bytes:
    return json.dumps(
        {
            "version": VERSION,
            "form": FORM,
            "token": token,
            "logged_by": logged_by,
            "logged_at": logged_at.isoformat(),
            "language": language,
            "call": call,
        },
        ensure_ascii=False,
    ).encode("utf-8")


def load(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BadCallLog(f"not UTF-8 JSON: {error}") from None
    if not isinstance(data, dict) or data.get("version") != VERSION or data.get("form") != FORM:
        raise BadCallLog("not a version 1 call log")
    call = data.get("call")
    if not isinstance(call, dict) or not call.get("phone") or not data.get("token"):
        raise BadCallLog("no call, phone or token")
    if call.get("direction") not in CallDirection.values:
        raise BadCallLog("unknown direction")
    return data


def callback_window(call: dict[str, Any]) -> Window | None:
    callback = call.get("callback") or {}
    if not callback.get("start") or not callback.get("end"):
        return None
    return Window(
        dt.datetime.fromisoformat(callback["start"]), dt.datetime.fromisoformat(callback["end"])
    )


def call_text(call: dict[str, Any]) -> str:
    """The message recording the call, in the active language."""
    phone = display_phone(call["phone"])
    minutes = max(round(int(call.get("duration_seconds") or 0) / 60), 0)
    values = {"phone": phone, "minutes": minutes}
    if call["direction"] == CallDirection.INBOUND:
        header = _("Call from %(phone)s, %(minutes)s min.") % values
    else:
        header = _("Call to %(phone)s, %(minutes)s min.") % values
    outcome = call.get("outcome")
    if outcome in CallOutcome.values:
        header += " " + _("Outcome: %(outcome)s.") % {"outcome": CallOutcome(outcome).label}
    lines = [header]
    if call.get("callback") is not None:
        window = callback_window(call)
        if window is None:
            lines.append(_("The customer asked to be called back as soon as possible."))
        else:
            start, end = timezone.localtime(window.start), timezone.localtime(window.end)
            lines.append(
                _("The customer asked to be called back on %(day)s, between %(start)s and %(end)s.")
                % {
                    "day": formats.date_format(start, "l j.n.Y"),
                    "start": start.strftime("%H:%M"),
                    "end": end.strftime("%H:%M"),
                }
            )
    summary = str(call.get("summary") or "").strip()
    return "\n".join(lines) + (f"\n\n{summary}" if summary else "")


@register(Channel.PHONE)
def read_call(raw: bytes, source: str) -> Inbound:
    """Raw call-log JSON → `Inbound` (BadCallLog for anything else)."""
    data = load(raw)
    call = data["call"]
    contact = (
        Contact.objects.filter(pk=call.get("contact")).first() if call.get("contact") else None
    )
    language = data.get("language") if data.get("language") in ("he", "en") else "he"
    with translation.override(language):
        text = call_text(call)
    summary = str(call.get("summary") or "")
    subject = str(call.get("subject") or "").strip() or _first_line(summary)
    return Inbound(
        channel=Channel.PHONE,
        idempotency_key=idempotency_key(data["token"]),
        raw=raw,
        source=source,
        subject=subject,
        text=text,
        from_address=contact.email if contact is not None else "",
        from_name=str(call.get("name") or "").strip() or (contact.name if contact else ""),
        phone=(contact.phone if contact is not None else "") or display_phone(call["phone"]),
        language=contact.language if contact is not None else language,
        ticket_hint=call.get("ticket") or None,
        kind=Kind.REQUEST if call.get("callback") is not None else Kind.QUESTION,
    )


def _first_line(text: str) -> str:
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first[:80]
