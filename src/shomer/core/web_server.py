"""How Shomer's web server is started: one command line, for `shomer run` and the load
benchmark alike (so that the benchmark measures the server users get)."""

from __future__ import annotations

import sys

WEB_WORKERS = 2
WEB_THREADS = 4
# An idle keep-alive connection waits in gunicorn's poller, not in a thread, so a browser
# that keeps its connection between an agent's clicks costs nothing. With gunicorn's 2 s
# default, every click after a pause opens a new connection, and a new connection holds
# one of the worker's few threads until its request arrives. 75 s is what nginx and
# browsers keep an idle connection for.
KEEP_ALIVE_SECONDS = 75
# On stop, requests in flight get this long; a browser's idle kept-alive connection must not
# hold the server open (gunicorn's default is 30 s).
GRACEFUL_STOP_SECONDS = 10


def gunicorn_command(host: str, port: int, workers: int = WEB_WORKERS) -> list[str]:
    """The command line that serves Shomer's WSGI application on host:port."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "shomer.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(WEB_THREADS),
        "--keep-alive",
        str(KEEP_ALIVE_SECONDS),
        "--graceful-timeout",
        str(GRACEFUL_STOP_SECONDS),
        "--log-level",
        "warning",
    ]
