"""Every customer in the demo gets a health, churn risk, fit and type, each with reasons; the
demo's personas leave, stop buying and cost time as they would."""

from __future__ import annotations

import datetime as dt

from shomer.customers.models import Customer, CustomerStatus, Invoice
from shomer.demo.generate import generate
from shomer.health.models import CustomerCost, CustomerScore
from shomer.health.services import do_recompute_all

NOW = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)


def test_every_demo_customer_has_health_risk_fit_and_type_with_reasons(db):
    generate(customers=40, tickets=300, seed=3, now=NOW)

    assert do_recompute_all(now=NOW) == 40

    scores = list(CustomerScore.objects.select_related("customer"))
    assert len(scores) == Customer.objects.count() == 40
    for score in scores:
        assert 0 <= score.health <= 100
        assert 0.0 <= score.churn_risk <= 1.0
        assert 0 <= score.fit <= 100
        assert score.customer_type and score.fit_verdict and score.churn_source
        assert len(score.details["health"]) == 10
        assert score.details["type"]["reasons"]
        assert score.details["action"]["code"]
    assert Customer.objects.filter(status=CustomerStatus.LEFT, left_on__isnull=False).exists()
    assert Invoice.objects.filter(paid_on__isnull=False).exists()
    assert Invoice.objects.filter(issued_on__gt=NOW.date()).count() == 0
    assert CustomerCost.objects.exists()
    # Someone silently stopped buying, and the purchase model sees it.
    assert CustomerScore.objects.filter(p_alive__lt=0.5, customer__status="active").exists()
