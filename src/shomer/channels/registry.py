"""Channel adapters: each turns its raw input into an `Inbound` for the one pipeline.

An adapter registers itself by channel so that a quarantined record can be re-read from its
raw bytes and retried.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shomer.conversations.ingest import Inbound
    from shomer.conversations.models import InboundRecord

Adapter = Callable[[bytes, str], "Inbound"]  # (raw, source) -> Inbound
ADAPTERS: dict[str, Adapter] = {}


def register(channel: str) -> Callable[[Adapter], Adapter]:
    def add(adapter: Adapter) -> Adapter:
        ADAPTERS[channel] = adapter
        return adapter

    return add


def inbound_from_record(record: InboundRecord) -> Inbound:
    try:
        adapter = ADAPTERS[record.channel]
    except KeyError:
        raise LookupError(f"no adapter reads raw {record.channel} input") from None
    return adapter(bytes(record.raw), record.source)
