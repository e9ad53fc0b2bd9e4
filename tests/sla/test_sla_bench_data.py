"""The SLA benchmarks' data: filled by SQL, it must be what the ORM would call consistent."""

from __future__ import annotations

from django.db.models import Count, F

from shomer.bench.benchmarks.sla_db import NOW, populate
from shomer.conversations.models import Ticket
from shomer.sla.models import Level, SlaTimer, TimerState
from shomer.sla.scan import run_scan


def test_the_benchmark_population_is_consistent_and_has_one_step_due_per_thousand(db):
    agents = populate(2000)

    assert Ticket.objects.count() == 2000
    assert SlaTimer.objects.count() == 2000
    # Every ticket's agent is in the ticket's team; one in five tickets is pending.
    assert not Ticket.objects.exclude(team__members=F("assignee")).exists()
    assert Ticket.objects.filter(status="pending", sla_due_at__isnull=True).count() == 400
    per_agent = set(
        Ticket.objects.values("assignee").annotate(n=Count("pk")).values_list("n", flat=True)
    )
    assert (len(agents), per_agent) == (200, {10})
    # Steps already past were taken; n = 1 and n = 1001 lag behind.
    result = run_scan(NOW)
    assert result.warned + result.breached == 2
    assert run_scan(NOW).warned + run_scan(NOW).breached == 0
    breached = SlaTimer.objects.filter(state=TimerState.BREACHED)
    assert not breached.filter(level__lt=Level.BREACHED).exists()
