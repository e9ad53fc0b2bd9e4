"""Staff protection, the manager's side: actions on a ticket with incidents (reassign,
reply for the team, part ways), and measured exposure (incidents per agent at the time they
had the ticket, abusive messages read, work after hours)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from shomer.complaints import staff
from shomer.complaints.services import NotAllowed
from shomer.conversations.models import Direction, Message, TimeEntry
from shomer.conversations.services import do_add_message, do_assign, do_log_time
from shomer.core.models import AuditEvent
from shomer.people.models import Role
from shomer.protection.models import Incident
from shomer.protection.services import do_reveal_message
from tests.conftest import logged_in, make_ticket, make_user

ISRAEL = ZoneInfo("Asia/Jerusalem")
ABUSIVE = "אתה אידיוט מטומטם, תעביר אותי למישהו שמבין משהו"


@pytest.fixture
def abused(dana_ticket, noa):
    do_add_message(dana_ticket, direction=Direction.INBOUND, body_text=ABUSIVE, contact=noa)
    assert Incident.objects.count() == 1
    return dana_ticket


def test_a_manager_sees_the_protect_card_and_page(yossi, michal, abused):
    card = logged_in(yossi).get(f"/tickets/{abused.pk}/").content.decode()
    assert 'data-testid="protect-card"' in card
    assert (
        'data-testid="protect-card"'
        not in logged_in(michal).get(f"/tickets/{abused.pk}/").content.decode()
    )

    page = logged_in(yossi).get(f"/tickets/{abused.pk}/protect/").content.decode()

    assert 'data-testid="protect-incidents"' in page
    assert f'href="/health/customers/{abused.customer_id}/offboard/"' in page  # parting ways
    assert "מטומטם" not in page  # the abusive words stay shielded here too
    assert "אנחנו רוצים לעזור לך, ונעזור." in page  # the reply for the team, in Hebrew


def test_a_manager_takes_the_ticket_away_from_the_agent(yossi, dana, support, abused):
    avi = make_user("avi", team=support, first_name="אבי")

    response = logged_in(yossi).post(
        f"/tickets/{abused.pk}/protect/reassign/", {"assignee": avi.pk}
    )

    assert response.status_code == 302
    abused.refresh_from_db()
    assert abused.assignee == avi
    event = AuditEvent.objects.get(action="protection.reassigned")
    assert (event.actor, event.data["old"], event.data["new"]) == (yossi, dana.pk, avi.pk)
    assert event.data["incidents"] == [Incident.objects.get().pk]


def test_a_manager_replies_on_the_teams_behalf(yossi, abused):
    text = staff.team_reply_text(abused, yossi)
    assert text.startswith("שלום נועה,\n\nאנחנו רוצים לעזור לך, ונעזור.")
    assert text.endswith("יוסי, בשם צוות תמיכה\nShomer")

    response = logged_in(yossi).post(f"/tickets/{abused.pk}/protect/reply/", {"body": text})

    assert response.status_code == 302
    reply = Message.objects.get(direction=Direction.OUTBOUND)
    assert (reply.author, reply.body_text) == (yossi, text)
    assert AuditEvent.objects.filter(action="protection.team_reply", actor=yossi).count() == 1


@translation.override("en")
def test_only_managers_act_this_way(dana, michal, abused):
    for user in (dana, michal):
        with pytest.raises(NotAllowed) as refused:
            staff.do_reply_for_team(abused, body_text="x", acting_user=user)
        assert refused.value.message == "Only a manager can act on an incident this way."
    for user in (dana, michal):  # a request switches to the user's language: after the above
        response = logged_in(user).post(f"/tickets/{abused.pk}/protect/reassign/", {"assignee": ""})
        assert response.status_code == 403
    assert not Message.objects.filter(direction=Direction.OUTBOUND).exists()
    abused.refresh_from_db()
    assert abused.assignee is not None


def test_incidents_count_for_whoever_had_the_ticket_then(dana, michal, yossi, support, noa):
    avi = make_user("avi", team=support, first_name="אבי")
    ticket = make_ticket(contact=noa, team=support, assignee=dana)
    do_add_message(ticket, direction=Direction.INBOUND, body_text=ABUSIVE, contact=noa)
    do_assign(ticket, avi, acting_user=michal)
    second = do_add_message(
        ticket, direction=Direction.INBOUND, body_text="יא אפס מטומטם, אתה עלוב", contact=noa
    )
    assert Incident.objects.filter(ticket=ticket).count() == 2
    do_reveal_message(second, user=avi)
    now = timezone.now()

    rows = {
        row.user_id: row
        for row in staff.exposure(
            staff.exposed_staff(yossi), now - dt.timedelta(days=1), now + dt.timedelta(minutes=1)
        )
    }

    assert (rows[dana.pk].incidents, rows[avi.pk].incidents, rows[michal.pk].incidents) == (1, 1, 0)
    assert (rows[dana.pk].revealed, rows[avi.pk].revealed) == (0, 1)


def test_work_after_hours_from_replies_notes_and_time(dana, yossi, dana_ticket):
    sunday = dt.datetime(2026, 11, 22, tzinfo=ISRAEL)
    for hour, direction in (
        (10, Direction.OUTBOUND),
        (21, Direction.OUTBOUND),
        (23, Direction.NOTE),
    ):
        Message.objects.create(
            ticket=dana_ticket,
            direction=direction,
            author=dana,
            body_text="x",
            created_at=sunday.replace(hour=hour),
        )
    do_log_time(dana_ticket, user=dana, minutes=60, worked_at=sunday.replace(hour=17, minute=30))
    do_log_time(dana_ticket, user=dana, minutes=30, worked_at=sunday.replace(hour=11))
    assert TimeEntry.objects.count() == 2

    (row,) = staff.exposure(staff.exposed_staff(dana), sunday, sunday + dt.timedelta(days=1))

    assert (row.replies, row.replies_after_hours) == (3, 2)
    assert (row.minutes, row.minutes_after_hours) == (90, 30)
    assert row.after_hours_share == pytest.approx(2 / 3)


def test_who_sees_whose_exposure(dana, michal, yossi, eli):
    lead = {user.username for user in staff.exposed_staff(michal)}
    assert lead == {"dana", "michal"}
    assert {user.username for user in staff.exposed_staff(dana)} == {"dana"}
    assert {user.username for user in staff.exposed_staff(yossi)} == {
        "dana",
        "michal",
        "yossi",
        "eli",
    }
    gone = make_user("gone", role=Role.AGENT)
    gone.is_active = False
    gone.save()
    assert "gone" not in {user.username for user in staff.exposed_staff(yossi)}
