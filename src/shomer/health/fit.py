"""Customer fit and cost-to-serve: should we keep this customer, and at what cost?

Pure: no Django, no clock. `fit_score(signals)` weighs respect, hours, urgency, scope and
cost against revenue into 0-100 with a verdict that tells the pleasant customer who does
not see the service's boundaries (offer a clear service agreement) from the hostile one
(part ways, with a respectful referral), and the evidence for it. `cost_to_serve` and
`whale_curve` give profit per customer and the book's profit curve. docs/health.md explains
the constants.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from shomer.health.scoring import clamp

GOOD: Final = "good"
REVIEW: Final = "review"
BOUNDARY_LESS: Final = "boundary_less"
HOSTILE: Final = "hostile"
VERDICTS: Final = (GOOD, REVIEW, BOUNDARY_LESS, HOSTILE)

RESPECT: Final = "respect"
HOURS: Final = "hours"
URGENCY: Final = "urgency"
SCOPE: Final = "scope"
COST: Final = "cost"
FIT_COMPONENTS: Final = (RESPECT, HOURS, URGENCY, SCOPE, COST)
FIT_WEIGHTS: Final[Mapping[str, float]] = {
    RESPECT: 30.0,
    HOURS: 15.0,
    URGENCY: 15.0,
    SCOPE: 15.0,
    COST: 25.0,
}
# Little evidence means "probably fine": the prior leans to a good fit.
FIT_PRIOR_WEIGHT: Final = 10.0
FIT_PRIOR_SCORE: Final = 0.9

# Respect: abusive or contemptuous messages (or logged incidents) that leave nothing.
HOSTILE_EVENTS_ZERO: Final = 3
# Know-better messages cost half their share of the respect component.
KNOWS_BETTER_FACTOR: Final = 0.5
# Hours: the share of requests made outside working hours that is normal, and the share
# at which the component is worth nothing.
AFTER_HOURS_FREE: Final = 0.1
AFTER_HOURS_ZERO: Final = 0.5
# Urgency: the same for requests marked or written as urgent.
URGENT_FREE: Final = 0.2
URGENT_ZERO: Final = 0.7
# Scope: out-of-scope requests at which the component is worth nothing.
OUT_OF_SCOPE_ZERO: Final = 5
# Cost: cost-to-serve over revenue that is fine, and the ratio at which it is worth nothing.
COST_RATIO_FREE: Final = 0.5
COST_RATIO_ZERO: Final = 1.5

# Verdicts. Hostile: rude or contemptuous again and again.
HOSTILE_EVENTS: Final = 2
# Boundary-less: at least BOUNDARY_SIGNALS of these, over at least MIN_REQUESTS requests.
MIN_REQUESTS: Final = 3
AFTER_HOURS_SIGNAL: Final = 0.3
URGENT_SIGNAL: Final = 0.5
OUT_OF_SCOPE_SIGNAL: Final = 3
ALWAYS_ON_SIGNAL: Final = 2
COST_RATIO_SIGNAL: Final = 1.0
BOUNDARY_SIGNALS: Final = 2
# Below this fit a customer with no stronger verdict is put up for review.
REVIEW_BELOW: Final = 60


@dataclass(slots=True)
class FitSignals:
    """What a customer asked of the team and how, over the fit window (180 days), and
    what they paid and cost over the money window (365 days). Analysis counts are None when
    the language analysis has not read this customer's messages (or does not exist yet)."""

    sources: frozenset[str] = frozenset()
    requests: int = 0  # tickets opened by the customer
    after_hours_requests: int = 0
    urgent_requests: int = 0  # tickets opened as urgent or high priority
    messages: int | None = None  # analysed customer messages
    abusive_messages: int | None = None
    urgent_messages: int | None = None
    knows_better_messages: int | None = None
    always_on_messages: int | None = None
    out_of_scope_messages: int | None = None
    incidents: int | None = None  # logged and not dismissed
    incident_refs: tuple[tuple[int, str], ...] = ()  # (ticket id, ISO date), latest first
    revenue: float | None = None
    cost: float | None = None
    minutes: int = 0
    is_lead: bool = False


@dataclass(slots=True)
class Evidence:
    code: str
    params: Mapping[str, object] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "params": dict(self.params)}


@dataclass(slots=True)
class Fit:
    fit: int
    verdict: str
    parts: Mapping[str, float | None]
    evidence: tuple[Evidence, ...]
    recommendation: str

    def as_dict(self) -> dict[str, object]:
        return {
            "fit": self.fit,
            "verdict": self.verdict,
            "parts": {k: None if v is None else round(v, 3) for k, v in self.parts.items()},
            "evidence": [e.as_dict() for e in self.evidence],
            "recommendation": self.recommendation,
        }


def _share(part: int | None, whole: int | None) -> float | None:
    if part is None or not whole:
        return None
    return part / whole


