"""The health score: 0-100 from what actually happened to a customer, with its reasons.

Pure: no Django, no clock. `health_score(signals, weights)` turns one customer's signals
(counted by shomer.health.signals) into a Score: every component's sub-score in [0, 1]
(1 = nothing wrong) or None when its source has nothing, the weighted mean, and one Reason
per component with the points it cost. A neutral prior (PRIOR_WEIGHT at PRIOR_SCORE) is
always in the mean, so a customer with little or no history gets a defined, explained
score near the neutral start instead of a wild one. docs/health.md explains every constant.

Reasons are codes with parameters, not sentences: the pages translate them into the
reader's language (shomer.health.reasons).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

# Component names, in the order the pages list them.
WAITS: Final = "waits"
SLA: Final = "sla"
PROMISES: Final = "promises"
COMPLAINTS: Final = "complaints"
SENTIMENT: Final = "sentiment"
SURVEYS: Final = "surveys"
HANDOFFS: Final = "handoffs"
ACTIVITY: Final = "activity"
PAYMENTS: Final = "payments"
COMPONENTS: Final = (
    WAITS,
    SLA,
    PROMISES,
    COMPLAINTS,
    SENTIMENT,
    SURVEYS,
    HANDOFFS,
    ACTIVITY,
    PAYMENTS,
)

# Default weights (they sum to 100; managers change them on the health settings page).
DEFAULT_WEIGHTS: Final[Mapping[str, int]] = {
    WAITS: 15,
    SLA: 15,
    PROMISES: 15,
    COMPLAINTS: 10,
    SENTIMENT: 10,
    SURVEYS: 10,
    HANDOFFS: 5,
    ACTIVITY: 15,
    PAYMENTS: 5,
}
MAX_WEIGHT: Final = 100

# The neutral prior: always part of the mean, so that little history means "about 70",
# explained, rather than 100 from one good week or 0 from one bad day.
PRIOR_WEIGHT: Final = 10.0
PRIOR_SCORE: Final = 0.7

# Waits: a first answer within FAST_HOURS is perfect, within a day worth DAY_CREDIT, within
# SLOW_HOURS worth SLOW_CREDIT, later nothing (wall-clock hours: the customer waits in real
# time, whatever our working calendar says; business time is the SLA component's).
FAST_HOURS: Final = 4
SLOW_HOURS: Final = 72
DAY_CREDIT: Final = 0.6
SLOW_CREDIT: Final = 0.2
# Each ticket still unanswered after a day costs this much of the waits component.
UNANSWERED_PENALTY: Final = 0.25
# SLA: a breach rate of BREACH_ZERO or more leaves nothing of the component.
BREACH_ZERO: Final = 0.5
# Promises: "customers are like elephants" - each broken promise costs at least this much,
# whatever the number kept.
BROKEN_PROMISE_PENALTY: Final = 0.3
# Complaints: what one open complaint leaves; two or more leave nothing.
ONE_OPEN_COMPLAINT: Final = 0.4
# Sentiment: a fall of the recent mean below the earlier one costs this much per unit.
SENTIMENT_DROP_FACTOR: Final = 0.5
# Handoffs: average reassignments per ticket at which the component is worth nothing.
HANDOFFS_ZERO: Final = 2.0
# Payments: an invoice paid more than GRACE_DAYS after its due date is late.
GRACE_DAYS: Final = 7

# Health bands for badges and the at-risk list.
AT_RISK_BELOW: Final = 50
WATCH_BELOW: Final = 70


@dataclass(slots=True)
class Signals:
    """One customer's history as counted up to `as_of` (by shomer.health.signals).

    A field is None when its source has no data for this customer; `sources` names the
    sources that exist at all in this installation (an app not built yet is absent), so
    that reasons can say "no survey answers yet" apart from "surveys are not set up".
    Counts are over the windows in docs/health.md (90 days for waits and SLA, 180 for
    promises, complaints and handoffs, 365 for payments).
    """

    sources: frozenset[str] = frozenset()
    # conversations
    tickets: int = 0
    answered: int = 0
    # First answers within FAST_HOURS, within a day, within SLOW_HOURS (each includes the
    # one before): counts any database gives, where a median would not be portable.
    answered_fast: int = 0
    answered_day: int = 0
    answered_slow: int = 0
    unanswered_over_day: int = 0
    open_complaints: int = 0
    complaints: int = 0
    tickets_with_assignee: int = 0
    handoffs: int = 0
    # sla
    sla_met: int = 0
    sla_breached: int = 0
    # commitments
    promises_kept: int = 0
    promises_broken: int = 0
    # analysis: mean sentiment of the customer's messages, last 30 days and the 90 before
    sentiment_recent: float | None = None
    sentiment_before: float | None = None
    messages_recent: int = 0
    # feedback: answers normalised to [0, 1] (CSAT 1-5 -> 0-1, NPS 0-10 -> 0-1)
    survey_mean: float | None = None
    survey_answers: int = 0
    # btyd
    p_alive: float | None = None
    p_alive_basis: str = ""  # "invoices" | "contacts" | "" (none)
    transactions: int = 0
    future_transactions: int = 0
    btyd_note: str = ""  # why P(alive) is missing: "one_transaction", "no_fit", ...
    # payments
    invoices_due: int = 0
    invoices_late: int = 0
    invoices_overdue: int = 0


@dataclass(slots=True)
class Reason:
    """Why a component scored as it did: a message code, its parameters, and the points
    (out of 100) it took off the score (0 or negative; the prior's share included)."""

    component: str
    code: str
    params: Mapping[str, object] = field(default_factory=dict)
    points: float = 0.0
    score: float | None = None
    weight: float = 0.0

    def as_dict(self) -> dict[str, object]:
        """Stored with the score: points are None where the component had no data."""
        return {
            "component": self.component,
            "code": self.code,
            "params": self.params,
            "points": None if self.score is None else round(self.points, 1),
        }


@dataclass(slots=True)
class Component:
    name: str
    score: float | None
    code: str
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(slots=True)
class Score:
    health: int
    raw: float
    components: tuple[Component, ...]
    reasons: tuple[Reason, ...]
    weight_with_data: float
    is_limited: bool  # less than a third of the weight had data: "not enough history"

    @property
    def band(self) -> str:
        return band(self.health)

    def component(self, name: str) -> Component:
        for component in self.components:
            if component.name == name:
                return component
        raise KeyError(name)


def band(health: int) -> str:
    if health < AT_RISK_BELOW:
        return "at_risk"
    if health < WATCH_BELOW:
        return "watch"
    return "healthy"


def clamp(value: float, low: float = 0.0, high: float = 1.0) -> float:
    if value != value:  # NaN
        return low
    return high if value > high else (low if value < low else value)


def _missing(name: str, signals: Signals, source: str, code: str) -> Component:
    if source not in signals.sources:
        return Component(name, None, "no_source", {"source": source})
    return Component(name, None, code)


def waits(signals: Signals) -> Component:
    if signals.tickets == 0:
        return _missing(WAITS, signals, "conversations", "no_tickets")
    penalty = UNANSWERED_PENALTY * signals.unanswered_over_day
    params = {
        "tickets": signals.tickets,
        "answered": signals.answered,
        "fast": signals.answered_fast,
        "unanswered": signals.unanswered_over_day,
    }
    if signals.answered == 0:
        # Tickets, none answered yet: only the ones waiting over a day speak.
        return Component(WAITS, clamp(1.0 - penalty), "unanswered", params)
    fast = min(signals.answered_fast, signals.answered)
    day = min(max(signals.answered_day, fast), signals.answered)
    slow = min(max(signals.answered_slow, day), signals.answered)
    speed = (fast + DAY_CREDIT * (day - fast) + SLOW_CREDIT * (slow - day)) / signals.answered
    score = clamp(speed - penalty)
    code = "waits_ok" if score >= 0.8 else "waits_slow"
    return Component(WAITS, score, code, params)


def sla(signals: Signals) -> Component:
    decided = signals.sla_met + signals.sla_breached
    if decided == 0:
        return _missing(SLA, signals, "sla", "no_targets")
    rate = signals.sla_breached / decided
    score = clamp(1.0 - rate / BREACH_ZERO)
    code = "sla_ok" if signals.sla_breached == 0 else "sla_breached"
    return Component(SLA, score, code, {"breached": signals.sla_breached, "targets": decided})


def promises(signals: Signals) -> Component:
    decided = signals.promises_kept + signals.promises_broken
    if decided == 0:
        return _missing(PROMISES, signals, "commitments", "no_promises")
    broken = signals.promises_broken
    share = broken / decided
    score = clamp(1.0 - max(share, BROKEN_PROMISE_PENALTY * broken))
    code = "promises_kept" if broken == 0 else "promises_broken"
    return Component(PROMISES, score, code, {"broken": broken, "kept": signals.promises_kept})


def complaints(signals: Signals) -> Component:
    if signals.tickets == 0 and signals.complaints == 0:
        return _missing(COMPLAINTS, signals, "conversations", "no_tickets")
    open_count = signals.open_complaints
    score = 1.0 if open_count == 0 else (ONE_OPEN_COMPLAINT if open_count == 1 else 0.0)
    code = "complaints_open" if open_count else "complaints_none"
    return Component(
        COMPLAINTS, score, code, {"open": open_count, "complaints": signals.complaints}
    )


def sentiment(signals: Signals) -> Component:
    recent = signals.sentiment_recent
    if recent is None:
        return _missing(SENTIMENT, signals, "analysis", "no_messages")
    recent = clamp(recent, -1.0, 1.0)
    before = signals.sentiment_before
    drop = 0.0 if before is None else max(0.0, clamp(before, -1.0, 1.0) - recent)
    score = clamp((recent + 1.0) / 2.0 - SENTIMENT_DROP_FACTOR * drop)
    if drop >= 0.2:
        code = "sentiment_falling"
    elif recent <= -0.3:
        code = "sentiment_negative"
    elif recent >= 0.3:
        code = "sentiment_positive"
    else:
        code = "sentiment_neutral"
    params: dict[str, object] = {"recent": round(recent, 2), "messages": signals.messages_recent}
    if before is not None:
        params["before"] = round(clamp(before, -1.0, 1.0), 2)
    return Component(SENTIMENT, score, code, params)


def surveys(signals: Signals) -> Component:
    if signals.survey_mean is None or signals.survey_answers == 0:
        return _missing(SURVEYS, signals, "feedback", "no_answers")
    score = clamp(signals.survey_mean)
    code = "surveys_good" if score >= 0.7 else "surveys_poor"
    return Component(
        SURVEYS,
        score,
        code,
        {"percent": round(100 * score), "answers": signals.survey_answers},
    )


def handoffs(signals: Signals) -> Component:
    if signals.tickets_with_assignee == 0:
        return _missing(HANDOFFS, signals, "conversations", "no_assigned_tickets")
    per_ticket = signals.handoffs / signals.tickets_with_assignee
    score = clamp(1.0 - per_ticket / HANDOFFS_ZERO)
    code = "handoffs_few" if per_ticket < 0.5 else "handoffs_many"
    return Component(
        HANDOFFS,
        score,
        code,
        {
            "handoffs": signals.handoffs,
            "tickets": signals.tickets_with_assignee,
            "per_ticket": round(per_ticket, 1),
        },
    )


def activity(signals: Signals) -> Component:
    params: dict[str, object] = {
        "transactions": signals.transactions,
        "basis": signals.p_alive_basis,
    }
    if signals.future_transactions:
        params["future"] = signals.future_transactions
    if signals.p_alive is None or math.isnan(signals.p_alive):
        if "btyd" not in signals.sources:
            return Component(ACTIVITY, None, "no_source", {"source": "btyd"})
        return Component(ACTIVITY, None, signals.btyd_note or "no_transactions", params)
    p_alive = clamp(signals.p_alive)
    params["percent"] = round(100 * p_alive)
    if p_alive >= 0.8:
        code = "alive"
    elif p_alive >= 0.5:
        code = "fading"
    else:
        code = "silent"
    return Component(ACTIVITY, p_alive, code, params)


def payments(signals: Signals) -> Component:
    if signals.invoices_due == 0:
        return _missing(PAYMENTS, signals, "invoices", "no_invoices_due")
    late = signals.invoices_late + signals.invoices_overdue
    score = clamp(1.0 - late / signals.invoices_due)
    code = "payments_on_time" if late == 0 else "payments_late"
    return Component(
        PAYMENTS,
        score,
        code,
        {
            "late": signals.invoices_late,
            "overdue": signals.invoices_overdue,
            "due": signals.invoices_due,
        },
    )


SCORERS: Final = {
    WAITS: waits,
    SLA: sla,
    PROMISES: promises,
    COMPLAINTS: complaints,
    SENTIMENT: sentiment,
    SURVEYS: surveys,
    HANDOFFS: handoffs,
    ACTIVITY: activity,
    PAYMENTS: payments,
}


class Weights(dict[str, float]):
    """Weights already cleaned (see clean_weights): health_score takes them as they are."""


SCORER_LIST: Final = tuple(SCORERS[name] for name in COMPONENTS)


def clean_weights(weights: Mapping[str, float] | None) -> Weights:
    """Every component's weight: the given ones (0..MAX_WEIGHT, finite) over the defaults."""
    if isinstance(weights, Weights):
        return weights
    cleaned = Weights({name: float(DEFAULT_WEIGHTS[name]) for name in COMPONENTS})
    for name, value in (weights or {}).items():
        if name in cleaned and isinstance(value, int | float) and math.isfinite(value):
            cleaned[name] = clamp(float(value), 0.0, MAX_WEIGHT)
    return cleaned


def health_score(signals: Signals, weights: Mapping[str, float] | None = None) -> Score:
    """The weighted mean of the components that have data, with the neutral prior, as
    0-100; each reason carries the points its component took off 100."""
    chosen = clean_weights(weights)
    components = tuple([scorer(signals) for scorer in SCORER_LIST])
    with_data = 0.0
    weighted = PRIOR_WEIGHT * PRIOR_SCORE
    for component in components:
        if component.score is not None:
            weight = chosen[component.name]
            with_data += weight
            weighted += weight * component.score
    total = with_data + PRIOR_WEIGHT
    raw = 100.0 * weighted / total
    reasons = []
    for component in components:
        weight = chosen[component.name]
        score = component.score
        points = 0.0 if score is None else 100.0 * weight * (score - 1.0) / total
        reasons.append(
            Reason(component.name, component.code, component.params, points, score, weight)
        )
    full_weight = sum(chosen.values()) or 1.0
    is_limited = with_data < full_weight / 3
    reasons.append(
        Reason(
            "prior",
            "little_history" if is_limited else "prior",
            {"weight_with_data": round(with_data), "weight_total": round(full_weight)},
            100.0 * PRIOR_WEIGHT * (PRIOR_SCORE - 1.0) / total,
            PRIOR_SCORE,
            PRIOR_WEIGHT,
        )
    )
    health = round(clamp(raw, 0.0, 100.0))
    return Score(health, raw, components, tuple(reasons), with_data, is_limited)


# --- the next best action for the account owner ---------------------------------------

# The first matching rule wins: what hurts the relationship most, and can be fixed today.
ACTION_RULES: Final = (
    (COMPLAINTS, "resolve_complaint"),
    (PROMISES, "keep_promise"),
    (SLA, "answer_today"),
    (WAITS, "answer_today"),
    (SENTIMENT, "call_personally"),
    (SURVEYS, "call_personally"),
    (HANDOFFS, "one_owner"),
    (PAYMENTS, "offer_installments"),
    (ACTIVITY, "check_in"),
)
# A component below this sub-score calls for its action.
ACTION_BELOW: Final = 0.6


@dataclass(slots=True)
class Action:
    code: str
    component: str = ""
    params: Mapping[str, object] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "component": self.component, "params": dict(self.params)}


def next_action(score: Score, *, fit_verdict: str = "", customer_type: str = "") -> Action:
    """What the account owner should do next: part ways or set terms first when the fit
    says so, then the weakest fixable component, else keep the relationship warm."""
    if fit_verdict == "hostile":
        return Action("review_fit", "fit")
    if fit_verdict == "boundary_less":
        return Action("service_agreement", "fit")
    by_name = {c.name: c for c in score.components}
    for name, code in ACTION_RULES:
        component = by_name[name]
        if component.score is not None and component.score < ACTION_BELOW:
            return Action(code, name, component.params)
    if customer_type == "new":
        return Action("welcome", "type")
    if score.is_limited:
        return Action("get_to_know", "prior")
    if customer_type == "loyal" or score.health >= 85:
        return Action("thank_loyal", "type")
    return Action("keep_in_touch", "")
