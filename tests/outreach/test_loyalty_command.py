"""`shomer loyalty plan|send|run`: the beat's work, once, at a given instant."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from shomer.customers.models import Contact, Customer, Invoice

pytestmark = pytest.mark.django_db


def run(*args: str) -> dict:
    out = io.StringIO()
    call_command("loyalty", *args, stdout=out)
    return json.loads(out.getvalue())


def test_plan_then_send_at_a_given_instant(mailoutbox):
    bakery = Customer.objects.create(name="מאפיית הכיכר", customer_since=dt.date(2022, 11, 25))
    Contact.objects.create(customer=bakery, name="רונית שחר", email="ronit@kikar.example")
    Invoice.objects.create(customer=bakery, number="K-1", amount=Decimal("900"), issued_on=dt.date(2026, 10, 1),
                           due_on=dt.date(2026, 11, 1))  # fmt: skip
    planned = run("plan", "--now", "2026-11-22T07:00+02:00")
    assert planned["planned"] == {
        "nps": 1,
        "exit": 0,
        "touchpoints": 1,  # the anniversary on the 25th (its check-in falls in the same week)
        "collections": {"cancelled": 0, "planned": 1},
    }
    sent = run("send", "--now", "2026-11-22T10:00+02:00")
    assert sent["sent"] == {"surveys": {"sent": 1}, "touchpoints": {}, "collections": {"sent": 1}}
    assert sorted(m.subject for m in mailoutbox) == [
        "שאלה אחת קצרה מShomer",
        "תזכורת ידידותית: חשבונית K-1",
    ]
    later = run("run", "--now", "2026-11-25T10:00+02:00")
    assert later["sent"]["touchpoints"] == {"sent": 1}


def test_a_bad_instant_is_refused():
    with pytest.raises(CommandError):
        run("plan", "--now", "tomorrow")
    with pytest.raises(CommandError):
        run("plan", "--now", "2026-11-22T10:00")
