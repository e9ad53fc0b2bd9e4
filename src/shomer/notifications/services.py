"""Notifying staff: the one way to tell someone something, in the app and by e-mail."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from shomer.notifications.models import Notification
from shomer.people.models import User


def do_notify(
    user: User, *, kind: str, title: str, body: str = "", url: str = "", send_email: bool = True
) -> Notification:
    """Create an in-app notification; with `send_email`, mail it after commit.

    `title` and `body` are already translated into the recipient's language by the caller
    (use `django.utils.translation.override(user.language)`).
    """
    notification = Notification.objects.create(
        user=user, kind=kind, title=title[:300], body=body, url=url
    )
    if send_email and user.email:
        from shomer.notifications.tasks import email_notification

        transaction.on_commit(lambda: email_notification.delay(notification.pk))
    return notification


def unread(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user, read_at__isnull=True)


def do_mark_read(user: User, notification_ids: list[int] | None = None) -> int:
    """Mark the user's notifications read (all, or the given ones); returns how many."""
    notifications = unread(user)
    if notification_ids is not None:
        notifications = notifications.filter(pk__in=notification_ids)
    return notifications.update(read_at=timezone.now())
