"""The Hebrew catalogue is complete, and the compiled file matches it."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

from tools.fill_po import ENTRY, unquote

LOCALE = Path(__file__).resolve().parents[1] / "src" / "shomer" / "locale" / "he" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def entries() -> list[tuple[str, str | None, list[str], str]]:
    result = []
    for match in ENTRY.finditer((LOCALE / "django.po").read_text()):
        msgid = unquote(match["id"])
        if not msgid:
            continue
        plural = unquote(match["plural"]) if match["plural"] else None
        values = [unquote(v) for v in re.findall(r'msgstr(?:\[\d\])? ((?:".*"\n)+)', match["strs"])]
        result.append((msgid, plural, values, match["head"]))
    return result


def test_every_string_has_a_hebrew_translation():
    missing = [msgid for msgid, _p, values, head in entries() if not all(values) or "fuzzy" in head]
    assert missing == []


def test_translations_keep_their_named_placeholders():
    wrong = [
        msgid
        for msgid, plural, values, _head in entries()
        for value in values
        if set(PLACEHOLDER.findall(value)) - set(PLACEHOLDER.findall(msgid + (plural or "")))
    ]
    assert wrong == []


def test_the_compiled_catalogue_matches_the_source():
    with (LOCALE / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    stale = [
        msgid
        for msgid, plural, values, _head in entries()
        if plural is None and catalogue.gettext(msgid) != values[0]
    ]
    assert stale == []
