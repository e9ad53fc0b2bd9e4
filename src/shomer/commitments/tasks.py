from __future__ import annotations

from celery import shared_task

from shomer.commitments.scan import run_scan


@shared_task
def scan_commitments() -> dict[str, int]:
    """Remind owners and break overdue promises (Celery beat, every minute); safe to run
    twice or on two workers at once."""
    result = run_scan()
    return {"reminded": result.reminded, "broken": result.broken}
