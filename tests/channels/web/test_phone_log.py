"""The phone call log (page and API): calls land through the pipeline, callbacks are
promised and kept."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from shomer.channels.phone.adapters import CallDirection, CallOutcome
from shomer.channels.phone.services import CallLog, do_log_call
from shomer.channels.web.tokens import new_form_token
from shomer.commitments.models import Commitment, CommitmentSource, CommitmentState
from shomer.conversations.models import (
    Channel,
    Direction,
    InboundRecord,
    Kind,
    Message,
    Status,
    Ticket,
)
from shomer.customers.models import Contact, Customer
from tests.conftest import logged_in, make_ticket

pytestmark = pytest.mark.django_db
ISRAEL = ZoneInfo("Asia/Jerusalem")


@pytest.fixture
def noa_phone(noa: Contact) -> Contact:
    noa.phone = "050-123 4567"
    noa.save()
    return noa


def page_fields(**extra: object) -> dict[str, object]:
    values: dict[str, object] = {
        "token": new_form_token(),
        "direction": "inbound",
        "phone": "0501234567",
        "name": "",
        "ticket": "",
        "duration_minutes": "6",
        "subject": "",
        "summary": "הלקוחה מבקשת להוסיף תיבת דואר למזכירה החדשה.",
        "outcome": "follow_up",
    }
    values.update(extra)
    return values


def call(**extra: object) -> CallLog:
    values: dict[str, object] = {
        "direction": CallDirection.INBOUND,
        "phone": "+972501234567",
        "summary": "שאלה על החשבונית",
        "outcome": CallOutcome.RESOLVED,
    }
    values.update(extra)
    return CallLog(**values)  # type: ignore[arg-type]


def test_a_call_taken_opens_a_phone_ticket_for_the_contact_matched_by_phone(dana, noa_phone):
    response = logged_in(dana).post("/calls/", page_fields())
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert (ticket.channel, ticket.contact, ticket.kind) == (
        Channel.PHONE,
        noa_phone,
        Kind.QUESTION,
    )
    assert ticket.subject == "הלקוחה מבקשת להוסיף תיבת דואר למזכירה החדשה."
    message = ticket.messages.get()
    assert message.direction == Direction.INBOUND
    assert message.body_text == (
        "שיחה מ־050-1234567, 6 דק׳. תוצאה: דרוש המשך טיפול.\n\n"
        "הלקוחה מבקשת להוסיף תיבת דואר למזכירה החדשה."
    )
    raw = json.loads(bytes(message.raw))
    assert raw["call"]["phone"] == "+972501234567"
    assert raw["call"]["duration_seconds"] == 360
    assert raw["logged_by"] == dana.pk
    assert InboundRecord.objects.get().channel == Channel.PHONE


def test_a_call_joins_the_customers_open_ticket(dana, support, noa_phone):
    open_ticket = make_ticket(contact=noa_phone, team=support, subject="תיבת דואר חדשה")
    logged_in(dana).post("/calls/", page_fields())
    assert Ticket.objects.count() == 1
    assert open_ticket.messages.filter(channel=Channel.PHONE).count() == 1


def test_the_agent_may_open_a_new_ticket_instead(dana, support, noa_phone):
    make_ticket(contact=noa_phone, team=support)
    logged_in(dana).post("/calls/", page_fields(ticket="new"))
    assert Ticket.objects.count() == 2


def test_a_caller_on_the_customers_main_line_becomes_its_contact(dana, clinic):
    clinic.phone = "04-8123456"
    clinic.save()
    logged_in(dana).post("/calls/", page_fields(phone="+972 4 812 3456", name="רינה"))
    ticket = Ticket.objects.get()
    assert ticket.customer == clinic
    assert ticket.contact.name == "רינה"


def test_an_unknown_number_becomes_a_new_customer(dana):
    logged_in(dana).post("/calls/", page_fields(phone="058-7001122", name="עמית שושן"))
    customer = Customer.objects.get()
    assert customer.name == "עמית שושן"
    assert customer.contacts.get().phone == "058-7001122"


def test_a_call_asking_for_a_callback_opens_a_request_with_an_open_callback(dana, noa_phone):
    logged_in(dana).post("/calls/", page_fields(callback_requested="on"))
    ticket = Ticket.objects.get()
    assert ticket.kind == Kind.REQUEST
    callback = Commitment.objects.get()
    assert (callback.ticket, callback.owner, callback.created_by) == (ticket, dana, dana)
    assert (callback.source, callback.phone) == (CommitmentSource.PHONE, "+972501234567")
    assert "הלקוח ביקש שיחזרו אליו בהקדם האפשרי." in ticket.messages.get().body_text


def test_a_callback_window_is_checked_against_the_calendar(dana, noa_phone, monkeypatch):
    friday = dt.datetime(2026, 3, 6, 11, 0, tzinfo=ISRAEL)
    monkeypatch.setattr(timezone, "now", lambda: friday)
    client = logged_in(dana)
    client.cookies["shomer_language"] = "en"
    dana.language = "en"
    dana.save()
    response = client.post(
        "/calls/",
        page_fields(
            callback_requested="on",
            callback_date="2026-03-07",
            callback_start="10:00",
            callback_end="12:00",
        ),
    )
    assert response.status_code == 422
    assert response.context["form"].errors["callback_date"] == [
        "We are closed at that time. We open again on Sunday 8.3 at 09:00."
    ]
    assert Ticket.objects.count() == 0


def test_a_call_we_made_that_reached_the_customer_keeps_the_callback(dana, noa_phone):
    first = do_log_call(call(callback_requested=True), agent=dana)
    callback = Commitment.objects.get()
    back = do_log_call(
        call(direction=CallDirection.OUTBOUND, phone="+972501234567", summary="חזרתי אליה"),
        agent=dana,
    )
    callback.refresh_from_db()
    assert callback.state == CommitmentState.KEPT
    assert callback.kept_by_id == back.message_id
    assert back.kept == [callback]
    # Our call is our side of the same conversation.
    assert back.ticket_id == first.ticket_id
    assert Message.objects.get(pk=back.message_id).direction == Direction.OUTBOUND
    assert Message.objects.get(pk=back.message_id).author == dana


def test_no_answer_leaves_the_callback_open(dana, noa_phone):
    do_log_call(call(callback_requested=True), agent=dana)
    do_log_call(
        call(direction=CallDirection.OUTBOUND, outcome=CallOutcome.NO_ANSWER, summary="אין מענה"),
        agent=dana,
    )
    assert Commitment.objects.get().state == CommitmentState.OPEN


def test_a_call_to_another_number_keeps_nothing(dana, noa_phone):
    do_log_call(call(callback_requested=True), agent=dana)
    do_log_call(call(direction=CallDirection.OUTBOUND, phone="+972529998877"), agent=dana)
    assert Commitment.objects.get().state == CommitmentState.OPEN


def test_a_closed_promise_is_not_kept_again(dana, noa_phone):
    do_log_call(call(callback_requested=True), agent=dana)
    Commitment.objects.update(state=CommitmentState.CANCELLED, cancelled_at=timezone.now())
    result = do_log_call(call(direction=CallDirection.OUTBOUND), agent=dana)
    assert result.kept == []
    assert Commitment.objects.get().state == CommitmentState.CANCELLED


def test_the_same_call_logged_twice_is_one_message_and_one_promise(dana, noa_phone):
    first = do_log_call(call(callback_requested=True, token="a" * 32), agent=dana)
    second = do_log_call(call(callback_requested=True, token="a" * 32), agent=dana)
    assert second.status == "duplicate"
    assert (second.ticket_id, second.message_id) == (first.ticket_id, first.message_id)
    assert second.callback == first.callback
    assert Message.objects.count() == 1
    assert Commitment.objects.count() == 1


def test_the_open_callbacks_show_on_the_ticket_page(dana, support, noa_phone):
    result = do_log_call(call(callback_requested=True), agent=dana)
    Ticket.objects.filter(pk=result.ticket_id).update(team=support)
    page = logged_in(dana).get(f"/tickets/{result.ticket_id}/").content.decode()
    assert 'data-testid="open-callbacks"' in page
    assert "050-1234567" in page


def test_the_call_page_lists_the_callbacks_the_agent_may_see(dana, eli, support, noa_phone):
    result = do_log_call(call(callback_requested=True), agent=dana)
    Ticket.objects.filter(pk=result.ticket_id).update(team=support)
    assert list(logged_in(dana).get("/calls/").context["callbacks"]) == [Commitment.objects.get()]
    assert list(logged_in(eli).get("/calls/").context["callbacks"]) == []


def test_the_caller_match_names_the_contact(dana, noa_phone):
    response = logged_in(dana).get("/calls/match/", {"phone": "+972-50-1234567"})
    assert response.context["form"].contact == noa_phone


def test_the_call_pages_are_for_staff_only(client):
    assert client.get("/calls/").status_code == 302
    assert client.get("/calls/match/").status_code == 302


# --- the API ----------------------------------------------------------------------------------


def api(user):  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_logs_a_call_and_promises_a_callback_in_a_window(dana, noa_phone, monkeypatch):
    monday = dt.datetime(2026, 3, 2, 9, 0, tzinfo=ISRAEL)
    monkeypatch.setattr(timezone, "now", lambda: monday)
    response = api(dana).post(
        "/api/calls/",
        {
            "direction": "inbound",
            "phone": "050-1234567",
            "summary": "The website contact form does not send mail.",
            "outcome": "follow_up",
            "duration_seconds": 185,
            "callback_window_start": "2026-03-02T14:00:00+02:00",
            "callback_window_end": "2026-03-02T16:00:00+02:00",
            "idempotency_key": "pbx-7781",
        },
        format="json",
    )
    assert response.status_code == 201
    ticket = Ticket.objects.get()
    assert response.data["status"] == "created"
    assert response.data["ticket"] == ticket.pk
    assert response.data["callback"]["due_at"] == "2026-03-02T16:00:00+02:00"
    assert response.data["kept"] == []
    assert ticket.contact == noa_phone
    again = api(dana).post(
        "/api/calls/",
        {
            "direction": "inbound",
            "phone": "050-1234567",
            "summary": "The website contact form does not send mail.",
            "outcome": "follow_up",
            "idempotency_key": "pbx-7781",
        },
        format="json",
    )
    assert (again.status_code, again.data["status"]) == (200, "duplicate")
    assert Message.objects.count() == 1


def test_the_api_refuses_a_bad_phone_and_a_ticket_of_another_customer(dana, noa_phone):
    stranger = Customer.objects.create(name="Other Ltd")
    other_ticket = make_ticket(contact=Contact.objects.create(customer=stranger, name="Avi"))
    bad_phone = api(dana).post(
        "/api/calls/",
        {"direction": "inbound", "phone": "hello", "summary": "x", "outcome": "resolved"},
        format="json",
    )
    assert bad_phone.status_code == 400
    assert list(bad_phone.data) == ["phone"]
    wrong_ticket = api(dana).post(
        "/api/calls/",
        {
            "direction": "inbound",
            "phone": "0501234567",
            "summary": "x",
            "outcome": "resolved",
            "ticket": other_ticket.pk,
        },
        format="json",
    )
    assert wrong_ticket.status_code == 400
    assert list(wrong_ticket.data) == ["ticket"]
    assert Message.objects.count() == 1  # only the other ticket's first message


def test_the_api_needs_a_staff_login(noa_phone):
    response = APIClient().post("/api/calls/", {}, format="json")
    assert response.status_code == 401


def test_a_solved_ticket_is_not_joined_by_a_new_call(dana, support, noa_phone):
    solved = make_ticket(contact=noa_phone, team=support)
    Ticket.objects.filter(pk=solved.pk).update(status=Status.SOLVED)
    result = do_log_call(call(), agent=dana)
    assert result.ticket_id != solved.pk


def test_the_calls_endpoint_is_in_the_openapi_schema(dana):
    schema = api(dana).get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/calls/"]["post"]
    assert set(operation["responses"]) == {"201"}
    request = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert request.endswith("/CallRequest")
    fields = schema["components"]["schemas"]["CallRequest"]["properties"]
    assert {"direction", "phone", "summary", "outcome", "idempotency_key"} <= set(fields)
