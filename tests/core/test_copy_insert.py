"""copy_insert's rows carry the values bulk_create would send, column by column."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest.mock import patch

import pytest
from django.db import connection
from django.utils.functional import lazystr
from hypothesis import given
from hypothesis import strategies as st

from shomer.conversations.models import Channel, Direction, Message, Ticket
from shomer.core.copy_insert import _PASS_THROUGH, _TEXT, _Rows
from shomer.core.models import AuditEvent

AWARE = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
NAIVE = dt.datetime(2026, 3, 1, 9, 30)


def reference_row(obj: Any) -> list[Any]:
    """Field by field: pre_save, then the value as it is when its column takes its type
    (a str for text, an aware datetime, ...), else the field's get_db_prep_save."""
    row = []
    for field in type(obj)._meta.concrete_fields:
        value = field.pre_save(obj, True)
        target = field.target_field if field.is_relation else field
        fast = _PASS_THROUGH.get(target.get_internal_type())
        naive = type(value) is dt.datetime and value.tzinfo is None
        if fast == _TEXT:
            taken = isinstance(value, str)
        else:
            taken = fast is not None and type(value) in fast and not naive
        row.append(value if value is None or taken else field.get_db_prep_save(value, connection))
    return row


def comparable(row: list[Any]) -> list[Any]:
    # Adapters (JSON) compare by what they wrap; lazy strings by their text.
    return [(str(v) if isinstance(v, type(lazystr(""))) else getattr(v, "obj", v)) for v in row]


@given(
    st.lists(
        st.tuples(
            st.sampled_from([AWARE, NAIVE]),
            st.sampled_from(["שלום", lazystr("lazy"), Channel.EMAIL, None]),
            st.sampled_from([Direction.INBOUND, "inbound"]),
            st.sampled_from([b"raw", None]),
        ),
        max_size=12,
    )
)
# A naive datetime goes through its field, which makes it aware and warns, as bulk_create's.
@pytest.mark.filterwarnings("ignore:DateTimeField .* received a naive datetime")
def test_rows_hold_what_bulk_create_would_send(values: list[tuple[Any, ...]]) -> None:
    ticket = Ticket(pk=7, subject="x", created_at=AWARE, updated_at=AWARE)
    messages = [
        Message(
            pk=index + 1,
            ticket=ticket,
            direction=direction,
            channel=Channel.EMAIL,
            body_text=text,
            raw=raw,
            created_at=created_at,
        )
        for index, (created_at, text, direction, raw) in enumerate(values)
    ]
    rows = _Rows(list(Message._meta.concrete_fields), connection)
    for message in messages:
        assert comparable(rows.row(message)) == comparable(reference_row(message))


def test_json_and_clock_fields_go_through_their_field() -> None:
    events = [
        AuditEvent(pk=n, action="message.inbound", object_type="t", object_id="1", data={"n": n})
        for n in range(1, 4)
    ]
    rows = _Rows(list(AuditEvent._meta.concrete_fields), connection)
    for event in events:
        with patch("django.utils.timezone.now", return_value=AWARE):
            row = rows.row(event)
            assert comparable(row) == comparable(reference_row(event))
        assert row[1] == AWARE  # created_at set by its auto_now_add
