"""parse_email on composed mail: headers, bodies, attachments, kinds, limits."""

from __future__ import annotations

import base64
import datetime as dt
import email.utils
from email.mime.application import MIMEApplication
from email.mime.image import MIMEImage
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shomer.channels.email import Limits, UnparseableEmail, parse_email
from shomer.channels.email.headers import parse_addresses
from shomer.channels.email.parse import decode_transfer
from tests.channels.mail_corpus import SUPPORT, compose, raw

HEADERS = (
    b"From: Dana <dana@lakoach.example.co.il>\r\nTo: support@shomer.example\r\n"
    b"Subject: hello\r\nMessage-ID: <h1@lakoach.example.co.il>\r\n"
)


def with_headers(extra: bytes, body: bytes = b"body\r\n") -> bytes:
    return HEADERS + extra + b"\r\n" + body


def test_it_reads_a_plain_hebrew_message() -> None:
    parsed = parse_email(raw(compose()))
    assert parsed.message_id == "m1@lakoach.example.co.il"
    assert parsed.message_id_synthesised is False
    assert parsed.subject == "המדפסת לא עובדת"
    assert (parsed.from_name, parsed.from_address) == ("דנה כהן", "dana@lakoach.example.co.il")
    assert parsed.from_display == "דנה כהן <dana@lakoach.example.co.il>"
    assert parsed.to == [SUPPORT]
    assert parsed.date == dt.datetime(2024, 3, 3, 8, 0, tzinfo=dt.UTC)
    assert parsed.kind == "message"
    assert parsed.text == "שלום, המדפסת לא עובדת מאז הבוקר."
    assert parsed.full_text == parsed.text
    assert (parsed.html, parsed.attachments, parsed.errors) == ("", [], [])


@pytest.mark.parametrize(
    ("header", "subject"),
    [
        # UTF-8 split mid-character across two encoded words
        (b"=?utf-8?B?16nX?= =?utf-8?B?nNeV150=?=", "שלום"),
        (b"=?utf-8?Q?=D7=A9=D7=9C=D7=95=D7=9D_=D7=A8=D7=91?=", "שלום רב"),
        (b"=?windows-1255?B?+eXs7SDw?=", "שולם נ"),
        (b"=?ISO-8859-8-I?Q?=EE=F1=F4=F8?=", "מספר"),
        (b"Re: =?utf-8?B?16rXldeT15Q=?= [#12]", "Re: תודה [#12]"),
        (b"=?utf-8?B?broken!!?=", "=?utf-8?B?broken!!?="),  # kept as written
        (b"=?utf-8?B?16rXldeT15Q?=", "תודה"),  # padding missing
        (b"=?unknown?Q?abc?=", "abc"),
        ("raw שלום".encode("cp1255"), "raw שלום"),  # 8-bit header, no encoding
        ("raw שלום".encode(), "raw שלום"),
        (b"a\r\n  folded\r\n\tsubject", "a folded subject"),
    ],
)
def test_it_decodes_subjects(header: bytes, subject: str) -> None:
    message = b"From: x@example.com\r\nSubject: " + header + b"\r\n\r\nbody\r\n"
    assert parse_email(message).subject == subject


def test_an_encoded_line_break_cannot_inject_a_header() -> None:
    parsed = parse_email(
        b"From: x@example.com\r\nSubject: =?utf-8?Q?hi=0D=0ABcc:_victim@example.com?=\r\n\r\nb"
    )
    assert parsed.subject == "hi Bcc: victim@example.com"
    assert "Subject: control characters removed" in parsed.defects


def test_a_decoded_name_cannot_add_an_address() -> None:
    name = base64.b64encode(b"Eve, <admin@shomer.example>").decode()
    parsed = parse_email(f"From: =?utf-8?B?{name}?= <eve@example.com>\r\n\r\nb".encode())
    assert (parsed.from_name, parsed.from_address) == (
        "Eve, <admin@shomer.example>",
        "eve@example.com",
    )


def test_bidi_overrides_are_removed_from_names() -> None:
    parsed = parse_email("From: \u202eevil\u202c <x@example.com>\r\n\r\nb".encode())
    assert parsed.from_name == "evil"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (b"<abc@example.com>", "abc@example.com"),
        (b"  <abc@example.com> (comment)", "abc@example.com"),
        (b"abc@example.com", "abc@example.com"),
    ],
)
def test_message_ids_are_normalised(header: bytes, expected: str) -> None:
    parsed = parse_email(b"From: x@example.com\r\nMessage-ID: " + header + b"\r\n\r\nb")
    assert parsed.message_id == expected


