"""`shomer sla due`: business-time due dates, JSON Lines in on stdin, JSON Lines out.

In:  {"id", "start": ISO-8601 with offset, "minutes": int, "calendar": CALENDAR}
Out: {"id", "due": ISO-8601 with offset in the calendar's zone}, same order; a bad line
gets {"id", "error"} and the run goes on (exit 0). See ARCHITECTURE.md §4 and docs/sla.md.

Lines are read in chunks; within a chunk the lines that share a calendar go through the
vectorised engine together, and the answers are written back in input order.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandParser

from shomer.sla.calendar import (
    MAX_BUSINESS_MINUTES,
    Calendar,
    CalendarError,
    due_batch,
    to_epoch,
)

CHUNK_LINES = 20_000
_CALENDAR_CACHE_SIZE = 1_024
# Built once: `json.dumps` with non-default options builds a new encoder on every call.
_OUT_ENCODER = json.JSONEncoder(ensure_ascii=False)


class LineError(ValueError):
    """A line that cannot be answered; the message goes out as its "error"."""


@dataclass(frozen=True)
class Request:
    id: Any
    start: int  # epoch seconds
    minutes: int
    calendar_key: str
    calendar: Calendar


class CalendarCache:
    """Calendars by their JSON text, parsed once; a bad calendar's error is kept too."""

    def __init__(self) -> None:
        self._known: dict[str, Calendar | str] = {}

    def add(self, data: dict[str, Any]) -> tuple[str, Calendar]:
        """(cache key, Calendar) of a parsed CALENDAR object; LineError if it is not one."""
        # repr of parsed JSON is deterministic and cheaper than re-encoding it. The same
        # calendar with its keys in another order is only a second entry here; the
        # compiled form is still shared, through the Calendar's equality.
        key = repr(data)
        found = self._known.get(key)
        if found is None:
            if len(self._known) >= _CALENDAR_CACHE_SIZE:
                self._known.clear()
            try:
                found = Calendar.from_dict(data)
            except CalendarError as error:
                found = f"calendar: {error}"
            self._known[key] = found
        if isinstance(found, str):
            raise LineError(found)
        return key, found


def _parse_start(value: object) -> int:
    if not isinstance(value, str):
        raise LineError(f"'start' must be an ISO-8601 string, got {value!r}")
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise LineError(f"'start' is not an ISO-8601 date and time: {value!r}") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise LineError(f"'start' has no UTC offset: {value!r}")
    return to_epoch(moment)


def _parse_minutes(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise LineError(f"'minutes' must be a whole number, got {value!r}")
    if isinstance(value, float):
        if not value.is_integer():
            raise LineError(f"'minutes' must be a whole number, got {value!r}")
        value = int(value)
    if value < 0:
        raise LineError("'minutes' must be zero or more")
    if value > MAX_BUSINESS_MINUTES:
        raise LineError(
            f"'minutes' must be at most {MAX_BUSINESS_MINUTES:,} (about 40 years of a 40-hour week)"
        )
    return value


def parse_line(raw: str | bytes, calendars: CalendarCache) -> tuple[Any, Request | str]:
    """(id, request) for a good line, (id, error message) for a bad one."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            return None, "the line is not UTF-8"
    if not raw.strip():
        return None, "empty line"
    try:
        data = json.loads(raw)
    except ValueError as error:
        return None, f"the line is not JSON: {error}"
    if not isinstance(data, dict):
        return None, "expected a JSON object"
    line_id = data.get("id")
    try:
        for field in ("start", "minutes", "calendar"):
            if field not in data:
                raise LineError(f"'{field}' is missing")
        start = _parse_start(data["start"])
        minutes = _parse_minutes(data["minutes"])
        if not isinstance(data["calendar"], dict):
            raise LineError("'calendar' must be an object")
        key, calendar = calendars.add(data["calendar"])
    except LineError as error:
        return line_id, str(error)
    return line_id, Request(
        id=line_id, start=start, minutes=minutes, calendar_key=key, calendar=calendar
    )


def _answer(line_id: Any, field: str, value: str) -> str:
    # Same text as json.dumps({"id": ..., field: ...}, ensure_ascii=False), built faster.
    return f'{{"id": {_OUT_ENCODER.encode(line_id)}, "{field}": {_OUT_ENCODER.encode(value)}}}'


def _answer_due(line_id: Any, due: str) -> str:
    return f'{{"id": {_OUT_ENCODER.encode(line_id)}, "due": "{due}"}}'


def answer_chunk(lines: Iterable[str | bytes], calendars: CalendarCache) -> list[str]:
    """The output lines for a chunk of input lines, in order."""
    answers: list[str] = []
    groups: dict[str, list[tuple[int, Request]]] = {}
    for position, raw in enumerate(lines):
        line_id, parsed = parse_line(raw, calendars)
        if isinstance(parsed, str):
            answers.append(_answer(line_id, "error", parsed))
            continue
        answers.append("")  # filled in below
        groups.setdefault(parsed.calendar_key, []).append((position, parsed))
    for members in groups.values():
        calendar = members[0][1].calendar
        zone = calendar.zone
        starts = np.fromiter((request.start for _, request in members), dtype=np.int64)
        minutes = np.fromiter((request.minutes for _, request in members), dtype=np.int64)
        result = due_batch(starts, minutes, calendar)
        dues = result.due.tolist()
        errors = result.error.tolist()
        for index, (position, request) in enumerate(members):
            if errors[index]:
                answers[position] = _answer(request.id, "error", result.message(index) or "")
            else:
                due = dt.datetime.fromtimestamp(dues[index], zone).isoformat()
                answers[position] = _answer_due(request.id, due)
    return answers


def _chunks(lines: Iterator[str | bytes], size: int) -> Iterator[list[str | bytes]]:
    chunk: list[str | bytes] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class Command(BaseCommand):
    help = (
        "SLA business time. `sla due`: JSON Lines of {id, start, minutes, calendar} -> due; "
        "`sla backfill`: clocks for open tickets that have none."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser(
            "due",
            help="due instants for JSON Lines on stdin (see docs/sla.md)",
            description=(
                "Reads JSON Lines {id, start, minutes, calendar} on stdin and writes "
                "{id, due} (or {id, error}) for each line, in order, on stdout."
            ),
        )
        actions.add_parser(
            "backfill",
            help="start SLA clocks on open tickets that have none (imports, demo data)",
            description=(
                "Starts clocks on open tickets without any, counted from when each was "
                "opened; steps already past are marked taken without notifying anyone. "
                'Prints {"tickets": N}.'
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "due":
            self.due()
        elif options["action"] == "backfill":
            from shomer.sla.services import do_backfill_timers

            self.stdout.write(json.dumps({"tickets": do_backfill_timers()}))

    def due(self) -> None:
        # Bytes in, so a line that is not UTF-8 is one bad line rather than a crash.
        source = getattr(sys.stdin, "buffer", sys.stdin)
        out = self.stdout._out  # the real stream: answers go out as they are made
        if isinstance(out, io.TextIOWrapper):
            out.reconfigure(encoding="utf-8")
        calendars = CalendarCache()
        for chunk in _chunks(iter(source), CHUNK_LINES):
            answers = answer_chunk(chunk, calendars)
            out.write("\n".join(answers) + "\n")
            out.flush()
