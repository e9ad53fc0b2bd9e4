from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shomer.language.detect import detect_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("שלום, המוצר לא עובד", "he"),
        ("The router keeps dropping", "en"),
        ("שלום, my iPhone 15 Pro Max לא נטען", "he"),
        ("Hi, ה-app crashes every time I open the settings page", "en"),
        ("Bonjour, je ne suis pas content du service", "fr"),
        ("Привет, у меня не работает", "ru"),
        ("مرحبا، الخدمة سيئة", "ar"),
        ("", "en"),
        ("😀😀😀", "en"),
        ("!!! ???", "en"),
        ("12345", "en"),
        ("\u200f\u200e", "en"),
    ],
)
def test_detect_language(text: str, expected: str) -> None:
    assert detect_language(text) == expected


@given(st.text())
def test_detect_language_always_answers_a_two_letter_code(text: str) -> None:
    code = detect_language(text)
    assert len(code) == 2
    assert code.isalpha()
    assert code.islower()
