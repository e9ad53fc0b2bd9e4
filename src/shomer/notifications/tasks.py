from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from shomer.notifications.models import Notification


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=5)
def email_notification(notification_id: int) -> None:
    """Send one notification by e-mail, once (safe to run twice)."""
    notification = Notification.objects.select_related("user").get(pk=notification_id)
    if notification.emailed_at is not None:
        return
    link = f"{settings.SITE_URL}{notification.url}" if notification.url else ""
    send_mail(
        subject=notification.title,
        message="\n\n".join(part for part in (notification.body, link) if part),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[notification.user.email],
    )
    Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
