"""Kept and broken at the same moment, in two transactions on PostgreSQL: the promise ends
once, as the first writer left it, and only that writer's side effects happen.

Each side runs in its own thread (its own connection). The first holds its row lock until
the second is seen waiting on it in pg_stat_activity, then commits; the second's conditional
UPDATE then finds the row no longer open and changes nothing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections, transaction

from shomer.commitments import services
from shomer.commitments.models import Commitment, CommitmentState
from shomer.commitments.scan import run_scan
from shomer.core.models import AuditEvent
from shomer.notifications.models import Notification
from shomer.webhooks.models import WebhookDelivery
from tests.commitments.conftest import at, promise

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (DATABASE_URL)"
    ),
]

AFTER_DUE = at(2026, 11, 20, 12, 5)


def in_thread(work: Callable[[], Any], results: dict[str, Any], name: str) -> threading.Thread:
    def run() -> None:
        try:
            results[name] = work()
        except Exception as error:  # the assertions read it
            results[name] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def wait_until_blocked(timeout: float = 10.0) -> None:
    """Until another connection waits on a lock (the second writer is inside its UPDATE)."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("the second writer never waited on the first one's lock")


def first_holds(work: Callable[[], Any], locked: threading.Event, go: threading.Event) -> Any:
    with transaction.atomic():
        result = work()
        locked.set()
        go.wait(10)
    return result


def race(first: Callable[[], Any], second: Callable[[], Any]) -> dict[str, Any]:
    results: dict[str, Any] = {}
    locked, go = threading.Event(), threading.Event()
    one = in_thread(lambda: first_holds(first, locked, go), results, "first")
    assert locked.wait(10)
    two = in_thread(second, results, "second")
    try:
        wait_until_blocked()
    finally:
        go.set()
        one.join(10)
        two.join(10)
    return results


@pytest.fixture
def due_friday(clock, dana_ticket, dana, michal, endpoint) -> Commitment:
    return promise(dana_ticket, at(2026, 11, 20, 12))


def test_kept_first_then_the_scan_breaks_nothing(due_friday, dana):
    results = race(
        lambda: services.do_keep(due_friday, acting_user=dana, now=at(2026, 11, 20, 12, 4)),
        lambda: run_scan(AFTER_DUE),
    )

    assert isinstance(results["first"], Commitment)
    assert (results["second"].broken, results["second"].notifications) == (0, 0)
    due_friday.refresh_from_db()
    assert (due_friday.state, due_friday.broken_at) == (CommitmentState.KEPT, None)
    assert list(
        AuditEvent.objects.filter(action__startswith="commitment.")
        .values_list("action", flat=True)
        .order_by("id")
    ) == [
        "commitment.created",
        "commitment.kept",
    ]
    assert not Notification.objects.filter(kind="commitment.broken").exists()
    assert sorted(WebhookDelivery.objects.values_list("event", flat=True)) == [
        "commitment.created",
        "commitment.kept",
    ]


def test_broken_first_then_keeping_it_is_refused(due_friday, dana, michal):
    results = race(
        lambda: run_scan(AFTER_DUE),
        lambda: services.do_keep(due_friday, acting_user=dana, now=AFTER_DUE),
    )

    assert results["first"].broken == 1
    assert isinstance(results["second"], services.CommitmentConflict)
    assert results["second"].state == CommitmentState.BROKEN
    due_friday.refresh_from_db()
    assert (due_friday.state, due_friday.kept_at) == (CommitmentState.BROKEN, None)
    assert sorted(
        n.user.username for n in Notification.objects.filter(kind="commitment.broken")
    ) == [
        "dana",
        "michal",
    ]
    assert not AuditEvent.objects.filter(action="commitment.kept").exists()


def test_two_scans_at_once_break_and_tell_once(due_friday):
    results = race(lambda: run_scan(AFTER_DUE), lambda: run_scan(AFTER_DUE))

    assert (results["first"].broken, results["second"].broken) == (1, 0)
    assert Notification.objects.filter(kind="commitment.broken").count() == 2  # lead and owner
    assert AuditEvent.objects.filter(action="commitment.broken").count() == 1
