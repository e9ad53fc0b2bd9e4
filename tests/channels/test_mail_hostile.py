"""Hostile mail: huge, deeply nested, injected, scripted. It never crashes the parser."""

from __future__ import annotations

import base64

import pytest

from shomer.channels.email import UnparseableEmail, parse_email
from shomer.channels.email.html import html_to_text, is_html_affordable, sanitise_html

HEADERS = b"From: eve@example.com\r\nTo: support@shomer.example\r\nSubject: hostile\r\n"


def test_a_26_mib_attachment_is_listed_and_rejected_not_decoded() -> None:
    payload = base64.encodebytes(b"\x00" * (26 * 1024 * 1024))
    message = (
        HEADERS + b"Content-Type: multipart/mixed; boundary=x\r\n\r\n"
        b"--x\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
        b"--x\r\nContent-Type: application/zip; name=big.zip\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n" + payload + b"\r\n--x--\r\n"
    )
    parsed = parse_email(message)
    [attachment] = parsed.attachments
    assert parsed.text == "see attached"
    assert attachment.filename == "big.zip"
    assert attachment.rejected_reason == "larger than 26214400 bytes"
    assert attachment.payload == b""
    assert attachment.size > 26 * 1024 * 1024


def test_a_message_over_50_mib_is_unparseable() -> None:
    with pytest.raises(UnparseableEmail) as caught:
        parse_email(HEADERS + b"\r\n" + b"x" * (50 * 1024 * 1024))
    assert caught.value.reason.endswith("over the 52428800 byte limit")


def test_a_thousand_levels_of_nesting_is_unparseable() -> None:
    head = b"".join(
        b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (level, level)
        for level in range(1000)
    )
    with pytest.raises(UnparseableEmail) as caught:
        parse_email(HEADERS + head + b"Content-Type: text/plain\r\n\r\nx")
    assert caught.value.reason == "MIME nesting too deep to parse"


def test_thousands_of_parts_are_capped() -> None:
    parts = b"".join(b"--x\r\nContent-Type: text/plain\r\n\r\npart %d\r\n" % n for n in range(2000))
    message = HEADERS + b"Content-Type: multipart/mixed; boundary=x\r\n\r\n" + parts + b"--x--\r\n"
    parsed = parse_email(message)
    assert parsed.errors == ["more than 500 MIME parts; the rest not read"]
    assert parsed.text.split("\n\n")[-1] == "part 498"  # the multipart itself is part 1


def test_deeply_nested_html_is_not_rendered_but_its_text_is_kept() -> None:
    html = "<div>" * 3000 + "<p>hello</p>" * 10_000
    assert not is_html_affordable(html)
    assert sanitise_html(html) == ""
    assert html_to_text(html).split() == ["hello"] * 10_000
    parsed = parse_email(HEADERS + b"Content-Type: text/html\r\n\r\n" + html.encode())
    assert parsed.html == ""
    assert parsed.errors == ["HTML nested too deeply to render; its text is kept"]


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>hi",
        '<img src=x onerror="alert(1)">hi',
        '<a href="javascript:alert(1)">hi</a>',
        '<svg onload="alert(1)"><script>alert(2)</script></svg>hi',
        '<iframe src="https://evil.example"></iframe>hi',
        '<form action="https://evil.example"><input name="password"></form>hi',
        '<div style="background:url(javascript:alert(1))">hi</div>',
        "<object data=x.swf></object><embed src=x.swf>hi",
        '<meta http-equiv="refresh" content="0;url=https://evil.example">hi',
        "<scr<script>ipt>alert(1)</script>hi",
    ],
)
def test_no_script_reaches_an_agents_browser(html: str) -> None:
    cleaned = sanitise_html(html).lower()
    for dangerous in (
        "<script",
        "onerror",
        "onload",
        "javascript:",
        "<iframe",
        "<form",
        "<input",
        "<object",
        "<embed",
        "<meta",
        "url(",
    ):
        assert dangerous not in cleaned


def test_injected_headers_in_encoded_words_stay_in_their_field() -> None:
    parsed = parse_email(
        b"From: =?utf-8?Q?Eve=0D=0ABcc:_all@example.com?= <eve@example.com>\r\n"
        b"To: support@shomer.example\r\n"
        b"Subject: =?utf-8?B?" + base64.b64encode(b"hi\r\nX-Autoreply: yes") + b"?=\r\n\r\nbody"
    )
    assert parsed.from_name == "Eve Bcc: all@example.com"
    assert parsed.from_address == "eve@example.com"
    assert parsed.subject == "hi X-Autoreply: yes"
    assert parsed.kind == "message"
    assert parsed.to == ["support@shomer.example"]
