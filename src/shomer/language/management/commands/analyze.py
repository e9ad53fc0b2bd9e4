"""`shomer analyze`: JSON Lines in on stdin, one analysis per line out on stdout.

The contract is in ARCHITECTURE.md section 4. Each input line gets exactly one output
line, in order; a bad line gets {"id": ..., "error": "..."} and the run goes on (exit 0).
Output is flushed per line only when stdin is a terminal; piped input is written in
buffered batches.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from shomer.language.analyze import ROLES, Analyzer


class LineError(ValueError):
    """A problem with one input line, reported on its output line."""


def _clean(text: str) -> str:
    # Lone surrogates (possible in JSON) cannot be written as UTF-8: replace them.
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def parse_line(raw: bytes, now: datetime) -> tuple[Any, dict[str, Any]]:
    """(id, keyword arguments for Analyzer.analyze) of one input line."""
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise LineError("line is not valid UTF-8") from error
    try:
        row = json.loads(decoded)
    except (json.JSONDecodeError, RecursionError) as error:
        raise LineError(f"not a JSON object: {error}") from error
    if not isinstance(row, dict):
        raise LineError("not a JSON object")
    message_id = row.get("id")
    if not isinstance(message_id, str | int) or isinstance(message_id, bool):
        raise LineError('"id" must be a string', message_id)
    text = row.get("text")
    if not isinstance(text, str):
        raise LineError('"text" must be a string', message_id)
    role = row.get("role", "customer")
    if role not in ROLES:
        raise LineError('"role" must be "customer" or "agent"', message_id)
    tz = row.get("tz", "Asia/Jerusalem")
    if not isinstance(tz, str):
        raise LineError('"tz" must be an IANA zone name', message_id)
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise LineError(f"unknown time zone {tz!r}", message_id) from error
    sent_at = row.get("sent_at")
    if sent_at is None:
        moment = now
    elif isinstance(sent_at, str):
        try:
            moment = datetime.fromisoformat(sent_at)
        except ValueError as error:
            raise LineError('"sent_at" must be ISO-8601', message_id) from error
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)  # a naive time is read in the message's zone
    else:
        raise LineError('"sent_at" must be ISO-8601', message_id)
    name = row.get("customer_name")
    return message_id, {
        "text": _clean(text),
        "role": role,
        "sent_at": moment,
        "tz": tz,
        "customer_name": name if isinstance(name, str) else None,
    }


def answer(analyzer: Analyzer, raw: bytes, now: datetime) -> dict[str, Any]:
    message_id: Any = None
    try:
        message_id, arguments = parse_line(raw, now)
        return analyzer.analyze(**arguments).to_json(id=message_id)
    except LineError as error:
        if len(error.args) > 1:
            message_id = error.args[1]
        return {"id": message_id, "error": str(error.args[0])}
    except Exception as error:  # one bad message never stops the run
        return {"id": message_id, "error": f"{type(error).__name__}: {error}"}


class Command(BaseCommand):
    help = "Analyse messages: JSON Lines on stdin, one JSON result per line on stdout."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--models-dir",
            type=Path,
            default=None,
            help="Where trained models are cached (default: SHOMER_HOME/models).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        models_dir = options["models_dir"] or Path(settings.SHOMER_HOME) / "models"
        analyzer = Analyzer.load(models_dir)
        interactive = sys.stdin.isatty()
        out = sys.stdout
        for raw in sys.stdin.buffer:
            line = raw.rstrip(b"\r\n")
            if line.strip():
                result = answer(analyzer, line, datetime.now(UTC))
            else:
                # Still one answer per line, so outputs stay aligned with inputs.
                result = {"id": None, "error": "empty line"}
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
            if interactive:
                out.flush()
        out.flush()
