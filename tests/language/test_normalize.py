from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shomer.language import normalize
from shomer.language.normalize import (
    MAX_ANALYSED_CHARS,
    analysis_form,
    fold,
    is_stretched,
    squeeze,
    stems,
    strip_marks,
    unfinal,
    words,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("שָׁלוֹם", "שלום"),
        ("בְּרֵאשִׁית֙", "בראשית"),
        ("\u200fשלום\u200e", "שלום"),
        ("abc", "abc"),
    ],
)
def test_strip_marks_removes_niqqud_cantillation_and_bidi_marks(text: str, expected: str) -> None:
    assert strip_marks(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  שָׁלוֹם   World ", "שלום world"),
        ("צה״ל", 'צה"ל'),
        ("ג׳ירפה", "ג'ירפה"),
        ("“quoted” ‘x’", "\"quoted\" 'x'"),
        ("תל־אביב", "תל-אביב"),
    ],
)
def test_fold_keeps_its_search_behaviour(text: str, expected: str) -> None:
    assert fold(text) == expected


def test_unfinal_makes_final_letters_regular() -> None:
    assert unfinal("ךםןףץ שלום") == "כמנפצ שלומ"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("מעולהההה", "מעולה"),
        ("soooo gooood", "soo good"),
        ("good", "good"),
        ("!!!!!!", "!!!"),
        ("ממש", "ממש"),
    ],
)
def test_squeeze_shortens_stretched_words(text: str, expected: str) -> None:
    assert squeeze(text) == expected


def test_is_stretched() -> None:
    assert is_stretched("גרוווווע")
    assert is_stretched("NOOOO")
    assert not is_stretched("good ממש")


def test_analysis_form_turns_emoji_into_sentiment_tokens() -> None:
    assert analysis_form("תודה 👍🏽 😡") == "תודה emojipos emojiangry"
    assert analysis_form("🦄") == "emoji"


def test_analysis_form_mixes_scripts_and_drops_marks() -> None:
    assert analysis_form("\u200fה-App שָׁלוֹם OK") == "ה-app שלומ ok"


def test_words_give_spans_into_the_original_text() -> None:
    text = "\u200fשָׁלוֹם, Dana!"
    found = words(text)
    assert [w.form for w in found] == ["שלומ", "dana"]
    assert [text[w.start : w.end] for w in found] == ["שָׁלוֹם", "Dana"]


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("וכשהלקוח", ("וכשהלקוח", "כשהלקוח", "שהלקוח", "הלקוח")),
        ("בו", ("בו",)),
        ("לקוח", ("לקוח", "קוח")),
        ("idiot", ("idiot",)),
    ],
)
def test_stems_strip_up_to_three_prefix_letters(word: str, expected: tuple[str, ...]) -> None:
    assert stems(word) == expected


@given(st.text())
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@given(st.text())
def test_word_spans_are_inside_the_text(text: str) -> None:
    for word in words(text):
        assert 0 <= word.start < word.end <= len(text)


@given(st.text(max_size=300))
def test_analysis_form_never_grows_past_the_cap_by_much(text: str) -> None:
    # Emoji become words, so the form may grow, but it is built from a capped head.
    assert len(analysis_form(text * 50)) <= MAX_ANALYSED_CHARS * 12


# The forms as they were computed before the fast paths (translate on every text, regex
# white space): the analysers' readings depend on them character for character.
def fold_reference(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = strip_marks(text).translate(normalize._QUOTES).casefold()
    return re.sub(r"\s+", " ", text).strip()


def analysis_form_reference(text: str) -> str:
    text = normalize._INVISIBLE.sub("", text[: normalize.MAX_ANALYSED_CHARS])
    text = fold_reference(text).translate(normalize._EMOJI_TABLE)
    text = normalize._OTHER_EMOJI.sub(" emoji ", text)
    text = squeeze(text.translate(normalize.FINALS))
    return re.sub(r"\s+", " ", text).strip()


TRICKY = st.text(
    st.sampled_from(
        [
            *"abc ABC אבגךםןףץ\u05f3\u05f4\u2019\u201c\u05be\u05b0\u200f\u200b",
            *"😡🙂⭐☹🤖",
            *"\t\n\x0b\x1c\x85\xa0\u2028\u3000",
        ]
    ),
    max_size=60,
)


@given(st.text() | TRICKY)
def test_fold_and_analysis_form_are_unchanged_by_the_fast_paths(text: str) -> None:
    assert fold(text) == fold_reference(text)
    assert analysis_form(text) == analysis_form_reference(text)
    assert unfinal(text) == text.translate(normalize.FINALS)
