"""The labelled corpus: loading, template expansion and the fixed split. Pure.

The corpus is source data in `data/corpus/*.txt` (format in its README.md). Families marked
`test` form the held-out split; the split is by family, never by line, so paraphrases and
template siblings of a held-out line never sit in training.
"""

from __future__ import annotations

import hashlib
import itertools
import random
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

CORPUS_DIR = Path(__file__).parent / "data" / "corpus"
# A template line yields at most this many variants, drawn with a seed fixed by the line.
MAX_PER_LINE = 36
SENTIMENTS = ("negative", "neutral", "positive")
_SHORT = {"neg": "negative", "neu": "neutral", "pos": "positive"}
_ALTERNATION = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled message."""

    text: str
    lang: str
    sentiment: str
    abuse: int
    urgency: int
    family: str
    is_test: bool


def corpus_files(directory: Path = CORPUS_DIR) -> list[Path]:
    return sorted(directory.glob("*.txt"))


def corpus_hash(directory: Path = CORPUS_DIR) -> str:
    """Hash of the corpus files' names and bytes: the models' cache key."""
    digest = hashlib.sha256()
    for path in corpus_files(directory):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def expand(template: str, limit: int = MAX_PER_LINE) -> list[str]:
    """The texts a template stands for: every `{a|b}` choice, at most `limit` of them."""
    parts = _ALTERNATION.split(template)
    fixed, choices = parts[0::2], [p.split("|") for p in parts[1::2]]
    if not choices:
        return [" ".join(template.split())]
    total = 1
    for options in choices:
        total *= len(options)
    if total <= limit:
        combos = list(itertools.product(*choices))
    else:
        rng = random.Random(zlib.crc32(template.encode()))
        seen: set[tuple[str, ...]] = set()
        while len(seen) < limit:
            seen.add(tuple(rng.choice(options) for options in choices))
        combos = sorted(seen)
    out = []
    for combo in combos:
        pieces = [fixed[0]]
        for choice, tail in zip(combo, fixed[1:], strict=True):
            pieces.append(choice)
            pieces.append(tail)
        text = " ".join("".join(pieces).split())
        out.append(re.sub(r"\s+([,.!?:])", r"\1", text))
    return out


def parse(text: str, lang: str, source: str = "<corpus>") -> list[Example]:
    """Examples of one corpus file's text."""
    examples: list[Example] = []
    family, is_test = "", False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("@family"):
            parts = line.split()
            family, is_test = parts[1], len(parts) > 2 and parts[2] == "test"
            continue
        labels, separator, body = line.partition(" | ")
        fields = labels.split()
        if not separator or len(fields) != 3 or fields[0] not in _SHORT or not family:
            raise ValueError(f"{source}:{number}: bad corpus line {raw!r}")
        for variant in expand(body.strip()):
            examples.append(
                Example(
                    variant, lang, _SHORT[fields[0]], int(fields[1]), int(fields[2]), family,
                    is_test,
                )
            )  # fmt: skip
    return examples


def load_corpus(directory: Path = CORPUS_DIR) -> list[Example]:
    """All examples; a file's language is its name's prefix ("he_...", "en_...")."""
    examples: list[Example] = []
    for path in corpus_files(directory):
        lang = path.name.split("_", 1)[0]
        examples.extend(parse(path.read_text(encoding="utf-8"), lang, path.name))
    return examples
