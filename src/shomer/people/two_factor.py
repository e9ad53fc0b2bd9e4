"""Two-factor sign-in for staff (TOTP, RFC 6238), on django-otp.

A staff member with a confirmed device signs in with their password and then a code from
their authenticator app; until the code is given, the session reaches nothing but the code
page. Roles listed in SHOMER_2FA_REQUIRED_ROLES must set a device up before anything else.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from shomer.core import audit
from shomer.people.models import User

# Paths a half-signed-in session may still reach.
OPEN_PREFIXES = ("/login/", "/logout/", "/language/", "/account/security/", "/static/")


def requires_device(user: User) -> bool:
    return user.role in settings.SHOMER_2FA_REQUIRED_ROLES


def pending_device(user: User) -> TOTPDevice:
    """The user's device being set up (unconfirmed), created on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def do_confirm_device(user: User, device: TOTPDevice, code: str) -> bool:
    """Confirm a new device with a code from it; True when the code was right."""
    if not device.verify_token(code):
        return False
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit.record("user.2fa_enabled", user, actor=user)
    return True


def do_disable(user: User, code: str) -> bool:
    """Remove two-factor sign-in, proven by a current code; True when it was removed."""
    device = next(iter(TOTPDevice.objects.filter(user=user, confirmed=True)), None)
    if device is None or not device.verify_token(code):
        return False
    TOTPDevice.objects.filter(user=user).delete()
    audit.record("user.2fa_disabled", user, actor=user)
    return True


class TwoFactorMiddleware:
    """Holds a session at the code page (or the set-up page) until two-factor is done."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated or request.path.startswith(OPEN_PREFIXES):
            return self.get_response(request)
        if user_has_device(user):
            if not user.is_verified():
                return self._hold(request, reverse("two-factor-verify"))
        elif requires_device(user):
            return self._hold(request, reverse("security"))
        return self.get_response(request)

    def _hold(self, request: HttpRequest, to: str) -> HttpResponse:
        if request.path.startswith("/api/"):
            message = _("Two-factor sign-in is not complete.")
            return JsonResponse({"detail": message}, status=403)
        return redirect(f"{to}?next={request.get_full_path()}")
