from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from shomer.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from shomer.webhooks.rules import MAX_ATTEMPTS, retry_delay, signature
from shomer.webhooks.tasks import deliver_due
from tests.conftest import make_ticket
from tests.servers import Recorder


@pytest.fixture
def receiver():
    with Recorder() as recorder:
        yield recorder


def test_ticket_creation_is_delivered_signed(db, receiver, noa, django_capture_on_commit_callbacks):
    endpoint = WebhookEndpoint.objects.create(url=receiver.url, events=["ticket.created"])

    with django_capture_on_commit_callbacks(execute=True):
        ticket = make_ticket(contact=noa)

    assert len(receiver.requests) == 1
    headers, body = receiver.requests[0]
    payload = json.loads(body)
    assert payload["event"] == "ticket.created"
    assert payload["data"]["id"] == ticket.pk
    assert payload["data"]["subject"] == "האתר לא עולה"
    expected = signature(endpoint.secret, int(headers["X-Shomer-Timestamp"]), body)
    assert headers["X-Shomer-Signature"] == expected
    assert headers["X-Shomer-Event"] == "ticket.created"
    assert WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED


def test_endpoint_without_event_list_gets_every_event(
    db, receiver, noa, django_capture_on_commit_callbacks
):
    WebhookEndpoint.objects.create(url=receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        make_ticket(contact=noa)
    events = sorted(json.loads(body)["event"] for _h, body in receiver.requests)
    assert events == ["message.created", "ticket.created"]


def test_a_failing_endpoint_is_retried_with_backoff_then_delivered(
    db, receiver, noa, django_capture_on_commit_callbacks
):
    WebhookEndpoint.objects.create(url=receiver.url, events=["ticket.created"])
    receiver.statuses = [500]

    with django_capture_on_commit_callbacks(execute=True):
        make_ticket(contact=noa)

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    wait = delivery.next_attempt_at - timezone.now()
    assert timedelta(seconds=25) < wait <= retry_delay(1)

    deliver_due()  # not due yet: nothing is sent
    assert len(receiver.requests) == 1

    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    deliver_due()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    assert receiver.requests[0][1] == receiver.requests[1][1]


def test_an_unreachable_endpoint_fails_after_the_last_attempt(
    db, noa, django_capture_on_commit_callbacks
):
    WebhookEndpoint.objects.create(
        url="http://127.0.0.1:9/nothing-listens", events=["ticket.created"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        make_ticket(contact=noa)
    for _ in range(MAX_ATTEMPTS):
        WebhookDelivery.objects.filter(status="pending").update(next_attempt_at=timezone.now())
        deliver_due()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", MAX_ATTEMPTS)
    assert delivery.last_error


def test_retry_delay_doubles_up_to_six_hours():
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert retry_delay(30) == timedelta(hours=6)


def test_no_endpoints_means_no_deliveries(db, noa):
    make_ticket(contact=noa)
    assert WebhookDelivery.objects.count() == 0
