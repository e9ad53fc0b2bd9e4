"""Promises in the database: the reminder and breach scan over 100 k open commitments.

`commitments_scan`: seconds for one `shomer.commitments.scan.run_scan` (find the open rows
whose next step is due through the partial index on `next_action_at`, claim each reminder or
breach with a conditional UPDATE), and beside it the time spent telling people (a
notification, an e-mail job, an audit row and a webhook check per step) and a second, idle
scan. The rows are filled by SQL like the SLA benchmark's: 200 owners in 20 teams, 10 k
customers, dues from an hour ago to a week ahead, reminders an hour before; every earlier
step taken, except on one row in DUE_EVERY, whose step is due now (a breach, or every other one a reminder). Sizes: 100 k commitments; `--quick` uses 3,000.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from django.db import connection
from django.urls import reverse

from shomer.bench.benchmarks.sla_db import (  # the SQL fillers of the SLA benchmark
    NOW,
    _bulk_load,
    _insert_series,
    _staff,
    _timestamp,
)
from shomer.bench.database import bench_database
from shomer.bench.registry import benchmark, line, progress
from shomer.commitments.models import Commitment
from shomer.commitments.scan import run_scan
from shomer.customers.models import Customer

FULL_COMMITMENTS = 100_000
QUICK_COMMITMENTS = 3_000
DUE_EVERY = 1_000
CUSTOMERS_PER_COMMITMENT = 10


def populate(size: int) -> None:
    agents = _staff()
    first_agent = agents[0].pk
    customers = max(size // CUSTOMERS_PER_COMMITMENT, 10)
    now = int(NOW.timestamp())
    with _bulk_load(Customer, Commitment):
        _insert_series(
            Customer,
            customers,
            {"name": "'לקוח ' || n", "email_domain": "''", "phone": "''", "notes": "''"},
        )
        first_customer = Customer.objects.order_by("pk").values_list("pk", flat=True)[0]
        lagging = f"(n % {DUE_EVERY} = 1)"
        # A lagging row is due for a breach (due ten minutes ago) or, every other one, for
        # its reminder (due in twenty minutes, reminded forty minutes ago).
        due = (
            f"(CASE WHEN {lagging} THEN {now} - 600 + (n / {DUE_EVERY} % 2) * 1800 "
            f"ELSE {now} - 3600 + (n * 7919) % (86400 * 7) END)"
        )
        remind = f"({due} - 3600)"
        # Not lagging: the scan took every earlier step (reminded, or broken at the due).
        broken = f"(NOT {lagging} AND {due} < {now})"
        reminded = f"(NOT {lagging} AND {remind} < {now})"
        next_action = (
            f"CASE WHEN {lagging} THEN {_timestamp(str(now - 30))} "
            f"WHEN {broken} THEN NULL WHEN {reminded} THEN {_timestamp(due)} "
            f"ELSE {_timestamp(remind)} END"
        )
        _insert_series(
            Commitment,
            size,
            {
                "kind": (
                    "CASE n % 5 WHEN 0 THEN 'callback' WHEN 1 THEN 'follow_up' "
                    "WHEN 2 THEN 'delivery' WHEN 3 THEN 'refund' ELSE 'other' END"
                ),
                "text": "'אחזור אלייך עם תשובה, הבטחה מספר ' || n",
                "customer_id": f"{first_customer} + (n * 31) % {customers}",
                "owner_id": f"{first_agent} + n % {len(agents)}",
                "due_at": _timestamp(due),
                "state": f"CASE WHEN {broken} THEN 'broken' ELSE 'open' END",
                "source": "'manual'",
                "created_at": _timestamp(f"{due} - 172800"),
                "broken_at": f"CASE WHEN {broken} THEN {_timestamp(due)} END",
                "remind_at": _timestamp(remind),
                "reminded_at": f"CASE WHEN {reminded} THEN {_timestamp(remind)} END",
                "next_action_at": next_action,
                "reason": "''",
                "phone": "''",
            },
        )
    with connection.cursor() as cursor:
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")


@benchmark("commitments_scan")
def commitments_scan(quick: bool) -> Iterator[dict[str, Any]]:
    """One reminder-and-breach scan over 100 k open commitments, 0.1 % with a step due."""
    size = QUICK_COMMITMENTS if quick else FULL_COMMITMENTS
    with bench_database() as vendor:
        progress(f"commitments_scan: populating {size} commitments on {vendor}")
        started = time.perf_counter()
        populate(size)
        progress(f"commitments_scan: populated in {time.perf_counter() - started:.1f} s")
        open_rows = Commitment.objects.filter(state="open").count()
        reverse("inbox")  # a worker has its URLs loaded (the notifications link to tickets)
        start = time.perf_counter()
        result = run_scan(NOW)
        seconds = time.perf_counter() - start
        start = time.perf_counter()
        again = run_scan(NOW)
        idle = time.perf_counter() - start
    steps = result.reminded + result.broken
    yield line(
        "commitments_scan",
        result.claim_seconds,
        "s",
        size,
        higher_is_better=False,
        open_commitments=open_rows,
        steps=steps,
        reminded=result.reminded,
        broken=result.broken,
        notifications=result.notifications,
        notify_s=round(result.notify_seconds, 6),
        notify_ms_per_step=round(1000 * result.notify_seconds / max(steps, 1), 3),
        total_s=round(seconds, 6),
        idle_scan_s=round(idle, 6),
        idle_scan_steps=again.reminded + again.broken,
        database=vendor,
    )
