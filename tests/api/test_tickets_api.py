from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from shomer.conversations.models import Direction, Message, Status, Ticket
from tests.conftest import make_ticket


def api(user) -> APIClient:
    client = APIClient()
    token, _created = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_the_api_needs_a_token(db):
    response = APIClient().get("/api/tickets/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_list_is_paginated_and_filtered(dana, support, noa):
    for _ in range(3):
        make_ticket(contact=noa, team=support, assignee=dana)
    urgent = make_ticket(contact=noa, team=support, priority="urgent")

    page = api(dana).get("/api/tickets/", {"page_size": 2}).json()
    only_urgent = api(dana).get("/api/tickets/", {"priority": "urgent"}).json()

    assert page["count"] == 4
    assert len(page["results"]) == 2
    assert page["next"].endswith("page=2&page_size=2")
    assert [t["id"] for t in only_urgent["results"]] == [urgent.pk]
    assert only_urgent["results"][0]["customer_name"] == "מרפאת שיניים חיוך"


def test_list_query_count_is_independent_of_page_size(dana, support, noa):
    for index in range(30):
        make_ticket(contact=noa, team=support, assignee=dana, tags=[f"tag{index % 3}"])
    client = api(dana)

    def queries(size: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/tickets/", {"page_size": size}).status_code == 200
        return len(captured)

    assert queries(5) == queries(30)


def test_search_filter_matches_message_text(dana, support, noa):
    match = make_ticket(contact=noa, team=support, body="המדפסת במשרד לא מדפיסה")
    make_ticket(contact=noa, team=support, body="שאלה על חשבונית")
    results = api(dana).get("/api/tickets/", {"q": "מדפסת"}).json()["results"]
    assert [t["id"] for t in results] == [match.pk]


def test_create_ticket_goes_through_the_service(dana, noa):
    response = api(dana).post(
        "/api/tickets/",
        {
            "subject": "בקשה להצעת מחיר",
            "body_text": "נשמח להצעה",
            "contact": noa.pk,
            "tags": ["מכירות"],
        },
        format="json",
    )

    assert response.status_code == 201
    ticket = Ticket.objects.get(pk=response.json()["id"])
    assert ticket.channel == "api"
    assert ticket.customer == noa.customer
    assert response.json()["tags"] == ["מכירות"]
    assert ticket.messages.get().body_text == "נשמח להצעה"


def test_create_with_an_idempotency_key_twice_makes_one_ticket(dana, noa):
    body = {"subject": "s", "body_text": "b", "contact": noa.pk, "idempotency_key": "crm-42"}
    first = api(dana).post("/api/tickets/", body, format="json").json()
    second = api(dana).post("/api/tickets/", body, format="json").json()
    assert first["id"] == second["id"]
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"body_text": "x"}, "subject"),
        ({"subject": "x"}, "body_text"),
        ({"subject": "x", "body_text": "y", "priority": "extreme"}, "priority"),
        ({"subject": "x", "body_text": "y", "contact": 987654}, "contact"),
        ({"subject": "x" * 301, "body_text": "y"}, "subject"),
        ({"subject": "x", "body_text": "y" * 200_001}, "body_text"),
    ],
)
def test_invalid_create_is_a_clear_400_with_field_messages(dana, payload, field):
    response = api(dana).post("/api/tickets/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert isinstance(response.json()[field], list)
    assert Ticket.objects.count() == 0


def test_contact_of_another_customer_is_refused(dana, noa):
    from shomer.customers.models import Customer

    other = Customer.objects.create(name="Harbor Lane Bakery")
    response = api(dana).post(
        "/api/tickets/",
        {"subject": "x", "body_text": "y", "contact": noa.pk, "customer": other.pk},
        format="json",
    )
    assert response.status_code == 400
    # Errors come in the user's language (Dana works in Hebrew).
    assert response.json() == {"contact": ["איש הקשר הזה שייך ללקוח אחר."]}


def test_partial_update_assigns_tags_and_changes_status(dana, michal, dana_ticket):
    response = api(dana).patch(
        f"/api/tickets/{dana_ticket.pk}/",
        {"assignee": michal.pk, "tags": ["דחוף"], "status": "on_hold"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["assignee"] == michal.pk
    assert response.json()["tags"] == ["דחוף"]
    assert response.json()["status"] == "on_hold"


def test_messages_endpoint_replies_notes_and_records_inbound(dana, dana_ticket, noa):
    client = api(dana)
    url = f"/api/tickets/{dana_ticket.pk}/messages/"
    reply = client.post(url, {"body_text": "עובדת על זה", "status": "pending"}, format="json")
    note = client.post(url, {"direction": "note", "body_text": "פנימי"}, format="json")
    inbound = client.post(
        url,
        {"direction": "inbound", "body_text": "תודה", "idempotency_key": "sms-1"},
        format="json",
    )
    client.post(
        url,
        {"direction": "inbound", "body_text": "תודה", "idempotency_key": "sms-1"},
        format="json",
    )

    assert (reply.status_code, note.status_code, inbound.status_code) == (201, 201, 201)
    assert list(dana_ticket.messages.values_list("direction", flat=True)) == [
        Direction.INBOUND,
        Direction.OUTBOUND,
        Direction.NOTE,
        Direction.INBOUND,
    ]
    assert inbound.json()["contact"] == noa.pk
    dana_ticket.refresh_from_db()
    assert dana_ticket.status == Status.OPEN


def test_agent_of_another_team_sees_nothing_of_it(eli, dana_ticket):
    client = api(eli)
    assert client.get(f"/api/tickets/{dana_ticket.pk}/").status_code == 404
    assert client.get("/api/tickets/").json()["count"] == 0
    assert client.get("/api/messages/", {"ticket": dana_ticket.pk}).json()["count"] == 0
    response = client.patch(f"/api/tickets/{dana_ticket.pk}/", {"status": "closed"}, format="json")
    assert response.status_code == 404
    dana_ticket.refresh_from_db()
    assert dana_ticket.status == Status.NEW


def test_odd_ids_and_filters_are_client_errors_not_500(dana, dana_ticket):
    client = api(dana)
    assert client.get("/api/tickets/99999999999999999999999/").status_code == 404
    assert client.get("/api/tickets/", {"assignee": "abc"}).status_code == 400
    assert client.get("/api/tickets/", {"created_after": "yesterday"}).status_code == 400
    assert client.get("/api/tickets/", {"page": "9999"}).status_code == 404


def test_customers_and_contacts_crud(dana):
    client = api(dana)
    customer = client.post(
        "/api/customers/", {"name": "סטודיו גלים", "tier": "premium"}, format="json"
    ).json()
    contact = client.post(
        "/api/contacts/",
        {"customer": customer["id"], "name": "תמר אלון", "email": "tamar@waves.example"},
        format="json",
    )
    renamed = client.patch(
        f"/api/customers/{customer['id']}/", {"name": "סטודיו גלים בע״מ"}, format="json"
    )
    by_email = client.get("/api/contacts/", {"email": "TAMAR@waves.example"}).json()

    assert contact.status_code == 201
    assert renamed.json()["name"] == "סטודיו גלים בע״מ"
    assert [c["name"] for c in by_email["results"]] == ["תמר אלון"]
    bad = client.post("/api/customers/", {"name": "", "tier": "gold"}, format="json")
    assert bad.status_code == 400
    assert set(bad.json()) == {"name", "tier"}


def test_messages_list_shows_only_visible_tickets(dana, dana_ticket):
    results = api(dana).get("/api/messages/", {"ticket": dana_ticket.pk}).json()["results"]
    assert [m["id"] for m in results] == list(Message.objects.values_list("pk", flat=True))


def test_schema_and_docs_are_served(dana):
    client = api(dana)
    schema = client.get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {
        "/api/tickets/",
        "/api/tickets/{id}/messages/",
        "/api/customers/",
        "/api/contacts/",
    } <= set(paths)
    client.force_login(dana)
    assert client.get("/api/docs/").status_code == 200


def test_ticket_representation_has_exactly_the_declared_fields(dana, dana_ticket):
    from shomer.api.serializers import TicketSerializer

    item = api(dana).get("/api/tickets/").json()["results"][0]
    assert list(item) == TicketSerializer.Meta.fields
    assert item["customer_name"] == "מרפאת שיניים חיוך"
    assert item["created_at"][-6:] in {"+02:00", "+03:00"}  # Israel time, with the offset


def test_counts_are_exact_up_to_the_cap_and_estimated_beyond(dana, support, noa, monkeypatch):
    from shomer.core import pagination

    for _ in range(4):
        make_ticket(contact=noa, team=support, assignee=dana)
    exact = api(dana).get("/api/tickets/").json()
    monkeypatch.setattr(pagination, "COUNT_CAP", 2)
    capped = api(dana).get("/api/tickets/", {"page_size": 2}).json()

    assert (exact["count"], exact["count_is_exact"]) == (4, True)
    assert capped["count_is_exact"] is False
    assert capped["count"] >= 3  # an estimate on PostgreSQL, exact on SQLite
    assert len(capped["results"]) == 2
