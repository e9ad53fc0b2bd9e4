from __future__ import annotations

import pytest
from django.http import Http404

from shomer.conversations.models import Direction, Kind, Message, Priority, Status, Ticket
from shomer.conversations.services import (
    access_ticket,
    do_add_message,
    do_add_note,
    do_assign,
    do_create_ticket,
    do_log_time,
    do_merge,
    do_reply,
    do_set_tags,
    do_update_ticket,
    visible_tickets,
)
from shomer.core.audit import history
from tests.conftest import make_ticket


def actions(ticket: Ticket) -> list[str]:
    return sorted(event.action for event in history(ticket))


def test_it_opens_a_ticket_with_the_customers_first_message(noa, support):
    ticket = make_ticket(contact=noa, team=support, subject="  החשבונית  ")

    assert ticket.subject == "החשבונית"
    assert ticket.customer == noa.customer
    assert ticket.status == Status.NEW
    assert ticket.message_count == 1
    message = ticket.messages.get()
    assert message.direction == Direction.INBOUND
    assert message.contact == noa
    assert actions(ticket) == ["message.inbound", "ticket.created"]


def test_the_same_delivery_twice_is_one_message(noa):
    first = make_ticket(contact=noa, idempotency_key="<abc@mail.example>", raw=b"raw bytes")
    second = make_ticket(contact=noa, idempotency_key="<abc@mail.example>", raw=b"raw bytes")

    assert first.pk == second.pk
    assert Message.objects.count() == 1
    assert bytes(Message.objects.get().raw) == b"raw bytes"


def test_first_reply_opens_the_ticket_and_records_first_response(dana, dana_ticket):
    message = do_reply(dana_ticket, body_text="היי נועה, אני בודקת.", author=dana)

    dana_ticket.refresh_from_db()
    assert message.direction == Direction.OUTBOUND
    assert dana_ticket.status == Status.OPEN
    assert dana_ticket.first_response_at == message.created_at
    assert dana_ticket.message_count == 2


def test_reply_can_set_status_in_the_same_step(dana, dana_ticket):
    do_reply(dana_ticket, body_text="טופל.", author=dana, status=Status.SOLVED)

    dana_ticket.refresh_from_db()
    assert dana_ticket.status == Status.SOLVED
    assert dana_ticket.solved_at is not None


def test_customer_answer_reopens_a_ticket_waiting_on_them(dana, dana_ticket, noa):
    do_update_ticket(dana_ticket, acting_user=dana, status=Status.PENDING)

    do_add_message(dana_ticket, direction=Direction.INBOUND, body_text="עדיין לא עובד", contact=noa)

    dana_ticket.refresh_from_db()
    assert dana_ticket.status == Status.OPEN


def test_a_note_does_not_count_as_a_response(dana, dana_ticket):
    do_add_note(dana_ticket, body_text="לבדוק מול הספק", author=dana)

    dana_ticket.refresh_from_db()
    assert dana_ticket.first_response_at is None
    assert dana_ticket.status == Status.NEW


def test_assigning_is_audited_and_a_repeat_changes_nothing(dana, michal, dana_ticket):
    do_assign(dana_ticket, michal, acting_user=dana)
    do_assign(dana_ticket, michal, acting_user=dana)

    events = [e for e in history(dana_ticket) if e.action == "ticket.assigned"]
    assert len(events) == 1
    assert events[0].data == {"old": dana.pk, "new": michal.pk}
    assert events[0].actor == dana


def test_update_changes_only_the_given_fields(dana, dana_ticket, projects):
    do_update_ticket(
        dana_ticket, acting_user=dana, priority=Priority.URGENT, kind=Kind.COMPLAINT, team=projects
    )

    dana_ticket.refresh_from_db()
    assert (dana_ticket.priority, dana_ticket.priority_rank) == (Priority.URGENT, 0)
    assert dana_ticket.kind == Kind.COMPLAINT
    assert dana_ticket.team == projects
    assert dana_ticket.status == Status.NEW
    assert {"ticket.priority", "ticket.kind", "ticket.team"} <= set(actions(dana_ticket))


def test_update_refuses_unknown_fields(dana, dana_ticket):
    with pytest.raises(TypeError):
        do_update_ticket(dana_ticket, acting_user=dana, assignee=dana)


def test_tags_are_created_once_and_replaced(dana, dana_ticket, noa):
    do_set_tags(dana_ticket, ["אתר", "  דחוף ", "אתר", ""], acting_user=dana)
    other = make_ticket(contact=noa)
    do_set_tags(other, ["אתר"], acting_user=dana)

    assert sorted(t.name for t in dana_ticket.tags.all()) == ["אתר", "דחוף"]
    assert list(other.tags.values_list("name", flat=True)) == ["אתר"]
    do_set_tags(dana_ticket, [], acting_user=dana)
    assert dana_ticket.tags.count() == 0


def test_merge_moves_messages_and_closes_the_source(dana, dana_ticket, noa):
    duplicate = make_ticket(contact=noa, subject="שוב: האתר לא עולה", body="ראיתם את המייל הקודם?")
    do_log_time(duplicate, user=dana, minutes=15)

    do_merge(duplicate, dana_ticket, acting_user=dana)

    duplicate.refresh_from_db()
    dana_ticket.refresh_from_db()
    assert duplicate.merged_into == dana_ticket
    assert duplicate.status == Status.CLOSED
    assert dana_ticket.message_count == 2
    assert dana_ticket.time_entries.get().minutes == 15
    assert "ראיתם את המייל הקודם" in dana_ticket.search_text


def test_agent_of_another_team_cannot_reach_the_ticket(eli, dana_ticket):
    assert not visible_tickets(eli).filter(pk=dana_ticket.pk).exists()
    with pytest.raises(Http404):
        access_ticket(eli, dana_ticket.pk)


def test_team_lead_and_manager_see_the_ticket(michal, yossi, dana_ticket):
    assert access_ticket(michal, dana_ticket.pk) == dana_ticket
    assert access_ticket(yossi, dana_ticket.pk) == dana_ticket


def test_unrouted_tickets_are_visible_to_every_agent(eli, noa):
    ticket = make_ticket(contact=noa)
    assert access_ticket(eli, ticket.pk) == ticket


def test_contact_implies_the_customer(noa):
    ticket = do_create_ticket(subject="שאלה", body_text="?", contact=noa)
    assert ticket.customer_id == noa.customer_id
