"""The promise benchmark's data: filled by SQL, it must be what the services would have left."""

from __future__ import annotations

from django.db.models import F, Q

from shomer.bench.benchmarks.commitments import populate
from shomer.bench.benchmarks.sla_db import NOW
from shomer.commitments.models import Commitment, CommitmentState
from shomer.commitments.scan import run_scan


def test_the_benchmark_population_is_consistent_with_one_step_due_per_thousand(db):
    populate(3000)

    commitments = Commitment.objects.all()
    assert commitments.count() == 3000
    # Broken rows broke at their due and wait for nothing; open rows wait for their next step.
    broken = commitments.filter(state=CommitmentState.BROKEN)
    assert not broken.exclude(broken_at=F("due_at")).exists()
    assert not broken.filter(next_action_at__isnull=False).exists()
    open_rows = commitments.filter(state=CommitmentState.OPEN)
    assert not open_rows.filter(next_action_at__isnull=True).exists()
    assert (
        not open_rows.filter(~Q(next_action_at=F("remind_at")) & ~Q(next_action_at=F("due_at")))
        .exclude(next_action_at__lt=NOW)
        .exists()
    )
    # n = 1 and 2001 are due for a breach, n = 1001 for its reminder; nothing else.
    result = run_scan(NOW)
    assert (result.reminded, result.broken) == (1, 2)
    again = run_scan(NOW)
    assert (again.reminded, again.broken) == (0, 0)
