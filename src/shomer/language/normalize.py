"""Text normalisation for Hebrew and English. Pure: no Django import.

`fold` makes text comparable for search: case-folded, niqqud and cantillation removed,
direction marks removed, geresh/gershayim and quote variants unified, whitespace collapsed.

`analysis_form` goes further for the analysers: final letters made regular, stretched
letters squeezed ("מעולהההה" -> "מעולה", "soooo" -> "soo"), emoji replaced by a few
sentiment tokens, and work capped at `MAX_ANALYSED_CHARS`. `words` gives word tokens with
their spans in the original text, and `stems` the forms of a Hebrew word without its
one-letter prefixes (ו ה ב כ ל מ ש), for lexicon look-ups.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Hebrew points and cantillation (U+0591..U+05C7 except letters and punctuation we keep).
_HEBREW_MARKS = re.compile("[\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7]")
_DIRECTION_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]")
_QUOTES = str.maketrans(
    {
        "\u05f3": "'",  # geresh
        "\u05f4": '"',  # gershayim
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u05be": "-",  # maqaf
    }
)
_SPACES = re.compile(r"\s+")


def _present(table: dict[int, str]) -> re.Pattern[str]:
    """Finds any character `table` maps. `str.translate` with a dict looks up every
    character, four times slower than this search on Hebrew text; most texts need none."""
    return re.compile("[" + "".join(re.escape(chr(code)) for code in table) + "]")


_QUOTES_PRESENT = _present(_QUOTES)

# The analysers read at most this many characters of a message: a 1 MB message costs the
# same as a long e-mail, and what matters (greeting, complaint, promise) is near the top.
MAX_ANALYSED_CHARS = 5000

FINALS = str.maketrans({"ך": "כ", "ם": "מ", "ן": "נ", "ף": "פ", "ץ": "צ"})
HEBREW_PREFIXES = frozenset("והבכלמש")
# Zero-width joiners, variation selectors and other invisible format characters.
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\ufe0e\ufe0f\u00ad\U0001f3fb-\U0001f3ff]")
_HEBREW_STRETCH = re.compile(r"([\u05d0-\u05ea])\1{2,}")
_LATIN_STRETCH = re.compile(r"([a-z])\1{2,}")
_PUNCT_STRETCH = re.compile(r"([!?.])\1{2,}")
# Words keep their niqqud inside them (marks are not \\w), so spans cover whole words.
_WORD = re.compile("[\\w'\"\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7]+")

# Emoji that carry sentiment become plain tokens the models and lexicons can read.
_EMOJI_CLASSES: dict[str, str] = {}
for _chars, _token in (
    ("😀😃😄😁😊🙂😍🥰😘😎🤩👍👌🙏💪🎉❤💙💚💜🧡💛🌟⭐✨😇🤗✅💯", " emojipos "),
    ("😡🤬😠👎🖕💩😤", " emojiangry "),
    ("😢😭😞😔😟☹🙁😩😫😒😕💔😣😖", " emojisad "),
    ("🙄😑😐🤦🤷", " emojimeh "),
    ("😂🤣😅😆😉😜", " emojilaugh "),
):
    for _char in _chars:
        _EMOJI_CLASSES[_char] = _token
_EMOJI_TABLE = str.maketrans(_EMOJI_CLASSES)
_OTHER_EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff]")
_FINAL_PAIRS = tuple((chr(final), regular) for final, regular in FINALS.items())


def strip_marks(text: str) -> str:
    """Remove niqqud, cantillation and bidi control marks."""
    return _DIRECTION_MARKS.sub("", _HEBREW_MARKS.sub("", text))


def fold(text: str) -> str:
    """Search form of `text`: NFC, no marks, unified quotes, case-folded, single spaces."""
    text = unicodedata.normalize("NFC", text)
    text = strip_marks(text)
    if _QUOTES_PRESENT.search(text):
        text = text.translate(_QUOTES)
    return _single_spaces(text.casefold())


def _single_spaces(text: str) -> str:
    """Runs of white space as one space, none at the ends: `_SPACES.sub(" ", text).strip()`
    (str.split and re's \\s agree on what white space is), in a third of the time."""
    return " ".join(text.split())


def unfinal(text: str) -> str:
    """Final letters (ך ם ן ף ץ) as their regular forms, so "שלום" and "שלומכם" share a stem."""
    # Five replaces, not translate: Hebrew text nearly always has a final letter, and
    # translate looks every character up in a dict.
    for final, regular in _FINAL_PAIRS:
        text = text.replace(final, regular)
    return text


def squeeze(text: str) -> str:
    """Stretched letters squeezed: Hebrew runs of 3+ to one letter, Latin runs to two.

    Hebrew words rarely double a letter, English ones often do ("good", "cool"), and two
    keeps those right while "soooo" still meets "soo".
    """
    text = _HEBREW_STRETCH.sub(r"\1", text)
    text = _LATIN_STRETCH.sub(r"\1\1", text)
    return _PUNCT_STRETCH.sub(r"\1\1\1", text)


def is_stretched(text: str) -> bool:
    """True when some letter is repeated three times or more (an intensity cue)."""
    return bool(_HEBREW_STRETCH.search(text) or _LATIN_STRETCH.search(text.casefold()))


def emoji_tokens(text: str) -> str:
    """Sentiment emoji as words ("emojipos", "emojiangry", ...); other emoji as "emoji"."""
    if not _OTHER_EMOJI.search(text):  # every emoji of _EMOJI_TABLE is in its ranges
        return text
    return _OTHER_EMOJI.sub(" emoji ", text.translate(_EMOJI_TABLE))


def analysis_form(text: str) -> str:
    """The form the analysers read: capped, folded, regular letters, squeezed, emoji as words."""
    text = _INVISIBLE.sub("", text[:MAX_ANALYSED_CHARS])
    text = emoji_tokens(fold(text))
    return _single_spaces(squeeze(unfinal(text)))


@dataclass(frozen=True, slots=True)
class Word:
    """A word of the original text: its analysis form and its span [start, end)."""

    form: str
    start: int
    end: int


def words(text: str) -> list[Word]:
    """Word tokens of `text` (capped) with spans into `text` itself.

    Marks and bidi controls inside a word are dropped from `form` only, so spans stay true
    to the original string, which the tone coach needs for its findings.
    """
    out: list[Word] = []
    head = text[:MAX_ANALYSED_CHARS]
    for match in _WORD.finditer(head):
        raw = match.group()
        form = squeeze(unfinal(strip_marks(raw).translate(_QUOTES).casefold())).strip("'\"")
        if form:
            out.append(Word(form, match.start(), match.end()))
    return out


def stems(word: str) -> tuple[str, ...]:
    """`word` and its forms without up to three one-letter Hebrew prefixes ("וכשהלקוח").

    Stems shorter than two letters are not offered: "בו" is not "ו" with a prefix.
    """
    forms = [word]
    rest = word
    for _ in range(3):
        if len(rest) > 3 and rest[0] in HEBREW_PREFIXES:
            rest = rest[1:]
            forms.append(rest)
        else:
            break
    return tuple(forms)
