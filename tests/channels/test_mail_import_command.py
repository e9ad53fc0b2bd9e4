"""`shomer mail import --dry-run --json`: the contract's lines, one per message."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

DATA = Path(__file__).parent / "data"
FIELDS = [
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
]


def run(capsys: pytest.CaptureFixture[str], *paths: str) -> list[dict[str, Any]]:
    call_command("mail", "import", *paths, "--dry-run", "--json")
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_it_prints_one_contract_line_per_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(DATA / "thread.mbox", tmp_path / "thread.mbox")
    shutil.copy(DATA / "outlook_hebrew_1255.eml", tmp_path / "a.eml")
    shutil.copy(DATA / "outlook_hebrew_1255.eml", tmp_path / "b.eml")
    shutil.copy(DATA / "bounce.eml", tmp_path / "c.eml")
    (tmp_path / "d.eml").write_bytes(b"\x00garbage")
    lines = run(capsys, str(tmp_path))
    assert all(list(line) == FIELDS for line in lines)
    outlook = "DB9PR05MB1234ABCD@DB9PR05MB1234.eurprd05.prod.outlook.example"
    assert [(line["source"], line["kind"], line["thread"]) for line in lines] == [
        (f"{tmp_path}/a.eml", "message", outlook),
        (f"{tmp_path}/b.eml", "duplicate", outlook),
        (f"{tmp_path}/c.eml", "bounce", "bounce-1@mx.shomer.example"),
        (f"{tmp_path}/d.eml", None, None),
        (f"{tmp_path}/thread.mbox#1", "message", "t1@example.co.il"),
        (f"{tmp_path}/thread.mbox#2", "message", "t1@example.co.il"),
        (f"{tmp_path}/thread.mbox#3", "message", "t1@example.co.il"),
    ]
    assert lines[0] == {
        "source": f"{tmp_path}/a.eml",
        "message_id": outlook,
        "kind": "message",
        "thread": outlook,
        "subject": "השב: המערכת לא שומרת הזמנות [שומר #1042]",
        "from": "רונית שלו <ronit@lakoach.example.co.il>",
        "lang": "he",
        "text_chars": len(
            "שלום רב,\nהתקלה חזרה שוב הבוקר – המערכת לא שומרת הזמנות.\n"
            "אודה לטיפולכם המהיר.\n\nבברכה,\nרונית"
        ),
        "attachments": 0,
        "error": None,
    }
    assert lines[3]["error"] == "no mail headers found"
    assert lines[6]["from"] == "tal@example.co.il"
    assert lines[6]["text_chars"] == len("הגיעה, תודה רבה!")


def test_a_missing_path_gets_an_error_line_and_the_run_goes_on(
    capsys: pytest.CaptureFixture[str],
) -> None:
    lines = run(capsys, "/nonexistent/x.eml", str(DATA / "nested_50.eml"))
    assert [(line["source"], line["error"]) for line in lines] == [
        ("/nonexistent/x.eml", "no such file or folder"),
        (str(DATA / "nested_50.eml"), None),
    ]
