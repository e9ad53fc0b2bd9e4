"""Complaint pages: the list, my complaints, one complaint with its steps, the themes, staff
exposure, and the manager's actions on a ticket with incidents. Each view: access, validate,
one service, render; a rule that stops the action shows its sentence (422, or 403)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shomer.complaints import forms, services, staff, theming
from shomer.complaints.models import Complaint, Step
from shomer.conversations.forms import AssignForm
from shomer.conversations.services import access_ticket
from shomer.people.models import User

PAGE_SIZE = 30
EXPOSURE_DAYS = (7, 30, 90, 365)


# --- lists --------------------------------------------------------------------------------


def _filtered(request: HttpRequest, complaints: Any) -> tuple[Any, forms.ComplaintFilterForm]:
    form = forms.ComplaintFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    show = data.get("show") or "open"
    if show == "open":
        complaints = complaints.filter(step__in=services.OPEN_STEPS)
    elif show == "resolved":
        complaints = complaints.filter(step=Step.RESOLVED)
    elif show == "closed":
        complaints = complaints.filter(step=Step.FOLLOWED_UP)
    if data.get("step"):
        complaints = complaints.filter(step=data["step"])
    if data.get("about_staff"):
        complaints = complaints.filter(employees__isnull=False).distinct()
    return complaints, form


def _list(request: HttpRequest, complaints: Any, template: str, **extra: Any) -> HttpResponse:
    complaints, form = _filtered(request, complaints)
    complaints = complaints.select_related(
        "ticket", "ticket__assignee", "customer", "theme"
    ).prefetch_related("employees__employee")
    page = Paginator(complaints.order_by("-created_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "form": form, "show": form.data.get("show") or "open", **extra}
    return render(request, template, context)


@login_required
def complaint_list(request: HttpRequest) -> HttpResponse:
    return _list(request, services.visible_complaints(request.user), "complaints/list.html")


@login_required
def my_complaints(request: HttpRequest) -> HttpResponse:
    """The complaints that name me, wherever their ticket is queued."""
    complaints = services.visible_complaints(request.user).filter(employees__employee=request.user)
    return _list(request, complaints, "complaints/mine.html")


# --- one complaint ------------------------------------------------------------------------


def _forms(request: HttpRequest, complaint: Complaint) -> dict[str, django_forms.Form]:
    user = request.user
    return {
        "acknowledge_form": forms.AcknowledgeForm(
            initial={"body": services.acknowledgement_text(complaint, user)}
        ),
        "name_form": forms.NameEmployeeForm(),
        "participant_form": forms.ParticipantForm(),
        "answer_form": forms.AnswerForm(),
        "meeting_form": forms.MeetingForm(),
        "answer_for_form": forms.AnswerForForm(),
        "investigation_form": forms.InvestigationForm(),
        "review_form": forms.ReviewForm(initial={"verdict": complaint.verdict}),
        "resolve_form": forms.ResolveForm(),
        "follow_up_form": forms.FollowUpForm(),
        "reopen_form": forms.ReopenForm(),
    }


def complaint_context(
    request: HttpRequest, complaint: Complaint, **overrides: Any
) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    employees = list(complaint.employees.select_related("employee"))
    heard = {item.employee_id: item for item in services.named_employees(complaint)}
    return {
        "complaint": complaint,
        "ticket": complaint.ticket,
        "steps": services.stepper(complaint),
        "blockers": services.blockers(complaint),
        "employees": [
            {"named": named, "is_included": heard[named.employee_id].is_included}
            for named in employees
        ],
        "former_employees": [named.employee for named in employees if not named.employee.is_active],
        "participants": complaint.participants.select_related("user"),
        "entries": complaint.entries.select_related("employee", "author"),
        "events": complaint.events.select_related("actor"),
        "can_handle": services.can_handle(user, complaint),
        "can_see_ticket": services.can_work_on_ticket(user, complaint.ticket),
        "can_review": services.can_review(user, complaint) and complaint.employees.exists(),
        "is_named": services.is_named(user, complaint),
        "is_manager": user.sees_all_tickets,
        "has_shielded": complaint.ticket.messages.filter(analysis__is_shielded=True).exists(),
        "wrote_again": services.wrote_after_follow_up(complaint),
        "next": complaint.get_absolute_url(),
        **_forms(request, complaint),
        **overrides,
    }


@login_required
def complaint_page(request: HttpRequest, complaint_id: int) -> HttpResponse:
    complaint = services.access_complaint(request.user, complaint_id)
    return render(request, "complaints/complaint.html", complaint_context(request, complaint))


def _back(request: HttpRequest, complaint: Complaint) -> HttpResponse:
    """Back where the form was (the ticket page or the complaint page)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect(complaint)


