"""Web channels: contact-form posts through the whole stack, and callback due times.

`web_form_submit` posts the public contact form with Django's test client (form and token
checks, the raw JSON kept, the one pipeline, contact matching, ticket, message, language
analysis, SLA clocks) one submission at a time. `callback_due` is the pure engine: a window
check on the team calendar plus a due time from the callback target.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.test import Client

from shomer.bench.database import bench_database
from shomer.bench.registry import benchmark, line, progress
from shomer.channels.web.tokens import new_form_token
from shomer.commitments import rules
from shomer.sla.calendar import Calendar
from shomer.sla.defaults import DEFAULT_CALENDAR

MESSAGES = (
    ("בקשה להצעת מחיר", "שלום, אנחנו חנות פרחים בחיפה ומחפשים אתר עם הזמנות אונליין."),
    ("Website down", "Hi, our booking page shows an error since this morning. Can you check?"),
    ("שאלה על חשבונית", "קיבלנו חשבונית כפולה על חודש מרץ, אפשר לבדוק?"),
)


@benchmark("web_form_submit")
def web_form_submit(quick: bool) -> Iterator[dict[str, Any]]:
    count = 60 if quick else 600
    with bench_database() as vendor:
        client = Client(HTTP_HOST="127.0.0.1")  # an allowed host outside the test runner
        progress(f"web_form_submit: {count} contact-form posts on {vendor}")
        elapsed = 0.0
        # The first post loads the language models; that is start-up, not a submission.
        for index in range(-1, count):
            subject, message = MESSAGES[index % len(MESSAGES)]
            data = {
                "token": new_form_token(),
                "name": f"לקוח {index}",
                "email": f"visitor{index % 50}@gmail.com",
                "subject": subject,
                "message": message,
                "website": "",
            }
            cache.clear()  # one address posting hundreds of forms is what the limit stops
            start = time.perf_counter()
            response = client.post("/contact/", data)
            if index >= 0:
                elapsed += time.perf_counter() - start
            if response.status_code != 302:
                raise RuntimeError(f"contact form answered {response.status_code}")
    yield line("web_form_submit", count / elapsed, "submissions/s", count, database=vendor)


@benchmark("callback_due")
def callback_due(quick: bool) -> Iterator[dict[str, Any]]:
    count = 5_000 if quick else 50_000
    calendar = Calendar.from_dict(DEFAULT_CALENDAR)
    zone = ZoneInfo("Asia/Jerusalem")
    start = dt.datetime(2026, 3, 1, 8, 0, tzinfo=zone)
    moments = [start + dt.timedelta(minutes=37 * index) for index in range(count)]
    began = time.perf_counter()
    for index, now in enumerate(moments):
        day = now.date() + dt.timedelta(days=index % 2)
        window = rules.local_window(day, dt.time(10), dt.time(12), "Asia/Jerusalem")
        if rules.check_window(window, now, calendar) is None:
            rules.callback_due(now, calendar, window=window)
        else:
            rules.callback_due(now, calendar, target_minutes=120)
    per_second = count / (time.perf_counter() - began)
    yield line("callback_due", per_second, "callbacks/s", count)
