"""`load_inbox_api`: Shomer's real web server under many concurrent clients on loopback.

Shomer's web server is started as `shomer run` starts it (`core/web_server.py`: gunicorn,
the same workers, threads and keep-alive) against the benchmark database: 200 agents of 20
teams, their tickets filled by SQL (`sla_db.populate`), a session and an API token each.

The clients are agents at work: each starts at a random moment of the first think time
(agents do not all click in the same millisecond), opens its connection when it sends its
first request, then after each answer thinks for a random 2-8 s (`THINK_MS`: reading the
list or the ticket) and sends the next on the same connection, as a browser does.
Requests rotate over the agents and three kinds: the inbox ("my open tickets by SLA due")
with the agent's session cookie, the API ticket list with the same session, and the API
ticket list with the agent's token. An answer other than 200, a refused or broken
connection and a request unanswered after 10 s are errors. The client is a small asyncio
loop in this process: at a few dozen requests a second it takes a few percent of a core.

The line's value is the 99th percentile latency in ms (target: p99 <= 250 ms with 0 errors
at 200 clients); it also carries requests/s, p50/p95, the error count and the load average.
A full run with Debian's `wrk` on the PATH adds `load_inbox_api_saturation`: the same mix
with no think time, every connection sending its next request as soon as the last is
answered; its value is the requests per second the server sustains (its latencies are
queueing, not a target).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from rest_framework.authtoken.models import Token

from shomer.bench.benchmarks.sla_db import populate
from shomer.bench.database import bench_database
from shomer.bench.registry import benchmark, line, progress
from shomer.core.web_server import WEB_THREADS, WEB_WORKERS, gunicorn_command
from shomer.people.models import User

FULL = {"clients": 200, "seconds": 30, "tickets": 100_000}
QUICK = {"clients": 50, "seconds": 10, "tickets": 3_000}
# Per client between an answer and its next request, uniform: an agent reads the list or
# the ticket before the next click (the inbox itself refreshes once a minute).
THINK_MS = (2000, 8000)
WARM_UP_SECONDS = 3
SATURATION_SECONDS = 15
REQUEST_TIMEOUT_SECONDS = 10
PATHS = {"inbox": "/inbox/?queue=mine", "api": "/api/tickets/"}
START_TIMEOUT_SECONDS = 60

LUA = r"""
local credentials = %(credentials)s
local threads = {}
local counter = 0

