from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

from django.core.management import call_command

from shomer.language.analyze import Analyzer


def run_analyze(shomer_home: Path, stdin: bytes) -> list[dict[str, object]]:
    env = {**os.environ, "SHOMER_HOME": str(shomer_home)}
    completed = subprocess.run(
        [sys.executable, "-m", "shomer.cli", "analyze"],
        input=stdin,
        capture_output=True,
        env=env,
        timeout=120,
        check=True,
    )
    return [json.loads(line) for line in completed.stdout.decode("utf-8").splitlines()]


def test_shomer_analyze_answers_every_line_in_order(analyzer: Analyzer, shomer_home: Path) -> None:
    lines = [
        json.dumps({"id": "1", "text": "תודה רבה, שירות מעולה"}, ensure_ascii=False).encode(),
        json.dumps(
            {
                "id": "2",
                "text": "Hi Mark, I'll send the invoice by Tuesday EOD.",
                "role": "agent",
                "sent_at": "2025-11-23T10:30:00+02:00",
                "tz": "Asia/Jerusalem",
            }
        ).encode(),
        b"{not json",
        b"\xff\xfe\x00binary",
        json.dumps({"id": "5"}).encode(),
        json.dumps({"id": "6", "text": "hi", "tz": "Mars/Olympus"}).encode(),
        json.dumps({"id": "7", "text": "hi", "role": "robot"}).encode(),
        b"[1, 2]",
        b"",
        json.dumps({"id": "10", "text": "\ud800 lone surrogate"}).encode(),
    ]
    out = run_analyze(shomer_home, b"\n".join(lines) + b"\n")
    assert len(out) == 10
    assert out[0]["id"] == "1"
    assert out[0]["label"] == "positive"
    assert "tone" not in out[0]
    assert out[1]["promises"] == [
        {
            "text": "Hi Mark, I'll send the invoice by Tuesday EOD.",
            "due": "2025-11-25T17:00:00+02:00",
        }
    ]
    assert out[1]["tone"]["uses_name"] is True
    assert [o.get("error", "")[:12] for o in out[2:9]] == [
        "not a JSON o",
        "line is not ",
        '"text" must ',
        "unknown time",
        '"role" must ',
        "not a JSON o",
        "empty line",
    ]
    assert [o["id"] for o in out[2:9]] == [None, None, "5", "6", "7", None, None]
    assert out[9]["id"] == "10"
    assert "error" not in out[9]


def test_language_eval_meets_the_targets(analyzer: Analyzer, models_dir: Path) -> None:
    stdout = io.StringIO()
    call_command("language", "eval", "--json", "--models-dir", str(models_dir), stdout=stdout)
    headline = json.loads(stdout.getvalue())["headline"]
    assert headline["abuse F1"] >= 0.90
    assert headline["sentiment macro-F1"] >= 0.80
    assert headline["promise due exact match"] >= 0.85


def test_language_train_writes_the_model(tmp_path: Path) -> None:
    stdout = io.StringIO()
    call_command("language", "train", "--models-dir", str(tmp_path), stdout=stdout)
    written = list(tmp_path.glob("language-*.npz"))
    assert len(written) == 1
    assert str(written[0]) in stdout.getvalue()
