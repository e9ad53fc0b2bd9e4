"""Phone numbers to E.164 and back (pure)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shomer.channels.phone.numbers import display_phone, normalize_phone


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("050-1234567", "+972501234567"),
        ("050 123 4567", "+972501234567"),
        ("(050) 123-4567", "+972501234567"),
        ("+972-50-123-4567", "+972501234567"),
        ("00972501234567", "+972501234567"),
        ("972501234567", "+972501234567"),
        ("03-6123456", "+97236123456"),
        ("\u200e054-3322110\u200e", "+972543322110"),
        ("+44 20 7946 0958", "+442079460958"),
        ("", None),
        ("12", None),
        ("call me", None),
        ("050-12345ab", None),
        ("+0501234567", None),
        ("١٢٣٤٥٦٧٨٩٠", None),
        ("+1234567890123456", None),
    ],
)
def test_typed_numbers_normalise(typed, e164):
    assert normalize_phone(typed) == e164


@pytest.mark.parametrize(
    ("e164", "shown"),
    [
        ("+972501234567", "050-1234567"),
        ("+97236123456", "03-6123456"),
        ("+972771234567", "077-1234567"),
        ("+442079460958", "+442079460958"),
    ],
)
def test_numbers_display_in_the_national_style_at_home(e164, shown):
    assert display_phone(e164) == shown


@given(st.from_regex(r"0[2-9][0-9]{7,8}", fullmatch=True))
def test_display_and_normalise_round_trip_for_israeli_numbers(national):
    e164 = normalize_phone(national)
    assert e164 is not None
    assert normalize_phone(display_phone(e164)) == e164


@given(st.text(max_size=40))
def test_normalise_never_raises_and_returns_e164_or_none(text):
    result = normalize_phone(text)
    assert result is None or (
        result.startswith("+") and result[1:].isdigit() and 8 <= len(result) - 1 <= 15
    )
