from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shomer.conversations.models import Direction, Message, Status, Ticket
from shomer.conversations.services import do_assign
from tests.conftest import logged_in, make_ticket


def inbox(client, **params):
    return client.get(reverse("inbox"), params)


def numbers(response) -> list[int]:
    return [t.pk for t in response.context["page"].object_list]


def test_inbox_needs_a_login(db, client):
    response = client.get(reverse("inbox"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_inbox_is_hebrew_right_to_left_by_default(dana, dana_ticket):
    response = inbox(logged_in(dana))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="he" dir="rtl">' in html
    assert "תיבת הפניות" in html


def test_english_is_left_to_right_after_switching(dana, dana_ticket):
    client = logged_in(dana)
    response = client.post(reverse("set-language"), {"language": "en", "next": "/inbox/"})
    assert response.status_code == 302

    html = inbox(client).content.decode()
    dana.refresh_from_db()
    assert dana.language == "en"
    assert '<html lang="en" dir="ltr">' in html


def test_language_switch_ignores_unknown_languages_and_foreign_redirects(dana):
    client = logged_in(dana)
    response = client.post(
        reverse("set-language"), {"language": "xx", "next": "https://evil.example/"}
    )
    dana.refresh_from_db()
    assert response["Location"] == "/"
    assert dana.language == "he"


def test_queues_split_mine_team_and_unassigned(dana, michal, support, noa, dana_ticket):
    unassigned = make_ticket(contact=noa, team=support)
    michals = make_ticket(contact=noa, team=support, assignee=michal)
    client = logged_in(dana)

    assert numbers(inbox(client, queue="mine")) == [dana_ticket.pk]
    assert sorted(numbers(inbox(client, queue="team"))) == sorted(
        [dana_ticket.pk, unassigned.pk, michals.pk]
    )
    assert numbers(inbox(client, queue="unassigned")) == [unassigned.pk]


def test_solved_tickets_leave_the_default_view_but_any_status_finds_them(dana, dana_ticket):
    dana_ticket.status = Status.SOLVED
    dana_ticket.save()
    client = logged_in(dana)

    assert numbers(inbox(client)) == []
    assert numbers(inbox(client, status="any")) == [dana_ticket.pk]
    assert numbers(inbox(client, status="solved")) == [dana_ticket.pk]


def test_search_finds_hebrew_with_niqqud_and_english_in_message_text(dana, support, noa):
    hebrew = make_ticket(
        contact=noa, team=support, assignee=dana, subject="בעיה בחשבונית", body="חויבתי פעמיים"
    )
    english = make_ticket(
        contact=noa, team=support, assignee=dana, subject="Invoice", body="The VPN keeps DROPPING"
    )
    client = logged_in(dana)

    assert numbers(inbox(client, q="חֶשְׁבּוֹנִית")) == [hebrew.pk]
    assert numbers(inbox(client, q="vpn dropping")) == [english.pk]
    assert numbers(inbox(client, q=f"#{english.pk}")) == [english.pk]
    assert numbers(inbox(client, q="לא קיים בשום מקום")) == []


def test_bad_filter_values_are_ignored_not_an_error(dana, dana_ticket):
    client = logged_in(dana)
    response = inbox(client, status="exploded", sort="DROP TABLE", page="9999", priority="x")
    assert response.status_code == 200


def test_inbox_query_count_does_not_grow_with_the_page(dana, support, noa):
    client = logged_in(dana)
    make_ticket(contact=noa, team=support, assignee=dana)
    with CaptureQueriesContext(connection) as one:
        inbox(client)
    for _ in range(10):
        make_ticket(contact=noa, team=support, assignee=dana, tags=["אתר"])
    with CaptureQueriesContext(connection) as eleven:
        inbox(client)
    assert len(eleven) == len(one)


def test_inbox_pages_by_25(dana, support, noa):
    for _ in range(27):
        make_ticket(contact=noa, team=support, assignee=dana)
    client = logged_in(dana)

    assert len(numbers(inbox(client))) == 25
    assert len(numbers(inbox(client, page=2))) == 2


def test_htmx_filter_request_gets_only_the_list(dana, dana_ticket):
    response = logged_in(dana).get(reverse("inbox"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert 'data-testid="ticket-table"' in html


def test_ticket_page_shows_thread_and_customer_panel(dana, dana_ticket):
    response = logged_in(dana).get(dana_ticket.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "שלום, האתר שלנו לא נטען מהבוקר." in html
    assert "מרפאת שיניים חיוך" in html
    assert 'data-testid="customer-panel"' in html


def test_agent_of_another_team_gets_404_and_changes_nothing(eli, dana_ticket):
    client = logged_in(eli)
    assert client.get(dana_ticket.get_absolute_url()).status_code == 404
    response = client.post(reverse("ticket-reply", args=[dana_ticket.pk]), {"body": "שלום"})
    assert response.status_code == 404
    assert dana_ticket.messages.count() == 1


def test_unknown_ticket_is_404(dana):
    assert logged_in(dana).get("/tickets/999999999999999999999/").status_code == 404
    assert logged_in(dana).get("/tickets/424242/").status_code == 404


def test_reply_adds_an_outbound_message_and_redirects(dana, dana_ticket):
    response = logged_in(dana).post(
        reverse("ticket-reply", args=[dana_ticket.pk]),
        {"body": "היי נועה, האתר חזר לעבוד.", "status": Status.PENDING},
    )
    assert response.status_code == 302
    reply = dana_ticket.messages.get(direction=Direction.OUTBOUND)
    assert reply.body_text == "היי נועה, האתר חזר לעבוד."
    assert reply.author == dana
    dana_ticket.refresh_from_db()
    assert dana_ticket.status == Status.PENDING


def test_htmx_reply_returns_the_updated_ticket_body(dana, dana_ticket):
    response = logged_in(dana).post(
        reverse("ticket-reply", args=[dana_ticket.pk]), {"body": "בודקת"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "בודקת" in html


def test_empty_or_huge_reply_is_refused_with_the_form(dana, dana_ticket):
    client = logged_in(dana)
    empty = client.post(reverse("ticket-reply", args=[dana_ticket.pk]), {"body": "   "})
    huge = client.post(reverse("ticket-reply", args=[dana_ticket.pk]), {"body": "א" * 100_001})
    assert empty.status_code == 422
    assert huge.status_code == 422
    assert dana_ticket.messages.count() == 1


def test_note_assign_properties_tags_and_time(dana, michal, dana_ticket):
    client = logged_in(dana)
    url = lambda name: reverse(name, args=[dana_ticket.pk])  # noqa: E731
    client.post(url("ticket-note"), {"body": "לבדוק מול הספק"})
    client.post(url("ticket-assign"), {"assignee": michal.pk})
    client.post(
        url("ticket-properties"),
        {"status": "on_hold", "priority": "high", "kind": "complaint", "team": ""},
    )
    client.post(url("ticket-tags"), {"tags": "אתר, דחוף"})
    client.post(url("ticket-time"), {"minutes": "25", "note": "שיחה"})

    ticket = Ticket.objects.get(pk=dana_ticket.pk)
    assert ticket.messages.filter(direction=Direction.NOTE).count() == 1
    assert ticket.assignee == michal
    assert (ticket.status, ticket.priority, ticket.kind, ticket.team) == (
        "on_hold",
        "high",
        "complaint",
        None,
    )
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["אתר", "דחוף"]
    assert ticket.time_entries.get().minutes == 25


def test_invalid_assignee_and_properties_are_refused(dana, dana_ticket):
    client = logged_in(dana)
    url = lambda name: reverse(name, args=[dana_ticket.pk])  # noqa: E731
    assert client.post(url("ticket-assign"), {"assignee": "999999"}).status_code == 422
    assert client.post(url("ticket-properties"), {"status": "gone"}).status_code == 422
    assert client.post(url("ticket-time"), {"minutes": "-5"}).status_code == 422
    dana_ticket.refresh_from_db()
    assert dana_ticket.assignee == dana
    assert dana_ticket.status == Status.NEW


def test_merge_redirects_to_the_target(dana, dana_ticket, noa, support):
    duplicate = make_ticket(contact=noa, team=support)
    response = logged_in(dana).post(
        reverse("ticket-merge", args=[duplicate.pk]), {"target": dana_ticket.pk}
    )
    assert response.status_code == 302
    assert response["Location"] == dana_ticket.get_absolute_url()
    assert Message.objects.filter(ticket=dana_ticket).count() == 2


@pytest.mark.parametrize("target", ["self", "missing", "merged"])
def test_merge_refuses_bad_targets(dana, dana_ticket, noa, support, target):
    merged = make_ticket(contact=noa, team=support)
    merged.merged_into = dana_ticket
    merged.save()
    number = {"self": dana_ticket.pk, "missing": 987654, "merged": merged.pk}[target]

    response = logged_in(dana).post(
        reverse("ticket-merge", args=[dana_ticket.pk]), {"target": number}
    )

    assert response.status_code == 422
    dana_ticket.refresh_from_db()
    assert dana_ticket.merged_into is None


def test_only_post_changes_a_ticket(dana, dana_ticket):
    assert logged_in(dana).get(reverse("ticket-reply", args=[dana_ticket.pk])).status_code == 405


def test_assigning_to_someone_else_moves_it_out_of_my_queue(dana, michal, dana_ticket):
    do_assign(dana_ticket, michal, acting_user=dana)
    assert numbers(inbox(logged_in(dana))) == []


def test_the_inbox_opens_where_each_role_works(dana, michal, yossi, eli, support, projects, noa):
    dana_own = make_ticket(contact=noa, team=support, assignee=dana, subject="של דנה")
    teams = make_ticket(contact=noa, team=support, subject="של הצוות")
    elsewhere = make_ticket(contact=noa, team=projects, assignee=eli, subject="של צוות הפרויקטים")

    def subjects(user):
        page = logged_in(user).get(reverse("inbox"))
        return {t.subject for t in page.context["page"].object_list}, page.context["queue"]

    assert subjects(dana) == ({dana_own.subject}, "mine")  # an agent: their own tickets
    assert subjects(michal) == ({dana_own.subject, teams.subject}, "team")  # a lead: the team's
    assert subjects(yossi) == (  # a manager, rarely assigned anything: every ticket
        {dana_own.subject, teams.subject, elsewhere.subject},
        "all",
    )
    # The queue links still choose: a manager's own tickets are one click away.
    page = logged_in(yossi).get(reverse("inbox"), {"queue": "mine"})
    assert list(page.context["page"].object_list) == []


def test_a_manager_sees_every_open_ticket_by_what_is_due_first(yossi, support, projects, noa):
    from datetime import timedelta

    from django.utils import timezone

    later = make_ticket(contact=noa, team=support, subject="later")
    overdue = make_ticket(contact=noa, team=projects, subject="overdue")
    no_clock = make_ticket(contact=noa, team=support, subject="no clock")
    now = timezone.now()
    Ticket.objects.filter(pk=later.pk).update(sla_due_at=now + timedelta(hours=5))
    Ticket.objects.filter(pk=overdue.pk).update(sla_due_at=now - timedelta(hours=2))
    Ticket.objects.filter(pk=no_clock.pk).update(sla_due_at=None)

    page = logged_in(yossi).get(reverse("inbox"))

    assert [t.subject for t in page.context["page"].object_list] == ["overdue", "later", "no clock"]
    assert page.context["form"]["sort"].value() == "sla"
