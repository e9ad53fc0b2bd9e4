"""The pure themes engine: content words, grouping of real-looking complaints in Hebrew
and English, labels, weekly counts and trends; properties over any input."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shomer.bench.benchmarks.complaints import complaint_corpus
from shomer.complaints.themes import NO_THEME, content_words, find_themes, trend, weekly_counts

ISRAEL = ZoneInfo("Asia/Jerusalem")

BILLING_HE = [
    "חיוב כפול\nחויבתי פעמיים על אותו חודש בחשבונית ואף אחד לא מחזיר לי את הכסף.",
    "טעות בחשבונית\nהחיוב בחשבונית גבוה ב-400 ש״ח ממה שסיכמנו.",
    "חיוב שגוי\nקיבלתי חשבונית על שירות שביטלתי ואני דורש זיכוי על החיוב.",
    "שוב חיוב כפול\nירד לי חיוב כפול מכרטיס האשראי, אני רוצה החזר על החשבונית.",
]
OUTAGE_HE = [
    "האתר נפל\nהאתר שלנו היה למטה כל סוף השבוע והשרת לא הגיב.",
    "השרת קרס\nהשרת נופל שוב והאתר לא זמין ללקוחות.",
    "האתר לא זמין\nהאתר לא נטען מהבוקר, שגיאה 500 מהשרת.",
    "נפילה באמצע מבצע\nהאתר נפל באמצע מבצע כי השרת קרס מהעומס.",
]
RUDE_EN = [
    "Rude technician\nThe technician was rude and spoke down to our receptionist.",
    "Complaint about your technician\nYour technician was rude, disrespectful and walked out.",
    "Rude agent on the phone\nThe agent on the phone was rude and laughed at me.",
    "Technician behaviour\nThe technician was rude to my staff and left a mess.",
]
OUTAGE_EN = [
    "Site down\nOur website was down all weekend and the server never answered.",
    "Server outage\nThe server crashed again and the website is down.",
    "Website unavailable\nThe website is down since this morning, a server error.",
    "Down during a sale\nThe website went down in the middle of a sale when the server crashed.",
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("אני רוצה להגיש תלונה על החיוב", ["החיוב"]),
        ("ואני שלכם, והם", []),  # function words, also behind a prefix
        ("I want to complain: the server was down for 3 hours!", ["server", "down", "hours"]),
        ("שָׁלוֹם, הַחִיּוּב שגוי", ["החיוב", "שגוי"]),  # niqqud gone, a greeting is not a theme
        ("", []),
    ],
)
def test_content_words(text, expected):
    assert content_words(text) == [word.replace("ם", "מ") for word in expected]


def test_real_looking_complaints_group_by_what_they_are_about():
    texts = BILLING_HE + OUTAGE_HE + RUDE_EN + OUTAGE_EN
    languages = ["he"] * 8 + ["en"] * 8

    result = find_themes(texts, languages)

    groups = [result.assignment[i : i + 4] for i in range(0, 16, 4)]
    for group in groups:
        assert len(set(group)) == 1 and group[0] != NO_THEME  # each written theme is one
    assert len({group[0] for group in groups}) == 4  # and no two share a theme
    labels = {result.themes[group[0]].label for group in groups}
    assert any("חיוב" in label for label in labels)
    assert any("האתר" in label or "השרת" in label for label in labels)
    assert any("rude" in label or "technician" in label for label in labels)
    assert any("down" in label or "website" in label or "server" in label for label in labels)
    assert result.backend == "tfidf"
    assert {theme.languages for theme in result.themes} == {("he",), ("en",)}


def test_a_hebrew_prefix_does_not_split_a_theme():
    texts = [
        "החשבונית שגויה, חויבתי פעמיים",
        "בחשבונית יש חיוב כפול",
        "לחשבונית הוסיפו חיוב שלא הזמנתי",
        "האתר נפל והשרת לא עונה",
        "כשהאתר נפל השרת קרס",
        "והאתר שוב נפל, השרת למטה",
    ]

    result = find_themes(texts, ["he"] * 6)

    assert result.assignment[0] == result.assignment[1] == result.assignment[2] != NO_THEME
    assert result.assignment[3] == result.assignment[4] == result.assignment[5] != NO_THEME
    assert result.assignment[0] != result.assignment[3]


def test_the_demo_complaints_are_grouped_well_above_chance():
    from sklearn.metrics import adjusted_rand_score

    texts, languages, truth = complaint_corpus(160, seed=5)

    result = find_themes(texts, languages)

    assert adjusted_rand_score(truth, result.assignment) >= 0.7
    assert 8 <= len(result.themes) <= 16


def test_embeddings_let_a_theme_span_languages():
    # Two topics, each written in both languages: the embedding directions carry the topic
    # and a per-language offset, which the engine removes.
    topic = {"billing": np.array([1.0, 0.0, 0.0, 0.0]), "outage": np.array([0.0, 1.0, 0.0, 0.0])}
    language = {"he": np.array([0.0, 0.0, 3.0, 0.0]), "en": np.array([0.0, 0.0, 0.0, 3.0])}
    rows, texts, languages = [], [], []
    rng = np.random.default_rng(0)
    for name in ("billing", "outage"):
        for lang in ("he", "en"):
            for index in range(3):
                rows.append(topic[name] + language[lang] + rng.normal(0, 0.05, 4))
                texts.append(f"{name} {lang} {index}")
                languages.append(lang)

    result = find_themes(texts, languages, embeddings=np.array(rows))

    assert result.backend == "embeddings"
    assert len(set(result.assignment[:6])) == 1 and len(set(result.assignment[6:])) == 1
    assert result.assignment[0] != result.assignment[6]
    assert {theme.languages for theme in result.themes} == {("en", "he")}


def test_too_few_alike_are_left_without_a_theme():
    result = find_themes(["the invoice is wrong"], ["en"])

    assert result.assignment == (NO_THEME,)
    assert result.themes == ()


def test_input_must_match():
    with pytest.raises(ValueError, match="one language per text"):
        find_themes(["a", "b"], ["en"])
    with pytest.raises(ValueError, match="one embedding per text"):
        find_themes(["a", "b"], ["en", "en"], embeddings=np.zeros((1, 3)))


def test_weekly_counts_start_on_sunday_in_the_local_zone():
    now = dt.datetime(2026, 11, 22, 8, 0, tzinfo=ISRAEL)  # a Sunday
    created = [
        dt.datetime(2026, 11, 22, 7, 0, tzinfo=ISRAEL),  # this week
        dt.datetime(2026, 11, 21, 23, 30, tzinfo=ISRAEL),  # Saturday night: last week
        dt.datetime(2026, 11, 21, 22, 30, tzinfo=dt.UTC),  # Sunday 00:30 in Israel
        dt.datetime(2026, 11, 8, 12, 0, tzinfo=ISRAEL),  # three weeks ago, theme 1
        dt.datetime(2026, 1, 1, 12, 0, tzinfo=ISRAEL),  # outside the window
        dt.datetime(2026, 11, 22, 7, 0, tzinfo=ISRAEL),  # in no theme
    ]

    weeks, counts = weekly_counts(
        created, [0, 0, 0, 1, 0, NO_THEME], themes=2, now=now, weeks=4, zone=ISRAEL
    )

    assert weeks == [
        dt.date(2026, 11, 1),
        dt.date(2026, 11, 8),
        dt.date(2026, 11, 15),
        dt.date(2026, 11, 22),
    ]
    assert counts == [[0, 0, 1, 2], [0, 1, 0, 0]]


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ([1, 1, 1, 1, 2, 2, 2, 2], 1.0),
        ([2, 2, 0, 0, 1, 0, 0, 0], -0.75),
        ([0, 0, 0, 0, 3, 0, 0, 0], None),  # none before: no trend
        ([1, 2, 3], None),  # too short
        ([0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1], 0.0),
    ],
)
def test_trend(counts, expected):
    assert trend(counts) == expected


texts = st.lists(
    st.text(alphabet="אבגדהוזחטיכלמנסעפצקרשת abcdefghij .,\n", min_size=0, max_size=80),
    min_size=0,
    max_size=25,
)


@settings(max_examples=40, deadline=None)
@given(texts, st.integers(min_value=1, max_value=4))
def test_every_text_gets_one_theme_or_none_and_themes_are_consistent(sample, min_size):
    languages = ["he" if any("\u05d0" <= c <= "\u05ea" for c in text) else "en" for text in sample]

    result = find_themes(sample, languages, min_size=min_size)

    assert len(result.assignment) == len(sample)
    for theme in result.themes:
        assert theme.size >= min_size
        assert all(result.assignment[index] == theme.number for index in theme.members)
        assert len(theme.terms) <= 3
        assert theme.languages == tuple(sorted({languages[i] for i in theme.members}))
    members = sorted(index for theme in result.themes for index in theme.members)
    assert members == [i for i, theme in enumerate(result.assignment) if theme != NO_THEME]
    assert [theme.size for theme in result.themes] == sorted(
        (theme.size for theme in result.themes), reverse=True
    )
    # Deterministic.
    assert find_themes(sample, languages, min_size=min_size) == result


def test_no_split_is_chosen_when_every_silhouette_says_the_groups_are_worse_than_none():
    from shomer.complaints.themes import _smallest_good_split

    assert _smallest_good_split([(-0.02, [0, 1, 0, 1]), (-0.10, [0, 1, 2, 0])]) is None
    assert _smallest_good_split([]) is None
    # Otherwise the smallest k close to the best wins (duplicates reward fine splits).
    assert _smallest_good_split([(0.50, [0, 1]), (0.54, [0, 2]), (0.2, [1, 1])]) == [0, 1]
