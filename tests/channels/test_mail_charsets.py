"""Charset labels, fallbacks and visual Hebrew."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shomer.channels.email.charsets import (
    decode_bytes,
    looks_visual,
    resolve_codec,
    visual_to_logical,
)


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("iso-8859-8-i", "iso8859-8"),
        ("ISO-8859-8-I", "iso8859-8"),
        ('"windows-1255"', "cp1255"),
        ("iso-8859-1", "cp1252"),
        ("utf-8*he", "utf-8"),
        ("ks_c_5601-1987", "cp949"),
        ("x-unknown", None),
        ("base64", None),  # a codec, but not a text encoding
        ("rot13", None),
        ("", None),
        (None, None),
    ],
)
def test_it_resolves_mail_charset_labels(label: str | None, codec: str | None) -> None:
    assert resolve_codec(label) == codec


@pytest.mark.parametrize(
    ("data", "label", "text", "codec"),
    [
        ("שלום עולם".encode("cp1255"), "windows-1255", "שלום עולם", "cp1255"),
        ("שלום עולם".encode("iso8859_8"), "iso-8859-8-i", "שלום עולם", "iso8859-8"),
        # windows-1255 quotes inside text labelled iso-8859-8-i
        ("“שלום”".encode("cp1255"), "iso-8859-8-i", "“שלום”", "cp1255"),
        # labelled utf-8, really windows-1255
        ("חשבונית".encode("cp1255"), "utf-8", "חשבונית", "cp1255"),
        # labelled us-ascii, really utf-8
        ("תודה".encode(), "us-ascii", "תודה", "utf-8"),
        # unknown label, utf-8 bytes
        ("תודה".encode(), "x-made-up", "תודה", "utf-8"),
        ("café".encode("cp1252"), None, "café", "cp1252"),
        (b"plain", None, "plain", "ascii"),
    ],
)
def test_it_decodes_by_label_then_by_evidence(
    data: bytes, label: str | None, text: str, codec: str
) -> None:
    decoded = decode_bytes(data, label)
    assert (decoded.text, decoded.codec) == (text, codec)


def test_undecodable_bytes_are_replaced_and_noted() -> None:
    decoded = decode_bytes(b"\xe0\xe1\xff\xca", "windows-1255")
    assert decoded.text == "אב\ufffd\ufffd"
    assert decoded.notes == ("bytes are not valid cp1255", "undecodable bytes replaced (cp1255)")


@pytest.mark.parametrize(
    ("visual", "logical"),
    [
        ("םולש", "שלום"),
        (".םוי לכ םיחוור תוחוד לבקל ונצר ,םולש", "שלום, רצנו לקבל דוחות רווחים כל יום."),
        (".2024 סרמב 15-ה דע ,הדות", "תודה, עד ה-15 במרס 2024."),
        ("(Shomer) םולש", "שלום (Shomer)"),
        ("Hello World םולש", "שלום Hello World"),
    ],
)
def test_it_turns_visual_hebrew_into_logical_order(visual: str, logical: str) -> None:
    assert looks_visual(visual)
    assert visual_to_logical(visual) == logical


@pytest.mark.parametrize(
    "logical",
    ["שלום עולם", "שלום, מה שלומך?", "הזמנה 5521 לא הגיעה.", "ok", ""],
)
def test_logical_hebrew_is_not_taken_for_visual(logical: str) -> None:
    assert not looks_visual(logical)


def test_visual_label_with_logical_text_is_left_alone() -> None:
    # Many mailers label logical Hebrew "iso-8859-8": the text decides.
    decoded = decode_bytes("שלום עולם, מה נשמע?".encode("iso8859_8"), "iso-8859-8")
    assert decoded.text == "שלום עולם, מה נשמע?"
    assert decoded.notes == ()


def test_visual_label_with_visual_text_is_reordered() -> None:
    decoded = decode_bytes("?עמשנ המ ,םלוע םולש".encode("iso8859_8"), "iso-8859-8")
    assert decoded.text == "שלום עולם, מה נשמע?"
    assert decoded.notes == ("visual Hebrew turned into logical order",)


@given(
    st.binary(max_size=300),
    st.sampled_from(
        ["utf-8", "iso-8859-8", "iso-8859-8-i", "windows-1255", "us-ascii", "bogus", ""]
    ),
)
def test_decoding_never_raises(data: bytes, label: str) -> None:
    assert isinstance(decode_bytes(data, label).text, str)


@given(st.text(alphabet="אבגדהוזחטיכלמנסעפצקרשתםןץףך 0123456789", max_size=60))
def test_reordering_twice_gives_back_the_line(line: str) -> None:
    # Hebrew letters, digits and spaces: the visual form is the line reversed with the
    # numbers kept left to right, so two reversals are the identity (trailing spaces aside).
    line = line.strip()
    assert visual_to_logical(visual_to_logical(line)) == line
