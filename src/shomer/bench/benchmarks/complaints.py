"""Complaints: grouping complaint texts into themes, and finding staff work after hours.

- `complaint_themes`: complaints grouped per second by `shomer.complaints.themes.find_themes`
  (TF-IDF character n-grams, per language), on complaints written from the demo's complaint
  scripts (Hebrew and English, five themes and a mixed one), each copy changed a little
  (words dropped, a sentence of another script's closing added) so that no two are alike.
  The line adds the adjusted Rand index against the themes the texts were written on
  (`ari`, 1 is perfect, 0 is chance) and how many themes were found.
- `staff_after_hours`: instants per second classified as outside a working calendar (the
  Israeli office week, holidays and eves) by `shomer.complaints.rules.after_hours_mask`,
  the exposure report's inner loop.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Iterator
from typing import Any

import numpy as np

from shomer.bench.registry import benchmark, line, progress
from shomer.complaints.rules import after_hours_mask
from shomer.complaints.themes import find_themes
from shomer.demo import content
from shomer.sla.calendar import Calendar
from shomer.sla.defaults import DEFAULT_CALENDAR

# The demo scripts' theme tags (the last tag of each complaint script).
THEME_OF_TAG = {
    "זמני תגובה": "slow",
    "response time": "slow",
    "יחס": "conduct",
    "conduct": "conduct",
    "חיוב": "billing",
    "billing": "billing",
    "הבטחות": "promises",
    "promises": "promises",
    "זמינות": "outage",
    "uptime": "outage",
}


def complaint_corpus(count: int, seed: int) -> tuple[list[str], list[str], list[str]]:
    """`count` complaints (subject and text), their languages and the theme written on."""
    rng = random.Random(seed)
    scripts = [script for script in content.SCRIPTS if script.kind == "complaint"]
    closings = [text for script in scripts for text in script.turns[-1][1]]
    texts, languages, truth = [], [], []
    for _ in range(count):
        script = rng.choice(scripts)
        words = rng.choice(script.turns[0][1]).replace("{agent}", "דנה").split()
        for _drop in range(rng.randint(0, 2)):
            if len(words) > 6:
                del words[rng.randrange(len(words))]
        body = " ".join(words)
        if rng.random() < 0.3:
            body = f"{body} {rng.choice(closings)}"
        texts.append(f"{rng.choice(script.subjects)}\n{body}")
        languages.append(script.language)
        truth.append(f"{THEME_OF_TAG.get(script.tags[-1], 'other')}/{script.language}")
    return texts, languages, truth


@benchmark("complaint_themes")
def complaint_themes(quick: bool) -> Iterator[dict[str, Any]]:
    from sklearn.metrics import adjusted_rand_score

    find_themes(["warm up", "warm up again"], ["en", "en"])  # imports, outside the timing
    for size in (200, 500) if quick else (1000, 5000):
        texts, languages, truth = complaint_corpus(size, seed=size)
        progress(f"complaint_themes: {size} complaints")
        started = time.perf_counter()
        result = find_themes(texts, languages)
        elapsed = time.perf_counter() - started
        yield line(
            "complaint_themes",
            size / elapsed,
            "complaints/s",
            size,
            seconds=round(elapsed, 3),
            themes=len(result.themes),
            ari=round(float(adjusted_rand_score(truth, result.assignment)), 3),
        )


@benchmark("staff_after_hours")
def staff_after_hours(quick: bool) -> Iterator[dict[str, Any]]:
    calendar = Calendar.from_dict(DEFAULT_CALENDAR)
    size = 200_000 if quick else 2_000_000
    rng = np.random.default_rng(1)
    start = int(dt.datetime(2026, 1, 1, tzinfo=dt.UTC).timestamp())
    instants = start + rng.integers(0, 365 * 86400, size=size)
    after_hours_mask(instants[:10], calendar)  # the calendar compiled, outside the timing
    started = time.perf_counter()
    mask = after_hours_mask(instants, calendar)
    elapsed = time.perf_counter() - started
    yield line(
        "staff_after_hours",
        size / elapsed,
        "instants/s",
        size,
        after_hours_share=round(float(mask.mean()), 3),
    )
