"""Complaints about an employee: named, told, heard (their answer, a meeting, or for one who
left a manager's answer), reviewed by a manager, the verdict recorded; permissions enforced
by the services' check_* with a clear reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from shomer.complaints import services
from shomer.complaints.models import Complaint, ComplaintEmployee, EntryKind, Step, Verdict
from shomer.conversations.models import Direction, Kind, Message
from shomer.conversations.services import access_ticket, do_update_ticket
from shomer.notifications.models import Notification
from shomer.people.models import Role
from tests.complaints.conftest import fresh, investigated
from tests.conftest import make_ticket, make_user


@pytest.fixture
def about_dana(complaint, dana, michal, yossi):
    investigated(complaint, michal)
    services.do_name_employee(complaint, dana, acting_user=michal)
    return fresh(complaint)


def test_naming_tells_the_employee_and_the_managers(dana, michal, yossi, complaint):
    Notification.objects.all().delete()

    named = services.do_name_employee(complaint, dana, acting_user=michal)

    assert (named.employee, named.named_by, named.was_active) == (dana, michal, True)
    assert Notification.objects.filter(user=dana, kind="complaints").count() == 1
    told = Notification.objects.get(user=yossi, kind="complaints")
    assert told.title == f"תלונה על עובד/ת בפנייה #{complaint.ticket_id}"
    assert told.url == f"/complaints/{complaint.pk}/"
    # Naming twice keeps one row and tells nobody again.
    services.do_name_employee(complaint, dana, acting_user=michal)
    assert ComplaintEmployee.objects.count() == 1
    assert Notification.objects.filter(kind="complaints").count() == 2


@translation.override("en")
def test_a_complaint_about_an_employee_is_resolved_only_after_they_are_heard_and_reviewed(
    dana, michal, yossi, about_dana
):
    with pytest.raises(services.ComplaintError) as blocked:
        services.do_resolve(about_dana, resolution="Refunded.", acting_user=michal)
    assert blocked.value.message == (
        "דנה כרמי was not included yet: their answer or a meeting with them. "
        "A manager has not reviewed this complaint yet. "
        "Record whether the complaint was justified."
    )

    entry = services.do_answer(
        about_dana, text="The customer shouted; I stayed polite.", employee=dana
    )
    # The answer is in the ticket's discussion, as Dana's internal note.
    assert (entry.kind, entry.author, entry.note.direction, entry.note.author) == (
        EntryKind.ANSWER,
        dana,
        Direction.NOTE,
        dana,
    )
    with pytest.raises(services.ComplaintError) as still:
        services.do_resolve(
            about_dana, resolution="Refunded.", verdict="justified", acting_user=michal
        )
    # A verdict given at resolution does not replace the manager's review.
    assert still.value.message == (
        "A manager has not reviewed this complaint yet. Record whether the complaint was justified."
    )

    services.do_review(
        about_dana, verdict=Verdict.NOT_JUSTIFIED, notes="Dana acted well.", acting_user=yossi
    )
    services.do_resolve(about_dana, resolution="Explained the charges.", acting_user=michal)

    complaint = fresh(about_dana)
    assert complaint.step == Step.RESOLVED
    assert (complaint.verdict, complaint.verdict_by, complaint.reviewed_by) == (
        Verdict.NOT_JUSTIFIED,
        yossi,
        yossi,
    )


def test_a_meeting_with_the_employee_includes_them(dana, michal, yossi, about_dana):
    entry = services.do_log_meeting(
        about_dana,
        employee=dana,
        text="עברנו יחד על השיחה.",
        met_on=timezone.localdate(),
        acting_user=michal,
    )

    assert entry.kind == EntryKind.MEETING
    assert entry.note.body_text.startswith("פגישה עם דנה כרמי ב־")
    assert entry.note.body_text.endswith("עברנו יחד על השיחה.")
    services.do_review(about_dana, verdict=Verdict.PARTLY, notes="", acting_user=yossi)
    services.do_resolve(about_dana, resolution="טופל.", acting_user=michal)
    assert fresh(about_dana).step == Step.RESOLVED


@translation.override("en")
def test_the_named_employee_answers_but_does_not_handle_or_review(dana, about_dana, eli):
    expected = "This complaint is about you: someone else handles it. You can answer it."
    for attempt in (
        lambda: services.do_finish_investigation(about_dana, findings="x", acting_user=dana),
        lambda: services.do_resolve(
            about_dana, resolution="x", verdict="justified", acting_user=dana
        ),
        lambda: services.do_log_meeting(
            about_dana, employee=dana, text="x", met_on=timezone.localdate(), acting_user=dana
        ),
        lambda: services.do_name_employee(about_dana, eli, acting_user=dana),
    ):
        with pytest.raises(services.NotAllowed) as refused:
            attempt()
        assert refused.value.message == expected
    with pytest.raises(services.NotAllowed) as refused:
        services.do_review(about_dana, verdict="justified", notes="", acting_user=dana)
    assert refused.value.message == "Only a manager can review a complaint about an employee."
    assert fresh(about_dana).reviewed_at is None


@translation.override("en")
def test_a_manager_named_in_a_complaint_cannot_review_it(michal, complaint, yossi):
    services.do_name_employee(complaint, yossi, acting_user=michal)

    with pytest.raises(services.NotAllowed) as refused:
        services.do_review(complaint, verdict="justified", notes="", acting_user=yossi)

    assert refused.value.message == "A complaint about you is reviewed by another manager."


@translation.override("en")
def test_only_the_named_employee_answers_and_agents_do_not_review(michal, about_dana, eli):
    with pytest.raises(services.NotAllowed) as refused:
        services.do_answer(about_dana, text="x", employee=michal)
    assert refused.value.message == "Only the employee this complaint names can answer it."
    with pytest.raises(services.NotAllowed) as refused:
        services.do_review(about_dana, verdict="justified", notes="", acting_user=michal)
    assert refused.value.message == "Only a manager can review a complaint about an employee."
    assert not about_dana.entries.exists()


def test_the_employee_sees_a_complaint_on_another_teams_ticket(eli, projects, noa, dana, yossi):
    ticket = make_ticket(contact=noa, team=projects, assignee=eli, subject="הטכנאית הייתה גסה")
    do_update_ticket(ticket, acting_user=yossi, kind=Kind.COMPLAINT)
    complaint = Complaint.objects.get(ticket=ticket)
    services.do_name_employee(complaint, dana, acting_user=yossi)

    # Dana cannot open the projects team's ticket, but she sees the complaint and answers.
    with pytest.raises(Exception) as hidden:
        access_ticket(dana, ticket.pk)
    assert type(hidden.value).__name__ == "Http404"
    assert services.access_complaint(dana, complaint.pk) == complaint
    assert list(services.visible_complaints(dana)) == [complaint]
    services.do_answer(complaint, text="לא הייתי בשיחה הזו.", employee=dana)
    assert Message.objects.filter(ticket=ticket, direction=Direction.NOTE, author=dana).count() == 1


@translation.override("en")
def test_a_complaint_about_someone_who_left_is_answered_by_a_manager(
    michal, yossi, support, complaint
):
    avi = make_user("avi", team=support, first_name="אבי", last_name="נגר")
    avi.is_active = False
    avi.save()
    investigated(complaint, michal)
    Notification.objects.all().delete()

    named = services.do_name_employee(complaint, avi, acting_user=michal)

    assert named.was_active is False
    assert not Notification.objects.filter(user=avi).exists()
    # Told in his own language (Hebrew), whatever the language of the request.
    assert Notification.objects.get(user=yossi).body == (
        "העובד/ת שהתלונה מציינת כבר לא עובד/ת כאן: מנהל/ת משיב/ה בשמו/ה וסוקר/ת את התלונה "
        "לפני סיום הטיפול."
    )
    assert services.blockers(complaint)[0] == "אבי נגר has left: a manager must answer for them."
    with pytest.raises(services.NotAllowed) as refused:
        services.do_answer_for(complaint, employee=avi, text="x", acting_user=michal)
    assert refused.value.message == "Only a manager can answer for a former employee."

    entry = services.do_answer_for(
        complaint,
        employee=avi,
        text="By the call log, Avi was never on that call.",
        acting_user=yossi,
    )
    services.do_review(complaint, verdict=Verdict.JUSTIFIED, notes="", acting_user=yossi)
    services.do_resolve(complaint, resolution="Apologised and refunded.", acting_user=michal)

    assert (entry.kind, entry.employee, entry.author) == (EntryKind.ON_BEHALF, avi, yossi)
    # The note heading is in the author's language (Yossi's Hebrew).
    assert entry.note.body_text == (
        "תשובה בשם אבי נגר, שכבר לא עובד/ת כאן:\nBy the call log, Avi was never on that call."
    )
    assert fresh(complaint).step == Step.RESOLVED
    # Still recorded: the named employee stays on the complaint.
    assert list(complaint.employees.values_list("employee__username", flat=True)) == ["avi"]


@translation.override("en")
def test_a_manager_does_not_answer_for_someone_still_on_staff(dana, yossi, about_dana):
    with pytest.raises(services.ComplaintError) as refused:
        services.do_answer_for(about_dana, employee=dana, text="x", acting_user=yossi)
    assert refused.value.message == "דנה כרמי still works here and answers for themselves."


@translation.override("en")
def test_an_agent_of_another_team_cannot_handle_or_see_the_complaint(eli, complaint):
    with pytest.raises(services.NotAllowed) as refused:
        services.do_acknowledge(complaint, body_text="x", acting_user=eli)
    assert refused.value.message == "You cannot work on this complaint's ticket."
    assert not services.visible_complaints(eli).exists()
    with pytest.raises(Exception) as hidden:
        services.access_complaint(eli, complaint.pk)
    assert type(hidden.value).__name__ == "Http404"


def test_who_sees_which_complaints(dana, michal, yossi, eli, support, projects, noa):
    lea = make_user("lea", role=Role.TEAM_LEAD, team=projects, first_name="לאה")
    projects.lead = lea
    projects.save()
    avi = make_user("avi", team=support, first_name="אבי")
    on_dana = make_ticket(contact=noa, team=support, assignee=dana, kind=Kind.COMPLAINT)
    on_avi = make_ticket(contact=noa, team=support, assignee=avi, kind=Kind.COMPLAINT)
    on_eli = make_ticket(contact=noa, team=projects, assignee=eli, kind=Kind.COMPLAINT)
    first, second, third = (Complaint.objects.get(ticket=t) for t in (on_dana, on_avi, on_eli))

    def seen(user):
        return set(services.visible_complaints(user))

    assert seen(dana) == {first}  # her own ticket only
    assert seen(avi) == {second}
    assert seen(eli) == {third}
    assert seen(michal) == {first, second}  # her team's
    assert seen(lea) == {third}
    assert seen(yossi) == {first, second, third}  # everything
    services.do_add_participant(second, dana, acting_user=michal)
    assert seen(dana) == {first, second}  # involved in the investigation


def test_meetings_cannot_be_logged_in_the_future(about_dana):
    from shomer.complaints.forms import MeetingForm

    form = MeetingForm(
        {
            "employee": about_dana.employees.get().employee_id,
            "met_on": timezone.localdate() + dt.timedelta(days=1),
            "text": "x",
        }
    )
    assert not form.is_valid()
    assert list(form.errors) == ["met_on"]
