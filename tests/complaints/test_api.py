"""The complaints API: lists by role, one complaint with its steps, each step as an action
with the services' refusals as 403 and 400, themes and exposure."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from shomer.complaints.models import Complaint, Step
from shomer.conversations.models import Kind
from tests.conftest import make_ticket


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_lists_by_role(dana, michal, yossi, eli, complaint):
    assert [row["id"] for row in api(dana).get("/api/complaints/").json()["results"]] == [
        complaint.pk
    ]
    assert api(michal).get("/api/complaints/").json()["count"] == 1
    assert api(yossi).get("/api/complaints/").json()["count"] == 1
    assert api(eli).get("/api/complaints/").json()["count"] == 0
    assert api(eli).get(f"/api/complaints/{complaint.pk}/").status_code == 404
    assert APIClient().get("/api/complaints/").status_code == 401


def test_one_complaint_with_its_steps(michal, complaint):
    data = api(michal).get(f"/api/complaints/{complaint.pk}/").json()

    assert data["ticket"] == complaint.ticket_id
    assert data["step"] == "received"
    assert [(s["step"], s["state"]) for s in data["steps"]] == [
        ("received", "done"),
        ("acknowledged", "current"),
        ("investigated", "todo"),
        ("resolved", "todo"),
        ("followed_up", "todo"),
    ]
    assert [event["kind"] for event in data["events"]] == ["opened"]
    assert data["employees"] == []


def test_the_whole_workflow_through_the_api(dana, michal, yossi, complaint):
    base = f"/api/complaints/{complaint.pk}"
    handler = api(michal)

    acknowledged = handler.post(f"{base}/acknowledge/", {}, format="json")
    assert acknowledged.status_code == 200
    assert acknowledged.json()["step"] == "acknowledged"
    assert handler.post(f"{base}/name/", {"employee": dana.pk}, format="json").status_code == 200
    blocked = handler.post(
        f"{base}/resolve/", {"resolution": "x", "verdict": "justified"}, format="json"
    )
    assert blocked.status_code == 400
    assert blocked.json()["detail"].startswith("הבדיקה עוד לא הסתיימה.")
    refused = api(dana).post(f"{base}/investigate/", {"findings": "x"}, format="json")
    assert refused.status_code == 403
    assert (
        refused.json()["detail"] == "התלונה הזו היא עליך: מישהו אחר מטפל בה. באפשרותך להשיב עליה."
    )
    answered = api(dana).post(f"{base}/answer/", {"text": "כך היה."}, format="json")
    assert answered.json()["employees"][0]["is_included"] is True
    assert (
        handler.post(f"{base}/investigate/", {"findings": "נבדק."}, format="json").status_code
        == 200
    )
    assert (
        api(dana).post(f"{base}/review/", {"verdict": "justified"}, format="json").status_code
        == 403
    )
    assert (
        api(yossi).post(f"{base}/review/", {"verdict": "not_justified"}, format="json").status_code
        == 200
    )
    resolved = handler.post(f"{base}/resolve/", {"resolution": "הוסבר."}, format="json")
    assert resolved.status_code == 200
    assert (resolved.json()["step"], resolved.json()["verdict"]) == ("resolved", "not_justified")
    followed = handler.post(f"{base}/follow-up/", {"is_satisfied": None}, format="json")
    assert followed.json()["step"] == "followed_up"
    reopened = handler.post(f"{base}/reopen/", {"reason": "שוב."}, format="json")
    assert (reopened.json()["step"], reopened.json()["round"]) == ("acknowledged", 2)
    mine = api(dana).get("/api/complaints/mine/").json()
    assert [row["id"] for row in mine["results"]] == [complaint.pk]


def test_opening_a_complaint_on_a_ticket(dana, eli, dana_ticket):
    created = api(dana).post("/api/complaints/", {"ticket": dana_ticket.pk}, format="json")

    assert created.status_code == 201
    assert created.json()["origin"] == "marked"
    assert (
        api(eli).post("/api/complaints/", {"ticket": dana_ticket.pk}, format="json").status_code
        == 400
    )
    assert Complaint.objects.count() == 1


def test_bad_input_is_a_400(michal, complaint):
    base = f"/api/complaints/{complaint.pk}"
    assert api(michal).post(f"{base}/name/", {"employee": 999999}, format="json").status_code == 400
    assert (
        api(michal).post(f"{base}/review/", {"verdict": "maybe"}, format="json").status_code == 400
    )
    assert (
        api(michal)
        .post(
            f"{base}/meeting/", {"employee": 1, "met_on": "2999-01-01", "text": "x"}, format="json"
        )
        .status_code
        == 400
    )
    assert Complaint.objects.get().step == Step.RECEIVED


def test_list_queries_do_not_grow_with_the_page(
    django_assert_max_num_queries, yossi, dana, noa, support
):
    from shomer.complaints import services

    for index in range(10):
        ticket = make_ticket(
            contact=noa, team=support, assignee=dana, kind=Kind.COMPLAINT, subject=f"t{index}"
        )
        services.do_name_employee(Complaint.objects.get(ticket=ticket), dana, acting_user=yossi)
    client = api(yossi)
    with django_assert_max_num_queries(8):
        page = client.get("/api/complaints/?page_size=10")
    assert len(page.json()["results"]) == 10


def test_themes_and_exposure(yossi, dana, complaint):
    themes = api(yossi).get("/api/complaint-themes/")
    assert themes.status_code == 200
    assert themes.json()["themes"] == []
    assert len(themes.json()["week_starts"]) == 12

    exposure = api(dana).get("/api/staff-exposure/?days=7").json()
    assert [row["user"] for row in exposure] == [dana.pk]
    assert api(dana).get("/api/staff-exposure/?days=8").status_code == 400


@pytest.mark.parametrize(
    "url", ["/api/complaints/", "/api/complaint-themes/", "/api/staff-exposure/"]
)
def test_the_schema_lists_the_complaint_endpoints(dana, url):
    paths = api(dana).get("/api/schema/", {"format": "json"}).json()["paths"]
    assert url in paths
