from __future__ import annotations

from celery import shared_task

from shomer.sla.scan import run_scan


@shared_task
def scan_timers() -> dict[str, int]:
    """Warn and escalate the SLA timers that are due (Celery beat, every minute); safe to
    run twice or on two workers at once."""
    result = run_scan()
    return {"warned": result.warned, "breached": result.breached, "escalated": result.escalated}