def test_a_missing_message_id_is_synthesised_from_the_content() -> None:
    message = b"From: x@example.com\r\nSubject: no id\r\n\r\nbody\r\n"
    first = parse_email(message)
    relayed = parse_email(b"Received: from relay.example by mx.example\r\n" + message)
    other = parse_email(message.replace(b"body", b"other"))
    assert first.message_id_synthesised is True
    assert first.message_id.endswith("@synthesised.shomer.invalid")
    assert relayed.message_id == first.message_id  # trace headers do not count
    assert other.message_id != first.message_id


def test_references_and_in_reply_to_are_lists_of_ids() -> None:
    parsed = parse_email(
        with_headers(
            b"In-Reply-To: <b@x> (Dana's message)\r\nReferences: <a@x>\r\n <b@x> <a@x>\r\n"
        )
    )
    assert parsed.in_reply_to == "b@x"
    assert parsed.references == ["a@x", "b@x"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (b"Mon, 4 Mar 2024 08:00:51 +0200", dt.datetime(2024, 3, 4, 6, 0, 51, tzinfo=dt.UTC)),
        (b"4 Mar 2024 08:00:51 -0000", dt.datetime(2024, 3, 4, 8, 0, 51, tzinfo=dt.UTC)),
        (b"yesterday at noon", None),
        (b"Mon, 4 Mar 1900 08:00:51 +0200", None),
    ],
)
def test_dates_are_aware_or_none(header: bytes, expected: dt.datetime | None) -> None:
    parsed = parse_email(with_headers(b"Date: " + header + b"\r\n"))
    assert parsed.date == expected
    assert (parsed.errors != []) is (expected is None)


@pytest.mark.parametrize(
    ("extra", "subject", "kind"),
    [
        (b"Auto-Submitted: auto-replied\r\n", "hello", "auto-reply"),
        (b"Auto-Submitted: auto-generated\r\n", "hello", "auto-reply"),
        (b"Auto-Submitted: no\r\n", "hello", "message"),
        (b"X-Autoreply: yes\r\n", "hello", "auto-reply"),
        (b"X-Autorespond: 1\r\n", "hello", "auto-reply"),
        (b"Precedence: bulk\r\n", "hello", "auto-reply"),
        (b"Precedence: junk\r\n", "hello", "auto-reply"),
        (b"Precedence: list\r\n", "hello", "auto-reply"),
        (b"Precedence: first-class\r\n", "hello", "message"),
        (b"X-Failed-Recipients: a@b.example\r\n", "hello", "bounce"),
        (b"", "Automatic reply: Printer", "auto-reply"),
        (b"", "מענה אוטומטי: המדפסת", "auto-reply"),
        (b"", "Out of Office: back Sunday", "auto-reply"),
        (b"", "Are you out of office tomorrow?", "message"),
        (b"", "מחוץ למשרד", "auto-reply"),
    ],
)
def test_it_tells_machines_from_people(extra: bytes, subject: str, kind: str) -> None:
    message = (
        b"From: dana@lakoach.example.co.il\r\nSubject: "
        + subject.encode()
        + b"\r\n"
        + extra
        + b"\r\nbody"
    )
    assert parse_email(message).kind == kind


@pytest.mark.parametrize("sender", ["MAILER-DAEMON@mx.example", "postmaster@mx.example"])
def test_mailer_daemon_is_a_bounce(sender: str) -> None:
    parsed = parse_email(f"From: {sender}\r\nSubject: failure\r\n\r\nbody".encode())
    assert (parsed.kind, parsed.kind_reasons) == ("bounce", [f"sender {sender.lower()}"])


def test_html_only_mail_is_sanitised_and_read() -> None:
    html = (
        '<div dir="rtl" onclick="x()">שלום <b>רב</b></div><script>alert(1)</script>'
        '<a href="javascript:alert(2)">קישור</a><img src="cid:logo" onerror="alert(3)">'
    )
    message = compose("x")
    message.set_content(html, subtype="html")
    parsed = parse_email(raw(message))
    assert parsed.html == (
        '<div dir="rtl">שלום <b>רב</b></div><a rel="noopener noreferrer nofollow">קישור</a>'
        '<img src="cid:logo">'
    )
    assert parsed.text == "שלום רב\nקישור"


