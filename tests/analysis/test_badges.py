"""Badges: on inbox rows with one join, on the ticket and on each customer message."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shomer.conversations.models import Direction
from shomer.conversations.services import do_add_message
from tests.conftest import logged_in, make_ticket

ANGRY = "זה כבר הפעם השלישית שהאתר נופל, אני מאוד מאוכזבת ושוקלת לעזוב"
URGENT = "דחוף!!! האתר נפל ואנחנו מפסידים הזמנות ברגע זה"
ABUSIVE = "אתה אידיוט מטומטם, תעביר אותי למישהו שמבין משהו"


def signals_line(html: str) -> str:
    """The badges template renders on one line: the first such line of `html`."""
    return next(line for line in html.splitlines() if 'data-testid="ticket-signals"' in line)


def row_badges(html: str, subject: str) -> str:
    row = html.split(f'dir="auto">{subject}</a>', 1)[1].split("</tr>", 1)[0]
    return signals_line(row)


def test_inbox_rows_carry_their_badges(dana, support, noa):
    make_ticket(subject="כועסת", body=ANGRY, contact=noa, team=support, assignee=dana)
    make_ticket(subject="דחוף", body=URGENT, contact=noa, team=support, assignee=dana)
    make_ticket(subject="גידופים", body=ABUSIVE, contact=noa, team=support, assignee=dana)
    make_ticket(subject="שאלה", body="מה שעות הפעילות?", contact=noa, team=support, assignee=dana)

    html = logged_in(dana).get(reverse("inbox")).content.decode()

    assert "signal-angry" in row_badges(html, "כועסת")
    assert "signal-urgent" in row_badges(html, "דחוף")
    assert "signal-abusive" in row_badges(html, "גידופים")
    assert "signal-" not in row_badges(html, "שאלה")
    assert 'data-testid="signals-legend"' in html


def test_inbox_query_count_does_not_grow_with_badged_rows(dana, support, noa):
    client = logged_in(dana)
    make_ticket(subject="a", body=ANGRY, contact=noa, team=support, assignee=dana)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("inbox"))
    for body in (URGENT, ABUSIVE, ANGRY, URGENT, "שאלה"):
        make_ticket(subject="b", body=body, contact=noa, team=support, assignee=dana)
    with CaptureQueriesContext(connection) as six:
        response = client.get(reverse("inbox"))

    assert len(response.context["page"].object_list) == 6
    assert len(six.captured_queries) == len(one.captured_queries)


def test_the_ticket_page_shows_sentiment_per_customer_message(dana, dana_ticket):
    do_add_message(dana_ticket, direction=Direction.INBOUND, body_text=URGENT)
    do_add_message(dana_ticket, direction=Direction.INBOUND, body_text="תודה רבה, הכל עובד!")

    html = logged_in(dana).get(reverse("ticket", args=[dana_ticket.pk])).content.decode()

    assert html.count('data-testid="sentiment"') == 3
    assert html.count("sentiment sentiment-positive") == 1
    header = signals_line(html)
    assert 'id="ticket-signals"' in header
    assert "signal-urgent" not in header  # the latest customer message is a thank-you
