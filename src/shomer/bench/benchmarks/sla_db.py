"""SLA in the database: the breach scan and the agent inbox at a million tickets.

- `sla_breach_scan_db`: seconds for one `run_scan` (find the due rows through the partial
  index on `next_action_at`, claim each step with a conditional UPDATE, notify, audit) over
  the timers of 1 M open tickets, of which about 0.1 % have a step due (target: <= 1 s).
- `inbox_my_open_by_sla`: the agent inbox page "my open tickets, SLA due first", server time
  through Django's test client (middleware, query, countdowns, template), p50/p95 in ms
  (target p95 <= 100 ms); and `api_ticket_list_1m`: the API list as the same agents, p95
  (target <= 50 ms), with the query count at page sizes 25 and 100 (it must not change).

The tables are filled by SQL (`generate_series` on PostgreSQL, a recursive CTE on SQLite),
not the ORM: 1 M tickets and their timers take well under a minute. Every NOT NULL column
the benchmark does not set gets its model default, so new fields with defaults need no edit
here. Sizes: 1 M tickets, 100 k customers, 200 agents in 20 teams; `--quick` uses 3,000.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Iterator, Mapping
from typing import Any

from django.db import connection, models
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shomer.bench.database import bench_database
from shomer.bench.registry import benchmark, line, percentile, progress
from shomer.conversations.models import Ticket
from shomer.customers.models import Customer
from shomer.people.models import Role, Team, User
from shomer.sla.calendar import business_seconds_between
from shomer.sla.models import SlaTimer
from shomer.sla.scan import run_scan
from shomer.sla.services import default_calendar

NOW = dt.datetime(2026, 11, 8, 12, 0, tzinfo=dt.UTC)
TEAMS = 20
AGENTS_PER_TEAM = 10
FULL_TICKETS = 1_000_000
QUICK_TICKETS = 3_000
# One timer in this many has a step due at NOW (a warning, a breach or the manager).
DUE_EVERY = 1_000


def _series_sql(count: int) -> tuple[str, str]:
    """(prefix, FROM clause) producing rows n = 1..count in the current database."""
    if connection.vendor == "postgresql":
        return "", f"FROM generate_series(1::bigint, {int(count)}) AS s(n)"
    return (
        f"WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {int(count)}) ",
        "FROM s",
    )


def _timestamp(seconds_sql: str) -> str:
    """SQL for the instant `seconds_sql` seconds after the Unix epoch (UTC)."""
    if connection.vendor == "postgresql":
        return f"to_timestamp({seconds_sql})"
    return f"datetime({seconds_sql}, 'unixepoch')"


def _insert_series(model: type[models.Model], count: int, values: Mapping[str, str]) -> None:
    """INSERT `count` rows, column SQL expressions in `values` (over n = 1..count); every
    other NOT NULL column gets its model default as a parameter."""
    columns: list[str] = []
    expressions: list[str] = []
    params: list[Any] = []
    for field in model._meta.concrete_fields:
        if field.primary_key and field.column not in values:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.column in values:
            # The expressions are SQL, not format strings: escape their modulo signs.
            expressions.append(values[field.column].replace("%", "%%"))
        elif field.null:
            expressions.append("NULL")
        else:
            expressions.append("%s")
            params.append(field.get_db_prep_save(field.get_default(), connection))
    prefix, source = _series_sql(count)
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"{prefix}INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(expressions)} {source}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@contextlib.contextmanager
def _bulk_load(*tables: type[models.Model]) -> Iterator[None]:
    """On PostgreSQL: foreign-key triggers off and the tables' secondary indexes dropped
    while loading, rebuilt after (one sorted build each beats a million random inserts).
    The loader writes consistent keys, so nothing is left unchecked that could be wrong."""
    if connection.vendor != "postgresql":
        yield
        return
    names = [model._meta.db_table for model in tables]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            [names],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
            for _name, definition in indexes:
                cursor.execute(definition)


def _staff() -> list[User]:
    """20 teams of 10 agents (the first one leads), and a manager."""
    teams = Team.objects.bulk_create(Team(name=f"צוות {index + 1}") for index in range(TEAMS))
    agents = User.objects.bulk_create(
        User(
            username=f"agent{index:03d}",
            first_name=f"נציג {index}",
            role=Role.TEAM_LEAD if index % AGENTS_PER_TEAM == 0 else Role.AGENT,
            password="!",
        )
        for index in range(TEAMS * AGENTS_PER_TEAM)
    )
    User.objects.create(username="manager", role=Role.MANAGER, password="!")
    memberships = []
    for index, agent in enumerate(agents):
        team = teams[index // AGENTS_PER_TEAM]
        memberships.append(User.teams.through(user_id=agent.pk, team_id=team.pk))
        if index % AGENTS_PER_TEAM == 0:
            team.lead = agent
    User.teams.through.objects.bulk_create(memberships)
    Team.objects.bulk_update(teams, ["lead"])
    return agents


def populate(tickets: int) -> list[User]:
    """Staff, customers (one per ten tickets) and `tickets` open tickets, each with a
    running first-response timer; the ticket's agent is n mod 200, its team the agent's."""
    agents = _staff()
    first_agent, first_team = agents[0].pk, Team.objects.order_by("pk")[0].pk
    customers = max(tickets // 10, 10)
    with _bulk_load(Customer, Ticket, SlaTimer):
        _fill(tickets, customers, agents, first_agent, first_team)
    with connection.cursor() as cursor:
        # Statistics and visibility maps, as autovacuum keeps them on a live table (index-only
        # counts depend on the latter).
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
    return agents


def _fill(
    tickets: int, customers: int, agents: list[User], first_agent: int, first_team: int
) -> None:
    _insert_series(
        Customer,
        customers,
        {"name": "'לקוח ' || n", "email_domain": "''", "phone": "''", "notes": "''"},
    )
    first_customer = Customer.objects.order_by("pk").values_list("pk", flat=True)[0]
    now = int(NOW.timestamp())
    agent = f"(n % {len(agents)})"
    # Dues spread from 2 h ago to 5 days ahead; a pending ticket (one in five) has none.
    due = f"({now} - 7200 + (n * 7919) % 439200)"
    open_ticket = "(n % 5 <> 0)"
    _insert_series(
        Ticket,
        tickets,
        {
            "subject": "'פנייה מספר ' || n",
            "status": "CASE WHEN n % 5 = 0 THEN 'pending' WHEN n % 3 = 0 THEN 'new' ELSE 'open' END",
            "priority": "CASE n % 10 WHEN 0 THEN 'urgent' WHEN 1 THEN 'high' ELSE 'normal' END",
            "priority_rank": "CASE n % 10 WHEN 0 THEN 0 WHEN 1 THEN 1 ELSE 2 END",
            "customer_id": f"{first_customer} + (n * 31) % {customers}",
            "assignee_id": f"{first_agent} + {agent}",
            "team_id": f"{first_team} + {agent} / {AGENTS_PER_TEAM}",
            "created_at": _timestamp(f"{now} - 86400 * 30 + (n * 13) % (86400 * 30)"),
            "updated_at": _timestamp(f"{now} - 86400 * 7 + (n * 17) % (86400 * 7)"),
            "sla_due_at": f"CASE WHEN {open_ticket} THEN {_timestamp(due)} END",
            "search_text": "''",
        },
    )
    first_ticket = Ticket.objects.order_by("pk").values_list("pk", flat=True)[0]
    # Earlier scans took every step that was due before NOW, except on one timer in
    # DUE_EVERY, whose next step is due now (a warning, or a breach when past due).
    warn, escalate = f"({due} - 2880)", f"({due} + 7200)"
    lagging = f"(n % {DUE_EVERY} = 1)"  # never a pending ticket (n % 5 = 0)
    level = (
        f"CASE WHEN {lagging} OR {warn} > {now} THEN 0 WHEN {due} >= {now} THEN 1 "
        f"WHEN {escalate} > {now} THEN 2 ELSE 3 END"
    )
    next_action = (
        f"CASE WHEN {lagging} THEN {_timestamp(str(now - 30))} "
        f"WHEN {warn} > {now} THEN {_timestamp(warn)} "
        f"WHEN {due} >= {now} THEN {_timestamp(due)} "
        f"WHEN {escalate} > {now} THEN {_timestamp(escalate)} END"
    )
    breached = f"(NOT {lagging} AND {due} < {now})"
    _insert_series(
        SlaTimer,
        tickets,
        {
            "ticket_id": f"{first_ticket} + n - 1",
            "target": "'first_response'",
            "state": (
                f"CASE WHEN NOT {open_ticket} THEN 'paused' "
                f"WHEN {breached} THEN 'breached' ELSE 'running' END"
            ),
            "minutes": "240",
            "started_at": _timestamp(f"{due} - 14400"),
            "resumed_at": _timestamp(f"{due} - 14400"),
            "due_at": f"CASE WHEN {open_ticket} THEN {_timestamp(due)} END",
            "warn_at": (
                f"CASE WHEN {lagging} THEN {_timestamp(str(now - 30))} "
                f"WHEN {open_ticket} THEN {_timestamp(warn)} END"
            ),
            "escalate_at": f"CASE WHEN {open_ticket} THEN {_timestamp(escalate)} END",
            "next_action_at": f"CASE WHEN {open_ticket} THEN {next_action} END",
            "level": f"CASE WHEN {open_ticket} THEN {level} ELSE 0 END",
            "breached_at": f"CASE WHEN {open_ticket} AND {breached} THEN {_timestamp(due)} END",
        },
    )


@benchmark("sla_breach_scan_db")
def sla_breach_scan_db(quick: bool) -> Iterator[dict[str, Any]]:
    """One scan over the timers of 1 M open tickets with 0.1 % of steps due (<= 1 s)."""
    size = QUICK_TICKETS if quick else FULL_TICKETS
    with bench_database() as vendor:
        progress(f"sla_breach_scan_db: populating {size} tickets and timers on {vendor}")
        started = time.perf_counter()
        populate(size)
        progress(f"sla_breach_scan_db: populated in {time.perf_counter() - started:.1f} s")
        # A worker has its calendars compiled and its URLs loaded; so has this process.
        business_seconds_between(NOW, NOW + dt.timedelta(days=1), default_calendar().calendar)
        reverse("inbox")
        start = time.perf_counter()
        result = run_scan(NOW)
        seconds = time.perf_counter() - start
        start = time.perf_counter()
        again = run_scan(NOW)
        idle = time.perf_counter() - start
    steps = result.warned + result.breached + result.escalated
    # The value is the scan proper: finding the due steps among all the timers and claiming
    # them. Telling people (one notification, e-mail job and audit row each) costs per step,
    # whatever the table size; it is reported beside it.
    yield line(
        "sla_breach_scan_db",
        result.claim_seconds,
        "s",
        size,
        steps=steps,
        warned=result.warned,
        breached=result.breached,
        notifications=result.notifications,
        notify_s=round(result.notify_seconds, 6),
        notify_ms_per_step=round(1000 * result.notify_seconds / max(steps, 1), 3),
        total_s=round(seconds, 6),
        idle_scan_s=round(idle, 6),
        idle_scan_steps=again.warned + again.breached + again.escalated,
        database=vendor,
    )


def _latencies(
    client: Client, agents: list[User], path: str, params: dict[str, Any], requests: int
) -> tuple[list[float], list[int]]:
    samples: list[float] = []
    queries: list[int] = []
    for index in range(requests):
        client.force_login(agents[(index * 37) % len(agents)])
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(path, params)
            samples.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        queries.append(len(captured))
    return samples, queries


@benchmark("inbox_my_open_by_sla")
def inbox_my_open_by_sla(quick: bool) -> Iterator[dict[str, Any]]:
    """The agent inbox (my open tickets, SLA due first) and the API list at 1 M tickets."""
    size = QUICK_TICKETS if quick else FULL_TICKETS
    requests = 20 if quick else 100
    with bench_database() as vendor:
        progress(f"inbox_my_open_by_sla: populating {size} tickets on {vendor}")
        agents = populate(size)
        client = Client(HTTP_HOST="127.0.0.1")
        _latencies(client, agents, "/inbox/", {"queue": "mine"}, 3)  # warm-up
        inbox, inbox_queries = _latencies(client, agents, "/inbox/", {"queue": "mine"}, requests)
        api, api_queries = _latencies(client, agents, "/api/tickets/", {}, requests)
        _, queries_25 = _latencies(client, agents, "/api/tickets/", {"page_size": 25}, 3)
        _, queries_100 = _latencies(client, agents, "/api/tickets/", {"page_size": 100}, 3)
    for stat in (50, 95):
        yield line(
            f"inbox_my_open_by_sla_p{stat}",
            percentile(inbox, stat),
            "ms",
            size,
            higher_is_better=False,
            requests=requests,
            queries_per_request=max(inbox_queries),
            database=vendor,
        )
    for stat in (50, 95):
        yield line(
            f"api_ticket_list_agent_p{stat}",
            percentile(api, stat),
            "ms",
            size,
            higher_is_better=False,
            requests=requests,
            queries_per_request=max(api_queries),
            queries_page_25=max(queries_25),
            queries_page_100=max(queries_100),
            database=vendor,
        )
