"""Customer health in the product: recompute scores, train the churn model, and the
manager's changes (weights, cost rates, playbooks, offboarding).

`do_recompute(ids, now=...)` reads the signals (shomer.health.signals), runs the pure
engines (scoring, fit, customer_types, churn, sweet_spot) and writes one CustomerScore row
per customer plus today's HealthSnapshot. Incremental runs (the dirty customers) reuse the
fitted BG/NBD parameters and churn model; the nightly full run refits them first.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from shomer.core import audit
from shomer.customers.models import Customer, CustomerStatus, Tier
from shomer.health import churn as churn_engine
from shomer.health.alive import fit_bgnbd_limit
from shomer.health.btyd import (
    BGNBDParams,
    FitError,
    Summary,
    SummaryError,
    bgnbd_p_alive,
    fit_bgnbd,
)
from shomer.health.customer_types import History, Placement, customer_type
from shomer.health.fit import (
    DEFAULT_COST_RATES,
    DEFAULT_HOURLY_COST,
    Fit,
    FitSignals,
    cost_to_serve,
    fit_score,
)
from shomer.health.models import (
    ChurnSource,
    CustomerScore,
    HealthSettings,
    HealthSnapshot,
    ModelState,
    Offboarding,
    Playbook,
)
from shomer.health.playbooks import PLAYBOOKS
from shomer.health.scoring import (
    COMPONENTS,
    Action,
    Score,
    Signals,
    clamp,
    clean_weights,
    health_score,
    next_action,
)
from shomer.health.signals import (
    HISTORY_DAYS,
    Collected,
    Purchases,
    collect,
    read_contact_days,
    read_invoice_days,
    zone,
)
from shomer.health.sweet_spot import FEATURES as SWEET_FEATURES
from shomer.health.sweet_spot import Book, sweet_spot
from shomer.people.models import Role, User

# Fewer customers with a repeat purchase than this and BG/NBD is not fitted (too little to
# learn the population's rates from); stored parameters are used if there are any.
MIN_FIT_CUSTOMERS = 20
MIN_FIT_REPEATERS = 5
INCREMENTAL_BATCH = 500
# Rows per INSERT statement: 17 columns x 1,000 rows stays under SQLite's 32,766 and
# PostgreSQL's 65,535 parameters.
UPSERT_ROWS = 1000
TREND_DAYS = 30
TIER_RANK = {Tier.BASIC: 0, Tier.STANDARD: 1, Tier.PREMIUM: 2, Tier.VIP: 3}
CENT = Decimal("0.01")
BTYD_KEYS = {"invoices": "bgnbd:invoices", "contacts": "bgnbd:contacts"}
CHURN_KEY = "churn"
SWEET_SPOT_KEY = "sweet_spot"


# --- who may do what ------------------------------------------------------------------------


def manages_health(user: User) -> bool:
    """Weights, cost rates, playbooks, fit reviews and offboarding are for managers."""
    return user.is_authenticated and (
        user.role in {Role.MANAGER, Role.ADMIN} or bool(user.is_superuser)
    )


def check_manages_health(user: User) -> None:
    if not manages_health(user):
        raise PermissionDenied


# --- settings -------------------------------------------------------------------------------


def health_settings() -> HealthSettings:
    found = HealthSettings.objects.order_by("pk").first()
    return found if found is not None else HealthSettings.objects.create()


def cost_rates(config: HealthSettings) -> dict[str, float]:
    rates = dict(DEFAULT_COST_RATES)
    for role, value in (config.cost_rates or {}).items():
        if isinstance(value, int | float) and math.isfinite(value) and value >= 0:
            rates[str(role)] = float(value)
    return rates


@transaction.atomic
def do_update_settings(
    config: HealthSettings,
    *,
    weights: dict[str, int],
    cost_rates: dict[str, float],
    acting_user: User,
) -> HealthSettings:
    """Save new weights and rates; every customer is recomputed by the next periodic run."""
    old = {"weights": config.weights, "cost_rates": config.cost_rates}
    config.weights, config.cost_rates = weights, cost_rates
    config.updated_at, config.updated_by = timezone.now(), acting_user
    config.save(update_fields=["weights", "cost_rates", "updated_at", "updated_by"])
    audit.record(
        "health.settings",
        config,
        actor=acting_user,
        old=old,
        new={"weights": weights, "cost_rates": cost_rates},
    )
    CustomerScore.objects.update(is_dirty=True)
    return config


# --- the buy-till-you-die fits --------------------------------------------------------------


@dataclass(slots=True)
class Alive:
    p_alive: float | None
    basis: str
    transactions: int
    note: str
    future: int = 0


def _stored_params(key: str) -> BGNBDParams | None:
    state = ModelState.objects.filter(key=key).first()
    if state is None or "params" not in state.data:
        return None
    return BGNBDParams(**state.data["params"])


def _fit(summary: Summary) -> tuple[BGNBDParams, dict[str, Any]] | None:
    """BG/NBD by maximum likelihood; where its maximum lies at the limit of no rate
    heterogeneity (everyone on the same monthly retainer), that limit's own fit
    (shomer.health.alive). None with too few customers or repeat buyers to learn from."""
    repeaters = int((summary.frequency > 0).sum())
    if len(summary) < MIN_FIT_CUSTOMERS or repeaters < MIN_FIT_REPEATERS:
        return None
    try:
        fit = fit_bgnbd(summary)
        return fit.params, {"log_likelihood": fit.log_likelihood, "limit": False}
    except FitError:
        pass
    try:
        limit = fit_bgnbd_limit(summary)
    except FitError:
        return None
    return limit.params, {"log_likelihood": limit.log_likelihood, "limit": True, "rate": limit.rate}


def _fit_and_store(key: str, summary: Summary, now: dt.datetime) -> BGNBDParams | None:
    found = _fit(summary)
    if found is None:
        return None
    params, info = found
    ModelState.objects.update_or_create(
        key=key,
        defaults={
            "data": {
                "params": {"r": params.r, "alpha": params.alpha, "a": params.a, "b": params.b},
                "customers": len(summary),
                "unit": "weeks",
                **info,
            },
            "fitted_at": now,
        },
    )
    return params


def p_alive_from(
    purchases: Purchases,
    today: int,
    basis: str,
    *,
    refit: bool,
    now: dt.datetime,
    store: bool = True,
) -> dict[int, Alive]:
    """P(alive) per customer from BG/NBD on their purchase days (weeks since their first).

    One purchase only, or a first purchase today, gives no estimate ("not enough history");
    so does a population too small to fit with no stored parameters.
    """
    key = BTYD_KEYS[basis]
    ids, rows = [], []
    found: dict[int, Alive] = {}
    for customer, (days, first, last) in purchases.days.items():
        future = purchases.future.get(customer, 0)
        if today - first <= 0:
            found[customer] = Alive(None, basis, days, "not_enough_history", future)
            continue
        ids.append(customer)
        rows.append((days - 1.0, (last - first) / 7.0, (today - first) / 7.0))
    for customer, future in purchases.future.items():
        found.setdefault(customer, Alive(None, basis, 0, "only_future", future))
    if not rows:
        return found
    try:
        summary = Summary(*(np.array(column) for column in zip(*rows, strict=True)))
    except SummaryError:
        return found
    params = None
    if refit:
        params = _fit_and_store(key, summary, now) if store else _fit_only(summary)
    if params is None:
        params = _stored_params(key)
    if params is None and not refit:
        params = _fit_and_store(key, summary, now) if store else _fit_only(summary)
    if params is None:
        for customer, (x, _tx, _t) in zip(ids, rows, strict=True):
            found[customer] = Alive(
                None, basis, int(x) + 1, "no_fit", purchases.future.get(customer, 0)
            )
        return found
    p_alive = bgnbd_p_alive(params, summary)
    for index, customer in enumerate(ids):
        x = int(summary.frequency[index])
        future = purchases.future.get(customer, 0)
        if x == 0:
            found[customer] = Alive(None, basis, 1, "one_transaction", future)
        else:
            found[customer] = Alive(float(p_alive[index]), basis, x + 1, "", future)
    return found


def _fit_only(summary: Summary) -> BGNBDParams | None:
    found = _fit(summary)
    return found[0] if found else None


def alive_for(
    as_of: dt.datetime, ids: Sequence[int] | None, *, refit: bool, store: bool = True
) -> dict[int, Alive]:
    """Invoices first; customers with no invoices fall back to their contact days."""
    today = as_of.astimezone(zone()).date().toordinal()
    by_invoices = p_alive_from(
        read_invoice_days(as_of, ids), today, "invoices", refit=refit, now=as_of, store=store
    )
    by_contacts = p_alive_from(
        read_contact_days(as_of, ids), today, "contacts", refit=refit, now=as_of, store=store
    )
    merged = dict(by_contacts)
    merged.update(by_invoices)
    return merged


# --- one customer's evaluation --------------------------------------------------------------


@dataclass(slots=True)
class CustomerRow:
    id: int
    status: str
    tier: str
    started_on: dt.date | None
    left_on: dt.date | None


@dataclass(slots=True)
class Evaluation:
    customer: CustomerRow
    score: Score
    fit: Fit
    placement: Placement
    action: Action
    revenue: Decimal
    revenue_basis: str
    labour: Decimal
    other: Decimal
    minutes: int
    alive: Alive | None
    tickets_year: int
    tickets_history: int
    after_hours_share: float
    quiet_days: int | None
    tenure_days: int | None
    other_currency: int

    @property
    def cost(self) -> Decimal:
        return self.labour + self.other

    @property
    def profit(self) -> Decimal:
        return self.revenue - self.cost

    def features(self) -> list[float]:
        return churn_engine.feature_vector(
            self.score,
            tickets=self.tickets_history,
            tenure_days=self.tenure_days,
            revenue=float(self.revenue),
            fit=self.fit.fit,
            quiet_days=self.quiet_days,
        )


def _money(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def evaluate_customer(
    customer: CustomerRow,
    collected: Collected,
    alive: Alive | None,
    *,
    weights: dict[str, float],
    rates: dict[str, float],
) -> Evaluation:
    cid = customer.id
    today = collected.today
    sources = collected.sources
    tickets = collected.tickets.get(cid)
    invoices = collected.invoices.get(cid)
    analysis = collected.analysis.get(cid) if collected.analysis is not None else None
    sla = collected.sla.get(cid, (0, 0)) if collected.sla is not None else (0, 0)
    promises = collected.promises.get(cid, (0, 0)) if collected.promises is not None else (0, 0)
    survey = collected.surveys.get(cid) if collected.surveys is not None else None
    handoffs = collected.handoffs.get(cid, 0) if collected.handoffs is not None else 0
    signals = Signals(
        sources=sources,
        tickets=tickets.tickets_recent if tickets else 0,
        answered=tickets.answered if tickets else 0,
        answered_fast=tickets.answered_fast if tickets else 0,
        answered_day=tickets.answered_day if tickets else 0,
        answered_slow=tickets.answered_slow if tickets else 0,
        unanswered_over_day=tickets.unanswered_over_day if tickets else 0,
        open_complaints=tickets.open_complaints if tickets else 0,
        complaints=tickets.complaints if tickets else 0,
        tickets_with_assignee=tickets.with_assignee if tickets else 0,
        handoffs=handoffs,
        sla_met=sla[0],
        sla_breached=sla[1],
        promises_kept=promises[0],
        promises_broken=promises[1],
        sentiment_recent=analysis.sentiment_recent if analysis else None,
        sentiment_before=analysis.sentiment_before if analysis else None,
        messages_recent=analysis.messages_recent if analysis else 0,
        survey_mean=survey[0] if survey else None,
        survey_answers=survey[1] if survey else 0,
        p_alive=alive.p_alive if alive else None,
        p_alive_basis=alive.basis if alive else "",
        transactions=alive.transactions if alive else 0,
        future_transactions=alive.future if alive else 0,
        btyd_note=alive.note if alive else "no_transactions",
        invoices_due=invoices.due if invoices else 0,
        invoices_late=invoices.late if invoices else 0,
        invoices_overdue=invoices.overdue if invoices else 0,
    )
    score = health_score(signals, weights)

    if invoices is not None:
        revenue, basis = invoices.revenue, "invoices"
    elif cid in collected.contract_revenue:
        revenue, basis = collected.contract_revenue[cid], "contracts"
    else:
        revenue, basis = Decimal("0"), "none"
    minutes_by_role = collected.minutes_by_role.get(cid, {})
    other = collected.other_costs.get(cid, Decimal("0"))
    cost = cost_to_serve(minutes_by_role, rates, float(other), default_rate=DEFAULT_HOURLY_COST)
    minutes = sum(minutes_by_role.values())
    incidents = collected.incidents.get(cid, []) if collected.incidents is not None else None
    fit = fit_score(
        FitSignals(
            sources=sources,
            requests=tickets.tickets_history if tickets else 0,
            after_hours_requests=tickets.after_hours if tickets else 0,
            urgent_requests=tickets.urgent if tickets else 0,
            messages=analysis.messages
            if analysis
            else (0 if collected.analysis is not None else None),
            abusive_messages=_count(collected.analysis, analysis, "abusive"),
            urgent_messages=_count(collected.analysis, analysis, "urgent"),
            knows_better_messages=_count(collected.analysis, analysis, "knows_better"),
            always_on_messages=_count(collected.analysis, analysis, "always_on"),
            out_of_scope_messages=_count(collected.analysis, analysis, "out_of_scope"),
            incidents=None if incidents is None else len(incidents),
            incident_refs=tuple(incidents or ()),
            revenue=float(revenue),
            cost=cost.total if (minutes or other) else (0.0 if basis != "none" else None),
            minutes=minutes,
            is_lead=customer.status == CustomerStatus.LEAD,
        )
    )
    tenure = (today - customer.started_on).days if customer.started_on else None
    last_contact = tickets.last_contact if tickets else None
    contact_days = (today - last_contact.astimezone(zone()).date()).days if last_contact else None
    last_purchase = invoices.last_purchase if invoices else None
    purchase_days = (today - last_purchase).days if last_purchase else None
    quiet = [d for d in (contact_days, purchase_days) if d is not None]
    placement = customer_type(
        History(
            tenure_days=tenure,
            tickets=tickets.tickets_year if tickets else 0,
            complaints=tickets.complaint_tickets_year if tickets else 0,
            complaint_tickets=tickets.complaint_tickets_year if tickets else 0,
            messages=analysis.messages_year if analysis else None,
            negative_messages=analysis.negative_year if analysis else None,
            knows_better_messages=analysis.knows_better if analysis else None,
            p_alive=alive.p_alive if alive else None,
            days_since_contact=contact_days,
            days_since_purchase=purchase_days,
            fit_verdict=fit.verdict,
            health=score.health,
            open_complaints=tickets.open_complaints if tickets else 0,
        )
    )
    action = next_action(score, fit_verdict=fit.verdict, customer_type=placement.customer_type)
    history_tickets = tickets.tickets_history if tickets else 0
    return Evaluation(
        customer=customer,
        score=score,
        fit=fit,
        placement=placement,
        action=action,
        revenue=_money(revenue),
        revenue_basis=basis,
        labour=_money(cost.labour),
        other=_money(cost.other),
        minutes=minutes,
        alive=alive,
        tickets_year=tickets.tickets_year if tickets else 0,
        tickets_history=history_tickets,
        after_hours_share=(tickets.after_hours / history_tickets) if history_tickets else 0.0,
        quiet_days=min(quiet) if quiet else None,
        tenure_days=tenure,
        other_currency=invoices.other_currency if invoices else 0,
    )


def _count(source: object, analysis: Any, name: str) -> int | None:
    if source is None:
        return None
    return int(getattr(analysis, name)) if analysis is not None else 0


def _customers(ids: Sequence[int] | None) -> list[CustomerRow]:
    queryset = Customer.objects.all() if ids is None else Customer.objects.filter(pk__in=ids)
    rows = queryset.values_list("pk", "status", "tier", "customer_since", "created_at", "left_on")
    local = zone()
    return [
        CustomerRow(pk, status, tier, since or created.astimezone(local).date(), left_on)
        for pk, status, tier, since, created, left_on in rows
    ]


def evaluate_all(
    as_of: dt.datetime,
    ids: Sequence[int] | None,
    *,
    refit: bool,
    store_fits: bool = True,
    config: HealthSettings | None = None,
) -> list[Evaluation]:
    config = config or health_settings()
    collected = collect(as_of, ids, currency=config.currency)
    alive = alive_for(as_of, ids, refit=refit, store=store_fits)
    weights, rates = clean_weights(config.weights), cost_rates(config)
    return [
        evaluate_customer(row, collected, alive.get(row.id), weights=weights, rates=rates)
        for row in _customers(ids)
    ]


# --- churn risk ---------------------------------------------------------------------------


def stored_churn_model() -> tuple[churn_engine.Model | None, dict[str, Any]]:
    state = ModelState.objects.filter(key=CHURN_KEY).first()
    if state is None:
        return None, {"code": "not_trained"}
    data = state.data
    if "model" in data:
        return churn_engine.Model.from_dict(data["model"]), data
    return None, data


def churn_risks(
    evaluations: Sequence[Evaluation],
) -> list[tuple[float, str, dict[str, Any]]]:
    """(risk, source, details) per evaluation: the trained model's calibrated probability
    and its top reasons, or the rule-based risk (1 - health) and why no model was used."""
    model, data = stored_churn_model()
    if model is not None and evaluations:
        features = np.array([e.features() for e in evaluations], dtype=np.float64)
        risks = model.predict(features)
        pushes = model.contributions(features)
        out = []
        for index, _evaluation in enumerate(evaluations):
            row = pushes[index]
            upward = sorted(
                ((float(p), name) for p, name in zip(row, model.features, strict=True) if p > 0),
                key=lambda item: -item[0],
            )
            total = sum(p for p, _n in upward)
            reasons = (
                [{"feature": name, "share": round(100 * p / total)} for p, name in upward[:3]]
                if total
                else []
            )
            out.append(
                (
                    float(risks[index]),
                    ChurnSource.MODEL,
                    {"reasons": reasons, "auc": data.get("evaluation", {}).get("auc")},
                )
            )
        return out
    note = {"code": data.get("code", "not_trained"), "params": data.get("params", {})}
    return [
        (clamp(1.0 - e.score.raw / 100.0), ChurnSource.RULES, {"reasons": [], "note": note})
        for e in evaluations
    ]


# --- recompute ---------------------------------------------------------------------------


def _details(e: Evaluation, churn: dict[str, Any]) -> dict[str, Any]:
    return {
        "health": [reason.as_dict() for reason in e.score.reasons],
        "limited": e.score.is_limited,
        # The parts are not shown anywhere: the fit, verdict and evidence are.
        "fit": {
            "fit": e.fit.fit,
            "verdict": e.fit.verdict,
            "evidence": [item.as_dict() for item in e.fit.evidence],
            "recommendation": e.fit.recommendation,
        },
        "type": e.placement.as_dict(),
        "action": e.action.as_dict(),
        "churn": churn,
        "money": {
            "revenue": str(e.revenue),
            "revenue_basis": e.revenue_basis,
            "labour": str(e.labour),
            "other": str(e.other),
            "minutes": e.minutes,
            "other_currency": e.other_currency,
        },
    }


def _trends(ids: Sequence[int] | None, today: dt.date) -> dict[int, int | None]:
    then = today - dt.timedelta(days=TREND_DAYS)
    snapshots = HealthSnapshot.objects.filter(on=then)
    if ids is not None:
        snapshots = snapshots.filter(customer_id__in=ids)
    return dict(snapshots.values_list("customer_id", "health"))


SCORE_COLUMNS = [
    "health",
    "health_trend",
    "churn_risk",
    "churn_source",
    "p_alive",
    "fit",
    "fit_verdict",
    "customer_type",
    "revenue",
    "cost",
    "profit",
    "revenue_at_risk",
    "details",
    "is_dirty",
    "computed_at",
]
SNAPSHOT_COLUMNS = ["health", "churn_risk", "fit", "profit"]


def _upsert(table: str, keys: list[str], columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """INSERT ... VALUES (...), (...), ... ON CONFLICT DO UPDATE, UPSERT_ROWS rows a
    statement (SQLite and PostgreSQL): a full recompute writes 100,000 rows, too many for
    model instances, and one round trip per row is what makes a network database slow."""
    if not rows:
        return
    if connection.vendor == "postgresql" and len(rows) > UPSERT_ROWS:
        _upsert_by_copy(table, keys, columns, rows)
        return
    quote = connection.ops.quote_name  # "on" is a keyword
    names = ", ".join(quote(name) for name in [*keys, *columns])
    json_cast = "::jsonb" if connection.vendor == "postgresql" else ""
    row_marks = (
        "("
        + ", ".join(f"%s{json_cast}" if name == "details" else "%s" for name in [*keys, *columns])
        + ")"
    )
    updates = ", ".join(f"{quote(name)} = excluded.{quote(name)}" for name in columns)
    conflict = ", ".join(quote(name) for name in keys)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), UPSERT_ROWS):
            batch = rows[start : start + UPSERT_ROWS]
            values = ", ".join([row_marks] * len(batch))
            cursor.execute(
                f"INSERT INTO {quote(table)} ({names}) VALUES {values} "
                f"ON CONFLICT ({conflict}) DO UPDATE SET {updates}",
                [value for row in batch for value in row],
            )


def _upsert_by_copy(
    table: str, keys: list[str], columns: list[str], rows: list[tuple[Any, ...]]
) -> None:
    """PostgreSQL, many rows: COPY into a temporary table, then one INSERT ... SELECT ...
    ON CONFLICT. No parameters to bind, one statement to plan. Precondition: inside a
    transaction (the temporary table goes with it)."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(name) for name in [*keys, *columns])
    updates = ", ".join(f"{quote(name)} = excluded.{quote(name)}" for name in columns)
    conflict = ", ".join(quote(name) for name in keys)
    staging = quote(f"{table}_staging")
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS "
            f"SELECT {names} FROM {quote(table)} WITH NO DATA"
        )
        with cursor.cursor.copy(f"COPY {staging} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO {quote(table)} ({names}) SELECT {names} FROM {staging} "
            f"ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
        )
        cursor.execute(f"DROP TABLE {staging}")


