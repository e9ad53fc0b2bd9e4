"""The health score (pure): components, weights, the neutral prior, reasons that add up, and
bad input that stays defined and explained."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shomer.health.scoring import (
    COMPONENTS,
    DEFAULT_WEIGHTS,
    Signals,
    band,
    clean_weights,
    health_score,
    next_action,
)

EVERY_SOURCE = frozenset(
    {"conversations", "invoices", "sla", "commitments", "analysis", "feedback", "btyd", "handoffs"}
)


def reasons_by_component(score):
    return {reason.component: reason for reason in score.reasons}


def test_default_weights_sum_to_100_and_cover_every_component():
    assert sum(DEFAULT_WEIGHTS.values()) == 100
    assert set(DEFAULT_WEIGHTS) == set(COMPONENTS)


@pytest.mark.parametrize(
    ("signals", "health", "codes"),
    [
        # No history at all: the neutral start, explained.
        (
            Signals(sources=EVERY_SOURCE),
            70,
            {"waits": "no_tickets", "activity": "no_transactions", "prior": "little_history"},
        ),
        # One purchase only: BG/NBD can say nothing yet.
        (
            Signals(sources=EVERY_SOURCE, transactions=1, btyd_note="one_transaction"),
            70,
            {"activity": "one_transaction", "prior": "little_history"},
        ),
        # Only purchases dated in the future: not counted, and said so.
        (
            Signals(sources=EVERY_SOURCE, future_transactions=2, btyd_note="only_future"),
            70,
            {"activity": "only_future"},
        ),
        # Surveys are not built yet: "no source", not "no answers".
        (Signals(sources=frozenset({"conversations"})), 70, {"surveys": "no_source"}),
    ],
)
def test_scores_stay_defined_and_explained_with_little_or_bad_history(signals, health, codes):
    score = health_score(signals)
    by_component = reasons_by_component(score)

    assert score.health == health
    assert score.is_limited
    for component, code in codes.items():
        assert by_component[component].code == code
    assert all(r.points == 0 for r in score.reasons if r.component != "prior")
    assert by_component["prior"].points == pytest.approx(-30.0)


def test_future_purchases_are_named_in_the_activity_reason():
    score = health_score(
        Signals(sources=EVERY_SOURCE, p_alive=0.9, transactions=5, future_transactions=2)
    )
    activity = reasons_by_component(score)["activity"]
    assert activity.code == "alive"
    assert activity.params == {"transactions": 5, "basis": "", "future": 2, "percent": 90}


def test_each_component_costs_its_share_of_the_weighted_mean():
    signals = Signals(
        sources=EVERY_SOURCE,
        tickets=4,
        answered=4,
        answered_fast=2,
        answered_day=3,
        answered_slow=4,
        open_complaints=1,
        complaints=1,
        tickets_with_assignee=4,
        handoffs=2,
    )
    score = health_score(signals)
    by_component = reasons_by_component(score)

    # waits (2 + 0.6 + 0.2) / 4 = 0.7; one open complaint 0.4; 0.5 handoffs a ticket 0.75;
    # (15 * 0.7 + 10 * 0.4 + 5 * 0.75 + 10 * 0.7) / (15 + 10 + 5 + 10) = 63.125
    assert score.raw == pytest.approx(63.125)
    assert score.health == 63
    assert score.band == "watch"
    assert by_component["waits"].score == pytest.approx(0.7)
    assert by_component["waits"].points == pytest.approx(-11.25)
    assert by_component["complaints"].points == pytest.approx(-15.0)
    assert by_component["handoffs"].points == pytest.approx(-3.125)
    assert by_component["prior"].points == pytest.approx(-7.5)
    assert (by_component["complaints"].code, by_component["handoffs"].code) == (
        "complaints_open",
        "handoffs_many",
    )


@pytest.mark.parametrize(
    ("kept", "broken", "expected"),
    [(10, 0, 1.0), (9, 1, 0.7), (1, 1, 0.5), (0, 1, 0.0), (27, 3, 0.1), (0, 5, 0.0)],
)
def test_each_broken_promise_costs_at_least_0_3_whatever_was_kept(kept, broken, expected):
    score = health_score(Signals(sources=EVERY_SOURCE, promises_kept=kept, promises_broken=broken))
    assert score.component("promises").score == pytest.approx(expected)


@pytest.mark.parametrize(
    ("met", "breached", "expected"), [(10, 0, 1.0), (9, 1, 0.8), (3, 1, 0.5), (1, 1, 0.0)]
)
def test_sla_breaches_lived_through(met, breached, expected):
    score = health_score(Signals(sources=EVERY_SOURCE, sla_met=met, sla_breached=breached))
    assert score.component("sla").score == pytest.approx(expected)


def test_falling_sentiment_costs_more_than_its_level():
    steady = health_score(Signals(sources=EVERY_SOURCE, sentiment_recent=0.0, sentiment_before=0.0))
    falling = health_score(
        Signals(sources=EVERY_SOURCE, sentiment_recent=0.0, sentiment_before=0.6)
    )
    assert steady.component("sentiment").score == pytest.approx(0.5)
    assert falling.component("sentiment").score == pytest.approx(0.2)
    assert falling.component("sentiment").code == "sentiment_falling"


def test_late_and_overdue_invoices():
    score = health_score(
        Signals(sources=EVERY_SOURCE, invoices_due=8, invoices_late=1, invoices_overdue=1)
    )
    assert score.component("payments").score == pytest.approx(0.75)
    assert score.component("payments").params == {"late": 1, "overdue": 1, "due": 8}


def test_weights_change_the_score_and_bad_weights_fall_back_to_defaults():
    signals = Signals(sources=EVERY_SOURCE, p_alive=0.2, invoices_due=4)
    default = health_score(signals)
    activity_heavy = health_score(signals, {"activity": 60, "payments": 5})
    assert activity_heavy.health < default.health
    assert clean_weights({"activity": math.nan, "payments": -3, "unknown": 7, "waits": 300}) == {
        **{name: float(weight) for name, weight in DEFAULT_WEIGHTS.items()},
        "payments": 0.0,
        "waits": 100.0,
    }


def test_every_weight_zero_still_gives_the_neutral_start():
    score = health_score(Signals(sources=EVERY_SOURCE, p_alive=0.1), dict.fromkeys(COMPONENTS, 0))
    assert score.health == 70


@pytest.mark.parametrize(
    ("signals", "verdict", "customer_type", "code"),
    [
        (Signals(sources=EVERY_SOURCE), "hostile", "", "review_fit"),
        (Signals(sources=EVERY_SOURCE), "boundary_less", "", "service_agreement"),
        (
            Signals(sources=EVERY_SOURCE, tickets=2, open_complaints=1),
            "good",
            "",
            "resolve_complaint",
        ),
        (Signals(sources=EVERY_SOURCE, promises_broken=2), "good", "", "keep_promise"),
        (Signals(sources=EVERY_SOURCE, p_alive=0.3), "good", "silent", "check_in"),
        (Signals(sources=EVERY_SOURCE), "good", "new", "welcome"),
        (Signals(sources=EVERY_SOURCE), "good", "regular", "get_to_know"),
        (
            Signals(
                sources=EVERY_SOURCE,
                p_alive=0.95,
                sla_met=5,
                tickets=3,
                answered=3,
                answered_fast=3,
                answered_day=3,
                answered_slow=3,
            ),
            "good",
            "loyal",
            "thank_loyal",
        ),
    ],
)
def test_next_best_action(signals, verdict, customer_type, code):
    score = health_score(signals)
    assert next_action(score, fit_verdict=verdict, customer_type=customer_type).code == code


@pytest.mark.parametrize(
    ("health", "expected"),
    [
        (0, "at_risk"),
        (49, "at_risk"),
        (50, "watch"),
        (69, "watch"),
        (70, "healthy"),
        (100, "healthy"),
    ],
)
def test_bands(health, expected):
    assert band(health) == expected


counts = st.integers(min_value=0, max_value=10_000)
fractions = st.floats(allow_nan=True, allow_infinity=True) | st.none()


@given(
    tickets=counts,
    answered=counts,
    fast=counts,
    day=counts,
    slow=counts,
    unanswered=counts,
    complaints=counts,
    handoffs=counts,
    assigned=counts,
    met=counts,
    breached=counts,
    kept=counts,
    broken=counts,
    recent=fractions,
    before=fractions,
    survey=fractions,
    answers=counts,
    p_alive=fractions,
    due=counts,
    late=counts,
    overdue=counts,
    weights=st.dictionaries(st.sampled_from(COMPONENTS), st.floats(allow_nan=True)),
)
def test_any_history_gives_a_defined_score_whose_reasons_add_up(
    tickets,
    answered,
    fast,
    day,
    slow,
    unanswered,
    complaints,
    handoffs,
    assigned,
    met,
    breached,
    kept,
    broken,
    recent,
    before,
    survey,
    answers,
    p_alive,
    due,
    late,
    overdue,
    weights,
):
    signals = Signals(
        sources=EVERY_SOURCE,
        tickets=tickets,
        answered=answered,
        answered_fast=fast,
        answered_day=day,
        answered_slow=slow,
        unanswered_over_day=unanswered,
        open_complaints=complaints,
        complaints=complaints,
        tickets_with_assignee=assigned,
        handoffs=handoffs,
        sla_met=met,
        sla_breached=breached,
        promises_kept=kept,
        promises_broken=broken,
        sentiment_recent=recent,
        sentiment_before=before,
        survey_mean=survey,
        survey_answers=answers,
        p_alive=p_alive,
        invoices_due=due,
        invoices_late=late,
        invoices_overdue=overdue,
    )
    score = health_score(signals, weights)
    assert isinstance(score.health, int)
    assert 0 <= score.health <= 100
    assert math.isfinite(score.raw)
    assert 100 + sum(reason.points for reason in score.reasons) == pytest.approx(score.raw)
    for component in score.components:
        assert component.score is None or 0.0 <= component.score <= 1.0
    assert next_action(score).code
