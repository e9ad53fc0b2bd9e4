"""Customer health: recomputing every customer's health, churn risk, fit, type and money.

- `health_recompute_full`: seconds for the nightly full recompute (BG/NBD refitted on the
  invoices and on the contacts, every source read, every score, reason, snapshot and the
  sweet spot written) of 100,000 customers (target <= 30 s); `--quick`: 2,000.
- `health_recompute_dirty`: seconds to rescore one batch of 500 customers marked dirty by
  events (the five-minute job), with the stored fits.

The book is written straight into a fresh database with multi-row SQL (COPY on
PostgreSQL), not through the services, so that building 100,000 customers with 800,000
invoices, 300,000 tickets, their messages and analyses takes seconds, not hours; the
recompute itself is timed through `shomer.health.services`, exactly as the jobs run it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import random
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.utils import timezone

from shomer.bench.database import bench_database
from shomer.bench.registry import benchmark, line, progress, timer
from shomer.customers.models import Customer, Invoice
from shomer.health import services
from shomer.health.models import CustomerScore
from shomer.people.models import Role, User

ISRAEL = ZoneInfo("Asia/Jerusalem")
FULL_CUSTOMERS = 100_000
QUICK_CUSTOMERS = 2_000
TARGET_SECONDS = 30.0
INVOICES_PER_CUSTOMER = 8
TICKETS_PER_CUSTOMER = 3
DIRTY_BATCH = 500


def _insert(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Many rows at once: COPY on PostgreSQL, executemany on SQLite."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            names = ", ".join(columns)
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            # Stored as Django stores them (UTC text), so that SQL compares them rightly.
            ops = connection.ops

            def adapt(value: Any) -> Any:
                if isinstance(value, dt.datetime):
                    return ops.adapt_datetimefield_value(value)
                if isinstance(value, dt.date):
                    return ops.adapt_datefield_value(value)
                return value

            rows = (tuple(adapt(value) for value in row) for row in rows)
            marks = ", ".join("%s" for _ in columns)
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
            batch: list[Sequence[Any]] = []
            for row in rows:
                batch.append(row)
                if len(batch) == 10_000:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)


@contextlib.contextmanager
def _fast_sqlite_writes() -> Iterator[None]:
    """Building the book only: a large page cache and no fsync on SQLite (millions of rows
    into indexed tables); the product's own settings are back for the timed recompute."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (cache_size,) = cursor.fetchone()
        cursor.execute("PRAGMA cache_size = -262144")
        cursor.execute("PRAGMA synchronous = OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")
            cursor.execute("PRAGMA synchronous = NORMAL")


def _ids(table: str) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table} ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


def _day_at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=ISRAEL)


