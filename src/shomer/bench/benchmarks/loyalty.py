"""Listening and loyalty: templates, touchpoint planning, the claim-and-send loop.

- `loyalty_template_render`: templates filled per second (a payment reminder with its ten
  variables, Hebrew and English in turn), the pure renderer.
- `loyalty_outreach`: on a fresh database, seconds to plan the next 30 days of touchpoints
  for N customers (birthdays, anniversaries, check-ins, after-sale follow-ups), then mails
  per second through the worker's loop (claim by conditional UPDATE, write from the
  template library, send through Django's mail backend, record), and the collections
  ladder planned for N overdue invoices (each text read by the tone coach).
  The mail backend is Django's in-memory one: SMTP round trips are the mail server's
  figure, not ours.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.test import override_settings
from django.urls import reverse

from shomer.bench.database import bench_database
from shomer.bench.registry import benchmark, line, progress
from shomer.customers.models import Contact, Customer, Invoice
from shomer.outreach import collections, mail, rules, touchpoints
from shomer.outreach.defaults import DEFAULT_TEMPLATES, SAMPLE_VARIABLES
from shomer.outreach.models import Touchpoint

ZONE = ZoneInfo("Asia/Jerusalem")
FIRST_NAMES = ["נועה", "Mark", "רונית", "Dan", "יעל", "Sarah", "אבי", "Omer"]


@benchmark("loyalty_template_render")
def template_render(quick: bool) -> Iterator[dict[str, Any]]:
    count = 20_000 if quick else 200_000
    texts = [DEFAULT_TEMPLATES["collection_2"][language] for language in ("he", "en")]
    started = time.perf_counter()
    for index in range(count):
        language = index % 2
        subject, body = texts[language]
        variables = SAMPLE_VARIABLES["he" if language == 0 else "en"]
        rules.render(subject, variables)
        rules.render(body, variables)
    elapsed = time.perf_counter() - started
    yield line("loyalty_template_render", count / elapsed, "templates/s", count)


def _book(customers: int, seed: int) -> None:
    rng = random.Random(seed)
    today = dt.date(2026, 11, 22)
    made = Customer.objects.bulk_create(
        Customer(
            name=f"לקוח {index}",
            language="he" if index % 3 else "en",
            customer_since=today - dt.timedelta(days=rng.randint(20, 2000)),
        )
        for index in range(customers)
    )
    Contact.objects.bulk_create(
        Contact(
            customer=customer,
            name=f"{FIRST_NAMES[index % len(FIRST_NAMES)]} {index}",
            email=f"c{index}@book.example",
            language=customer.language,
            birthday=dt.date(1960, 1, 1) + dt.timedelta(days=rng.randint(0, 14000)),
            is_primary=True,
        )
        for index, customer in enumerate(made)
    )
    Invoice.objects.bulk_create(
        Invoice(
            customer=customer,
            number=f"B-{index}",
            amount=Decimal(rng.randint(300, 9000)),
            issued_on=today - dt.timedelta(days=rng.randint(1, 60)),
            due_on=today - dt.timedelta(days=rng.randint(-20, 40)),
        )
        for index, customer in enumerate(made)
    )


@benchmark("loyalty_outreach")
def outreach(quick: bool) -> Iterator[dict[str, Any]]:
    customers = 120 if quick else 5_000
    now = dt.datetime(2026, 11, 22, 7, tzinfo=ZONE)
    with (
        bench_database() as vendor,
        override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
    ):
        _book(customers, seed=9)
        progress(f"loyalty_outreach: {customers} customers on {vendor}")
        started = time.perf_counter()
        planned = touchpoints.do_plan(now)
        plan_seconds = time.perf_counter() - started
        yield line(
            "loyalty_plan_touchpoints", plan_seconds, "s", customers, higher_is_better=False,
            touchpoints=planned, database=vendor,
        )  # fmt: skip
        Touchpoint.objects.update(send_at=now)
        # Warm up what a running worker has loaded long before (the URLconf, templates).
        reverse("outreach-unsubscribe", args=["warm"])
        first = Touchpoint.objects.order_by("pk").first()
        if first is not None and first.contact is not None:
            mail.build(touchpoints.letter_for(first, first.contact), message_id="warm@bench")
        started = time.perf_counter()
        sent = 0
        while counts := touchpoints.do_send_due(now):
            sent += counts.get("sent", 0)
        send_seconds = time.perf_counter() - started
        yield line("loyalty_send", sent / send_seconds, "mails/s", sent, database=vendor)
        started = time.perf_counter()
        ladder = collections.do_plan(now)
        ladder_seconds = time.perf_counter() - started
        yield line(
            "loyalty_collections_plan", ladder_seconds, "s", customers, higher_is_better=False,
            reminders=ladder["planned"], database=vendor,
        )  # fmt: skip
