"""Customer portal pages. A portal page loads the signed-in contact, then only what
`portal_tickets` lets them see; anything else is a 404, whatever the URL says."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shomer.channels.web import ratelimit
from shomer.channels.web.forms import read_uploads
from shomer.channels.web.language import chosen_language, public_page
from shomer.conversations.models import Status
from shomer.customers.models import Contact
from shomer.portal import services
from shomer.portal.forms import PortalMessageForm, SignInForm
from shomer.portal.tasks import send_sign_in_email

PortalView = Callable[..., HttpResponse]
LINK_STATUS = {services.LINK_INVALID: 400, services.LINK_EXPIRED: 410, services.LINK_USED: 410}


def portal_required(view: PortalView) -> PortalView:
    """Load the signed-in contact (else off to the sign-in page) and speak their language
    unless the visitor chose one."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        contact = services.portal_contact(request)
        if contact is None:
            return redirect("portal-sign-in")
        chose = chosen_language(request) or request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if not chose and contact.language in ("he", "en"):
            translation.activate(contact.language)
            request.LANGUAGE_CODE = contact.language  # type: ignore[attr-defined]
        return view(request, contact, *args, **kwargs)

    return public_page(wrapped)


@portal_required
@require_GET
def home(request: HttpRequest, contact: Contact) -> HttpResponse:
    tickets = (
        services.portal_tickets(contact).select_related("contact").order_by("-updated_at", "-id")
    )
    return render(request, "portal/home.html", {"contact": contact, "tickets": tickets[:200]})


@public_page
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None)
    if request.method == "POST":
        address = ratelimit.client_address(request)
        if not ratelimit.allow("portal-sign-in", address, ratelimit.SIGN_IN_RATE):
            return render(request, "portal/sign_in.html", {"rate_limited": True}, status=429)
        if form.is_valid():
            email = form.cleaned_data["email"].lower()
            # Past its own limit an address gets the same page and no e-mail: the page
            # never tells whether the address is known.
            if ratelimit.allow("portal-sign-in-email", email, ratelimit.SIGN_IN_EMAIL_RATE):
                transaction.on_commit(lambda: send_sign_in_email.delay(email))
            return redirect(f"{reverse('portal-sign-in-sent')}?lang={translation.get_language()}")
    return render(
        request, "portal/sign_in.html", {"form": form}, status=422 if form.errors else 200
    )


@public_page
@require_GET
def sign_in_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/sign_in_sent.html", {"minutes": services.LINK_MAX_AGE // 60})


@public_page
@require_http_methods(["GET", "POST"])
def link(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button and uses nothing up (mail scanners open links); POST signs in."""
    try:
        if request.method == "POST":
            contact = services.do_use_link(token)
            services.sign_in(request, contact)
            return redirect("portal")
        _link, contact = services.read_link(token)
    except services.LinkProblem as problem:
        context = {"problem": problem.code}
        return render(
            request, "portal/link_problem.html", context, status=LINK_STATUS[problem.code]
        )
    return render(request, "portal/link.html", {"contact": contact})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    services.sign_out(request)
    return redirect("portal-sign-in")


def _send(
    request: HttpRequest, contact: Contact, form: PortalMessageForm, ticket: Any = None
) -> int | None:
    result = services.do_send(
        contact,
        ticket=ticket,
        token=form.cleaned_data["token"],
        subject=form.cleaned_data.get("subject", ""),
        message=form.cleaned_data["message"],
        attachments=read_uploads(form.cleaned_data.get("attachments") or []),
        language=translation.get_language(),
        now=timezone.now(),
    )
    return result.ticket_id


@portal_required
@require_http_methods(["GET", "POST"])
def new_ticket(request: HttpRequest, contact: Contact) -> HttpResponse:
    form = PortalMessageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        ticket_id = _send(request, contact, form)
        return redirect("portal-ticket", ticket_id) if ticket_id else redirect("portal")
    context = {"contact": contact, "form": form, "token": form.page_token()}
    return render(request, "portal/new.html", context, status=422 if form.errors else 200)


@portal_required
@require_http_methods(["GET", "POST"])
def ticket_page(request: HttpRequest, contact: Contact, ticket_id: int) -> HttpResponse:
    ticket = services.access_portal_ticket(contact, ticket_id)
    can_answer = ticket.status != Status.CLOSED
    form = PortalMessageForm(request.POST or None, request.FILES or None, with_subject=False)
    if request.method == "POST" and can_answer and form.is_valid():
        _send(request, contact, form, ticket)
        return redirect("portal-ticket", ticket.pk)
    context = {
        "contact": contact,
        "ticket": ticket,
        "thread": services.portal_messages(ticket),
        "form": form,
        "token": form.page_token(),
        "can_answer": can_answer,
    }
    status = 422 if form.errors else (409 if request.method == "POST" else 200)
    return render(request, "portal/ticket.html", context, status=status)