def _act(
    request: HttpRequest,
    complaint_id: int,
    form_class: type[django_forms.Form],
    form_name: str,
    action: Callable[[Complaint, Any, User], object],
    done: str,
) -> HttpResponse:
    """Validate the form, run the service, and go back; a form error or a rule of the
    workflow shows the complaint page with the reason."""
    complaint = services.access_complaint(request.user, complaint_id)
    form = form_class(request.POST)
    if not form.is_valid():
        context = complaint_context(request, complaint, **{form_name: form})
        return render(request, "complaints/complaint.html", context, status=422)
    try:
        action(complaint, form, request.user)  # type: ignore[arg-type]
    except services.ComplaintError as error:
        form.add_error(None, error.message)
        status = 403 if isinstance(error, PermissionDenied) else 422
        context = complaint_context(request, complaint, **{form_name: form}, error=error.message)
        return render(request, "complaints/complaint.html", context, status=status)
    messages.success(request, done)
    return _back(request, complaint)


@require_POST
@login_required
def acknowledge(request: HttpRequest, complaint_id: int) -> HttpResponse:
    return _act(
        request,
        complaint_id,
        forms.AcknowledgeForm,
        "acknowledge_form",
        lambda c, f, u: services.do_acknowledge(c, body_text=f.cleaned_data["body"], acting_user=u),
        _("The customer was told: we heard you."),
    )


@require_POST
@login_required
def name_employee(request: HttpRequest, complaint_id: int) -> HttpResponse:
    return _act(
        request,
        complaint_id,
        forms.NameEmployeeForm,
        "name_form",
        lambda c, f, u: services.do_name_employee(c, f.cleaned_data["employee"], acting_user=u),
        _("The employee is named; they were told and can answer."),
    )


@require_POST
@login_required
def add_participant(request: HttpRequest, complaint_id: int) -> HttpResponse:
    return _act(
        request,
        complaint_id,
        forms.ParticipantForm,
        "participant_form",
        lambda c, f, u: services.do_add_participant(c, f.cleaned_data["user"], acting_user=u),
        _("Added to the investigation."),
    )


@require_POST
@login_required
def answer(request: HttpRequest, complaint_id: int) -> HttpResponse:
    return _act(
        request,
        complaint_id,
        forms.AnswerForm,
        "answer_form",
        lambda c, f, u: services.do_answer(c, text=f.cleaned_data["text"], employee=u),
        _("Your answer is part of the discussion."),
    )


@require_POST
@login_required
def log_meeting(request: HttpRequest, complaint_id: int) -> HttpResponse:
    return _act(
        request,
        complaint_id,
        forms.MeetingForm,
        "meeting_form",
        lambda c, f, u: services.do_log_meeting(
            c,
            employee=f.cleaned_data["employee"],
            text=f.cleaned_data["text"],
            met_on=f.cleaned_data["met_on"],
            acting_user=u,
        ),
        _("The meeting is logged."),
    )


@require_POST
@login_required
def answer_for(request: HttpRequest, complaint_id: int) -> HttpResponse:
    return _act(
        request,
        complaint_id,
        forms.AnswerForForm,
        "answer_for_form",
        lambda c, f, u: services.do_answer_for(
            c, employee=f.cleaned_data["employee"], text=f.cleaned_data["text"], acting_user=u
        ),
        _("The answer is part of the discussion."),
    )


@require_POST
@login_required
def investigate(request: HttpRequest, complaint_id: int) -> HttpResponse:
    return _act(
        request,
        complaint_id,
        forms.InvestigationForm,
        "investigation_form",
        lambda c, f, u: services.do_finish_investigation(
            c, findings=f.cleaned_data["findings"], acting_user=u
        ),
        _("The investigation is recorded."),
    )


@require_POST
@login_required
def review(request: HttpRequest, complaint_id: int) -> HttpResponse:
    return _act(
        request,
        complaint_id,
        forms.ReviewForm,
        "review_form",
        lambda c, f, u: services.do_review(
            c, verdict=f.cleaned_data["verdict"], notes=f.cleaned_data["notes"], acting_user=u
        ),
        _("Your review is recorded."),
    )


@require_POST
@login_required
def resolve(request: HttpRequest, complaint_id: int) -> HttpResponse:
    return _act(
        request,
        complaint_id,
        forms.ResolveForm,
        "resolve_form",
        lambda c, f, u: services.do_resolve(
            c,
            resolution=f.cleaned_data["resolution"],
            verdict=f.cleaned_data["verdict"],
            acting_user=u,
        ),
        _("The complaint is resolved; the follow-up is scheduled."),
    )


