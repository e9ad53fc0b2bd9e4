"""A throwaway database for benchmarks: never the user's own data.

On SQLite it is a file in a temporary folder; on PostgreSQL (DATABASE_URL) a database of its
own on the same server, created by Django's test-database machinery and dropped at the end.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.db import connection
from django.test.utils import setup_databases, teardown_databases


@contextlib.contextmanager
def bench_database() -> Iterator[str]:
    """Create and migrate a fresh database; yield its vendor ("sqlite" or "postgresql")."""
    settings = connection.settings_dict
    with tempfile.TemporaryDirectory(prefix="shomer-bench-") as folder:
        if connection.vendor == "sqlite":
            settings["TEST"]["NAME"] = str(Path(folder) / "bench.sqlite3")
        else:
            # One per process: two benchmark runs on one server must not share a database.
            settings["TEST"]["NAME"] = f"{settings['NAME']}_bench_{os.getpid()}"
        old = setup_databases(verbosity=0, interactive=False, keepdb=False, serialized_aliases=[])
        try:
            yield connection.vendor
        finally:
            teardown_databases(old, verbosity=0)


def peer_database_url() -> str | None:
    """Where the peer should keep its data: the same PostgreSQL server, or its own SQLite."""
    if connection.vendor != "postgresql":
        return None
    settings = connection.settings_dict
    user = settings.get("USER") or ""
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgresql://{user}{password}@{host}:{port}/postgres"
