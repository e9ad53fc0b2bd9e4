"""A webhook travels through a real broker (Redis) and a real Celery worker process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time

import pytest
from django.db import connection

from shomer.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from tests.servers import Recorder, redis_url


def database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings["USER"] or ""
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


@pytest.fixture
def broker():
    with redis_url() as url:
        yield url


# The producer is a separate process too, configured like production: it opens the ticket
# through the service layer and publishes the delivery task to Redis on commit.
OPEN_TICKET = """
from shomer.conversations.services import do_create_ticket
from shomer.customers.models import Contact
ticket = do_create_ticket(subject="האתר לא עולה", body_text="שלום", contact=Contact.objects.get(pk={contact}))
print(ticket.pk)
"""


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_the_event(broker, noa):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "shomer.settings",
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "DATABASE_URL": database_url(),
        "SHOMER_HOME": tempfile.mkdtemp(prefix="shomer-worker-"),
    }
    with Recorder() as receiver:
        WebhookEndpoint.objects.create(url=receiver.url, events=["ticket.created"])
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "shomer",
                "worker",
                "--pool",
                "solo",
                "--loglevel",
                "warning",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ],
            env=environment,
        )
        try:
            opened = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "shomer.cli",
                    "shell",
                    "-c",
                    OPEN_TICKET.format(contact=noa.pk),
                ],
                env=environment,
                capture_output=True,
                text=True,
                check=True,
            )
            ticket_id = int(opened.stdout.split()[-1])
            assert receiver.received.wait(timeout=60), "the worker delivered nothing in 60 s"
            # The worker records the outcome just after the receiver answered.
            deadline = time.monotonic() + 30
            while WebhookDelivery.objects.get().status == DeliveryStatus.PENDING:
                assert time.monotonic() < deadline, "the delivery was never marked delivered"
                time.sleep(0.2)
        finally:
            worker.terminate()
            worker.wait(timeout=30)

    payload = json.loads(receiver.requests[0][1])
    assert payload["data"]["id"] == ticket_id
    assert WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED
