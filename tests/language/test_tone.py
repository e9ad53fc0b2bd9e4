from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shomer.language.tone import coach, uses_name


def kinds(draft: str, name: str | None = None) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in coach(draft, name).findings]


def test_a_warm_hebrew_reply_with_the_name_has_no_findings() -> None:
    coaching = coach("שלום דנה, תודה על הסבלנות. אחזור אלייך מחר עד 12:00.", "דנה כהן")
    assert coaching.lang == "he"
    assert coaching.findings == ()
    assert coaching.scores.to_json() == {
        "cold": 0.0,
        "excuse": 0.0,
        "pressure": 0.0,
        "humiliating": 0.0,
        "uses_name": True,
    }


def test_cold_and_excuse_phrases_in_hebrew_with_spans_and_hebrew_suggestions() -> None:
    draft = "כפי שנמסר לך, זה לא באחריותנו. הפנייה נסגרה."
    coaching = coach(draft, "נועה")
    assert [(f.kind, draft[f.start : f.end]) for f in coaching.findings] == [
        ("no_name", ""),
        ("cold", "כפי שנמסר לך"),
        ("excuse", "זה לא באחריותנו"),
        ("cold", "הפנייה נסגרה"),
    ]
    assert coaching.findings[0].suggestion == "שלום נועה, תודה שפנית אלינו."
    assert coaching.scores.cold == 1.0
    assert coaching.scores.excuse == 0.5
    assert not coaching.scores.uses_name


def test_english_pressure_and_suggestion_language() -> None:
    draft = "Hi Mark, thanks for asking. This offer expires today, you need to decide now."
    coaching = coach(draft, "Mark Levi")
    assert kinds(draft, "Mark Levi") == [
        ("pressure", "This offer expires today"),
        ("pressure", "you need to decide now"),
    ]
    assert coaching.scores.pressure == 0.75
    assert coaching.scores.cold == 0.0
    assert coaching.findings[0].suggestion == "the offer is open until tomorrow; take your time"


@pytest.mark.parametrize(
    ("draft", "expected"),
    [
        ("You failed to pay again, deadbeat.", ["You failed to pay", "deadbeat"]),
        ("שוב לא שילמת. אתה לקוח חייבן ונפעל נגדך.", ["שוב לא שילמת", "לקוח חייבן", "ונפעל נגדך"]),
        ("Your employer will know about this debt.", ["Your employer will know"]),
    ],
)
def test_humiliating_collections_language(draft: str, expected: list[str]) -> None:
    assert [t for k, t in kinds(draft) if k == "humiliating"] == expected


def test_the_suggested_greeting_uses_the_first_name() -> None:
    assert coach("ok", "נועה לוי", "he").findings[-1].suggestion == "שלום נועה, תודה שפנית אלינו."
    assert coach("Hello, all set.", "Mark Levi").findings[0].suggestion == "Hi Mark,"
    assert coach("Hi Mark, all set.", "Mark Levi").scores.uses_name is True


def test_greeting_without_the_name_is_pointed_at() -> None:
    coaching = coach("Hello, thanks for your message.", "Noa")
    assert [(f.kind, f.start, f.end, f.suggestion) for f in coaching.findings] == [
        ("no_name", 0, 5, "Hi Noa,")
    ]


@pytest.mark.parametrize(
    ("draft", "name", "expected"),
    [
        ("שלום דנה, מה שלומך?", "דנה כהן", True),
        ("שלום, מה שלומך?", "דנה כהן", False),
        ("Hi Mark, all set.", None, True),
        ("Hi, all set.", None, False),
        ("Dear Ms. Cohen,", "Noa Cohen", True),
        ("", "Noa", False),
    ],
)
def test_uses_name(draft: str, name: str | None, expected: bool) -> None:
    assert uses_name(draft, name) is expected


def test_the_language_can_be_given() -> None:
    assert coach("ok", None, "he").findings[-1].suggestion == "שלום הלקוח/ה, תודה שפנית אלינו."


@given(st.text(max_size=500), st.none() | st.text(max_size=20))
def test_coach_never_fails_and_scores_stay_in_range(draft: str, name: str | None) -> None:
    coaching = coach(draft, name)
    for value in (coaching.scores.cold, coaching.scores.excuse, coaching.scores.pressure):
        assert 0.0 <= value <= 1.0
    for finding in coaching.findings:
        assert draft[finding.start : finding.end] == finding.text
        assert finding.suggestion
