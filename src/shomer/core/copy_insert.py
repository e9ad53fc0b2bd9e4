"""`copy_insert`: `bulk_create` for the inbound pipeline's batches, by COPY on PostgreSQL.

`bulk_create` spends most of its time in Python, not in the database: each value of each
row goes through the field's `pre_save` and `get_db_prep_save`, the compiler assembles a
statement of arrays, and psycopg dumps them. A batch of a hundred e-mails writes about a
thousand rows of a dozen tables, so that was half of the pipeline's CPU. Here:

- primary keys are taken from the table's sequence in one query (`nextval` over
  `generate_series`), in ascending order, as an INSERT would have assigned them;
- the rows are streamed with `COPY ... FROM STDIN` (psycopg's C dumpers);
- a value whose Python type the column takes as it is (a `str` for a text column, an
  aware `datetime` for a timestamp, ...) is passed through untouched; anything else (JSON,
  decimals, files, lazy strings, naive datetimes) goes through the field's own
  `get_db_prep_save`, so the stored value is the one `bulk_create` would store.

Like `bulk_create`: no `save()`, no signals, related objects saved after assignment are
picked up. Unlike it: a COPY is not seen by Django's query log (CaptureQueriesContext,
`execute_wrapper`). Other databases, and small lists, use `bulk_create`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import Any, TypeVar

from django.db import connections, models
from django.db.models.fields import Field

M = TypeVar("M", bound=models.Model)

# Below this many rows the two extra round trips of COPY cost more than they save.
MIN_ROWS = 10

# Column types and the Python values each takes unchanged: exactly these types, except
# that a text column takes any `str` (TextChoices members are str, dumped as their value,
# as `bulk_create` passes them); subclasses of int (bool, IntegerChoices) go through the
# field.
_TEXT = "text"
_PASS_THROUGH: dict[str, tuple[type, ...] | str] = {
    "CharField": _TEXT,
    "TextField": _TEXT,
    "SlugField": _TEXT,
    "AutoField": (int,),
    "BigAutoField": (int,),
    "SmallAutoField": (int,),
    "IntegerField": (int,),
    "BigIntegerField": (int,),
    "SmallIntegerField": (int,),
    "PositiveIntegerField": (int,),
    "PositiveBigIntegerField": (int,),
    "PositiveSmallIntegerField": (int,),
    "BooleanField": (bool,),
    "FloatField": (float,),
    "DateField": (dt.date,),
    "DateTimeField": (dt.datetime,),
    "UUIDField": (uuid.UUID,),
    "BinaryField": (bytes,),
}


def copy_insert(objs: Sequence[M], *, using: str = "default") -> list[M]:
    """Insert unsaved `objs` of one model, setting their primary keys; returns them."""
    if not objs:
        return list(objs)
    connection = connections[using]
    if connection.vendor != "postgresql" or len(objs) < MIN_ROWS:
        created: list[M] = type(objs[0])._default_manager.using(using).bulk_create(objs)
        return created
    model = type(objs[0])
    opts = model._meta
    pk = opts.pk
    assert pk is not None
    for obj in objs:
        # As bulk_create: a related object saved after it was assigned gives its key.
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
    missing = [obj for obj in objs if obj.pk is None]
    if missing:
        if not isinstance(pk, models.AutoField | models.BigAutoField | models.SmallAutoField):
            raise ValueError(f"{opts.label}: objects without a primary key")
        keys = _next_keys(connection, opts.db_table, pk.column, len(missing))
        for obj, key in zip(missing, keys, strict=True):
            obj.pk = key
    fields = list(opts.concrete_fields)
    rows = _Rows(fields, connection)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    sql = f"COPY {quote(opts.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for obj in objs:
            copy.write_row(rows.row(obj))
    for obj in objs:
        obj._state.adding = False
        obj._state.db = using
    return list(objs)


def _next_keys(connection: Any, table: str, column: str, count: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [connection.ops.quote_name(table), column, count],
        )
        return sorted(row[0] for row in cursor.fetchall())


class _Rows:
    """The database values of instances, as `bulk_create` would send them.

    A row is read in one `attrgetter` call; which of its values the columns take as they
    are depends only on their types (and on datetimes being aware), so that is worked out
    once per tuple of value types, and only the other values go through their field.
    (Reading each value through its own function was a fifth of `copy_insert`'s time.)
    """

    def __init__(self, fields: list[Field[Any, Any]], connection: Any) -> None:
        self.converters = [_converter(field, connection) for field in fields]
        self.read = attrgetter(*(field.attname for field in fields))
        self.single = len(fields) == 1
        # Fields whose pre_save does more than read the attribute (files, auto_now).
        self.pre_saves = [
            (index, field.pre_save) for index, field in enumerate(fields) if _has_pre_save(field)
        ]
        self.passing = [_PASS_THROUGH.get(_target(field).get_internal_type()) for field in fields]
        # Types of a row's values -> the columns whose values need their field.
        self.plans: dict[tuple[type, ...], tuple[list[int], list[int]]] = {}

    def row(self, obj: models.Model) -> list[Any]:
        values = [self.read(obj)] if self.single else list(self.read(obj))
        for index, pre_save in self.pre_saves:
            values[index] = pre_save(obj, True)
        types = tuple(map(type, values))
        plan = self.plans.get(types)
        if plan is None:
            plan = self.plans[types] = self._plan(types)
        convert, datetimes = plan
        for index in datetimes:
            if not _aware(values[index]):
                convert = [*convert, index]
        for index in convert:
            values[index] = self.converters[index](values[index])
        return values

    def _plan(self, types: tuple[type, ...]) -> tuple[list[int], list[int]]:
        """(the columns to convert, the datetime columns to convert if naive)."""
        convert: list[int] = []
        datetimes: list[int] = []
        for index, (kind, fast) in enumerate(zip(types, self.passing, strict=True)):
            if kind is type(None):
                continue
            if fast is _TEXT:
                if not issubclass(kind, str):
                    convert.append(index)
            elif fast is None or kind not in fast:
                convert.append(index)
            elif kind is dt.datetime:
                datetimes.append(index)
        return convert, datetimes


def _target(field: Field[Any, Any]) -> Field[Any, Any]:
    return field.target_field if field.is_relation else field


# pre_save of the date and time fields only reads the attribute unless they set the clock.
_CLOCK_PRE_SAVES = (
    models.DateField.pre_save,
    models.DateTimeField.pre_save,
    models.TimeField.pre_save,
)


def _has_pre_save(field: Field[Any, Any]) -> bool:
    method = type(field).pre_save
    if method is Field.pre_save:
        return False
    if method in _CLOCK_PRE_SAVES:
        return bool(field.auto_now or field.auto_now_add)
    return True


def _converter(field: Field[Any, Any], connection: Any) -> Callable[[Any], Any]:
    """How to turn `field`'s value into its database value, as `bulk_create` would."""
    fast = _PASS_THROUGH.get(_target(field).get_internal_type())

    def convert(value: Any) -> Any:
        if value is None:
            return None
        if fast is _TEXT:
            if isinstance(value, str):
                return value
        elif fast is not None and type(value) in fast and _aware(value):
            return value
        return field.get_db_prep_save(value, connection)

    return convert


def _aware(value: Any) -> bool:
    """False for a naive datetime: the field makes it aware (and warns), not we."""
    return type(value) is not dt.datetime or value.tzinfo is not None
