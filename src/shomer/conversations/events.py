"""Event payloads for webhooks: plain JSON data about tickets and messages."""

from __future__ import annotations

from typing import Any

from shomer.conversations.models import Message, Ticket


def ticket_data(ticket: Ticket) -> dict[str, Any]:
    return {
        "id": ticket.pk,
        "subject": ticket.subject,
        "status": ticket.status,
        "priority": ticket.priority,
        "channel": ticket.channel,
        "kind": ticket.kind,
        "customer": ticket.customer_id,
        "contact": ticket.contact_id,
        "assignee": ticket.assignee_id,
        "team": ticket.team_id,
        "merged_into": ticket.merged_into_id,
        "tags": sorted(tag.name for tag in ticket.tags.all()),
        "created_at": ticket.created_at.isoformat(),
        "updated_at": ticket.updated_at.isoformat(),
    }


def message_data(message: Message) -> dict[str, Any]:
    return {
        "id": message.pk,
        "ticket": message.ticket_id,
        "direction": message.direction,
        "channel": message.channel,
        "author": message.author_id,
        "contact": message.contact_id,
        "body_text": message.body_text,
        "created_at": message.created_at.isoformat(),
    }
