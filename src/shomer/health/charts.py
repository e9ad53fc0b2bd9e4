"""Figures for plotly (plain dicts, drawn by static/health/js/health-charts.js) and the
sweet spot as rows for a table."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from shomer.customers.models import Customer, CustomerStatus
from shomer.health.fit import whale_curve
from shomer.health.models import CustomerScore, HealthSnapshot
from shomer.health.reasons import sweet_spot_feature

# A curve of 100,000 customers is drawn from at most this many points.
CHART_POINTS = 400
HISTORY_DAYS = 365
TIER_NAMES = ["basic", "standard", "premium", "vip"]


def _layout(**extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "margin": {"l": 60, "r": 20, "t": 20, "b": 50},
        "height": 340,
        "font": {"family": "Noto Sans Hebrew, Noto Sans, Arial, sans-serif"},
        "showlegend": True,
        "legend": {"orientation": "h", "y": -0.2},
    }
    layout.update(extra)
    return layout


def whale_curve_figure() -> dict[str, Any] | None:
    profits = [
        (cid, float(profit))
        for cid, profit in CustomerScore.objects.filter(
            customer__status=CustomerStatus.ACTIVE
        ).values_list("customer_id", "profit")
    ]
    if not profits:
        return None
    curve = whale_curve(profits)
    step = max(1, len(curve.x_percent) // CHART_POINTS)
    indices = list(range(0, len(curve.x_percent), step))
    if indices[-1] != len(curve.x_percent) - 1:
        indices.append(len(curve.x_percent) - 1)
    use_percent = curve.cumulative_percent is not None
    y = curve.cumulative_percent if curve.cumulative_percent is not None else curve.cumulative
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "lines",
                "name": _("Cumulative profit"),
                "x": [round(curve.x_percent[i], 2) for i in indices],
                "y": [round(y[i], 2) for i in indices],
                "line": {"color": "#1f5fbf", "width": 3},
            }
        ],
        "layout": _layout(
            xaxis={
                "title": {"text": _("Customers, most profitable first (percent)")},
                "range": [0, 100],
            },
            yaxis={
                "title": {
                    "text": _("Cumulative profit (percent of the total)")
                    if use_percent
                    else _("Cumulative profit")
                }
            },
        ),
        "summary": {
            "customers": len(profits),
            "total": round(curve.total),
            "peak": round(curve.peak),
            "peak_percent": round(100 * curve.peak / curve.total) if curve.total > 0 else None,
            "peak_at": round(curve.peak_at_percent),
        },
    }


def history_figure(customer: Customer, today: dt.date) -> dict[str, Any] | None:
    rows = list(
        HealthSnapshot.objects.filter(
            customer=customer, on__gte=today - dt.timedelta(days=HISTORY_DAYS)
        )
        .order_by("on")
        .values_list("on", "health", "churn_risk", "fit")
    )
    if len(rows) < 2:  # one day is a point, not a history
        return None
    days = [day.isoformat() for day, *_rest in rows]
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": _("Health"),
                "x": days,
                "y": [health for _d, health, _r, _f in rows],
                "line": {"color": "#067647"},
            },
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": _("Churn risk (percent)"),
                "x": days,
                "y": [None if risk is None else round(100 * risk) for _d, _h, risk, _f in rows],
                "line": {"color": "#b42318", "dash": "dot"},
            },
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": _("Fit"),
                "x": days,
                "y": [fit for _d, _h, _r, fit in rows],
                "line": {"color": "#1f5fbf", "dash": "dash"},
            },
        ],
        "layout": _layout(
            xaxis={"type": "date", "tickformat": "%d/%m/%y"}, yaxis={"range": [0, 100]}, height=280
        ),
    }


def _format(feature: str, value: float | None) -> str:
    if value is None:
        return "—"
    if feature == "tier_rank":
        labels = dict(Customer._meta.get_field("tier").choices or [])
        index = min(max(round(value), 0), len(TIER_NAMES) - 1)
        return str(labels.get(TIER_NAMES[index], TIER_NAMES[index]))
    if feature == "after_hours_share":
        return f"{round(100 * value)}%"
    if feature == "profit":
        return f"{round(value):,}"
    return f"{value:.1f}"


def sweet_spot_view(data: dict[str, Any] | None) -> dict[str, Any] | None:
    if not data:
        return None
    traits = [
        {
            "label": sweet_spot_feature(trait["feature"]),
            "best": _format(trait["feature"], trait["best"]),
            "everyone": _format(trait["feature"], trait["everyone"]),
        }
        for trait in data.get("traits", [])
    ]
    far_ids = [cid for cid, _d in data.get("farthest", [])]
    names = dict(Customer.objects.filter(pk__in=far_ids).values_list("pk", "name"))
    farthest = [
        {"id": cid, "name": names[cid], "distance": distance}
        for cid, distance in data.get("farthest", [])
        if cid in names
    ][:10]
    return {"traits": traits, "farthest": farthest, "best": len(data.get("best", []))}
