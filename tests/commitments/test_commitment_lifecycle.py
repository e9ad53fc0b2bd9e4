"""A promise from an agent's reply to its end: offered, tracked (or tracked automatically),
reminded once, broken once with the team lead told, kept by the action it promised, by hand,
cancelled, or moved with the customer told. Over business hours, on a settable clock."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from shomer.commitments import services
from shomer.commitments.models import (
    Commitment,
    CommitmentSource,
    CommitmentState,
    DetectedPromise,
    OfferState,
)
from shomer.commitments.scan import run_scan
from shomer.conversations.models import DeliveryStatus, Direction, Status
from shomer.conversations.services import do_add_note, do_merge, do_reply, do_update_ticket
from shomer.core.models import AuditEvent
from shomer.health.models import CustomerScore
from shomer.notifications.models import Notification
from shomer.webhooks.models import WebhookDelivery
from tests.commitments.conftest import at, promise
from tests.conftest import make_ticket

HEBREW_REPLY = "נועה שלום, בדקתי מול הספק. אחזור אלייך מחר עד 12:00 עם תשובה סופית."


def actions(commitment: Commitment) -> list[str]:
    return list(
        AuditEvent.objects.filter(
            object_type="commitments.commitment", object_id=str(commitment.pk)
        )
        .order_by("id")
        .values_list("action", flat=True)
    )


# --- detected promises ------------------------------------------------------------------------


def test_a_hebrew_reply_on_thursday_afternoon_offers_its_promise_due_friday_noon(
    clock, dana_ticket, dana
):
    message = do_reply(dana_ticket, body_text=HEBREW_REPLY, author=dana)

    offer = DetectedPromise.objects.get()
    assert (offer.message, offer.ticket, offer.position) == (message, dana_ticket, 0)
    assert offer.text == "אחזור אלייך מחר עד 12:00 עם תשובה סופית."
    assert (offer.kind, offer.state) == ("follow_up", OfferState.OFFERED)
    assert offer.due_at == at(2026, 11, 20, 12)
    assert Commitment.objects.count() == 0


def test_tracking_an_offer_makes_a_detected_commitment_once(clock, dana_ticket, dana, endpoint):
    do_reply(dana_ticket, body_text=HEBREW_REPLY, author=dana)
    offer = DetectedPromise.objects.get()
    placement = services.check_due(offer.due_at, ticket=dana_ticket)

    commitment = services.do_track_offer(
        offer, kind="follow_up", text=offer.text, placement=placement, owner=dana, acting_user=dana
    )

    commitment.refresh_from_db()
    assert commitment.source == CommitmentSource.DETECTED
    assert (commitment.owner, commitment.customer, commitment.contact) == (
        dana,
        dana_ticket.customer,
        dana_ticket.contact,
    )
    assert (commitment.due_at, commitment.requested_due_at) == (at(2026, 11, 20, 12), None)
    # 270 business minutes (Thu 15:30-17:00, Fri 09:00-12:00): reminded 54 minutes before.
    assert commitment.remind_at == at(2026, 11, 20, 11, 6)
    assert commitment.next_action_at == commitment.remind_at
    assert commitment.created_at == at(2026, 11, 19, 15, 30)
    offer.refresh_from_db()
    assert (offer.state, offer.commitment) == (OfferState.TRACKED, commitment)
    assert actions(commitment) == ["commitment.created"]
    delivery = WebhookDelivery.objects.get(event="commitment.created")
    assert delivery.payload["data"]["id"] == commitment.pk
    assert delivery.payload["data"]["due_at"] == "2026-11-20T12:00:00+02:00"

    with pytest.raises(services.CommitmentConflict) as conflict:
        services.do_track_offer(
            offer, kind="follow_up", text="x", placement=placement, owner=dana, acting_user=dana
        )
    assert conflict.value.state == OfferState.TRACKED
    assert Commitment.objects.count() == 1


def test_a_team_without_fridays_gets_the_promise_at_sundays_opening_with_a_note(
    clock, office, dana_ticket, dana
):
    do_reply(dana_ticket, body_text=HEBREW_REPLY, author=dana)
    offer = DetectedPromise.objects.get()

    placement = services.check_due(offer.due_at, ticket=dana_ticket)

    assert (placement.due, placement.requested) == (at(2026, 11, 22, 9), at(2026, 11, 20, 12))
    with translation.override("en"):
        assert services.moved_note(placement) == (
            "Asked for Fri 20.11 12:00, outside working hours: due at the next opening, "
            "Sun 22.11 09:00."
        )
    commitment = services.do_track_offer(
        offer, kind="follow_up", text=offer.text, placement=placement, owner=dana, acting_user=dana
    )
    assert (commitment.due_at, commitment.requested_due_at) == (
        at(2026, 11, 22, 9),
        at(2026, 11, 20, 12),
    )
    # 90 business minutes from Thursday 15:30: reminded at 16:42.
    assert commitment.remind_at == at(2026, 11, 19, 16, 42)


def test_with_the_setting_on_a_reply_tracks_its_promises_at_once(clock, dana_ticket, dana):
    services.do_update_settings(
        services.commitment_settings(), auto_track_detected=True, acting_user=None
    )
    do_reply(
        dana_ticket,
        body_text="שלום נועה, השליח יגיע אלייך ביום ראשון עד 14:00. נעדכן אותך בהמשך.",
        author=dana,
    )

    commitment = Commitment.objects.get()
    assert (commitment.kind, commitment.source, commitment.owner) == (
        "delivery",
        CommitmentSource.DETECTED,
        dana,
    )
    assert commitment.due_at == at(2026, 11, 22, 14)
    # The promise that names no time stays offered until the agent says when.
    untimed = DetectedPromise.objects.get(state=OfferState.OFFERED)
    assert (untimed.text, untimed.due_at) == ("נעדכן אותך בהמשך.", None)


def test_a_late_notice_or_a_note_neither_offers_nor_keeps(clock, dana_ticket, dana):
    follow_up = promise(dana_ticket, at(2026, 11, 22, 12))
    do_add_note(dana_ticket, body_text="אחזור אליה מחר עד 10:00", author=dana)
    do_reply(dana_ticket, body_text="אחזור אלייך מחר עד 10:00", author=dana, track_promises=False)

    follow_up.refresh_from_db()
    assert follow_up.state == CommitmentState.OPEN
    assert DetectedPromise.objects.count() == 0


# --- bad input --------------------------------------------------------------------------------


def test_a_due_time_in_the_past_is_refused(clock, dana_ticket):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.check_due(at(2026, 11, 19, 15, 0), ticket=dana_ticket)
    assert error.value.message_dict == {
        "due_at": ["This time has already passed. Choose a time in the future."]
    }


def test_a_commitment_on_a_closed_ticket_is_refused(clock, dana_ticket, dana):
    do_update_ticket(dana_ticket, acting_user=dana, status=Status.CLOSED)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.check_ticket_takes_promises(dana_ticket)
    assert error.value.message_dict == {
        "ticket": [
            f"Ticket #{dana_ticket.pk} is closed. Reopen it, or make the promise on a new ticket."
        ]
    }


def test_auto_tracking_skips_a_closed_ticket(clock, dana_ticket, dana):
    services.do_update_settings(
        services.commitment_settings(), auto_track_detected=True, acting_user=None
    )
    do_update_ticket(dana_ticket, acting_user=dana, status=Status.CLOSED)
    do_reply(dana_ticket, body_text=HEBREW_REPLY, author=dana)
    assert Commitment.objects.count() == 0
    assert DetectedPromise.objects.get().state == OfferState.OFFERED


# --- reminders and breaches -------------------------------------------------------------------


def test_the_owner_is_reminded_once(clock, dana_ticket, dana):
    dana.language = "en"
    dana.save()
    commitment = promise(dana_ticket, at(2026, 11, 20, 12))

    assert run_scan(at(2026, 11, 20, 11, 5)).reminded == 0
    first = run_scan(at(2026, 11, 20, 11, 7))
    again = run_scan(at(2026, 11, 20, 11, 30))

    assert (first.reminded, first.broken, first.notifications) == (1, 0, 1)
    assert (again.reminded, again.broken) == (0, 0)
    note = Notification.objects.get()
    assert (note.user, note.kind) == (dana, "commitment.reminder")
    assert note.title == "Promise due Fri 20.11 12:00: אבדוק מול הספק ואחזור אלייך"
    assert note.url == dana_ticket.get_absolute_url()
    commitment.refresh_from_db()
    assert (commitment.reminded_at, commitment.next_action_at) == (
        at(2026, 11, 20, 11, 7),
        at(2026, 11, 20, 12),
    )
    assert actions(commitment) == ["commitment.created", "commitment.reminded"]


def test_a_broken_promise_tells_the_team_lead_once_in_their_language(
    clock, dana_ticket, dana, michal, endpoint
):
    michal.language = "en"
    michal.save()
    commitment = promise(dana_ticket, at(2026, 11, 20, 12))

    on_time = run_scan(at(2026, 11, 20, 12, 0))  # at the due it is still on time
    assert (on_time.reminded, on_time.broken) == (1, 0)
    first = run_scan(at(2026, 11, 20, 12, 1))
    again = run_scan(at(2026, 11, 20, 12, 30))

    assert (first.broken, first.reminded, first.notifications) == (1, 0, 2)
    assert (again.broken, again.notifications) == (0, 0)
    commitment.refresh_from_db()
    assert (commitment.state, commitment.broken_at, commitment.next_action_at) == (
        CommitmentState.BROKEN,
        at(2026, 11, 20, 12),
        None,
    )
    assert Notification.objects.filter(kind="commitment.reminder").count() == 1
    told = {note.user: note for note in Notification.objects.filter(kind="commitment.broken")}
    assert set(told) == {michal, dana}
    assert told[michal].title == (
        "Promise broken: דנה כרמי promised מרפאת שיניים חיוך “אבדוק מול הספק ואחזור אלייך” "
        "by Fri 20.11 12:00"
    )
    assert actions(commitment) == [
        "commitment.created",
        "commitment.reminded",
        "commitment.broken",
    ]
    broken = AuditEvent.objects.get(action="commitment.broken")
    assert sorted(broken.data["notified"]) == sorted([michal.pk, dana.pk])
    assert WebhookDelivery.objects.get(event="commitment.broken").payload["data"]["state"] == (
        "broken"
    )
    assert CustomerScore.objects.get(customer=dana_ticket.customer).is_dirty


def test_a_scan_that_was_down_breaks_without_reminding(clock, dana_ticket, dana, michal):
    commitment = promise(dana_ticket, at(2026, 11, 20, 12))
    result = run_scan(at(2026, 11, 22, 10))
    assert (result.reminded, result.broken) == (0, 1)
    commitment.refresh_from_db()
    assert commitment.reminded_at is None


def test_without_a_team_lead_the_managers_are_told(clock, noa, dana, yossi):
    ticket = make_ticket(contact=noa, assignee=dana)  # no team
    promise(ticket, at(2026, 11, 20, 12))
    run_scan(at(2026, 11, 20, 13))
    assert sorted(n.user.username for n in Notification.objects.all()) == ["dana", "yossi"]


def test_a_promise_nobody_owns_reminds_the_team_lead(clock, support, noa, michal):
    ticket = make_ticket(contact=noa, team=support)  # unassigned
    commitment = promise(ticket, at(2026, 11, 20, 12))
    assert commitment.owner is None
    run_scan(at(2026, 11, 20, 11, 30))
    assert [(n.user, n.kind) for n in Notification.objects.all()] == [
        (michal, "commitment.reminder")
    ]


# --- kept -------------------------------------------------------------------------------------


def test_a_later_reply_keeps_the_follow_up(clock, dana_ticket, dana, endpoint):
    follow_up = promise(dana_ticket, at(2026, 11, 20, 12))
    clock.set(at(2026, 11, 20, 10))
    message = do_reply(dana_ticket, body_text="נועה, הספק אישר: ההזמנה יוצאת היום.", author=dana)

    follow_up.refresh_from_db()
    assert (follow_up.state, follow_up.kept_at, follow_up.kept_by) == (
        CommitmentState.KEPT,
        at(2026, 11, 20, 10),
        message,
    )
    assert follow_up.is_kept_on_time
    kept = AuditEvent.objects.get(action="commitment.kept")
    assert kept.data == {"how": "reply", "message": message.pk, "on_time": True}
    assert WebhookDelivery.objects.get(event="commitment.kept").payload["data"]["kept_on_time"]


def test_solving_the_ticket_keeps_delivery_and_refund_but_not_a_callback(clock, dana_ticket, dana):
    delivery = promise(dana_ticket, at(2026, 11, 22, 12), kind="delivery")
    refund = promise(dana_ticket, at(2026, 11, 22, 12), kind="refund")
    callback = promise(dana_ticket, at(2026, 11, 22, 12), kind="callback")

    do_update_ticket(dana_ticket, acting_user=dana, status=Status.SOLVED)

    states = dict(Commitment.objects.values_list("pk", "state"))
    assert states == {
        delivery.pk: CommitmentState.KEPT,
        refund.pk: CommitmentState.KEPT,
        callback.pk: CommitmentState.OPEN,
    }


def test_closing_without_solving_keeps_nothing(clock, dana_ticket, dana):
    delivery = promise(dana_ticket, at(2026, 11, 22, 12), kind="delivery")
    do_update_ticket(dana_ticket, acting_user=dana, status=Status.CLOSED)
    delivery.refresh_from_db()
    assert delivery.state == CommitmentState.OPEN


def test_a_promise_is_kept_by_hand_and_ends_once(clock, dana_ticket, dana):
    commitment = promise(dana_ticket, at(2026, 11, 22, 12), kind="other")
    services.do_keep(commitment, acting_user=dana)
    with pytest.raises(services.CommitmentConflict) as conflict:
        services.do_cancel(commitment, reason="כפול", acting_user=dana)
    assert conflict.value.state == CommitmentState.KEPT
    commitment.refresh_from_db()
    assert (commitment.state, commitment.cancelled_at, commitment.reason) == ("kept", None, "")
    assert actions(commitment) == ["commitment.created", "commitment.kept"]


def test_a_broken_promise_cannot_be_kept(clock, dana_ticket, dana):
    commitment = promise(dana_ticket, at(2026, 11, 20, 12))
    run_scan(at(2026, 11, 20, 13))
    with pytest.raises(services.CommitmentConflict) as conflict:
        services.do_keep(commitment, acting_user=dana)
    assert conflict.value.state == CommitmentState.BROKEN


def test_a_cancelled_promise_keeps_its_reason_and_is_not_scanned(clock, dana_ticket, dana):
    commitment = promise(dana_ticket, at(2026, 11, 20, 12))
    services.do_cancel(commitment, reason="  הלקוחה ביטלה את ההזמנה  ", acting_user=dana)
    assert run_scan(at(2026, 11, 22, 12)).broken == 0
    commitment.refresh_from_db()
    assert (commitment.state, commitment.reason, commitment.next_action_at) == (
        CommitmentState.CANCELLED,
        "הלקוחה ביטלה את ההזמנה",
        None,
    )
    event = AuditEvent.objects.get(action="commitment.cancelled")
    assert (event.actor, event.data) == (dana, {"reason": "הלקוחה ביטלה את ההזמנה"})


# --- this will be late ------------------------------------------------------------------------


def test_the_late_notice_goes_out_as_a_reply_and_moves_the_due(clock, dana_ticket, dana):
    commitment = promise(dana_ticket, at(2026, 11, 20, 12))
    clock.set(at(2026, 11, 20, 10))
    placement = services.check_new_due(commitment, at(2026, 11, 22, 12))
    body = services.late_notice_text(commitment, placement.due, author=dana)

    message = services.do_send_late_notice(commitment, placement=placement, body=body, author=dana)

    assert (message.direction, message.author, message.body_text) == (
        Direction.OUTBOUND,
        dana,
        body,
    )
    assert message.delivery_status == DeliveryStatus.PENDING  # noa gets it by e-mail
    commitment.refresh_from_db()
    assert commitment.state == CommitmentState.OPEN  # a late notice keeps nothing
    assert (commitment.due_at, commitment.original_due_at, commitment.late_notice_at) == (
        at(2026, 11, 22, 12),
        at(2026, 11, 20, 12),
        at(2026, 11, 20, 10),
    )
    # Three business hours (Fri 10:00-13:00) and three on Sunday: an hour before.
    assert (commitment.remind_at, commitment.reminded_at) == (at(2026, 11, 22, 11), None)
    assert actions(commitment) == ["commitment.created", "commitment.rescheduled"]
    assert DetectedPromise.objects.count() == 0


def test_the_late_notice_template_speaks_the_customers_language(clock, dana_ticket, dana, noa):
    commitment = promise(dana_ticket, at(2026, 11, 20, 12), text="אשלח לך את הצעת המחיר.")
    noa.language = "en"
    noa.save()
    commitment.refresh_from_db()
    assert services.late_notice_text(commitment, at(2026, 11, 22, 12), author=dana) == (
        "Hello נועה,\n\n"
        "We promised you: “אשלח לך את הצעת המחיר”, by Friday 20.11 12:00. We are sorry, it will "
        "take a little longer than we thought: you will have it by Sunday 22.11 12:00.\n\n"
        "Thank you for your patience,\nדנה כרמי"
    )


def test_a_new_due_must_be_later_than_the_promised_one(clock, dana_ticket):
    commitment = promise(dana_ticket, at(2026, 11, 20, 12))
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.check_new_due(commitment, at(2026, 11, 20, 11))
    assert error.value.message_dict == {
        "due_at": ["The new time must be later than the promised one, Fri 20.11 12:00."]
    }


def test_no_late_notice_after_the_due(clock, dana_ticket):
    commitment = promise(dana_ticket, at(2026, 11, 20, 12))
    clock.set(at(2026, 11, 20, 12, 30))
    with pytest.raises(ValidationError):
        services.check_can_reschedule(commitment)


# --- merge, ledger, report --------------------------------------------------------------------


def test_open_promises_follow_a_merged_ticket(clock, dana_ticket, dana, noa, support):
    other = make_ticket(contact=noa, team=support, assignee=dana, subject="עוד שאלה")
    open_one = promise(other, at(2026, 11, 22, 12))
    kept = promise(other, at(2026, 11, 22, 12), kind="other")
    services.do_keep(kept, acting_user=dana)

    do_merge(other, dana_ticket, acting_user=dana)

    assert dict(Commitment.objects.values_list("pk", "ticket")) == {
        open_one.pk: dana_ticket.pk,
        kept.pk: other.pk,
    }


def ledger_of_four(ticket, dana, now: dt.datetime) -> None:
    on_time = promise(ticket, at(2026, 11, 22, 12), kind="other")
    late = promise(ticket, at(2026, 11, 20, 12), kind="other")
    broken = promise(ticket, at(2026, 11, 20, 12))
    promise(ticket, at(2026, 11, 26, 12))  # still open
    services.do_keep(on_time, acting_user=dana, now=at(2026, 11, 20, 9))
    # Kept after its due, before the scan saw it.
    services.do_keep(late, acting_user=dana, now=at(2026, 11, 20, 12, 0, 30))
    run_scan(at(2026, 11, 20, 12, 1))
    broken.refresh_from_db()
    assert broken.state == CommitmentState.BROKEN


def test_a_customers_ledger_counts_kept_on_time_against_broken(clock, dana_ticket, dana):
    ledger_of_four(dana_ticket, dana, clock.now)
    tally, history = services.customer_ledger(dana_ticket.customer_id)
    assert (tally.open, tally.kept_on_time, tally.kept_late, tally.broken, tally.cancelled) == (
        1,
        1,
        1,
        1,
        0,
    )
    assert tally.kept == 2
    assert tally.ratio == pytest.approx(1 / 3)
    assert len(history) == 4


def test_the_report_shows_each_viewer_whom_they_may_see(
    clock, dana_ticket, dana, michal, yossi, eli
):
    ledger_of_four(dana_ticket, dana, clock.now)
    since, until = at(2026, 11, 1), at(2026, 11, 21)

    def rows(viewer):
        return {
            row.agent.username: row.tally
            for row in services.agent_report(viewer, since=since, until=until)
        }

    assert set(rows(dana)) == {"dana"}
    assert set(rows(michal)) == {"dana", "michal"}
    assert set(rows(eli)) == {"eli"}
    every = rows(yossi)
    assert set(every) == {"dana", "michal", "yossi", "eli"}
    assert (every["dana"].kept_on_time, every["dana"].kept_late, every["dana"].broken) == (1, 1, 1)
    assert every["dana"].ratio == pytest.approx(1 / 3)
    assert every["eli"].ratio is None


# --- callbacks --------------------------------------------------------------------------------


def test_a_widget_callback_reminds_when_its_window_opens_and_breaks_at_its_end(
    clock, dana_ticket, dana, michal
):
    from shomer.commitments.rules import Window

    callback = services.do_create_callback(
        dana_ticket,
        phone="+972501234567",
        source=CommitmentSource.WIDGET,
        window=Window(at(2026, 11, 22, 10), at(2026, 11, 22, 12)),
    )
    assert (callback.owner, callback.due_at, callback.remind_at) == (
        dana,
        at(2026, 11, 22, 12),
        at(2026, 11, 22, 10),
    )
    assert run_scan(at(2026, 11, 22, 10, 1)).reminded == 1
    assert run_scan(at(2026, 11, 22, 12, 1)).broken == 1
    assert sorted(
        n.user.username for n in Notification.objects.filter(kind="commitment.broken")
    ) == [
        "dana",
        "michal",
    ]


def test_a_callback_without_a_window_is_due_by_the_callback_target_on_the_team_calendar(
    clock, office, dana_ticket, dana
):
    from shomer.sla.models import SlaPolicy

    SlaPolicy.objects.all().delete()
    SlaPolicy.objects.create(name="חזרה", callback_minutes=120)
    callback = services.do_create_callback(
        dana_ticket, phone="+972501234567", source=CommitmentSource.PHONE, owner=dana
    )
    # Thursday 15:30 + two business hours on a week without Fridays: 90 minutes on
    # Thursday, 30 on Sunday morning.
    assert callback.due_at == at(2026, 11, 22, 9, 30)
    # 120 minutes: reminded 24 minutes before the due, on Sunday morning.
    assert callback.remind_at == at(2026, 11, 22, 9, 6)


def test_a_logged_call_keeps_the_callback_and_stops_its_clock(clock, dana_ticket, dana, endpoint):
    callback = services.do_create_callback(
        dana_ticket, phone="+972501234567", source=CommitmentSource.PHONE, owner=dana
    )
    kept = services.do_keep_callbacks("+972501234567", message=None, acting_user=dana)
    assert kept == [callback]
    callback.refresh_from_db()
    assert (callback.state, callback.next_action_at) == (CommitmentState.KEPT, None)
    assert WebhookDelivery.objects.filter(event="commitment.kept").count() == 1
    assert run_scan(at(2026, 11, 30, 12)).broken == 0


def test_the_beat_task_runs_the_scan_at_the_clocks_time(clock, dana_ticket, dana, michal):
    from shomer.commitments.tasks import scan_commitments

    promise(dana_ticket, at(2026, 11, 20, 12))
    clock.set(at(2026, 11, 20, 12, 1))
    assert scan_commitments.delay().get() == {"reminded": 0, "broken": 1}
    assert scan_commitments() == {"reminded": 0, "broken": 0}
