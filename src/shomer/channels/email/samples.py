"""A generated corpus of varied inbound mail, for the benchmark and for smoke tests.

Every message is made up here (no real people): Hebrew and English customers of an
imaginary business, in the shapes real mail takes: plain UTF-8, Outlook windows-1255
quoted-printable, visual iso-8859-8, iso-8859-8-i base64, HTML-only, alternative with
inline images, PDF attachments, forwards, replies with quoted history, auto-replies and
bounces. Deterministic for a seed.
"""

from __future__ import annotations

import base64
import datetime as dt
import quopri
import random
from collections.abc import Callable

from shomer.channels.email.charsets import visual_to_logical

SUPPORT = "support@shomer.example"
_NAMES = [
    ("דנה כהן", "dana.cohen"),
    ("יוסי לוי", "yossi.levi"),
    ("נועה מזרחי", "noa.mizrahi"),
    ("אלי פרץ", "eli.peretz"),
    ("Sarah Miller", "sarah.miller"),
    ("David Green", "david.green"),
    ("מיכל אברהם", "michal.a"),
    ("Tom Baker", "tom.baker"),
]
_DOMAINS = ["example.co.il", "mail.example.com", "clinic.example.org", "shop.example.net"]
_HEBREW_SUBJECTS = [
    "המדפסת במשרד לא עובדת",
    "חשבונית לחודש מרץ",
    "האתר נופל כל בוקר",
    "בקשה להחזר כספי",
    "שאלה לגבי החוזה",
    "תקלה דחופה במערכת ההזמנות",
]
_ENGLISH_SUBJECTS = [
    "Printer in the office is down",
    "Invoice for March",
    "Website keeps crashing",
    "Refund request",
    "Question about the contract",
]
_HEBREW_BODIES = [
    "שלום רב,\nהמדפסת במשרד לא מדפיסה מאז הבוקר ומציגה שגיאה 0x61.\nאשמח לעזרה בהקדם.\nתודה,",
    'היי,\nקיבלנו חשבונית על 1,250 ש"ח אבל סיכמנו על 1,000.\nאפשר לבדוק?',
    "בוקר טוב,\nהאתר שלנו לא עולה כבר שעתיים, הלקוחות מתקשרים בלי הפסקה.\nזה דחוף!!!",
    "שלום,\nאני מבקשת החזר על ההזמנה מספר 48213, המוצר הגיע שבור.\nמצורפת תמונה.",
]
_ENGLISH_BODIES = [
    "Hi,\nThe printer shows error 0x61 since this morning.\nCould someone take a look today?\nThanks,",
    "Hello,\nWe were billed 1,250 ILS but agreed on 1,000. Can you check?",
    "Good morning,\nThe site has been down for two hours and customers keep calling.\nUrgent!",
]


def _encoded_word(text: str, charset: str = "utf-8", codec: str | None = None) -> str:
    payload = base64.b64encode(text.encode(codec or charset)).decode("ascii")
    return f"=?{charset}?B?{payload}?="


def _date(base: dt.datetime, minutes: int) -> str:
    moment = base + dt.timedelta(minutes=minutes)
    return moment.strftime("%a, %d %b %Y %H:%M:%S +0200")


class _Maker:
    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.number = 0
        self.base = dt.datetime(2024, 3, 3, 9, 0, tzinfo=dt.UTC)

    def person(self) -> tuple[str, str]:
        name, local = self.random.choice(_NAMES)
        return name, f"{local}@{self.random.choice(_DOMAINS)}"

    def headers(self, subject: str, *, hebrew_name: bool = True, extra: str = "") -> str:
        self.number += 1
        name, address = self.person()
        shown = _encoded_word(name) if hebrew_name else name
        return (
            f"From: {shown} <{address}>\r\n"
            f"To: {SUPPORT}\r\n"
            f"Subject: {subject}\r\n"
            f"Date: {_date(self.base, self.number * 7)}\r\n"
            f"Message-ID: <gen-{self.number}.{self.random.randrange(10**9)}@mail.example>\r\n"
            f"MIME-Version: 1.0\r\n{extra}"
        )

    def hebrew(self) -> tuple[str, str]:
        return self.random.choice(_HEBREW_SUBJECTS), self.random.choice(_HEBREW_BODIES)

    def english(self) -> tuple[str, str]:
        return self.random.choice(_ENGLISH_SUBJECTS), self.random.choice(_ENGLISH_BODIES)


