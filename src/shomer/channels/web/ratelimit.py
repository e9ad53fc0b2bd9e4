"""A per-client rate limit on public forms, counted in Django's cache (fixed windows).

The client is `REMOTE_ADDR`: behind a reverse proxy, the proxy must pass the real address
(e.g. gunicorn's --forwarded-allow-ips with a proxy that sets it); otherwise every visitor
shares the proxy's address and its limit.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Final

from django.core.cache import cache
from django.http import HttpRequest


@dataclass(frozen=True)
class Rate:
    limit: int
    window_seconds: int


# Public form posts (contact form, widget) per address: a person sends a few, a bot many.
FORM_RATE: Final = Rate(limit=8, window_seconds=600)
# Portal sign-in requests per address, and per e-mail address (quietly not sent past it).
SIGN_IN_RATE: Final = Rate(limit=10, window_seconds=900)
SIGN_IN_EMAIL_RATE: Final = Rate(limit=3, window_seconds=900)


def client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def allow(scope: str, key: str, rate: Rate, *, now: float | None = None) -> bool:
    """Count one hit of `key` in `scope`; False once `rate.limit` hits fell in this window."""
    moment = time.time() if now is None else now
    window = int(moment // rate.window_seconds)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"shomer:rate:{scope}:{digest}:{window}"
    # add() is a no-op when the key exists; incr() is atomic in the cache backends we use.
    cache.add(cache_key, 0, timeout=rate.window_seconds + 60)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # evicted between add and incr
        cache.set(cache_key, 1, timeout=rate.window_seconds + 60)
        count = 1
    return bool(count <= rate.limit)