def _write(
    evaluations: Sequence[Evaluation],
    now: dt.datetime,
    *,
    distances: dict[int, float] | None,
) -> None:
    today = now.astimezone(zone()).date()
    ids = [e.customer.id for e in evaluations]
    trends = _trends(ids if len(ids) <= INCREMENTAL_BATCH else None, today)
    risks = churn_risks(evaluations)
    ops = connection.ops
    stamp = ops.adapt_datetimefield_value(now)
    day = ops.adapt_datefield_value(today)
    columns = SCORE_COLUMNS + (["sweet_spot_distance"] if distances is not None else [])
    scores: list[tuple[Any, ...]] = []
    snapshots: list[tuple[Any, ...]] = []
    for e, (risk, source, churn) in zip(evaluations, risks, strict=True):
        churn["source"] = source
        cid = e.customer.id
        before = trends.get(cid)
        risk = round(risk, 4)
        p_alive = None if e.alive is None or e.alive.p_alive is None else round(e.alive.p_alive, 4)
        profit = ops.adapt_decimalfield_value(e.profit, 14, 2)
        row = [
            cid,
            e.score.health,
            None if before is None else e.score.health - before,
            risk,
            source,
            p_alive,
            e.fit.fit,
            e.fit.verdict,
            e.placement.customer_type,
            ops.adapt_decimalfield_value(e.revenue, 14, 2),
            ops.adapt_decimalfield_value(e.cost, 14, 2),
            profit,
            ops.adapt_decimalfield_value(_money(float(e.revenue) * risk), 14, 2),
            json.dumps(_details(e, churn), ensure_ascii=False, separators=(",", ":")),
            False,
            stamp,
        ]
        if distances is not None:
            row.append(distances.get(cid))
        scores.append(tuple(row))
        snapshots.append((cid, day, e.score.health, risk, e.fit.fit, profit))
    with transaction.atomic():
        _upsert(CustomerScore._meta.db_table, ["customer_id"], columns, scores)
        _upsert(HealthSnapshot._meta.db_table, ["customer_id", "on"], SNAPSHOT_COLUMNS, snapshots)


