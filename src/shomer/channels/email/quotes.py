"""Strip quoted history and signatures from a reply's text, Hebrew and English. Pure.

A reply is the new text followed (or interleaved) with history. History starts at:
- an attribution line: "On <date>, <name> wrote:", "בתאריך <date> ... נכתב:", Gmail's
  Hebrew "בתאריך ... מאת <name> <address>:", "<name> כתב/ה:" (wrapped over up to 3 lines);
- an Outlook separator: "-----Original Message-----", "-----הודעה מקורית-----";
- a header block: "From:"/"מאת:" followed within a few lines by "Sent:"/"Date:"/"נשלח:"/
  "תאריך:" and "To:"/"Subject:"/"אל:"/"נושא:" (Outlook, also after a line of underscores);
- lines quoted with ">".
An attribution followed by ">" lines removes only that quoted block (bottom-posting and
inline answers keep their text); any other marker cuts the rest. A signature delimiter
("-- ") and mobile footers ("Sent from my iPhone", "נשלח מה-iPhone שלי") cut the rest.
"""

from __future__ import annotations

import re

_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c\ufeff]")
_ATTRIBUTION = re.compile(
    r"""^(?:
        on\s.{1,400}\swrote:                          # On Mon, 1 Jan 2024, Dana wrote:
      | [^@]{0,300}@.{0,300}\s(?:wrote|writes):       # Dana Cohen <dana@...> wrote:
      | בתאריך\s.{1,400}:                             # בתאריך ... מאת דנה <...>: / נכתב:
      | (?:ב-?\s?\d|\d).{0,300}(?:כתב|כתבה|כתב/ה|כתב\(ה\)|נכתב)\s*:  # ב-3/3/24, דנה כתב/ה:
      | [^@]{0,300}@.{0,300}(?:כתב|כתבה|כתב/ה|כתב\(ה\)|נכתב)\s*:      # דנה <d@x> כתב/ה:
      | le\s.{1,300}\sa\sécrit\s?:                    # French clients in Israel, too
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_ATTRIBUTION_START = re.compile(r"^(?:on\s|le\s|בתאריך\s|ב-?\s?\d|\d)", re.IGNORECASE)
_DATE_OR_ADDRESS = re.compile(r"[@\d]")
_SEPARATOR = re.compile(
    r"^\s*-{2,}\s*(?:original\s+message|הודעה\s+מקורית|reply\s+message|הודעה\s+מקורית\s+-)\s*-{2,}\s*$",
    re.IGNORECASE,
)
_UNDERSCORES = re.compile(r"^\s*_{10,}\s*$")
_HEADER_FROM = re.compile(r"^\s*\*?(?:from|מאת)\s*:\*?\s*\S", re.IGNORECASE)
_HEADER_SENT = re.compile(r"^\s*\*?(?:sent|date|נשלח|תאריך)\s*:", re.IGNORECASE)
_HEADER_TO = re.compile(r"^\s*\*?(?:to|subject|cc|אל|נושא|עותק)\s*:", re.IGNORECASE)
_SIGNATURE = re.compile(r"^--\s?$")
_MOBILE_FOOTER = re.compile(
    r"""^\s*(?:
        sent\s+from\s+my\s+\S.{0,40}
      | sent\s+from\s+(?:outlook|mail)\s+for\s+\S.{0,30}
      | get\s+outlook\s+for\s+\S.{0,30}
      | נשלח\s+(?:מה|מ)-?\s?(?:iphone|ipad|android|galaxy|samsung|outlook|xiaomi|
            ה?טלפון|ה?נייד|ה?סמארטפון|ה?אייפון|ה?גלקסי|ה?אנדרואיד)(?:\s.{0,30})?
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_FORWARD_MARKER = re.compile(
    r"^\s*-{3,}\s*(?:forwarded\s+message|הודעה\s+שהועברה|הודעה\s+מועברת)\s*-{3,}\s*$",
    re.IGNORECASE,
)
MAX_QUOTE_CHARS = 2_000_000
_BLANK_RUN = re.compile(r"\n{3,}")


def _plain(line: str) -> str:
    return _MARKS.sub("", line).strip()


def _is_quoted(line: str) -> bool:
    return line.lstrip().startswith(">")


def _attribution_span(lines: list[str], index: int) -> int:
    """Lines (1-3) that form an attribution starting at `index`, or 0."""
    joined = ""
    for span in range(1, 4):
        if index + span > len(lines):
            return 0
        line = _plain(lines[index + span - 1])
        # A wrapped attribution has no blank line inside and starts like one.
        if span > 1 and (not line or not _ATTRIBUTION_START.match(joined)):
            return 0
        joined = f"{joined} {line}".strip()
        if len(joined) > 600:
            return 0
        # Every attribution ends with a colon and names a date or an address: cheap
        # checks first keep the regex off ordinary lines.
        if joined.endswith(":") and _DATE_OR_ADDRESS.search(joined) and _ATTRIBUTION.match(joined):
            return span
    return 0


def _is_header_block(lines: list[str], index: int) -> bool:
    """'From:' followed within five lines by 'Sent:'/'Date:' and 'To:'/'Subject:'."""
    if not _HEADER_FROM.match(_plain(lines[index])):
        return False
    window = [_plain(line) for line in lines[index + 1 : index + 6]]
    return any(_HEADER_SENT.match(line) for line in window) and any(
        _HEADER_TO.match(line) for line in window
    )


def strip_quotes(text: str, *, keep_forwarded: bool = False) -> str:
    """The new text of a message: quoted history, signature and mobile footer removed.

    `keep_forwarded` (a "Fwd:" subject) keeps header blocks and separators: in a forward
    they introduce the content the customer wants us to read, not history.
    """
    if len(text) > MAX_QUOTE_CHARS:
        text = text[:MAX_QUOTE_CHARS]
    lines = text.split("\n")
    kept: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        plain = _plain(line)
        if _FORWARD_MARKER.match(plain):
            # A forwarded message is the matter the customer sends us, not history.
            kept.extend(lines[index:])
            break
        span = _attribution_span(lines, index) if plain else 0
        if span:
            after = index + span
            while after < len(lines) and not _plain(lines[after]):
                after += 1
            if after < len(lines) and _is_quoted(lines[after]):
                # Only the quoted block goes; text after it (bottom-posting) stays.
                while after < len(lines) and (_is_quoted(lines[after]) or not _plain(lines[after])):
                    after += 1
                index = after
                continue
            break
        if not keep_forwarded and (
            _SEPARATOR.match(plain)
            or (_UNDERSCORES.match(plain) and _next_is_header(lines, index))
            or _is_header_block(lines, index)
        ):
            break
        if _is_quoted(line):
            index += 1
            continue
        if _SIGNATURE.match(line.rstrip("\r")) or _MOBILE_FOOTER.match(plain):
            break
        kept.append(line)
        index += 1
    return _trim(kept)


def _next_is_header(lines: list[str], index: int) -> bool:
    following = index + 1
    while following < len(lines) and not _plain(lines[following]):
        following += 1
    return following < len(lines) and _is_header_block(lines, following)


def _trim(lines: list[str]) -> str:
    # Removed quotes leave their blank lines behind: at most one blank line in a row.
    text = "\n".join(line.rstrip() for line in lines).strip()
    return _BLANK_RUN.sub("\n\n", text)
