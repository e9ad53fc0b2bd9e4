"""The health card on the customer page and the playbook on the ticket page."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import get_language

from shomer.customers.models import Customer
from shomer.health import charts, reasons
from shomer.health.models import CustomerScore
from shomer.health.services import manages_health, playbook_for

register = template.Library()


def _score(customer: Customer) -> CustomerScore | None:
    try:
        return customer.score
    except CustomerScore.DoesNotExist:
        return None


@register.inclusion_tag("health/_customer_health.html", takes_context=True)
def customer_health(context: template.Context, customer: Customer) -> dict[str, Any]:
    score = _score(customer)
    details = score.details if score else {}
    health = [
        {
            "label": reasons.component_label(r["component"]),
            "text": reasons.health_reason(r),
            "points": r.get("points") or 0,
            "has_data": r.get("points") is not None,
        }
        for r in details.get("health", [])
    ]
    fit = details.get("fit", {})
    churn = details.get("churn", {})
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "customer": customer,
        "score": score,
        "health": health,
        "limited": details.get("limited", False),
        "action": reasons.action_text(details.get("action", {})) if score else "",
        "type_label": reasons.type_label(score.customer_type) if score else "",
        "type_reasons": [
            reasons.type_reason(r) for r in details.get("type", {}).get("reasons", [])
        ],
        "verdict": reasons.verdict_label(fit.get("verdict", "")),
        "recommendation": reasons.recommendation(fit.get("recommendation", "")),
        "evidence": [reasons.evidence_text(e) for e in fit.get("evidence", [])],
        "churn_reasons": [reasons.churn_reason(r) for r in churn.get("reasons", [])],
        "churn_note": reasons.churn_note(churn["note"]) if churn.get("note") else "",
        "money": details.get("money", {}),
        "figure": charts.history_figure(customer, timezone.localdate()) if score else None,
        "can_offboard": user is not None and manages_health(user),
    }


@register.inclusion_tag("health/_ticket_playbook.html")
def ticket_playbook(customer: Customer | None) -> dict[str, Any]:
    score = _score(customer) if customer is not None else None
    if score is None or not score.customer_type:
        return {"score": None}
    playbook = playbook_for(score.customer_type)
    language = "en" if (get_language() or "he").startswith("en") else "he"
    texts = {}
    if playbook is not None:
        for part in ("works", "avoid", "choices"):
            texts[part] = [
                line
                for line in getattr(playbook, f"{part}_{language}").splitlines()
                if line.strip()
            ]
    details = score.details or {}
    return {
        "score": score,
        "type_label": reasons.type_label(score.customer_type),
        "type_reasons": [
            reasons.type_reason(r) for r in details.get("type", {}).get("reasons", [])
        ],
        "texts": texts,
        "action": reasons.action_text(details.get("action", {})),
    }


@register.filter
def percent(value: object) -> str:
    """0.23 -> "23%"; anything else (no score yet) -> a dash."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "—"
    return f"{round(100 * value)}%"
