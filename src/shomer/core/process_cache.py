"""Per-process caches of rows that rarely change (SLA policies, calendars, webhook endpoints).

Every new ticket and message needs the SLA policies, the team calendars and the active
webhook endpoints; reading them each time cost five queries a message. A `ProcessCache`
keeps the loaded value in the process:

- **Explicit invalidation.** The owning module connects `invalidate` to the models'
  `post_save` / `post_delete` (and `post_migrate`, for test databases that are flushed), so
  the process that changes a row sees the change at once.
- **Transactions.** A change made inside a transaction is not yet visible to other
  connections, and may be rolled back. Until that transaction ends, the thread that made it
  reads through the cache (never storing what it reads); when it commits, the cache is
  cleared again, and a rollback leaves nothing stale behind because nothing was stored.
- **Other processes** (more web workers, the Celery worker) see a change after at most
  `ttl` seconds: each process reloads its copy once it is that old.

Cached values are shared: callers must not mutate them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.db import connection, transaction

T = TypeVar("T")

# How stale another process's change may be seen (seconds). Short: a policy or calendar
# edit reaches every worker within it; long enough that a busy worker reloads rarely.
DEFAULT_TTL_SECONDS = 10.0


class ProcessCache(Generic[T]):
    """`get()` the value `load()` returns, reloaded after `ttl` seconds or `invalidate()`."""

    def __init__(self, load: Callable[[], T], *, ttl: float = DEFAULT_TTL_SECONDS) -> None:
        self._load = load
        self._ttl = ttl
        self._entry: tuple[T, float] | None = None
        # Per thread: the on-commit callbacks of invalidations in still-open transactions.
        self._local = threading.local()

    def get(self) -> T:
        if self._pending():
            return self._load()
        entry = self._entry
        if entry is not None and time.monotonic() < entry[1]:
            return entry[0]
        value = self._load()
        if not self._pending():
            self._entry = (value, time.monotonic() + self._ttl)
        return value

    def invalidate(self, *args: Any, **kwargs: Any) -> None:
        """Drop the cached value (usable directly as a signal receiver)."""
        self._entry = None
        if connection.in_atomic_block:
            callbacks: list[Callable[[], None]] = getattr(self._local, "callbacks", [])

            def committed() -> None:
                self._entry = None

            callbacks.append(committed)
            self._local.callbacks = callbacks
            transaction.on_commit(committed)

    def _pending(self) -> bool:
        """Is this thread inside a transaction that changed the cached rows?"""
        callbacks: list[Callable[[], None]] | None = getattr(self._local, "callbacks", None)
        if not callbacks:
            return False
        queued = {id(entry[1]) for entry in connection.run_on_commit}
        # A callback no longer queued ran (commit) or was dropped (rollback): either way
        # that transaction is over.
        callbacks[:] = [callback for callback in callbacks if id(callback) in queued]
        return bool(callbacks)
