"""Marking a customer's scores for recomputation: called by the services where things
happen to a customer (a message, an assignment, a status change, time logged, an invoice).
One UPDATE by primary key; the periodic task `recompute_dirty` picks the marked ones up."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

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
    if connection.vendor == "postgresql":
        _upsert_dirty(sorted(ids))
        return
    CustomerScore.objects.filter(pk__in=ids).update(is_dirty=True)
    present = set(CustomerScore.objects.filter(pk__in=ids).values_list("pk", flat=True))
    CustomerScore.objects.bulk_create(
        [CustomerScore(customer_id=customer_id, is_dirty=True) for customer_id in ids - present],
        ignore_conflicts=True,
    )


def _upsert_dirty(ids: list[int]) -> None:
    """The same on PostgreSQL in one statement: new rows get the model's defaults (read
    off one unsaved instance), existing ones only `is_dirty` (ON CONFLICT DO UPDATE)."""
    template = CustomerScore(is_dirty=True)
    fields = [field for field in CustomerScore._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    values = ", ".join(f"%s::{field.db_type(connection)}" for field in fields)
    params = [
        field.get_db_prep_save(field.pre_save(template, True), connection) for field in fields
    ]
    pk = quote(CustomerScore._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(CustomerScore._meta.db_table)} ({pk}, {columns}) "
            f"SELECT id, {values} FROM unnest(%s::bigint[]) AS ids(id) "
            f"ON CONFLICT ({pk}) DO UPDATE SET {quote('is_dirty')} = true",
            [*params, ids],
        )
