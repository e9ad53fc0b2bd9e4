from __future__ import annotations

from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from shomer.core.audit import history
from tests.conftest import PASSWORD


def current_code(device: TOTPDevice, drift: int = 0) -> str:
    """The app's code now (drift 0) or one time step ahead (drift 1): a code, once accepted,
    is never accepted again, so a second use in the same test needs the next step's."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, drift):06d}"


def sign_in(username: str) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_setting_up_two_factor_then_signing_in_asks_for_a_code(dana):
    client = sign_in("dana")
    page = client.get(reverse("security")).content.decode()
    device = TOTPDevice.objects.get(user=dana, confirmed=False)
    assert (
        f'data-testid="two-factor-secret">{device.config_url.split("secret=")[1].split("&")[0]}<'
        in page
    )
    assert "<svg" in page
    assert client.post(reverse("security"), {"code": "000000"}).status_code == 422
    device.refresh_from_db()
    device.throttling_failure_count = 0  # a wrong code delays the next try; the test need not wait
    device.save()
    client.post(reverse("security"), {"code": current_code(device)})
    device.refresh_from_db()
    assert device.confirmed
    assert [e.action for e in history(dana)] == ["user.2fa_enabled"]

    again = sign_in("dana")
    held = again.get(reverse("inbox"))
    assert held.status_code == 302
    assert held["Location"].startswith(reverse("two-factor-verify"))
    assert again.get("/api/tickets/").status_code == 403
    wrong = again.post(reverse("two-factor-verify"), {"code": "123456"})
    assert wrong.status_code == 422
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.save()
    # The code that confirmed the device cannot be replayed.
    assert (
        again.post(reverse("two-factor-verify"), {"code": current_code(device)}).status_code == 422
    )
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    ok = again.post(
        reverse("two-factor-verify"), {"code": current_code(device, drift=1), "next": "/inbox/"}
    )
    assert ok["Location"] == "/inbox/"
    assert again.get(reverse("inbox")).status_code == 200


def test_without_a_device_sign_in_needs_no_code(dana):
    assert sign_in("dana").get(reverse("inbox")).status_code == 200


@override_settings(SHOMER_2FA_REQUIRED_ROLES=["manager"])
def test_a_role_that_requires_it_is_sent_to_set_it_up(yossi, dana):
    held = sign_in("yossi").get(reverse("inbox"))
    assert held["Location"].startswith(reverse("security"))
    assert sign_in("dana").get(reverse("inbox")).status_code == 200


def test_turning_it_off_needs_a_current_code(dana):
    device = TOTPDevice.objects.create(user=dana, name="a", confirmed=True)
    client = Client()
    client.force_login(dana)
    client.post(reverse("two-factor-verify"), {"code": current_code(device)})
    client.post(reverse("security"), {"action": "disable", "code": "000000"})
    assert TOTPDevice.objects.filter(user=dana, confirmed=True).exists()
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.save()
    client.post(reverse("security"), {"action": "disable", "code": current_code(device, drift=1)})
    assert not TOTPDevice.objects.filter(user=dana).exists()


def test_a_code_page_redirect_never_leaves_the_site(dana):
    device = TOTPDevice.objects.create(user=dana, name="a", confirmed=True)
    client = sign_in("dana")
    response = client.post(
        reverse("two-factor-verify"),
        {"code": current_code(device), "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"