def _sweet_spot(evaluations: Sequence[Evaluation], now: dt.datetime) -> dict[int, float] | None:
    active = [e for e in evaluations if e.customer.status == CustomerStatus.ACTIVE]
    rows = [
        [
            float(e.profit),
            float(e.score.health),
            (e.tenure_days or 0) / 365.25,
            float(TIER_RANK.get(Tier(e.customer.tier), 1)),
            e.tickets_history / (HISTORY_DAYS / 30.4375),
            e.after_hours_share,
        ]
        for e in active
    ]
    spot = sweet_spot(Book([e.customer.id for e in active], np.array(rows, dtype=np.float64)))
    if spot is None:
        ModelState.objects.filter(key=SWEET_SPOT_KEY).delete()
        return None
    ModelState.objects.update_or_create(
        key=SWEET_SPOT_KEY,
        defaults={
            "data": {
                "features": list(SWEET_FEATURES),
                "traits": [
                    {"feature": t.feature, "best": _finite(t.best), "everyone": _finite(t.everyone)}
                    for t in spot.traits
                ],
                "top_tier_rank": spot.top_tier_rank,
                "best": list(spot.best_ids),
                "farthest": [[cid, round(d, 3)] for cid, d in spot.farthest(20)],
                "customers": len(active),
            },
            "fitted_at": now,
        },
    )
    return spot.distances


