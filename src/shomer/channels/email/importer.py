"""The dry run of `shomer mail import`: parse and thread, write nothing. Pure of Django.

Each message gives one line (a dict) with exactly the contract's fields (ARCHITECTURE.md
§4): source, message_id, kind, thread, subject, from, lang, text_chars, attachments,
error. Choices the contract leaves open:
- `from` is "Name <address>" when the sender has a display name, else the address;
- `attachments` is the number of attachments, inline images and rejected ones included;
- `text_chars` is the length in characters (code points) of the new text;
- a message that cannot be read or parsed has `error` set and null in every other field
  but `source`;
- `kind` is "duplicate" for a Message-ID already seen in the run (the line still gives
  its thread); the first copy keeps its own kind.
Threading needs the whole batch (a reply may come before the message it answers), so
the lines come after all messages are parsed; only small facts are kept meanwhile.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from shomer.channels.email.parse import Limits, ParsedEmail, UnparseableEmail, parse_email
from shomer.channels.email.sources import Source
from shomer.channels.email.threads import DEFAULT_WINDOW, Threader, thread_facts
from shomer.language.detect import detect_language

FIELDS = (
    "source",
    "message_id",
    "kind",
    "thread",
    "subject",
    "from",
    "lang",
    "text_chars",
    "attachments",
    "error",
)
# Language detection looks at the start of the text: enough to decide, bounded in cost.
LANGUAGE_SAMPLE_CHARS = 4000


@dataclass(frozen=True)
class _Pending:
    line: dict[str, Any]
    message_id: str | None


def error_line(source: str, error: str) -> dict[str, Any]:
    line: dict[str, Any] = dict.fromkeys(FIELDS)
    line["source"] = source
    line["error"] = error
    return line


def message_language(parsed: ParsedEmail) -> str:
    sample = parsed.text or f"{parsed.subject}\n{parsed.full_text}"
    return detect_language(sample[:LANGUAGE_SAMPLE_CHARS])


def summary_line(source: str, parsed: ParsedEmail) -> dict[str, Any]:
    return {
        "source": source,
        "message_id": parsed.message_id,
        "kind": parsed.kind,
        "thread": None,
        "subject": parsed.subject,
        "from": parsed.from_display,
        "lang": message_language(parsed),
        "text_chars": len(parsed.text),
        "attachments": len(parsed.attachments),
        "error": None,
    }


def dry_run(
    sources: Iterable[Source],
    *,
    window: dt.timedelta = DEFAULT_WINDOW,
    limits: Limits | None = None,
    on_parsed: Callable[[int], None] | None = None,
) -> Iterator[dict[str, Any]]:
    """One contract line per message of `sources`, threaded as a batch, in input order."""
    threader = Threader(window=window)
    seen: set[str] = set()
    pending: list[_Pending] = []
    for source in sources:
        if source.error is not None:
            pending.append(_Pending(error_line(source.label, source.error), None))
            continue
        try:
            parsed = parse_email(source.raw, limits=limits) if limits else parse_email(source.raw)
        except UnparseableEmail as error:
            pending.append(_Pending(error_line(source.label, error.reason), None))
            continue
        line = summary_line(source.label, parsed)
        if parsed.message_id in seen:
            line["kind"] = "duplicate"
        else:
            seen.add(parsed.message_id)
            threader.add(thread_facts(parsed))
        pending.append(_Pending(line, parsed.message_id))
        if on_parsed is not None:
            on_parsed(len(pending))
    for item in pending:
        if item.message_id is not None:
            item.line["thread"] = threader.thread_of(item.message_id)
        yield item.line
