"""Outreach work for Celery beat: plan touchpoints and reminders hourly, send what is due."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from shomer.outreach import collections, touchpoints


@shared_task
def send_due() -> dict[str, dict[str, int]]:
    """Send the touchpoints and payment reminders due now (claimed: never sent twice)."""
    now = timezone.now()
    return {
        "touchpoints": touchpoints.do_send_due(now),
        "collections": collections.do_send_due(now),
    }


@shared_task
def plan_daily() -> dict[str, object]:
    """Hourly (idempotent): the next weeks' touchpoints, each overdue invoice's next step."""
    now = timezone.now()
    return {"touchpoints": touchpoints.do_plan(now), "collections": collections.do_plan(now)}
