"""/api/commitments/: the ledger over the API, with the same rules and access as the pages."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from shomer.commitments.models import Commitment, CommitmentState
from shomer.commitments.scan import run_scan
from shomer.conversations.models import Direction, Status
from shomer.conversations.services import do_update_ticket
from shomer.webhooks.models import WebhookDelivery
from tests.commitments.conftest import at, promise
from tests.conftest import make_ticket


def api(user, language: str = "he") -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    # The API reads no user's language (the token is checked after the middleware): the
    # language cookie chooses it.
    client.cookies["shomer_language"] = language
    return client


def test_a_promise_made_over_the_api(clock, dana, dana_ticket, endpoint):
    response = api(dana).post(
        "/api/commitments/",
        {
            "ticket": dana_ticket.pk,
            "kind": "delivery",
            "text": "The router ships Sunday",
            "due_at": "2026-11-22T14:00:00+02:00",
        },
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["state"], body["source"], body["owner"]) == (
        "delivery",
        "open",
        "manual",
        dana.pk,
    )
    assert body["due_at"] == "2026-11-22T14:00:00+02:00"
    assert body["requested_due_at"] is None
    assert body["kept_on_time"] is None
    assert WebhookDelivery.objects.get().event == "commitment.created"


def test_a_time_outside_hours_comes_back_moved_with_the_time_asked(clock, dana, dana_ticket):
    body = (
        api(dana)
        .post(
            "/api/commitments/",
            {
                "ticket": dana_ticket.pk,
                "kind": "callback",
                "text": "Call Noa back",
                "due_at": "2026-11-21T10:00:00+02:00",  # Saturday
            },
            format="json",
        )
        .json()
    )
    assert (body["due_at"], body["requested_due_at"]) == (
        "2026-11-22T09:00:00+02:00",
        "2026-11-21T10:00:00+02:00",
    )


@pytest.mark.parametrize(
    ("due_at", "errors"),
    [
        (
            "2026-11-19T09:00:00+02:00",
            {"due_at": ["This time has already passed. Choose a time in the future."]},
        ),
        ("2028-01-01T09:00:00+02:00", {"due_at": ["A promise can be at most a year ahead."]}),
    ],
)
def test_a_bad_due_is_refused(clock, dana, dana_ticket, due_at, errors):
    response = api(dana, "en").post(
        "/api/commitments/",
        {"ticket": dana_ticket.pk, "kind": "other", "text": "x", "due_at": due_at},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == errors
    assert Commitment.objects.count() == 0


def test_a_closed_ticket_is_refused(clock, dana, dana_ticket):
    do_update_ticket(dana_ticket, acting_user=dana, status=Status.CLOSED)
    response = api(dana, "en").post(
        "/api/commitments/",
        {
            "ticket": dana_ticket.pk,
            "kind": "other",
            "text": "x",
            "due_at": "2026-11-22T10:00:00+02:00",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "ticket": [
            f"Ticket #{dana_ticket.pk} is closed. Reopen it, or make the promise on a new ticket."
        ]
    }


def test_another_teams_ticket_is_refused_and_its_promises_are_hidden(clock, dana, dana_ticket, eli):
    mine = promise(dana_ticket, at(2026, 11, 22, 12))
    response = api(eli).post(
        "/api/commitments/",
        {
            "ticket": dana_ticket.pk,
            "kind": "other",
            "text": "x",
            "due_at": "2026-11-22T10:00:00+02:00",
        },
        format="json",
    )
    assert response.status_code == 400
    assert api(eli).get("/api/commitments/").json()["count"] == 0
    assert api(eli).get(f"/api/commitments/{mine.pk}/").status_code == 404
    assert api(eli).post(f"/api/commitments/{mine.pk}/keep/").status_code == 404
    assert [row["id"] for row in api(dana).get("/api/commitments/").json()["results"]] == [mine.pk]


def test_keep_then_conflict(clock, dana, dana_ticket, endpoint):
    commitment = promise(dana_ticket, at(2026, 11, 22, 12))
    first = api(dana).post(f"/api/commitments/{commitment.pk}/keep/")
    second = api(dana).post(f"/api/commitments/{commitment.pk}/keep/")
    assert first.status_code == 200
    assert (first.json()["state"], first.json()["kept_on_time"]) == ("kept", True)
    assert second.status_code == 409
    assert second.json()["state"] == "kept"
    assert WebhookDelivery.objects.filter(event="commitment.kept").count() == 1


def test_a_broken_promise_answers_409_to_keep_and_cancel(clock, dana, dana_ticket):
    commitment = promise(dana_ticket, at(2026, 11, 20, 12))
    run_scan(at(2026, 11, 20, 13))
    assert api(dana).post(f"/api/commitments/{commitment.pk}/keep/").json()["state"] == "broken"
    response = api(dana).post(f"/api/commitments/{commitment.pk}/cancel/", {"reason": "x"})
    assert (response.status_code, response.json()["state"]) == (409, "broken")


def test_cancel_needs_a_reason_and_the_right(clock, dana_ticket, support, dana):
    from tests.conftest import make_user

    ron = make_user("ron", team=support)
    commitment = promise(dana_ticket, at(2026, 11, 22, 12))
    assert (
        api(ron).post(f"/api/commitments/{commitment.pk}/cancel/", {"reason": "x"}).status_code
        == 403
    )
    assert api(dana).post(f"/api/commitments/{commitment.pk}/cancel/", {}).status_code == 400
    response = api(dana).post(
        f"/api/commitments/{commitment.pk}/cancel/", {"reason": "נרשם פעמיים"}
    )
    assert (response.status_code, response.json()["state"], response.json()["reason"]) == (
        200,
        "cancelled",
        "נרשם פעמיים",
    )


def test_owner_and_wording_can_change_the_due_cannot(clock, dana, michal, dana_ticket):
    commitment = promise(dana_ticket, at(2026, 11, 22, 12))
    response = api(dana).patch(
        f"/api/commitments/{commitment.pk}/",
        {"owner": michal.pk, "text": "אשלח את ההצעה", "due_at": "2026-12-01T10:00:00+02:00"},
        format="json",
    )
    assert response.status_code == 200
    commitment.refresh_from_db()
    assert (commitment.owner, commitment.text, commitment.due_at) == (
        michal,
        "אשלח את ההצעה",
        at(2026, 11, 22, 12),
    )


def test_the_late_notice_over_the_api_sends_the_template(clock, dana, dana_ticket):
    commitment = promise(dana_ticket, at(2026, 11, 22, 12), text="אשלח את הצעת המחיר")
    response = api(dana).post(
        f"/api/commitments/{commitment.pk}/late-notice/",
        {"due_at": "2026-11-24T12:00:00+02:00"},
        format="json",
    )
    assert response.status_code == 200
    assert (response.json()["due_at"], response.json()["original_due_at"]) == (
        "2026-11-24T12:00:00+02:00",
        "2026-11-22T12:00:00+02:00",
    )
    reply = dana_ticket.messages.get(direction=Direction.OUTBOUND)
    assert "אשלח את הצעת המחיר" in reply.body_text
    too_early = api(dana).post(
        f"/api/commitments/{commitment.pk}/late-notice/",
        {"due_at": "2026-11-23T12:00:00+02:00"},
        format="json",
    )
    assert too_early.status_code == 400


def test_filters_and_a_query_count_independent_of_the_page(clock, dana, dana_ticket, noa, support):
    other = make_ticket(contact=noa, team=support, assignee=dana)
    for index in range(12):
        promise(dana_ticket if index % 2 else other, at(2026, 11, 22, 12), kind="other")
    callback = promise(dana_ticket, at(2026, 11, 23, 12), kind="callback")
    client = api(dana)
    only = client.get("/api/commitments/", {"kind": "callback", "state": "open"}).json()
    assert [row["id"] for row in only["results"]] == [callback.pk]
    on_ticket = client.get("/api/commitments/", {"ticket": other.pk}).json()
    assert on_ticket["count"] == 6

    def queries(size: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/commitments/", {"page_size": size}).status_code == 200
        return len(captured)

    assert queries(3) == queries(13)


def test_the_schema_describes_the_commitments_endpoints(db, yossi):
    schema = api(yossi).get("/api/schema/?format=json").json()
    assert set(schema["paths"]["/api/commitments/{id}/keep/"]["post"]["responses"]) == {
        "200",
        "409",
    }
    assert "/api/commitments/{id}/late-notice/" in schema["paths"]
    assert schema["components"]["schemas"]["CommitmentStateEnum"]["enum"] == [
        "open",
        "kept",
        "broken",
        "cancelled",
    ]
    assert CommitmentState.values == ["open", "kept", "broken", "cancelled"]
