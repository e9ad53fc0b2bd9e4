"""Surveys, touchpoints and collections in the browser, in Hebrew (right to left) and English:
a rating clicked from the mail, the results with their charts, the collections queue where a
manager decides, the calendar, template previews, and the e-mails themselves. Screenshots in
test-artifacts/."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.core import mail as django_mail
from django.utils import timezone
from playwright.sync_api import expect

from shomer.conversations.models import Kind, Status
from shomer.conversations.services import do_update_ticket
from shomer.customers.models import Contact, Customer, Invoice
from shomer.feedback import services as feedback
from shomer.feedback.models import Survey, SurveyAnswer, SurveyKind
from shomer.outreach import collections, touchpoints
from shomer.outreach.models import CollectionReminder, SendStatus
from tests.conftest import make_ticket
from tests.e2e.conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sent_csat(contact: Contact, agent, subject: str) -> Survey:  # type: ignore[no-untyped-def]
    ticket = make_ticket(contact=contact, subject=subject, assignee=agent, team=None)
    do_update_ticket(ticket, acting_user=agent, status=Status.SOLVED)
    survey = Survey.objects.get(ticket=ticket)
    feedback.do_send_due(survey.send_at)
    survey.refresh_from_db()
    assert survey.status == SendStatus.SENT
    return survey


def relative(url: str) -> str:
    return urlsplit(url).path


def test_a_low_rating_from_the_mail_in_hebrew_and_a_good_one_in_english(page, dana, noa, settings):
    settings.SITE_URL = "http://testserver"
    survey = sent_csat(noa, dana, "האתר לא עולה")
    page.goto(relative(feedback.survey_url(survey, 2)))
    # The page sends the clicked rating by itself and thanks the customer.
    expect(page.get_by_test_id("survey-answered")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_test_id("survey-recorded")).to_contain_text("2 מתוך 5")
    expect(page.get_by_test_id("survey-complaint")).to_be_visible()
    page.fill("#id_comment", "חיכיתי שלושה ימים לתשובה, ואף אחד לא חזר אליי.")
    page.get_by_test_id("comment-submit").click()
    expect(page.get_by_test_id("comment-saved")).to_be_visible()
    screenshot(page, "loyalty-survey-low-rating-he")
    answer = SurveyAnswer.objects.get(survey=survey)
    assert (answer.rating, answer.complaint.kind) == (2, Kind.COMPLAINT)
    assert (
        answer.complaint.messages.last().body_text
        == "חיכיתי שלושה ימים לתשובה, ואף אחד לא חזר אליי."
    )

    # Clicking another rating in the same mail later shows the recorded one.
    page.goto(relative(feedback.survey_url(survey, 5)))
    expect(page.get_by_test_id("survey-answered")).to_have_attribute("data-rating", "2")

    realty = Customer.objects.create(name="Silverline Realty", language="en")
    mark = Contact.objects.create(
        customer=realty, name="Mark Levin", email="mark@silverline.example", language="en"
    )
    english = sent_csat(mark, dana, "Cannot log in to the dashboard")
    page.goto(relative(feedback.survey_url(english)))  # the comment link: pick a rating
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.get_by_test_id("survey-page")).to_contain_text("How did we do?")
    page.locator("input[name=rating][value='5']").check()
    page.fill("#id_comment", "Dana sorted it out within the hour. Thank you!")
    screenshot(page, "loyalty-survey-form-en")
    page.get_by_test_id("survey-submit").click()
    expect(page.get_by_test_id("survey-recorded")).to_contain_text("5 of 5")
    screenshot(page, "loyalty-survey-thanks-en")
    assert SurveyAnswer.objects.get(survey=english).complaint is None


def test_an_old_or_forged_link_says_so(page, dana, noa):
    page.goto("/s/forged-link/")
    expect(page.get_by_test_id("survey-problem")).to_have_attribute("data-problem", "invalid")
    screenshot(page, "loyalty-survey-forged-he")


def results_data(dana) -> None:  # type: ignore[no-untyped-def]
    """Six months of answers: CSAT by week, NPS 0-10."""
    now = timezone.now()
    customers = [
        Customer.objects.create(name=name)
        for name in ("מרפאת חיוך", "משרד עו״ד כהן", "Bright Labs")
    ]
    contacts = [
        Contact.objects.create(customer=c, name="איש קשר", email=f"c{c.pk}@x.example")
        for c in customers
    ]
    for index in range(40):
        customer, contact = customers[index % 3], contacts[index % 3]
        at = now - dt.timedelta(days=4 * index + 1)
        kind = SurveyKind.NPS if index % 4 == 0 else SurveyKind.CSAT
        rating = (
            [5, 4, 5, 3, 2, 5, 4, 1, 5, 4][index % 10]
            if kind == SurveyKind.CSAT
            else [10, 9, 7, 3, 8, 10, 6, 9, 10, 2][index % 10]
        )
        survey = Survey.objects.create(kind=kind, customer=customer, contact=contact, send_at=at, sent_at=at,
                                       status=SendStatus.SENT, nonce=f"n{index}", expires_at=at + dt.timedelta(days=30))  # fmt: skip
        from shomer.feedback import rules

        SurveyAnswer.objects.create(
            survey=survey, kind=kind, customer=customer, contact=contact, rating=rating,
            score=rules.normalised(kind, rating), is_unhappy=rules.is_unhappy(kind, rating),
            channel="email", answered_at=at, comment="השירות היה מהיר ואדיב" if rating >= 4 else "לקח יותר מדי זמן",
        )  # fmt: skip


def test_survey_results_with_charts(page, dana, yossi):
    results_data(dana)
    log_in(page, "dana")  # agents see the results
    page.get_by_test_id("loyalty-nav-link").click()
    expect(page.locator("h1")).to_have_text("תוצאות סקרים")
    expect(page.get_by_test_id("csat-chart").locator(".main-svg").first).to_be_visible()
    expect(page.get_by_test_id("nps-chart").locator(".main-svg").first).to_be_visible()
    expect(page.get_by_test_id("survey-answers").locator("tbody tr")).to_have_count(30)
    screenshot(page, "loyalty-results-he")
    page.get_by_test_id("switch-language").click()
    expect(page.locator("h1")).to_have_text("Survey results")
    expect(page.get_by_test_id("nps-chart").locator(".main-svg").first).to_be_visible()
    screenshot(page, "loyalty-results-en")


def test_the_collections_queue_waits_for_a_managers_decision(page, yossi, dana):
    today = timezone.localdate()
    bakery = Customer.objects.create(name="מאפיית הכיכר", owner=dana)
    ronit = Contact.objects.create(customer=bakery, name="רונית שחר", email="ronit@kikar.example")
    Invoice.objects.create(customer=bakery, number="2026-118", amount=Decimal("4800"),
                           issued_on=today - dt.timedelta(days=40), due_on=today - dt.timedelta(days=10))  # fmt: skip
    make_ticket(
        contact=ronit, subject="העוגה הגיעה הרוסה", body="ההזמנה הגיעה הרוסה", kind=Kind.COMPLAINT
    )
    realty = Customer.objects.create(name="Silverline Realty", language="en")
    Contact.objects.create(
        customer=realty, name="Mark Levin", email="mark@silverline.example", language="en"
    )
    Invoice.objects.create(customer=realty, number="SR-2041", amount=Decimal("1250"), currency="USD",
                           issued_on=today - dt.timedelta(days=45), due_on=today - dt.timedelta(days=15))  # fmt: skip
    collections.do_plan(timezone.now())
    waiting = CollectionReminder.objects.get(customer=bakery)
    assert waiting.status == SendStatus.WAITING_DECISION

    log_in(page, "yossi")
    page.goto("/outreach/collections/")
    queue = page.get_by_test_id("waiting-decision")
    expect(queue).to_contain_text("מאפיית הכיכר")
    expect(queue).to_contain_text("ממתין להחלטה")
    expect(page.get_by_test_id("scheduled")).to_contain_text("Silverline Realty")
    screenshot(page, "loyalty-collections-he")
    page.get_by_test_id("switch-language").click()
    expect(page.get_by_test_id("waiting-decision")).to_contain_text("Waiting for a decision")
    screenshot(page, "loyalty-collections-en")
    page.get_by_test_id("decide-send").click()
    expect(page.get_by_test_id("waiting-decision").get_by_test_id("reminder")).to_have_count(0)
    expect(page.get_by_test_id("scheduled").get_by_test_id("reminder")).to_have_count(2)
    waiting.refresh_from_db()
    assert (waiting.status, waiting.decided_by.username) == (SendStatus.SCHEDULED, "yossi")


def test_calendar_and_template_previews(page, yossi):
    today = timezone.localdate()
    bakery = Customer.objects.create(
        name="מאפיית הכיכר", customer_since=today - dt.timedelta(days=3 * 365 - 5), owner=yossi
    )
    Contact.objects.create(customer=bakery, name="רונית שחר", email="ronit@kikar.example",
                           birthday=(today + dt.timedelta(days=2)).replace(year=1979))  # fmt: skip
    realty = Customer.objects.create(
        name="Silverline Realty", language="en", customer_since=today - dt.timedelta(days=40)
    )
    Contact.objects.create(
        customer=realty, name="Mark Levin", email="mark@silverline.example", language="en"
    )
    touchpoints.do_plan(timezone.now())
    log_in(page, "yossi")
    page.goto("/outreach/calendar/")
    expect(page.get_by_test_id("touchpoint-calendar")).to_contain_text("יום הולדת")
    screenshot(page, "loyalty-calendar-he")
    page.goto("/outreach/templates/collection_2/")
    expect(page.get_by_test_id("preview-he")).to_contain_text("שלום נועה,")
    expect(page.get_by_test_id("preview-en")).to_contain_text("Hi Mark,")
    screenshot(page, "loyalty-template-he")


def test_the_emails_look_right_in_both_languages(page, dana, noa, settings):
    """The HTML of a survey mail and a payment reminder, as a mail client shows them."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    django_mail.outbox = []
    sent_csat(noa, dana, "האתר לא עולה")
    realty = Customer.objects.create(name="Silverline Realty", language="en")
    mark = Contact.objects.create(
        customer=realty, name="Mark Levin", email="mark@silverline.example", language="en"
    )
    survey = Survey.objects.create(
        kind=SurveyKind.NPS, customer=realty, contact=mark, send_at=timezone.now(), nonce="e2e"
    )
    feedback.do_send_due(timezone.now())
    survey.refresh_from_db()
    for message, name in zip(
        django_mail.outbox, ("loyalty-mail-csat-he", "loyalty-mail-nps-en"), strict=True
    ):
        html = message.alternatives[0][0]
        page.set_content(html)
        expect(page.locator("a", has_text="5").first).to_be_visible()
        screenshot(page, name)
        # On a phone the whole scale fits: no sideways scrolling.
        page.set_viewport_size({"width": 375, "height": 700})
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, name
        screenshot(page, f"{name}-phone")
        page.set_viewport_size({"width": 1280, "height": 860})