def _finite(value: float) -> float | None:
    return round(value, 3) if math.isfinite(value) else None


def do_recompute(ids: Sequence[int] | None = None, *, now: dt.datetime | None = None) -> int:
    """Recompute the scores of `ids` (None: every customer, refitting BG/NBD and the sweet
    spot). Returns how many customers were scored. Safe to run twice."""
    now = now or timezone.now()
    full = ids is None
    with _no_cyclic_gc():
        evaluations = evaluate_all(now, ids, refit=full)
        distances = _sweet_spot(evaluations, now) if full else None
        _write(evaluations, now, distances=distances)
    return len(evaluations)


@contextlib.contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Scoring 100,000 customers allocates millions of small objects that live until the
    write: the cyclic collector's passes over them cost as much as the scoring itself, and
    they make no cycles, so it is paused (reference counting still frees everything)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def claim_dirty(limit: int = INCREMENTAL_BATCH) -> list[int]:
    """Take up to `limit` customers marked dirty, clearing the mark first: an event during
    the recompute marks them again, so nothing is lost; two workers at worst do a customer
    twice."""
    ids = list(
        CustomerScore.objects.filter(is_dirty=True)
        .order_by("customer_id")
        .values_list("customer_id", flat=True)[:limit]
    )
    if ids:
        CustomerScore.objects.filter(customer_id__in=ids, is_dirty=True).update(is_dirty=False)
    return ids


