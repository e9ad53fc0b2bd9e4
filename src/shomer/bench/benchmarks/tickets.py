"""Foundation benchmarks: creating tickets, and listing them through the API.

Each runs Shomer and django-helpdesk (in its own virtualenv, same database engine) on the
same sizes in the same run, and reports the ratio.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext

from shomer.bench.benchmarks.sla_db import populate
from shomer.bench.database import bench_database, peer_database_url
from shomer.bench.helpdesk import PeerRunError, run_helpdesk
from shomer.bench.registry import benchmark, line, percentile, progress
from shomer.conversations.services import do_create_ticket
from shomer.customers.models import Contact
from shomer.demo.generate import generate
from shomer.people.models import User

PEER = "django-helpdesk"
PEER_BUDGET_SECONDS = 300
SUBJECTS = ("האתר לא עולה", "Invoice question", "בקשה לפתוח תיבת דואר", "VPN keeps dropping")
BODY = "שלום, מאתמול האתר לא נטען אצל חלק מהלקוחות. אפשר לבדוק? Thanks, Noa"


def _peer(command: str, *args: str, timeout: float) -> dict[str, Any] | None:
    try:
        return run_helpdesk(command, *args, timeout=timeout, database_url=peer_database_url())
    except PeerRunError as error:
        progress(f"peer {PEER} failed: {error}")
        return None


@benchmark("ticket_create")
def ticket_create(quick: bool) -> Iterator[dict[str, Any]]:
    """Tickets created per second through the service layer (ticket, first message, audit,
    search text), one at a time, each in its own transaction."""
    count = 200 if quick else 2000
    with bench_database() as vendor:
        generate(customers=20, tickets=0, seed=1)
        contacts = list(Contact.objects.all())
        progress(f"ticket_create: {count} tickets on {vendor}")
        start = time.perf_counter()
        for index in range(count):
            do_create_ticket(
                subject=SUBJECTS[index % len(SUBJECTS)],
                body_text=BODY,
                contact=contacts[index % len(contacts)],
            )
        per_second = count / (time.perf_counter() - start)
    peer = _peer("create-tickets", "--n", str(count), timeout=1800)
    yield line(
        "ticket_create",
        per_second,
        "tickets/s",
        count,
        peer=PEER if peer else None,
        peer_value=peer["per_second"] if peer else None,
        database=vendor,
    )


def _api_latencies(requests: int, total: int, manager: User) -> tuple[list[float], float]:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(manager)
    pages = max(total // 25, 1)
    samples: list[float] = []
    queries: list[int] = []
    for index in range(requests):
        page = 1 + (index * 7919) % pages  # spread over the whole table
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get("/api/tickets/", {"page": page})
            samples.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"API list answered {response.status_code}")
        queries.append(len(captured))
    return samples, sum(queries) / len(queries)


@benchmark("api_ticket_list")
def api_ticket_list(quick: bool) -> Iterator[dict[str, Any]]:
    """API ticket list latency (25 a page, as a manager who sees every ticket), p50 and p95
    in ms, at growing table sizes; the peer's staff API list on the same sizes."""
    sizes = [1000] if quick else [10_000, 100_000]
    for size in sizes:
        requests = 30 if quick else 100
        with bench_database() as vendor:
            progress(f"api_ticket_list: populating {size} tickets on {vendor}")
            if vendor == "postgresql":  # generate_series: 100 k rows in seconds, not minutes
                populate(size)
                manager = User.objects.get(username="manager")
            else:
                generate(customers=max(size // 50, 10), tickets=size, seed=1)
                manager = User.objects.get(username="yossi")
            samples, queries = _api_latencies(requests, size, manager)
        # The peer runs one query per ticket in the table: few requests, bounded time.
        peer_requests = 5 if size <= 10_000 else 3
        peer = _peer(
            "api-list",
            "--tickets",
            str(size),
            "--requests",
            str(peer_requests),
            "--timeout-seconds",
            str(PEER_BUDGET_SECONDS),
            timeout=3600,
        )
        # A peer that finished no request within its budget took at least the budget: the
        # ratio is then a lower bound, and says so.
        unfinished = bool(peer) and peer.get("p50_ms") is None
        for stat in (50, 95):
            peer_value = (
                PEER_BUDGET_SECONDS * 1000 if unfinished else (peer or {}).get(f"p{stat}_ms")
            )
            yield line(
                f"api_ticket_list_p{stat}",
                percentile(samples, stat),
                "ms",
                size,
                peer=PEER if peer else None,
                peer_value=peer_value,
                peer_lower_bound=unfinished,
                higher_is_better=False,
                requests=requests,
                queries_per_request=round(queries, 1),
                peer_queries_per_request=peer.get("queries_per_request") if peer else None,
                database=vendor,
            )
