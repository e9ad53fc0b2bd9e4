"""Tone coach for an agent's draft reply, in Hebrew and English. Pure: no Django import.

`coach(draft, customer_name)` finds phrases that read as cold or impersonal, as excuses,
as pressure on the customer to decide, or as humiliating (a risk in collections), and
whether the draft addresses the customer by name. Each finding has its span in the draft
and a suggested rewording in the draft's language.

Scores: each kind scores 1 - 0.5 ** hits (one phrase 0.5, two 0.75, ...). "cold" also
gains COLD_NO_GREETING when the draft opens with no greeting and COLD_NO_EMPATHY when it
has no word of thanks, apology or empathy, since an impersonal reply is mostly what is
missing from it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from shomer.language.detect import detect_language
from shomer.language.normalize import MAX_ANALYSED_CHARS, fold

COLD_NO_GREETING = 0.15
COLD_NO_EMPATHY = 0.15
KINDS = ("cold", "excuse", "pressure", "humiliating")

_A = "['’]"  # an apostrophe, straight or curly

# (kind, language, pattern, suggestion). Patterns run case-insensitively on the draft.
_RULES: tuple[tuple[str, str, str, str], ...] = (
    # cold or impersonal
    ("cold", "he", r"כפי שנמסר(?: לך)?(?: כבר)?", "אני מבין שזה מתסכל; אסביר שוב בקצרה:"),
    ("cold", "he", r"כמו שכבר (?:אמרתי|כתבתי|הסברתי)", "אולי לא הסברתי מספיק טוב, הנה שוב:"),
    ("cold", "he", r"בהתאם (?:לנהלים|לנוהל|למדיניות)(?: החברה)?", "כדי לעזור לך, הנה מה שאפשר לעשות:"),
    ("cold", "he", r"(?:לא ניתן|אין באפשרותנו|אין אפשרות)", "אני בודק מה כן אפשר לעשות בשבילך"),
    ("cold", "he", r"הפנייה (?:נסגרה|תיסגר)", "אם משהו עדיין לא מסתדר, אני כאן"),
    ("cold", "he", r"יש לפנות ל", "אשמח להעביר אותך ישירות ל"),
    ("cold", "he", r"עליך ל", "אשמח אם תוכל/י ל"),
    ("cold", "en", r"please be advised(?: that)?", "I want to make sure you know that"),
    ("cold", "en", r"as (?:per|stated in) (?:our |the )?(?:policy|terms)", "to help you, here is what we can do:"),
    ("cold", "en", r"as (?:I|we) (?:already|previously) (?:said|stated|explained|mentioned)", "maybe I wasn't clear earlier, so here it is again:"),
    ("cold", "en", r"(?:it is not possible|we are unable to|this is not possible)", "let me check what we can do for you"),
    ("cold", "en", r"your (?:ticket|request|case) (?:has been|is) closed", "if anything is still not right, I'm here"),
    ("cold", "en", r"kindly note", "just so you know"),
    ("cold", "en", r"you (?:must|are required to)", "could you please"),
    # excuses
    ("excuse", "he", r"(?:זה )?לא (?:באחריותנו|באחריותי|תלוי בי|תלוי בנו)", "אני לוקח את זה עליי ואבדוק מול הגורם המתאים"),
    ("excuse", "he", r"(?:זו |זאת )?לא אשמתנו|לא אשמתי", "אני מצטער שזה קרה, בוא נפתור את זה"),
    ("excuse", "he", r"(?:יש|בגלל ה?)עומס(?: גדול| חריג)?", "מצטער על ההמתנה, אני מטפל בזה עכשיו"),
    ("excuse", "he", r"המערכת (?:לא מאפשרת|לא נותנת)", "אמצא דרך אחרת לעשות את זה"),
    ("excuse", "he", r"אני רק נציג(?:ה)?", "אני אדאג שזה יגיע למי שיכול להחליט"),
    ("excuse", "he", r"(?:אין|לא) (?:מה|הרבה) (?:לעשות|שאני יכול לעשות)", "הנה מה שאני כן יכול לעשות:"),
    ("excuse", "he", r"בגלל הספק", "אני עוקב מול הספק ואעדכן אותך"),
    ("excuse", "en", r"(?:it{_A}?s|it is|this is) not (?:our|my) fault", "I'm sorry this happened; let's fix it"),
    ("excuse", "en", r"due to (?:high|heavy|unusual) (?:volume|demand|load)", "sorry for the wait, I'm on it now"),
    ("excuse", "en", r"(?:that{_A}?s|this is|it{_A}?s) not my (?:department|job|responsibility)", "I'll take this on and get the right team involved"),
    ("excuse", "en", r"the system (?:doesn{_A}?t|does not|won{_A}?t) (?:allow|let)", "I'll find another way to get this done"),
    ("excuse", "en", r"I{_A}?m (?:just|only) (?:an? )?(?:agent|rep|representative)", "I'll make sure this reaches someone who can decide"),
    ("excuse", "en", r"(?:there{_A}?s )?nothing (?:I|we) can do", "here is what I can do:"),
    ("excuse", "en", r"out of (?:my|our) hands", "I'll follow it up personally"),
    # pressure on the customer to decide
    ("pressure", "he", r"(?:ההצעה|המבצע) (?:בתוקף|תקף) רק (?:היום|עד הערב|עד מחר)", "ההצעה בתוקף עד {date}; קח/י את הזמן לחשוב"),
    ("pressure", "he", r"(?:חייב|חייבת|צריך|צריכה) להחליט (?:עכשיו|היום|מיד)", "אין לחץ, אשמח לענות על כל שאלה לפני שתחליט/י"),
    ("pressure", "he", r"(?:זו|זאת) ההזדמנות האחרונה", "אם זה מתאים לך, אשמח לעזור"),
    ("pressure", "he", r"(?:אם לא תאשר|אם לא תחליט)(?:י)? (?:עד|היום|עכשיו)", "כשנוח לך, תעדכן/י אותי"),
    ("pressure", "he", r"המחיר (?:יעלה|עולה) (?:מחר|בקרוב)", "המחיר הנוכחי שמור לך עד {date}"),
    ("pressure", "en", r"(?:this )?offer (?:expires|ends|is valid only) (?:today|tonight|in \d+ hours)", "the offer is open until {date}; take your time"),
    ("pressure", "en", r"you (?:need|have) to decide (?:now|today|right away)", "no pressure; happy to answer any questions first"),
    ("pressure", "en", r"last chance", "if this suits you, I'm happy to help"),
    ("pressure", "en", r"act now|before it{_A}?s too late", "whenever you're ready"),
    ("pressure", "en", r"if you don{_A}?t (?:confirm|decide|sign) (?:by|today|now)", "let me know when it suits you"),
    # humiliating (collections)
    ("humiliating", "he", r"(?:לקוח|אדם) (?:חייבן|שלא משלם|לא אמין)", "לפי הרישומים שלנו נותרה יתרה פתוחה"),
    ("humiliating", "he", r"(?:שוב|פעם (?:שלישית|נוספת)) (?:לא שילמת|אתה לא משלם|את לא משלמת)", "נראה שהתשלום האחרון לא התקבל"),
    ("humiliating", "he", r"(?:ננקוט|נפעל) נגדך", "נשמח למצוא יחד הסדר תשלום"),
    ("humiliating", "he", r"(?:בושה|מביש|חוסר אחריות|זלזול)", "אני מבין שזה לא פשוט, בוא נמצא פתרון"),
    ("humiliating", "he", r"(?:כולם|המשפחה שלך|המעסיק שלך) (?:ידעו|יידעו|ישמעו)", "הפרטים שלך נשמרים בסודיות"),
    ("humiliating", "he", r"(?:לא מכבד|אינך מכבד)(?:ת)? (?:התחייבויות|את ההתחייבות)", "נשמח לעזור לך לעמוד בהסדר"),
    ("humiliating", "en", r"deadbeat|freeloader", "according to our records there is an open balance"),
    ("humiliating", "en", r"you (?:failed|have failed|keep failing|never bother) to pay", "it looks like the last payment hasn't reached us"),
    ("humiliating", "en", r"(?:we will|we{_A}?ll) take (?:legal )?action against you", "we'd like to agree a payment plan with you"),
    ("humiliating", "en", r"(?:irresponsible|shameful|disgraceful|your negligence)", "I understand this isn't easy; let's find a way forward"),
    ("humiliating", "en", r"(?:everyone|your employer|your family) will (?:know|hear)", "your details are kept confidential"),
    ("humiliating", "en", r"you clearly can{_A}?t manage", "we can spread the balance into smaller payments"),
)  # fmt: skip
_COMPILED = tuple(
    # Hebrew phrases may start with "ו" or "ש" ("ונפעל נגדך").
    (kind, lang, re.compile(r"(?<!\w)[וש]?(?:" + pattern.replace("{_A}", _A) + r")", re.I), tip)
    for kind, lang, pattern, tip in _RULES
)
_GREETING = re.compile(
    r"^\W*(?:שלום|היי|הי|בוקר טוב|ערב טוב|צהריים טובים|hi|hello|hey|dear|good (?:morning|afternoon|evening))"
    r"(?P<rest>[^\n,.!:]{0,40})",
    re.IGNORECASE,
)
_EMPATHY = re.compile(
    r"(?<!\w)(?:תודה|מצטער|מצטערת|מתנצל|מתנצלת|מבין|מבינה|אשמח|בשמחה|מעריך|מעריכה|thank|thanks|"
    r"sorry|apologi[sz]e|understand|appreciate|happy to|glad|pleasure)",
    re.IGNORECASE,
)
_NAME_SUGGESTION = {"he": "שלום {name},", "en": "Hi {name},"}
_GREETING_SUGGESTION = {
    "he": "שלום {name}, תודה שפנית אלינו.",
    "en": "Hi {name}, thanks for reaching out.",
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing to change: its kind, span [start, end) in the draft and a rewording."""

    kind: str
    start: int
    end: int
    text: str
    suggestion: str


