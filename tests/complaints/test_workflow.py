"""The complaint workflow: opened (marked, created, proposed), the complaint SLA, the steps
in order and timed, the ticket solved, the follow-up scheduled on the team's calendar."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from shomer.complaints import services
from shomer.complaints.models import Complaint, Origin, Step, Verdict
from shomer.conversations.models import Direction, Kind, Message, Status
from shomer.conversations.services import do_update_ticket
from shomer.core.models import AuditEvent
from shomer.notifications.models import Notification
from shomer.sla.models import SlaTimer, TimerState
from tests.complaints.conftest import acknowledged, fresh, investigated
from tests.conftest import make_ticket

ISRAEL = ZoneInfo("Asia/Jerusalem")


def running_minutes(ticket, target):
    return SlaTimer.objects.get(ticket=ticket, target=target, state=TimerState.RUNNING).minutes


def test_marking_a_ticket_a_complaint_opens_it_with_the_complaint_sla(dana, michal, dana_ticket):
    assert running_minutes(dana_ticket, "first_response") == 240  # the default policy

    do_update_ticket(dana_ticket, acting_user=michal, kind=Kind.COMPLAINT)

    complaint = Complaint.objects.get()
    assert (complaint.ticket, complaint.original_ticket) == (dana_ticket, dana_ticket)
    assert (complaint.origin, complaint.step, complaint.round) == (Origin.MARKED, Step.RECEIVED, 1)
    assert complaint.opened_by == michal
    assert complaint.customer == dana_ticket.customer
    assert complaint.lang == "he"
    assert complaint.text == "האתר לא עולה\nשלום, האתר שלנו לא נטען מהבוקר."
    # The complaint policy ("תלונה": first response in 60, resolution in 3 days) now sets
    # the clocks of the same ticket.
    assert running_minutes(dana_ticket, "first_response") == 60
    assert running_minutes(dana_ticket, "resolution") == 3 * 8 * 60
    assert list(complaint.events.values_list("kind", flat=True)) == ["opened"]
    assert Notification.objects.filter(user=dana, kind="complaints").count() == 1
    assert AuditEvent.objects.filter(action="complaint.opened").count() == 1


def test_marking_twice_keeps_one_complaint(michal, dana_ticket):
    first = services.do_open_complaint(dana_ticket, acting_user=michal)
    second = services.do_open_complaint(dana_ticket, acting_user=michal)
    do_update_ticket(dana_ticket, acting_user=michal, kind=Kind.COMPLAINT)

    assert first == second
    assert Complaint.objects.count() == 1


def test_a_ticket_opened_as_a_complaint_has_its_record_and_sla(noa, support):
    ticket = make_ticket(contact=noa, team=support, kind=Kind.COMPLAINT, subject="תלונה על טכנאי")

    complaint = Complaint.objects.get(ticket=ticket)
    assert complaint.origin == Origin.CREATED
    assert running_minutes(ticket, "first_response") == 60


def test_changing_the_kind_away_keeps_the_record(michal, complaint):
    do_update_ticket(complaint.ticket, acting_user=michal, kind=Kind.PROBLEM)

    assert Complaint.objects.filter(pk=complaint.pk).exists()
    assert running_minutes(complaint.ticket, "first_response") == 240


def test_acknowledging_sends_the_we_heard_you_reply(michal, noa, complaint):
    text = services.acknowledgement_text(complaint, michal)
    assert text.startswith("שלום נועה,")
    assert "שמענו אותך" in text
    assert f"#{complaint.ticket_id}" in text

    message = services.do_acknowledge(complaint, body_text=text, acting_user=michal)

    complaint = fresh(complaint)
    assert (message.direction, message.author, message.body_text) == (
        Direction.OUTBOUND,
        michal,
        text,
    )
    assert complaint.acknowledgement == message
    assert complaint.acknowledged_at == message.created_at
    assert complaint.step == Step.ACKNOWLEDGED
    # A reply: the first-response clock is met.
    assert SlaTimer.objects.get(ticket=complaint.ticket, target="first_response").state == "met"
    with pytest.raises(services.ComplaintError) as refused:
        services.do_acknowledge(complaint, body_text="שוב", acting_user=michal)
    assert refused.value.message == "על התלונה הזו כבר נשלחה תשובת ״שמענו אותך״."
    assert Message.objects.filter(direction=Direction.OUTBOUND).count() == 1


def test_an_english_customer_is_acknowledged_in_english(michal, support, clinic):
    from shomer.customers.models import Contact

    hannah = Contact.objects.create(
        customer=clinic, name="Hannah Marlowe", email="hannah@smile.example", language="en"
    )
    ticket = make_ticket(contact=hannah, team=support, kind=Kind.COMPLAINT, subject="Charged twice")
    complaint = Complaint.objects.get(ticket=ticket)

    text = services.acknowledgement_text(complaint, michal)

    assert text.startswith("Hello Hannah,\n\nWe heard you")


@translation.override("en")
def test_the_steps_run_in_order(michal, complaint):
    with pytest.raises(services.ComplaintError, match="Acknowledge the complaint first"):
        services.do_finish_investigation(complaint, findings="x", acting_user=michal)
    with pytest.raises(services.ComplaintError) as blocked:
        services.do_resolve(
            complaint, resolution="x", verdict=Verdict.JUSTIFIED, acting_user=michal
        )
    assert blocked.value.message == (
        "The customer was not acknowledged yet (we heard you). The investigation is not finished."
    )
    with pytest.raises(services.ComplaintError, match="after the complaint is resolved"):
        services.do_follow_up(complaint, notes="", is_satisfied=True, acting_user=michal)
    with pytest.raises(services.ComplaintError, match="Only a resolved complaint"):
        services.do_reopen(complaint, reason="x", acting_user=michal)
    assert fresh(complaint).step == Step.RECEIVED


@translation.override("en")
def test_resolving_needs_a_verdict_and_what_was_done(michal, complaint):
    investigated(complaint, michal)

    with pytest.raises(services.ComplaintError) as blocked:
        services.do_resolve(complaint, resolution="  ", acting_user=michal)

    assert blocked.value.message == "Record whether the complaint was justified. Say what was done."


def test_a_complaint_goes_from_received_to_followed_up(dana, michal, complaint):
    investigated(complaint, michal)
    # Thursday 14:00 in Israel: three days later is Sunday 14:00, a working hour.
    thursday = dt.datetime(2026, 11, 19, 14, 0, tzinfo=ISRAEL)

    services.do_resolve(
        complaint,
        resolution="זיכינו את החיוב הכפול.",
        verdict=Verdict.JUSTIFIED,
        acting_user=michal,
        now=thursday,
    )

    complaint = fresh(complaint)
    assert complaint.step == Step.RESOLVED
    assert (complaint.verdict, complaint.verdict_by) == (Verdict.JUSTIFIED, michal)
    assert complaint.follow_up_due_at == dt.datetime(2026, 11, 22, 14, 0, tzinfo=ISRAEL)
    assert complaint.ticket.status == Status.SOLVED

    services.do_follow_up(complaint, notes="הכול תקין.", is_satisfied=True, acting_user=michal)

    complaint = fresh(complaint)
    assert complaint.step == Step.FOLLOWED_UP
    assert complaint.is_customer_satisfied is True
    assert list(complaint.events.values_list("kind", flat=True)) == [
        "opened",
        "acknowledged",
        "investigated",
        "resolved",
        "followed_up",
    ]
    steps = services.stepper(complaint)
    assert [item["state"] for item in steps] == ["done"] * 5
    assert steps[3]["at"] == thursday


def test_a_follow_up_due_on_a_friday_afternoon_moves_to_sunday_morning(michal, complaint):
    investigated(complaint, michal)
    tuesday = dt.datetime(2026, 11, 17, 15, 0, tzinfo=ISRAEL)  # + 3 days: Friday 15:00, closed

    services.do_resolve(
        complaint, resolution="טופל.", verdict=Verdict.PARTLY, acting_user=michal, now=tuesday
    )

    assert fresh(complaint).follow_up_due_at == dt.datetime(2026, 11, 22, 9, 0, tzinfo=ISRAEL)


def test_the_stepper_shows_the_current_step_and_its_due(michal, complaint):
    steps = services.stepper(complaint, now=complaint.created_at + dt.timedelta(hours=2))

    assert [item["state"] for item in steps] == ["done", "current", "todo", "todo", "todo"]
    assert steps[1]["due"] == complaint.ticket.sla_due_at
    assert steps[1]["waiting"] == dt.timedelta(hours=2)
    acknowledged(complaint, michal)
    steps = services.stepper(fresh(complaint))
    assert [item["state"] for item in steps] == ["done", "done", "current", "todo", "todo"]
    assert steps[1]["took"] == complaint.acknowledged_at - complaint.created_at
