from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shomer.language.analyze import Analysis, Analyzer, Request

SENT = datetime.fromisoformat("2025-11-23T10:30:00+02:00")
CONTRACT = ["lang", "sentiment", "label", "abuse", "abusive", "urgency", "promises"]


def check_ranges(result: Analysis) -> None:
    assert -1.0 <= result.sentiment <= 1.0
    assert result.label in ("negative", "neutral", "positive")
    assert 0.0 <= result.abuse <= 1.0
    assert 0.0 <= result.urgency <= 1.0
    assert 0.0 <= result.dissatisfaction <= 1.0
    assert result.abusive is (result.abuse >= 0.5)


def test_customer_json_has_exactly_the_contract_fields(analyzer: Analyzer) -> None:
    result = analyzer.analyze("מעולהההה, תודה רבה!", sent_at=SENT)
    assert list(result.to_json(id="m1")) == ["id", *CONTRACT]
    assert list(result.to_json()) == CONTRACT
    assert result.to_json()["lang"] == "he"
    assert result.label == "positive"
    assert result.promises == ()


def test_agent_json_adds_tone_and_promises(analyzer: Analyzer) -> None:
    result = analyzer.analyze(
        "שלום דנה, כפי שנמסר לך אחזור אליך מחר עד 12:00.", "agent", SENT, customer_name="דנה"
    )
    out = result.to_json(id="a1")
    assert list(out) == ["id", *CONTRACT, "tone"]
    assert out["promises"] == [
        {
            "text": "שלום דנה, כפי שנמסר לך אחזור אליך מחר עד 12:00.",
            "due": "2025-11-24T12:00:00+02:00",
        }
    ]
    assert out["tone"]["uses_name"] is True
    assert out["tone"]["cold"] == 0.65  # one cold phrase, and no word of thanks or empathy


@pytest.mark.parametrize(
    ("text", "label", "abusive"),
    [
        ("אתה אידיוט מטומטם, תעביר אותי למנהל", "negative", True),
        ("You are a useless moron", "negative", True),
        ("This fucking router is dead again", "negative", False),
        ("הראוטר המחורבן הזה שוב לא עובד", "negative", False),
        ("לא רע בכלל, תודה", "positive", False),
        ("Not bad at all, thanks", "positive", False),
        ("מה שעות הפעילות של הסניף?", "neutral", False),
    ],
)
def test_clear_cases(analyzer: Analyzer, text: str, label: str, abusive: bool) -> None:
    result = analyzer.analyze(text, sent_at=SENT)
    assert (result.label, result.abusive) == (label, abusive)


def test_urgency_and_lexicon_analysers(analyzer: Analyzer) -> None:
    outage = analyzer.analyze("דחוף!!! כל המערכת למטה ואנחנו מפסידים כסף", sent_at=SENT)
    assert outage.urgency > 0.5
    knows = analyzer.analyze("I know better than you, just send a technician", sent_at=SENT)
    assert knows.knows_better
    assert analyzer.analyze("אני מצפה לתשובה גם בשבת", sent_at=SENT).always_on
    assert analyzer.analyze("Do you sell air conditioners as well?", sent_at=SENT).out_of_scope
    leaving = analyzer.analyze("נמאס לי, אני רוצה לבטל את המנוי ולעבור למתחרים", sent_at=SENT)
    assert leaving.dissatisfaction > 0.7


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "?!?!...",
        "😀😀😀",
        "\u200f\u200e\u202b",
        "\x00\x01\x02\ufffd\ufffd binary \x7f",
        "שלום hello привет مرحبا 你好",
        "א" * 1_000_000,
        "you idiot " * 100_000,
    ],
)
def test_bad_input_gives_a_valid_result(analyzer: Analyzer, text: str) -> None:
    for role in ("customer", "agent"):
        check_ranges(analyzer.analyze(text, role, SENT))


def test_only_punctuation_claims_nothing(analyzer: Analyzer) -> None:
    result = analyzer.analyze("?!?!...", sent_at=SENT)
    assert (result.sentiment, result.label, result.abuse, result.urgency) == (
        0.0,
        "neutral",
        0.0,
        0.0,
    )


def test_wrong_arguments_raise(analyzer: Analyzer) -> None:
    with pytest.raises(TypeError):
        analyzer.analyze(b"bytes", sent_at=SENT)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="role"):
        analyzer.analyze("hi", "robot", SENT)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=600), st.sampled_from(["customer", "agent"]))
def test_analyze_never_fails_on_arbitrary_text(analyzer: Analyzer, text: str, role: str) -> None:
    result = analyzer.analyze(text, role, SENT)
    check_ranges(result)
    out = result.to_json(id="x")
    assert ("tone" in out) is (role == "agent")


# Words the model knows (and some it does not), so batches exercise real feature rows.
WORDS = [
    "you",
    "idiot",
    "useless",
    "thanks",
    "great",
    "urgent",
    "down",
    "now",
    "invoice",
    "refund",
    "manager",
    "please",
    "אתה",
    "אידיוט",
    "תודה",
    "רבה",
    "מעולה",
    "דחוף",
    "לא",
    "עובד",
    "החשבונית",
    "שירות",
    "גרוע",
    "אני",
    "מבקש",
    "עזרה",
    "!!!",
    "?",
    "😡",
    "🙂",
]
MESSAGE = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(WORDS), max_size=40).map(" ".join),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(MESSAGE, max_size=12))
def test_logits_of_a_batch_are_each_messages_own(analyzer: Analyzer, texts: list[str]) -> None:
    model = analyzer.model
    batch = model.logits_many([(text, None) for text in texts])
    assert len(batch) == len(texts)
    for text, logits in zip(texts, batch, strict=True):
        assert logits == pytest.approx(model.logits(text), abs=1e-12, rel=0)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(MESSAGE, st.sampled_from(["customer", "agent"])), max_size=8))
def test_a_batch_reads_each_message_as_alone(
    analyzer: Analyzer, messages: list[tuple[str, str]]
) -> None:
    batch = analyzer.analyze_many([Request(text, role, SENT) for text, role in messages])
    assert batch == [analyzer.analyze(text, role, SENT) for text, role in messages]
