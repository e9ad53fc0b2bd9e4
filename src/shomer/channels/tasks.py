from __future__ import annotations

from celery import shared_task

from shomer.channels import imap, outbound
from shomer.conversations.models import DeliveryStatus


@shared_task
def poll_mailboxes() -> int:
    """Periodic: poll every active IMAP mailbox, one at a time; the messages fetched."""
    return sum(result.fetched for result in imap.poll_active_mailboxes())


@shared_task(bind=True, max_retries=outbound.MAX_ATTEMPTS - 1)
def send_reply(self, message_id: int) -> str:  # type: ignore[no-untyped-def]
    """Send an agent's reply by e-mail; retried with growing delays (safe to run twice)."""
    attempt = self.request.retries + 1
    status = outbound.deliver(message_id, attempt=attempt)
    # Run in-process (tests, commands), the failure stays recorded and visible: no retry loop.
    if status == DeliveryStatus.RETRYING and not self.request.is_eager:
        raise self.retry(countdown=outbound.retry_delay(attempt))
    return status
