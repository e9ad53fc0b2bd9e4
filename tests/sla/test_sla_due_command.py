"""`shomer sla due`: JSON Lines in, JSON Lines out, same order, bad lines answered."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from shomer.sla.management.commands import sla as sla_command

OFFICE = {
    "timezone": "Asia/Jerusalem",
    "week": {
        "sun": ["09:00-17:00"],
        "mon": ["09:00-17:00"],
        "tue": ["09:00-17:00"],
        "wed": ["09:00-17:00"],
        "thu": ["09:00-17:00"],
        "fri": ["09:00-13:00"],
        "sat": [],
    },
    "holidays": "IL",
    "eve_hours": ["09:00-13:00"],
    "closed": [],
    "open": {},
}
LONDON = {"timezone": "Europe/London", "week": {"mon": ["09:00-17:00"], "tue": ["09:00-17:00"]}}


def line(**fields: Any) -> str:
    return json.dumps(fields, ensure_ascii=False)


def run_due(stdin_text: str | bytes, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    if isinstance(stdin_text, bytes):
        stream: io.TextIOBase = io.TextIOWrapper(io.BytesIO(stdin_text), encoding="utf-8")
    else:
        stream = io.StringIO(stdin_text)
    monkeypatch.setattr(sys, "stdin", stream)
    out = io.StringIO()
    call_command("sla", "due", stdout=out)
    return [json.loads(text) for text in out.getvalue().splitlines()]


def test_it_answers_each_line_in_order_with_per_line_errors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lines = [
        line(id="ticket-1", start="2026-09-10T16:00:00+03:00", minutes=300, calendar=OFFICE),
        line(id="כרטיס-2", start="2026-09-10T16:00:00", minutes=10, calendar=OFFICE),
        "{not json",
        line(id=4, start="2026-09-10T13:00:00Z", minutes=5, calendar=LONDON),
        "",
        line(id=6, start="2026-09-10T13:00:00Z", minutes=5, calendar={"timezone": "Mars/Olympus"}),
        line(id=7, start="2026-09-10T13:00:00Z", minutes=-5, calendar=OFFICE),
        line(id=8, start="2026-09-10T13:00:00Z", minutes=3_000_000_000, calendar=OFFICE),
        line(id=9, start="2026-09-10T13:00:00Z", minutes=1.5, calendar=OFFICE),
        line(id=10, start="yesterday", minutes=1, calendar=OFFICE),
        line(id=11, minutes=1, calendar=OFFICE),
        "[1, 2]",
        line(id=13, start="2250-01-01T10:00:00+02:00", minutes=1, calendar=OFFICE),
        line(id=14, start="2026-09-10T16:00:00+03:00", minutes=61.0, calendar=OFFICE),
        line(id=None, start="2026-09-13T10:00:00+03:00", minutes=0, calendar=OFFICE),
    ]
    answers = run_due("\n".join(lines) + "\n", monkeypatch)
    assert answers == [
        {"id": "ticket-1", "due": "2026-09-11T13:00:00+03:00"},
        {"id": "כרטיס-2", "error": "'start' has no UTC offset: '2026-09-10T16:00:00'"},
        {"id": None, "error": answers[2]["error"]},
        {"id": 4, "due": "2026-09-14T09:05:00+01:00"},
        {"id": None, "error": "empty line"},
        {"id": 6, "error": "calendar: timezone: unknown time zone 'Mars/Olympus'"},
        {"id": 7, "error": "'minutes' must be zero or more"},
        {"id": 8, "error": answers[7]["error"]},
        {"id": 9, "error": "'minutes' must be a whole number, got 1.5"},
        {"id": 10, "error": "'start' is not an ISO-8601 date and time: 'yesterday'"},
        {"id": 11, "error": "'start' is missing"},
        {"id": None, "error": "expected a JSON object"},
        {"id": 13, "error": answers[12]["error"]},
        {"id": 14, "due": "2026-09-11T09:01:00+03:00"},
        {"id": None, "due": "2026-09-14T09:00:00+03:00"},
    ]
    assert answers[2]["error"].startswith("the line is not JSON")
    assert "at most 5,000,000" in answers[7]["error"]
    assert "start must fall between 1900-01-01 and 2199-12-31" in answers[12]["error"]


def test_a_line_that_is_not_utf8_is_one_bad_line(monkeypatch: pytest.MonkeyPatch) -> None:
    good = line(id="a", start="2026-06-01T10:00:00+03:00", minutes=1, calendar=OFFICE)
    answers = run_due(b'{"id": "\xff"}\n' + good.encode() + b"\n", monkeypatch)
    assert answers == [
        {"id": None, "error": "the line is not UTF-8"},
        {"id": "a", "due": "2026-06-01T10:01:00+03:00"},
    ]


def test_many_lines_over_several_chunks_keep_their_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sla_command, "CHUNK_LINES", 7)
    lines = []
    for number in range(40):
        calendar = OFFICE if number % 3 else LONDON
        bad = number % 11 == 5
        lines.append(
            line(
                id=number,
                start="2026-06-01T10:00:00+03:00",
                minutes=-1 if bad else number,
                calendar=calendar,
            )
        )
    answers = run_due("\n".join(lines) + "\n", monkeypatch)
    assert [answer["id"] for answer in answers] == list(range(40))
    for number, answer in enumerate(answers):
        if number % 11 == 5:
            assert "error" in answer
        elif number % 3:
            # Monday 10:00 in Jerusalem plus `number` minutes, all before 17:00.
            assert answer["due"] == f"2026-06-01T{10 + number // 60:02d}:{number % 60:02d}:00+03:00"
        else:
            # 10:00 +03:00 is 08:00 in London, before Monday's 09:00 opening.
            assert answer["due"] == f"2026-06-01T09:{number:02d}:00+01:00"


def test_the_shomer_command_runs_end_to_end(tmp_path: Path) -> None:
    stdin = line(id="x", start="2026-04-01T12:30:00+03:00", minutes=31, calendar=OFFICE) + "\n"
    completed = subprocess.run(
        [sys.executable, "-m", "shomer.cli", "sla", "due"],
        input=stdin.encode(),
        capture_output=True,
        env={**os.environ, "SHOMER_HOME": str(tmp_path)},
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr.decode()
    # Wednesday 1 April 2026 is the eve of Pesach (09-13); Thursday is Pesach.
    assert completed.stdout.decode().splitlines() == [
        '{"id": "x", "due": "2026-04-03T09:01:00+03:00"}'
    ]


def test_more_calendars_than_the_cache_holds_in_one_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sla_command, "_CALENDAR_CACHE_SIZE", 2)
    lines = []
    for hour in range(9, 15):
        calendar = {"timezone": "UTC", "week": {"mon": [f"{hour:02d}:00-18:00"]}}
        lines.append(line(id=hour, start="2026-06-01T00:00:00Z", minutes=5, calendar=calendar))
    answers = run_due("\n".join(lines) + "\n", monkeypatch)
    assert answers == [
        {"id": hour, "due": f"2026-06-01T{hour:02d}:05:00+00:00"} for hour in range(9, 15)
    ]
