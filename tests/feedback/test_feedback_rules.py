"""Pure survey rules: scales, unhappy answers, NPS and CSAT figures, fatigue, the trend."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shomer.feedback import rules

UTC = dt.UTC


@pytest.mark.parametrize(
    ("kind", "rating", "unhappy", "score"),
    [
        ("csat", 1, True, 0.0),
        ("csat", 2, True, 0.25),
        ("csat", 3, False, 0.5),
        ("csat", 5, False, 1.0),
        ("nps", 0, True, 0.0),
        ("nps", 6, True, 0.6),
        ("nps", 7, False, 0.7),
        ("nps", 10, False, 1.0),
        ("exit", 2, True, 0.25),
        ("exit", 4, False, 0.75),
    ],
)
def test_unhappy_and_normalised(kind, rating, unhappy, score):
    assert rules.is_unhappy(kind, rating) is unhappy
    assert rules.normalised(kind, rating) == pytest.approx(score)


@pytest.mark.parametrize(
    ("kind", "rating", "valid"),
    [
        ("csat", 0, False),
        ("csat", 1, True),
        ("csat", 6, False),
        ("nps", 0, True),
        ("nps", 11, False),
        ("exit", 5, True),
    ],
)
def test_valid_rating(kind, rating, valid):
    assert rules.valid_rating(kind, rating) is valid


def test_nps_groups_and_score():
    assert [rules.nps_group(r) for r in (0, 6, 7, 8, 9, 10)] == [
        "detractor",
        "detractor",
        "passive",
        "passive",
        "promoter",
        "promoter",
    ]
    assert rules.nps_score([10, 9, 8, 3]) == 25.0
    assert rules.nps_score([0, 0]) == -100.0
    assert rules.nps_score([]) is None


def test_csat_percent_and_distribution():
    assert rules.csat_percent([5, 4, 3, 1]) == 50.0
    assert rules.csat_percent([]) is None
    assert rules.distribution("csat", [5, 5, 1]) == [1, 0, 0, 0, 2]
    assert rules.distribution("nps", [10, 0, 0]) == [2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]


@given(st.lists(st.integers(0, 10), min_size=1))
def test_nps_is_bounded_and_matches_its_definition(ratings):
    score = rules.nps_score(ratings)
    assert score is not None and -100 <= score <= 100
    promoters = sum(r >= 9 for r in ratings)
    detractors = sum(r <= 6 for r in ratings)
    assert score == pytest.approx(100 * (promoters - detractors) / len(ratings))


def test_fatigue_allows_one_survey_per_period():
    now = dt.datetime(2026, 11, 22, 10, tzinfo=UTC)
    assert rules.fatigue_allows(None, now, 30)
    assert not rules.fatigue_allows(now - dt.timedelta(days=29, hours=23), now, 30)
    assert rules.fatigue_allows(now - dt.timedelta(days=30), now, 30)
    assert rules.fatigue_allows(now - dt.timedelta(days=1), now, 0)


@pytest.mark.parametrize(
    ("last_days_ago", "since_days_ago", "cadence", "due"),
    [
        (None, 200, 90, True),
        (None, 30, 90, False),  # too new to judge the relationship
        (89, 400, 90, False),
        (90, 400, 90, True),
        (None, 400, 0, False),  # NPS off
    ],
)
def test_nps_due(last_days_ago, since_days_ago, cadence, due):
    today = dt.date(2026, 11, 22)
    last = (
        None
        if last_days_ago is None
        else dt.datetime(2026, 11, 22, 9, tzinfo=UTC) - dt.timedelta(days=last_days_ago)
    )
    since = today - dt.timedelta(days=since_days_ago)
    assert rules.nps_due(last, since, today, cadence) is due


def test_week_starts_on_sunday():
    assert rules.week_start(dt.date(2026, 11, 22)) == dt.date(2026, 11, 22)  # Sunday
    assert rules.week_start(dt.date(2026, 11, 28)) == dt.date(2026, 11, 22)  # Saturday
    assert rules.week_start(dt.date(2026, 11, 23)) == dt.date(2026, 11, 22)


def test_csat_trend_has_every_week_with_gaps_as_none():
    today = dt.date(2026, 11, 25)
    answers = [
        (dt.date(2026, 11, 23), 5),
        (dt.date(2026, 11, 24), 2),
        (dt.date(2026, 11, 10), 4),
        (dt.date(2025, 1, 1), 1),
    ]
    points = rules.csat_trend(answers, today, 3)
    assert [p.week_start for p in points] == [
        dt.date(2026, 11, 8),
        dt.date(2026, 11, 15),
        dt.date(2026, 11, 22),
    ]
    assert [p.answers for p in points] == [1, 0, 2]
    assert [p.satisfied_percent for p in points] == [100.0, None, 50.0]
    assert [p.mean for p in points] == [4.0, None, 3.5]
