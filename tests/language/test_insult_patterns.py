"""Insult-pattern cues, quotations, self-insults, threats and word collisions (features v4),
and the kind and severity of an incident (shomer.language.abuse)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shomer.language.abuse import KINDS, SEVERITIES, abuse_kind, severity
from shomer.language.analyze import Analyzer
from shomer.language.features import LEXICON_FEATURES, extract


def cue(text: str, name: str) -> float:
    return extract(text)[1][LEXICON_FEATURES.index(name)]


@pytest.mark.parametrize(
    ("text", "you_label", "vocative"),
    [
        ("You're such a bozo", 1, 0),
        ("You are a complete nincompoop and a liar", 1, 0),
        ("What a jerk you are", 1, 0),
        ("Cheers, you clueless oaf", 0, 1),
        ("Listen, you idiot!", 0, 1),
        ("Thank you, you rock!", 0, 0),  # praise
        ("You are making this harder", 0, 0),  # a verb, not a name
        ("You're welcome to call after five", 0, 0),
        ("Hats off to Dana, you made my day", 0, 0),  # three words: not a vocative
        ("..., you said.", 0, 0),
        ("אתה פשוט דביל", 1, 0),
        ("אתה פשוט צריך לאתחל את הנתב", 0, 0),  # a verb after "פשוט"
        ("איזה אפס אתה", 1, 0),
        ("יא אהבל, תעביר אותי", 0, 1),
        ("יא אחי, תודה", 0, 0),  # an address, not an insult
    ],
)
def test_insult_pattern_cues(text: str, you_label: int, vocative: int) -> None:
    assert (cue(text, "you_label"), cue(text, "vocative")) == (you_label, vocative)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'm an idiot, I forgot my password again", 1),
        ("How stupid was I to sign that", 1),
        ("איזה דביל אני, שלחתי את הקובץ הלא נכון", 1),
        ("אני מרגיש כמו טיפש", 1),
        ("You are an idiot", 0),
    ],
)
def test_the_writer_calling_themselves_names_is_counted_apart(text: str, expected: int) -> None:
    assert cue(text, "insult_self") == expected


def test_quoted_words_are_someone_elses() -> None:
    features, _ = extract('My son says you are "a bunch of amateurs", prove him wrong')
    assert {"q:a", "q:bunch", "q:of", "q:amateurs", "w:qqq"} <= set(features)
    assert "w:amateurs" not in features
    assert not any(f.startswith("b:") and "amateurs" in f for f in features)


def test_gershayim_inside_words_are_not_quotation_marks() -> None:
    features, _ = extract('חויבתי 100 ש"ח על ידי המנכ"ל')
    assert not any(f.startswith("q:") for f in features)


def test_a_message_that_is_all_quotation_is_read_as_the_writers() -> None:
    features, _ = extract('"you idiot"')
    assert "w:idiot" in features


@pytest.mark.parametrize(
    ("text", "insults"),
    [("המסך שבור לגמרי", 0), ("כדי שנוכל להמשיך", 0), ("חסר לי חלק", 0), ("אתה בור ועם הארץ", 1)],
)
def test_everyday_words_do_not_collide_with_insults(text: str, insults: int) -> None:
    assert cue(text, "insult") == insults


def test_threat_and_know_better_cues() -> None:
    assert cue("Watch your back, I know where you live", "threat") == 2
    assert cue("I know better than you what the problem is", "know_better") == 1
    assert cue("thanks for the quick fix", "threat") == 0


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("אני יודע איפה אתה עובד, אתה עוד תצטער", "threat"),
        ("You'll pay for this, I'll find you", "threat"),
        ("אתה אידיוט מטומטם", "abuse"),
        ("you moron", "abuse"),
        ("תן למבוגר לטפל בזה", "contempt"),
        ("I've had more help from a brick wall", "contempt"),
        ('He called it "stupid" and I agree it is a bad idea', "contempt"),  # quoted words
    ],
)
def test_the_kind_of_abuse(text: str, kind: str) -> None:
    assert abuse_kind(text) == kind


@pytest.mark.parametrize(
    ("kind", "score", "expected"),
    [
        ("threat", 0.51, "high"),
        ("abuse", 0.8, "medium"),
        ("abuse", 0.79, "low"),
        ("contempt", 1.0, "medium"),
    ],
)
def test_severity(kind: str, score: float, expected: str) -> None:
    assert severity(kind, score) == expected


@given(st.text(max_size=300))
def test_any_text_gets_a_finite_vector_and_a_kind(text: str) -> None:
    features, vector = extract(text)
    assert len(vector) == len(LEXICON_FEATURES)
    assert all(math.isfinite(v) and v >= 0 for v in vector)
    assert all(isinstance(f, str) for f in features)
    assert abuse_kind(text) in KINDS
    assert severity(abuse_kind(text), 0.9) in SEVERITIES


@pytest.mark.parametrize(
    ("text", "abusive"),
    [
        ("You're a complete imbecile, read my email", True),
        ("יא אהבל, תעביר אותי למישהו שמבין", True),
        ("I'm an idiot, I forgot my password again. Could you reset it?", False),
        ("This crappy modem keeps flashing red", False),
        ("יא אחי, תודה רבה על העזרה", False),
        ('My son says you are "a bunch of amateurs", prove him wrong', False),
    ],
)
def test_the_trained_model_reads_the_cues(analyzer: Analyzer, text: str, abusive: bool) -> None:
    assert analyzer.analyze(text).abusive is abusive


_SELF_WORDS = [
    "i",
    "i'm",
    "am",
    "was",
    "what",
    "a",
    "how",
    "such",
    "idiot",
    "stupid",
    "felt",
    "feel",
    "like",
    "אני",
    "הייתי",
    "איזה",
    "טיפש",
    "ממש",
    "so",
    "you",
    "hi",
    "it",
]


@given(st.lists(st.sampled_from(_SELF_WORDS), max_size=12))
def test_the_cheap_precheck_never_hides_a_self_insult(words: list[str]) -> None:
    from shomer.language import features

    form = " ".join(words)
    unchecked = sum(
        bool(
            features._flags(next(g for g in match.groups() if g))
            & (features._INSULT | features._PROFANITY)
        )
        for pattern in (features._EN_SELF, features._HE_SELF)
        for match in pattern.finditer(form)
    )
    assert features._self_insults(form) == unchecked
