"""Agent pages: the inbox and the ticket. Each view: access, validate, one service, render."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from shomer.conversations import forms, services
from shomer.conversations.inbox import default_queue, inbox_tickets
from shomer.conversations.models import Ticket
from shomer.conversations.sidebar import customer_panel
from shomer.core.pagination import CappedCountPaginator as Paginator

PAGE_SIZE = 25


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    data = request.GET.copy()
    data["queue"] = data.get("queue") or default_queue(request.user)
    form = forms.InboxFilterForm(data)
    filters = form.cleaned_data if form.is_valid() else {"queue": data["queue"]}
    tickets = inbox_tickets(request.user, filters)
    page = Paginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
    services.attach_tag_names(page.object_list)  # the rows read `tag_names`
    context = {"form": form, "page": page, "queue": filters.get("queue") or data["queue"]}
    template = "conversations/_ticket_list.html" if request.htmx else "conversations/inbox.html"
    return render(request, template, context)


@login_required
def ticket_page(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = services.access_ticket(request.user, ticket_id)
    return _render_ticket(request, ticket)


def _render_ticket(
    request: HttpRequest, ticket: Ticket, status: int = 200, **forms_with_errors: Any
) -> HttpResponse:
    ticket.refresh_from_db()
    context = {
        "ticket": ticket,
        "messages_in_thread": ticket.messages.select_related("author", "contact", "analysis")
        .prefetch_related("attachments")
        .order_by("created_at", "id"),
        "panel": customer_panel(ticket),
        "reply_form": forms.ReplyForm(),
        "note_form": forms.NoteForm(),
        "assign_form": forms.AssignForm(initial={"assignee": ticket.assignee_id}),
        "properties_form": forms.PropertiesForm(
            initial={
                "status": ticket.status,
                "priority": ticket.priority,
                "kind": ticket.kind,
                "team": ticket.team_id,
            }
        ),
        "tags_form": forms.TagsForm(initial={"tags": ", ".join(t.name for t in ticket.tags.all())}),
        "merge_form": forms.MergeForm(ticket=ticket, user=request.user),
        "time_form": forms.TimeEntryForm(),
        **forms_with_errors,
    }
    template = "conversations/_ticket_body.html" if request.htmx else "conversations/ticket.html"
    return render(request, template, context, status=status)


def _done(request: HttpRequest, ticket: Ticket) -> HttpResponse:
    if request.htmx:
        return _render_ticket(request, ticket)
    return redirect(ticket)


@require_POST
@login_required
def reply(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = services.access_ticket(request.user, ticket_id)
    form = forms.ReplyForm(request.POST)
    if not form.is_valid():
        return _render_ticket(request, ticket, status=422, reply_form=form)
    services.do_reply(
        ticket,
        body_text=form.cleaned_data["body"],
        author=request.user,
        status=form.cleaned_data["status"] or None,
    )
    return _done(request, ticket)


@require_POST
@login_required
def add_note(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = services.access_ticket(request.user, ticket_id)
    form = forms.NoteForm(request.POST)
    if not form.is_valid():
        return _render_ticket(request, ticket, status=422, note_form=form)
    services.do_add_note(ticket, body_text=form.cleaned_data["body"], author=request.user)
    return _done(request, ticket)


@require_POST
@login_required
def assign(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = services.access_ticket(request.user, ticket_id)
    form = forms.AssignForm(request.POST)
    if not form.is_valid():
        return _render_ticket(request, ticket, status=422, assign_form=form)
    services.do_assign(ticket, form.cleaned_data["assignee"], acting_user=request.user)
    return _done(request, ticket)


@require_POST
@login_required
def update_properties(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = services.access_ticket(request.user, ticket_id)
    form = forms.PropertiesForm(request.POST)
    if not form.is_valid():
        return _render_ticket(request, ticket, status=422, properties_form=form)
    services.do_update_ticket(ticket, acting_user=request.user, **form.cleaned_data)
    return _done(request, ticket)


@require_POST
@login_required
def set_tags(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = services.access_ticket(request.user, ticket_id)
    form = forms.TagsForm(request.POST)
    if not form.is_valid():
        return _render_ticket(request, ticket, status=422, tags_form=form)
    services.do_set_tags(ticket, form.cleaned_data["tags"], acting_user=request.user)
    return _done(request, ticket)


@require_POST
@login_required
def merge(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = services.access_ticket(request.user, ticket_id)
    form = forms.MergeForm(request.POST, ticket=ticket, user=request.user)
    if not form.is_valid():
        return _render_ticket(request, ticket, status=422, merge_form=form)
    target = services.do_merge(ticket, form.cleaned_data["target"], acting_user=request.user)
    response = redirect(target)
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target.get_absolute_url()
    return response


@require_POST
@login_required
def log_time(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = services.access_ticket(request.user, ticket_id)
    form = forms.TimeEntryForm(request.POST)
    if not form.is_valid():
        return _render_ticket(request, ticket, status=422, time_form=form)
    services.do_log_time(ticket, user=request.user, **form.cleaned_data)
    return _done(request, ticket)
