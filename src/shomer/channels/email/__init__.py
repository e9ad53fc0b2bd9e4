"""Inbound e-mail, the pure part: parsing, threading, reading sources. No Django import.

The storing pipeline (`shomer.conversations.ingest`) builds on this API.
"""

from __future__ import annotations

from shomer.channels.email.classify import Kind, classify
from shomer.channels.email.parse import (
    DEFAULT_LIMITS,
    ForwardedEmail,
    Limits,
    ParsedAttachment,
    ParsedEmail,
    UnparseableEmail,
    parse_email,
)
from shomer.channels.email.quotes import strip_quotes
from shomer.channels.email.sources import Source, iter_sources
from shomer.channels.email.threads import (
    Threader,
    ThreadFacts,
    is_forward_subject,
    may_share_subject_thread,
    normalise_subject,
    participants,
    reference_ids,
    thread_facts,
    thread_keys,
    ticket_token,
)

__all__ = [
    "DEFAULT_LIMITS",
    "ForwardedEmail",
    "Kind",
    "Limits",
    "ParsedAttachment",
    "ParsedEmail",
    "Source",
    "ThreadFacts",
    "Threader",
    "UnparseableEmail",
    "classify",
    "is_forward_subject",
    "iter_sources",
    "may_share_subject_thread",
    "normalise_subject",
    "parse_email",
    "participants",
    "reference_ids",
    "strip_quotes",
    "thread_facts",
    "thread_keys",
    "ticket_token",
]
