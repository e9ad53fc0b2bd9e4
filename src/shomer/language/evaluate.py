"""Evaluation on the held-out split: precision, recall and F1 per label and language. Pure.

`evaluate_classifiers` scores the model on the corpus families marked `test`;
`evaluate_promises` checks due dates on `data/promises_eval.jsonl`, agent sentences
with `sent_at`, `tz` and the expected `due` (ISO-8601 or null), by exact match.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from shomer.language.corpus import SENTIMENTS, Example
from shomer.language.model import LinearModel, Scores
from shomer.language.promises import extract_promises

PROMISES_EVAL = Path(__file__).parent / "data" / "promises_eval.jsonl"
ABUSE_THRESHOLD = 0.5


@dataclass(frozen=True, slots=True)
class LabelScore:
    """Precision, recall and F1 of one label in one language."""

    task: str
    label: str
    lang: str
    precision: float
    recall: float
    f1: float
    support: int


def prf(truth: Sequence[bool], predicted: Sequence[bool]) -> tuple[float, float, float]:
    true_positive = sum(1 for t, p in zip(truth, predicted, strict=True) if t and p)
    predicted_count, actual_count = sum(predicted), sum(truth)
    precision = true_positive / predicted_count if predicted_count else 0.0
    recall = true_positive / actual_count if actual_count else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def evaluate_classifiers(
    model: LinearModel, examples: Sequence[Example], score: Callable[[str], Scores] | None = None
) -> list[LabelScore]:
    """Scores per task, label and language ("all" too) on `examples`."""
    scorer = score or model.score
    predictions = [scorer(e.text) for e in examples]
    out: list[LabelScore] = []
    for lang in ("he", "en", "all"):
        chosen = [
            (e, p) for e, p in zip(examples, predictions, strict=True) if lang in ("all", e.lang)
        ]
        if not chosen:
            continue
        tasks: list[tuple[str, str, list[bool], list[bool]]] = []
        for label in SENTIMENTS:
            tasks.append(
                (
                    "sentiment",
                    label,
                    [e.sentiment == label for e, _ in chosen],
                    [p.label == label for _, p in chosen],
                )
            )
        tasks.append(
            (
                "abuse",
                "abusive",
                [bool(e.abuse) for e, _ in chosen],
                [p.abuse >= ABUSE_THRESHOLD for _, p in chosen],
            )
        )
        tasks.append(
            (
                "urgency",
                "urgent",
                [bool(e.urgency) for e, _ in chosen],
                [p.urgency >= 0.5 for _, p in chosen],
            )
        )
        for task, label, truth, predicted in tasks:
            precision, recall, f1 = prf(truth, predicted)
            out.append(LabelScore(task, label, lang, precision, recall, f1, sum(truth)))
    return out


def macro_f1(scores: Sequence[LabelScore], task: str, lang: str = "all") -> float:
    chosen = [s.f1 for s in scores if s.task == task and s.lang == lang]
    return sum(chosen) / len(chosen) if chosen else 0.0


@dataclass(frozen=True, slots=True)
class PromiseCase:
    text: str
    sent_at: datetime
    tz: str
    due: str | None
    lang: str


def load_promise_cases(path: Path = PROMISES_EVAL) -> list[PromiseCase]:
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            cases.append(
                PromiseCase(
                    row["text"],
                    datetime.fromisoformat(row["sent_at"]),
                    row.get("tz", "Asia/Jerusalem"),
                    row["due"],
                    row.get("lang", "he"),
                )
            )
    return cases


def promise_due(case: PromiseCase) -> str | None:
    """Due date of the first promise found in the case's text ("none" if no promise)."""
    promises = extract_promises(case.text, case.sent_at, ZoneInfo(case.tz))
    if not promises:
        return "none"
    due = promises[0].due
    return None if due is None else due.isoformat()


def evaluate_promises(cases: Sequence[PromiseCase]) -> dict[str, tuple[int, int]]:
    """(exact matches, cases) per language and overall."""
    out: dict[str, tuple[int, int]] = {}
    for case in cases:
        hit = int(promise_due(case) == case.due)
        for key in (case.lang, "all"):
            matches, total = out.get(key, (0, 0))
            out[key] = (matches + hit, total + 1)
    return out
