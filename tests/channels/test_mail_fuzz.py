"""Fuzzing: no input makes parse_email raise anything but UnparseableEmail, or hang.

The deadline is generous (the inputs are small and each takes milliseconds); a hang or
a quadratic blow-up on a small input still trips it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shomer.channels.email import ParsedEmail, UnparseableEmail, parse_email
from shomer.channels.email.importer import dry_run
from shomer.channels.email.samples import varied_corpus
from shomer.channels.email.sources import Source

DATA = Path(__file__).parent / "data"
SEEDS = [path.read_bytes() for path in sorted(DATA.glob("*.eml"))] + [
    raw for _, raw in varied_corpus(11)
]
FUZZ = settings(
    max_examples=150,
    deadline=dt.timedelta(seconds=5),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# Pieces that steer the parser into its rarer paths.
TOKENS = [
    b"\r\n",
    b"\n\n",
    b"--",
    b"=?utf-8?B?",
    b"=?iso-8859-8?Q?=E0",
    b"?=",
    b"Content-Type: multipart/mixed; boundary=x\r\n",
    b"--x\r\n",
    b"Content-Transfer-Encoding: base64\r\n",
    b"Content-Type: message/rfc822\r\n\r\n",
    b'charset="iso-8859-8-i"',
    b"<blockquote>",
    b"\xe0\xe1\xf9",
    b"\x00",
    b"=\r\n",
    b">",
    b"From ",
    b"Message-ID: <\xff\xfe@x>\r\n",
    b"Content-ID: <\xe0@x>\r\n",
    b"References: <a\x01@b> <\xd7\x90@c>\r\n",
]


def parse_or_refuse(raw: bytes) -> ParsedEmail | None:
    try:
        parsed = parse_email(raw)
    except UnparseableEmail as error:
        assert error.reason
        return None
    assert isinstance(parsed.text, str) and isinstance(parsed.message_id, str)
    assert parsed.message_id
    assert "<script" not in parsed.html.lower()
    assert_utf8_clean(parsed)
    return parsed


def assert_utf8_clean(value: object) -> None:
    """Every string the parser hands out can be written as UTF-8 (no lone surrogates)."""
    if isinstance(value, str):
        value.encode("utf-8")
    elif isinstance(value, dict):
        for key, item in value.items():
            assert_utf8_clean(key)
            assert_utf8_clean(item)
    elif isinstance(value, list | tuple):
        for item in value:
            assert_utf8_clean(item)
    elif dataclasses.is_dataclass(value):
        for field in dataclasses.fields(value):
            assert_utf8_clean(getattr(value, field.name))


@FUZZ
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(raw: bytes) -> None:
    parse_or_refuse(raw)


@FUZZ
@given(st.binary(max_size=500))
def test_arbitrary_bytes_after_real_headers(body: bytes) -> None:
    parse_or_refuse(b"From: x@example.com\r\nSubject: fuzz\r\n" + body)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 8))):
        operation = draw(st.sampled_from(["flip", "cut", "insert", "duplicate", "truncate"]))
        position = draw(st.integers(0, max(0, len(data) - 1)))
        if operation == "flip" and data:
            data[position] = draw(st.integers(0, 255))
        elif operation == "cut":
            del data[position : position + draw(st.integers(1, 200))]
        elif operation == "insert":
            data[position:position] = draw(st.sampled_from(TOKENS))
        elif operation == "duplicate":
            data[position:position] = data[position : position + draw(st.integers(1, 300))]
        else:
            del data[position:]
    return bytes(data)


@FUZZ
@given(mutated())
def test_mutated_real_messages(raw: bytes) -> None:
    parse_or_refuse(raw)


@settings(max_examples=40, deadline=dt.timedelta(seconds=5))
@given(st.lists(mutated(), max_size=6))
def test_the_dry_run_gives_one_line_per_message_whatever_they_hold(raws: list[bytes]) -> None:
    lines = list(dry_run(Source(f"m{index}", raw) for index, raw in enumerate(raws)))
    assert [line["source"] for line in lines] == [f"m{index}" for index in range(len(raws))]
    assert all((line["error"] is None) == (line["thread"] is not None) for line in lines)
    for line in lines:
        json.dumps(line, ensure_ascii=False).encode("utf-8")
