"""Survey work for Celery beat: plan the periodic surveys hourly, send what is due often."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from shomer.feedback import services


@shared_task
def send_due_surveys() -> dict[str, int]:
    """Send the surveys due now (claimed one by one: safe on two workers at once)."""
    return services.do_send_due(timezone.now())


@shared_task
def plan_surveys() -> dict[str, int]:
    """Hourly (idempotent): NPS surveys due by the cadence, exit surveys of those who left."""
    now = timezone.now()
    return {"nps": services.do_plan_nps(now), "exit": services.do_plan_exit(now)}
