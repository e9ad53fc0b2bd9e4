"""The demo writes history: the notifications it makes were told back then, not now."""

from __future__ import annotations

from datetime import datetime

from shomer.notifications.models import Notification


def last_notification() -> int:
    """The newest notification's id (0 without any): what the demo makes comes after it."""
    last: int | None = Notification.objects.order_by("-pk").values_list("pk", flat=True).first()
    return last or 0


def quiet_notifications(after: int, now: datetime) -> None:
    """Mark the notifications made since `after` as e-mailed, so that the worker sends none:
    staff were told when it happened, not all at once on the first start."""
    Notification.objects.filter(pk__gt=after, emailed_at__isnull=True).update(emailed_at=now)
