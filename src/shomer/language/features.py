"""Features for the default (no-download) models. Pure: no Django import.

Two kinds, used alike in training and at run time:

- sparse string features: word unigrams and bigrams (negation-marked), Hebrew stems
  without prefixes, and character 2-4-grams inside word boundaries, which carry Hebrew
  morphology and misspellings that words miss;
- a small dense vector of lexicon cues (`LEXICON_FEATURES`), each a count or a flag.

Text inside quotation marks is someone else's words: its insults and swearing are counted
apart (`insult_quoted`), and its words become `q:` features (no bigrams or character
n-grams), so "my son says you are 'a bunch of amateurs'" is not abuse by the writer.

Insult-pattern cues name a person something whatever the word is, so that an insult the
lexicon has never seen still counts: "you are a/an/such a X", "you X," (a vocative at a
clause's edge), "what a X you are", "יא X", "אתה (סתם|פשוט|כזה...) X", "איזה X אתה", where
X is not praise or an address word (`lexicons.VOCATIVE_NOT_INSULT`).
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

FEATURE_VERSION = "4"
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
    "you_label",
    "vocative",
    "know_better",
    "threat",
    "insult_self",
)
_PRONOUNS = frozenset({"הוא", "היא", "הם", "הן", "הזה", "הזאת", "האלה"})
# Single quotes count only when they stand apart from letters: "I'm" and "you'll" are
# apostrophes, not a quotation.
_LEX_WORD = re.compile(r"\w[\w'\"]*\w|\w")
# A quotation mark opens and closes only beside a non-letter, so the gershayim of ש"ח and
# מנכ"ל (folded to ") never start a quotation.
_QUOTED = re.compile(r"(?<!\w)\"[^\"]{1,200}\"(?!\w)|(?<!\w)'[^']{3,200}'(?!\w)|«[^»]{1,200}»")
_QUOTE_TOKEN = "qqq"  # stands for a quotation in the writer's own words ("says qqq")
_EN_YOU_LABEL = re.compile(
    r"\byou(?:'re| are| r)\s+(?P<det>(?:(?:such|so|just|really|truly|nothing but|a|an|the|"
    r"absolute|complete|total|utter|real|right|proper|bloody|fucking|little|big|pathetic|"
    r"useless|stupid|sad|dumb|lazy)\s+){0,3})(?P<word>[a-z][a-z'-]*)"
)
# "you" + at most two words closing the clause: "..., you clueless oaf", "Listen, you idiot!"
_EN_VOCATIVE = re.compile(
    r"(?:^|[,.;:!?]\s*|\b(?:and|listen|oi|hey|look)\s+)you\s+(?P<words>(?:[a-z'-]+\s+)?"
    r"[a-z'-]+)\s*(?:[,.;:!?]|$)"
)
_EN_WHAT_A = re.compile(r"\bwhat an? (?:[a-z'-]+\s+){0,2}(?P<word>[a-z'-]+) you are\b")
# The writer calling themselves names ("I'm an idiot, I forgot my password") is no abuse.
_EN_SELF = re.compile(
    r"\b(?:i'm|i am|i was|i feel like|i felt like|i'm such|i am such)\s+(?:(?:a|an|such|so|a bit|"
    r"bit|total|complete|absolute|real|right|really|the|an absolute|a complete|a total)\s+){0,3}"
    r"(?P<word>[a-z]+)|\bwhat an? (?P<what>[a-z]+) i (?:am|was)\b|\bhow (?P<how>[a-z]+) (?:am|was) i\b"
)
_HE_SELF = re.compile(
    r"(?<!\w)(?:אני|הייתי|הרגשתי|מרגיש|מרגישה)\s+(?:(?:ממש|קצת|כזה|כזאת|סתמ|פשוט|כמו|באמת|מרגיש|מרגישה)\s+){0,3}"
    r"(?P<word>\w+)|(?<!\w)(?:איזה|איזו)\s+(?P<what>\w+)\s+(?:אני|הייתי)(?!\w)"
)
# Every match of _EN_SELF contains one of these; almost every English text has " i".
_EN_SELF_CUES = ("i'm", "i am", "i was", "i feel", "i felt", "am i", "was i")
_HE_SELF_CUES = ("אני", "הייתי", "הרגשתי", "מרגיש")
_HE_YA = re.compile(r"(?<!\w)יא\s+(?P<word>\w+)")
_HE_YOU_LABEL = re.compile(
    r"(?<!\w)(?:אתה|את|אתמ|אתנ)\s+(?:(?:סתמ|פשוט|כזה|כזאת|כאלה|ממש|באמת|הכי|עוד יותר|בטח|בסכ הכל)"
    r"\s+)+(?P<word>\w+)"
)
_HE_WHAT_A = re.compile(r"(?<!\w)(?:איזה|איזו)\s+(?P<word>\w+)\s+(?:אתה|את|אתמ|אתנ)(?!\w)")
_POSSESSIVES = frozenset({"שלך", "שלכמ", "שלכנ", "שלכ"})
_TOKEN = re.compile(r"[^\W\d_]+|\d+|[!?]", re.UNICODE)
# Character n-grams are taken from the first words only: enough signal, bounded cost.
_MAX_CHAR_WORDS = 60
# Words whose character n-grams are kept (about a kilobyte each): a mailbox's vocabulary.
_CHAR_NGRAM_CACHE = 20_000


_INSULT, _PROFANITY, _POSITIVE, _NEGATIVE, _SECOND, _STAFF, _NEGATOR = (1, 2, 4, 8, 16, 32, 64)


@lru_cache(maxsize=100_000)
def _flags(form: str) -> int:
    """Lexicon classes of one word form (with and without Hebrew prefixes), as bits."""
    forms = stems(form)
    flags = 0
    insults = frozenset() if form in lexicons.NOT_INSULT_FORMS else lexicons.INSULTS
    for bit, vocabulary in (
        (_INSULT, insults),
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


def _is_label(word: str) -> bool:
    """Whether `word` after "you are a ..." or "יא ..." can name the person something bad."""
    return not (_flags(word) & _POSITIVE) and word not in lexicons.VOCATIVE_NOT_INSULT


def _self_insults(form: str) -> int:
    """Insult words the writer applies to themselves."""
    count = 0
    # Cheap substring checks first: the patterns only run on text that could match them.
    has_english = any(cue in form for cue in _EN_SELF_CUES)
    has_hebrew = any(cue in form for cue in _HE_SELF_CUES)
    for pattern, present in ((_EN_SELF, has_english), (_HE_SELF, has_hebrew)):
        if not present:
            continue
        for match in pattern.finditer(form):
            word = next(group for group in match.groups() if group)
            count += bool(_flags(word) & (_INSULT | _PROFANITY))
    return count


def _insult_patterns(form: str) -> tuple[int, int]:
    """(you-are-a-X and what-a-X-you-are cues, vocative cues) in the writer's own words."""
    labels = vocatives = 0
    if "you" in form:
        labels, vocatives = _english_patterns(form)
    if "את" in form or "איז" in form:
        labels += sum(_is_label(m.group("word")) for m in _HE_WHAT_A.finditer(form))
        labels += sum(
            _is_label(m.group("word")) and m.group("word") not in lexicons.HEBREW_VERBS_AFTER_YOU
            for m in _HE_YOU_LABEL.finditer(form)
        )
    if "יא" in form:
        vocatives += sum(_is_label(m.group("word")) for m in _HE_YA.finditer(form))
    return labels, vocatives


