"""Pages for two-factor sign-in: the code page and the set-up page."""

from __future__ import annotations

from io import BytesIO

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp import match_token, user_has_device

from shomer.people import two_factor


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Code from your authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the six digits the app shows.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "dir": "ltr"}
        ),
    )

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).strip()


def _next(request: HttpRequest) -> str:
    target = request.GET.get("next") or request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return "/"
    return target


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    if not user_has_device(request.user) or request.user.is_verified():
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    if form.is_valid():
        device = match_token(request.user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error("code", _("That code is not right, or has expired. Try the current one."))
    status = 422 if request.method == "POST" else 200
    return render(
        request, "people/verify.html", {"form": form, "next": _next(request)}, status=status
    )


def _qr_svg(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


@login_required
def security(request: HttpRequest) -> HttpResponse:
    user = request.user
    enabled = user_has_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        if enabled and request.POST.get("action") == "disable":
            if two_factor.do_disable(user, code):
                return redirect("security")
        elif not enabled:
            device = two_factor.pending_device(user)
            if two_factor.do_confirm_device(user, device, code):
                otp_login(request, device)
                return redirect(_next(request) if request.GET.get("next") else "security")
        form.add_error("code", _("That code is not right, or has expired. Try the current one."))
    context = {"form": form, "enabled": enabled, "required": two_factor.requires_device(user)}
    if not enabled:
        device = two_factor.pending_device(user)
        context["secret"] = device.config_url.split("secret=")[1].split("&")[0]
        context["qr"] = mark_safe(_qr_svg(device.config_url))
    status = 422 if request.method == "POST" else 200
    return render(request, "people/security.html", context, status=status)
