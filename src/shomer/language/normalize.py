"""Text normalisation for Hebrew and English. Pure: no Django import.

`fold` makes text comparable for search: case-folded, niqqud and cantillation removed,
direction marks removed, geresh/gershayim and quote variants unified, whitespace collapsed.
"""

from __future__ import annotations

import re
import unicodedata

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


def strip_marks(text: str) -> str:
    """Remove niqqud, cantillation and bidi control marks."""
    return _DIRECTION_MARKS.sub("", _HEBREW_MARKS.sub("", text))


def fold(text: str) -> str:
    """Search form of `text`: NFC, no marks, unified quotes, case-folded, single spaces."""
    text = unicodedata.normalize("NFC", text)
    text = strip_marks(text).translate(_QUOTES).casefold()
    return _SPACES.sub(" ", text).strip()