def test_alternative_prefers_plain_text_and_keeps_html() -> None:
    message = compose("plain version")
    message.add_alternative("<p>html version</p>", subtype="html")
    parsed = parse_email(raw(message))
    assert parsed.text == "plain version"
    assert parsed.html == "<p>html version</p>"


def test_related_inline_images_are_attachments_with_content_ids() -> None:
    message = MIMEMultipart("related")
    message["From"] = "dana@lakoach.example.co.il"
    message.attach(MIMEText('<p>logo:</p><img src="cid:logo@x">', "html", "utf-8"))
    image = MIMEImage(b"\x89PNG\r\n\x1a\n0000", "png")
    image["Content-ID"] = "<logo@x>"
    message.attach(image)
    parsed = parse_email(raw(message))
    assert parsed.text == "logo:"
    [attachment] = parsed.attachments
    assert (attachment.content_type, attachment.is_inline, attachment.content_id) == (
        "image/png",
        True,
        "logo@x",
    )
    assert attachment.payload == b"\x89PNG\r\n\x1a\n0000"
    assert attachment.filename == "attachment-1.png"


def test_attachments_keep_hebrew_names_and_blocked_types_are_rejected() -> None:
    message = compose("מצורפת חשבונית")
    message.add_attachment(
        b"%PDF-1.4", maintype="application", subtype="pdf", filename="חשבונית.pdf"
    )
    message.add_attachment(
        b"MZ..", maintype="application", subtype="octet-stream", filename="a.pdf.exe"
    )
    message.add_attachment(b"x", maintype="text", subtype="javascript", filename="../../etc/run.js")
    parsed = parse_email(raw(message))
    assert [
        (a.filename, a.size, a.payload, a.rejected_reason, a.is_inline) for a in parsed.attachments
    ] == [
        ("חשבונית.pdf", 8, b"%PDF-1.4", None, False),
        ("a.pdf.exe", 4, b"", "blocked file type .exe", False),
        ("run.js", 1, b"", "blocked file type .js", False),
    ]
    assert parsed.text == "מצורפת חשבונית"


def test_an_attachment_over_the_limit_is_listed_not_decoded() -> None:
    message = compose("big file")
    message.add_attachment(b"z" * 3000, maintype="application", subtype="zip", filename="big.zip")
    parsed = parse_email(raw(message), limits=Limits(max_attachment_bytes=1000))
    [attachment] = parsed.attachments
    assert (attachment.rejected_reason, attachment.payload) == ("larger than 1000 bytes", b"")
    assert attachment.size >= 3000
    assert parsed.errors == ["attachment 'big.zip' rejected: larger than 1000 bytes"]


def test_a_forwarded_message_is_read_as_part_of_the_mail() -> None:
    inner = compose(
        "הספק מבקש אישור",
        subject="אישור הזמנה",
        sender="vendor@supplier.example",
        message_id="<inner@supplier.example>",
    )
    outer = MIMEMultipart()
    outer["From"] = "dana@lakoach.example.co.il"
    outer["Subject"] = "Fwd: אישור הזמנה"
    outer.attach(MIMEText("ראו למטה", "plain", "utf-8"))
    outer.attach(MIMEMessage(inner))
    parsed = parse_email(raw(outer))
    [forward] = parsed.forwarded
    assert (forward.message_id, forward.subject, forward.from_address, forward.text) == (
        "inner@supplier.example",
        "אישור הזמנה",
        "vendor@supplier.example",
        "הספק מבקש אישור",
    )
    assert parsed.text == "ראו למטה"
    assert parsed.full_text == (
        "ראו למטה\n\n---------- Forwarded message ----------\nFrom: vendor@supplier.example\n"
        "Date: 2024-03-03T10:00:00+02:00\nSubject: אישור הזמנה\n\nהספק מבקש אישור"
    )


def test_a_reply_loses_its_quoted_history() -> None:
    body = "עדיין לא עובד.\n\nOn Sun, Mar 3, 2024 at 9:00 AM Support <support@shomer.example> wrote:\n> נסו לאתחל\n"
    parsed = parse_email(raw(compose(body, subject="Re: המדפסת")))
    assert parsed.text == "עדיין לא עובד."
    assert parsed.full_text == body.strip()


