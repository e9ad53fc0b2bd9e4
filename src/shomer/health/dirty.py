"""Marking a customer's scores for recomputation: called by the services where things
happen to a customer (a message, an assignment, a status change, time logged, an invoice).
One UPDATE by primary key; the periodic task `recompute_dirty` picks the marked ones up."""

from __future__ import annotations

from shomer.health.models import CustomerScore


def mark_dirty(customer_id: int | None) -> None:
    if customer_id is None:
        return
    if not CustomerScore.objects.filter(pk=customer_id).update(is_dirty=True):
        CustomerScore.objects.bulk_create(
            [CustomerScore(customer_id=customer_id, is_dirty=True)], ignore_conflicts=True
        )
