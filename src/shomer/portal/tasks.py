from __future__ import annotations

from celery import shared_task

from shomer.portal.emails import send_sign_in_links


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=3)
def send_sign_in_email(email: str) -> int:
    """E-mail sign-in links to the contacts of `email` (none: nothing is sent). Run apart
    from the request, so a known and an unknown address take the page the same time."""
    return send_sign_in_links(email)
