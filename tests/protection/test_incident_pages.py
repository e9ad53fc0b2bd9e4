"""Who sees which incidents: an agent their own tickets', a team lead their team's,
managers all; team leads and managers review them."""

from __future__ import annotations

from django.urls import reverse

from shomer.conversations.models import Direction
from shomer.conversations.services import do_add_message
from shomer.core.models import AuditEvent
from shomer.protection.models import Incident
from tests.conftest import logged_in, make_ticket, make_user

ABUSIVE = "אתה אידיוט מטומטם, תעביר אותי למישהו שמבין משהו"


def incident_on(ticket) -> Incident:
    message = do_add_message(ticket, direction=Direction.INBOUND, body_text=ABUSIVE)
    return Incident.objects.get(message=message)


def listed(user, show: str = "all") -> list[int]:
    response = logged_in(user).get(reverse("incidents"), {"show": show})
    assert response.status_code == 200
    return sorted(incident.pk for incident in response.context["page"].object_list)


def test_each_role_sees_its_incidents(dana, michal, yossi, eli, support, projects, noa):
    avi = make_user("avi", team=support, first_name="אבי")
    danas = incident_on(make_ticket(contact=noa, team=support, assignee=dana))
    avis = incident_on(make_ticket(contact=noa, team=support, assignee=avi))
    elis = incident_on(make_ticket(contact=noa, team=projects, assignee=eli))

    assert listed(dana) == [danas.pk]
    assert listed(avi) == [avis.pk]
    assert listed(eli) == [elis.pk]
    assert listed(michal) == sorted([danas.pk, avis.pk])
    assert listed(yossi) == sorted([danas.pk, avis.pk, elis.pk])


def test_the_page_lists_unreviewed_incidents_by_default(dana, yossi, dana_ticket):
    incident = incident_on(dana_ticket)

    assert listed(yossi, show="open") == [incident.pk]
    response = logged_in(yossi).post(
        reverse("incident-review", args=[incident.pk]), {"notes": "שוחחתי עם הלקוחה"}
    )

    assert response.status_code == 302
    incident.refresh_from_db()
    assert (incident.reviewed_by, incident.notes) == (yossi, "שוחחתי עם הלקוחה")
    assert incident.reviewed_at is not None
    assert AuditEvent.objects.filter(action="incident.reviewed", actor=yossi).count() == 1
    assert listed(yossi, show="open") == []
    assert listed(yossi) == [incident.pk]


def test_an_agent_cannot_review_and_another_team_cannot_see(dana, eli, michal, dana_ticket):
    incident = incident_on(dana_ticket)

    assert logged_in(dana).post(reverse("incident-review", args=[incident.pk])).status_code == 403
    assert logged_in(eli).post(reverse("incident-review", args=[incident.pk])).status_code == 404
    incident.refresh_from_db()
    assert incident.reviewed_at is None
    assert logged_in(michal).post(reverse("incident-review", args=[incident.pk])).status_code == 302


def test_the_incident_page_needs_a_login(db, client):
    response = client.get(reverse("incidents"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
