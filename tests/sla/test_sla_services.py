"""SLA clocks on tickets through the conversation services, on real calendars.

The support team's calendar is Sunday-Thursday 09:00-17:00 (Friday closed), the Israeli
holidays closed and their eves 09:00-13:00; the default calendar adds Friday 09:00-13:00.
Expected dues are worked out by hand in the comments.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from zoneinfo import ZoneInfo

import pytest

from shomer.conversations.models import Channel, Direction, Kind, Priority, Status, Ticket
from shomer.conversations.services import (
    do_add_message,
    do_merge,
    do_reply,
    do_update_ticket,
)
from shomer.core.audit import history
from shomer.customers.models import Customer, Tier
from shomer.people.models import Team, User
from shomer.sla.models import BusinessCalendar, SlaPolicy, SlaTimer, TimerState
from shomer.sla.services import do_delete_policy, do_save_calendar, do_save_policy
from tests.conftest import make_ticket
from tests.sla.conftest import Clock, at

JERUSALEM = ZoneInfo("Asia/Jerusalem")


def local(moment: dt.datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(JERUSALEM).isoformat()


def clocks(ticket: Ticket) -> dict[str, SlaTimer]:
    """The latest timer of each target."""
    return {timer.target: timer for timer in SlaTimer.objects.filter(ticket=ticket)}


def dues(ticket: Ticket) -> dict[str, str | None]:
    return {target: local(timer.due_at) for target, timer in clocks(ticket).items()}


def sla_due(ticket: Ticket) -> str | None:
    return local(Ticket.objects.get(pk=ticket.pk).sla_due_at)


def customer_message(ticket: Ticket, text: str = "עדיין לא עובד, אפשר עדכון?") -> None:
    do_add_message(ticket, direction=Direction.INBOUND, body_text=text)


def test_a_ticket_opened_thursday_afternoon_is_due_for_first_response_on_sunday(
    clock: Clock, policies, support_on_office: Team, noa
):
    clock.set("2026-11-05T16:30:00+02:00")
    ticket = make_ticket(contact=noa, team=support_on_office)

    # 4 h: Thursday 16:30-17:00, then Sunday 09:00-12:30. Resolution 16 h: Thursday 30 min,
    # Sunday 8 h, Monday 7 h 30.
    assert dues(ticket) == {
        "first_response": "2026-11-08T12:30:00+02:00",
        "resolution": "2026-11-09T16:30:00+02:00",
    }
    assert sla_due(ticket) == "2026-11-08T12:30:00+02:00"
    assert {timer.state for timer in clocks(ticket).values()} == {TimerState.RUNNING}


def test_the_default_calendar_counts_the_short_friday(clock: Clock, policies, noa):
    clock.set("2026-11-05T16:30:00+02:00")
    ticket = make_ticket(contact=noa)

    # No team: the default calendar. Thursday 30 min, Friday 09:00-12:30.
    assert dues(ticket)["first_response"] == "2026-11-06T12:30:00+02:00"


def test_a_holiday_eve_has_eve_hours_and_the_holiday_is_closed(
    clock: Clock, policies, support_on_office: Team, noa
):
    # Sunday 20 September 2026 is the eve of Yom Kippur (Monday): open 09:00-13:00.
    clock.set("2026-09-20T12:00:00+03:00")
    ticket = make_ticket(contact=noa, team=support_on_office)

    # 1 h on the eve, Yom Kippur closed, 3 h on Tuesday.
    assert dues(ticket)["first_response"] == "2026-09-22T12:00:00+03:00"


def test_waiting_on_the_customer_pauses_the_clock_and_their_answer_resumes_it(
    clock: Clock, policies, support_on_office: Team, noa, dana: User
):
    clock.set("2026-11-08T09:00:00+02:00")
    ticket = make_ticket(contact=noa, team=support_on_office, assignee=dana)
    assert dues(ticket)["resolution"] == "2026-11-09T17:00:00+02:00"

    clock.set("2026-11-08T10:00:00+02:00")
    do_reply(
        ticket, body_text="שלום נועה, שלחתי הוראות. אפשר לנסות?", author=dana, status="pending"
    )

    resolution = clocks(ticket)["resolution"]
    assert resolution.state == TimerState.PAUSED
    assert resolution.used_seconds == 3600
    assert resolution.due_at is None
    assert clocks(ticket)["first_response"].state == TimerState.MET
    assert sla_due(ticket) is None  # nothing counts while we wait

    # Two days later the customer answers: 15 h left from Wednesday 09:00 (8 h Wednesday,
    # 7 h Thursday), and a next-response clock of 2 h starts.
    clock.set("2026-11-11T09:00:00+02:00")
    customer_message(ticket)
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert clocks(ticket)["resolution"].state == TimerState.RUNNING
    assert dues(ticket) == {
        "first_response": "2026-11-08T13:00:00+02:00",
        "resolution": "2026-11-12T16:00:00+02:00",
        "next_response": "2026-11-11T11:00:00+02:00",
    }
    assert sla_due(ticket) == "2026-11-11T11:00:00+02:00"


def test_setting_pending_without_a_message_pauses_and_open_resumes(
    clock: Clock, policies, support_on_office: Team, noa, dana: User
):
    clock.set("2026-11-08T09:00:00+02:00")
    ticket = make_ticket(contact=noa, team=support_on_office)
    clock.set("2026-11-08T11:00:00+02:00")
    do_update_ticket(ticket, acting_user=dana, status=Status.PENDING)
    clock.set("2026-11-10T09:00:00+02:00")
    do_update_ticket(ticket, acting_user=dana, status=Status.OPEN)

    # First response: 2 h used on Sunday, 2 h left from Tuesday 09:00.
    assert dues(ticket)["first_response"] == "2026-11-10T11:00:00+02:00"


def test_an_agent_reply_meets_response_clocks_and_solving_meets_resolution(
    clock: Clock, policies, support_on_office: Team, noa, dana: User
):
    clock.set("2026-11-08T09:00:00+02:00")
    ticket = make_ticket(contact=noa, team=support_on_office, assignee=dana)
    clock.set("2026-11-08T10:00:00+02:00")
    do_reply(ticket, body_text="בודקת ומעדכנת.", author=dana)
    clock.set("2026-11-08T10:30:00+02:00")
    customer_message(ticket)
    clock.set("2026-11-08T11:00:00+02:00")
    do_reply(ticket, body_text="תוקן, האתר עולה.", author=dana, status="solved")

    states = {
        (timer.target, timer.state, local(timer.completed_at))
        for timer in SlaTimer.objects.filter(ticket=ticket)
    }
    assert states == {
        ("first_response", TimerState.MET, "2026-11-08T10:00:00+02:00"),
        ("next_response", TimerState.MET, "2026-11-08T11:00:00+02:00"),
        ("resolution", TimerState.MET, "2026-11-08T11:00:00+02:00"),
    }
    assert sla_due(ticket) is None


def test_a_late_reply_is_a_breach_even_before_the_scan_sees_it(
    clock: Clock, policies, support_on_office: Team, noa, dana: User
):
    clock.set("2026-11-08T09:00:00+02:00")
    ticket = make_ticket(
        contact=noa, team=support_on_office, assignee=dana, priority=Priority.URGENT
    )
    clock.set("2026-11-08T09:45:00+02:00")
    do_reply(ticket, body_text="מטפלת בזה עכשיו.", author=dana)

    first = clocks(ticket)["first_response"]
    assert first.state == TimerState.BREACHED
    assert local(first.breached_at) == "2026-11-08T09:30:00+02:00"
    assert local(first.completed_at) == "2026-11-08T09:45:00+02:00"
    breaches = [e for e in history(ticket) if e.action == "sla.breached"]
    assert [(e.data["sla_target"], e.data["late"]) for e in breaches] == [("first_response", True)]


def test_an_urgent_complaint_gets_the_stricter_first_response(
    clock: Clock, policies, support_on_office: Team, noa
):
    clock.set("2026-11-08T09:00:00+02:00")
    ticket = make_ticket(
        contact=noa, team=support_on_office, priority=Priority.URGENT, kind=Kind.COMPLAINT
    )

    timers = clocks(ticket)
    # Urgent (30) and complaint (60) are equally specific: the stricter wins. Only the
    # complaint policy sets resolution (8 h), which beats the default's 16 h.
    assert (timers["first_response"].minutes, timers["first_response"].policy) == (
        30,
        policies["urgent"],
    )
    assert (timers["resolution"].minutes, timers["resolution"].policy) == (
        480,
        policies["complaint"],
    )


def test_raising_the_priority_shortens_the_running_clock(
    clock: Clock, policies, support_on_office: Team, noa, dana: User
):
    clock.set("2026-11-08T09:00:00+02:00")
    ticket = make_ticket(contact=noa, team=support_on_office)
    assert dues(ticket)["first_response"] == "2026-11-08T13:00:00+02:00"

    clock.set("2026-11-08T09:10:00+02:00")
    do_update_ticket(ticket, acting_user=dana, priority=Priority.URGENT)

    assert dues(ticket)["first_response"] == "2026-11-08T09:30:00+02:00"
    assert sla_due(ticket) == "2026-11-08T09:30:00+02:00"


def test_moving_to_a_team_with_another_calendar_counts_the_rest_there(
    clock: Clock, policies, support_on_office: Team, noa, dana: User
):
    clock.set("2026-11-05T16:00:00+02:00")
    ticket = make_ticket(contact=noa)  # no team: default calendar, Friday 09:00-13:00
    assert dues(ticket)["first_response"] == "2026-11-06T12:00:00+02:00"

    clock.set("2026-11-05T16:30:00+02:00")
    do_update_ticket(ticket, acting_user=dana, team=support_on_office)

    # 30 min used; 3 h 30 left on support's calendar (Friday closed): Thursday 30 min,
    # Sunday 09:00-12:00.
    assert dues(ticket)["first_response"] == "2026-11-08T12:00:00+02:00"


def test_a_closed_date_added_to_the_calendar_moves_running_clocks(
    clock: Clock, policies, support_on_office: Team, office: BusinessCalendar, noa, yossi
):
    clock.set("2026-11-08T16:00:00+02:00")
    ticket = make_ticket(contact=noa, team=support_on_office)
    untouched = make_ticket(contact=noa)  # on the default calendar
    assert dues(ticket)["first_response"] == "2026-11-09T12:00:00+02:00"
    before = dues(untouched)

    clock.set("2026-11-08T16:30:00+02:00")
    office.spec = {**office.spec, "closed": ["2026-11-09"]}
    do_save_calendar(office, acting_user=yossi)

    # 30 min used on Sunday; 3 h 30 left: Sunday 16:30-17:00, Monday closed, Tuesday 3 h.
    assert dues(ticket)["first_response"] == "2026-11-10T12:00:00+02:00"
    assert sla_due(ticket) == "2026-11-10T12:00:00+02:00"
    assert dues(untouched) == before
    changes = [e for e in history(office) if e.action == "sla.calendar_changed"]
    assert [e.data["timers_moved"] for e in changes] == [2]


def test_a_new_policy_applies_to_running_clocks_of_matching_tickets_only(
    clock: Clock, policies, support_on_office: Team, noa, clinic: Customer, yossi
):
    clinic.tier = Tier.VIP
    clinic.save()
    clock.set("2026-11-08T09:00:00+02:00")
    vip = make_ticket(contact=noa, team=support_on_office)
    other = make_ticket(team=support_on_office, customer=Customer.objects.create(name="מוסך"))

    clock.set("2026-11-08T09:10:00+02:00")
    vip_policy = do_save_policy(
        SlaPolicy(name="VIP", tier=Tier.VIP, first_response_minutes=60), acting_user=yossi
    )
    assert dues(vip)["first_response"] == "2026-11-08T10:00:00+02:00"
    assert dues(other)["first_response"] == "2026-11-08T13:00:00+02:00"

    do_delete_policy(vip_policy, acting_user=yossi)
    assert dues(vip)["first_response"] == "2026-11-08T13:00:00+02:00"
    assert clocks(vip)["first_response"].policy == policies["default"]


def test_a_policy_that_stops_setting_a_target_cancels_its_clocks(
    clock: Clock, policies, support_on_office: Team, noa, yossi
):
    clock.set("2026-11-08T09:00:00+02:00")
    ticket = make_ticket(contact=noa, team=support_on_office)
    default = policies["default"]
    default.resolution_minutes = None
    do_save_policy(default, acting_user=yossi)

    assert clocks(ticket)["resolution"].state == TimerState.CANCELLED
    assert sla_due(ticket) == "2026-11-08T13:00:00+02:00"


def test_a_phone_ticket_gets_a_callback_clock(clock: Clock, policies, support_on_office: Team, noa):
    clock.set("2026-11-08T09:00:00+02:00")
    ticket = make_ticket(contact=noa, team=support_on_office, channel=Channel.PHONE)

    assert dues(ticket)["callback"] == "2026-11-08T10:00:00+02:00"
    assert sla_due(ticket) == "2026-11-08T10:00:00+02:00"


def test_reopening_a_solved_ticket_starts_a_new_resolution_clock(
    clock: Clock, policies, support_on_office: Team, noa, dana: User
):
    clock.set("2026-11-08T09:00:00+02:00")
    ticket = make_ticket(contact=noa, team=support_on_office, assignee=dana)
    clock.set("2026-11-08T10:00:00+02:00")
    do_reply(ticket, body_text="סגרתי את התקלה.", author=dana, status="solved")
    clock.set("2026-11-09T09:00:00+02:00")
    customer_message(ticket, "זה חזר שוב הבוקר.")

    resolutions = SlaTimer.objects.filter(ticket=ticket, target="resolution").order_by("pk")
    assert [(t.state, local(t.due_at)) for t in resolutions] == [
        (TimerState.MET, "2026-11-09T17:00:00+02:00"),
        (TimerState.RUNNING, "2026-11-10T17:00:00+02:00"),
    ]


def test_merging_stops_the_merged_tickets_clocks(
    clock: Clock, policies, support_on_office: Team, noa, dana: User
):
    clock.set("2026-11-08T09:00:00+02:00")
    source = make_ticket(contact=noa, team=support_on_office)
    target = make_ticket(contact=noa, team=support_on_office)
    do_merge(source, target, acting_user=dana)

    assert {t.state for t in SlaTimer.objects.filter(ticket=source)} == {TimerState.CANCELLED}
    assert sla_due(source) is None
    assert sla_due(target) == "2026-11-08T13:00:00+02:00"


def test_no_policy_means_no_clock(clock: Clock, support_on_office: Team, noa):
    SlaPolicy.objects.all().delete()
    ticket = make_ticket(contact=noa, team=support_on_office)

    assert clocks(ticket) == {}
    assert sla_due(ticket) is None


@pytest.mark.parametrize(
    "spec_change",
    [
        {"week": {"sun": ["09:00-12:00", "11:00-17:00"]}},
        {"timezone": "Mars/Olympus"},
        {"week": {}},
        {"eve_hours": ["9-13"]},
    ],
)
def test_a_calendar_the_engine_cannot_use_is_never_saved(db, spec_change):
    from django.core.exceptions import ValidationError

    from tests.sla.conftest import OFFICE_WEEK

    with pytest.raises(ValidationError):
        BusinessCalendar.objects.create(name="שבור", spec={**OFFICE_WEEK, **spec_change})
    assert not BusinessCalendar.objects.filter(name="שבור").exists()


def test_the_clock_starts_at_the_next_opening_when_opened_at_night(
    clock: Clock, policies, support_on_office: Team, noa
):
    clock.set("2026-11-08T22:00:00+02:00")
    ticket = make_ticket(contact=noa, team=support_on_office)
    first = clocks(ticket)["first_response"]

    assert first.started_at == at("2026-11-08T22:00:00+02:00")
    assert dues(ticket)["first_response"] == "2026-11-09T13:00:00+02:00"


def test_backfill_starts_clocks_on_imported_tickets_as_history(
    clock: Clock, policies, support_on_office: Team, noa, dana: User
):
    from django.core.management import call_command

    from shomer.notifications.models import Notification
    from shomer.sla.models import Level
    from shomer.sla.scan import run_scan

    clock.set("2026-11-08T09:00:00+02:00")
    imported = make_ticket(contact=noa, team=support_on_office, assignee=dana)
    SlaTimer.objects.filter(ticket=imported).delete()  # as a bulk import leaves it
    answered = make_ticket(contact=noa, team=support_on_office, assignee=dana)
    SlaTimer.objects.filter(ticket=answered).delete()
    Ticket.objects.filter(pk=answered.pk).update(first_response_at=at("2026-11-08T09:30:00+02:00"))
    Ticket.objects.filter(pk__in=[imported.pk, answered.pk]).update(
        created_at=at("2026-11-08T09:00:00+02:00")
    )

    # Monday 14:00: the first response (due Sunday 13:00) breached long ago, and its
    # manager step (Sunday 15:00) passed too; resolution (due Monday 17:00) is past its
    # 80 % (Monday 13:48).
    clock.set("2026-11-09T14:00:00+02:00")
    out = io.StringIO()
    call_command("sla", "backfill", stdout=out)

    assert json.loads(out.getvalue()) == {"tickets": 2}
    timers = clocks(imported)
    assert (timers["first_response"].state, timers["first_response"].level) == (
        TimerState.BREACHED,
        Level.MANAGER,
    )
    assert (timers["resolution"].state, timers["resolution"].level) == (
        TimerState.RUNNING,
        Level.WARNED,
    )
    assert set(clocks(answered)) == {"resolution"}
    assert sla_due(imported) == "2026-11-08T13:00:00+02:00"
    assert run_scan(at("2026-11-09T14:01:00+02:00")).notifications == 0
    assert Notification.objects.count() == 0
    call_command("sla", "backfill", stdout=out)  # a second run finds nothing to do
    assert SlaTimer.objects.filter(ticket__in=[imported, answered]).count() == 3
