"""Abusive customer text is shielded on the ticket page until the agent reveals it."""

from __future__ import annotations

from django.urls import reverse

from shomer.conversations.models import Direction
from shomer.conversations.services import do_add_message
from shomer.core.models import AuditEvent
from tests.conftest import logged_in

ABUSIVE = "אתה אידיוט מטומטם, תעביר אותי למישהו שמבין משהו"
POLITE = "תודה, הראוטר עובד שוב"


def test_abusive_text_is_hidden_on_the_ticket_page(dana, dana_ticket):
    message = do_add_message(dana_ticket, direction=Direction.INBOUND, body_text=ABUSIVE)
    do_add_message(dana_ticket, direction=Direction.INBOUND, body_text=POLITE)

    html = logged_in(dana).get(reverse("ticket", args=[dana_ticket.pk])).content.decode()

    assert ABUSIVE not in html
    assert POLITE in html
    assert html.count('data-testid="shielded"') == 1
    assert reverse("message-reveal", args=[message.pk]) in html
    assert not AuditEvent.objects.filter(action="message.revealed").exists()


def test_revealing_shows_the_text_and_is_audited(dana, dana_ticket):
    message = do_add_message(dana_ticket, direction=Direction.INBOUND, body_text=ABUSIVE)

    response = logged_in(dana).post(reverse("message-reveal", args=[message.pk]))

    assert response.status_code == 200
    assert ABUSIVE in response.content.decode()
    event = AuditEvent.objects.get(action="message.revealed")
    assert (event.actor, event.object_type, event.object_id) == (
        dana,
        "conversations.message",
        str(message.pk),
    )
    assert event.data == {"ticket": dana_ticket.pk}


def test_the_page_shields_the_message_again_after_a_reveal(dana, dana_ticket):
    do_add_message(dana_ticket, direction=Direction.INBOUND, body_text=ABUSIVE)
    client = logged_in(dana)
    message = dana_ticket.messages.last()
    client.post(reverse("message-reveal", args=[message.pk]))

    html = client.get(reverse("ticket", args=[dana_ticket.pk])).content.decode()

    assert ABUSIVE not in html


def test_an_agent_of_another_team_cannot_reveal(eli, dana_ticket):
    message = do_add_message(dana_ticket, direction=Direction.INBOUND, body_text=ABUSIVE)

    response = logged_in(eli).post(reverse("message-reveal", args=[message.pk]))

    assert response.status_code == 404
    assert ABUSIVE not in response.content.decode()
    assert not AuditEvent.objects.filter(action="message.revealed").exists()


def test_reveal_needs_a_post(dana, dana_ticket):
    message = do_add_message(dana_ticket, direction=Direction.INBOUND, body_text=ABUSIVE)

    assert logged_in(dana).get(reverse("message-reveal", args=[message.pk])).status_code == 405
    assert not AuditEvent.objects.filter(action="message.revealed").exists()
