from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shomer.language.promises import extract_promises, sentences

JERUSALEM = ZoneInfo("Asia/Jerusalem")
SUNDAY = datetime(2025, 11, 23, 10, 30, tzinfo=JERUSALEM)


def found(text: str) -> list[tuple[str, str | None]]:
    return [
        (p.text, None if p.due is None else p.due.isoformat())
        for p in extract_promises(text, SUNDAY, JERUSALEM)
    ]


def test_it_finds_the_promise_among_other_sentences() -> None:
    text = "שלום דנה. בדקתי את הנושא. אחזור אליך מחר עד 12:00. תודה על הסבלנות!"
    assert found(text) == [("אחזור אליך מחר עד 12:00.", "2025-11-24T12:00:00+02:00")]


def test_several_promises_each_with_its_due() -> None:
    text = "I'll send the invoice by Tuesday EOD. We will check the line later today."
    assert found(text) == [
        ("I'll send the invoice by Tuesday EOD.", "2025-11-25T17:00:00+02:00"),
        ("We will check the line later today.", None),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("נציג יחזור אליך בעוד שבועיים", "2025-12-07T17:00:00+02:00"),
        ("נשלח עד יום שלישי את החשבונית", "2025-11-25T17:00:00+02:00"),
        ("A technician will arrive within 2 hours.", "2025-11-23T12:30:00+02:00"),
        ("You'll receive the refund ב-1.12", "2025-12-01T17:00:00+02:00"),
        ("אני מבטיחה שזה יטופל עד סוף השבוע", "2025-11-27T17:00:00+02:00"),
        ("Our courier will pick it up on 18.12", "2025-12-18T17:00:00+02:00"),
        ("אבדוק ואחזור אלייך בהקדם", None),
        ("I'll look into it.", None),
    ],
)
def test_promises_and_their_due_dates(text: str, expected: str | None) -> None:
    assert found(text) == [(text, expected)]


@pytest.mark.parametrize(
    "text",
    [
        "ההזמנה נשלחה אתמול.",
        "לצערי לא נוכל להחזיר את הכסף.",
        "We won't be able to refund this.",
        "Will you send me the receipt?",
        "נשלח אתמול",
        "Thanks for your message.",
        "",
    ],
)
def test_no_promise(text: str) -> None:
    assert found(text) == []


def test_sentence_spans_skip_space_and_keep_dates_whole() -> None:
    text = "  Hi.  נשלח ב-1.12 עד 12:00!\nBye "
    assert [text[s:e] for s, e in sentences(text)] == ["Hi.", "נשלח ב-1.12 עד 12:00!", "Bye"]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_extract_promises_never_fails_and_spans_match(text: str) -> None:
    for promise in extract_promises(text, SUNDAY, JERUSALEM):
        assert text[promise.start : promise.end] == promise.text
