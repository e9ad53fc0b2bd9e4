from __future__ import annotations

from celery import shared_task

from shomer.webhooks.services import claim, do_attempt, due_delivery_ids


@shared_task
def deliver(delivery_id: int) -> None:
    """Try one delivery now, if it is still due (safe to run twice)."""
    if delivery := claim(delivery_id):
        do_attempt(delivery)


@shared_task
def deliver_due() -> None:
    """Periodic: retry every delivery whose backoff has passed."""
    for delivery_id in due_delivery_ids():
        deliver(delivery_id)