def build_book(customers: int, *, seed: int = 1, now: dt.datetime) -> dict[str, int]:
    """A business with `customers` customers and a realistic history, written with SQL."""
    rng = random.Random(seed)
    today = now.astimezone(ISRAEL).date()
    agent = User.objects.create_user(username="bench-agent", role=Role.AGENT)
    created = now
    with _fast_sqlite_writes(), transaction.atomic():
        _insert(
            Customer._meta.db_table,
            [
                "name",
                "kind",
                "status",
                "tier",
                "language",
                "email_domain",
                "phone",
                "notes",
                "customer_since",
                "left_on",
                "created_at",
            ],
            (
                (
                    f"Customer {n}",
                    "organisation",
                    "left" if n % 12 == 0 else "active",
                    rng.choice(("basic", "standard", "premium", "vip")),
                    "he",
                    "",
                    "",
                    "",
                    today - dt.timedelta(days=rng.randint(60, 2000)),
                    today - dt.timedelta(days=rng.randint(10, 400)) if n % 12 == 0 else None,
                    created,
                )
                for n in range(customers)
            ),
        )
        ids = _ids(Customer._meta.db_table)
        invoices = 0

        def invoice_rows() -> Iterator[tuple[Any, ...]]:
            nonlocal invoices
            for customer in ids:
                gap = rng.choice((30, 30, 60, 90, 45))
                last = today - dt.timedelta(days=rng.choice((5, 20, 40, 200, 400)))
                for k in range(rng.randint(1, 2 * INVOICES_PER_CUSTOMER - 1)):
                    issued = last - dt.timedelta(days=gap * k + rng.randint(0, 5))
                    due = issued + dt.timedelta(days=30)
                    late = rng.random() < 0.08
                    paid = due + dt.timedelta(days=40 if late else -10)
                    invoices += 1
                    yield (
                        customer,
                        f"B-{customer}-{k}",
                        rng.choice((450, 800, 1200, 2500)),
                        "ILS",
                        issued,
                        due,
                        paid if paid <= today else None,
                        "paid" if paid <= today else "open",
                        "",
                        created,
                    )

        _insert(
            Invoice._meta.db_table,
            [
                "customer_id",
                "number",
                "amount",
                "currency",
                "issued_on",
                "due_on",
                "paid_on",
                "status",
                "description",
                "created_at",
            ],
            invoice_rows(),
        )
        tickets_table = "conversations_ticket"
        ticket_rows = []
        for customer in ids:
            for _ in range(rng.randint(0, 2 * TICKETS_PER_CUSTOMER)):
                opened = _day_at(today - dt.timedelta(days=rng.randint(0, 360)), rng.randint(6, 23))
                answered = opened + dt.timedelta(hours=rng.choice((1, 2, 5, 20, 50)))
                ticket_rows.append(
                    (
                        "Bench ticket",
                        "solved",
                        rng.choice(("normal", "normal", "high", "urgent")),
                        2,
                        "email",
                        rng.choice(("question", "problem", "complaint")),
                        customer,
                        agent.pk,
                        opened,
                        answered,
                        answered,
                        answered,
                        answered,
                        1,
                        "",
                    )
                )
        _insert(
            tickets_table,
            [
                "subject",
                "status",
                "priority",
                "priority_rank",
                "channel",
                "kind",
                "customer_id",
                "assignee_id",
                "created_at",
                "updated_at",
                "last_message_at",
                "first_response_at",
                "solved_at",
                "message_count",
                "search_text",
            ],
            ticket_rows,
        )
        ticket_ids = _ids(tickets_table)
        _insert(
            "conversations_message",
            [
                "ticket_id",
                "direction",
                "channel",
                "body_text",
                "body_html",
                "raw",
                "created_at",
                "delivery_status",
                "delivery_error",
            ],
            (
                (ticket, "inbound", "email", "שלום, יש בעיה באתר", "", b"", row[8], "", "")
                for ticket, row in zip(ticket_ids, ticket_rows, strict=True)
            ),
        )
        message_ids = _ids("conversations_message")
        _insert(
            "analysis_messageanalysis",
            [
                "message_id",
                "lang",
                "sentiment",
                "label",
                "abuse",
                "is_abusive",
                "is_shielded",
                "urgency",
                "dissatisfaction",
                "knows_better",
                "always_on",
                "out_of_scope",
                "promises",
                "model_version",
                "analysed_at",
            ],
            (
                (
                    message,
                    "he",
                    s := rng.uniform(-1, 1),
                    "negative" if s < -0.3 else "neutral",
                    0.9 if a else 0.0,
                    a,
                    a,
                    rng.random(),
                    0.0,
                    rng.random() < 0.05,
                    rng.random() < 0.03,
                    rng.random() < 0.03,
                    "[]",
                    "bench",
                    created,
                )
                for message in message_ids
                for a in (rng.random() < 0.01,)
            ),
        )
        _insert(
            "conversations_timeentry",
            ["ticket_id", "user_id", "minutes", "note", "worked_at", "created_at"],
            (
                (ticket, agent.pk, rng.choice((10, 20, 45, 90)), "", row[8], created)
                for ticket, row in zip(ticket_ids, ticket_rows, strict=True)
                if rng.random() < 0.5
            ),
        )
    if connection.vendor == "postgresql":
        # Fresh tables have no planner statistics yet; in production autovacuum has them.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"customers": len(ids), "invoices": invoices, "tickets": len(ticket_ids)}


def _server_cpu() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend, when the server
    runs on this machine (read from /proc); None otherwise or on SQLite (in-process)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _run(size: int) -> Iterator[dict[str, Any]]:
    with bench_database() as vendor:
        now = timezone.now()
        progress(f"health: building a book of {size} customers on {vendor}")
        with timer() as elapsed:
            book = build_book(size, now=now)
        progress(f"health: built in {elapsed():.1f} s; recomputing everyone")
        cpu, server = time.process_time(), _server_cpu()
        with timer() as elapsed:
            scored = services.do_recompute_all(now=now, train=False)
            full = elapsed()
        cpu = time.process_time() - cpu
        server_after = _server_cpu()
        server_cpu = None if server is None or server_after is None else server_after - server
        yield line(
            "health_recompute_full",
            full,
            "s",
            scored,
            higher_is_better=False,
            target_s=TARGET_SECONDS if size == FULL_CUSTOMERS else None,
            customers_per_s=round(scored / full),
            # This process's CPU seconds: the wall time less what other load on the machine
            # (and the database server, on PostgreSQL) took.
            cpu_s=round(cpu, 2),
            # PostgreSQL's backend CPU seconds for the same run (local server only):
            # cpu_s + db_cpu_s is what the run costs on an idle machine.
            db_cpu_s=None if server_cpu is None else round(server_cpu, 2),
            load_average=round(os.getloadavg()[0], 1),
            database=vendor,
            **{k: v for k, v in book.items() if k != "customers"},
        )
        ids = list(
            CustomerScore.objects.order_by("?").values_list("customer_id", flat=True)[:DIRTY_BATCH]
        )
        CustomerScore.objects.filter(customer_id__in=ids).update(is_dirty=True)
        with timer() as elapsed:
            rescored = services.do_recompute_dirty(now=now)
            dirty = elapsed()
        yield line(
            "health_recompute_dirty",
            dirty,
            "s",
            rescored,
            higher_is_better=False,
            database=vendor,
            book=scored,
        )


@benchmark("health_recompute")
def health_recompute(quick: bool) -> Iterator[dict[str, Any]]:
    """Full recompute of the whole book, then one batch of dirty customers."""
    yield from _run(QUICK_CUSTOMERS if quick else FULL_CUSTOMERS)
