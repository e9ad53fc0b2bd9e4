"""Language detection by script, with simple cues inside the Latin script. Pure.

The CLI contract forbids "und": the dominant script's language wins, and Latin text
defaults to English unless clear cues for another Latin-script language are present.
"""

from __future__ import annotations

import re
import unicodedata

# Scripts counted by Unicode block: (low, high, language code).
_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0590, 0x05FF, "he"),
    (0xFB1D, 0xFB4F, "he"),  # Hebrew presentation forms
    (0x0600, 0x06FF, "ar"),
    (0x0750, 0x077F, "ar"),
    (0xFB50, 0xFDFF, "ar"),
    (0xFE70, 0xFEFF, "ar"),
    (0x0400, 0x04FF, "ru"),
    (0x0370, 0x03FF, "el"),
    (0x0E00, 0x0E7F, "th"),
    (0x0900, 0x097F, "hi"),
    (0x0530, 0x058F, "hy"),
    (0x10A0, 0x10FF, "ka"),
    (0x3040, 0x30FF, "ja"),
    (0xAC00, 0xD7AF, "ko"),
    (0x1100, 0x11FF, "ko"),
    (0x4E00, 0x9FFF, "zh"),
)

# Stop-word cues for Latin-script languages other than English.
_LATIN_CUES: dict[str, frozenset[str]] = {
    "en": frozenset(
        [
            "the",
            "and",
            "is",
            "are",
            "you",
            "i",
            "to",
            "of",
            "it",
            "not",
            "this",
            "that",
            "with",
            "for",
            "have",
            "was",
            "my",
            "your",
            "please",
            "we",
            "be",
            "on",
            "at",
            "can",
            "will",
        ]
    ),
    "fr": frozenset(
        [
            "le",
            "la",
            "les",
            "est",
            "et",
            "je",
            "vous",
            "une",
            "des",
            "pas",
            "pour",
            "avec",
            "merci",
            "bonjour",
        ]
    ),
    "es": frozenset(
        [
            "el",
            "los",
            "las",
            "es",
            "y",
            "que",
            "una",
            "por",
            "para",
            "gracias",
            "hola",
            "pero",
            "muy",
        ]
    ),
    "de": frozenset(
        [
            "der",
            "die",
            "das",
            "ist",
            "und",
            "ich",
            "nicht",
            "sie",
            "mit",
            "ein",
            "eine",
            "danke",
            "bitte",
        ]
    ),
    "pt": frozenset(
        ["o", "os", "as", "é", "e", "que", "não", "uma", "por", "obrigado", "olá", "muito", "você"]
    ),
    "it": frozenset(
        ["il", "gli", "è", "e", "che", "non", "una", "per", "grazie", "ciao", "sono", "molto"]
    ),
}
_CUE_LANGUAGES: dict[str, tuple[str, ...]] = {}
for _lang, _cues in _LATIN_CUES.items():
    for _cue in _cues:
        _CUE_LANGUAGES[_cue] = (*_CUE_LANGUAGES.get(_cue, ()), _lang)
_WORD = re.compile(r"[^\W\d_]+")
# Only the head of a long message is inspected: bounded work per message.
_MAX_CHARS = 4000


def script_counts(text: str) -> dict[str, int]:
    """Letters per language-script in the first few thousand characters of `text`."""
    counts: dict[str, int] = {}
    for ch in text[:_MAX_CHARS]:
        code = ord(ch)
        if code < 0x0250:
            if ch.isalpha():
                counts["latin"] = counts.get("latin", 0) + 1
            continue
        for low, high, lang in _RANGES:
            if low <= code <= high:
                if unicodedata.category(ch).startswith("L"):
                    counts[lang] = counts.get(lang, 0) + 1
                break
    return counts


def _latin_language(text: str) -> str:
    hits: dict[str, int] = {}
    for word in _WORD.findall(text[:_MAX_CHARS]):
        for lang in _CUE_LANGUAGES.get(word.casefold(), ()):
            hits[lang] = hits.get(lang, 0) + 1
    best, best_hits = "en", hits.get("en", 0)
    for lang in _LATIN_CUES:
        # English wins ties: it is the default for Latin text here.
        if hits.get(lang, 0) > best_hits:
            best, best_hits = lang, hits[lang]
    return best


_HEBREW_LETTER = re.compile("[\u05d0-\u05ea\ufb1d-\ufb4f]")
_LATIN_LETTER = re.compile("[A-Za-z\u00c0-\u024f]")
# Any letter of another script sends the text down the slower, exact count.
_OTHER_SCRIPT = re.compile(
    "[\u0370-\u058f\u0600-\u06ff\u0750-\u077f\u0900-\u097f\u0e00-\u0e7f"
    "\u10a0-\u10ff\u1100-\u11ff\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af\ufb50-\ufdff\ufe70-\ufeff]"
)


def detect_language(text: str) -> str:
    """ISO-639-1 code of the dominant language of `text`; "en" when nothing decides.

    Hebrew letters weigh a little more than Latin ones, because Hebrew messages often carry
    English product names, URLs and e-mail addresses.
    """
    head = text[:_MAX_CHARS]
    if _OTHER_SCRIPT.search(head):
        counts = script_counts(head)
    else:
        counts = {}
        hebrew, latin = len(_HEBREW_LETTER.findall(head)), len(_LATIN_LETTER.findall(head))
        if hebrew:
            counts["he"] = hebrew
        if latin:
            counts["latin"] = latin
    if not counts:
        return "en"
    weighted = {k: v * (1.5 if k == "he" else 1.0) for k, v in counts.items()}
    top = max(weighted, key=lambda k: (weighted[k], k == "he"))
    if top == "latin":
        return _latin_language(text)
    return top
