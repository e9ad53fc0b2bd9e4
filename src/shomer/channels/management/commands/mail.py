"""`shomer mail import PATH...`: bring .eml files, folders of them, mbox and maildir in.

`--dry-run --json` parses and threads without writing and prints one JSON line per
message (ARCHITECTURE.md §4): {"source", "message_id", "kind", "thread", "subject",
"from", "lang", "text_chars", "attachments", "error"}. See docs/email.md for what each
field holds. Without `--dry-run` every message goes through the inbound pipeline,
`shomer.channels.inbound_email.ingest_emails` (the bulk pipeline, 100 at a time).

`shomer mail poll [--mailbox ID]` polls the active IMAP mailboxes once (or one of them, even
if inactive); `shomer mail serve [--host H] [--port P] [--lmtp]` receives mail by SMTP or
LMTP until stopped. See docs/email.md.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Iterable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shomer.channels.email.importer import dry_run
from shomer.channels.email.sources import Source, iter_sources

# Messages stored per batch of the bulk pipeline (and read into memory at once).
STORE_BATCH = 100
# Built once: `json.dumps` with non-default options builds a new encoder on every call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, default=str)


def _result_fields(result: Any) -> dict[str, Any]:
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        return dataclasses.asdict(result)
    if isinstance(result, dict):
        return dict(result)
    return {"result": str(result)}


class Command(BaseCommand):
    help = "Import mail: .eml files, folders of them, mbox files and maildirs."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        importer = actions.add_parser(
            "import", help="import .eml files, folders, mbox files or maildirs"
        )
        importer.add_argument("paths", nargs="+", metavar="PATH")
        importer.add_argument(
            "--dry-run", action="store_true", help="parse and thread only; write nothing"
        )
        importer.add_argument("--json", action="store_true", help="one JSON object per message")
        poller = actions.add_parser("poll", help="poll the IMAP mailboxes once")
        poller.add_argument("--mailbox", type=int, metavar="ID", help="only this mailbox")
        server = actions.add_parser("serve", help="receive mail by SMTP or LMTP")
        server.add_argument("--host", default="127.0.0.1", help="address to listen on")
        server.add_argument("--port", type=int, default=None, help="port (8025, or 8024 for LMTP)")
        server.add_argument("--lmtp", action="store_true", help="speak LMTP instead of SMTP")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options.get("dry_run"):
            from shomer.core.warm import warm_process

            warm_process()  # every action here reads many messages in one process
        if options["action"] == "import":
            sources = iter_sources(options["paths"])
            if options["dry_run"]:
                self.dry_run(sources, as_json=options["json"])
            else:
                self.store(sources, as_json=options["json"])
        elif options["action"] == "poll":
            self.poll(options["mailbox"])
        elif options["action"] == "serve":
            self.serve(options["host"], options["port"], lmtp=options["lmtp"])

    def _store_chunk(self, chunk: list[Source], *, as_json: bool) -> None:
        from shomer.channels.inbound_email import ingest_email, ingest_emails

        readable = [source for source in chunk if source.error is None]
        try:
            stored = iter(list(ingest_emails((s.raw, s.label) for s in readable)))
        except Exception:  # something of ours failed on the batch: one by one, to know which
            stored = None
        for source in chunk:
            if source.error is not None:
                out: dict[str, Any] = {"source": source.label, "error": source.error}
            elif stored is not None:
                out = {"source": source.label, **_result_fields(next(stored))}
            else:
                # The pipeline quarantines what it cannot parse; anything it raises
                # is reported for this message and the run goes on.
                try:
                    result = ingest_email(source.raw, source=source.label)
                    out = {"source": source.label, **_result_fields(result)}
                except Exception as error:
                    out = {"source": source.label, "error": f"{type(error).__name__}: {error}"}
            if as_json:
                self._write(_ENCODER.encode(out))
            else:
                self._write("\t".join(f"{key}={value}" for key, value in out.items()))

    def poll(self, mailbox_id: int | None) -> None:
        from shomer.channels import imap
        from shomer.channels.models import Mailbox

        if mailbox_id is None:
            results = imap.poll_active_mailboxes()
        else:
            if not Mailbox.objects.filter(pk=mailbox_id).exists():
                raise CommandError(f"no mailbox {mailbox_id}")
            mailbox = imap.claim(mailbox_id, active_only=False)
            if mailbox is None:
                raise CommandError(f"mailbox {mailbox_id} is being polled right now")
            results = [imap.do_poll(mailbox)]
        for result in results:
            self._write(_ENCODER.encode(dataclasses.asdict(result)))
        (getattr(sys.stdout, "buffer", None) or sys.stdout).flush()

    def serve(self, host: str, port: int | None, *, lmtp: bool) -> None:
        from shomer.channels.receiver import serve

        port = port or (8024 if lmtp else 8025)
        protocol = "LMTP" if lmtp else "SMTP"
        self.stderr.write(f"receiving mail by {protocol} on {host}:{port} (Ctrl+C stops)")
        serve(host, port, lmtp=lmtp)

    def _write(self, line: str) -> None:
        # UTF-8 whatever the locale says (the contract: all JSON is UTF-8).
        stream = getattr(sys.stdout, "buffer", None)
        if stream is not None:
            sys.stdout.flush()  # nothing of ours waits in the text layer, but be sure
            stream.write((line + "\n").encode("utf-8", "replace"))
        else:
            sys.stdout.write(line + "\n")

    def dry_run(self, sources: Iterable[Source], *, as_json: bool) -> None:
        for line in dry_run(sources):
            if as_json:
                self._write(_ENCODER.encode(line))
            elif line["error"]:
                self._write(f"{line['source']}\terror: {line['error']}")
            else:
                self._write(
                    f"{line['source']}\t{line['kind']}\t{line['thread']}\t{line['from']}\t"
                    f"{line['subject']}"
                )
        (getattr(sys.stdout, "buffer", None) or sys.stdout).flush()

    def store(self, sources: Iterable[Source], *, as_json: bool) -> None:
        chunk: list[Source] = []
        for source in sources:
            chunk.append(source)
            if len(chunk) >= STORE_BATCH:
                self._store_chunk(chunk, as_json=as_json)
                chunk = []
        self._store_chunk(chunk, as_json=as_json)
        (getattr(sys.stdout, "buffer", None) or sys.stdout).flush()
