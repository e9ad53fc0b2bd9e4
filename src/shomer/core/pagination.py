"""Pagination that stays fast on big tables: exact counts only up to a cap.

Counting a million rows costs more than fetching a page of them. Up to COUNT_CAP rows the
count is exact; beyond it, PostgreSQL's planner estimate is used (SQLite counts exactly).
An estimate is kept per process for ESTIMATE_TTL_SECONDS, by the query's SQL: the same
big list asked again (an agent paging, a client polling) is not counted again; a list
within the cap is always counted.
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from functools import cached_property
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.hashable import make_hashable

COUNT_CAP = 10_000
# Offsets below this read their rows directly; deeper ones read the ids first.
DIRECT_OFFSET = 1_000
ESTIMATE_TTL_SECONDS = 300.0
ESTIMATES_KEPT = 2_000

_estimates: OrderedDict[Any, tuple[int, float]] = OrderedDict()
_estimates_lock = threading.Lock()


class CappedCountPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        rows = self.object_list
        if not isinstance(rows, QuerySet):
            return len(rows)
        ids = rows.order_by().values("pk")
        try:
            sql, params = ids.query.sql_with_params()
        except EmptyResultSet:  # a filter Django knows matches nothing (e.g. `in` [])
            self.count_is_exact = True
            return 0
        key = (rows.db, COUNT_CAP, sql, make_hashable(params))
        known = _known_estimate(key)
        if known is not None:
            self.count_is_exact = False
            return known
        capped = rows.order_by()[: COUNT_CAP + 1].count()
        if capped <= COUNT_CAP:
            self.count_is_exact = True
            return capped
        self.count_is_exact = False
        estimate = max(_planner_rows(rows, sql, params), capped)
        _keep_estimate(key, estimate)
        return estimate

    count_is_exact = True

    def page(self, number: int | str):  # type: ignore[no-untyped-def]
        """A page of a deep offset is fetched in two steps: the ids through the ordering's
        index (the offset skips index entries, not table rows), then the rows themselves.
        The first pages, where nearly every request goes, take one query."""
        rows = self.object_list
        if not isinstance(rows, QuerySet):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if bottom < DIRECT_OFFSET:
            return self._get_page(list(rows[bottom:top]), number, self)
        ids = list(rows.values_list("pk", flat=True)[bottom:top])
        found = {row.pk: row for row in rows.filter(pk__in=ids)}
        return self._get_page([found[pk] for pk in ids if pk in found], number, self)


def estimated_count(rows: QuerySet) -> int:  # type: ignore[type-arg]
    """The planner's row estimate on PostgreSQL; an exact count elsewhere."""
    try:
        sql, params = rows.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:
        return 0
    return _planner_rows(rows, sql, params)


def _known_estimate(key: Any) -> int | None:
    with _estimates_lock:
        found = _estimates.get(key)
        if found is None:
            return None
        if found[1] < time.monotonic():
            del _estimates[key]
            return None
        return found[0]


def _keep_estimate(key: Any, estimate: int) -> None:
    with _estimates_lock:
        _estimates[key] = (estimate, time.monotonic() + ESTIMATE_TTL_SECONDS)
        _estimates.move_to_end(key)
        while len(_estimates) > ESTIMATES_KEPT:
            _estimates.popitem(last=False)


def _planner_rows(rows: QuerySet, sql: str, params: Any) -> int:  # type: ignore[type-arg]
    connection = connections[rows.db]
    if connection.vendor != "postgresql":
        return rows.count()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])
