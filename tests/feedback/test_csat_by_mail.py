"""CSAT: a solved ticket sends a survey through a real SMTP server; a rating clicked from the
mail is recorded; a low one opens a fast-track complaint at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from shomer.complaints.models import Complaint
from shomer.conversations.models import Direction, Kind, Priority, Status, Ticket
from shomer.conversations.services import do_update_ticket
from shomer.feedback import services
from shomer.feedback.models import Survey, SurveyAnswer
from shomer.notifications.models import Notification
from shomer.outreach.models import SendStatus
from tests.feedback.mail_helpers import header, links, parts, path

pytestmark = pytest.mark.django_db


def solve(ticket: Ticket, user) -> dt.datetime:  # type: ignore[no-untyped-def]
    do_update_ticket(ticket, acting_user=user, status=Status.SOLVED)
    ticket.refresh_from_db()
    assert ticket.solved_at is not None
    return ticket.solved_at


def test_a_solved_ticket_sends_a_csat_email(dana_ticket, dana, smtp_outbound):
    solved_at = solve(dana_ticket, dana)
    survey = Survey.objects.get(ticket=dana_ticket)
    assert (survey.kind, survey.status, survey.contact.email) == (
        "csat",
        SendStatus.SCHEDULED,
        "noa@smile.example",
    )
    assert survey.send_at == solved_at + dt.timedelta(minutes=60)

    assert services.do_send_due(solved_at + dt.timedelta(minutes=59)) == {}
    assert smtp_outbound.received == []
    assert services.do_send_due(solved_at + dt.timedelta(minutes=61)) == {"sent": 1}
    assert services.do_send_due(solved_at + dt.timedelta(minutes=70)) == {}  # never twice

    [(sender, recipients, _raw)] = smtp_outbound.received
    assert (sender, recipients) == ("support@clinic-help.example", ["noa@smile.example"])
    [mail] = smtp_outbound.messages()
    assert header(mail, "Subject") == "איך היה הטיפול בפנייה שלך?"
    assert header(mail, "From") == "שומר תמיכה <support@clinic-help.example>"
    assert "".join(mail["List-Unsubscribe"].split()).startswith("<http://testserver/u/")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = parts(mail)["text/html"]
    assert '<html lang="he" dir="rtl">' in html
    assert "שלום נועה," in html
    assert f"(#{dana_ticket.pk})" in html
    rating_links = links(mail)
    assert len(rating_links) == 6  # five ratings and the comment page
    assert [services.read_link(path(url).split("/")[2])[1] for url in rating_links] == [
        1,
        2,
        3,
        4,
        5,
        None,
    ]
    assert "http://testserver/s/" in parts(mail)["text/plain"]
    survey.refresh_from_db()
    assert (survey.status, survey.sent_at, survey.recipient) == (
        SendStatus.SENT,
        solved_at + dt.timedelta(minutes=61),
        "noa@smile.example",
    )
    assert survey.expires_at == survey.sent_at + dt.timedelta(days=30)


def _mail_link(smtp_outbound, rating: int) -> str:  # type: ignore[no-untyped-def]
    [mail] = smtp_outbound.messages()
    return path(links(mail)[rating - 1])


def _sent_csat(ticket, user) -> Survey:  # type: ignore[no-untyped-def]
    solved_at = solve(ticket, user)
    services.do_send_due(solved_at + dt.timedelta(hours=2))
    return Survey.objects.get(ticket=ticket)


def test_a_low_rating_clicked_from_the_mail_opens_a_complaint(
    dana_ticket, dana, yossi, support, smtp_outbound
):
    survey = _sent_csat(dana_ticket, dana)
    url = _mail_link(smtp_outbound, 2)
    browser = Client()

    page = browser.get(url)  # what the click opens: nothing recorded yet
    assert page.status_code == 200
    assert b"data-auto-submit" in page.content
    assert SurveyAnswer.objects.count() == 0

    response = browser.post(url, {"rating": "2", "comment": ""})  # the page's script sends it
    assert response.status_code == 302
    answer = SurveyAnswer.objects.get(survey=survey)
    assert (answer.rating, answer.score, answer.is_unhappy, answer.channel) == (
        2,
        0.25,
        True,
        "email",
    )
    assert (answer.customer_id, answer.contact_id, answer.ticket_id) == (
        dana_ticket.customer_id,
        dana_ticket.contact_id,
        dana_ticket.pk,
    )
    complaint = answer.complaint
    assert (complaint.kind, complaint.priority, complaint.team, complaint.contact_id) == (
        Kind.COMPLAINT,
        Priority.HIGH,
        support,
        dana_ticket.contact_id,
    )
    assert complaint.subject == f"לא מרוצים מפנייה #{dana_ticket.pk}: דירוג 2 מתוך 5"
    assert sorted(complaint.tags.values_list("name", flat=True)) == ["csat", "survey"]
    # The complaints workflow has it on the fast track (its record, first step "received").
    record = Complaint.objects.get(ticket=complaint)
    assert (record.customer_id, record.step, record.origin) == (
        dana_ticket.customer_id,
        "received",
        "created",
    )
    assert (
        Notification.objects.filter(
            user=yossi, kind="survey.unhappy", url=f"/tickets/{complaint.pk}/"
        ).count()
        == 1
    )

    thanks = browser.get(response["Location"])
    assert thanks.status_code == 200
    assert b'data-testid="survey-complaint"' in thanks.content

    # The comment, written afterwards, reaches the people handling the complaint.
    browser.post(url, {"comment": "חיכיתי שלושה ימים לתשובה ואף אחד לא חזר אליי."})
    answer.refresh_from_db()
    assert answer.comment == "חיכיתי שלושה ימים לתשובה ואף אחד לא חזר אליי."
    last = complaint.messages.order_by("-created_at", "-id").first()
    assert (last.direction, last.body_text) == (Direction.INBOUND, answer.comment)


def test_a_good_rating_opens_no_complaint(dana_ticket, dana, smtp_outbound):
    survey = _sent_csat(dana_ticket, dana)
    Client().post(_mail_link(smtp_outbound, 5), {"rating": "5", "comment": "מעולה, תודה לדנה!"})
    answer = SurveyAnswer.objects.get(survey=survey)
    assert (answer.rating, answer.score, answer.is_unhappy, answer.complaint) == (
        5,
        1.0,
        False,
        None,
    )
    assert answer.comment == "מעולה, תודה לדנה!"
    assert Ticket.objects.filter(kind=Kind.COMPLAINT).count() == 0


def test_a_survey_answered_twice_keeps_the_first_rating_and_lets_the_comment_change(
    dana_ticket, dana, smtp_outbound
):
    survey = _sent_csat(dana_ticket, dana)
    browser = Client()
    browser.post(_mail_link(smtp_outbound, 4), {"rating": "4"})
    # Another click later, on another rating: the recorded answer is shown, not changed.
    other = browser.get(_mail_link(smtp_outbound, 1))
    assert other.status_code == 200
    assert b'data-testid="survey-answered"' in other.content and b'data-rating="4"' in other.content
    browser.post(_mail_link(smtp_outbound, 1), {"rating": "1", "comment": "בעצם היה בסדר גמור"})
    answer = SurveyAnswer.objects.get(survey=survey)
    assert (answer.rating, answer.is_unhappy, answer.comment) == (4, False, "בעצם היה בסדר גמור")
    assert SurveyAnswer.objects.count() == 1
    assert Ticket.objects.filter(kind=Kind.COMPLAINT).count() == 0
    # do_answer itself returns the first answer.
    again = services.do_answer(survey, 1, channel="email", now=timezone.now())
    assert (again.is_new, again.answer.pk, again.answer.rating) == (False, answer.pk, 4)


def test_forged_altered_and_foreign_links_are_refused(dana_ticket, dana, smtp_outbound):
    survey = _sent_csat(dana_ticket, dana)
    url = _mail_link(smtp_outbound, 3)
    token = url.split("/")[2]
    browser = Client()
    altered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    assert browser.get(f"/s/{altered}/").status_code == 400
    assert browser.post(f"/s/{altered}/", {"rating": "1"}).status_code == 400
    assert browser.get("/s/not-a-token/").status_code == 400
    # A well-signed link naming this survey with another nonce (a survey replaced since).
    from django.core import signing

    foreign = signing.dumps({"s": survey.pk, "n": "0" * 16, "r": 1}, salt=services.LINK_SALT)
    assert browser.get(f"/s/{foreign}/").status_code == 400
    # Signed with another salt (a sign-in link, say): not a survey link.
    other_salt = signing.dumps(
        {"s": survey.pk, "n": survey.nonce, "r": 1}, salt="shomer.portal.sign-in"
    )
    response = browser.get(f"/s/{other_salt}/")
    assert (response.status_code, response.context["problem"]) == (400, "invalid")
    assert SurveyAnswer.objects.count() == 0


def test_an_expired_link_is_told_apart(dana_ticket, dana, smtp_outbound, monkeypatch):
    survey = _sent_csat(dana_ticket, dana)
    from django.core import signing

    real = signing.time.time
    with monkeypatch.context() as patch:
        patch.setattr(signing.time, "time", lambda: real() - services.LINK_MAX_AGE - 60)
        old = services.make_token(survey, 2)
    response = Client().post(f"/s/{old}/", {"rating": "2"})
    assert (response.status_code, response.context["problem"]) == (410, "expired")
    assert SurveyAnswer.objects.count() == 0


def test_a_survey_past_its_time_is_closed(dana_ticket, dana, smtp_outbound):
    survey = _sent_csat(dana_ticket, dana)
    Survey.objects.filter(pk=survey.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    response = Client().post(_mail_link(smtp_outbound, 5), {"rating": "5"})
    assert (response.status_code, response.context["problem"]) == (410, "closed")
    assert SurveyAnswer.objects.count() == 0


def test_a_rating_outside_the_scale_is_refused(dana_ticket, dana, smtp_outbound):
    survey = _sent_csat(dana_ticket, dana)
    response = Client().post(_mail_link(smtp_outbound, 5), {"rating": "9"})
    assert response.status_code == 422
    assert not SurveyAnswer.objects.filter(survey=survey).exists()