def do_recompute_dirty(*, now: dt.datetime | None = None, limit: int = 5000) -> int:
    done = 0
    while done < limit:
        ids = claim_dirty(min(INCREMENTAL_BATCH, limit - done))
        if not ids:
            break
        done += do_recompute(ids, now=now)
    return done


def do_recompute_all(*, now: dt.datetime | None = None, train: bool = True) -> int:
    """The nightly job: retrain the churn model on the business's history, then rescore
    everyone (refitting BG/NBD and the sweet spot)."""
    now = now or timezone.now()
    if train:
        do_train_churn(now=now)
    return do_recompute(None, now=now)


# --- training the churn model ------------------------------------------------------------


def cutoff_days(today: dt.date) -> list[dt.date]:
    """Cutoffs every CUTOFF_STEP_DAYS, oldest first, each with its whole horizon observed."""
    days = []
    day = today - dt.timedelta(days=churn_engine.HORIZON_DAYS)
    oldest = today - dt.timedelta(days=churn_engine.HISTORY_DAYS)
    while day >= oldest:
        days.append(day)
        day -= dt.timedelta(days=churn_engine.CUTOFF_STEP_DAYS)
    return sorted(days)


def build_dataset(now: dt.datetime) -> churn_engine.Dataset:
    """Every (customer, cutoff) pair: the customer's features as they were at the cutoff, and
    whether they left within the horizon after it. Leads, customers who had not started,
    had already left, or left on an unknown date are not in it."""
    today = now.astimezone(zone()).date()
    customers = _customers(None)
    config = health_settings()
    features: list[list[float]] = []
    labels: list[int] = []
    cutoffs: list[int] = []
    ids: list[int] = []
    for cutoff in cutoff_days(today):
        as_of = dt.datetime.combine(cutoff, dt.time.min, tzinfo=zone())
        eligible = [
            c
            for c in customers
            if c.status != CustomerStatus.LEAD
            and c.started_on is not None
            and c.started_on < cutoff
            and not (c.status == CustomerStatus.LEFT and c.left_on is None)
            and (c.left_on is None or c.left_on > cutoff)
        ]
        if not eligible:
            continue
        chosen = {c.id for c in eligible}
        evaluations = [
            e
            for e in evaluate_all(as_of, None, refit=True, store_fits=False, config=config)
            if e.customer.id in chosen
        ]
        horizon = cutoff + dt.timedelta(days=churn_engine.HORIZON_DAYS)
        for e in evaluations:
            features.append(e.features())
            left = e.customer.left_on
            labels.append(int(left is not None and cutoff < left <= horizon))
            cutoffs.append(cutoff.toordinal())
            ids.append(e.customer.id)
    width = len(churn_engine.FEATURES)
    return churn_engine.Dataset(
        np.array(features, dtype=np.float64).reshape(-1, width),
        np.array(labels, dtype=np.int64),
        np.array(cutoffs, dtype=np.int64),
        np.array(ids, dtype=np.int64),
    )


