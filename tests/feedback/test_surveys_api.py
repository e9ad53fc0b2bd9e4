"""/api/surveys/ and /api/survey-answers/: read-only, every staff member."""

from __future__ import annotations

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from shomer.conversations.models import Status
from shomer.conversations.services import do_update_ticket
from shomer.feedback import services
from shomer.feedback.models import Survey

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_staff_read_surveys_and_answers(dana_ticket, dana, eli, clinic):
    do_update_ticket(dana_ticket, acting_user=dana, status=Status.SOLVED)
    survey = Survey.objects.get(ticket=dana_ticket)
    services.do_send_due(survey.send_at)
    answered = services.do_answer(survey, 1, channel="email", now=timezone.now(), comment="לא טופל")
    api = client_for(eli)
    surveys = api.get("/api/surveys/", {"customer": clinic.pk}).json()
    assert [(s["id"], s["kind"], s["status"], s["ticket"]) for s in surveys["results"]] == [
        (survey.pk, "csat", "sent", dana_ticket.pk)
    ]
    answers = api.get("/api/survey-answers/", {"is_unhappy": "true"}).json()
    [row] = answers["results"]
    assert (row["rating"], row["score"], row["is_unhappy"], row["comment"], row["complaint"]) == (
        1,
        0.0,
        True,
        "לא טופל",
        answered.answer.complaint_id,
    )
    assert api.get("/api/survey-answers/", {"kind": "nps"}).json()["results"] == []
    assert api.post("/api/survey-answers/", {"rating": 5}).status_code == 405
    assert APIClient().get("/api/survey-answers/").status_code == 401
