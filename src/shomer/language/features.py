"""Features for the default (no-download) models. Pure: no Django import.

Two kinds, used alike in training and at run time:

- sparse string features: word unigrams and bigrams (negation-marked), Hebrew stems
  without prefixes, and character 2-4-grams inside word boundaries, which carry Hebrew
  morphology and misspellings that words miss;
- a small dense vector of lexicon cues (`LEXICON_FEATURES`), each a count or a flag.

Text inside quotation marks is someone else's words: its insults and swearing are counted
apart (`insult_quoted`), so "the agent told me 'idiot'" is not abuse by the writer.
"""

from __future__ import annotations

import re
from functools import lru_cache

from shomer.language import lexicons
from shomer.language.normalize import (
    MAX_ANALYSED_CHARS,
    analysis_form,
    is_stretched,
    stems,
)

FEATURE_VERSION = "3"
LEXICON_FEATURES = (
    "insult",
    "insult_addressed",
    "insult_staff",
    "insult_opening",
    "abuse_attributive",
    "insult_quoted",
    "attack_phrase",
    "profanity",
    "profanity_addressed",
    "positive",
    "negative",
    "negated_positive",
    "negated_negative",
    "sarcasm",
    "urgent",
    "always_on",
    "exclamations",
    "stretched",
    "question",
    "second_person",
)
_PRONOUNS = frozenset({"הוא", "היא", "הם", "הן", "הזה", "הזאת", "האלה"})
# Single quotes count only when they stand apart from letters: "I'm" and "you'll" are
# apostrophes, not a quotation.
_LEX_WORD = re.compile(r"\w[\w'\"]*\w|\w")
_QUOTED = re.compile(r"\"[^\"]{1,200}\"|(?<!\w)'[^']{3,200}'(?!\w)|«[^»]{1,200}»")
_POSSESSIVES = frozenset({"שלך", "שלכמ", "שלכנ", "שלכ"})
_TOKEN = re.compile(r"[^\W\d_]+|\d+|[!?]", re.UNICODE)
# Character n-grams are taken from the first words only: enough signal, bounded cost.
_MAX_CHAR_WORDS = 60


_INSULT, _PROFANITY, _POSITIVE, _NEGATIVE, _SECOND, _STAFF, _NEGATOR = (1, 2, 4, 8, 16, 32, 64)


@lru_cache(maxsize=100_000)
def _flags(form: str) -> int:
    """Lexicon classes of one word form (with and without Hebrew prefixes), as bits."""
    forms = stems(form)
    flags = 0
    for bit, vocabulary in (
        (_INSULT, lexicons.INSULTS),
        (_PROFANITY, lexicons.PROFANITY),
        (_POSITIVE, lexicons.POSITIVE),
        (_NEGATIVE, lexicons.NEGATIVE),
        (_STAFF, lexicons.STAFF_WORDS),
    ):
        if any(f in vocabulary for f in forms):
            flags |= bit
    if form not in _POSSESSIVES and any(f in lexicons.SECOND_PERSON for f in forms):
        flags |= _SECOND
    if form in lexicons.NEGATORS:
        flags |= _NEGATOR
    return flags


def _lexicon_vector(text: str, form: str) -> list[float]:
    quoted = " ".join(m.group() for m in _QUOTED.finditer(text))
    own_form = analysis_form(_QUOTED.sub(" ", text)) if quoted else form
    own_words = _LEX_WORD.findall(own_form)
    flags = [_flags(w) for w in own_words]
    quoted_hits = 0
    if quoted:
        for word in _LEX_WORD.findall(analysis_form(quoted)):
            quoted_hits += bool(_flags(word) & (_INSULT | _PROFANITY))
    insult = profanity = attributive = 0
    positive = negative = negated_positive = negated_negative = 0
    for index, word_flags in enumerate(flags):
        if word_flags & (_INSULT | _PROFANITY):
            previous = own_words[index - 1] if index else ""
            # "the damn charger", "המטען המזדיין": an adjective on a thing, not a name-call.
            if not (flags[index - 1] & _STAFF if index else 0) and (
                previous in lexicons.DETERMINERS
                or (
                    own_words[index].startswith("ה")
                    and previous.startswith("ה")
                    and previous not in _PRONOUNS
                )
            ):
                attributive += 1
            else:
                insult += bool(word_flags & _INSULT)
                profanity += bool(word_flags & _PROFANITY)
        if word_flags & (_POSITIVE | _NEGATIVE):
            negated = any(f & _NEGATOR for f in flags[max(0, index - 2) : index])
            if word_flags & _POSITIVE:
                negated_positive += negated
                positive += not negated
            if word_flags & _NEGATIVE:
                negated_negative += negated
                negative += not negated
    addressed = any(f & _SECOND for f in flags)
    staff = any(f & _STAFF for f in flags)
    opening = any(f & _INSULT for f in flags[:2])
    return [
        float(insult),
        float(insult > 0 and addressed),
        float(insult > 0 and staff),
        float(opening),
        float(attributive),
        float(quoted_hits),
        float(len(lexicons.ATTACK_PHRASES.findall(own_form))),
        float(profanity),
        float(profanity > 0 and addressed),
        float(positive),
        float(negative),
        float(negated_positive),
        float(negated_negative),
        float(len(lexicons.SARCASM_CUES.findall(own_form))),
        float(len(lexicons.URGENT.findall(own_form))),
        float(bool(lexicons.ALWAYS_ON.search(own_form))),
        float(min(text.count("!"), 5)),
        float(is_stretched(text)),
        float("?" in text),
        float(addressed),
    ]


def extract(text: str, form: str | None = None) -> tuple[list[str], list[float]]:
    """(sparse string features, dense lexicon vector) of one message.

    `form` is `analysis_form(text)` when the caller has it already.
    """
    text = text[:MAX_ANALYSED_CHARS]
    if form is None:
        form = analysis_form(text)
    tokens = _TOKEN.findall(form)
    features: list[str] = []
    negate = 0
    previous = "<s>"
    for token in tokens:
        mark = "~" if negate else ""
        features.append("w:" + mark + token)
        features.append("b:" + previous + "_" + token)
        if len(token) > 3 and token[0] in "והבכלמש":
            for stem in stems(token)[1:]:
                features.append("s:" + stem)
        previous = token
        if token in lexicons.NEGATORS:
            negate = 2
        elif negate:
            negate -= 1
    features.append("b:" + previous + "_</s>")
    for token in tokens[:_MAX_CHAR_WORDS]:
        padded = " " + token + " "
        length = len(padded)
        features.extend([padded[i : i + 2] for i in range(length - 1)])
        features.extend([padded[i : i + 3] for i in range(length - 2)])
        features.extend([padded[i : i + 4] for i in range(length - 3)])
    return features, _lexicon_vector(text, form)
