"""Drive django-helpdesk for `shomer bench`; run with the peer venv's python, not Shomer's.

    python runner.py [--database-url URL] create-tickets --n N [--via form|api]
    python runner.py [--database-url URL] api-list --tickets N --requests R [--timeout-seconds T]
    python runner.py [--database-url URL] email-ingest --dir DIR [--message-timeout S]

Each subcommand prints ONE JSON object on stdout; progress and errors go to stderr. The
database is migrated fresh on every run: a new SQLite file in a temporary folder (the
default, or `--database-url PATH`), or, for a `postgresql://` URL, a database of its own
(`helpdesk_bench_<pid>`) created on that server and dropped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402  (after the path is set, on purpose)

BENCH_PASSWORD = "bench-password-not-secret"


class MessageTimeout(Exception):
    """One message took longer than its budget."""


# --- database ---------------------------------------------------------------------------


def database_settings(url: str | None, workdir: Path) -> tuple[dict[str, Any], Callable[[], None]]:
    """Django's DATABASES["default"] for `url`, and a clean-up to call at the end."""
    if not url or not url.startswith(("postgres://", "postgresql://")):
        path = Path(url.removeprefix("sqlite:///")) if url else workdir / "helpdesk.sqlite3"
        for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
            stale.unlink(missing_ok=True)
        # The same pragmas as Shomer's own SQLite settings, so neither side wins on fsyncs.
        options = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
        sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path), "OPTIONS": options}
        return sqlite, lambda: None
    import psycopg
    from psycopg.conninfo import make_conninfo

    parsed = urlparse(url)
    server = {
        "host": parsed.hostname or "",
        "port": str(parsed.port or ""),
        "user": unquote(parsed.username or ""),
        "password": unquote(parsed.password or ""),
    }
    present = {key: value for key, value in server.items() if value}
    admin_database = parsed.path.lstrip("/") or "postgres"
    name = f"helpdesk_bench_{os.getpid()}"

    def admin(sql: str) -> None:
        conninfo = make_conninfo(dbname=admin_database, **present)
        with psycopg.connect(conninfo, autocommit=True) as connection:
            connection.execute(sql)

    admin(f'DROP DATABASE IF EXISTS "{name}"')
    admin(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        admin(f'DROP DATABASE IF EXISTS "{name}"')

    settings = {"ENGINE": "django.db.backends.postgresql", "NAME": name}
    settings.update({key.upper(): value for key, value in present.items()})
    return settings, drop


def start_django(database: dict[str, Any], workdir: Path) -> None:
    os.environ["HDBENCH_DATABASE"] = json.dumps(database)
    os.environ["HDBENCH_MEDIA_ROOT"] = str(workdir / "media")
    os.environ["DJANGO_SETTINGS_MODULE"] = "hdproject.settings"
    import django
    from django.core.management import call_command

    django.setup()
    progress("migrating a fresh database")
    call_command("migrate", verbosity=0, interactive=False)


def make_staff_and_queue(email_box_type: str | None = None) -> tuple[Any, Any]:
    from django.contrib.auth import get_user_model
    from helpdesk.models import Queue

    user = get_user_model().objects.create_superuser(
        "bench", "bench@example.com", BENCH_PASSWORD, first_name="דנה", last_name="כהן"
    )
    queue = Queue.objects.create(
        title="תמיכה / Support",
        slug="support",
        email_address="support@example.com",
        allow_email_submission=email_box_type is not None,
        email_box_type=email_box_type,
    )
    return user, queue


# --- create-tickets ---------------------------------------------------------------------


def create_tickets(count: int, via: str) -> dict[str, Any]:
    """N tickets through helpdesk's own creation path: its REST API, or its staff form."""
    import random

    from django.test import Client
    from helpdesk.forms import TicketForm
    from helpdesk.models import Ticket

    user, queue = make_staff_and_queue()
    rng = random.Random(1)
    payloads = []
    for _ in range(count):
        subject, body = corpus.ticket_text(rng)
        email = f"customer{rng.randint(1, 5000)}@{rng.choice(corpus.DOMAINS)}"
        payloads.append((subject, body, email, rng.choice([1, 2, 3, 3, 3, 4, 5])))
    client = Client()
    client.force_login(user)
    queue_choices = [(queue.id, queue.title)]
    progress(f"creating {count} tickets via {via}")
    start = time.perf_counter()
    for subject, body, email, priority in payloads:
        if via == "api":
            # POST /api/tickets/ -> TicketSerializer.create -> TicketForm.save
            response = client.post(
                "/api/tickets/",
                {
                    "queue": queue.id,
                    "title": subject,
                    "description": body,
                    "submitter_email": email,
                    "priority": priority,
                },
                content_type="application/json",
            )
            if response.status_code != 201:
                raise RuntimeError(
                    f"API create failed: {response.status_code} {response.content!r}"
                )
        else:
            form = TicketForm(
                data={
                    "queue": queue.id,
                    "title": subject,
                    "body": body,
                    "submitter_email": email,
                    "priority": priority,
                },
                queue_choices=queue_choices,
            )
            if not form.is_valid():
                raise RuntimeError(f"TicketForm rejected a ticket: {form.errors.as_json()}")
            form.save(user=user)
    seconds = time.perf_counter() - start
    stored = Ticket.objects.count()
    if stored != count:
        raise RuntimeError(f"asked for {count} tickets, {stored} stored")
    return {
        "tickets": count,
        "seconds": round(seconds, 6),
        "per_second": round(count / seconds, 3) if seconds else None,
        "via": via,
    }


# --- api-list ---------------------------------------------------------------------------


def populate(count: int, queue: Any, user: Any) -> None:
    """Fast population with bulk inserts; what is measured afterwards is the reading."""
    import random
    import uuid
    from datetime import timedelta

    from django.utils import timezone
    from helpdesk.models import Ticket

    rng = random.Random(2)
    now = timezone.now()
    batch = []
    for index in range(count):
        subject, body = corpus.ticket_text(rng)
        created = now - timedelta(minutes=7 * (count - index))
        batch.append(
            Ticket(
                title=subject,
                queue=queue,
                created=created,
                modified=created,
                submitter_email=f"customer{rng.randint(1, 5000)}@example.com",
                assigned_to=user if index % 3 == 0 else None,
                status=rng.choice([1, 1, 1, 2, 3, 4]),
                description=body,
                priority=rng.choice([1, 2, 3, 3, 3, 4, 5]),
                secret_key=str(uuid.UUID(int=rng.getrandbits(128))),
            )
        )
        if len(batch) == 2000:
            Ticket.objects.bulk_create(batch)
            batch = []
    Ticket.objects.bulk_create(batch)


@contextmanager
def count_queries() -> Iterator[list[int]]:
    """Counts every SQL statement, cheaply (no recording of the SQL itself)."""
    from django.db import connection

    counter = [0]

    def wrapper(execute: Any, sql: Any, params: Any, many: Any, context: Any) -> Any:
        counter[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield counter


def api_list(tickets: int, requests: int, timeout_seconds: float) -> dict[str, Any]:
    from django.test import Client

    user, queue = make_staff_and_queue()
    progress(f"populating {tickets} tickets")
    populate(tickets, queue, user)
    client = Client()
    client.force_login(user)
    pages = max(1, -(-tickets // 25))  # the API's page size is 25
    timings: list[float] = []
    queries: list[int] = []
    timed_out = False
    progress(f"timing up to {requests} GET /api/tickets/ over {pages} pages")
    budget_end = time.perf_counter() + timeout_seconds
    for index in range(requests):
        remaining = budget_end - time.perf_counter()
        if remaining <= 0:
            timed_out = True
            break
        page = 1 + (index * 7) % pages  # stride through the pages, not only the first
        try:
            with alarm(remaining), count_queries() as counter:
                start = time.perf_counter()
                response = client.get("/api/tickets/", {"page": page})
                elapsed = time.perf_counter() - start
        except MessageTimeout:
            timed_out = True
            break
        if response.status_code != 200:
            raise RuntimeError(f"GET /api/tickets/?page={page}: {response.status_code}")
        timings.append(elapsed * 1000)
        queries.append(counter[0])
    return {
        "tickets": tickets,
        "requests": len(timings),
        "requests_asked": requests,
        "timed_out": timed_out,
        "p50_ms": round(percentile(timings, 50), 3) if timings else None,
        "p95_ms": round(percentile(timings, 95), 3) if timings else None,
        "queries_per_request": round(statistics.fmean(queries), 1) if queries else None,
    }


def percentile(samples: list[float], pct: float) -> float:
    """Interpolated percentile, the same method as shomer.bench.registry.percentile."""
    if len(samples) == 1:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[int(pct) - 1]


# --- email-ingest -----------------------------------------------------------------------


@contextmanager
def alarm(seconds: float) -> Iterator[None]:
    """Raise MessageTimeout in the block after `seconds` (main thread only; SIGALRM)."""

    def on_alarm(signum: int, frame: Any) -> None:
        raise MessageTimeout

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.001))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def email_ingest(directory: Path, message_timeout: float) -> dict[str, Any]:
    """Every .eml in `directory` through helpdesk.email.extract_email_metadata, one by one.

    That is the function get_email's IMAP, POP3 and local-folder loops call per message,
    after `force_str(raw, errors="replace")` as its IMAP loop does. Each message runs in
    its own transaction (so a failure leaves nothing half-written) and under a time budget.
    """
    import logging

    from django.db import transaction
    from django.utils.encoding import force_str
    from helpdesk.email import extract_email_metadata
    from helpdesk.exceptions import DeleteIgnoredTicketException, IgnoreTicketException
    from helpdesk.models import FollowUp, Ticket

    _, queue = make_staff_and_queue(email_box_type="local")
    logger = logging.getLogger("django.helpdesk.queue.support")
    paths = sorted(directory.glob("*.eml"))
    raws = [path.read_bytes() for path in paths]
    stored = ignored = errors = timeouts = 0
    samples: list[str] = []
    progress(f"ingesting {len(raws)} messages from {directory}")
    start = time.perf_counter()
    for path, raw in zip(paths, raws, strict=True):
        try:
            with alarm(message_timeout), transaction.atomic():
                ticket = extract_email_metadata(
                    message=force_str(raw, errors="replace"), queue=queue, logger=logger
                )
        except (IgnoreTicketException, DeleteIgnoredTicketException):
            ignored += 1
            continue
        except MessageTimeout:
            errors += 1
            timeouts += 1
            error = "timeout"
            recover_connection()
        except Exception as exception:  # any failure is one error; the run goes on
            errors += 1
            error = f"{type(exception).__name__}: {str(exception)[:160]}"
        else:
            if ticket:
                stored += 1
            continue
        if len(samples) < 5:
            samples.append(f"{path.name}: {error}")
    seconds = time.perf_counter() - start
    return {
        "messages": len(raws),
        "seconds": round(seconds, 6),
        "per_second": round(len(raws) / seconds, 3) if seconds else None,
        "stored": stored,
        "errors": errors,
        "error_samples": samples,
        "timeouts": timeouts,
        "ignored": ignored,
        "tickets": Ticket.objects.count(),
        "followups": FollowUp.objects.count(),
    }


def recover_connection() -> None:
    """After an alarm, make sure no half-closed atomic block is left on the connection.

    The alarm can land while `transaction.atomic` is itself exiting; then Django still
    believes it is inside the block. Forget the block and reconnect, so the next message
    starts clean (the database rolls back whatever the dropped connection had open).
    """
    from django.db import connection

    if connection.in_atomic_block:
        connection.in_atomic_block = False
        connection.savepoint_ids = []
        connection.atomic_blocks = []
        connection.needs_rollback = False
        connection.close()


# --- command line -----------------------------------------------------------------------


def progress(message: str) -> None:
    print(f"helpdesk peer: {message}", file=sys.stderr, flush=True)


def parse(argv: list[str]) -> argparse.Namespace:
    help_text = "SQLite file path (default: a new temporary file) or postgresql:// URL"
    parser = argparse.ArgumentParser(prog="runner.py", description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help=help_text)
    # Accepted after the subcommand too; SUPPRESS keeps it from hiding the one given before.
    shared = argparse.ArgumentParser(add_help=False)
    shared.add_argument("--database-url", default=argparse.SUPPRESS, help=help_text)
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create-tickets", parents=[shared])
    create.add_argument("--n", type=int, required=True)
    # form (its staff form's TicketForm.save) is the lighter of its two creation paths, so
    # the default is the peer's best case; api adds its REST layer and a test-client request.
    create.add_argument("--via", choices=["form", "api"], default="form")
    listing = commands.add_parser("api-list", parents=[shared])
    listing.add_argument("--tickets", type=int, required=True)
    listing.add_argument("--requests", type=int, required=True)
    listing.add_argument("--timeout-seconds", type=float, default=300.0)
    ingest = commands.add_parser("email-ingest", parents=[shared])
    ingest.add_argument("--dir", type=Path, required=True)
    ingest.add_argument("--message-timeout", type=float, default=10.0)
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    options = parse(argv)
    for name in ("n", "tickets", "requests"):
        if getattr(options, name, 1) < 1:
            print(f"--{name} must be at least 1", file=sys.stderr)
            return 2
    if options.command == "email-ingest" and not options.dir.is_dir():
        print(f"--dir {options.dir} is not a folder", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="helpdesk-peer-") as temporary:
        workdir = Path(temporary)
        database, clean_up = database_settings(options.database_url, workdir)
        try:
            start_django(database, workdir)
            if options.command == "create-tickets":
                result = create_tickets(options.n, options.via)
            elif options.command == "api-list":
                result = api_list(options.tickets, options.requests, options.timeout_seconds)
            else:
                result = email_ingest(options.dir, options.message_timeout)
            result["database"] = database["ENGINE"].rsplit(".", 1)[-1]
        finally:
            clean_up()
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
