"""`mail_parse`: messages per second through `parse_email` on a generated, varied corpus.

The corpus (shomer.channels.email.samples) cycles through eleven shapes of real mail:
UTF-8, Outlook windows-1255, visual iso-8859-8, iso-8859-8-i, HTML-only, alternative
with inline images, attachments, replies with history, forwards, auto-replies, bounces.
Threading the parsed batch is measured too (`mail_thread`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from shomer.bench.registry import benchmark, line, progress, timer
from shomer.channels.email.parse import parse_email
from shomer.channels.email.samples import varied_corpus
from shomer.channels.email.threads import thread_facts, thread_keys

QUICK_SIZE = 1_100
FULL_SIZE = 11_000


@benchmark("mail_parse")
def mail_parse(quick: bool) -> Iterator[dict[str, Any]]:
    size = QUICK_SIZE if quick else FULL_SIZE
    corpus = [raw for _, raw in varied_corpus(size)]
    megabytes = sum(len(raw) for raw in corpus) / 1e6
    progress(f"mail_parse: {size} generated messages, {megabytes:.1f} MB")
    parse_email(corpus[0])  # warm the codec and regex caches
    with timer() as elapsed:
        parsed = [parse_email(raw) for raw in corpus]
    seconds = elapsed()
    yield line("mail_parse", size / seconds, "messages/s", size, megabytes=round(megabytes, 3))
    facts = [thread_facts(item) for item in parsed]
    with timer() as elapsed:
        thread_keys(facts)
    seconds = elapsed()
    yield line("mail_thread", size / seconds, "messages/s", size)
