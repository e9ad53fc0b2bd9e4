"""The manager's SLA pages: calendars, policies and the compliance report (403 for others)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shomer.sla import report, services
from shomer.sla.forms import DAYS, CalendarForm, PolicyForm, ReportForm
from shomer.sla.models import BusinessCalendar, SlaPolicy


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    services.check_manages_sla(request.user)
    context = {
        "calendars": BusinessCalendar.objects.prefetch_related("teams"),
        "policies": SlaPolicy.objects.all(),
        "days": DAYS,
    }
    return render(request, "sla/overview.html", context)


@login_required
def calendar_edit(request: HttpRequest, calendar_id: int | None = None) -> HttpResponse:
    services.check_manages_sla(request.user)
    calendar = get_object_or_404(BusinessCalendar, pk=calendar_id) if calendar_id else None
    form = CalendarForm(request.POST or None, instance=calendar)
    if request.method == "POST" and form.is_valid():
        edited = form.instance
        edited.name, edited.spec = form.cleaned_data["name"], form.spec()
        edited.is_default = edited.is_default or form.cleaned_data["is_default"]
        services.do_save_calendar(edited, acting_user=request.user)
        services.do_set_calendar_teams(edited, form.cleaned_data["teams"], acting_user=request.user)
        messages.success(request, _("Calendar “%(name)s” saved.") % {"name": edited.name})
        return redirect("sla-overview")
    status = 422 if form.errors else 200
    return render(request, "sla/calendar_form.html", {"form": form, "days": DAYS}, status=status)


@login_required
def policy_edit(request: HttpRequest, policy_id: int | None = None) -> HttpResponse:
    services.check_manages_sla(request.user)
    policy = get_object_or_404(SlaPolicy, pk=policy_id) if policy_id else SlaPolicy()
    form = PolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        services.do_save_policy(form.save(commit=False), acting_user=request.user)
        messages.success(request, _("Policy “%(name)s” saved.") % {"name": policy.name})
        return redirect("sla-overview")
    status = 422 if form.errors else 200
    return render(request, "sla/policy_form.html", {"form": form, "policy": policy}, status=status)


@require_POST
@login_required
def policy_delete(request: HttpRequest, policy_id: int) -> HttpResponse:
    services.check_manages_sla(request.user)
    policy = get_object_or_404(SlaPolicy, pk=policy_id)
    services.do_delete_policy(policy, acting_user=request.user)
    messages.success(request, _("Policy “%(name)s” deleted.") % {"name": policy.name})
    return redirect("sla-overview")


@login_required
def report_page(request: HttpRequest) -> HttpResponse:
    services.check_manages_sla(request.user)
    form = ReportForm(request.GET)
    if not form.is_valid():
        return render(request, "sla/report.html", {"form": form, "rows": []}, status=422)
    data = form.cleaned_data
    rows = report.compliance(data["start"], data["end"], by=data["by"], target=data["target"])
    if request.GET.get("format") == "csv":
        return _csv(rows, data)
    context = {
        "form": form,
        "rows": rows,
        "total": report.total(rows),
        "figure": report.figure(rows),
        "by_label": dict(ReportForm.BY)[data["by"]],
    }
    return render(request, "sla/report.html", context)


def _csv(rows: list[report.Row], data: dict[str, object]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"sla-{data['by']}-{data['start']}-{data['end']}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")  # so that spreadsheets read the Hebrew as UTF-8
    report.write_csv(
        rows,
        response,
        by_label=str(dict(ReportForm.BY)[str(data["by"])]),
        target_label=str(report.TARGET_LABELS.get(str(data["target"]), _("All targets"))),
    )
    return response
