"""Is a message from a person, an auto-responder or a bounce? Pure: no Django import.

Mail that a machine sent must never open a ticket or trigger a reply, or two
auto-responders answer each other forever. Headers decide (RFC 3834 Auto-Submitted,
the de-facto X-Autoreply / X-Autorespond / Precedence); a bounce is recognised by its
sender (MAILER-DAEMON, postmaster), its MIME report or X-Failed-Recipients. A subject
such as "Automatic reply:" / "מענה אוטומטי:" is a weak signal, trusted only as a prefix.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Literal

Kind = Literal["message", "auto-reply", "bounce"]

_BOUNCE_SENDERS = re.compile(r"^(?:mailer-daemon|postmaster|mail-daemon|mailerdaemon)(?:[+@]|$)")
_BULK_PRECEDENCE = frozenset(["bulk", "junk", "list", "auto_reply", "auto-reply"])
_AUTO_SUBJECT = re.compile(
    r"""^\s*(?:
        automatic\s+reply | auto(?:matic)?[\s-]?reply | autoreply | auto[\s-]?response
      | out\s+of\s+(?:the\s+)?office | ooo | vacation\s+reply | away\s+from\s+(?:the\s+)?office
      | מענה\s+אוטומטי | תשובה\s+אוטומטית | מענה\s+אוטמטי | הודעה\s+אוטומטית
      | (?:אינני|אני\s+לא|לא\s+נמצא|לא\s+נמצאת|מחוץ\s+ל)\s*(?:ב)?משרד
    )\s*(?::|$|\s-|\s–)""",
    re.IGNORECASE | re.VERBOSE,
)
_BOUNCE_SUBJECT = re.compile(
    r"""^\s*(?:
        undeliver(?:ed|able) | delivery\s+status\s+notification\s+\(failure\)
      | mail\s+delivery\s+(?:failed|failure|system) | returned\s+mail | failure\s+notice
      | delivery\s+has\s+failed | הודעה\s+לא\s+נמסרה | לא\s+ניתן\s+למסור | המסירה\s+נכשלה
    )""",
    re.IGNORECASE | re.VERBOSE,
)


def classify(
    headers: Mapping[str, str],
    *,
    from_address: str,
    subject: str,
    content_types: frozenset[str],
    report_type: str,
) -> tuple[Kind, list[str]]:
    """The kind of a message and the reasons for it (header names and values).

    `headers` maps lower-case names to decoded values; `content_types` are the MIME
    types of all parts; `report_type` the report-type of a multipart/report top part.
    """
    reasons: list[str] = []
    local = from_address.split("@", 1)[0] if from_address else ""
    return_path = headers.get("return-path", "").strip()
    # Bounces first: a bounce often carries Auto-Submitted too, and is the stronger fact.
    if _BOUNCE_SENDERS.match(local):
        reasons.append(f"sender {from_address}")
    if report_type.lower() == "delivery-status" or "message/delivery-status" in content_types:
        reasons.append("delivery-status report")
    if headers.get("x-failed-recipients"):
        reasons.append("X-Failed-Recipients")
    if return_path in ("<>", "") and "return-path" in headers and _BOUNCE_SUBJECT.match(subject):
        reasons.append("null Return-Path and bounce subject")
    if reasons:
        return "bounce", reasons

    auto_submitted = headers.get("auto-submitted", "").strip().lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        reasons.append(f"Auto-Submitted: {auto_submitted}")
    for name in ("x-autoreply", "x-autorespond", "x-autoresponder"):
        value = headers.get(name, "").strip().lower()
        if name in headers and value not in ("no", "false", "0"):
            reasons.append(f"{name}: {value}")
    precedence = headers.get("precedence", "").strip().lower()
    if precedence in _BULK_PRECEDENCE:
        reasons.append(f"Precedence: {precedence}")
    if headers.get("x-auto-response-suppress") and "x-ms-exchange-inbox-rules-loop" in headers:
        reasons.append("Exchange inbox rule")
    if _AUTO_SUBJECT.match(subject):
        reasons.append("auto-reply subject")
    if reasons:
        return "auto-reply", reasons
    return "message", reasons
