"""Public pages: the contact form and the widget (framed by any site). No login.

Spam is held off by a per-address rate limit, a honeypot field and signed per-form tokens.
The contact form is CSRF-protected; the widget's forms are not, because its iframe sits on
another site whose visitors' cookies (Django's CSRF cookie among them, SameSite=Lax) never
reach us from there; it has no session to protect, and its signed token still makes every
post one message.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shomer.channels.web import forms, ratelimit, tokens
from shomer.channels.web.language import public_page
from shomer.channels.web.services import do_submit

TABS = ("message", "callback")


def _limited(request: HttpRequest, template: str) -> HttpResponse | None:
    """A 429 page when this address sent too many forms lately, else None."""
    if ratelimit.allow("public-form", ratelimit.client_address(request), ratelimit.FORM_RATE):
        return None
    return render(request, template, {"rate_limited": True}, status=429)


def _thanks_url(name: str, ticket_id: int | None, kind: str) -> str:
    url = reverse(name, args=[tokens.receipt(ticket_id or 0, kind)])
    return f"{url}?lang={translation.get_language()}"


@public_page
@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest) -> HttpResponse:
    form = forms.ContactForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if limited := _limited(request, "channels_web/contact.html"):
            return limited
        if form.is_spam:
            return redirect(_thanks_url("contact-thanks", None, "web"))
        if form.is_valid():
            raw = form.payload(language=translation.get_language(), now=timezone.now())
            submission = do_submit(raw, source="contact-form")
            return redirect(_thanks_url("contact-thanks", submission.result.ticket_id, "web"))
    status = 422 if form.is_bound else 200
    context = {"form": form, "token": form.page_token()}
    return render(request, "channels_web/contact.html", context, status=status)


@public_page
@require_GET
def contact_thanks(request: HttpRequest, token: str) -> HttpResponse:
    receipt = tokens.read_receipt(token)
    ticket_id = receipt[0] if receipt else 0
    return render(request, "channels_web/contact_thanks.html", {"ticket_id": ticket_id})


def _widget_page(request: HttpRequest, status: int = 200, **bound: Any) -> HttpResponse:
    tab = bound.get("tab") or request.GET.get("tab")
    message_form = bound.get("message_form") or forms.WidgetMessageForm()
    callback_form = bound.get("callback_form") or forms.WidgetCallbackForm()
    context = {
        "tab": tab if tab in TABS else "message",
        "message_form": message_form,
        "message_token": message_form.page_token(),
        "callback_form": callback_form,
        "callback_token": callback_form.page_token(),
    }
    return render(request, "channels_web/widget.html", context, status=status)


@xframe_options_exempt
@public_page
@require_GET
def widget(request: HttpRequest) -> HttpResponse:
    return _widget_page(request)


def _widget_post(request: HttpRequest, form: forms.PublicForm, tab: str) -> HttpResponse:
    if limited := _limited(request, "channels_web/widget_done.html"):
        return limited
    if form.is_spam:
        return redirect(_thanks_url("widget-thanks", None, "widget"))
    if not form.is_valid():
        return _widget_page(request, 422, tab=tab, **{f"{tab}_form": form})
    raw = form.payload(language=translation.get_language(), now=timezone.now())
    submission = do_submit(raw, source=f"widget-{tab}")
    return redirect(_thanks_url("widget-thanks", submission.result.ticket_id, tab))


@csrf_exempt
@xframe_options_exempt
@public_page
@require_POST
def widget_message(request: HttpRequest) -> HttpResponse:
    return _widget_post(request, forms.WidgetMessageForm(request.POST), "message")


@csrf_exempt
@xframe_options_exempt
@public_page
@require_POST
def widget_callback(request: HttpRequest) -> HttpResponse:
    return _widget_post(request, forms.WidgetCallbackForm(request.POST), "callback")


@xframe_options_exempt
@public_page
@require_GET
def widget_thanks(request: HttpRequest, token: str) -> HttpResponse:
    receipt = tokens.read_receipt(token)
    ticket_id, kind = receipt if receipt else (0, "message")
    context = {"ticket_id": ticket_id, "is_callback": kind == "callback"}
    return render(request, "channels_web/widget_done.html", context)


@public_page
@require_GET
def widget_config(request: HttpRequest) -> JsonResponse:
    """What the embed script needs: translated labels and the frame's address. Any site
    may read it (it is the same for everyone)."""
    language = translation.get_language()
    response = JsonResponse(
        {
            "lang": language,
            "dir": "rtl" if translation.get_language_bidi() else "ltr",
            "open_label": _("Contact us"),
            "close_label": _("Close"),
            "title": _("Contact %(business)s") % {"business": settings.SHOMER_BUSINESS_NAME},
            "frame": f"{reverse('widget')}?lang={language}",
        },
        json_dumps_params={"ensure_ascii": False},
    )
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=300"
    return response
