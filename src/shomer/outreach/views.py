"""Outreach pages: the touchpoints calendar and the collections queue (all staff read them;
managers decide holds and reword blocked reminders; managers and the account owner agree
instalment plans), the template library and the cadences (managers; 403 for others), and
the public one-click unsubscribe."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shomer.channels.web.language import chosen_language, public_page
from shomer.customers.models import Invoice, InvoiceStatus
from shomer.outreach import collections, rules, services, touchpoints
from shomer.outreach.forms import InstalmentForm, PlanForm, RewordForm, SettingsForm, TemplateForm
from shomer.outreach.models import Instalment, InstalmentPlan, PlanStatus, SendStatus, TemplateKey
from shomer.people.models import User


def _may_plan(user: User, invoice: Invoice) -> bool:
    return services.is_manager(user) or invoice.customer.owner_id == user.pk


@login_required
@require_GET
def calendar_page(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    days = touchpoints.upcoming(now)
    context = {
        "days": sorted(days.items()),
        "today": services.today(now),
        "horizon": touchpoints.PLAN_DAYS,
    }
    return render(request, "outreach/calendar.html", context)


@login_required
@require_GET
def collections_page(request: HttpRequest) -> HttpResponse:
    context = {**collections.queue(timezone.now()), "is_manager": services.is_manager(request.user)}
    return render(request, "outreach/collections.html", context)


@login_required
@require_POST
def decide(request: HttpRequest, reminder_id: int) -> HttpResponse:
    reminder = collections.access_reminder(request.user, reminder_id)
    decision = request.POST.get("decision", "")
    if decision not in (
        collections.DECISION_SEND,
        collections.DECISION_HOLD,
    ) or reminder.status not in (
        SendStatus.WAITING_DECISION,
        SendStatus.NEEDS_REVIEW,
        SendStatus.SCHEDULED,
    ):
        return HttpResponse(status=409)
    collections.do_decide(reminder, decision, acting_user=request.user, now=timezone.now())
    return redirect("outreach-collections")


@login_required
@require_POST
def release(request: HttpRequest, reminder_id: int) -> HttpResponse:
    reminder = collections.access_reminder(request.user, reminder_id)
    if reminder.status != SendStatus.HELD:
        return HttpResponse(status=409)
    collections.do_release(reminder, acting_user=request.user, now=timezone.now())
    return redirect("outreach-collections")


@login_required
@require_http_methods(["GET", "POST"])
def reword(request: HttpRequest, reminder_id: int) -> HttpResponse:
    reminder = collections.access_reminder(request.user, reminder_id)
    if reminder.status not in (
        SendStatus.NEEDS_REVIEW,
        SendStatus.WAITING_DECISION,
        SendStatus.SCHEDULED,
    ):
        return HttpResponse(status=409)
    form = RewordForm(
        request.POST or None, initial={"subject": reminder.subject, "body": reminder.body}
    )
    if request.method == "POST" and form.is_valid():
        collections.do_reword(reminder, subject=form.cleaned_data["subject"], body=form.cleaned_data["body"],
                              acting_user=request.user, now=timezone.now())  # fmt: skip
        if reminder.status == SendStatus.NEEDS_REVIEW:
            messages.warning(
                request, _("The tone check still finds the text humiliating. Please reword it.")
            )
            return redirect("outreach-reword", reminder.pk)
        return redirect("outreach-collections")
    return render(request, "outreach/reword.html", {"reminder": reminder, "form": form},
                  status=422 if form.errors else 200)  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def plan_new(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = get_object_or_404(Invoice.objects.select_related("customer__owner"), pk=invoice_id)
    if not _may_plan(request.user, invoice):
        raise PermissionDenied
    if (
        invoice.status != InvoiceStatus.OPEN
        or invoice.plans.filter(status=PlanStatus.ACTIVE).exists()
    ):
        return HttpResponse(status=409)
    today = services.today(timezone.now())
    form = PlanForm(request.POST or None, today=today)
    if request.method == "POST" and form.is_valid():
        collections.do_create_plan(invoice, instalments=form.cleaned_data["instalments"],
                                   first_due=form.cleaned_data["first_due"], acting_user=request.user,
                                   note=form.cleaned_data["note"])  # fmt: skip
        return redirect("outreach-collections")
    count = (
        form.cleaned_data["instalments"]
        if form.is_bound and form.is_valid()
        else collections.OFFERED_INSTALMENTS
    )
    parts = rules.split_amount(invoice.amount, count)
    context = {"invoice": invoice, "form": form, "example": parts[0], "count": count}
    return render(request, "outreach/plan.html", context, status=422 if form.errors else 200)


@login_required
@require_POST
def instalment(request: HttpRequest, instalment_id: int) -> HttpResponse:
    part = get_object_or_404(
        Instalment.objects.select_related("plan__invoice__customer"), pk=instalment_id
    )
    if not _may_plan(request.user, part.plan.invoice):
        raise PermissionDenied
    form = InstalmentForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=422)
    paid_on = form.cleaned_data["paid_on"] if request.POST.get("paid") == "1" else None
    if request.POST.get("paid") == "1" and paid_on is None:
        paid_on = services.today(timezone.now())
    collections.do_mark_instalment(part, paid_on=paid_on, acting_user=request.user)
    return redirect("outreach-collections")


@login_required
@require_POST
def plan_cancel(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_object_or_404(InstalmentPlan.objects.select_related("invoice__customer"), pk=plan_id)
    if not _may_plan(request.user, plan.invoice):
        raise PermissionDenied
    if plan.status != PlanStatus.ACTIVE:
        return HttpResponse(status=409)
    collections.do_cancel_plan(plan, acting_user=request.user)
    return redirect("outreach-collections")


@login_required
@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    services.check_manager(request.user)
    rows = []
    for key, label in TemplateKey.choices:
        texts = {language: services.template_text(key, language) for language in ("he", "en")}
        rows.append({"key": key, "label": label, "texts": texts})
    return render(request, "outreach/templates.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, key: str) -> HttpResponse:
    services.check_manager(request.user)
    if key not in TemplateKey.values:
        raise Http404
    language = request.POST.get("language") or request.GET.get("language") or "he"
    if language not in ("he", "en"):
        raise Http404
    forms = {}
    for lang in ("he", "en"):
        text = services.template_text(key, lang)
        data = request.POST if request.method == "POST" and lang == language else None
        forms[lang] = TemplateForm(
            data, key=key, prefix=lang, initial={"subject": text.subject, "body": text.body}
        )
    form = forms[language]
    if request.method == "POST" and request.POST.get("action") == "reset":
        services.do_reset_template(key, language, acting_user=request.user)
        return redirect(f"{request.path}?language={language}")
    if request.method == "POST" and request.POST.get("action") == "save" and form.is_valid():
        services.do_save_template(key, language, subject=form.cleaned_data["subject"],
                                  body=form.cleaned_data["body"], acting_user=request.user)  # fmt: skip
        messages.success(request, _("The template was saved."))
        return redirect(f"{request.path}?language={language}")
    previews = {}
    for lang, each in forms.items():
        edited = each.is_bound and each.is_valid()
        subject = each.cleaned_data["subject"] if edited else None
        body = each.cleaned_data["body"] if edited else None
        previews[lang] = services.preview(key, lang, subject, body)
    context = {
        "key": key,
        "label": TemplateKey(key).label,
        "forms": forms,
        "previews": previews,
        "variables": rules.allowed_variables(key),
        "defaults": {lang: services.template_text(key, lang).is_default for lang in ("he", "en")},
    }
    return render(
        request, "outreach/template_edit.html", context, status=422 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    services.check_manager(request.user)
    config = services.loyalty_settings()
    form = SettingsForm(request.POST or None, instance=config)
    if request.method == "POST" and form.is_valid():
        services.do_update_settings(
            services.loyalty_settings(), acting_user=request.user, **form.cleaned_data
        )
        messages.success(request, _("The cadences were saved."))
        return redirect("outreach-settings")
    return render(
        request, "outreach/settings.html", {"form": form}, status=422 if form.errors else 200
    )


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no CSRF token;
@public_page  # the signed token is what authorises it, and unsubscribing harms no one.
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (mail scanners open links); POST unsubscribes, from the page or
    the mail client's one-click button."""
    try:
        contact, topic = services.read_unsubscribe(token)
    except services.BadUnsubscribeLink:
        return render(request, "outreach/unsubscribe.html", {"invalid": True}, status=400)
    if not chosen_language(request) and contact.language in ("he", "en"):
        from django.utils import translation

        translation.activate(contact.language)
    done = False
    if request.method == "POST":
        services.do_set_preference(contact, topic, False, source="unsubscribe-link")
        done = True
    context = {
        "contact": contact,
        "topic": topic,
        "done": done,
        "accepts": services.accepts(contact, topic),
    }
    return render(request, "outreach/unsubscribe.html", context)