@dataclass(frozen=True, slots=True)
class ToneScores:
    cold: float
    excuse: float
    pressure: float
    humiliating: float
    uses_name: bool

    def to_json(self) -> dict[str, float | bool]:
        return {
            "cold": round(self.cold, 4),
            "excuse": round(self.excuse, 4),
            "pressure": round(self.pressure, 4),
            "humiliating": round(self.humiliating, 4),
            "uses_name": self.uses_name,
        }


@dataclass(frozen=True, slots=True)
class Coaching:
    """The coach's reading of a draft."""

    lang: str
    scores: ToneScores
    findings: tuple[Finding, ...]


def uses_name(draft: str, customer_name: str | None) -> bool:
    """Whether the draft addresses the customer by (first or full) name.

    Without a known name, a greeting followed by a word ("שלום דנה,", "Hi Mark,") counts.
    """
    if customer_name and customer_name.strip():
        folded = fold(draft)
        parts = [fold(customer_name), *fold(customer_name).split()]
        return any(
            re.search(r"(?<!\w)" + re.escape(part) + r"(?!\w)", folded)
            for part in parts
            if len(part) >= 2
        )
    greeting = _GREETING.match(draft)
    return bool(greeting and greeting.group("rest").strip())


def _score(hits: int) -> float:
    return 1.0 - 0.5**hits