def _plain_utf8(maker: _Maker) -> bytes:
    subject, body = maker.hebrew()
    head = maker.headers(_encoded_word(subject))
    text = base64.encodebytes(body.encode("utf-8")).decode("ascii")
    return (
        f"{head}Content-Type: text/plain; charset=utf-8\r\n"
        f"Content-Transfer-Encoding: base64\r\n\r\n{text}"
    ).encode()


def _outlook_1255(maker: _Maker) -> bytes:
    subject, body = maker.hebrew()
    quoted = (
        f"{body}\n\n________________________________\nמאת: תמיכה <{SUPPORT}>\n"
        "נשלח: יום ראשון 3 מרץ 2024 09:00\nאל: לקוח\nנושא: פנייה\n\nשלום, קיבלנו את פנייתך."
    )
    encoded = quopri.encodestring(quoted.encode("cp1255")).decode("ascii")
    head = maker.headers(
        "=?windows-1255?B?" + base64.b64encode(("השב: " + subject).encode("cp1255")).decode() + "?="
    )
    return (
        f'{head}Content-Type: text/plain; charset="windows-1255"\r\n'
        f"Content-Transfer-Encoding: quoted-printable\r\nX-Mailer: Microsoft Outlook 16.0\r\n\r\n"
        f"{encoded}"
    ).encode()


def _visual_8859_8(maker: _Maker) -> bytes:
    subject, body = maker.hebrew()
    # visual_to_logical is its own inverse on Hebrew-and-digits lines: use it to make
    # the display-order bytes an old visual mailer sends.
    visual = visual_to_logical(body)
    head = maker.headers(_encoded_word(subject))
    return (
        f"{head}Content-Type: text/plain; charset=iso-8859-8\r\n"
        f"Content-Transfer-Encoding: 8bit\r\n\r\n"
    ).encode() + visual.encode("iso8859_8", "replace")


def _logical_8859_8_i(maker: _Maker) -> bytes:
    subject, body = maker.hebrew()
    text = base64.encodebytes(body.encode("iso8859_8", "replace")).decode("ascii")
    head = maker.headers(_encoded_word(subject, "ISO-8859-8-I", "iso8859_8"))
    return (
        f"{head}Content-Type: text/plain; charset=ISO-8859-8-I\r\n"
        f"Content-Transfer-Encoding: base64\r\n\r\n{text}"
    ).encode()


def _html_only(maker: _Maker) -> bytes:
    subject, body = maker.english()
    paragraphs = "".join(f"<p>{line}</p>" for line in body.split("\n"))
    html = (
        f"<html><head><style>p{{color:red}}</style></head><body>{paragraphs}"
        "<script>alert('x')</script><img src=x onerror=alert(1)></body></html>"
    )
    head = maker.headers(subject, hebrew_name=False)
    return (
        f"{head}Content-Type: text/html; charset=utf-8\r\n"
        f"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
    ).encode() + quopri.encodestring(html.encode("utf-8"))


def _alternative_inline(maker: _Maker) -> bytes:
    subject, body = maker.hebrew()
    html = "".join(f'<div dir="rtl">{line}</div>' for line in body.split("\n"))
    html += '<img src="cid:logo@mail.example">'
    image = base64.encodebytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4).decode("ascii")
    head = maker.headers(_encoded_word(subject))
    plain = base64.encodebytes(body.encode("utf-8")).decode("ascii")
    html_encoded = base64.encodebytes(html.encode("utf-8")).decode("ascii")
    return (
        f'{head}Content-Type: multipart/alternative; boundary="alt"\r\n\r\n'
        f"--alt\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        f'{plain}\r\n--alt\r\nContent-Type: multipart/related; boundary="rel"\r\n\r\n'
        f"--rel\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        f"{html_encoded}\r\n--rel\r\nContent-Type: image/png\r\nContent-ID: <logo@mail.example>\r\n"
        f"Content-Transfer-Encoding: base64\r\n\r\n{image}\r\n--rel--\r\n--alt--\r\n"
    ).encode()


def _with_attachment(maker: _Maker) -> bytes:
    subject, body = maker.english()
    pdf = base64.encodebytes(
        b"%PDF-1.4\n" + bytes(maker.random.randrange(256) for _ in range(4000))
    )
    head = maker.headers(subject)
    plain = quopri.encodestring(body.encode("utf-8")).decode("ascii")
    filename = "=?utf-8?B?" + base64.b64encode("חשבונית מרץ.pdf".encode()).decode() + "?="
    return (
        (
            f'{head}Content-Type: multipart/mixed; boundary="mix"\r\n\r\n'
            f"--mix\r\nContent-Type: text/plain; charset=utf-8\r\n"
            f"Content-Transfer-Encoding: quoted-printable\r\n\r\n{plain}\r\n"
            f'--mix\r\nContent-Type: application/pdf; name="{filename}"\r\n'
            f'Content-Disposition: attachment; filename="{filename}"\r\n'
            f"Content-Transfer-Encoding: base64\r\n\r\n"
        ).encode()
        + pdf
        + b"\r\n--mix--\r\n"
    )