function setup(thread)
  thread:set("offset", #threads * 7919)
  table.insert(threads, thread)
end

function init(args)
  counter = offset
  bad = 0
end

function request()
  counter = counter + 1
  local c = credentials[(counter %% #credentials) + 1]
  return wrk.format("GET", c[1], {[c[2]] = c[3], ["Host"] = "127.0.0.1", ["Connection"] = "keep-alive"})
end

function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end

function done(summary, latency, requests)
  local wrong = 0
  for _, thread in ipairs(threads) do wrong = wrong + thread:get("bad") end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p95_us": %%d, "p99_us": %%d, ' ..
    '"max_us": %%d, "not_200": %%d, "connect": %%d, "read": %%d, "write": %%d, ' ..
    '"status": %%d, "timeout": %%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, wrong, e.connect, e.read, e.write, e.status,
    e.timeout))
end
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _database_url() -> str:
    """The benchmark database, as DATABASE_URL for the server's processes."""
    current = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{current['NAME']}"
    user = current.get("USER") or ""
    password = f":{current['PASSWORD']}" if current.get("PASSWORD") else ""
    host = current.get("HOST") or "127.0.0.1"
    port = current.get("PORT") or 5432
    return f"postgresql://{user}{password}@{host}:{port}/{current['NAME']}"


def _credentials(agents: list[User]) -> list[tuple[str, str, str]]:
    """(path, header, value) per request kind and agent: session cookie or API token."""
    cookie = settings.SESSION_COOKIE_NAME
    rows: list[tuple[str, str, str]] = []
    for agent in agents:
        session = SessionStore()
        session[SESSION_KEY] = str(agent.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = agent.get_session_auth_hash()
        session.create()
        token = Token.objects.create(user=agent)
        rows.append((PATHS["inbox"], "Cookie", f"{cookie}={session.session_key}"))
        rows.append((PATHS["api"], "Cookie", f"{cookie}={session.session_key}"))
        rows.append((PATHS["api"], "Authorization", f"Token {token.key}"))
    return rows  # agent by agent, the three kinds in turn: any stretch of requests mixes them


def _lua_table(rows: list[tuple[str, str, str]]) -> str:
    """A Lua table literal of the rows (JSON strings are valid Lua strings here: ASCII)."""
    items = ", ".join("{" + ", ".join(json.dumps(value) for value in row) + "}" for row in rows)
    return "{" + items + "}"


def _start_server(port: int) -> subprocess.Popen[bytes]:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "shomer.settings",
        "DATABASE_URL": _database_url(),
        "SECRET_KEY": settings.SECRET_KEY,  # the sessions were signed here
    }
    command = gunicorn_command("127.0.0.1", port)
    return subprocess.Popen(command, env=environment)


def _wait_until_up(port: int, server: subprocess.Popen[bytes], header: tuple[str, str]) -> None:
    """Until the server answers (each worker loads Django on its first request; a few
    requests warm both)."""
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    answered = 0
    while answered < 4 * WEB_WORKERS:
        if server.poll() is not None:
            raise RuntimeError("the web server stopped while starting")
        if time.monotonic() > deadline:
            raise RuntimeError("the web server did not answer in time")
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{PATHS['inbox']}", headers=dict([header])
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                answered += response.status == 200
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)


def _wrk(port: int, script: Path, clients: int, seconds: int, wrk: str) -> dict[str, Any]:
    command = [
        wrk,
        "--threads",
        "2",
        "--connections",
        str(clients),
        "--duration",
        f"{seconds}s",
        "--timeout",
        "10s",
        "--script",
        str(script),
        f"http://127.0.0.1:{port}/",
    ]
    finished = subprocess.run(command, capture_output=True, text=True, check=True)
    last = [row for row in finished.stdout.splitlines() if row.startswith("{")][-1]
    result: dict[str, Any] = json.loads(last)
    return result


