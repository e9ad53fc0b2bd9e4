"""`mail_ingest`: messages per second from .eml files to stored, analysed tickets.

The whole pipeline in one process, as the IMAP poller and the SMTP receiver run it:
`ingest_email(raw)` per message (parse, rate limit, idempotency record, contact, threading,
ticket and message with the raw kept, attachments, language analysis, SLA timers, audit,
webhook events), each message in its own transaction. The same files then go through
django-helpdesk's e-mail ingest (`helpdesk.email.extract_email_metadata`, what its
`get_email` command calls per message) in its own venv, on the same database engine.

The corpus is `shomer.bench.peer_helpdesk.corpus.write_sample_mails`: ten kinds of mail in
turn (UTF-8, windows-1255, iso-8859-8-i and iso-8859-8 Hebrew, base64, alternative, a PDF
attachment with a Hebrew name, a reply threading to an earlier message, an auto-reply,
HTML only). `not_kept` counts the messages a side could not store: for Shomer, those left in
quarantine (they are kept raw there, but are no ticket); for the peer, those that raised.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from shomer.bench.database import bench_database, peer_database_url
from shomer.bench.helpdesk import PEER_NAME, PeerRunError, run_helpdesk
from shomer.bench.peer_helpdesk.corpus import write_sample_mails
from shomer.bench.registry import benchmark, line, progress, timer

QUICK_SIZE = 200
FULL_SIZE = 3000
# A message of the same kinds, ingested before the clock starts: the language models load
# once per process (about a second), which is no per-message cost.
WARM_UP = (
    "From: warm-up@example.com\r\nTo: support@example.com\r\nSubject: warm up\r\n"
    "Message-ID: <warm-up@bench.shomer.invalid>\r\nContent-Type: text/plain; charset=utf-8\r\n"
    "\r\nשלום, זו הודעת חימום.\r\n"
).encode()


def ingest_files(raws: list[tuple[str, bytes]]) -> tuple[float, Counter[str]]:
    """Seconds to ingest every message (in batches, as the poller and the import do), and
    how many ended in each pipeline status."""
    from shomer.channels.inbound_email import ingest_email, ingest_emails
    from shomer.core.warm import warm_process

    ingest_email(WARM_UP, source="warm-up")
    warm_process()  # as `shomer mail` and the worker start (shomer.core.warm)
    statuses: Counter[str] = Counter()
    with timer() as elapsed:
        for result in ingest_emails((raw, name) for name, raw in raws):
            statuses[result.status] += 1
    return elapsed(), statuses


@benchmark("mail_ingest")
def mail_ingest(quick: bool) -> Iterator[dict[str, Any]]:
    size = QUICK_SIZE if quick else FULL_SIZE
    with tempfile.TemporaryDirectory(prefix="shomer-mail-ingest-") as folder:
        paths = write_sample_mails(Path(folder), size, seed=0)
        raws = [(path.name, path.read_bytes()) for path in sorted(paths)]
        with bench_database() as vendor:
            progress(f"mail_ingest: {size} messages from .eml to tickets on {vendor}")
            seconds, statuses = ingest_files(raws)
            from shomer.conversations.models import Message, Ticket

            tickets, messages = Ticket.objects.count(), Message.objects.count()
        progress(f"mail_ingest: peer {PEER_NAME} on the same {size} files")
        try:
            peer: dict[str, Any] | None = run_helpdesk(
                "email-ingest",
                "--dir",
                folder,
                timeout=600 if quick else 3600,
                database_url=peer_database_url(),
            )
        except PeerRunError as error:
            progress(f"peer {PEER_NAME} failed: {error}")
            peer = None
    yield line(
        "mail_ingest",
        size / seconds,
        "messages/s",
        size,
        peer=PEER_NAME if peer else None,
        peer_value=peer["per_second"] if peer else None,
        database=vendor,
        not_kept=statuses.get("quarantined", 0),
        peer_not_kept=peer["errors"] if peer else None,
        statuses=dict(sorted(statuses.items())),
        tickets=tickets,
        messages=messages - 1,  # less the warm-up message
        peer_tickets=peer["tickets"] if peer else None,
        peer_error_samples=peer["error_samples"] if peer else None,
    )
