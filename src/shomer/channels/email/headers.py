"""Header values from real mail: RFC 2047 words, raw 8-bit bytes, addresses, ids, dates.

Pure: no Django import. Every function here returns a value and notes; none raises on
bad input.
"""

from __future__ import annotations

import binascii
import datetime as dt
import email.utils
import re

from shomer.channels.email.charsets import decode_bytes

# Encoded words are short by the standard (75 chars); real mail breaks that, so allow more
# but keep the pattern linear: no nested quantifiers.
_ENCODED_WORD = re.compile(r"=\?([^?\s]{1,64})\?([bBqQ])\?([^?]{0,2000}?)\?=")
_BETWEEN_WORDS = re.compile(r"[ \t\r\n]*")
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_FOLD = re.compile(r"\r?\n[ \t]*")
# Embedding and override controls can make a name or subject display as something else.
_BIDI_OVERRIDES = re.compile("[\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"[ \t]+")
_Q_HEX = re.compile(rb"=([0-9A-Fa-f]{2})")
_BASE64_JUNK = re.compile(rb"[^A-Za-z0-9+/]")
MAX_HEADER_CHARS = 16_000


def raw_header_text(value: str) -> tuple[str, list[str]]:
    """A header as parsed by `email` (ASCII with surrogate escapes) decoded to text.

    Raw 8-bit header bytes (old Hebrew mailers send windows-1255 unencoded) are decoded
    by evidence, as a body would be.
    """
    notes: list[str] = []
    try:
        value.encode("ascii")
    except UnicodeEncodeError:
        data = value.encode("ascii", "surrogateescape") if _has_surrogates(value) else None
        if data is not None:
            decoded = decode_bytes(data, None)
            value = decoded.text
            notes.append("raw 8-bit bytes in header")
    return value, notes


def _has_surrogates(value: str) -> bool:
    try:
        value.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:
        return False
    return True


def _decode_q(payload: str) -> bytes:
    data = payload.replace("_", " ").encode("ascii", "replace")
    return _Q_HEX.sub(lambda match: bytes([int(match.group(1), 16)]), data)


def _decode_b(payload: str) -> bytes | None:
    data = payload.encode("ascii", "replace").rstrip(b"=")
    if _BASE64_JUNK.search(data):
        return None  # not base64 at all: keep the word as written
    # One stray character past a whole group cannot be decoded: drop it.
    if len(data) % 4 == 1:
        data = data[:-1]
    data += b"=" * (-len(data) % 4)
    try:
        return binascii.a2b_base64(data)
    except binascii.Error:
        return None


def decode_words(value: str) -> tuple[str, list[str]]:
    """Decode RFC 2047 encoded words in `value`, also the broken kinds real mail has.

    Adjacent encoded words are joined before decoding (whitespace between them is not
    text, RFC 2047 §6.2), so a UTF-8 character split across two words survives.
    Unknown charsets fall back to guessing; undecodable words stay as written.
    """
    notes: list[str] = []
    if "=?" not in value:
        return value, notes
    out: list[str] = []
    position = 0
    pending: list[tuple[str, bytes]] = []  # (charset, bytes) of adjacent encoded words

    def flush() -> None:
        if not pending:
            return
        joined: list[tuple[str, bytearray]] = []
        for charset, word in pending:
            if joined and joined[-1][0] == charset:
                joined[-1][1].extend(word)
            else:
                joined.append((charset, bytearray(word)))
        for charset, run in joined:
            decoded = decode_bytes(bytes(run), charset)
            notes.extend(decoded.notes)
            out.append(decoded.text)
        pending.clear()

    for match in _ENCODED_WORD.finditer(value):
        gap = value[position : match.start()]
        if pending and _BETWEEN_WORDS.fullmatch(gap):
            pass  # whitespace between encoded words is dropped
        else:
            flush()
            out.append(gap)
        charset, encoding, payload = match.group(1), match.group(2).lower(), match.group(3)
        data = _decode_q(payload) if encoding == "q" else _decode_b(payload)
        if data is None:
            flush()
            notes.append("undecodable encoded word kept as written")
            out.append(match.group())
        else:
            pending.append((charset.lower(), data))
        position = match.end()
    flush()
    out.append(value[position:])
    return "".join(out), notes


def clean_text(value: str) -> tuple[str, list[str]]:
    """Unfold, drop control characters (header injection) and bidi overrides, trim."""
    notes: list[str] = []
    # Folding was undone on the raw value; a line break now came out of an encoded word.
    if _CONTROLS.search(value) or "\n" in value or "\r" in value:
        notes.append("control characters removed")
        value = _CONTROLS.sub(" ", value.replace("\r", " ").replace("\n", " "))
    if _BIDI_OVERRIDES.search(value):
        notes.append("bidi override characters removed")
        value = _BIDI_OVERRIDES.sub("", value)
    return _SPACES.sub(" ", value).strip(), notes


def decode_header_value(value: str | None) -> tuple[str, list[str]]:
    """A header's value as clean Unicode text: 8-bit bytes, encoded words, injection."""
    if value is None:
        return "", []
    notes: list[str] = []
    if len(value) > MAX_HEADER_CHARS:
        value = value[:MAX_HEADER_CHARS]
        notes.append(f"header longer than {MAX_HEADER_CHARS} characters cut")
    value, raw_notes = raw_header_text(value)
    unfolded = _FOLD.sub(" ", value)
    decoded, word_notes = decode_words(unfolded)
    cleaned, clean_notes = clean_text(decoded)
    return cleaned, notes + raw_notes + word_notes + clean_notes


# --- Addresses ----------------------------------------------------------------------

_ADDR_SPEC = re.compile(r"[^\s<>()\[\]@,;:\"]{1,64}@[A-Za-z0-9\-.\u00a0-\uffff]{1,255}")


_PROTECTED = re.compile("\ue000(\\d+)\ue001")
_SIMPLE_ADDRESS = re.compile(
    r"""^[ \t]*(?:
        (?:"([^"\\]{0,200})"|([^"<>,;:@()\\\[\]]{0,200}?))[ \t]*<([^<>\s,;:()"@]{1,64}@[^<>\s,;:()"@]{1,255})>
      | ([^<>\s,;:()"@]{1,64}@[^<>\s,;:()"@]{1,255})
    )[ \t]*$""",
    re.VERBOSE,
)


def _clean_address(address: str) -> str:
    address = address.strip().strip("<>").strip().lower()
    return address if _ADDR_SPEC.fullmatch(address) else ""


def parse_addresses(value: str | None) -> tuple[list[tuple[str, str]], list[str]]:
    """(display name, address) pairs from an address header; names decoded, addresses lower.

    Encoded words are decoded after the address list is split, so a decoded name with a
    comma or angle bracket cannot smuggle in another address.
    """
    if not value:
        return [], []
    notes: list[str] = []
    if len(value) > MAX_HEADER_CHARS:
        value = value[:MAX_HEADER_CHARS]
        notes.append("address header cut")
    value, raw_notes = raw_header_text(value)
    notes.extend(raw_notes)
    value = _FOLD.sub(" ", value)
    # Encoded words may hide ":" "," "<" (an injected "Bcc:" makes the stdlib see a
    # group): stand each in for a private-use token while the list is split.
    words: list[str] = []

    def protect(match: re.Match[str]) -> str:
        words.append(match.group())
        return f"\ue000{len(words) - 1}\ue001"

    value = _ENCODED_WORD.sub(protect, value.replace("\ue000", "").replace("\ue001", ""))
    pairs: list[tuple[str, str]] = []
    simple = _SIMPLE_ADDRESS.match(value)
    if simple:
        # One plain address, the usual case: the stdlib's general parser costs 10x more.
        parsed = [(simple.group(1) or simple.group(2) or "", simple.group(3) or simple.group(4))]
    else:
        try:
            parsed = email.utils.getaddresses([value])
        except Exception:  # the stdlib parser has raised on hostile input before
            parsed = []
    for name, address in parsed:
        clean = _clean_address(address)
        if not clean:
            continue
        name = _PROTECTED.sub(lambda match: words[int(match.group(1))], name)
        decoded_name, name_notes = decode_words(name)
        decoded_name, clean_notes = clean_text(decoded_name)
        notes.extend(name_notes + clean_notes)
        pairs.append((decoded_name.strip("\"' "), clean))
    if not pairs:
        # Fall back on anything shaped like an address.
        found = [_clean_address(match.group()) for match in _ADDR_SPEC.finditer(value)]
        pairs = [("", address) for address in found if address]
        if pairs:
            notes.append("address header malformed; addresses found by pattern")
    return pairs, notes


# --- Message ids ------------------------------------------------------------------

_ANGLE_ID = re.compile(r"<([^<>\s]{1,900})>")
_ID_SEPARATORS = re.compile(r"[<>\s,;()]+")
MAX_REFERENCES = 100


def parse_ids(value: str | None) -> list[str]:
    """Message ids in a References / In-Reply-To / Message-ID header, without brackets.

    Ids in angle brackets win; a header without brackets (broken clients) gives its
    bare local@domain tokens. At most the last `MAX_REFERENCES` ids are kept.
    """
    if not value:
        return []
    value, _ = raw_header_text(value[: 200 * MAX_REFERENCES])
    value = _CONTROLS.sub(" ", value)
    ids = [match.group(1) for match in _ANGLE_ID.finditer(value)]
    if not ids:
        # Split, then look for "@": a pattern search here would rescan long junk.
        ids = [
            token
            for token in _ID_SEPARATORS.split(value)
            if "@" in token[1:-1] and len(token) <= 1000
        ]
    unique = list(dict.fromkeys(identifier.strip() for identifier in ids if identifier.strip()))
    return unique[-MAX_REFERENCES:]


# --- Dates ------------------------------------------------------------------------

_EARLIEST = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)
_LATEST = dt.datetime(2200, 1, 1, tzinfo=dt.UTC)


def parse_date(value: str | None) -> tuple[dt.datetime | None, list[str]]:
    """An aware datetime from a Date header; None (with a note) when unreadable."""
    if not value:
        return None, []
    value, _ = raw_header_text(value[:300])
    try:
        parsed = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None, [f"unreadable Date {value.strip()[:60]!r}"]
    if parsed is None:
        return None, [f"unreadable Date {value.strip()[:60]!r}"]
    if parsed.tzinfo is None:
        # "-0000" means "zone unknown" (RFC 5322): take it as UTC.
        parsed = parsed.replace(tzinfo=dt.UTC)
    try:
        in_range = _EARLIEST <= parsed <= _LATEST
    except (OverflowError, ValueError):
        in_range = False
    if not in_range:
        return None, [f"Date out of range {value.strip()[:60]!r}"]
    return parsed, []
