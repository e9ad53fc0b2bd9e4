"""Real servers for the tests: use the one running on its standard port, else start one.

`SHOMER_REQUIRE_SERVERS=1` (set by CI) turns "cannot start it here" into a failure instead of
a skip, so that CI never passes by skipping.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.3)
        return sock.connect_ex((host, port)) == 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def unavailable(reason: str) -> None:
    if os.environ.get("SHOMER_REQUIRE_SERVERS") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def wait_for_port(port: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not port_open(port):
        if time.monotonic() > deadline:
            raise TimeoutError(f"nothing listens on port {port} after {timeout} s")
        time.sleep(0.1)


@contextmanager
def redis_url() -> Iterator[str]:
    """A Redis URL: the local server on 6379 (database 15, or one below it per parallel
    test worker, so that two workers' queues never meet), or one started for the test."""
    if port_open(6379):
        worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
        yield f"redis://127.0.0.1:6379/{15 - int(worker.removeprefix('gw') or 0) % 8}"
        return
    binary = shutil.which("redis-server")
    if binary is None:
        unavailable("Redis is not running on 6379 and redis-server is not installed")
    port = free_port()
    folder = tempfile.mkdtemp(prefix="shomer-redis-")
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", folder],
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


class Recorder:
    """An HTTP server on loopback that records POSTs and answers with queued statuses."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.statuses: list[int] = []
        self.received = threading.Event()
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                recorder.requests.append((dict(self.headers), body))
                status = recorder.statuses.pop(0) if recorder.statuses else 200
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok" if status < 400 else b"server error")
                recorder.received.set()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Recorder:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
