"""Health pages: at-risk customers (all staff); fit review, the whale curve and sweet spot,
weights and cost rates, playbooks and offboarding (managers only, 403 for others)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from shomer.customers.models import CustomerStatus
from shomer.health import charts, reasons, services
from shomer.health.forms import OffboardingForm, PlaybookForm, SettingsForm
from shomer.health.letters import letter
from shomer.health.models import CustomerScore, FitVerdict, ModelState, Playbook

PAGE_SIZE = 30


def _rows(page: Any) -> list[dict[str, Any]]:
    """What a list shows per customer: the score row and its reasons as sentences."""
    rows = []
    for score in page.object_list:
        details = score.details or {}
        rows.append(
            {
                "score": score,
                "customer": score.customer,
                "action": reasons.action_text(details.get("action", {})),
                "evidence": [
                    reasons.evidence_text(e) for e in details.get("fit", {}).get("evidence", [])
                ],
                "recommendation": reasons.recommendation(
                    details.get("fit", {}).get("recommendation", "")
                ),
                "type": reasons.type_label(score.customer_type),
                "verdict": reasons.verdict_label(score.fit_verdict),
                "worst": _worst(details.get("health", [])),
            }
        )
    return rows


def _worst(health_reasons: list[dict[str, Any]]) -> str:
    costly = [
        r for r in health_reasons if r.get("component") != "prior" and (r.get("points") or 0) < 0
    ]
    if not costly:
        return ""
    return reasons.health_reason(min(costly, key=lambda r: r["points"]))


@login_required
def at_risk(request: HttpRequest) -> HttpResponse:
    scores = (
        CustomerScore.objects.filter(services.at_risk_filter())
        .select_related("customer__owner")
        .order_by("-revenue_at_risk", "health", "customer_id")
    )
    page = Paginator(scores, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": _rows(page),
        "revenue_at_risk": scores.aggregate(total=Sum("revenue_at_risk"))["total"] or 0,
        "currency": services.health_settings().currency,
        "manages": services.manages_health(request.user),
    }
    return render(request, "health/at_risk.html", context)


@login_required
def fit_review(request: HttpRequest) -> HttpResponse:
    services.check_manages_health(request.user)
    to_review = [FitVerdict.HOSTILE, FitVerdict.BOUNDARY_LESS, FitVerdict.REVIEW]
    scores = (
        CustomerScore.objects.filter(
            fit_verdict__in=to_review, customer__status=CustomerStatus.ACTIVE
        )
        .select_related("customer__owner")
        .order_by("fit", "customer_id")
    )
    leads = (
        CustomerScore.objects.filter(customer__status=CustomerStatus.LEAD)
        .select_related("customer__owner")
        .order_by("fit", "customer_id")
    )
    page = Paginator(scores, PAGE_SIZE).get_page(request.GET.get("page"))
    lead_page = Paginator(leads, PAGE_SIZE).get_page(request.GET.get("leads"))
    context = {"page": page, "rows": _rows(page), "lead_rows": _rows(lead_page)}
    return render(request, "health/fit_review.html", context)


@login_required
def book(request: HttpRequest) -> HttpResponse:
    """The whale curve and the sweet spot."""
    services.check_manages_health(request.user)
    curve = charts.whale_curve_figure()
    state = ModelState.objects.filter(key=services.SWEET_SPOT_KEY).first()
    spot = charts.sweet_spot_view(state.data if state else None)
    least = (
        CustomerScore.objects.filter(customer__status=CustomerStatus.ACTIVE)
        .select_related("customer")
        .order_by("profit", "customer_id")[:10]
    )
    context = {
        "curve": curve,
        "spot": spot,
        "least": least,
        "currency": services.health_settings().currency,
    }
    return render(request, "health/book.html", context)


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    services.check_manages_health(request.user)
    config = services.health_settings()
    form = SettingsForm(request.POST or None, config=config)
    if request.method == "POST" and form.is_valid():
        services.do_update_settings(
            config, weights=form.weights(), cost_rates=form.cost_rates(), acting_user=request.user
        )
        messages.success(request, _("Health settings saved; scores are being recomputed."))
        return redirect("health-settings")
    status = 422 if form.errors else 200
    return render(request, "health/settings.html", {"form": form}, status=status)


@login_required
def playbook_list(request: HttpRequest) -> HttpResponse:
    services.check_manages_health(request.user)
    playbooks = [(p, reasons.type_label(p.customer_type)) for p in Playbook.objects.all()]
    return render(request, "health/playbooks.html", {"playbooks": playbooks})


@login_required
def playbook_edit(request: HttpRequest, customer_type: str) -> HttpResponse:
    services.check_manages_health(request.user)
    playbook = get_object_or_404(Playbook, customer_type=customer_type)
    form = PlaybookForm(request.POST or None, instance=playbook)
    if request.method == "POST" and form.is_valid():
        services.do_update_playbook(playbook, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Playbook saved."))
        return redirect("health-playbooks")
    label = reasons.type_label(customer_type)
    status = 422 if form.errors else 200
    return render(
        request, "health/playbook_form.html", {"form": form, "label": label}, status=status
    )


@login_required
def offboard(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = services.access_customer_for_offboarding(request.user, customer_id)
    if customer.status == CustomerStatus.LEFT:
        messages.info(request, _("This customer has already left."))
        return redirect("customer", customer.pk)
    form = OffboardingForm(request.POST or None, initial=_letter_initial(request, customer))
    if request.method == "POST" and form.is_valid():
        services.do_offboard(customer, acting_user=request.user, **_offboard_fields(form))
        messages.success(request, _("The account is closed; its history is kept."))
        return redirect("customer", customer.pk)
    score = CustomerScore.objects.filter(customer=customer).first()
    evidence = [
        reasons.evidence_text(e)
        for e in (score.details.get("fit", {}).get("evidence", []) if score else [])
    ]
    context = {
        "form": form,
        "customer": customer,
        "score": score,
        "evidence": evidence,
        "verdict": reasons.verdict_label(score.fit_verdict) if score else "",
    }
    return render(request, "health/offboard.html", context, status=422 if form.errors else 200)


def _offboard_fields(form: OffboardingForm) -> dict[str, str]:
    data = form.cleaned_data
    return {k: data[k] for k in ("letter", "referral", "reason", "language")}


def _letter_initial(request: HttpRequest, customer: Any) -> dict[str, str]:
    language = request.GET.get("language") or customer.language
    contact = customer.contacts.order_by("-is_primary", "pk").first()
    name = contact.first_name if contact else customer.name
    text = letter(
        language,
        name=name,
        business=settings.SHOMER_BUSINESS_NAME,
        manager=str(request.user),
    )
    return {"language": language if language in ("he", "en") else "he", "letter": text}