def do_train_churn(
    *, now: dt.datetime | None = None
) -> churn_engine.Trained | churn_engine.TooLittle:
    """Train on the business's history and keep the result (or why there is none)."""
    now = now or timezone.now()
    dataset = build_dataset(now)
    result = churn_engine.train(dataset)
    if isinstance(result, churn_engine.Trained):
        data: dict[str, Any] = {
            "model": result.model.as_dict(),
            "evaluation": result.evaluation.as_dict(),
            "rows": len(dataset),
        }
    else:
        data = {
            "code": result.code,
            "params": dict(result.params),
            "rows": len(dataset),
            "evaluation": result.evaluation.as_dict() if result.evaluation else None,
        }
    ModelState.objects.update_or_create(key=CHURN_KEY, defaults={"data": data, "fitted_at": now})
    return result


# --- playbooks ---------------------------------------------------------------------------


def playbook_for(customer_type: str) -> Playbook | None:
    found = Playbook.objects.filter(customer_type=customer_type).first()
    if found is None and customer_type in PLAYBOOKS:
        texts = PLAYBOOKS[customer_type]
        found = Playbook(
            customer_type=customer_type,
            works_he=texts["he"].works,
            avoid_he=texts["he"].avoid,
            choices_he=texts["he"].choices,
            works_en=texts["en"].works,
            avoid_en=texts["en"].avoid,
            choices_en=texts["en"].choices,
        )
    return found


