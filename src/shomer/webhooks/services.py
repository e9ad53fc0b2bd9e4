"""Emitting events and delivering them. The only code that writes webhook state."""

from __future__ import annotations

import json
import time
from typing import Any

import requests
from django.db import transaction
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils import timezone

from shomer.core.process_cache import ProcessCache
from shomer.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from shomer.webhooks.rules import MAX_ATTEMPTS, retry_delay, signature

TIMEOUT_SECONDS = 10


def _load_endpoints() -> list[WebhookEndpoint]:
    return list(WebhookEndpoint.objects.filter(is_active=True))


# Every ticket and message event looks the endpoints up: they are kept per process, dropped
# when an endpoint is saved or deleted, reloaded by other processes within the cache's TTL
# (shomer.core.process_cache). Shared instances: read them, never change them.
_ENDPOINTS = ProcessCache(_load_endpoints)
post_save.connect(_ENDPOINTS.invalidate, sender=WebhookEndpoint, weak=False)
post_delete.connect(_ENDPOINTS.invalidate, sender=WebhookEndpoint, weak=False)
post_migrate.connect(_ENDPOINTS.invalidate, weak=False)  # a flushed test database


def active_endpoints(event: str) -> list[WebhookEndpoint]:
    """The active endpoints that want `event`."""
    return [endpoint for endpoint in _ENDPOINTS.get() if endpoint.wants(event)]


def is_wanted(event: str) -> bool:
    """Does any active endpoint want `event`? (Callers skip building its payload if not.)"""
    return bool(active_endpoints(event))


def do_emit(event: str, data: dict[str, Any]) -> list[WebhookDelivery]:
    """Queue `event` for every active endpoint that wants it; sent after commit."""
    endpoints = active_endpoints(event)
    if not endpoints:
        return []
    now = timezone.now()
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            endpoint=endpoint,
            event=event,
            payload={"event": event, "created_at": now.isoformat(), "data": data},
            next_attempt_at=now,
        )
        for endpoint in endpoints
    )
    from shomer.webhooks.tasks import deliver

    ids = [d.pk for d in deliveries]
    transaction.on_commit(lambda: [deliver.delay(pk) for pk in ids])
    return deliveries


def claim(delivery_id: int) -> WebhookDelivery | None:
    """Take a due delivery for one attempt; None if another worker has it or it is done.

    The conditional UPDATE moves next_attempt_at forward, so two workers never send the
    same attempt.
    """
    now = timezone.now()
    lease = now + retry_delay(1)
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now
    ).update(next_attempt_at=lease)
    if not claimed:
        return None
    return WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)


def do_attempt(delivery: WebhookDelivery) -> WebhookDelivery:
    """POST the signed event once and record the outcome."""
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Shomer-Webhooks/1",
        "X-Shomer-Event": delivery.event,
        "X-Shomer-Delivery": str(delivery.event_id),
        "X-Shomer-Timestamp": str(timestamp),
        "X-Shomer-Signature": signature(delivery.endpoint.secret, timestamp, body),
    }
    delivery.attempts += 1
    try:
        response = requests.post(
            delivery.endpoint.url, data=body, headers=headers, timeout=TIMEOUT_SECONDS
        )
        delivery.last_status_code = response.status_code
        delivery.last_error = "" if response.ok else response.text[:500]
        succeeded = response.ok
    except requests.RequestException as error:
        delivery.last_status_code = None
        delivery.last_error = str(error)[:500]
        succeeded = False
    now = timezone.now()
    if succeeded:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
    else:
        delivery.next_attempt_at = now + retry_delay(delivery.attempts)
    delivery.save(
        update_fields=[
            "attempts",
            "status",
            "last_status_code",
            "last_error",
            "delivered_at",
            "next_attempt_at",
        ]
    )
    return delivery


def due_delivery_ids(limit: int = 500) -> list[int]:
    return list(
        WebhookDelivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now()
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
