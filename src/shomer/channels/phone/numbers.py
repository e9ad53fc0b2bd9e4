"""Phone numbers as people type them, to one comparable form (E.164) and back.

Pure: no Django. Israeli numbers are the default ("050-1234567" is "+972501234567"); a number
with "+" or "00" keeps its own country code. Good enough to match a caller to a contact and a
call to a callback; not a numbering-plan validator.
"""

from __future__ import annotations

import re
from typing import Final

DEFAULT_COUNTRY_CODE: Final = "972"
# E.164 allows 15 digits; fewer than 8 is an extension or a typo, not a number to call back.
MIN_DIGITS: Final = 8
MAX_DIGITS: Final = 15
# Separators people type inside a number.
_SEPARATORS = re.compile(r"[\s\-\.\(\)/\u200e\u200f\u202a-\u202e]")
# Israeli area codes of three digits after the trunk 0: mobiles (05x) and VoIP (07x).
_THREE_DIGIT_PREFIXES: Final = ("5", "7")


def normalize_phone(text: str, country_code: str = DEFAULT_COUNTRY_CODE) -> str | None:
    """`text` as E.164 ("+972501234567"), or None when it is not a phone number.

    National numbers (a leading 0) get `country_code`; "+" and "00" mark international ones.
    Spaces, dashes, dots, brackets and bidi marks are ignored; letters make it no number.
    """
    compact = _SEPARATORS.sub("", text.strip())
    if compact.startswith("+"):
        digits = compact[1:]
    elif compact.startswith("00"):
        digits = compact[2:]
    elif compact.startswith("0"):
        digits = country_code + compact[1:]
    else:
        digits = compact
    if not digits.isascii() or not digits.isdigit():
        return None
    if digits.startswith("0") or not MIN_DIGITS <= len(digits) <= MAX_DIGITS:
        return None
    return "+" + digits


def display_phone(e164: str, country_code: str = DEFAULT_COUNTRY_CODE) -> str:
    """A number for people: national style at home ("050-1234567"), E.164 abroad."""
    if not e164.startswith("+" + country_code):
        return e164
    national = e164[1 + len(country_code) :]
    if not national:
        return e164
    split = 2 if national[0] in _THREE_DIGIT_PREFIXES else 1
    return f"0{national[:split]}-{national[split:]}"


def last_digits(e164: str, count: int = 4) -> str:
    """The number's last digits: a cheap database filter before exact comparison."""
    return e164[-count:]
