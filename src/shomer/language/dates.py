"""A small Hebrew/English grammar of due dates in promises. Pure: no Django import.

`resolve_due(sentence, sent_at, tz)` reads the time expression of one sentence and returns
the instant it names, in `tz`, or None when the sentence names no time or a vague one.
dateparser is not used: it mis-reads Hebrew prefixes ("עד יום שלישי"), number words
("מחר בעשר") and English words like "We" (Wednesday) silently.

Resolution rules (docs/language.md has the full table):

- A day without an hour ends at END_OF_BUSINESS (17:00 local). For "today" sent at or
  after 17:00, the day ends at 23:59 instead.
- A named weekday is its next occurrence strictly after the day the message was sent.
- A day.month date (Israeli order, also in English text) already past is next year's.
- An hour without a day is its next occurrence after `sent_at` (today, else tomorrow).
- An hour 1-7 without am/pm or a part of day is afternoon (business hours); 8-11 morning.
- Minutes and hours ("within 2 hours", "תוך שעתיים") are added to `sent_at` exactly; days,
  weeks and months move the date and end at END_OF_BUSINESS; business days skip the
  weekend (Friday and Saturday in Asia/Jerusalem, Saturday and Sunday elsewhere).
- "next week" ends on the last working day of next week; "this week"/"end of the week"
  on the last working day of this week; "early next week" on next week's first working day;
  "end of the month" on the month's last day.
- Vague phrases ("soon", "later today", "בהקדם", "בימים הקרובים", "a few days") give None.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from shomer.language.normalize import strip_marks

END_OF_BUSINESS = time(17, 0)
END_OF_DAY = time(23, 59)
MORNING_END = time(12, 0)
EVENING = time(20, 0)

_QUOTES = str.maketrans({"\u05f3": "'", "\u05f4": '"', "\u2019": "'", "\u201d": '"', "\u05be": "-"})
_QUOTES.update({ord("\u2018"): "'", ord("\u201c"): '"', ord("\u2013"): "-", ord("\u2014"): "-"})

# Hebrew words may carry one-letter prefixes and a hyphen: "ב-1.12", "עד ה-1.12", "ולמחר".
_B = r"(?<![\w])"  # start of a word
_E = r"(?![\w])"  # end of a word
_HP = r"(?:[ובלהמכש]{0,3}-?)"  # Hebrew prefix letters, optional hyphen

_HEBREW_NUMBERS: dict[str, int] = {
    "אחת": 1, "אחד": 1, "שתיים": 2, "שתים": 2, "שניים": 2, "שנים": 2, "שתי": 2, "שני": 2,
    "שלוש": 3, "שלושה": 3, "שלושת": 3, "ארבע": 4, "ארבעה": 4, "ארבעת": 4, "חמש": 5,
    "חמישה": 5, "חמשת": 5, "שש": 6, "שישה": 6, "ששת": 6, "שבע": 7, "שבעה": 7, "שבעת": 7,
    "שמונה": 8, "שמונת": 8, "תשע": 9, "תשעה": 9, "תשעת": 9, "עשר": 10, "עשרה": 10,
    "עשרת": 10, "אחת עשרה": 11, "אחת-עשרה": 11, "שתים עשרה": 12, "שתיים עשרה": 12,
    "שתים-עשרה": 12, "עשרים וארבע": 24, "עשרים וארבעה": 24, "ארבעים ושמונה": 48,
}  # fmt: skip
_ENGLISH_NUMBERS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "fifteen": 15, "twenty": 20, "thirty": 30, "forty-eight": 48, "twenty-four": 24,
    "a couple of": 2, "a couple": 2, "couple of": 2,
}  # fmt: skip
_HE_NUM = "|".join(sorted(map(re.escape, _HEBREW_NUMBERS), key=len, reverse=True))
_EN_NUM = "|".join(sorted(map(re.escape, _ENGLISH_NUMBERS), key=len, reverse=True))

_HE_WEEKDAYS = {"ראשון": 6, "שני": 0, "שלישי": 1, "רביעי": 2, "חמישי": 3, "שישי": 4}
_HE_WEEKDAY_LETTERS = {"א": 6, "ב": 0, "ג": 1, "ד": 2, "ה": 3, "ו": 4}
_EN_WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
}  # fmt: skip
# Abbreviations only as written with a capital: "We" and "sat" are not days.
_EN_WEEKDAY_ABBREV = {
    "Mon": 0, "Tue": 1, "Tues": 1, "Wed": 2, "Thu": 3, "Thur": 3, "Thurs": 3, "Fri": 4,
    "Sat": 5, "Sun": 6,
}  # fmt: skip
_MONTHS = {
    "ינואר": 1, "פברואר": 2, "מרץ": 3, "מרס": 3, "אפריל": 4, "מאי": 5, "יוני": 6, "יולי": 7,
    "אוגוסט": 8, "ספטמבר": 9, "אוקטובר": 10, "נובמבר": 11, "דצמבר": 12,
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH_RE = "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True))

_I = re.IGNORECASE

_VAGUE = re.compile(
    _B + r"(?:soon|shortly|asap|a\.s\.a\.p|as soon as (?:possible|i can|we can)|later today|"
    r"later on|later this (?:week|month)|in a (?:bit|while)|at some point|when(?:ever)? (?:i|we)"
    r" can|in (?:the )?(?:next|coming) (?:few )?(?:days|hours|weeks)|in a few|within a few|"
    r"one of these days|"
    + _HP
    + r"(?:קרוב|הקדם(?: האפשרי)?|המשך היום|המשך השבוע|ימים הקרובים|שעות הקרובות|שבועות "
    r"הקרובים|זמן הקרוב|מאוחר יותר|אחר כך|אח\"כ|כמה ימים|כמה שעות|מתישהו|ברגע ש|כשאוכל|כשנוכל))"
    + _E,
    _I,
)

_DURATION_UNITS = (
    r"(?P<unit>minutes?|mins?|hours?|hrs?|h|business days?|working days?|days?|weeks?|months?|"
    r"דקות|דקה|שעות|שעה|ימי (?:עבודה|עסקים)|ימים|יום|שבועות|שבוע|חודשים|חודש)"
)
_DURATION = re.compile(
    _B
    + r"(?:within|in|during the next|in the next|within the next|"
    + _HP
    + r"(?:תוך|בתוך|בעוד|עוד|במהלך ה?))\s*(?:-?\s*)?"
    # Fixed phrases first, so "an hour and a half" is not read as "an hour".
    r"(?:(?P<dual>שעתיים|יומיים|שבועיים|חודשיים|חצי שעה|רבע שעה|שעה וחצי|half an hour|"
    r"an hour and a half|a day or two|יום עסקים|יום עבודה|a business day|a working day|"
    r"the hour|the day|שעה|יום|שבוע|חודש|an hour|a day|a week|a month)"
    r"|(?P<num>\d{1,3}(?:\.5)?|"
    + _EN_NUM
    + "|"
    + _HE_NUM
    + r")\s*-?\s*"
    + _DURATION_UNITS
    + r")"
    + _E,
    _I,
)
_DUALS: dict[str, tuple[float, str]] = {
    "שעתיים": (2, "hour"), "יומיים": (2, "day"), "שבועיים": (2, "week"), "חודשיים": (2, "month"),
    "חצי שעה": (30, "minute"), "half an hour": (30, "minute"), "רבע שעה": (15, "minute"),
    "שעה וחצי": (90, "minute"), "an hour and a half": (90, "minute"), "a day or two": (2, "day"),
    "שעה": (1, "hour"), "an hour": (1, "hour"), "יום": (1, "day"), "a day": (1, "day"),
    "שבוע": (1, "week"), "a week": (1, "week"), "חודש": (1, "month"), "a month": (1, "month"),
    "יום עסקים": (1, "business_day"), "יום עבודה": (1, "business_day"),
    "a business day": (1, "business_day"), "a working day": (1, "business_day"),
    "the hour": (1, "hour"), "the day": (1, "day"),
}  # fmt: skip

_DATE_NUMERIC = re.compile(
    r"(?<![\w.:/])"
    + _HP
    + r"(?P<d>\d{1,2})[./](?P<m>\d{1,2})(?:[./](?P<y>\d{2}|\d{4}))?(?![\d/:]|\.\d)"
)
_DATE_DAY_MONTH = re.compile(
    r"(?<![\w.])"
    + _HP
    + r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\s*(?:of\s+|ב-?|ל-?)?(?P<mon>"
    + _MONTH_RE
    + r")"
    + _E,
    _I,
)
# "by the 20th", "עד ה-20 לחודש": a day of this month, or of next month if past.
_DAY_OF_MONTH = re.compile(
    r"(?:(?<![\w.])the\s+(?P<d>\d{1,2})(?:st|nd|rd|th)(?!\s*(?:of\s+)?(?:"
    + _MONTH_RE
    + r"))|"
    + _B
    + _HP
    + r"(?P<d2>\d{1,2})\s+(?:לחודש|בחודש))"
    + _E,
    _I,
)
_DATE_MONTH_DAY = re.compile(
    _B + r"(?P<mon>" + _MONTH_RE + r")\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?(?![\d:])", _I
)

_DAY_WORDS = re.compile(
    _B
    + r"(?:(?P<dat>day after tomorrow|"
    + _HP
    + r"מחרתיים)|(?P<tom>tomorrow|tmrw|"
    + _HP
    + r"מחר)|(?P<tod>today|tonight|this (?:morning|afternoon|evening)|"
    + _HP
    + r"(?:היום|הערב|הלילה|הבוקר|עוד היום)))"
    + _E,
    _I,
)
_HE_WEEKDAY = re.compile(
    _B
    + _HP
    + r"יום\s+(?:(?P<name>ראשון|שני|שלישי|רביעי|חמישי|שישי)|(?P<letter>[א-ו])')"
    + r"|"
    + _B
    + _HP
    + r"(?P<shabbat>שבת)"
    + _E
)
_EN_WEEKDAY = re.compile(
    _B + r"(?P<name>monday|tuesday|wednesday|thursday|friday|saturday|sunday)" + _E, _I
)
_EN_WEEKDAY_SHORT = re.compile(_B + r"(?P<name>Mon|Tues?|Wed|Thu(?:rs?)?|Fri|Sat|Sun)\.?" + _E)
_WEEKS = re.compile(
    _B
    + r"(?:(?P<early>early next week|beginning of next week|start of next week|"
    + _HP
    + r"(?:תחילת ה?שבוע הבא|תחילת השבוע הבא))|(?P<next>next week|"
    + _HP
    + r"(?:ה?שבוע הבא|סוף השבוע הבא))|(?P<this>this week|(?:the )?end of (?:the |this )?week|"
    r"by the weekend|"
    + _HP
    + r"(?:השבוע|סוף השבוע|סוף שבוע))|(?P<month>(?:the )?end of (?:the |this )?month|"
    + _HP
    + r"(?:סוף החודש|סוף חודש)))"
    + _E,
    _I,
)

_PART_PM = (
    r"(?P<pm>pm|p\.m\.|בערב|בלילה|אחה\"צ|אחר הצהריים|אחרי הצהריים|בצהריים|"
    r"in the afternoon|in the evening|tonight)"
)
_PART_AM = r"(?P<am>am|a\.m\.|בבוקר|in the morning)"
_CLOCK = re.compile(
    r"(?<![\w.:])"
    + r"(?:(?:at|by|until|till|before|around|"
    + _HP
    + r"(?:שעה|השעה|עד השעה|עד|לפני))\s*-?\s*)?"
    + _HP
    + r"(?P<h>\d{1,2}):(?P<m>\d{2})(?!\d)\s*(?:"
    + _PART_AM
    + r"|"
    + _PART_PM
    + r")?",
    _I,
)
_DOTTED_CLOCK = re.compile(
    r"(?<![\w.:])(?:at|by|until|" + _HP + r"(?:שעה|השעה|עד|ב))\s*-?\s*"
    r"(?P<h>\d{1,2})\.(?P<m>\d{2})(?![\d.])\s*(?:" + _PART_AM + r"|" + _PART_PM + r")?",
    _I,
)
_HOUR_ONLY = re.compile(
    r"(?:(?<![\w.:])(?:at|by|until|till|before|around)\s+(?P<h1>\d{1,2})"
    r"|(?<![\w.:])(?P<h2>\d{1,2})\s*(?=am|pm|a\.m\.|p\.m\.)"
    r"|" + _B + _HP + r"(?:שעה|השעה)\s*-?\s*(?P<h3>\d{1,2})"
    r"|" + _B + r"(?:ב|עד|לפני)\s*-\s*(?P<h4>\d{1,2})"
    r"|" + _B + r"(?:עד|לפני)\s+(?P<h5>\d{1,2}))"
    r"(?![\d.:/])(?!\s*(?:minutes?|mins?|hours?|days?|weeks?|months?|דקות|שעות|ימים|ימי|שבועות|"
    r"חודשים|לחודש|בחודש|אחוז|%|₪|\$|ש\"ח|nis|usd|(?:st|nd|rd|th)\b|ב?-?(?:"
    + _MONTH_RE
    + r")))\s*(?:"
    + _PART_AM
    + r"|"
    + _PART_PM
    + r")?",
    _I,
)
_HEBREW_HOUR_WORD = re.compile(
    _B
    + r"(?:ו?(?:ב|עד|לפני|עד ה|בשעה|עד השעה)\s*)(?P<word>"
    + r"אחת עשרה|שתים עשרה|שתיים עשרה|אחת|שתיים|שלוש|ארבע|חמש|שש|שבע|שמונה|תשע|עשר"
    + r")(?P<half>\s+וחצי|\s+ורבע)?"
    + _E
    + r"(?:\s*(?:"
    + _PART_AM
    + r"|"
    + _PART_PM
    + r"))?"
)
_ENGLISH_HOUR_WORD = re.compile(
    _B + r"(?:at|by|before|until)\s+(?P<word>one|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve)(?:\s+o'?clock)?(?:\s*" + _PART_AM + r"|\s*" + _PART_PM + r")?" + _E,
    _I,
)
_NOON = re.compile(
    r"(?<!אחר )(?<!אחרי )" + _B + r"(?:noon|midday|lunchtime|" + _HP + r"(?:צהריים|צהרים))" + _E, _I
)
# A delivery window ("בין 8 ל-12", "between 8 and 12") is due at its end.
_WINDOW = re.compile(
    _B + r"(?:between|בין)\s+(?P<a>\d{1,2})(?::(?P<am>\d{2}))?\s*(?:and|to|-|ל\s*-?)\s*"
    r"(?P<b>\d{1,2})(?::(?P<bm>\d{2}))?(?![\d.:/])",
    _I,
)
_PART_OF_DAY = re.compile(
    _B + r"(?:(?P<morning>morning|בבוקר|הבוקר)"
    r"|(?P<afternoon>afternoon|אחה\"צ|אחר הצהריים|אחרי הצהריים)"
    r"|(?P<evening>evening|tonight|בערב|הערב|הלילה|בלילה))" + _E,
    _I,
)
_EOD = re.compile(
    _B
    + r"(?:eod|cob|end of (?:the )?(?:business )?day|close of business|end of business|"
    + _HP
    + r"(?:סוף היום|סוף יום העבודה|סוף יום))"
    + _E,
    _I,
)


@dataclass(frozen=True, slots=True)
class DueReading:
    """What the grammar read in a sentence: the due instant (None if vague or none)."""

    due: datetime | None
    has_time_expression: bool
    is_vague: bool


def _prepare(text: str) -> str:
    return strip_marks(unicodedata.normalize("NFC", text)).translate(_QUOTES)


def _weekend(tz: ZoneInfo) -> frozenset[int]:
    # Python weekday numbers: Friday 4, Saturday 5, Sunday 6.
    return frozenset({4, 5}) if str(tz.key) == "Asia/Jerusalem" else frozenset({5, 6})


def _week_bounds(day: date, tz: ZoneInfo) -> tuple[date, date]:
    """First and last working day of the week holding `day`."""
    weekend = _weekend(tz)
    start_weekday = 6 if 4 in weekend else 0  # Sunday-first weeks in Israel
    start = day - timedelta(days=(day.weekday() - start_weekday) % 7)
    working = [start + timedelta(days=i) for i in range(7)]
    working = [d for d in working if d.weekday() not in weekend]
    return working[0], working[-1]


def _add_business_days(day: date, count: int, tz: ZoneInfo) -> date:
    weekend = _weekend(tz)
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() not in weekend:
            count -= 1
    return day


def _add_months(day: date, count: int) -> date:
    month_index = day.month - 1 + count
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _hour(value: int, am: str | None, pm: str | None) -> int | None:
    """24-hour clock from an hour as said; business-hours guess when am/pm is missing."""
    if value > 23:
        return None
    if am:
        return 0 if value == 12 else value
    if pm:
        return value if value >= 12 else value + 12
    if 1 <= value <= 7:
        return value + 12
    return value


def _duration(match: re.Match[str]) -> tuple[float, str]:
    dual = match.group("dual")
    if dual:
        return _DUALS[dual.lower()]
    raw, unit = match.group("num").lower(), match.group("unit").lower()
    if raw.replace(".", "").isdigit():
        amount = float(raw)
    else:
        amount = float(_HEBREW_NUMBERS.get(raw, _ENGLISH_NUMBERS.get(raw, 0)))
    if unit.startswith(("business", "working", "ימי ")):
        return amount, "business_day"
    for key, name in (
        ("min", "minute"),
        ("דק", "minute"),
        ("h", "hour"),
        ("שע", "hour"),
        ("d", "day"),
        ("י", "day"),
        ("w", "week"),
        ("שב", "week"),
        ("mo", "month"),
        ("ח", "month"),
    ):
        if unit.startswith(key):
            return amount, name
    return amount, "day"


def _clock(text: str) -> tuple[time, str] | None:
    """The hour named in `text` and its kind: "clock", "eod" or "part" (of the day)."""
    match = _WINDOW.search(text)
    if match:
        start, end = int(match.group("a")), int(match.group("b"))
        end_hour = _hour(end, None, None)
        if end_hour is not None and end_hour > (_hour(start, None, None) or 0) - 1:
            return time(end_hour, int(match.group("bm") or 0)), "clock"
    match = _CLOCK.search(text)
    if match:
        hour = _hour(int(match.group("h")), match.group("am"), match.group("pm"))
        minute = int(match.group("m"))
        if hour is not None and minute < 60:
            return time(hour, minute), "clock"
    match = _DOTTED_CLOCK.search(text)
    if match and int(match.group("m")) > 12:
        # "ב-10.30": minutes past 12 cannot be a month, so this is a time of day.
        hour = _hour(int(match.group("h")), match.group("am"), match.group("pm"))
        if hour is not None and int(match.group("m")) < 60:
            return time(hour, int(match.group("m"))), "clock"
    match = _HEBREW_HOUR_WORD.search(text)
    if match:
        value = _HEBREW_NUMBERS[match.group("word").replace("-", " ")]
        hour = _hour(value, match.group("am"), match.group("pm"))
        half = (match.group("half") or "").strip()
        minute = 30 if half == "וחצי" else 15 if half == "ורבע" else 0
        if hour is not None:
            return time(hour, minute), "clock"
    match = _ENGLISH_HOUR_WORD.search(text)
    if match:
        hour = _hour(
            _ENGLISH_NUMBERS[match.group("word").lower()], match.group("am"), match.group("pm")
        )
        if hour is not None:
            return time(hour, 0), "clock"
    match = _HOUR_ONLY.search(text)
    if match:
        raw = next(match.group(g) for g in ("h1", "h2", "h3", "h4", "h5") if match.group(g))
        hour = _hour(int(raw), match.group("am"), match.group("pm"))
        if hour is not None:
            return time(hour, 0), "clock"
    if _NOON.search(text):
        return MORNING_END, "clock"
    if _EOD.search(text):
        return END_OF_BUSINESS, "eod"
    match = _PART_OF_DAY.search(text)
    if match:
        if match.group("morning"):
            return MORNING_END, "part"
        if match.group("afternoon"):
            return END_OF_BUSINESS, "part"
        return EVENING, "part"
    return None


def _next_weekday(today: date, weekday: int) -> date:
    ahead = (weekday - today.weekday()) % 7
    return today + timedelta(days=ahead or 7)


def _day(text: str, today: date, tz: ZoneInfo) -> tuple[date, bool] | None:
    """The day named in `text`; the flag says whether it is 'today' said implicitly."""
    match = _DAY_WORDS.search(text)
    if match:
        if match.group("dat"):
            return today + timedelta(days=2), False
        if match.group("tom"):
            return today + timedelta(days=1), False
        return today, True
    for pattern in (_DATE_NUMERIC, _DATE_DAY_MONTH, _DATE_MONTH_DAY):
        found = pattern.search(text)
        if not found:
            continue
        day_of_month = int(found.group("d"))
        month = (
            int(found.group("m"))
            if "m" in found.groupdict()
            else _MONTHS[found.group("mon").lower()]
        )
        year_text = found.groupdict().get("y")
        year = today.year
        if year_text:
            year = int(year_text) + (2000 if len(year_text) == 2 else 0)
        if not (1 <= month <= 12 and 1 <= day_of_month <= calendar.monthrange(year, month)[1]):
            continue
        named = date(year, month, day_of_month)
        if named < today and not year_text:
            # A day.month already past this year is next year's (Feb 29 falls to Feb 28).
            last = calendar.monthrange(year + 1, month)[1]
            named = date(year + 1, month, min(day_of_month, last))
        return named, False
    match = _DAY_OF_MONTH.search(text)
    if match:
        wanted = int(match.group("d") or match.group("d2"))
        year, month = today.year, today.month
        for _ in range(3):
            last = calendar.monthrange(year, month)[1]
            if wanted <= last and date(year, month, wanted) >= today:
                return date(year, month, wanted), False
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    match = _HE_WEEKDAY.search(text)
    if match:
        if match.group("shabbat"):
            return _next_weekday(today, 5), False
        if match.group("name"):
            return _next_weekday(today, _HE_WEEKDAYS[match.group("name")]), False
        return _next_weekday(today, _HE_WEEKDAY_LETTERS[match.group("letter")]), False
    match = _EN_WEEKDAY.search(text)
    if match:
        return _next_weekday(today, _EN_WEEKDAYS[match.group("name").lower()]), False
    match = _EN_WEEKDAY_SHORT.search(text)
    if match:
        return _next_weekday(today, _EN_WEEKDAY_ABBREV[match.group("name")]), False
    match = _WEEKS.search(text)
    if match:
        if match.group("early"):
            return _week_bounds(today + timedelta(days=7), tz)[0], False
        if match.group("next"):
            return _week_bounds(today + timedelta(days=7), tz)[1], False
        if match.group("this"):
            return max(_week_bounds(today, tz)[1], today), False
        last = calendar.monthrange(today.year, today.month)[1]
        return date(today.year, today.month, last), False
    return None


def resolve_due(sentence: str, sent_at: datetime, tz: ZoneInfo) -> DueReading:
    """Due instant named by `sentence`, relative to `sent_at` (aware), in zone `tz`."""
    text = _prepare(sentence)
    local = sent_at.astimezone(tz)
    today = local.date()
    duration = _DURATION.search(text)
    if duration:
        amount, unit = _duration(duration)
        if amount <= 0:
            return DueReading(None, True, True)
        if unit in ("minute", "hour"):
            # Exact durations run in real time: add them in UTC, so a DST change in
            # between moves the wall clock, not the instant.
            delta = timedelta(minutes=amount) if unit == "minute" else timedelta(hours=amount)
            return DueReading((local.astimezone(UTC) + delta).astimezone(tz), True, False)
        whole = int(amount)
        if unit == "business_day":
            day = _add_business_days(today, whole, tz)
        elif unit == "day":
            day = today + timedelta(days=whole)
        elif unit == "week":
            day = today + timedelta(days=7 * whole)
        else:
            day = _add_months(today, whole)
        return DueReading(_at(day, END_OF_BUSINESS, tz), True, False)
    clock = _clock(text)
    if _VAGUE.search(text) and (clock is None or clock[1] != "clock"):
        return DueReading(None, True, True)
    named_day = _day(text, today, tz)
    if named_day is None and clock is None:
        return DueReading(None, False, False)
    if named_day is None:
        assert clock is not None
        wanted, kind = clock
        if kind == "eod":
            # "by EOD" means today; sent after hours, the end of today.
            named_day = (today, True)
        else:
            due = _at(today, wanted, tz)
            if due <= local:
                due = _at(today + timedelta(days=1), wanted, tz)
            return DueReading(due, True, False)
    day = named_day[0]
    wanted = END_OF_BUSINESS if clock is None else clock[0]
    implicit_end = clock is None or clock[1] == "eod"
    if day == today and implicit_end and local.time() >= END_OF_BUSINESS:
        wanted = END_OF_DAY
    return DueReading(_at(day, wanted, tz), True, False)


def _at(day: date, wall: time, tz: ZoneInfo) -> datetime:
    """Local wall-clock time on `day` in `tz` (a time skipped by DST moves forward)."""
    naive = datetime.combine(day, wall)
    aware = naive.replace(tzinfo=tz)
    # Round-trip through UTC normalises a non-existent wall time (spring forward).
    return aware.astimezone(ZoneInfo("UTC")).astimezone(tz)
