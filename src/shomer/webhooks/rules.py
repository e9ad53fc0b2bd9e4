"""Pure rules for webhook delivery: signatures and the retry schedule."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=6)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """`sha256=<hex>` of HMAC-SHA256 over "<timestamp>.<body>" (replay-safe with the time)."""
    message = str(timestamp).encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff after `attempts` failed tries: 30 s, 1 min, 2 min, ... at most 6 h."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_RETRY)