def _english_patterns(form: str) -> tuple[int, int]:
    labels = 0
    for match in _EN_YOU_LABEL.finditer(form):
        word = match.group("word")
        bare = not match.group("det")
        # "you are making", "you are mistaken": a verb, not a name, when nothing comes between
        if _is_label(word) and not (bare and word.endswith(("ing", "ed"))):
            labels += 1
    labels += sum(_is_label(m.group("word")) for m in _EN_WHAT_A.finditer(form))
    vocatives = 0
    for match in _EN_VOCATIVE.finditer(form):
        parts = match.group("words").split()
        if all(_is_label(part) and not part.endswith("ed") for part in parts):
            vocatives += 1
    return labels, vocatives


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
    labels, vocatives = _insult_patterns(own_form)
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
        float(labels),
        float(vocatives),
        float(len(lexicons.KNOW_BETTER.findall(own_form))),
        float(len(lexicons.THREATS.findall(own_form))),
        float(_self_insults(own_form)),
    ]


def extract(text: str, form: str | None = None) -> tuple[list[str], list[float]]:
    """(sparse string features, dense lexicon vector) of one message.

    `form` is `analysis_form(text)` when the caller has it already.
    """
    text = text[:MAX_ANALYSED_CHARS]
    if form is None:
        form = analysis_form(text)
    features: list[str] = []
    own = _QUOTED.sub(" " + _QUOTE_TOKEN + " ", form)
    if own != form and own.replace(_QUOTE_TOKEN, "").strip():
        # Someone else's words: their own features, not the writer's.
        for quoted in _QUOTED.finditer(form):
            features.extend("q:" + token for token in _TOKEN.findall(quoted.group()))
        form = own
    tokens = _TOKEN.findall(form)
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
        features.extend(_char_ngrams(token))
    return features, _lexicon_vector(text, form)


@lru_cache(maxsize=_CHAR_NGRAM_CACHE)
def _char_ngrams(token: str) -> tuple[str, ...]:
    """A word's character 2-, 3- and 4-grams, a space marking each end. Cached: mail
    repeats its words, and a cached string keeps its hash for the model's look-ups."""
    padded = " " + token + " "
    return tuple(
        padded[start : start + size]
        for size in (2, 3, 4)
        for start in range(len(padded) - size + 1)
    )