@require_POST
@login_required
def follow_up(request: HttpRequest, complaint_id: int) -> HttpResponse:
    return _act(
        request,
        complaint_id,
        forms.FollowUpForm,
        "follow_up_form",
        lambda c, f, u: services.do_follow_up(
            c, notes=f.cleaned_data["notes"], is_satisfied=f.is_satisfied(), acting_user=u
        ),
        _("The follow-up is recorded."),
    )


@require_POST
@login_required
def reopen(request: HttpRequest, complaint_id: int) -> HttpResponse:
    return _act(
        request,
        complaint_id,
        forms.ReopenForm,
        "reopen_form",
        lambda c, f, u: services.do_reopen(c, reason=f.cleaned_data["reason"], acting_user=u),
        _("The complaint is reopened; its history is kept."),
    )


# --- from the ticket page -------------------------------------------------------------------


@require_POST
@login_required
def open_on_ticket(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = access_ticket(request.user, ticket_id)
    accepted = request.POST.get("proposal") == "1"
    if accepted:
        services.do_accept_proposal(ticket, acting_user=request.user)
    else:
        services.do_open_complaint(ticket, acting_user=request.user)
    messages.success(request, _("This ticket is now a complaint, on the fast track."))
    return redirect(ticket)


@require_POST
@login_required
def dismiss_proposal(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = access_ticket(request.user, ticket_id)
    services.do_dismiss_proposal(ticket, acting_user=request.user)
    return redirect(ticket)


# --- themes and exposure ------------------------------------------------------------------


@login_required
def themes_page(request: HttpRequest) -> HttpResponse:
    context = {
        **theming.theme_rows(request.user),
        "can_recompute": request.user.sees_all_tickets,
    }
    return render(request, "complaints/themes.html", context)


@require_POST
@login_required
def recompute_themes(request: HttpRequest) -> HttpResponse:
    if not request.user.sees_all_tickets:
        raise PermissionDenied
    themes = theming.do_recompute_themes()
    messages.success(request, _("Themes recomputed: %(count)s found.") % {"count": len(themes)})
    return redirect("complaint-themes")


@login_required
def exposure_page(request: HttpRequest) -> HttpResponse:
    try:
        days = int(request.GET.get("days", 30))
    except ValueError:
        days = 30
    if days not in EXPOSURE_DAYS:
        days = 30
    context = {
        "rows": staff.exposure_report(request.user, days=days),
        "days": days,
        "day_choices": EXPOSURE_DAYS,
    }
    return render(request, "complaints/exposure.html", context)


# --- the manager's actions on a ticket with incidents -------------------------------------


class TeamReplyForm(django_forms.Form):
    body = django_forms.CharField(
        label=_("Reply on the team's behalf"),
        max_length=100_000,
        widget=django_forms.Textarea(attrs={"rows": 8, "dir": "auto"}),
    )


def _protect_context(request: HttpRequest, ticket: Any, **overrides: Any) -> dict[str, Any]:
    return {
        "ticket": ticket,
        "incidents": staff.ticket_incidents(ticket).select_related("message", "reported_by"),
        "assign_form": AssignForm(initial={"assignee": ticket.assignee_id}),
        "reply_form": TeamReplyForm(initial={"body": staff.team_reply_text(ticket, request.user)}),
        "offboarding_url": services.offboarding_url(ticket),
        **overrides,
    }


@login_required
def protect_page(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = access_ticket(request.user, ticket_id)
    staff.check_can_protect(request.user)
    return render(request, "complaints/protect.html", _protect_context(request, ticket))


@require_POST
@login_required
def protect_reassign(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = access_ticket(request.user, ticket_id)
    staff.check_can_protect(request.user)
    form = AssignForm(request.POST)
    if not form.is_valid():
        context = _protect_context(request, ticket, assign_form=form)
        return render(request, "complaints/protect.html", context, status=422)
    staff.do_reassign_after_incident(
        ticket, form.cleaned_data["assignee"], acting_user=request.user
    )
    messages.success(request, _("The ticket was reassigned."))
    return redirect("ticket-protect", ticket_id=ticket.pk)


@require_POST
@login_required
def protect_reply(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = access_ticket(request.user, ticket_id)
    staff.check_can_protect(request.user)
    form = TeamReplyForm(request.POST)
    if not form.is_valid():
        context = _protect_context(request, ticket, reply_form=form)
        return render(request, "complaints/protect.html", context, status=422)
    staff.do_reply_for_team(ticket, body_text=form.cleaned_data["body"], acting_user=request.user)
    messages.success(request, _("Your reply was sent on the team's behalf."))
    return redirect(ticket)