def coach(draft: str, customer_name: str | None = None, lang: str | None = None) -> Coaching:
    """Findings and scores for an agent's draft reply."""
    text = unicodedata.normalize("NFC", draft[:MAX_ANALYSED_CHARS])
    language = lang or detect_language(text)
    suggestion_lang = "he" if language == "he" else "en"
    name = (customer_name or "").strip()
    findings: list[Finding] = []
    taken: list[tuple[int, int]] = []
    for kind, rule_lang, pattern, tip in _COMPILED:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(s < end and start < e for s, e in taken):
                continue  # one finding per stretch of text
            taken.append((start, end))
            suggestion = tip.replace("{date}", "מחר" if rule_lang == "he" else "tomorrow")
            findings.append(Finding(kind, start, end, match.group(), suggestion))
    has_name = uses_name(text, name or None)
    greeting = _GREETING.match(text)
    if not has_name:
        # Greet by first name: "שלום נועה," rather than "שלום נועה לוי,".
        label = name.split()[0] if name else ("הלקוח/ה" if suggestion_lang == "he" else "there")
        if greeting:
            start, end = greeting.span()
            tip = _NAME_SUGGESTION[suggestion_lang].format(name=label)
        else:
            start = end = 0
            tip = _GREETING_SUGGESTION[suggestion_lang].format(name=label)
        findings.append(Finding("no_name", start, end, text[start:end], tip))
    counts = {kind: sum(1 for f in findings if f.kind == kind) for kind in KINDS}
    cold = _score(counts["cold"])
    if text.strip() and not greeting:
        cold += COLD_NO_GREETING
    if text.strip() and not _EMPATHY.search(text):
        cold += COLD_NO_EMPATHY
    scores = ToneScores(
        min(cold, 1.0),
        _score(counts["excuse"]),
        _score(counts["pressure"]),
        _score(counts["humiliating"]),
        has_name,
    )
    findings.sort(key=lambda f: (f.start, f.end))
    return Coaching(language, scores, tuple(findings))
