"""Marking a customer's scores for recomputation: called by the services where things
happen to a customer (a message, an assignment, a status change, time logged, an invoice).
One UPDATE by primary key; the periodic task `recompute_dirty` picks the marked ones up."""

from __future__ import annotations

from collections.abc import Iterable

from shomer.health.models import CustomerScore


def mark_dirty(customer_id: int | None) -> None:
    if customer_id is None:
        return
    if not CustomerScore.objects.filter(pk=customer_id).update(is_dirty=True):
        CustomerScore.objects.bulk_create(
            [CustomerScore(customer_id=customer_id, is_dirty=True)], ignore_conflicts=True
        )


def mark_dirty_many(customer_ids: Iterable[int | None]) -> None:
    """`mark_dirty` for many customers at once (the bulk inbound pipeline): one UPDATE, and
    one INSERT for those without a score row yet."""
    ids = {customer_id for customer_id in customer_ids if customer_id is not None}
    if not ids:
        return
    CustomerScore.objects.filter(pk__in=ids).update(is_dirty=True)
    present = set(CustomerScore.objects.filter(pk__in=ids).values_list("pk", flat=True))
    CustomerScore.objects.bulk_create(
        [CustomerScore(customer_id=customer_id, is_dirty=True) for customer_id in ids - present],
        ignore_conflicts=True,
    )
