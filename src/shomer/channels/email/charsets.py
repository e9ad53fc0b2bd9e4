"""Decoding bytes from real mail into text, never raising. Pure: no Django import.

Mail lies about its charset: `iso-8859-8-i` is unknown to Python's codec registry,
`us-ascii` parts carry 8-bit Hebrew, `utf-8` parts carry windows-1255, and plain
`iso-8859-8` is by its standard (RFC 1556) *visual* Hebrew, stored in display order.
`decode_bytes` resolves the label, falls back by evidence in the bytes, and turns
visual Hebrew into logical order when the text itself shows it is visual.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

# Labels seen in the wild that Python does not know, or knows under another meaning.
_ALIASES: dict[str, str] = {
    "iso-8859-8-i": "iso8859_8",
    "iso_8859-8-i": "iso8859_8",
    "iso-8859-8-e": "iso8859_8",
    "iso_8859-8-e": "iso8859_8",
    "iso-ir-138": "iso8859_8",
    "visual": "iso8859_8",
    "logical": "iso8859_8",
    "x-mac-hebrew": "cp1255",
    "windows-1255": "cp1255",
    "win-1255": "cp1255",
    "cp-1255": "cp1255",
    "ms-heb": "cp1255",
    # WHATWG: browsers and mailers read latin-1 labels as windows-1252.
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "ascii",
    "ansi_x3.4-1968": "ascii",
    "unicode-1-1-utf-8": "utf-8",
    "utf8mb4": "utf-8",
    "x-unicode20utf8": "utf-8",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "shift-jis": "cp932",
    "shift_jis": "cp932",
    "x-sjis": "cp932",
    "tis-620": "cp874",
    "windows-874": "cp874",
}

# Labels that say "visual order" (RFC 1556): plain iso-8859-8 and its spellings.
_VISUAL_LABELS = frozenset(
    ["iso-8859-8", "iso_8859-8", "iso8859-8", "iso8859_8", "iso_8859-8:1988", "hebrew", "visual"]
)
_HEBREW_LABELS = _VISUAL_LABELS | {
    "iso-8859-8-i",
    "iso_8859-8-i",
    "iso-8859-8-e",
    "iso_8859-8-e",
    "windows-1255",
    "cp1255",
    "logical",
}

# Hebrew letters in iso-8859-8 / windows-1255 (both put alef..tav at 0xE0..0xFA).
_HEBREW_BYTE_LOW, _HEBREW_BYTE_HIGH = 0xE0, 0xFA
_HEBREW_BYTE_RUN = re.compile(rb"[\xe0-\xfa]{2,}")
_C1 = re.compile("[\x80-\x9f]")


@dataclass(frozen=True)
class Decoded:
    """Text decoded from bytes, with the codec actually used and notes on what went wrong."""

    text: str
    codec: str
    notes: tuple[str, ...] = ()


def normalise_label(label: str | None) -> str:
    """A charset label as written in mail, cleaned: lower case, no quotes or RFC 2231 language."""
    if not label:
        return ""
    label = label.strip().strip("\"'").lower()
    # RFC 2231 / RFC 2184 allow "utf-8*he" in encoded words.
    return label.split("*", 1)[0].strip()


def resolve_codec(label: str | None) -> str | None:
    """The Python text codec for a mail charset label, or None when unknown or not text."""
    name = normalise_label(label)
    if not name:
        return None
    name = _ALIASES.get(name, name)
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        return None
    # "base64", "rot13", "zlib"... are codecs too, but not text encodings.
    if not getattr(info, "_is_text_encoding", True):
        return None
    return info.name


def is_visual_label(label: str | None) -> bool:
    return normalise_label(label) in _VISUAL_LABELS


def guess_codec(data: bytes) -> str:
    """The codec to try when the label is missing or wrong: UTF-8, else Hebrew or Western."""
    if data.isascii():
        return "ascii"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    high = sum(1 for byte in data if byte >= 0x80)
    # Hebrew in a one-byte charset is words: runs of letters in 0xE0..0xFA. Western text
    # has lone accented letters between ASCII ones ("café").
    hebrew = sum(len(run) for run in _HEBREW_BYTE_RUN.findall(data))
    return "cp1255" if hebrew * 2 >= high else "cp1252"


def decode_bytes(data: bytes, label: str | None = None) -> Decoded:
    """Decode `data` declared as `label`; never raises; visual Hebrew comes out logical."""
    notes: list[str] = []
    codec = resolve_codec(label)
    if label and codec is None:
        notes.append(f"unknown charset {normalise_label(label)!r}")
    text: str | None = None
    if codec is not None:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            text = None
        # C1 controls (0x80..0x9F) in iso-8859-8 text are windows-1255 quotes and dashes.
        if text is not None and codec == "iso8859-8" and _C1.search(text):
            text = None
        if text is None and normalise_label(label) in _HEBREW_LABELS and codec != "cp1255":
            # iso-8859-8 mislabelled: windows-1255 is its superset (sheqel, niqqud, quotes).
            try:
                text = data.decode("cp1255")
                codec = "cp1255"
            except UnicodeDecodeError:
                text = None
        if text is None:
            notes.append(f"bytes are not valid {codec}")
    if text is None:
        codec = guess_codec(data)
        text = data.decode(codec, errors="replace")
        if "\ufffd" in text and codec != "utf-8":
            notes.append(f"undecodable bytes replaced ({codec})")
    assert codec is not None
    if is_visual_label(label) and looks_visual(text):
        text = visual_to_logical(text)
        notes.append("visual Hebrew turned into logical order")
    return Decoded(text=text, codec=codec, notes=tuple(notes))


# --- Visual Hebrew ---------------------------------------------------------------------

_FINALS = "ךםןףץ"
_HEBREW_WORD = re.compile("[\u05d0-\u05ea]{2,}")
_HEBREW_CHAR = re.compile("[\u0590-\u05ff]")
# Left-to-right runs inside a reversed line: Latin letters and digits with the
# punctuation that joins them (dates, prices, addresses, URLs).
_LTR = "A-Za-z0-9\u00c0-\u024f"
_LTR_RUN = re.compile(f"[{_LTR}](?:[{_LTR}@.:/,_%+\\- ]*[{_LTR}])?")
_SENTENCE_END = frozenset(".,:;?!")
_MIRROR = str.maketrans("()[]{}<>", ")(][}{><")


def looks_visual(text: str) -> bool:
    """True when the Hebrew in `text` reads reversed: it was stored in display order.

    Two cues, counted as votes. Final letters (ך ם ן ף ץ) end words in logical order and
    open them in visual order; sentence punctuation ends lines in logical order and opens
    them in visual order (each line is stored reversed). Visual wins only with more than
    twice the votes of logical; no evidence leaves the text as it is.
    """
    visual = logical = 0
    for match in _HEBREW_WORD.finditer(text):
        word = match.group()
        visual += word[0] in _FINALS
        logical += word[-1] in _FINALS
    for line in text.split("\n"):
        line = line.strip()
        if len(line) < 2 or not _HEBREW_CHAR.search(line):
            continue
        visual += line[0] in _SENTENCE_END
        logical += line[-1] in _SENTENCE_END
    return visual >= 1 and visual > 2 * logical


def _logical_line(line: str) -> str:
    if not _HEBREW_CHAR.search(line):
        return line
    # Right-aligned visual lines are padded on the left: that padding ends up trailing.
    reversed_line = line.rstrip("\r")[::-1].translate(_MIRROR).rstrip()
    # Numbers and Latin phrases were stored left to right: reverse them back.
    return _LTR_RUN.sub(lambda match: match.group()[::-1], reversed_line)


def visual_to_logical(text: str) -> str:
    """Visual (display-order) Hebrew to logical order, line by line."""
    return "\n".join(_logical_line(line) for line in text.split("\n"))
