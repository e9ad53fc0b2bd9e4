"""Who gets a survey and who does not (each with a clear reason), NPS and exit surveys, the
portal, what customer health reads, and the results page."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.test import Client
from django.utils import timezone

from shomer.conversations.models import Kind, Status, Ticket
from shomer.conversations.services import do_add_message, do_update_ticket
from shomer.customers.models import Contact, Customer, CustomerStatus
from shomer.feedback import services
from shomer.feedback.models import Survey, SurveyAnswer, SurveyKind
from shomer.outreach import services as outreach
from shomer.outreach.models import SendStatus, SkipReason
from shomer.portal import services as portal
from tests.conftest import logged_in, make_ticket
from tests.feedback.mail_helpers import header, links, path

pytestmark = pytest.mark.django_db
ZONE = zoneinfo.ZoneInfo("Asia/Jerusalem")
# Sunday 22 November 2026, 09:00 in Jerusalem.
NOW = dt.datetime(2026, 11, 22, 9, tzinfo=ZONE)


def solved(ticket: Ticket, user) -> Survey:  # type: ignore[no-untyped-def]
    do_update_ticket(ticket, acting_user=user, status=Status.SOLVED)
    return Survey.objects.get(ticket=ticket)


def test_a_contact_without_an_address_gets_no_survey_and_the_reason_is_kept(dana, support, clinic):
    walk_in = Contact.objects.create(customer=clinic, name="משה דוד", email="")
    survey = solved(make_ticket(contact=walk_in, team=support, assignee=dana), dana)
    assert (survey.status, survey.reason) == (SendStatus.SKIPPED, SkipReason.NO_EMAIL)
    assert services.do_send_due(timezone.now() + dt.timedelta(days=1)) == {}


def test_an_unsubscribed_customer_gets_no_survey(dana_ticket, dana, noa, smtp_outbound):
    outreach.do_set_preference(noa, outreach.TOPIC_SURVEYS, False, source="test")
    survey = solved(dana_ticket, dana)
    assert (survey.status, survey.reason) == (SendStatus.SKIPPED, SkipReason.UNSUBSCRIBED)
    services.do_send_due(timezone.now() + dt.timedelta(days=1))
    assert smtp_outbound.received == []


def test_unsubscribing_after_planning_is_honoured_at_sending_time(
    dana_ticket, dana, noa, smtp_outbound
):
    survey = solved(dana_ticket, dana)
    outreach.do_set_preference(noa, outreach.TOPIC_SURVEYS, False, source="test")
    assert services.do_send_due(survey.send_at) == {"skipped": 1}
    survey.refresh_from_db()
    assert (survey.status, survey.reason) == (SendStatus.SKIPPED, SkipReason.UNSUBSCRIBED)
    assert smtp_outbound.received == []


def test_one_survey_per_customer_per_fatigue_period(dana, support, noa, smtp_outbound):
    first = solved(make_ticket(contact=noa, team=support, subject="חשבונית כפולה"), dana)
    second = solved(make_ticket(contact=noa, team=support, subject="שינוי כתובת"), dana)
    later = max(first.send_at, second.send_at)
    assert services.do_send_due(later) == {"sent": 1, "skipped": 1}
    second.refresh_from_db()
    assert (second.status, second.reason) == (SendStatus.SKIPPED, SkipReason.FATIGUE)
    assert len(smtp_outbound.received) == 1
    # Thirty days on, the next solved ticket is surveyed again.
    third = solved(make_ticket(contact=noa, team=support, subject="גיבוי"), dana)
    assert services.do_send_due(later + dt.timedelta(days=30, hours=2)) == {"sent": 1}
    third.refresh_from_db()
    assert third.status == SendStatus.SENT


def test_the_fatigue_period_is_a_cadence_managers_set(dana, support, noa, smtp_outbound):
    config = outreach.loyalty_settings()
    config.survey_fatigue_days = 0
    config.save()
    first = solved(make_ticket(contact=noa, team=support, subject="א"), dana)
    second = solved(make_ticket(contact=noa, team=support, subject="ב"), dana)
    assert services.do_send_due(max(first.send_at, second.send_at)) == {"sent": 2}


def test_a_reopened_ticket_is_not_surveyed(dana_ticket, dana, noa, smtp_outbound):
    survey = solved(dana_ticket, dana)
    do_add_message(dana_ticket, direction="inbound", body_text="זה שוב לא עובד", contact=noa)
    assert Ticket.objects.get(pk=dana_ticket.pk).status == Status.OPEN
    assert services.do_send_due(survey.send_at) == {"skipped": 1}
    survey.refresh_from_db()
    assert survey.reason == SkipReason.REOPENED
    # Solved again: still the one survey of this ticket, not a second.
    do_update_ticket(dana_ticket, acting_user=dana, status=Status.SOLVED)
    assert Survey.objects.filter(ticket=dana_ticket).count() == 1


def test_nps_is_planned_by_the_cadence_and_a_detractor_opens_a_complaint(yossi, smtp_outbound):
    old = Customer.objects.create(
        name="Silverline Realty", customer_since=dt.date(2025, 1, 10), language="en"
    )
    Contact.objects.create(
        customer=old,
        name="Mark Levin",
        email="mark@silverline.example",
        language="en",
        is_primary=True,
    )
    new = Customer.objects.create(name="גני ילדים שמש", customer_since=dt.date(2026, 10, 1))
    Contact.objects.create(customer=new, name="רותם", email="rotem@shemesh.example")
    Customer.objects.create(
        name="לקוח לשעבר", status=CustomerStatus.LEFT, customer_since=dt.date(2020, 1, 1)
    )

    assert services.do_plan_nps(NOW) == 1
    assert services.do_plan_nps(NOW) == 0  # planned once
    survey = Survey.objects.get(kind=SurveyKind.NPS)
    assert survey.customer == old
    assert survey.send_at == dt.datetime(2026, 11, 22, 10, tzinfo=ZONE)  # the sending hour
    assert services.do_send_due(survey.send_at) == {"sent": 1}
    [mail] = smtp_outbound.messages()
    assert header(mail, "Subject") == "One short question from שומר תמיכה"
    assert len(links(mail)) == 12  # 0..10 and the comment page
    Client().post(path(links(mail)[6]), {"rating": "6", "comment": "Support is slow lately."})
    answer = SurveyAnswer.objects.get(survey=survey)
    assert (answer.rating, answer.is_unhappy, answer.score) == (6, True, pytest.approx(0.6))
    assert answer.complaint.kind == Kind.COMPLAINT
    assert answer.complaint.messages.first().body_text == "Support is slow lately."
    # The next NPS comes after the cadence (90 days), not before.
    # (the new customer's first comes 90 days after they joined: 30 December).
    assert services.do_plan_nps(dt.datetime(2026, 12, 29, 9, tzinfo=ZONE)) == 0
    assert services.do_plan_nps(dt.datetime(2026, 12, 30, 9, tzinfo=ZONE)) == 1
    assert services.do_plan_nps(NOW + dt.timedelta(days=89)) == 0
    assert services.do_plan_nps(NOW + dt.timedelta(days=90)) == 1
    assert [
        s.customer for s in Survey.objects.filter(kind=SurveyKind.NPS).order_by("created_at")
    ] == [old, new, old]


def test_a_customer_who_leaves_gets_one_exit_survey_even_right_after_another(
    dana_ticket, dana, clinic, smtp_outbound
):
    csat = solved(dana_ticket, dana)
    services.do_send_due(csat.send_at)
    clinic.status, clinic.left_on = CustomerStatus.LEFT, timezone.localdate()
    clinic.save()
    now = timezone.now()
    assert services.do_plan_exit(now) == 1
    assert services.do_plan_exit(now) == 0
    exit_survey = Survey.objects.get(kind=SurveyKind.EXIT)
    assert services.do_send_due(max(exit_survey.send_at, now)) == {"sent": 1}  # exempt from fatigue
    mail = smtp_outbound.messages()[-1]
    assert header(mail, "Subject") == "תודה על הדרך המשותפת, נועה"
    url = path(links(mail)[0])
    Client().post(url, {"rating": "1", "reason": "service", "comment": "לא חזרו אליי בזמן"})
    answer = SurveyAnswer.objects.get(survey=exit_survey)
    assert (answer.kind, answer.rating, answer.reason, answer.is_unhappy) == (
        "exit",
        1,
        "service",
        True,
    )
    assert answer.complaint is not None


def test_a_contact_answers_in_the_portal(dana_ticket, dana, noa, clinic, smtp_outbound):
    survey = solved(dana_ticket, dana)
    services.do_send_due(survey.send_at)
    other = Contact.objects.create(customer=clinic, name="דני", email="dani@smile.example")
    browser = Client()
    session_for(browser, noa)
    listing = browser.get("/portal/surveys/")
    assert listing.status_code == 200
    assert list(listing.context["surveys"]) == [survey]
    assert browser.post(f"/portal/surveys/{survey.pk}/", {"rating": "5"}).status_code == 302
    answer = SurveyAnswer.objects.get(survey=survey)
    assert (answer.rating, answer.channel) == (5, "portal")
    assert list(browser.get("/portal/surveys/").context["surveys"]) == []
    # Another contact of the same customer cannot open it.
    stranger = Client()
    session_for(stranger, other)
    assert stranger.get(f"/portal/surveys/{survey.pk}/").status_code == 404
    assert Client().get("/portal/surveys/").status_code == 302  # not signed in


def session_for(client: Client, contact: Contact) -> None:
    session = client.session
    session[portal.SESSION_CONTACT] = contact.pk
    session[portal.SESSION_EMAIL] = contact.email.lower()
    session.save()


def test_customer_health_reads_the_answers(dana_ticket, dana, smtp_outbound):
    from shomer.health.signals import read_surveys

    survey = solved(dana_ticket, dana)
    services.do_send_due(survey.send_at)
    services.do_answer(survey, 4, channel="email", now=timezone.now())
    found = read_surveys(timezone.now() + dt.timedelta(minutes=1), None)
    assert found == {dana_ticket.customer_id: (0.75, 1)}


def test_survey_results_page(dana_ticket, dana, eli, smtp_outbound):
    survey = solved(dana_ticket, dana)
    services.do_send_due(survey.send_at)
    services.do_answer(survey, 2, channel="email", now=timezone.now(), comment="איטי")
    response = logged_in(eli).get("/feedback/")
    assert response.status_code == 200
    summary = response.context["summary"]
    assert (
        summary.csat_percent,
        summary.csat_answers,
        summary.complaints,
        summary.sent,
        summary.answered,
    ) == (
        0.0,
        1,
        1,
        1,
        1,
    )
    assert response.context["csat_figure"]["data"][1]["y"][-1] == 1
    assert response.context["nps_figure"]["data"][0]["y"] == [0] * 11
    assert b'data-testid="csat-chart"' in response.content
    assert b"vendor/plotly/plotly.min.js" in response.content
    assert Client().get("/feedback/").status_code == 302


def test_nps_waits_for_the_fatigue_period_instead_of_being_skipped(dana, support, smtp_outbound):
    customer = Customer.objects.create(name="משרד עו״ד כהן", customer_since=dt.date(2024, 1, 1))
    contact = Contact.objects.create(
        customer=customer, name="שרה כהן", email="sara@cohen-law.example"
    )
    csat = solved(make_ticket(contact=contact, team=support, subject="הסכם שכירות"), dana)
    Survey.objects.filter(pk=csat.pk).update(send_at=NOW - dt.timedelta(days=10))
    services.do_send_due(NOW - dt.timedelta(days=10))  # surveyed ten days ago
    assert services.do_plan_nps(NOW) == 0
    assert services.do_plan_nps(NOW + dt.timedelta(days=19)) == 0
    assert services.do_plan_nps(NOW + dt.timedelta(days=20)) == 1
    nps = Survey.objects.get(kind=SurveyKind.NPS)
    assert services.do_send_due(nps.send_at) == {"sent": 1}