def _hostile_events(signals: FitSignals) -> int:
    # Incidents are logged from abusive messages, so the two overlap: the larger counts.
    return max(signals.incidents or 0, signals.abusive_messages or 0)


def cost_ratio(revenue: float | None, cost: float | None) -> float | None:
    """Cost over revenue; None when there is nothing to compare. A net negative cost
    (credits larger than the work) counts as no cost; no revenue at a cost is infinite."""
    if cost is None:
        return None
    cost = max(cost, 0.0)
    if revenue is None or revenue <= 0:
        return math.inf if cost > 0 else None
    return cost / revenue


def _parts(signals: FitSignals) -> dict[str, float | None]:
    analysed = signals.messages or 0
    parts: dict[str, float | None] = {}
    if not analysed and not signals.incidents:
        parts[RESPECT] = None  # nothing read, nothing logged: no evidence either way
    else:
        respect = 1.0 - _hostile_events(signals) / HOSTILE_EVENTS_ZERO
        knows_better = _share(signals.knows_better_messages, analysed) or 0.0
        parts[RESPECT] = clamp(respect - KNOWS_BETTER_FACTOR * knows_better)
    if signals.requests:
        share = signals.after_hours_requests / signals.requests
        always_on = signals.always_on_messages or 0
        parts[HOURS] = clamp(
            1.0
            - (share - AFTER_HOURS_FREE) / (AFTER_HOURS_ZERO - AFTER_HOURS_FREE)
            - 0.1 * always_on
        )
        urgent = _urgent_share(signals)
        parts[URGENCY] = clamp(1.0 - (urgent - URGENT_FREE) / (URGENT_ZERO - URGENT_FREE))
    else:
        parts[HOURS] = parts[URGENCY] = None
    if signals.out_of_scope_messages is None or not analysed:
        parts[SCOPE] = None
    else:
        parts[SCOPE] = clamp(1.0 - signals.out_of_scope_messages / OUT_OF_SCOPE_ZERO)
    ratio = None if signals.is_lead else cost_ratio(signals.revenue, signals.cost)
    if ratio is None:
        parts[COST] = None
    elif math.isinf(ratio):
        parts[COST] = 0.0
    else:
        parts[COST] = clamp(1.0 - (ratio - COST_RATIO_FREE) / (COST_RATIO_ZERO - COST_RATIO_FREE))
    return parts


def _urgent_share(signals: FitSignals) -> float:
    """Urgent requests by the ticket's priority, or by the analysis of the messages when it
    read more of them as urgent."""
    shares = [signals.urgent_requests / signals.requests] if signals.requests else [0.0]
    if (by_text := _share(signals.urgent_messages, signals.messages)) is not None:
        shares.append(by_text)
    return max(shares)


def _evidence(signals: FitSignals, ratio: float | None) -> list[Evidence]:
    found: list[Evidence] = []
    hostile = _hostile_events(signals)
    if signals.incidents:
        refs = [{"ticket": t, "date": d} for t, d in signals.incident_refs[:5]]
        found.append(Evidence("incidents", {"count": signals.incidents, "refs": refs}))
    if signals.abusive_messages and signals.abusive_messages >= (signals.incidents or 0):
        found.append(
            Evidence(
                "abusive_messages",
                {"count": signals.abusive_messages, "messages": signals.messages or 0},
            )
        )
    if signals.knows_better_messages:
        found.append(Evidence("knows_better", {"count": signals.knows_better_messages}))
    if signals.requests and signals.after_hours_requests / signals.requests > AFTER_HOURS_FREE:
        found.append(
            Evidence(
                "after_hours",
                {
                    "count": signals.after_hours_requests,
                    "requests": signals.requests,
                    "percent": round(100 * signals.after_hours_requests / signals.requests),
                },
            )
        )
    if signals.always_on_messages:
        found.append(Evidence("always_on", {"count": signals.always_on_messages}))
    if signals.requests:
        urgent = _urgent_share(signals)
        if urgent >= URGENT_FREE:
            found.append(Evidence("urgent", {"percent": round(100 * urgent)}))
    if signals.out_of_scope_messages:
        found.append(Evidence("out_of_scope", {"count": signals.out_of_scope_messages}))
    if ratio is not None and ratio >= COST_RATIO_FREE:
        found.append(
            Evidence(
                "cost_over_revenue" if not math.isinf(ratio) else "cost_without_revenue",
                {
                    "percent": None if math.isinf(ratio) else round(100 * ratio),
                    "cost": round(max(signals.cost or 0.0, 0.0)),
                    "revenue": round(signals.revenue or 0.0),
                    "hours": round(signals.minutes / 60, 1),
                },
            )
        )
    if signals.cost is not None and signals.cost < 0:
        found.append(Evidence("negative_costs", {"cost": round(signals.cost)}))
    if hostile == 0 and not found and signals.requests < MIN_REQUESTS:
        found.append(Evidence("little_history", {"requests": signals.requests}))
    return found


