"""Generated ticket texts and e-mails, Hebrew and English, for the django-helpdesk peer.

Standard library only: the same module is imported by Shomer (to write .eml files) and by
the runner inside the peer's venv (to fill tickets). Every person, company and address here
is invented; addresses use the reserved example.com/.org/.net domains.
"""

from __future__ import annotations

import base64
import quopri
import random
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

FIRST_NAMES_HE = ["דנה", "יוסי", "נועה", "אלי", "מיכל", "אבי", "שירה", "רון", "תמר", "עומר"]
LAST_NAMES_HE = ["כהן", "לוי", "מזרחי", "פרץ", "ביטון", "אברהם", "פרידמן", "שפירא", "דהן"]
FIRST_NAMES_EN = ["Dana", "Yossi", "Noa", "Eli", "Michal", "Avi", "Shira", "Ron", "Tamar"]
LAST_NAMES_EN = ["Cohen", "Levi", "Mizrahi", "Peretz", "Biton", "Avraham", "Friedman"]
PRODUCTS_HE = ["המנוי החודשי", "הראוטר", "חבילת הגלישה", "המקרר", "הספה", "כרטיס האשראי"]
PRODUCTS_EN = ["monthly plan", "router", "data package", "fridge", "sofa", "credit card"]
DOMAINS = ["example.com", "example.org", "example.net"]

# (subject, body) templates; {order}, {product}, {days}, {name}, {amount} are filled in.
HEBREW = [
    (
        "לא קיבלתי את ההזמנה {order}",
        "שלום,\nהזמנתי את {product} לפני {days} ימים ועדיין לא הגיע כלום. "
        "הבטחתם משלוח תוך שלושה ימי עסקים. מתי זה יגיע?\nתודה, {name}",
    ),
    (
        "חיוב כפול בחשבון",
        'היי,\nראיתי שחויבתי פעמיים על {product}, סך הכל {amount} ש"ח. '
        "אני מבקש/ת החזר של החיוב הכפול בהקדם.\n{name}",
    ),
    (
        "תקלה חוזרת ב{product}",
        "זו הפעם השלישית שאני פונה בנושא. {product} מפסיק לעבוד כל ערב. "
        "הטכנאי אמר שיחזור אליי ולא חזר. אני ממש מתוסכל/ת.\n{name}",
    ),
    (
        "בקשה לביטול מנוי",
        "שלום רב,\nאני מעוניין/ת לבטל את {product} החל מסוף החודש. "
        "אשמח לאישור בכתב. מספר לקוח {order}.\nבברכה, {name}",
    ),
    (
        "שאלה לגבי החשבונית",
        'בוקר טוב,\nבחשבונית האחרונה מופיע סעיף שאני לא מבין/ה, על סך {amount} ש"ח. '
        "אפשר הסבר?\nתודה רבה, {name}",
    ),
    (
        "תודה על השירות!",
        "רציתי להגיד תודה לנציגה שעזרה לי אתמול עם {product}. "
        "היא הייתה סבלנית ומקצועית. כל הכבוד!\n{name}",
    ),
    (
        "דחוף: אין חיבור לאינטרנט",
        "אין לנו אינטרנט כבר {days} ימים, אני עובד/ת מהבית וזה פוגע בפרנסה. "
        "בבקשה תשלחו טכנאי עוד היום.\n{name}",
    ),
]
ENGLISH = [
    (
        "Order {order} has not arrived",
        "Hello,\nI ordered the {product} {days} days ago and nothing has arrived yet. "
        "You promised delivery within three business days. When will it come?\n{name}",
    ),
    (
        "Charged twice this month",
        "Hi,\nI was charged twice for my {product}, {amount} ILS in total. "
        "Please refund the duplicate charge as soon as possible.\nThanks, {name}",
    ),
    (
        "The {product} keeps failing",
        "This is the third time I am writing about this. The {product} stops working "
        "every evening. The technician said he would call back and never did.\n{name}",
    ),
    (
        "Please cancel my subscription",
        "Dear team,\nI would like to cancel my {product} from the end of the month. "
        "Please confirm in writing. Customer number {order}.\nRegards, {name}",
    ),
    (
        "Question about my invoice",
        "Good morning,\nMy last invoice has a line for {amount} ILS that I do not "
        "understand. Could you explain it?\nMany thanks, {name}",
    ),
    (
        "Thank you!",
        "I wanted to thank the agent who helped me with the {product} yesterday. "
        "She was patient and knew exactly what to do.\n{name}",
    ),
    (
        "URGENT: no internet connection",
        "We have had no internet for {days} days. I work from home and this costs me "
        "money. Please send a technician today.\n{name}",
    ),
]
QUOTE_HE = "\n\nבתאריך {date}, צוות השירות כתב:\n> שלום, קיבלנו את פנייתך ונחזור אליך בהקדם.\n"
QUOTE_EN = "\n\nOn {date}, Support Team wrote:\n> Hello, we received your request.\n"
OUT_OF_OFFICE = "אני מחוץ למשרד עד יום ראשון ואין לי גישה לדואר. / I am out of the office."

