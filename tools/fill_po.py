"""Fill empty msgstr entries of a .po file from a JSON dictionary {msgid: msgstr}.

Used by `make translations`: `python tools/fill_po.py django.po tools/translations/he-*.json`. Plural entries take a list of forms. Entries already translated are kept.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ENTRY = re.compile(
    r'(?P<head>(?:#.*\n)*)msgid (?P<id>(?:".*"\n)+)(?:msgid_plural (?P<plural>(?:".*"\n)+))?'
    r"(?P<strs>(?:msgstr(?:\[\d\])? (?:\".*\"\n)+)+)",
)


def unquote(block: str) -> str:
    return "".join(json.loads(line) for line in block.strip().splitlines())


def _without_fuzzy(line: str) -> str:
    """ "#, fuzzy, python-format" → "#, python-format"; other lines unchanged."""
    if not line.startswith("#,"):
        return line
    flags = [flag.strip() for flag in line[2:].split(",") if flag.strip() != "fuzzy"]
    return "#, " + ", ".join(flags)


def quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def fill(po: str, translations: dict[str, str | list[str]]) -> tuple[str, list[str]]:
    missing: list[str] = []

    def replace(match: re.Match[str]) -> str:
        msgid = unquote(match["id"])
        values = re.findall(r"msgstr(?:\[\d\])? ((?:\".*\"\n)+)", match["strs"])
        fuzzy = "fuzzy" in match["head"]
        if not msgid or (any(unquote(v) for v in values) and not fuzzy):
            return match.group(0)
        value = translations.get(msgid)
        if value is None:
            missing.append(msgid)
            return match.group(0)
        # A fuzzy guess from msgmerge is replaced, with its flag and previous-msgid lines.
        head = "".join(
            _without_fuzzy(line) + "\n"
            for line in match["head"].splitlines()
            if line != "#, fuzzy" and not line.startswith("#|")
        )
        out = head + "msgid " + match["id"]
        if match["plural"]:
            forms = value if isinstance(value, list) else [value] * 4
            out += "msgid_plural " + match["plural"]
            out += "".join(f"msgstr[{i}] {quote(form)}\n" for i, form in enumerate(forms))
        else:
            out += f"msgstr {quote(str(value))}\n"
        return out

    return ENTRY.sub(replace, po), missing


if __name__ == "__main__":
    po_path = Path(sys.argv[1])
    translations: dict[str, str | list[str]] = {}
    for json_path in sys.argv[2:]:
        translations.update(json.loads(Path(json_path).read_text()))
    result, missing = fill(po_path.read_text(), translations)
    po_path.write_text(result)
    for msgid in missing:
        print("untranslated:", msgid)
