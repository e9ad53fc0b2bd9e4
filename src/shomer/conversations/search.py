"""Ticket search over subjects and message text, in Hebrew and English.

The query is folded the same way as `Ticket.search_text` (niqqud, case, quotes), and every
word must appear. On PostgreSQL a trigram index serves the `icontains` lookups.
"""

from __future__ import annotations

from django.db.models import QuerySet

from shomer.conversations.models import Ticket
from shomer.language.normalize import fold

MAX_TERMS = 8


def search_tickets(tickets: QuerySet[Ticket], query: str) -> QuerySet[Ticket]:
    terms = fold(query).split()[:MAX_TERMS]
    for term in terms:
        if term.startswith("#") and term[1:].isdigit():
            tickets = tickets.filter(pk=int(term[1:]))
        else:
            tickets = tickets.filter(search_text__contains=term)
    return tickets