def _gmail_reply(maker: _Maker) -> bytes:
    subject, _ = maker.english()
    history = "\n".join(f"> {line}" for line in maker.random.choice(_ENGLISH_BODIES).split("\n"))
    text = (
        f"Thanks, it works now.\n\nOn Sun, Mar 3, 2024 at 9:00 AM Support <{SUPPORT}> wrote:\n\n"
        f"{history}\n"
    )
    head = maker.headers(
        f"Re: {subject}",
        hebrew_name=False,
        extra=f"In-Reply-To: <root-{maker.number}@shomer.example>\r\n"
        f"References: <root-{maker.number}@shomer.example>\r\n",
    )
    return (
        f"{head}Content-Type: text/plain; charset=utf-8; format=flowed\r\n"
        f"Content-Transfer-Encoding: 8bit\r\n\r\n"
    ).encode() + text.encode("utf-8")


def _forwarded(maker: _Maker) -> bytes:
    subject, body = maker.hebrew()
    inner = (
        f"From: {_encoded_word('ספק חיצוני')} <vendor@supplier.example>\r\nSubject: {_encoded_word(subject)}\r\n"
        f"Date: {_date(maker.base, -600)}\r\nMessage-ID: <inner-{maker.number}@supplier.example>\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        f"{base64.encodebytes(body.encode()).decode()}"
    )
    head = maker.headers(_encoded_word("הועבר: " + subject))
    return (
        f'{head}Content-Type: multipart/mixed; boundary="fw"\r\n\r\n'
        f"--fw\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        f"\r\n--fw\r\nContent-Type: message/rfc822\r\n\r\n{inner}\r\n--fw--\r\n"
    ).encode()


def _auto_reply(maker: _Maker) -> bytes:
    head = maker.headers(
        _encoded_word("מענה אוטומטי: אינני במשרד"),
        extra="Auto-Submitted: auto-replied\r\nX-Autoreply: yes\r\n",
    )
    body = "שלום, אני מחוץ למשרד עד יום חמישי. לעניינים דחופים נא לפנות למשרד."
    return (
        f"{head}Content-Type: text/plain; charset=utf-8\r\n"
        f"Content-Transfer-Encoding: base64\r\n\r\n{base64.encodebytes(body.encode()).decode()}"
    ).encode()


def _bounce(maker: _Maker) -> bytes:
    maker.number += 1
    return (
        "From: Mail Delivery System <MAILER-DAEMON@mx.mail.example>\r\n"
        f"To: {SUPPORT}\r\nSubject: Undelivered Mail Returned to Sender\r\n"
        f"Date: {_date(maker.base, maker.number * 7)}\r\n"
        f"Message-ID: <bounce-{maker.number}@mx.mail.example>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="rep"\r\n\r\n'
        "--rep\r\nContent-Type: text/plain\r\n\r\nI'm sorry to have to inform you that your message "
        "could not be delivered to one or more recipients.\r\n\r\n"
        "<nobody@example.co.il>: host mx.example.co.il said: 550 5.1.1 User unknown\r\n"
        "--rep\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.mail.example\r\n\r\n"
        "Final-Recipient: rfc822; nobody@example.co.il\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "--rep--\r\n"
    ).encode()


SHAPES: dict[str, Callable[[_Maker], bytes]] = {
    "plain-utf8": _plain_utf8,
    "outlook-1255": _outlook_1255,
    "visual-8859-8": _visual_8859_8,
    "logical-8859-8-i": _logical_8859_8_i,
    "html-only": _html_only,
    "alternative-inline": _alternative_inline,
    "attachment": _with_attachment,
    "gmail-reply": _gmail_reply,
    "forwarded": _forwarded,
    "auto-reply": _auto_reply,
    "bounce": _bounce,
}


def varied_corpus(count: int, *, seed: int = 7) -> list[tuple[str, bytes]]:
    """`count` generated messages as (shape, raw bytes), the shapes in turn."""
    maker = _Maker(seed)
    names = list(SHAPES)
    return [
        (names[index % len(names)], SHAPES[names[index % len(names)]](maker))
        for index in range(count)
    ]
