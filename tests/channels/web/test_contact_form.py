"""The public contact form: a message lands through the pipeline as a ticket, once."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from shomer.channels.registry import inbound_from_record
from shomer.channels.web.tokens import new_form_token
from shomer.conversations.models import Channel, InboundRecord, Message, Ticket
from shomer.customers.models import Contact

pytestmark = pytest.mark.django_db


def fields(**extra: object) -> dict[str, object]:
    values: dict[str, object] = {
        "token": new_form_token(),
        "name": "רונית אברהם",
        "email": "ronit@gmail.com",
        "phone": "052-7654321",
        "subject": "בקשה להצעת מחיר לבניית אתר",
        "message": "שלום, אנחנו חנות פרחים קטנה בחיפה ומחפשים אתר עם הזמנות אונליין.",
        "website": "",
    }
    values.update(extra)
    return values


def test_the_form_page_is_hebrew_and_right_to_left_by_default():
    response = Client().get("/contact/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="he" dir="rtl">' in html
    assert "צרו קשר" in html


def test_lang_en_switches_the_page_to_english_and_remembers_it():
    client = Client()
    response = client.get("/contact/?lang=en")
    assert '<html lang="en" dir="ltr">' in response.content.decode()
    assert response.cookies["shomer_language"].value == "en"
    assert '<html lang="en" dir="ltr">' in client.get("/contact/").content.decode()


def test_a_message_opens_a_web_ticket_and_the_thank_you_page_gives_its_number():
    client = Client()
    response = client.post("/contact/", fields(), follow=True)

    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.subject) == (Channel.WEB, "בקשה להצעת מחיר לבניית אתר")
    assert ticket.contact.email == "ronit@gmail.com"
    assert ticket.contact.phone == "052-7654321"
    assert ticket.customer.name == "רונית אברהם"
    assert f"#{ticket.pk}" in response.content.decode()
    message = ticket.messages.get()
    assert message.body_text.startswith("שלום, אנחנו חנות פרחים")
    raw = json.loads(bytes(message.raw).decode("utf-8"))
    assert raw["fields"]["subject"] == "בקשה להצעת מחיר לבניית אתר"
    assert raw["form"] == "contact"
    assert raw["language"] == "he"


def test_the_raw_input_is_kept_and_reads_back_into_the_same_message():
    Client().post("/contact/", fields())
    record = InboundRecord.objects.get()
    assert record.channel == Channel.WEB
    inbound = inbound_from_record(record)
    message = Message.objects.get()
    assert inbound.idempotency_key == record.idempotency_key == message.idempotency_key
    assert inbound.text == message.body_text


def test_a_double_submit_is_one_message():
    client = Client()
    data = fields()
    first = client.post("/contact/", data)
    second = client.post("/contact/", data)

    assert Message.objects.count() == 1
    assert InboundRecord.objects.count() == 1
    assert first.status_code == second.status_code == 302
    assert first["Location"].split("?")[0] != ""
    ticket = Ticket.objects.get()
    assert f"#{ticket.pk}" in client.get(second["Location"]).content.decode()


def test_the_known_contact_is_matched_by_address(noa):
    Client().post("/contact/", fields(email="Noa@Smile.example", name="נועה"))
    ticket = Ticket.objects.get()
    assert ticket.contact == noa
    assert Contact.objects.count() == 1


def test_the_honeypot_takes_the_bot_to_a_thank_you_page_and_stores_nothing():
    response = Client().post("/contact/", fields(website="http://cheap-pills.example"))
    assert response.status_code == 302
    assert Ticket.objects.count() == 0
    assert InboundRecord.objects.count() == 0


def test_the_rate_limit_stops_the_ninth_post_from_one_address():
    client = Client()
    statuses = [client.post("/contact/", fields()).status_code for _ in range(9)]
    assert statuses == [302] * 8 + [429]
    assert Ticket.objects.count() == 8
    other = Client(REMOTE_ADDR="10.0.0.7").post("/contact/", fields())
    assert other.status_code == 302


@pytest.mark.parametrize(
    ("change", "field", "error"),
    [
        ({"name": ""}, "name", "יש להזין תוכן בשדה זה."),
        ({"email": "", "phone": ""}, "email", "נא לציין כתובת דוא״ל או מספר טלפון."),
        ({"phone": "call me"}, "phone", "נא להזין מספר טלפון שאפשר להתקשר אליו."),
        ({"message": ""}, "message", "יש להזין תוכן בשדה זה."),
    ],
)
def test_a_bad_form_is_shown_again_with_the_error_and_nothing_is_stored(change, field, error):
    response = Client().post("/contact/", fields(**change))
    assert response.status_code == 422
    assert response.context["form"].errors[field] == [error]
    assert Ticket.objects.count() == 0


def test_a_form_with_an_error_keeps_its_token_so_the_corrected_post_is_one_message():
    client = Client()
    data = fields(message="")
    response = client.post("/contact/", data)
    assert response.context["token"] == data["token"]
    client.post("/contact/", {**data, "message": "עכשיו עם תוכן"})
    client.post("/contact/", {**data, "message": "עכשיו עם תוכן"})
    assert Message.objects.count() == 1


def test_a_forged_token_is_refused_and_the_page_gets_a_fresh_one():
    response = Client().post("/contact/", fields(token="abc:def"))
    assert response.status_code == 422
    assert "token" in response.context["form"].errors
    assert response.context["token"] != "abc:def"
    assert Ticket.objects.count() == 0


def test_attachments_are_stored_on_the_message():
    pdf = SimpleUploadedFile("הצעה.pdf", b"%PDF-1.4 quote", content_type="application/pdf")
    Client().post("/contact/", {**fields(), "attachments": [pdf]})
    attachment = Message.objects.get().attachments.get()
    assert (attachment.filename, attachment.size) == ("הצעה.pdf", 14)


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("setup.exe", "application/octet-stream"),
        ("page.html", "text/html"),
        ("x.bin", "application/x-msdownload"),
    ],
)
def test_a_blocked_file_type_is_refused(name, content_type):
    upload = SimpleUploadedFile(name, b"MZ....", content_type=content_type)
    response = Client().post("/contact/", {**fields(), "attachments": [upload]})
    assert response.status_code == 422
    assert response.context["form"].errors["attachments"] == [
        f"לא ניתן לשלוח את הקובץ {name}: סוג קובץ זה אינו מתקבל."
    ]
    assert Ticket.objects.count() == 0


def test_too_many_files_are_refused():
    files = [SimpleUploadedFile(f"{n}.txt", b"x", content_type="text/plain") for n in range(6)]
    response = Client().post("/contact/?lang=en", {**fields(), "attachments": files})
    assert response.context["form"].errors["attachments"] == ["Please attach at most 5 files."]


def test_csrf_is_enforced_on_the_contact_form():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/contact/", fields())
    assert response.status_code == 403
    assert Ticket.objects.count() == 0


def test_the_contact_page_may_not_be_framed():
    assert Client().get("/contact/")["X-Frame-Options"] == "DENY"


def test_a_forged_receipt_shows_a_plain_thank_you_without_a_number():
    response = Client().get("/contact/thanks/1:forged/")
    assert response.status_code == 200
    assert response.context["ticket_id"] == 0
