"""What could lose a complaint's record: merged into another ticket, reopened after the
follow-up, a complaint ticket arriving with no record (imports, the demo), reminders run
twice. Nothing is lost; every round stays in the history."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from shomer.complaints import services
from shomer.complaints.models import Complaint, Event, Origin, Step, Verdict
from shomer.conversations.models import Direction, Kind, Status, Ticket
from shomer.conversations.services import do_add_message, do_merge
from shomer.notifications.models import Notification
from tests.complaints.conftest import fresh, investigated
from tests.conftest import make_ticket


def resolved(complaint, user, verdict=Verdict.JUSTIFIED):
    investigated(complaint, user)
    services.do_resolve(complaint, resolution="זיכינו.", verdict=verdict, acting_user=user)
    return fresh(complaint)


def test_a_merged_complaint_follows_the_target_ticket(michal, dana, noa, support, complaint):
    target = make_ticket(contact=noa, team=support, assignee=dana, subject="עוד פנייה")
    services.do_name_employee(complaint, dana, acting_user=michal)
    source = complaint.ticket

    do_merge(source, target, acting_user=michal)

    complaint = fresh(complaint)
    target.refresh_from_db()
    assert (complaint.ticket, complaint.original_ticket) == (target, source)
    assert target.kind == Kind.COMPLAINT  # the complaint SLA now runs on the target
    assert complaint.employees.get().employee == dana  # nothing lost
    assert list(complaint.events.values_list("kind", flat=True)) == [
        "opened",
        "employee_named",
        "moved",
    ]
    assert complaint.events.last().data == {"from_ticket": source.pk, "to_ticket": target.pk}
    assert services.open_complaint(target) == complaint
    # The steps go on on the target ticket.
    services.do_acknowledge(complaint, body_text="שמענו אותך.", acting_user=michal)
    assert complaint.acknowledgement.ticket == target


def test_merging_into_a_ticket_with_its_own_complaint_keeps_both(michal, noa, support, complaint):
    target = make_ticket(contact=noa, team=support, kind=Kind.COMPLAINT, subject="תלונה נוספת")

    do_merge(complaint.ticket, target, acting_user=michal)

    assert set(Complaint.objects.filter(ticket=target)) == {
        fresh(complaint),
        Complaint.objects.get(original_ticket=target),
    }


def test_a_complaint_reopened_after_follow_up_resumes_and_keeps_its_history(
    dana, michal, yossi, complaint
):
    services.do_name_employee(complaint, dana, acting_user=michal)
    services.do_answer(complaint, text="הסברתי את החיוב.", employee=dana)
    investigated(complaint, michal)
    services.do_review(complaint, verdict=Verdict.PARTLY, notes="", acting_user=yossi)
    services.do_resolve(complaint, resolution="זיכינו.", acting_user=michal)
    services.do_follow_up(complaint, notes="לא מרוצה.", is_satisfied=False, acting_user=michal)
    complaint = fresh(complaint)
    first_round = {
        "resolution": complaint.resolution,
        "verdict": complaint.verdict,
        "resolved_at": complaint.resolved_at.isoformat(),
        "followed_up_at": complaint.followed_up_at.isoformat(),
        "reviewed_by": yossi.pk,
    }

    services.do_reopen(complaint, reason="החיוב חזר גם החודש.", acting_user=michal)

    complaint = fresh(complaint)
    assert (complaint.round, complaint.step) == (2, Step.ACKNOWLEDGED)
    assert complaint.acknowledged_at is not None  # the customer was already heard
    assert (complaint.resolved_at, complaint.resolution, complaint.verdict) == (None, "", "")
    assert complaint.reviewed_at is None  # a new review for the new round
    assert complaint.ticket.status == Status.OPEN
    reopened = complaint.events.get(kind="reopened")
    assert reopened.data["reason"] == "החיוב חזר גם החודש."
    assert {key: reopened.data["previous"][key] for key in first_round} == first_round
    # Dana's answer of round 1 still counts; the review must be given again.
    assert services.blockers(complaint) == [
        "הבדיקה עוד לא הסתיימה.",
        "מנהל/ת עוד לא סקר/ה את התלונה.",
        "יש לרשום אם התלונה הייתה מוצדקת.",
    ]
    services.do_finish_investigation(complaint, findings="תקלה בסליקה.", acting_user=michal)
    services.do_review(complaint, verdict=Verdict.JUSTIFIED, notes="", acting_user=yossi)
    services.do_resolve(complaint, resolution="תיקנו את הסליקה.", acting_user=michal)
    services.do_follow_up(complaint, notes="", is_satisfied=True, acting_user=michal)
    complaint = fresh(complaint)
    assert (complaint.round, complaint.step, complaint.verdict) == (
        2,
        Step.FOLLOWED_UP,
        "justified",
    )
    rounds = list(complaint.events.values_list("round", "kind"))
    assert [kind for rnd, kind in rounds if rnd == 2] == [
        "reopened",
        "investigated",
        "reviewed",
        "resolved",
        "followed_up",
    ]
    assert [kind for rnd, kind in rounds if rnd == 1] == [
        "opened",
        "employee_named",
        "answered",
        "acknowledged",
        "investigated",
        "reviewed",
        "resolved",
        "followed_up",
    ]


def test_a_customer_writing_after_the_follow_up_is_a_hint_to_reopen(michal, noa, complaint):
    complaint = resolved(complaint, michal)
    services.do_follow_up(complaint, notes="", is_satisfied=True, acting_user=michal)
    assert services.wrote_after_follow_up(fresh(complaint)) is False

    do_add_message(
        complaint.ticket, direction=Direction.INBOUND, body_text="שוב חויבתי.", contact=noa
    )

    assert services.wrote_after_follow_up(fresh(complaint)) is True
    assert fresh(complaint).step == Step.FOLLOWED_UP  # staff decide; nothing reopens by itself


def test_a_closed_complaint_takes_no_new_steps(michal, dana, complaint):
    complaint = resolved(complaint, michal)
    services.do_follow_up(complaint, notes="", is_satisfied=True, acting_user=michal)

    for attempt in (
        lambda: services.do_name_employee(complaint, dana, acting_user=michal),
        lambda: services.do_add_participant(complaint, dana, acting_user=michal),
        lambda: services.do_follow_up(complaint, notes="", is_satisfied=True, acting_user=michal),
    ):
        try:
            attempt()
        except services.ComplaintError:
            continue
        raise AssertionError("a closed complaint took a step")
    assert not complaint.employees.exists()


def test_follow_ups_are_reminded_once_when_due(dana, michal, complaint):
    complaint = resolved(complaint, michal)
    due = complaint.follow_up_due_at
    Notification.objects.all().delete()

    assert services.do_remind_follow_ups(now=due - dt.timedelta(minutes=1)) == 0
    assert services.do_remind_follow_ups(now=due) == 1
    assert services.do_remind_follow_ups(now=due + dt.timedelta(hours=1)) == 0

    told = Notification.objects.get()
    assert told.user == dana  # the ticket's assignee
    assert told.title == f"מעקב אחרי התלונה בפנייה #{complaint.ticket_id}"
    assert fresh(complaint).follow_up_reminded_at == due
    assert Event.objects.filter(kind="follow_up_reminded").count() == 1


def test_a_follow_up_of_an_unassigned_ticket_reminds_whoever_resolved_it(michal, complaint):
    from shomer.conversations.services import do_assign

    do_assign(complaint.ticket, None, acting_user=michal)
    complaint = resolved(fresh(complaint), michal)
    Notification.objects.all().delete()

    services.do_remind_follow_ups(now=complaint.follow_up_due_at)

    assert list(Notification.objects.values_list("user__username", flat=True)) == ["michal"]


def test_complaint_tickets_without_a_record_get_one_with_their_history(noa, support, dana):
    now = timezone.now()
    opened = now - dt.timedelta(days=20)
    answered = opened + dt.timedelta(hours=3)
    solved = opened + dt.timedelta(days=2)
    fresh_ticket = Ticket.objects.create(
        subject="תלונה על הטכנאי",
        kind=Kind.COMPLAINT,
        customer=noa.customer,
        team=support,
        created_at=opened,
        updated_at=opened,
    )
    old_ticket = Ticket.objects.create(
        subject="Charged twice",
        kind=Kind.COMPLAINT,
        customer=noa.customer,
        team=support,
        status=Status.SOLVED,
        first_response_at=answered,
        solved_at=solved,
        created_at=opened,
        updated_at=solved,
    )
    for ticket, text in (
        (fresh_ticket, "הטכנאי היה גס רוח."),
        (old_ticket, "I was charged twice."),
    ):
        ticket.messages.create(direction=Direction.INBOUND, body_text=text, created_at=opened)
    make_ticket(contact=noa, team=support)  # a question: no complaint

    assert services.do_backfill(now=now) == 2
    assert services.do_backfill(now=now) == 0

    new = Complaint.objects.get(ticket=fresh_ticket)
    assert (new.origin, new.step, new.created_at, new.lang) == (
        Origin.BACKFILL,
        Step.RECEIVED,
        opened,
        "he",
    )
    assert new.text == "תלונה על הטכנאי\nהטכנאי היה גס רוח."
    old = Complaint.objects.get(ticket=old_ticket)
    assert (old.step, old.acknowledged_at, old.resolved_at, old.lang) == (
        Step.RESOLVED,
        answered,
        solved,
        "en",
    )
    assert old.follow_up_due_at == solved + dt.timedelta(days=3)
    # History, not news: no reminder for a follow-up nobody tracked then.
    assert services.do_remind_follow_ups(now=now) == 0
    assert not Notification.objects.exists()