def _boundary_signals(signals: FitSignals, ratio: float | None) -> int:
    count = 0
    if signals.requests >= MIN_REQUESTS:
        if signals.after_hours_requests / signals.requests >= AFTER_HOURS_SIGNAL:
            count += 1
        if _urgent_share(signals) >= URGENT_SIGNAL:
            count += 1
    if (signals.out_of_scope_messages or 0) >= OUT_OF_SCOPE_SIGNAL:
        count += 1
    if (signals.always_on_messages or 0) >= ALWAYS_ON_SIGNAL:
        count += 1
    if ratio is not None and ratio >= COST_RATIO_SIGNAL and not signals.is_lead:
        count += 1
    return count


RECOMMENDATIONS: Final[Mapping[str, str]] = {
    GOOD: "keep",
    REVIEW: "review",
    BOUNDARY_LESS: "service_agreement",
    HOSTILE: "part_ways",
}


def fit_score(signals: FitSignals) -> Fit:
    """0-100 (100: a customer we want) with the verdict, its evidence and recommendation.

    Hostile (rude or contemptuous HOSTILE_EVENTS times or more) wins over boundary-less
    (BOUNDARY_SIGNALS or more of: after-hours, everything urgent, out of scope, around the
    clock, cost above revenue); a low fit otherwise is put up for review.
    """
    parts = _parts(signals)
    scored = [(FIT_WEIGHTS[name], value) for name, value in parts.items() if value is not None]
    total = sum(weight for weight, _v in scored) + FIT_PRIOR_WEIGHT
    raw = sum(weight * value for weight, value in scored) + FIT_PRIOR_WEIGHT * FIT_PRIOR_SCORE
    fit = round(clamp(100.0 * raw / total, 0.0, 100.0))
    ratio = None if signals.is_lead else cost_ratio(signals.revenue, signals.cost)
    if _hostile_events(signals) >= HOSTILE_EVENTS:
        verdict = HOSTILE
    elif _boundary_signals(signals, ratio) >= BOUNDARY_SIGNALS:
        verdict = BOUNDARY_LESS
    elif fit < REVIEW_BELOW:
        verdict = REVIEW
    else:
        verdict = GOOD
    return Fit(fit, verdict, parts, tuple(_evidence(signals, ratio)), RECOMMENDATIONS[verdict])


# --- cost-to-serve and the whale curve ---------------------------------------------------

# Hourly cost of staff time by role when the business has not set its own (in the
# business currency; managers change them on the health settings page).
DEFAULT_COST_RATES: Final[Mapping[str, float]] = {
    "agent": 120.0,
    "team_lead": 160.0,
    "manager": 220.0,
    "admin": 160.0,
}
DEFAULT_HOURLY_COST: Final = 120.0


@dataclass(slots=True)
class Cost:
    labour: float
    other: float

    @property
    def total(self) -> float:
        return self.labour + self.other


def cost_to_serve(
    minutes_by_role: Mapping[str, int],
    rates: Mapping[str, float],
    other_costs: float = 0.0,
    *,
    default_rate: float = DEFAULT_HOURLY_COST,
) -> Cost:
    """Minutes worked by each role at that role's hourly rate, plus other costs (which may
    be negative: a credit). A rate that is missing, negative or not finite uses the
    default rate."""
    labour = 0.0
    for role, minutes in minutes_by_role.items():
        rate = rates.get(role, default_rate)
        if not (isinstance(rate, int | float) and math.isfinite(rate) and rate >= 0):
            rate = default_rate
        labour += max(minutes, 0) / 60.0 * rate
    other = other_costs if math.isfinite(other_costs) else 0.0
    return Cost(labour, other)


@dataclass(frozen=True)
class WhaleCurve:
    """Customers sorted by profit, best first: the share of customers (x, %) against the
    cumulative profit (y, in money and, when the total is positive, % of the total)."""

    customer_ids: tuple[int, ...]
    x_percent: tuple[float, ...]
    cumulative: tuple[float, ...]
    cumulative_percent: tuple[float, ...] | None
    total: float
    peak: float
    peak_at_percent: float


def whale_curve(profits: Sequence[tuple[int, float]]) -> WhaleCurve:
    ordered = sorted(
        ((cid, p if math.isfinite(p) else 0.0) for cid, p in profits),
        key=lambda row: (-row[1], row[0]),
    )
    count = len(ordered)
    running = 0.0
    cumulative: list[float] = []
    for _cid, profit in ordered:
        running += profit
        cumulative.append(running)
    total = running
    x = tuple(100.0 * (index + 1) / count for index in range(count))
    percent = tuple(100.0 * value / total for value in cumulative) if total > 0 else None
    if cumulative:
        peak_index = max(range(count), key=lambda i: (cumulative[i], -i))
        peak, peak_at = cumulative[peak_index], x[peak_index]
    else:
        peak, peak_at = 0.0, 0.0
    return WhaleCurve(
        tuple(cid for cid, _p in ordered), x, tuple(cumulative), percent, total, peak, peak_at
    )