# The kinds of message, in the order they cycle; any five consecutive files include the
# windows-1255 and the iso-8859-8-i ones, the encodings that Israeli mail clients still send.
MAIL_KINDS = [
    "plain-utf8-english",
    "plain-windows-1255",
    "plain-iso-8859-8-i",
    "base64-utf8-hebrew",
    "alternative-html",
    "attachment",
    "reply",
    "auto-reply",
    "html-only",
    "plain-iso-8859-8",
]


def _fill(template: tuple[str, str], rng: random.Random, hebrew: bool) -> tuple[str, str]:
    if hebrew:
        name = f"{rng.choice(FIRST_NAMES_HE)} {rng.choice(LAST_NAMES_HE)}"
        product = rng.choice(PRODUCTS_HE)
    else:
        name = f"{rng.choice(FIRST_NAMES_EN)} {rng.choice(LAST_NAMES_EN)}"
        product = rng.choice(PRODUCTS_EN)
    values = {
        "order": str(rng.randint(100000, 999999)),
        "product": product,
        "days": str(rng.randint(2, 14)),
        "name": name,
        "amount": str(rng.randint(49, 2400)),
    }
    subject, body = template
    return subject.format(**values), body.format(**values)


def ticket_text(rng: random.Random, hebrew: bool | None = None) -> tuple[str, str]:
    """One (subject, description); Hebrew about two times in three unless `hebrew` is given."""
    if hebrew is None:
        hebrew = rng.random() < 0.65
    templates = HEBREW if hebrew else ENGLISH
    return _fill(rng.choice(templates), rng, hebrew)


def ticket_texts(count: int, seed: int = 0) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    return [ticket_text(rng) for _ in range(count)]


def _encoded_word(text: str, charset: str, *, label: str | None = None) -> str:
    data = base64.b64encode(text.encode(charset)).decode("ascii")
    return f"=?{label or charset}?B?{data}?="


def _qp(text: str, charset: str) -> str:
    return quopri.encodestring(text.encode(charset)).decode("ascii")


def _b64(data: bytes) -> str:
    encoded = base64.b64encode(data).decode("ascii")
    return "\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76))


