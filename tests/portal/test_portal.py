"""The customer portal: magic-link sign-in, and a contact sees only what is theirs."""

from __future__ import annotations

import re

import pytest
from django.core import mail, signing
from django.test import Client
from rest_framework.test import APIClient

from shomer.channels.web.tokens import new_form_token
from shomer.conversations.models import Channel, Direction, InboundRecord, Status, Ticket
from shomer.conversations.services import do_add_note, do_reply
from shomer.customers.models import Contact, Customer
from shomer.portal import services
from shomer.portal.models import UsedSignInLink
from tests.conftest import make_ticket

pytestmark = pytest.mark.django_db(transaction=False)

LINK = re.compile(r"https?://[^\s\"]+/portal/sign-in/([^/\s\"]+)/")


@pytest.fixture
def avi(clinic: Customer) -> Contact:
    """A colleague of Noa at the clinic; not the primary contact."""
    return Contact.objects.create(customer=clinic, name="אבי מזרחי", email="avi@smile.example")


@pytest.fixture
def ruth(db: None) -> Contact:
    """A contact of another customer altogether."""
    bakery = Customer.objects.create(name="מאפיית השדה")
    return Contact.objects.create(
        customer=bakery,
        name="Ruth Cohen",
        email="ruth@bakery.example",
        language="en",
        is_primary=True,
    )


def signed_in(contact: Contact) -> Client:
    client = Client()
    token = services.make_link_token(contact)
    response = client.post(f"/portal/sign-in/{token}/")
    assert response.status_code == 302
    return client


def link_from_outbox() -> str:
    match = LINK.search(mail.outbox[-1].body)
    assert match is not None
    return f"/portal/sign-in/{match.group(1)}/"


# --- signing in -------------------------------------------------------------------------------


