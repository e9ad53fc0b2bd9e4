"""Fit, cost-to-serve and the whale curve (pure): telling the pleasant but boundary-less
customer from the hostile one, with the evidence."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shomer.health.fit import (
    BOUNDARY_LESS,
    GOOD,
    HOSTILE,
    REVIEW,
    FitSignals,
    cost_ratio,
    cost_to_serve,
    fit_score,
    whale_curve,
)

SOURCES = frozenset({"conversations", "analysis", "protection", "invoices"})
# A pleasant customer who does not see the limits: nights, everything urgent, more and more.
PLEASANT_BOUNDARY_LESS = FitSignals(
    sources=SOURCES,
    requests=10,
    after_hours_requests=5,
    urgent_requests=6,
    messages=20,
    abusive_messages=0,
    urgent_messages=8,
    knows_better_messages=0,
    always_on_messages=2,
    out_of_scope_messages=4,
    incidents=0,
    revenue=10_000.0,
    cost=12_000.0,
    minutes=6_000,
)
# Rude again and again, on a few ordinary requests.
HOSTILE_CUSTOMER = FitSignals(
    sources=SOURCES,
    requests=6,
    after_hours_requests=0,
    urgent_requests=1,
    messages=12,
    abusive_messages=4,
    urgent_messages=1,
    knows_better_messages=3,
    always_on_messages=0,
    out_of_scope_messages=0,
    incidents=3,
    incident_refs=((41, "2026-11-02"), (37, "2026-10-15"), (30, "2026-09-01")),
    revenue=24_000.0,
    cost=3_000.0,
    minutes=1_500,
)


def codes(fit):
    return [item.code for item in fit.evidence]


def test_pleasant_but_boundary_less_gets_a_service_agreement_with_its_evidence():
    fit = fit_score(PLEASANT_BOUNDARY_LESS)

    # respect 1, hours 0, urgency 0.2, scope 0.2, cost 0.3, prior 0.9 at weight 10:
    # (30 + 0 + 3 + 3 + 7.5 + 9) / 110 = 47.7
    assert fit.fit == 48
    assert fit.verdict == BOUNDARY_LESS
    assert fit.recommendation == "service_agreement"
    assert dict(fit.parts) == pytest.approx(
        {"respect": 1.0, "hours": 0.0, "urgency": 0.2, "scope": 0.2, "cost": 0.3}
    )
    assert [e.as_dict() for e in fit.evidence] == [
        {"code": "after_hours", "params": {"count": 5, "requests": 10, "percent": 50}},
        {"code": "always_on", "params": {"count": 2}},
        {"code": "urgent", "params": {"percent": 60}},
        {"code": "out_of_scope", "params": {"count": 4}},
        {
            "code": "cost_over_revenue",
            "params": {"percent": 120, "cost": 12000, "revenue": 10000, "hours": 100.0},
        },
    ]


def test_hostile_customer_is_parted_with_even_when_profitable():
    fit = fit_score(HOSTILE_CUSTOMER)

    assert fit.verdict == HOSTILE
    assert fit.recommendation == "part_ways"
    assert fit.parts["respect"] == 0.0
    assert codes(fit) == ["incidents", "abusive_messages", "knows_better"]
    assert fit.evidence[0].params == {
        "count": 3,
        "refs": [
            {"ticket": 41, "date": "2026-11-02"},
            {"ticket": 37, "date": "2026-10-15"},
            {"ticket": 30, "date": "2026-09-01"},
        ],
    }


def test_hostility_wins_over_boundary_signals():
    both = fit_score(replace(PLEASANT_BOUNDARY_LESS, incidents=2, abusive_messages=2))
    assert both.verdict == HOSTILE


def test_one_rude_message_is_not_hostile_and_one_boundary_signal_is_not_boundary_less():
    once = fit_score(replace(HOSTILE_CUSTOMER, incidents=1, abusive_messages=1))
    nights_only = fit_score(
        FitSignals(
            sources=SOURCES,
            requests=10,
            after_hours_requests=6,
            messages=10,
            abusive_messages=0,
            incidents=0,
            out_of_scope_messages=0,
            revenue=50_000.0,
            cost=1_000.0,
        )
    )
    assert once.verdict in (GOOD, REVIEW)
    assert nights_only.verdict == GOOD
    assert "after_hours" in codes(nights_only)


def test_unprofitable_but_polite_is_put_up_for_review():
    fit = fit_score(
        FitSignals(
            sources=SOURCES,
            requests=2,
            messages=4,
            abusive_messages=0,
            incidents=0,
            out_of_scope_messages=0,
            revenue=0.0,
            cost=5_000.0,
            minutes=2_500,
        )
    )
    assert fit.parts["cost"] == 0.0
    assert codes(fit) == ["cost_without_revenue"]
    assert fit.verdict in (GOOD, REVIEW)


def test_no_history_is_a_good_fit_with_a_note():
    fit = fit_score(FitSignals(sources=SOURCES))
    assert (fit.fit, fit.verdict) == (90, GOOD)
    assert codes(fit) == ["little_history"]


def test_a_lead_is_screened_on_behaviour_not_on_revenue():
    lead = fit_score(replace(HOSTILE_CUSTOMER, is_lead=True, revenue=0.0))
    assert lead.verdict == HOSTILE
    assert lead.parts["cost"] is None


def test_without_language_analysis_respect_and_scope_have_no_data():
    fit = fit_score(
        FitSignals(
            sources=frozenset({"conversations"}),
            requests=5,
            after_hours_requests=1,
            revenue=1000.0,
            cost=100.0,
        )
    )
    assert fit.parts["respect"] is None and fit.parts["scope"] is None
    assert fit.parts["hours"] == pytest.approx(0.75)


@pytest.mark.parametrize(
    ("revenue", "cost", "expected"),
    [
        (1000.0, 500.0, 0.5),
        (0.0, 0.0, None),
        (0.0, 10.0, math.inf),
        (1000.0, -200.0, 0.0),
        (None, 10.0, math.inf),
        (1000.0, None, None),
    ],
)
def test_cost_ratio_with_zero_revenue_and_negative_costs(revenue, cost, expected):
    assert cost_ratio(revenue, cost) == expected


def test_negative_costs_are_reported_and_count_as_no_cost():
    fit = fit_score(FitSignals(sources=SOURCES, requests=3, revenue=2000.0, cost=-300.0))
    assert fit.parts["cost"] == 1.0
    assert fit.evidence[-1].as_dict() == {"code": "negative_costs", "params": {"cost": -300}}


def test_cost_to_serve_by_role_with_credits_and_bad_rates():
    cost = cost_to_serve(
        {"agent": 90, "manager": 30, "admin": 60, "team_lead": -10},
        {"agent": 100.0, "manager": 200.0, "admin": math.nan},
        other_costs=-50.0,
        default_rate=120.0,
    )
    # 1.5 h x 100 + 0.5 h x 200 + 1 h x 120 (NaN rate: default) + negative minutes: 0
    assert cost.labour == pytest.approx(370.0)
    assert cost.other == -50.0
    assert cost.total == pytest.approx(320.0)


def test_whale_curve_peaks_above_100_percent_when_some_customers_lose_money():
    curve = whale_curve([(1, 500.0), (2, 300.0), (3, -100.0), (4, 200.0), (5, -400.0)])
    assert curve.customer_ids == (1, 2, 4, 3, 5)
    assert curve.cumulative == (500.0, 800.0, 1000.0, 900.0, 500.0)
    assert curve.cumulative_percent == pytest.approx((100.0, 160.0, 200.0, 180.0, 100.0))
    assert (curve.total, curve.peak, curve.peak_at_percent) == (500.0, 1000.0, 60.0)


def test_whale_curve_of_a_losing_book_has_no_percentages():
    curve = whale_curve([(1, -10.0), (2, math.nan)])
    assert curve.cumulative_percent is None
    assert curve.cumulative == (0.0, -10.0)
    assert whale_curve([]).x_percent == ()


optional_counts = st.none() | st.integers(min_value=0, max_value=500)


@given(
    requests=st.integers(min_value=0, max_value=500),
    after_hours=st.integers(min_value=0, max_value=500),
    urgent=st.integers(min_value=0, max_value=500),
    messages=optional_counts,
    abusive=optional_counts,
    incidents=optional_counts,
    out_of_scope=optional_counts,
    revenue=st.none() | st.floats(allow_nan=False, min_value=-1e9, max_value=1e9),
    cost=st.none() | st.floats(allow_nan=False, min_value=-1e9, max_value=1e9),
    is_lead=st.booleans(),
)
def test_fit_is_always_defined(
    requests,
    after_hours,
    urgent,
    messages,
    abusive,
    incidents,
    out_of_scope,
    revenue,
    cost,
    is_lead,
):
    fit = fit_score(
        FitSignals(
            sources=SOURCES,
            requests=requests,
            after_hours_requests=min(after_hours, requests),
            urgent_requests=min(urgent, requests),
            messages=messages,
            abusive_messages=abusive,
            incidents=incidents,
            out_of_scope_messages=out_of_scope,
            revenue=revenue,
            cost=cost,
            is_lead=is_lead,
        )
    )
    assert 0 <= fit.fit <= 100
    assert fit.verdict in (GOOD, REVIEW, BOUNDARY_LESS, HOSTILE)
    assert all(v is None or 0.0 <= v <= 1.0 for v in fit.parts.values())