def sample_message(index: int, seed: int = 0) -> tuple[str, bytes]:
    """The `index`-th generated message: (kind, raw RFC 5322 bytes)."""
    rng = random.Random(seed * 1_000_003 + index)
    kind = MAIL_KINDS[index % len(MAIL_KINDS)]
    hebrew = kind != "plain-utf8-english" and (kind not in {"attachment", "html-only"} or index % 2)
    subject, body = ticket_text(rng, hebrew=bool(hebrew))
    local = rng.choice(["customer", "lakoach", "noa", "dana", "orders", "info"])
    sender = f"{local}{rng.randint(1, 999)}@{rng.choice(DOMAINS)}"
    sent_at = datetime(2025, 3, 2, 8, 0, tzinfo=timezone(timedelta(hours=2))) + timedelta(
        minutes=17 * index
    )
    message_id = f"<bench-{seed}-{index}@mail.example.net>"
    headers = [
        f"From: {_encoded_word('לקוח', 'utf-8')} <{sender}>",
        "To: support@example.com",
        f"Date: {format_datetime(sent_at)}",
        f"Message-ID: {message_id}",
        "MIME-Version: 1.0",
    ]
    parts: list[str]
    if kind == "plain-utf8-english":
        headers.append(f"Subject: {subject}")
        parts = ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit", ""]
        return kind, (_join(headers, parts) + body + "\n").encode("utf-8")
    if kind in {"plain-windows-1255", "plain-iso-8859-8-i", "plain-iso-8859-8"}:
        charset = kind.removeprefix("plain-")
        python_charset = "iso-8859-8" if charset.startswith("iso") else charset
        # Hebrew letters only: the niqqud-free text fits every one of these charsets.
        headers.append(f"Subject: {_encoded_word(subject, python_charset, label=charset)}")
        parts = [
            f"Content-Type: text/plain; charset={charset}",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            _qp(body, python_charset),
        ]
        return kind, _join(headers, parts).encode("ascii")
    if kind == "base64-utf8-hebrew":
        headers.append(f"Subject: {_encoded_word(subject, 'utf-8')}")
        parts = [
            'Content-Type: text/plain; charset="utf-8"',
            "Content-Transfer-Encoding: base64",
            "",
            _b64(body.encode("utf-8")),
        ]
        return kind, _join(headers, parts).encode("ascii")
    if kind == "reply":
        # Answers the message six places back, so it threads onto that ticket.
        original = f"<bench-{seed}-{max(index - 6, 0)}@mail.example.net>"
        headers.append(f"Subject: {_encoded_word('Re: ' + subject, 'utf-8')}")
        headers += [f"In-Reply-To: {original}", f"References: {original}"]
        quote = (QUOTE_HE if hebrew else QUOTE_EN).format(date="1.3.2025")
        parts = [
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "",
            _b64((body + quote).encode("utf-8")),
        ]
        return kind, _join(headers, parts).encode("ascii")
    if kind == "auto-reply":
        headers.append(f"Subject: {_encoded_word('מענה אוטומטי: ' + subject, 'utf-8')}")
        headers.append("Auto-Submitted: auto-replied")
        parts = [
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "",
            _b64(OUT_OF_OFFICE.encode("utf-8")),
        ]
        return kind, _join(headers, parts).encode("ascii")
    headers.append(f"Subject: {_encoded_word(subject, 'utf-8')}")
    html = '<html><body dir="rtl"><p>' + body.replace("\n", "<br>") + "</p></body></html>"
    boundary = f"=_bench_{index}"
    if kind == "html-only":
        parts = [
            "Content-Type: text/html; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "",
            _b64(html.encode("utf-8")),
        ]
        return kind, _join(headers, parts).encode("ascii")
    text_part = [
        f"--{boundary}",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: base64",
        "",
        _b64(body.encode("utf-8")),
    ]
    if kind == "alternative-html":
        parts = [
            f'Content-Type: multipart/alternative; boundary="{boundary}"',
            "",
            *text_part,
            f"--{boundary}",
            "Content-Type: text/html; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "",
            _b64(html.encode("utf-8")),
            f"--{boundary}--",
        ]
        return kind, _join(headers, parts).encode("ascii")
    # attachment: a small PDF-like file whose Hebrew name is RFC 2231-encoded.
    document = b"%PDF-1.4\n% bench invoice\n" + bytes(rng.randrange(256) for _ in range(600))
    parts = [
        f'Content-Type: multipart/mixed; boundary="{boundary}"',
        "",
        *text_part,
        f"--{boundary}",
        "Content-Type: application/pdf",
        "Content-Transfer-Encoding: base64",
        "Content-Disposition: attachment;"
        " filename*=utf-8''%D7%97%D7%A9%D7%91%D7%95%D7%A0%D7%99%D7%AA.pdf",  # חשבונית.pdf
        "",
        _b64(document),
        f"--{boundary}--",
    ]
    return kind, _join(headers, parts).encode("ascii")


def _join(headers: list[str], parts: list[str]) -> str:
    # LF line ends, as .eml files saved on Unix have them; parsers accept both.
    return "\n".join([*headers, *parts]) + "\n"


def write_sample_mails(directory: Path, count: int, seed: int = 0) -> list[Path]:
    """Write `count` generated .eml files into `directory` (created if needed)."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        kind, raw = sample_message(index, seed)
        path = directory / f"{index:05d}-{kind}.eml"
        path.write_bytes(raw)
        paths.append(path)
    return paths
