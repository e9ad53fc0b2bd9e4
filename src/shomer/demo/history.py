"""The demo writes history: what it makes was told back then, not on the first start.

Its notifications are marked e-mailed, and the tasks it queues (those e-mails) run at once
in-process, where they find nothing left to send: the worker of the first start gets no
backlog and nobody's inbox fills with last year's news.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from django.db import transaction

from shomer.celery import app
from shomer.notifications.models import Notification


def last_notification() -> int:
    """The newest notification's id (0 without any): what the demo makes comes after it."""
    last: int | None = Notification.objects.order_by("-pk").values_list("pk", flat=True).first()
    return last or 0


def quiet_notifications(after: int, now: datetime) -> None:
    """Mark the notifications made since `after` as e-mailed, so that nobody is mailed."""
    Notification.objects.filter(pk__gt=after, emailed_at__isnull=True).update(emailed_at=now)


@contextmanager
def as_history(now: datetime) -> Iterator[None]:
    """One transaction whose notifications are quiet by the time it commits, and whose tasks
    run in-process on commit (finding the e-mails already sent) instead of being queued."""
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        with transaction.atomic():
            first = last_notification()
            yield
            quiet_notifications(first, now)
    finally:
        app.conf.task_always_eager = eager