PLAYBOOK_FIELDS = ("works_he", "avoid_he", "choices_he", "works_en", "avoid_en", "choices_en")


@transaction.atomic
def do_update_playbook(playbook: Playbook, *, acting_user: User, **texts: str) -> Playbook:
    # Compared with the stored row: a ModelForm has already set the new texts on `playbook`.
    stored = Playbook.objects.get(pk=playbook.pk)
    changed = sorted(k for k in PLAYBOOK_FIELDS if k in texts and getattr(stored, k) != texts[k])
    for key in changed:
        setattr(playbook, key, texts[key])
    playbook.updated_at, playbook.updated_by = timezone.now(), acting_user
    playbook.save()
    audit.record("playbook.updated", playbook, actor=acting_user, fields=changed)
    return playbook


# --- offboarding -------------------------------------------------------------------------


def access_customer_for_offboarding(user: User, customer_id: int) -> Customer:
    check_manages_health(user)
    try:
        customer = Customer.objects.select_related("owner").get(pk=customer_id)
    except (Customer.DoesNotExist, ValueError, OverflowError):
        raise Http404 from None
    return customer


@transaction.atomic
def do_offboard(
    customer: Customer,
    *,
    letter: str,
    referral: str,
    reason: str,
    language: str,
    acting_user: User,
    today: dt.date | None = None,
) -> Offboarding:
    """Part ways: keep the letter and referral, close the account (status "left", left on
    today), keep every ticket, invoice and score as history, and audit each step.
    Precondition: the acting user manages health; the customer has not left already."""
    today = today or timezone.localdate()
    score = CustomerScore.objects.filter(customer=customer).first()
    evidence = score.details.get("fit", {}).get("evidence", []) if score else []
    offboarding = Offboarding.objects.create(
        customer=customer,
        language=language,
        letter=letter,
        referral=referral,
        reason=reason,
        fit_verdict=score.fit_verdict if score else "",
        evidence=evidence,
        closed_by=acting_user,
    )
    old_status = customer.status
    customer.status, customer.left_on = CustomerStatus.LEFT, today
    customer.save(update_fields=["status", "left_on"])
    audit.record(
        "customer.offboarded",
        customer,
        actor=acting_user,
        offboarding=offboarding.pk,
        old_status=old_status,
        fit_verdict=offboarding.fit_verdict,
    )
    audit.record("offboarding.letter", offboarding, actor=acting_user, language=language)
    from shomer.health.dirty import mark_dirty

    mark_dirty(customer.pk)
    return offboarding


def at_risk_filter() -> Q:
    """Active customers whose health is low or whose churn risk is high."""
    from shomer.health.scoring import AT_RISK_BELOW

    return Q(customer__status=CustomerStatus.ACTIVE) & (
        Q(health__lt=AT_RISK_BELOW) | Q(churn_risk__gte=0.5)
    )


__all__ = [
    "COMPONENTS",
    "at_risk_filter",
    "check_manages_health",
    "do_offboard",
    "do_recompute",
    "do_recompute_all",
    "do_recompute_dirty",
    "do_train_churn",
    "do_update_playbook",
    "do_update_settings",
    "manages_health",
    "playbook_for",
]
