"""Survey results for the staff page: figures, the CSAT trend and NPS distribution as plotly
figures (plain dicts, drawn by static/feedback/js/feedback-charts.js), recent answers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Final

from django.db.models import Count
from django.utils.translation import gettext as _

from shomer.feedback import rules
from shomer.feedback.models import Survey, SurveyAnswer, SurveyKind
from shomer.outreach.models import SendStatus
from shomer.outreach.services import ZONE, today

TREND_WEEKS: Final = 26
PERIOD_DAYS: Final = 90
FONT: Final = {"family": "Noto Sans Hebrew, Noto Sans, Arial, sans-serif"}


@dataclass(frozen=True)
class Summary:
    csat_percent: float | None
    csat_mean: float | None
    csat_answers: int
    nps: float | None
    nps_answers: int
    promoters: int
    passives: int
    detractors: int
    sent: int
    answered: int
    complaints: int
    skipped: dict[str, int]

    @property
    def response_rate(self) -> float | None:
        return 100.0 * self.answered / self.sent if self.sent else None


def summary(now: dt.datetime, days: int = PERIOD_DAYS) -> Summary:
    since = now - dt.timedelta(days=days)
    answers = list(
        SurveyAnswer.objects.filter(answered_at__gte=since, answered_at__lte=now).values_list(
            "kind", "rating", "complaint_id"
        )
    )
    csat = [r for kind, r, _c in answers if kind == SurveyKind.CSAT]
    nps = [r for kind, r, _c in answers if kind == SurveyKind.NPS]
    groups = [rules.nps_group(r) for r in nps]
    surveys = Survey.objects.filter(created_at__gte=since, created_at__lte=now)
    skipped = dict(
        surveys.filter(status=SendStatus.SKIPPED)
        .values("reason")
        .annotate(n=Count("pk"))
        .values_list("reason", "n")
    )
    sent = surveys.filter(sent_at__isnull=False)
    return Summary(
        csat_percent=rules.csat_percent(csat),
        csat_mean=sum(csat) / len(csat) if csat else None,
        csat_answers=len(csat),
        nps=rules.nps_score(nps),
        nps_answers=len(nps),
        promoters=groups.count("promoter"),
        passives=groups.count("passive"),
        detractors=groups.count("detractor"),
        sent=sent.count(),
        answered=sent.filter(answer__isnull=False).count(),
        complaints=sum(1 for _k, _r, complaint in answers if complaint),
        skipped=skipped,
    )


def csat_trend_figure(now: dt.datetime, weeks: int = TREND_WEEKS) -> dict[str, Any]:
    start = now - dt.timedelta(weeks=weeks + 1)
    rows = SurveyAnswer.objects.filter(
        kind=SurveyKind.CSAT, answered_at__gte=start, answered_at__lte=now
    ).values_list("answered_at", "rating")
    points = rules.csat_trend(
        ((at.astimezone(ZONE).date(), rating) for at, rating in rows), today(now), weeks
    )
    label = _("Satisfied (4-5), %")
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": [p.week_start.isoformat() for p in points],
                "y": [
                    None if p.satisfied_percent is None else round(p.satisfied_percent, 1)
                    for p in points
                ],
                "customdata": [p.answers for p in points],
                "name": label,
                "line": {"color": "#0f5e5b"},
                "connectgaps": False,
                "hovertemplate": "%{x}: %{y}% (%{customdata})<extra></extra>",
            },
            {
                "type": "bar",
                "x": [p.week_start.isoformat() for p in points],
                "y": [p.answers for p in points],
                "name": _("Answers"),
                "yaxis": "y2",
                "marker": {"color": "#c7d3dc"},
                "hovertemplate": "%{x}: %{y}<extra></extra>",
            },
        ],
        "layout": {
            "yaxis": {"title": {"text": label}, "range": [0, 100]},
            "yaxis2": {
                "overlaying": "y",
                "side": "right",
                "showgrid": False,
                "tickformat": ",d",
                "rangemode": "tozero",
            },
            "xaxis": {"type": "date"},
            "legend": {"orientation": "h", "y": -0.2},
            "margin": {"t": 20, "r": 50, "b": 60, "l": 60},
            "height": 320,
            "font": FONT,
        },
    }


def nps_figure(now: dt.datetime, days: int = 365) -> dict[str, Any]:
    ratings = SurveyAnswer.objects.filter(
        kind=SurveyKind.NPS, answered_at__gte=now - dt.timedelta(days=days), answered_at__lte=now
    ).values_list("rating", flat=True)
    counts = rules.distribution(rules.NPS, ratings)
    colours = ["#b3261e" if r <= 6 else ("#c99a06" if r <= 8 else "#1e7a46") for r in range(11)]
    return {
        "data": [
            {
                "type": "bar",
                "x": list(range(11)),
                "y": counts,
                "marker": {"color": colours},
                "name": _("Answers"),
                "hovertemplate": "%{x}: %{y}<extra></extra>",
            }
        ],
        "layout": {
            "xaxis": {"title": {"text": _("Rating (0-10)")}, "dtick": 1},
            "yaxis": {"title": {"text": _("Answers")}, "rangemode": "tozero"},
            "margin": {"t": 20, "r": 20, "b": 50, "l": 60},
            "height": 300,
            "font": FONT,
        },
    }


def recent_answers(limit: int = 30) -> list[SurveyAnswer]:
    return list(
        SurveyAnswer.objects.select_related("customer", "contact", "ticket", "complaint").order_by(
            "-answered_at", "-id"
        )[:limit]
    )
