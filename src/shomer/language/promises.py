"""Promises in an agent's text, with their due dates. Pure: no Django import.

A sentence is a promise when it carries a commitment cue: a first-person future verb
("אחזור", "נשלח", "I'll", "we will"), a promise made on the company's behalf ("נציג יחזור
אליך", "you will receive", "a technician will"), or an explicit "I promise"/"מבטיח".
Negated commitments ("לא נוכל", "I won't be able to") and questions are not promises.
Ambiguous Hebrew forms that are also past tense ("נשלח" = "we will send" or "was sent")
count only when the sentence also names a time. The due date comes from `dates`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from shomer.language.dates import resolve_due
from shomer.language.normalize import MAX_ANALYSED_CHARS, strip_marks

# Verb stems in the first-person future ("א" I, "נ" we), listed without the person prefix.
_HEBREW_FUTURE_STEMS = (
    "חזור", "בדוק", "שלח", "עדכן", "טפל", "דאג", "תקשר", "סדר", "חזיר", "עביר", "פתור", "תקן",
    "בצע", "ספק", "שיג", "חליף", "גיע", "שלים", "כין", "בטל", "וודא", "ודא", "ברר", "זכה",
    "צור קשר", "יצור קשר", "בוא", "פעיל", "שדרג", "שחרר", "אשר", "העביר", "טלפן", "צלצל",
    "זמין", "קבע", "שמור", "פנה", "הגיע", "עקוב", "מצא", "חפש", "כתוב", "גיש",
)  # fmt: skip
_HE_FIRST_PERSON = re.compile(
    r"(?<![\w])(?:ו|ש|אז |ואז )?(?:א|נ)(?:" + "|".join(_HEBREW_FUTURE_STEMS) + r")(?![\w])"
)
# Past/future homographs: only with a named time.
_HE_AMBIGUOUS = frozenset({"נשלח", "נבדק", "נטפל", "נסדר", "נקבע", "נשמר", "אשר", "נחזיר"})
_HE_THIRD_PARTY = re.compile(
    r"(?<![\w])(?:נציג|טכנאי|שליח|מישהו|הצוות|צוות|המחלקה|מחלקת|מנהל|ההזמנה|החבילה|המשלוח|"
    r"הזיכוי|ההחזר|הכסף|התיקון|הטכנאי|השליח|החשבונית|הקישור|הסיסמה|המוצר)"
    r"(?:\s+\S+){0,3}?\s+(?:י|ת)(?:חזור|חזרו|צור|צרו|גיע|גיעו|תקשר|תקשרו|שלח|ישלח|טופל|תוקן|"
    r"זוכה|עודכן|ופעל|היה מוכן|היה זמין|חזיר|טפל|בדוק|הגיע|יחזור)(?![\w])"
    r"|(?<![\w])(?:יחזרו|יחזור|יצרו|ייצרו|ייצור|יצור|יתקשרו|יגיע|תגיע|יישלח|ישלח|תישלח|יטופל|"
    r"תטופל|יתוקן|יזוכה|תזוכה|יעודכן|תקבל|תקבלי|תקבלו|תשמע|תשמעי|יוחזר|תוחזר|יועבר|תועבר|"
    r"ייכנס|תיכנס|יסודר|תסודר|יופעל|תופעל|יוחלף|יותקן|ישוחרר|יאושר|תאושר)(?![\w])"
    r"|(?<![\w])(?:מבטיח|מבטיחה|מבטיחים|מתחייב|מתחייבת|מתחייבים|אני על זה|אנחנו על זה)(?![\w])"
)
_EN_PROMISE = re.compile(
    r"\b(?:(?:i|we)(?:'ll|\s+will|\s+shall|'m going to|\s+am going to|'re going to|\s+are going to)"
    r"|(?:i|we)\s+(?:promise|commit|guarantee)|(?:i|we)'?(?:'ll| will) make sure"
    r"|you(?:'ll|\s+will)\s+(?:receive|get|hear|have|see|be contacted|be called)"
    r"|(?:someone|somebody|(?:a|an|the|our|your|my)\s+(?:technician|agent|team|courier|colleague|"
    r"manager|engineer|driver|specialist|refund|credit|order|package|parcel|replacement|fix|"
    r"link|invoice|delivery)|billing|support|they|he|she|it)(?:'ll|\s+will|\s+should)\s+(?!not\b)"
    r"|expect\s+(?:a|an|the|it|to|our|my)\b)",
    re.IGNORECASE,
)
_EN_NEGATED = re.compile(
    r"\b(?:won't|will not|wouldn't|can't|cannot|can not|unable|not able|shall not|"
    r"(?:i|we)'?(?:'ll| will) not|no way|not going to|aren't going to)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+|(?<=[.!?])(?=[^\w\s\d]*[\u0590-\u05ffA-Z])")
_QUOTES = str.maketrans({"\u05f3": "'", "\u05f4": '"', "\u2019": "'", "\u201d": '"'})
# At most this many promises per message: the cap bounds work on a pasted novel.
MAX_PROMISES = 20


@dataclass(frozen=True, slots=True)
class Promise:
    """A promise: its sentence, its span in the original text, and its due instant or None."""

    text: str
    start: int
    end: int
    due: datetime | None

    def to_json(self) -> dict[str, str | None]:
        return {"text": self.text, "due": None if self.due is None else self.due.isoformat()}


def sentences(text: str) -> list[tuple[int, int]]:
    """Spans [start, end) of the sentences of `text`, stripped of surrounding space."""
    spans: list[tuple[int, int]] = []
    position = 0
    for match in _SENTENCE_END.finditer(text):
        spans.append((position, match.start()))
        position = match.end()
    spans.append((position, len(text)))
    out: list[tuple[int, int]] = []
    for start, end in spans:
        chunk = text[start:end]
        stripped = chunk.strip()
        if stripped:
            offset = start + (len(chunk) - len(chunk.lstrip()))
            out.append((offset, offset + len(stripped)))
    return out


def _hebrew_cue(form: str) -> tuple[bool, bool]:
    """(is a commitment, needs a named time to count)."""
    if _HE_THIRD_PARTY.search(form):
        return True, False
    matches = [m.group() for m in _HE_FIRST_PERSON.finditer(form)]
    if not matches:
        return False, False
    strong = [m for m in matches if m.split()[-1].lstrip("וש") not in _HE_AMBIGUOUS]
    return True, not strong


def is_commitment(sentence: str) -> tuple[bool, bool]:
    """Whether `sentence` commits the writer, and whether it needs a named time to count."""
    form = strip_marks(unicodedata.normalize("NFC", sentence)).translate(_QUOTES)
    if form.rstrip().endswith("?") and not re.search(r"\b(?:i|we)(?:'ll| will)\b", form, re.I):
        return False, False
    english = _EN_PROMISE.search(form)
    if english:
        if _EN_NEGATED.search(form[english.start() : english.end() + 40]):
            return False, False
        return True, False
    is_promise, needs_time = _hebrew_cue(form)
    if not is_promise:
        return False, False
    for negation in re.finditer(r"(?<![\w])(?:לא|לצערי לא|אין באפשרותנו|אי אפשר)(?![\w])", form):
        following = form[negation.end() : negation.end() + 20]
        if re.search(r"(?<![\w])[אנית]\w+", following):
            return False, False
    return True, needs_time


def extract_promises(text: str, sent_at: datetime, tz: ZoneInfo) -> list[Promise]:
    """Promises made in `text` (an agent's message) with due dates relative to `sent_at`."""
    head = text[:MAX_ANALYSED_CHARS]
    found: list[Promise] = []
    for start, end in sentences(head):
        sentence = head[start:end]
        is_promise, needs_time = is_commitment(sentence)
        if not is_promise:
            continue
        reading = resolve_due(sentence, sent_at, tz)
        if needs_time and not reading.has_time_expression:
            continue
        found.append(Promise(sentence, start, end, reading.due))
        if len(found) >= MAX_PROMISES:
            break
    return found
