"""One entry point for language analysis: `analyze(text, role, sent_at, tz, now)`. Pure.

Combines language detection, the default linear model (sentiment, abuse, urgency), the
lexicon analysers (dissatisfaction, "I know better", around-the-clock demands, out of
scope), promise extraction (agent text) and the tone coach (agent text).
`Analysis.to_json()` gives exactly the fields of the `shomer analyze` contract.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from shomer.language import lexicons
from shomer.language.detect import detect_language
from shomer.language.model import LinearModel, Scores, load_or_train
from shomer.language.normalize import MAX_ANALYSED_CHARS, analysis_form
from shomer.language.promises import Promise, extract_promises
from shomer.language.tone import ToneScores, coach

ROLES = ("customer", "agent")
ABUSE_THRESHOLD = 0.5
# Dissatisfaction: mostly how negative the message is, plus explicit cues (cancel, manager,
# refund, "third time"), each cue adding DISSATISFIED_CUE_WEIGHT up to the cap.
DISSATISFIED_NEGATIVE_WEIGHT = 0.7
DISSATISFIED_CUE_WEIGHT = 0.15
DISSATISFIED_CUE_CAP = 0.3
_HAS_WORD = re.compile(r"\w")


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything the analysers read in one message."""

    lang: str
    sentiment: float
    label: str
    abuse: float
    abusive: bool
    urgency: float
    promises: tuple[Promise, ...] = ()
    tone: ToneScores | None = None
    dissatisfaction: float = 0.0
    knows_better: bool = False
    always_on: bool = False
    out_of_scope: bool = False

    def to_json(self, id: str | None = None) -> dict[str, Any]:
        """The contract's fields (with "id" first when given); tone only for agent text."""
        out: dict[str, Any] = {} if id is None else {"id": id}
        out.update(
            {
                "lang": self.lang,
                "sentiment": round(self.sentiment, 4),
                "label": self.label,
                "abuse": round(self.abuse, 4),
                "abusive": self.abusive,
                "urgency": round(self.urgency, 4),
                "promises": [p.to_json() for p in self.promises],
            }
        )
        if self.tone is not None:
            out["tone"] = self.tone.to_json()
        return out


@dataclass(frozen=True, slots=True)
class Request:
    """One message to analyse: `Analyzer.analyze`'s arguments."""

    text: str
    role: str = "customer"
    sent_at: datetime | None = None
    tz: str = "Asia/Jerusalem"
    now: datetime | None = None
    customer_name: str | None = None


class Analyzer:
    """Holds a loaded model; `analyze` many messages with it."""

    def __init__(self, model: LinearModel) -> None:
        self.model = model

    @property
    def version(self) -> str:
        """The model's cache key (feature version, corpus hash, corrections hash)."""
        return self.model.version

    @classmethod
    def load(cls, models_dir: Path | None = None) -> Analyzer:
        return cls(load_or_train(models_dir))

    def analyze(
        self,
        text: str,
        role: str = "customer",
        sent_at: datetime | None = None,
        tz: str = "Asia/Jerusalem",
        now: datetime | None = None,
        customer_name: str | None = None,
    ) -> Analysis:
        return self.analyze_many([Request(text, role, sent_at, tz, now, customer_name)])[0]

    def analyze_many(self, requests: Sequence[Request]) -> list[Analysis]:
        """`analyze` of each request, in order: the model scores the batch in one go."""
        heads: list[str] = []
        forms: list[str] = []
        for request in requests:
            if not isinstance(request.text, str):
                raise TypeError("text must be a string")
            if request.role not in ROLES:
                raise ValueError(f"role must be one of {', '.join(ROLES)}")
            head = request.text[:MAX_ANALYSED_CHARS]
            heads.append(head)
            forms.append(analysis_form(head))
        # Only punctuation, spaces or marks: nothing to read, so nothing is claimed.
        readable = [index for index, form in enumerate(forms) if _HAS_WORD.search(form)]
        scores = [Scores(0.0, 1.0, 0.0, 0.0, 0.0)] * len(requests)
        for index, reading in zip(
            readable,
            self.model.score_many([(heads[index], forms[index]) for index in readable]),
            strict=True,
        ):
            scores[index] = reading
        return [
            _analysis(request, head, form, score)
            for request, head, form, score in zip(requests, heads, forms, scores, strict=True)
        ]


def _analysis(request: Request, head: str, form: str, scores: Scores) -> Analysis:
    """Everything but the model: language, promises, tone and the lexicon analysers."""
    zone = ZoneInfo(request.tz)
    moment = request.sent_at or request.now or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    lang = detect_language(head)
    promises: tuple[Promise, ...] = ()
    tone = None
    if request.role == "agent":
        promises = tuple(extract_promises(head, moment, zone))
        tone = coach(head, request.customer_name, lang).scores
    cues = len(lexicons.DISSATISFIED.findall(form))
    dissatisfaction = min(
        1.0,
        DISSATISFIED_NEGATIVE_WEIGHT * scores.negative
        + min(DISSATISFIED_CUE_CAP, DISSATISFIED_CUE_WEIGHT * cues),
    )
    return Analysis(
        lang=lang,
        sentiment=max(-1.0, min(1.0, scores.sentiment)),
        label=scores.label,
        abuse=scores.abuse,
        abusive=scores.abuse >= ABUSE_THRESHOLD,
        urgency=scores.urgency,
        promises=promises,
        tone=tone,
        dissatisfaction=dissatisfaction if request.role == "customer" else 0.0,
        knows_better=bool(lexicons.KNOW_BETTER.search(form)),
        always_on=bool(lexicons.ALWAYS_ON.search(form)),
        out_of_scope=bool(lexicons.OUT_OF_SCOPE.search(form)),
    )


_DEFAULT: dict[Path | None, Analyzer] = {}


def default_analyzer(models_dir: Path | None = None) -> Analyzer:
    """A process-wide analyzer per models directory (loaded, or trained, on first use)."""
    if models_dir not in _DEFAULT:
        _DEFAULT[models_dir] = Analyzer.load(models_dir)
    return _DEFAULT[models_dir]


def analyze(
    text: str,
    role: str = "customer",
    sent_at: datetime | None = None,
    tz: str = "Asia/Jerusalem",
    now: datetime | None = None,
    *,
    customer_name: str | None = None,
    models_dir: Path | None = None,
) -> Analysis:
    """Analyse one message. `sent_at` defaults to `now`, which defaults to the clock."""
    return default_analyzer(models_dir).analyze(text, role, sent_at, tz, now, customer_name)