def _saturate(
    port: int, folder: Path, credentials: list[tuple[str, str, str]], clients: int, wrk: str
) -> dict[str, Any]:
    """The mix with no think time, by wrk: the requests per second the server sustains."""
    script = folder / "saturation.lua"
    script.write_text(LUA % {"credentials": _lua_table(credentials)})
    raw = _wrk(port, script, clients, SATURATION_SECONDS, wrk)
    kinds = {key: raw[key] for key in ("not_200", "connect", "read", "write", "timeout")}
    return {
        "requests": raw["requests"],
        "requests_per_s": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
        "errors": sum(kinds.values()),
        "p50_ms": raw["p50_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "error_kinds": kinds,
    }


async def _read_status(reader: asyncio.StreamReader) -> int:
    """Read one HTTP/1.1 response (Django sets Content-Length); return its status."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = dict(line.lower().split(": ", 1) for line in lines[1:] if ": " in line)
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            await reader.readexactly(size + 2)
        await reader.readuntil(b"\r\n")
    return status


async def _agent(
    port: int,
    requests: list[bytes],
    first: int,
    rng: random.Random,
    think: tuple[int, int],
    deadline: float,
    samples: list[float],
    errors: Counter[str],
) -> None:
    """One agent: a staggered start, then request, answer, think, on one connection."""
    await asyncio.sleep(rng.uniform(0, think[1]) / 1000)
    streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
    turn = first
    while time.monotonic() < deadline:
        request = requests[turn % len(requests)]
        turn += 1
        started = time.perf_counter()
        try:
            async with asyncio.timeout(REQUEST_TIMEOUT_SECONDS):
                if streams is None:
                    streams = await asyncio.open_connection("127.0.0.1", port)
                streams[1].write(request)
                status = await _read_status(streams[0])
        except TimeoutError:
            errors["timeout"] += 1
            streams = None
        except (OSError, asyncio.IncompleteReadError, ValueError):
            errors["connection"] += 1
            streams = None
        else:
            samples.append((time.perf_counter() - started) * 1000)
            if status != 200:
                errors["not_200"] += 1
        await asyncio.sleep(rng.uniform(*think) / 1000)
    if streams is not None:
        streams[1].close()


async def _agents_at_work(
    port: int,
    credentials: list[tuple[str, str, str]],
    clients: int,
    seconds: float,
    think: tuple[int, int] = THINK_MS,
) -> dict[str, Any]:
    requests = [
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{header}: {value}\r\n"
        "Connection: keep-alive\r\n\r\n".encode()
        for path, header, value in credentials
    ]
    samples: list[float] = []
    errors: Counter[str] = Counter()
    rng = random.Random(0)
    deadline = time.monotonic() + seconds
    await asyncio.gather(
        *(
            _agent(
                port,
                requests,
                n * 3,  # client n starts as agent n
                random.Random(rng.random()),
                think,
                deadline,
                samples,
                errors,
            )
            for n in range(clients)
        )
    )
    ordered = sorted(samples) or [0.0]

    def percentile(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    return {
        "requests": len(samples) + sum(errors.values()),
        "requests_per_s": round(len(samples) / seconds, 1),  # sent in the window
        "errors": sum(errors.values()),
        "p50_ms": percentile(0.50),
        "p95_ms": percentile(0.95),
        "p99_ms": percentile(0.99),
        "max_ms": round(ordered[-1], 1),
        "error_kinds": dict(errors),
    }


@benchmark("load_inbox_api")
def load_inbox_api(quick: bool) -> Iterator[dict[str, Any]]:
    """200 concurrent clients (sessions and API tokens) on the inbox and the API list."""
    sizes = QUICK if quick else FULL
    wrk = shutil.which("wrk")
    with bench_database() as vendor, tempfile.TemporaryDirectory(prefix="shomer-load-") as tmp:
        progress(f"load_inbox_api: populating {sizes['tickets']} tickets on {vendor}")
        agents = populate(sizes["tickets"])
        credentials = _credentials(agents)
        port = _free_port()
        server = _start_server(port)
        try:
            _wait_until_up(port, server, (credentials[0][1], credentials[0][2]))
            # Every worker thread opens its database connection and compiles its templates.
            asyncio.run(_agents_at_work(port, credentials, 16, WARM_UP_SECONDS, think=(0, 0)))
            progress(f"load_inbox_api: {sizes['clients']} agents for {sizes['seconds']} s")
            load = os.getloadavg()[0]
            result = asyncio.run(
                _agents_at_work(port, credentials, sizes["clients"], sizes["seconds"])
            )
            saturated = None
            if not quick and wrk is not None:
                progress("load_inbox_api: the same mix without think time (saturation)")
                saturated = _saturate(port, Path(tmp), credentials, sizes["clients"], wrk)
            elif not quick:
                progress("load_inbox_api: no saturation run, `wrk` is not installed")
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
    common = {
        "database": vendor,
        "tickets": sizes["tickets"],
        "web_workers": WEB_WORKERS,
        "web_threads": WEB_THREADS,
        "load_average": round(load, 2),
    }
    yield line(
        "load_inbox_api",
        result["p99_ms"],
        "ms",
        sizes["clients"],
        higher_is_better=False,
        seconds=sizes["seconds"],
        think_ms=list(THINK_MS),
        **{key: value for key, value in result.items() if key != "p99_ms"},
        **common,
    )
    if saturated is not None:
        yield line(
            "load_inbox_api_saturation",
            saturated["requests_per_s"],
            "requests/s",
            sizes["clients"],
            seconds=SATURATION_SECONDS,
            think_ms=[0, 0],
            **{key: value for key, value in saturated.items() if key != "requests_per_s"},
            **common,
        )
