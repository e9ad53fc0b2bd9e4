"""Customer types from histories (pure), and the sweet spot."""

from __future__ import annotations

import numpy as np
import pytest

from shomer.health.customer_types import History, customer_type
from shomer.health.playbooks import PLAYBOOKS
from shomer.health.sweet_spot import FEATURES, Book, sweet_spot


@pytest.mark.parametrize(
    ("history", "expected", "reasons"),
    [
        (History(tenure_days=20, fit_verdict="hostile"), "hostile", ["fit_hostile"]),
        (
            History(tenure_days=900, fit_verdict="boundary_less"),
            "boundary_less",
            ["fit_boundary_less"],
        ),
        (
            History(tenure_days=700, messages=10, knows_better_messages=3),
            "know_it_all",
            ["knows_better"],
        ),
        # One know-better message is an opinion, not a type.
        (History(tenure_days=700, messages=10, knows_better_messages=1), "regular", ["no_pattern"]),
        (
            History(tenure_days=700, complaints=3, complaint_tickets=3),
            "chronic",
            ["many_complaints"],
        ),
        (
            History(tenure_days=700, tickets=4, messages=10, negative_messages=5),
            "chronic",
            ["mostly_negative"],
        ),
        # Mostly negative in one ticket: a bad week, not chronic.
        (
            History(tenure_days=700, tickets=1, messages=5, negative_messages=5),
            "regular",
            ["no_pattern"],
        ),
        (History(tenure_days=700, p_alive=0.2), "silent", ["p_alive_low"]),
        (
            History(tenure_days=700, days_since_contact=200, days_since_purchase=130),
            "silent",
            ["quiet"],
        ),
        (History(tenure_days=30), "new", ["new_customer"]),
        (
            History(tenure_days=800, p_alive=0.95, messages=10, negative_messages=1, health=85),
            "loyal",
            ["loyal"],
        ),
        # Long and still buying, but unhappy: not loyal.
        (
            History(tenure_days=800, p_alive=0.95, messages=10, negative_messages=3, health=85),
            "regular",
            ["no_pattern"],
        ),
        (History(tenure_days=800, p_alive=0.95, health=60), "regular", ["no_pattern"]),
        (History(), "regular", ["no_pattern"]),
    ],
)
def test_type_from_history(history, expected, reasons):
    placement = customer_type(history)
    assert placement.customer_type == expected
    assert [reason.code for reason in placement.reasons] == reasons


def test_type_reasons_carry_their_figures():
    placement = customer_type(History(tenure_days=900, p_alive=0.91, messages=4, health=80))
    assert placement.as_dict() == {
        "type": "loyal",
        "reasons": [{"code": "loyal", "params": {"years": 2.5, "percent": 91}}],
    }


def test_every_type_has_a_playbook_in_both_languages():
    types = {
        "chronic",
        "know_it_all",
        "boundary_less",
        "hostile",
        "loyal",
        "silent",
        "new",
        "regular",
    }
    assert set(PLAYBOOKS) == types
    for texts in PLAYBOOKS.values():
        for language in ("he", "en"):
            assert all(part.strip() for part in texts[language])


def book(rows):
    return Book(list(range(1, len(rows) + 1)), np.array(rows, dtype=np.float64))


def test_sweet_spot_describes_the_best_fifth_and_ranks_the_farthest():
    rows = [
        # profit, health, years, tier, tickets a month, after-hours share
        [50_000, 90, 6.0, 3, 1.0, 0.0],
        [45_000, 88, 5.0, 3, 1.2, 0.05],
        [5_000, 75, 2.0, 1, 2.0, 0.1],
        [4_000, 70, 1.5, 1, 2.5, 0.1],
        [3_000, 72, 1.0, 0, 3.0, 0.2],
        [2_000, 65, 1.0, 0, 3.0, 0.2],
        [1_000, 60, 0.5, 1, 4.0, 0.3],
        [500, 60, 0.5, 1, 4.0, 0.3],
        [-2_000, 40, 0.3, 0, 9.0, 0.7],
        [-8_000, 30, 0.2, 0, 12.0, 0.9],
    ]
    spot = sweet_spot(book(rows))
    assert spot is not None
    assert spot.best_ids == (1, 2)
    traits = {t.feature: (t.best, t.everyone) for t in spot.traits}
    assert traits["profit"] == (47_500.0, 2_500.0)
    assert traits["tenure_years"] == (5.5, 1.0)
    assert spot.top_tier_rank == 3
    assert [cid for cid, _d in spot.farthest(2)] == [10, 9]
    assert spot.distances[1] < spot.distances[5] < spot.distances[10]
    assert [t.feature for t in spot.traits] == list(FEATURES)


def test_sweet_spot_needs_five_customers_and_tolerates_unknowns():
    assert sweet_spot(book([[1, 1, 1, 1, 1, 1]] * 4)) is None
    spot = sweet_spot(book([[np.nan, 50, 1, 1, 1, np.nan]] * 6))
    assert spot is not None
    assert all(np.isfinite(d) for d in spot.distances.values())