def test_format_flowed_lines_are_joined() -> None:
    message = with_headers(
        b"Content-Type: text/plain; charset=utf-8; format=flowed\r\n",
        b"This line is soft \r\nwrapped here.\r\n>> quoted soft \r\n>> line\r\n",
    )
    assert parse_email(message).full_text == "This line is soft wrapped here.\n>> quoted soft line"


def test_nesting_past_the_cap_is_reported_not_read() -> None:
    head, tail = b"", b""
    for level in range(8):
        head += b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (level, level)
        tail = b"\r\n--b%d--\r\n" % level + tail
    message = HEADERS + head + b"Content-Type: text/plain\r\n\r\ndeep text" + tail
    assert parse_email(message).text == "deep text"
    capped = parse_email(message, limits=Limits(max_depth=5))
    assert capped.text == ""
    assert capped.errors == ["MIME nesting deeper than 5 levels; inner parts not read"]


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        (b"", "empty message"),
        (b"  \r\n\r\n ", "empty message"),
        (b"\x00\x01binary junk without headers", "no mail headers found"),
        (
            b"From: x@example.com\r\n\r\n" + b"x" * 2000,
            "message is 2023 bytes, over the 1000 byte limit",
        ),
    ],
)
def test_unreadable_input_raises_one_clear_error(message: bytes, reason: str) -> None:
    with pytest.raises(UnparseableEmail) as caught:
        parse_email(message, limits=Limits(max_message_bytes=1000))
    assert caught.value.reason == reason


def test_deep_nesting_in_a_big_message_is_refused_before_parsing() -> None:
    head = b"".join(
        b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (level, level)
        for level in range(200)
    )
    message = HEADERS + head + b"Content-Type: text/plain\r\n\r\n" + b"line\r\n" * 200_000
    with pytest.raises(UnparseableEmail) as caught:
        parse_email(message)
    assert caught.value.reason == "200 multipart boundaries in a message this large"


def test_attachment_bytes_survive_binary_transfer_encodings() -> None:
    payload = bytes(range(256)) * 3
    message = compose("x")
    message.make_mixed()
    message.attach(MIMEApplication(payload, Name="data.bin"))
    [attachment] = parse_email(raw(message)).attachments
    assert (attachment.payload, attachment.filename, attachment.size) == (payload, "data.bin", 768)


@given(
    st.text(alphabet="abc דנה.'-", max_size=20),
    st.text(alphabet="abcxyz.-_+0123456789", min_size=1, max_size=12),
    st.sampled_from(["example.co.il", "Mail.Example.COM", "x.org"]),
    st.sampled_from(["{name} <{address}>", '"{name}" <{address}>', "{address}", "<{address}>"]),
)
def test_the_fast_path_for_one_address_agrees_with_the_stdlib(
    name: str, local: str, domain: str, shape: str
) -> None:
    value = shape.format(name=name, address=f"{local}@{domain}")
    # Names come out with spaces collapsed and stray quotes trimmed.
    expected = [
        (" ".join(found_name.split()).strip("\"' "), found.lower())
        for found_name, found in email.utils.getaddresses([value])
        if found
    ]
    assert parse_addresses(value)[0] == expected


@pytest.mark.parametrize(
    ("data", "encoding", "decoded", "note"),
    [
        (b"16nXnNeV150=", "base64", "שלום".encode(), None),
        (b"16nXnNeV150", "base64", "שלום".encode(), "base64 with broken padding"),
        (b"16nX\r\nnNeV\x00150=", "base64", "שלום".encode(), None),
        # each line padded on its own by a broken mailer
        (b"YQ==\r\nYg==\r\n", "base64", b"ab", "base64 padded mid-stream; decoded piece by piece"),
        (b"=D7=A9=D7=9C=D7=95=D7=9D", "quoted-printable", "שלום".encode(), None),
        (b"soft=\r\nbreak =ZZ", "quoted-printable", b"softbreak =ZZ", None),
        (b"begin 644 a.txt\n#86)C\n`\nend\n", "x-uuencode", b"abc", None),
        (b"as is", "8bit", b"as is", None),
        (b"as is", "", b"as is", None),
    ],
)
def test_transfer_encodings_are_undone_tolerantly(
    data: bytes, encoding: str, decoded: bytes, note: str | None
) -> None:
    assert decode_transfer(data, encoding) == (decoded, note)