def test_a_known_address_gets_a_link_in_the_contacts_language(
    noa, ruth, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post("/portal/sign-in/", {"email": "Ruth@Bakery.example"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["ruth@bakery.example"]
    assert email.subject == "Your sign-in link to Shomer"
    assert "Hello Ruth," in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert 'dir="ltr"' in html


def test_a_hebrew_contact_gets_a_hebrew_right_to_left_email(
    noa, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/portal/sign-in/", {"email": "noa@smile.example"})
    email = mail.outbox[0]
    assert email.subject == "קישור הכניסה שלך אל Shomer"
    assert "שלום נועה," in email.body
    assert 'dir="rtl"' in email.alternatives[0][0]


def test_an_unknown_address_gets_the_same_answer_and_no_email(
    noa, django_capture_on_commit_callbacks
):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/portal/sign-in/", {"email": "noa@smile.example"})
        unknown = client.post("/portal/sign-in/", {"email": "nobody@smile.example"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert client.get(known["Location"]).content == client.get(unknown["Location"]).content
    assert [message.to for message in mail.outbox] == [["noa@smile.example"]]


def test_the_link_round_trip_signs_in_once(noa, django_capture_on_commit_callbacks):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/portal/sign-in/", {"email": "noa@smile.example"})
    link = link_from_outbox()
    # Opening the link (as a mail scanner would) uses nothing up.
    assert client.get(link).status_code == 200
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 302
    assert client.get("/portal/").status_code == 200
    replay = Client().post(link)
    assert replay.status_code == 410
    assert replay.context["problem"] == "used"
    assert UsedSignInLink.objects.count() == 1


def test_an_expired_link_gets_a_clear_page(noa, monkeypatch):
    token = services.make_link_token(noa)
    later = signing.time.time() + services.LINK_MAX_AGE + 5
    monkeypatch.setattr(signing.time, "time", lambda: later)
    response = Client().post(f"/portal/sign-in/{token}/")
    assert response.status_code == 410
    assert response.context["problem"] == "expired"
    assert "התוקף של הקישור פג" in response.content.decode()


@pytest.mark.parametrize("token", ["nonsense", "eyJjIjoxfQ:1abc:forged", "a" * 400])
def test_a_forged_link_gets_a_clear_page_never_a_500(noa, token):
    for method in ("get", "post"):
        response = getattr(Client(), method)(f"/portal/sign-in/{token}/")
        assert response.status_code == 400
        assert response.context["problem"] == "invalid"


def test_a_link_for_an_address_that_changed_no_longer_works(noa):
    token = services.make_link_token(noa)
    noa.email = "noa.levi@smile.example"
    noa.save()
    assert Client().post(f"/portal/sign-in/{token}/").status_code == 400


def test_the_sign_in_form_is_rate_limited_per_address(noa):
    client = Client()
    statuses = [
        client.post("/portal/sign-in/", {"email": f"x{n}@a.example"}).status_code for n in range(11)
    ]
    assert statuses == [302] * 10 + [429]


def test_one_address_gets_at_most_three_emails_in_a_window(noa, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            Client(REMOTE_ADDR=f"10.0.0.{_}").post(
                "/portal/sign-in/", {"email": "noa@smile.example"}
            )
    assert len(mail.outbox) == 3


def test_a_portal_session_is_not_a_staff_login(noa, dana_ticket):
    client = signed_in(noa)
    assert client.get("/inbox/").status_code == 302
    assert client.get(f"/tickets/{dana_ticket.pk}/").status_code == 302
    assert client.get("/calls/").status_code == 302


def test_a_staff_login_is_not_a_portal_session(dana):
    client = Client()
    client.force_login(dana)
    assert client.get("/portal/")["Location"] == "/portal/sign-in/"


def test_signing_out_ends_the_portal_session(noa):
    client = signed_in(noa)
    client.post("/portal/sign-out/")
    assert client.get("/portal/").status_code == 302


# --- who sees what ----------------------------------------------------------------------------


@pytest.fixture
def tickets(noa, avi, ruth):  # type: ignore[no-untyped-def]
    return {
        "noa": make_ticket(contact=noa, subject="האתר לא עולה"),
        "avi": make_ticket(contact=avi, subject="הדפסת קבלות"),
        "ruth": make_ticket(contact=ruth, subject="Invoice for March"),
    }


MATRIX = {
    # Noa is the clinic's primary contact: she sees the clinic's tickets, Avi's included.
    "noa": {"noa", "avi"},
    "avi": {"avi"},
    "ruth": {"ruth"},
}


def test_the_permission_matrix_holds_for_lists_pages_and_answers(noa, avi, ruth, tickets):
    people = {"noa": noa, "avi": avi, "ruth": ruth}
    for name, contact in people.items():
        client = signed_in(contact)
        listed = {t.pk for t in client.get("/portal/").context["tickets"]}
        assert listed == {tickets[other].pk for other in MATRIX[name]}, name
        for other, ticket in tickets.items():
            allowed = other in MATRIX[name]
            page = client.get(f"/portal/tickets/{ticket.pk}/")
            assert page.status_code == (200 if allowed else 404), (name, other)
            before = ticket.messages.count()
            answer = client.post(
                f"/portal/tickets/{ticket.pk}/",
                {"token": new_form_token(), "message": "ניסיון"},
            )
            assert answer.status_code == (302 if allowed else 404), (name, other)
            assert ticket.messages.count() == before + (1 if allowed else 0), (name, other)


def test_guessing_numbers_finds_nothing(ruth, tickets):
    client = signed_in(ruth)
    for number in [*range(1, 20), 10**12, -1]:
        expected = 200 if number == tickets["ruth"].pk else 404
        assert client.get(f"/portal/tickets/{number}/").status_code == expected


def test_the_api_is_closed_to_a_portal_session(noa, tickets):
    client = signed_in(noa)
    api = APIClient()
    api.cookies = client.cookies
    assert api.get(f"/api/tickets/{tickets['noa'].pk}/").status_code == 401
    assert api.get("/api/tickets/").status_code == 401
    assert api.get("/api/messages/").status_code == 401


def test_internal_notes_never_reach_the_portal(noa, dana, tickets):
    ticket = tickets["noa"]
    do_add_note(ticket, body_text="הלקוחה רגישה למחיר, לא להציע שדרוג", author=dana)
    do_reply(ticket, body_text="שלום נועה, בדקנו והאתר חזר לעבוד.", author=dana)
    page = signed_in(noa).get(f"/portal/tickets/{ticket.pk}/").content.decode()
    assert "בדקנו והאתר חזר לעבוד" in page
    assert "רגישה למחיר" not in page


# --- writing ----------------------------------------------------------------------------------


def test_a_new_request_goes_through_the_pipeline(noa):
    client = signed_in(noa)
    response = client.post(
        "/portal/tickets/new/",
        {"token": new_form_token(), "subject": "חשבונית כפולה", "message": "קיבלנו חיוב פעמיים."},
    )
    ticket = Ticket.objects.get()
    assert response["Location"] == f"/portal/tickets/{ticket.pk}/"
    assert (ticket.channel, ticket.contact, ticket.subject) == (
        Channel.PORTAL,
        noa,
        "חשבונית כפולה",
    )
    assert InboundRecord.objects.get().channel == Channel.PORTAL


def test_an_answer_joins_the_ticket_and_a_double_post_is_one_message(noa, tickets):
    ticket = tickets["noa"]
    client = signed_in(noa)
    data = {"token": new_form_token(), "message": "עדיין לא עובד אצלנו"}
    client.post(f"/portal/tickets/{ticket.pk}/", data)
    client.post(f"/portal/tickets/{ticket.pk}/", data)
    answers = ticket.messages.filter(channel=Channel.PORTAL)
    assert [(m.direction, m.body_text) for m in answers] == [
        (Direction.INBOUND, "עדיין לא עובד אצלנו")
    ]


def test_a_closed_ticket_takes_no_answer(noa, tickets):
    ticket = tickets["noa"]
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.CLOSED)
    response = signed_in(noa).post(
        f"/portal/tickets/{ticket.pk}/", {"token": new_form_token(), "message": "שלום?"}
    )
    assert response.status_code == 409
    assert ticket.messages.count() == 1


def test_the_portal_speaks_the_contacts_language(ruth):
    page = signed_in(ruth).get("/portal/").content.decode()
    assert '<html lang="en" dir="ltr">' in page
