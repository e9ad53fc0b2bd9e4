"""Language analysis with the default backend (shomer.language).

- `language_analyze`: messages per second on one core through `Analyzer.analyze`, on a mix
  of the corpus's Hebrew and English messages, a third of them as agent text (promises and
  the tone coach), over several rounds (target: >= 2,000 messages/s).
- `language_model_load`: seconds from a fresh interpreter to a loaded analyzer, imports
  included, measured in a subprocess (target: <= 1 s); `file_load_s` is the model file alone.
- `language_rss`: resident memory in MB of a subprocess after loading the model and
  analysing a batch (target: <= 300 MB); `peak_mb` is its high-water mark.

The model is trained into the models directory first if it is missing (not timed).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from shomer.bench.registry import benchmark, line, progress, timer

SENT_AT = datetime(2025, 11, 23, 8, 30, tzinfo=UTC)

_SUBPROCESS = r"""
import json, sys, time
started = time.perf_counter()
from shomer.language.analyze import Analyzer
from shomer.language.model import LinearModel, default_models_dir, model_path
analyzer = Analyzer.load()
loaded = time.perf_counter() - started
started = time.perf_counter()
LinearModel.load(model_path(default_models_dir()))
file_load = time.perf_counter() - started
from shomer.language.corpus import load_corpus
texts = [e.text for e in load_corpus()][: int(sys.argv[1])]
for index, text in enumerate(texts):
    analyzer.analyze(text, "agent" if index % 3 == 0 else "customer")
status = dict(
    line.split(":", 1) for line in open("/proc/self/status") if line.startswith(("VmRSS", "VmHWM"))
)
print(json.dumps({
    "load_s": loaded,
    "file_load_s": file_load,
    "rss_mb": int(status["VmRSS"].split()[0]) / 1024,
    "peak_mb": int(status["VmHWM"].split()[0]) / 1024,
    "messages": len(texts),
}))
"""


def _ensure_model() -> None:
    from shomer.language.model import default_models_dir, load_or_train, model_path

    if not model_path(default_models_dir()).exists():
        progress("language: training the default model first")
        load_or_train()


def _subprocess(messages: int) -> dict[str, Any]:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    completed = subprocess.run(
        [sys.executable, "-c", _SUBPROCESS, str(messages)],
        capture_output=True,
        check=True,
        env=env,
        timeout=300,
    )
    result: dict[str, Any] = json.loads(completed.stdout)
    return result


@benchmark("language_analyze")
def language_analyze(quick: bool) -> Iterator[dict[str, Any]]:
    from shomer.language.analyze import Analyzer
    from shomer.language.corpus import load_corpus

    _ensure_model()
    analyzer = Analyzer.load()
    texts = [e.text for e in load_corpus()]
    size = 2000 if quick else 20000
    batch = [(texts[i % len(texts)], "agent" if i % 3 == 0 else "customer") for i in range(size)]
    for text, role in batch[:200]:  # warm the word-class cache like a running worker
        analyzer.analyze(text, role, SENT_AT)
    rounds = []
    for _ in range(3):
        with timer() as elapsed:
            for text, role in batch:
                analyzer.analyze(text, role, SENT_AT)
        rounds.append(size / elapsed())
    rounds.sort()
    yield line(
        "language_analyze",
        rounds[1],
        "messages/s",
        size,
        best=round(rounds[-1], 1),
        agent_share=round(sum(r == "agent" for _, r in batch) / size, 3),
    )


@benchmark("language_model_load")
def language_model_load(quick: bool) -> Iterator[dict[str, Any]]:
    _ensure_model()
    runs = [_subprocess(10) for _ in range(1 if quick else 3)]
    runs.sort(key=lambda r: float(r["load_s"]))
    middle = runs[len(runs) // 2]
    yield line(
        "language_model_load",
        float(middle["load_s"]),
        "s",
        1,
        file_load_s=round(float(middle["file_load_s"]), 4),
    )


@benchmark("language_rss")
def language_rss(quick: bool) -> Iterator[dict[str, Any]]:
    _ensure_model()
    messages = 1000 if quick else 5000
    result = _subprocess(messages)
    yield line(
        "language_rss",
        float(result["rss_mb"]),
        "MB",
        int(result["messages"]),
        peak_mb=round(float(result["peak_mb"]), 1),
    )
