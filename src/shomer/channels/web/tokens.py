"""Signed tokens of the public forms: a per-form id (the idempotency key) and a receipt.

A form page carries a fresh token; submitting it twice gives one message, because the
token is the message's idempotency key. A token is signed (nobody can pick another form's
key) and expires, so an abandoned page cannot be replayed days later.
"""

from __future__ import annotations

import uuid
from typing import Final

from django.core import signing

FORM_TOKEN_SALT: Final = "shomer.channels.web.form"
RECEIPT_SALT: Final = "shomer.channels.web.receipt"
# A form left open longer than this must be sent again (its input is kept on the page).
FORM_TOKEN_MAX_AGE: Final = 24 * 3600
# The thank-you page shows the ticket number for this long after sending.
RECEIPT_MAX_AGE: Final = 7 * 24 * 3600


class FormTokenExpired(Exception):
    pass


class FormTokenInvalid(Exception):
    pass


def new_form_token() -> str:
    return signing.TimestampSigner(salt=FORM_TOKEN_SALT).sign(uuid.uuid4().hex)


def form_token_id(token: str, *, max_age: int = FORM_TOKEN_MAX_AGE) -> str:
    """The form's id inside a token; FormTokenExpired or FormTokenInvalid otherwise."""
    try:
        value = signing.TimestampSigner(salt=FORM_TOKEN_SALT).unsign(token, max_age=max_age)
    except signing.SignatureExpired:
        raise FormTokenExpired from None
    except signing.BadSignature:
        raise FormTokenInvalid from None
    if len(value) != 32 or not all(c in "0123456789abcdef" for c in value):
        raise FormTokenInvalid
    return value


def receipt(ticket_id: int, kind: str) -> str:
    """A token for the thank-you page: it shows this ticket's number and nothing else."""
    return signing.dumps({"ticket": ticket_id, "kind": kind}, salt=RECEIPT_SALT)


def read_receipt(token: str) -> tuple[int, str] | None:
    try:
        data = signing.loads(token, salt=RECEIPT_SALT, max_age=RECEIPT_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("ticket"), int):
        return None
    return data["ticket"], str(data.get("kind", ""))
