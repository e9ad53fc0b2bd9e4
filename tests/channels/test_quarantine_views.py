"""The quarantine page: managers and admins see, download and retry; agents get 404."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shomer.channels.inbound_email import ingest_email, quarantine, raw_key
from shomer.conversations.models import InboundRecord, InboundStatus, Ticket
from shomer.core.models import AuditEvent
from shomer.people.models import Role
from tests.channels.mail_corpus import compose, raw
from tests.conftest import logged_in, make_user

BROKEN = b"no headers here at all, only words\r\n"
HOSTILE_SUBJECT = '<script>alert("x")</script> חשבונית'


@pytest.fixture
def admin_user(db):
    return make_user("admin", role=Role.ADMIN, is_staff=True, is_superuser=True)


def hostile_mail() -> bytes:
    return raw(
        compose(
            "<img src=x onerror=alert(1)>",
            subject=HOSTILE_SUBJECT,
            sender="תוקף <attacker@evil.example>",
            message_id="<evil1@evil.example>",
        )
    )


def quarantine_mail(mail: bytes, reason: str = "RuntimeError: disk full") -> InboundRecord:
    quarantine(mail, source="inbox/evil.eml", reason=reason, key=raw_key(mail))
    return InboundRecord.objects.get(idempotency_key=raw_key(mail))


def test_a_manager_sees_each_quarantined_delivery_with_its_reason_sender_and_subject(yossi):
    ingest_email(BROKEN, source="inbox/broken.eml")
    quarantine_mail(hostile_mail())

    response = logged_in(yossi).get("/quarantine/")

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('<tr id="record-') == 2
    assert "no mail headers found" in page
    assert "RuntimeError: disk full" in page
    assert '<bdi>תוקף</bdi> <bdi dir="ltr">&lt;attacker@evil.example&gt;</bdi>' in page
    assert "inbox/broken.eml" in page
    # The hostile subject is text, never markup.
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; חשבונית" in page


@pytest.mark.parametrize("person", ["dana", "michal", "eli"])
def test_agents_and_team_leads_get_404_everywhere(person, request):
    user = request.getfixturevalue(person)
    record = quarantine_mail(hostile_mail())
    client = logged_in(user)

    assert client.get("/quarantine/").status_code == 404
    assert client.get(f"/quarantine/{record.pk}/raw/").status_code == 404
    assert client.post(f"/quarantine/{record.pk}/retry/").status_code == 404
    assert InboundRecord.objects.get().status == InboundStatus.QUARANTINED
    assert Ticket.objects.count() == 0


def test_a_logged_out_visitor_is_sent_to_log_in(db):
    from django.test import Client

    response = Client().get("/quarantine/")
    assert (response.status_code, response["Location"]) == (302, "/login/?next=/quarantine/")


def test_the_raw_download_is_the_exact_bytes_as_an_attachment(admin_user):
    mail = hostile_mail()
    record = quarantine_mail(mail)

    response = logged_in(admin_user).get(f"/quarantine/{record.pk}/raw/")

    assert response.status_code == 200
    assert response.content == mail
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == f'attachment; filename="quarantine-{record.pk}.eml"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_stored_delivery_is_not_in_quarantine_and_cannot_be_downloaded_here(yossi, noa):
    result = ingest_email(raw(compose(sender="noa@smile.example")))
    record = InboundRecord.objects.get(message_id=result.message_id)
    assert logged_in(yossi).get(f"/quarantine/{record.pk}/raw/").status_code == 404


def english(user):
    user.language = "en"
    user.save(update_fields=["language"])
    return user


def test_retry_stores_a_delivery_once_its_cause_is_gone_and_is_audited(yossi, noa):
    english(yossi)
    mail = raw(compose(sender="נועה לוי <noa@smile.example>", subject="בדיקת שחזור"))
    record = quarantine_mail(mail)

    response = logged_in(yossi).post(f"/quarantine/{record.pk}/retry/")

    assert (response.status_code, response["Location"]) == (302, "/quarantine/")
    record.refresh_from_db()
    assert record.status == InboundStatus.CREATED
    assert record.ticket.subject == "בדיקת שחזור"
    notes = [str(m) for m in get_messages(response.wsgi_request)]
    assert notes == [f"Delivery {record.pk} was stored: Opened a ticket."]
    event = AuditEvent.objects.get(action="inbound.retried")
    assert (event.actor, event.data) == (yossi, {"status": "created"})


def test_retrying_a_mail_that_still_cannot_be_read_keeps_it_quarantined_and_says_why(yossi):
    english(yossi)
    ingest_email(BROKEN)
    record = InboundRecord.objects.get()

    response = logged_in(yossi).post(f"/quarantine/{record.pk}/retry/", follow=True)

    assert InboundRecord.objects.get().status == InboundStatus.QUARANTINED
    notes = [str(m) for m in get_messages(response.wsgi_request)]
    assert notes == [f"Delivery {record.pk} is still quarantined: no mail headers found"]


def test_the_nav_shows_managers_the_quarantine_count_and_agents_nothing(yossi, dana):
    ingest_email(BROKEN)
    ingest_email(BROKEN + b"\r\nmore")

    manager_page = logged_in(yossi).get("/inbox/").content.decode()
    agent_page = logged_in(dana).get("/inbox/").content.decode()

    assert 'data-testid="quarantine-nav"' in manager_page
    assert '<span class="count">2</span></a>' in manager_page
    assert 'data-testid="quarantine-nav"' not in agent_page


def test_the_list_costs_the_same_queries_for_one_record_or_many(yossi):
    client = logged_in(yossi)
    ingest_email(BROKEN)
    client.get("/quarantine/")
    with CaptureQueriesContext(connection) as one:
        client.get("/quarantine/")
    for number in range(12):
        ingest_email(BROKEN + f"\r\n{number}".encode())
    with CaptureQueriesContext(connection) as many:
        client.get("/quarantine/")
    assert len(many) == len(one)


def test_the_admin_lists_deliveries_and_retries_the_selected_ones(admin_user, noa):
    mail = raw(compose(sender="noa@smile.example", subject="מהניהול"))
    record = quarantine_mail(mail)
    client = logged_in(admin_user)

    listing = client.get("/admin/conversations/inboundrecord/")
    response = client.post(
        "/admin/conversations/inboundrecord/",
        {"action": "retry_selected", "_selected_action": [record.pk]},
        follow=True,
    )

    assert listing.status_code == 200
    assert response.status_code == 200
    assert InboundRecord.objects.get(pk=record.pk).status == InboundStatus.CREATED
    assert Ticket.objects.get().subject == "מהניהול"


def test_a_message_kept_as_headers_only_is_not_retried_into_an_empty_ticket(yossi):
    english(yossi)
    head = b"From: noa@smile.example\r\nSubject: big\r\nMessage-ID: <big@smile.example>\r\n\r\n"
    reason = (
        "message is 30000000 bytes, over the 26214400 byte limit; only its headers are kept here"
    )
    record = quarantine_mail(head, reason=reason)

    response = logged_in(yossi).post(f"/quarantine/{record.pk}/retry/", follow=True)

    assert Ticket.objects.count() == 0
    notes = [str(m) for m in get_messages(response.wsgi_request)]
    assert notes == [
        f"Delivery {record.pk} is still quarantined: only the headers were kept; "
        "fetch the message from its mailbox"
    ]
