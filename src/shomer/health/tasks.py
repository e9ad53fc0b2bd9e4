"""Health jobs: the customers marked dirty by events (every five minutes) and everyone
(nightly, with the churn model retrained and BG/NBD refitted). Both are safe to run twice."""

from __future__ import annotations

from celery import shared_task

from shomer.health.services import do_recompute_all, do_recompute_dirty


@shared_task
def recompute_dirty() -> int:
    return do_recompute_dirty()


@shared_task
def recompute_all() -> int:
    return do_recompute_all()
