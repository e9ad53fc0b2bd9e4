"""Recomputing customer health in the product: every source read as of a moment, sources
that do not exist yet saying so, events marking customers dirty, BG/NBD on invoices, and
the churn model trained on a generated history with a time split."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from shomer.commitments.models import Commitment
from shomer.conversations.models import Direction, Kind
from shomer.conversations.services import do_add_message, do_assign, do_log_time
from shomer.customers.invoices import do_record_invoice
from shomer.customers.models import Customer, CustomerStatus, Invoice, InvoiceStatus
from shomer.health import churn, services
from shomer.health.models import CustomerCost, CustomerScore, HealthSnapshot
from tests.conftest import make_ticket

ABUSIVE = "אתה אידיוט מטומטם, תעביר אותי למישהו שמבין משהו"


def reasons(score: CustomerScore) -> dict[str, dict]:
    return {reason["component"]: reason for reason in score.details["health"]}


def invoice(customer, number, issued, *, due_days=30, paid_after=None, amount="1000"):
    due = issued + dt.timedelta(days=due_days)
    paid = None if paid_after is None else issued + dt.timedelta(days=paid_after)
    return do_record_invoice(
        acting_user=None,
        customer=customer,
        number=number,
        amount=Decimal(amount),
        issued_on=issued,
        due_on=due,
        paid_on=paid,
        status=InvoiceStatus.PAID if paid else InvoiceStatus.OPEN,
    )


def test_recompute_reads_every_source_the_customer_has(dana, michal, support, noa, clinic):
    today = timezone.localdate()
    for month, paid_after in enumerate((10, 12, 9, 60)):
        invoice(
            clinic, f"A-{month}", today - dt.timedelta(days=300 - 30 * month), paid_after=paid_after
        )
    invoice(clinic, "A-OVERDUE", today - dt.timedelta(days=80))
    invoice(clinic, "A-NEXT", today + dt.timedelta(days=5))  # dated in the future
    complaint = make_ticket(
        contact=noa, team=support, assignee=dana, kind=Kind.COMPLAINT, subject="תלונה על החיוב"
    )
    do_assign(complaint, michal, acting_user=michal)
    do_assign(complaint, dana, acting_user=michal)
    do_log_time(complaint, user=dana, minutes=90)
    CustomerCost.objects.create(customer=clinic, amount=Decimal("-50"), incurred_on=today)
    Commitment.objects.create(
        kind="callback",
        customer=clinic,
        ticket=complaint,
        due_at=timezone.now(),
        state="broken",
        broken_at=timezone.now(),
        source="manual",
    )

    assert services.do_recompute([clinic.pk], now=timezone.now() + dt.timedelta(minutes=1)) == 1

    score = CustomerScore.objects.get(customer=clinic)
    by = reasons(score)
    assert by["payments"]["code"] == "payments_late"
    assert by["payments"]["params"] == {"late": 1, "overdue": 1, "due": 5}
    assert by["complaints"]["params"] == {"open": 1, "complaints": 1}
    assert by["handoffs"]["params"] == {"handoffs": 2, "tickets": 1, "per_ticket": 2.0}
    assert by["promises"]["params"] == {"broken": 1, "kept": 0}
    assert by["surveys"]["code"] == "no_answers"
    assert by["activity"]["code"] == "no_fit"  # one customer: no population to learn from
    assert by["activity"]["params"]["future"] == 1
    # 90 minutes of an agent's time at 120 an hour, and a credit of 50.
    assert (score.revenue, score.cost, score.profit) == (
        Decimal("5000.00"),
        Decimal("130.00"),
        Decimal("4870.00"),
    )
    assert score.details["money"]["revenue_basis"] == "invoices"
    assert score.health == round(100 + sum(r["points"] or 0 for r in score.details["health"]))
    assert score.churn_source == "rules"
    assert score.churn_risk == pytest.approx(1 - score.health / 100, abs=0.01)
    assert score.details["churn"]["note"]["code"] == "not_trained"
    assert score.details["action"]["code"] == "resolve_complaint"
    assert HealthSnapshot.objects.get(customer=clinic).health == score.health


def test_a_customer_with_no_history_gets_the_neutral_start_explained(db):
    newcomer = Customer.objects.create(
        name="Harbor Lane Bakery", customer_since=timezone.localdate()
    )

    services.do_recompute([newcomer.pk])

    score = CustomerScore.objects.get(customer=newcomer)
    assert (score.health, score.fit, score.fit_verdict, score.customer_type) == (
        70,
        90,
        "good",
        "new",
    )
    assert score.details["limited"] is True
    assert reasons(score)["prior"]["code"] == "little_history"
    assert (score.revenue, score.cost, score.profit) == (0, 0, 0)
    assert score.details["fit"]["evidence"] == [
        {"code": "little_history", "params": {"requests": 0}}
    ]


def test_contract_revenue_counts_when_there_are_no_invoices(db):
    today = timezone.localdate()
    customer = Customer.objects.create(
        name="סטודיו גלים", customer_since=today - dt.timedelta(days=800)
    )
    customer.contracts.create(
        title="ריטיינר",
        service_scope="אחזקה",
        monthly_revenue=Decimal("1000"),
        starts_on=today - dt.timedelta(days=800),
    )
    services.do_recompute([customer.pk])
    score = CustomerScore.objects.get(customer=customer)
    assert score.details["money"]["revenue_basis"] == "contracts"
    # 365 days at 1000 a month (30.4375 days)
    assert score.revenue == Decimal("11991.79")


def test_events_mark_the_customer_dirty_and_the_periodic_run_rescores_them(
    dana, support, noa, clinic
):
    services.do_recompute([clinic.pk])
    assert not CustomerScore.objects.get(customer=clinic).is_dirty

    ticket = make_ticket(contact=noa, team=support, assignee=dana)
    assert CustomerScore.objects.get(customer=clinic).is_dirty
    do_add_message(ticket, direction=Direction.OUTBOUND, body_text="בודקת", author=dana)

    assert services.do_recompute_dirty() == 1
    score = CustomerScore.objects.get(customer=clinic)
    assert not score.is_dirty
    assert reasons(score)["waits"]["params"]["tickets"] == 1
    assert services.do_recompute_dirty() == 0


def test_abuse_again_and_again_makes_the_customer_hostile(dana, support, noa, clinic):
    for index in range(3):
        make_ticket(contact=noa, team=support, assignee=dana, subject=f"שוב {index}", body=ABUSIVE)

    services.do_recompute([clinic.pk], now=timezone.now() + dt.timedelta(minutes=1))

    score = CustomerScore.objects.get(customer=clinic)
    assert (score.fit_verdict, score.customer_type) == ("hostile", "hostile")
    assert score.details["fit"]["recommendation"] == "part_ways"
    evidence = {item["code"]: item["params"] for item in score.details["fit"]["evidence"]}
    assert evidence["incidents"]["count"] == 3
    assert score.details["action"]["code"] == "review_fit"


def monthly(customer, start, end, *, late=False, prefix="", late_every=0):
    rows, issued, number = [], start, 0
    while issued <= end:
        number += 1
        due = issued + dt.timedelta(days=30)
        is_late = late or (late_every and number % late_every == 0)
        paid = due + dt.timedelta(days=45 if is_late else -5)
        rows.append(
            Invoice(
                customer=customer,
                number=f"{prefix}{customer.pk}-{number}",
                amount=Decimal("800"),
                issued_on=issued,
                due_on=due,
                paid_on=paid,
                status=InvoiceStatus.PAID,
            )
        )
        issued += dt.timedelta(days=30)
    return rows


def test_bgnbd_on_invoices_finds_the_customer_who_silently_stopped(db):
    today = timezone.localdate()
    start = today - dt.timedelta(days=600)
    customers = [Customer.objects.create(name=f"לקוח {n}", customer_since=start) for n in range(25)]
    rows = []
    for index, customer in enumerate(customers):
        cycle_start = start + dt.timedelta(days=3 * index)  # different rhythms, not identical rows
        rows += monthly(customer, cycle_start, today - dt.timedelta(days=300 if index == 0 else 5))
    # Irregular buyers, so that the population's rates vary.
    for index, customer in enumerate(customers[1:8]):
        rows += [
            Invoice(
                customer=customer,
                number=f"x{index}-{k}",
                amount=Decimal("100"),
                issued_on=today - dt.timedelta(days=17 * k + index),
                status=InvoiceStatus.OPEN,
            )
            for k in range(1, 4 + index)
        ]
    Invoice.objects.bulk_create(rows)

    services.do_recompute(None)

    silent = CustomerScore.objects.get(customer=customers[0])
    steady = CustomerScore.objects.get(customer=customers[5])
    assert silent.p_alive < 0.2 < 0.8 < steady.p_alive
    assert silent.customer_type == "silent"
    assert reasons(silent)["activity"]["code"] == "silent"
    assert reasons(steady)["activity"]["params"]["basis"] == "invoices"
    assert silent.details["action"]["code"] == "check_in"


def test_the_churn_model_learns_the_history_and_beats_chance_on_a_time_split(db):
    """Generated history: customers who left paid late in their last months; those who
    stayed paid on time (a few late, as in life). Starts and departures spread over time."""
    today = timezone.localdate()
    rows = []
    for index in range(150):
        start = today - dt.timedelta(days=500 + (index * 37) % 300)
        customer = Customer.objects.create(name=f"לקוח {index}", customer_since=start)
        if index % 3 == 0:
            left_on = today - dt.timedelta(days=10 + (index * 53) % 440)
            customer.status, customer.left_on = CustomerStatus.LEFT, left_on
            customer.save(update_fields=["status", "left_on"])
            rows += monthly(customer, start, left_on - dt.timedelta(days=120))
            rows += monthly(
                customer, left_on - dt.timedelta(days=119), left_on, late=True, prefix="L"
            )
        else:
            rows += monthly(customer, start, today, late_every=4 if index % 13 == 0 else 0)
    Invoice.objects.bulk_create(rows)

    result = services.do_train_churn()

    assert isinstance(result, churn.Trained), getattr(result, "params", None)
    assert result.evaluation.auc > 0.7
    services.do_recompute(None)
    stayed = CustomerScore.objects.filter(customer__status=CustomerStatus.ACTIVE)
    assert {s.churn_source for s in stayed} == {"model"}
    late = stayed.get(customer__name="לקוח 13")  # pays late, like those who left
    on_time = stayed.get(customer__name="לקוח 14")
    assert late.churn_risk > on_time.churn_risk
    assert "payments" in [r["feature"] for r in late.details["churn"]["reasons"]]


def test_a_source_that_does_not_exist_yet_contributes_nothing_and_says_so(clinic, monkeypatch):
    """An app not built yet (here: surveys, made to answer as if their app were missing)
    gives None, and the component's reason says it is not set up - nothing crashes."""
    from shomer.health import signals

    def missing_app(as_of, ids):
        return signals._model("not_built_yet", "SurveyAnswer")

    monkeypatch.setattr(signals, "read_surveys", missing_app)
    services.do_recompute([clinic.pk])

    surveys = reasons(CustomerScore.objects.get(customer=clinic))["surveys"]
    assert (surveys["code"], surveys["params"], surveys["points"]) == (
        "no_source",
        {"source": "feedback"},
        None,
    )
