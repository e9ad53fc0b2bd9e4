from __future__ import annotations

from celery import shared_task

from shomer.complaints import services, theming


@shared_task
def remind_follow_ups() -> dict[str, int]:
    """Remind the follow-ups now due, and give complaint tickets that have no record one
    (Celery beat, every five minutes); safe to run twice or on two workers at once."""
    return {"backfilled": services.do_backfill(), "reminded": services.do_remind_follow_ups()}


@shared_task
def recompute_themes() -> dict[str, int]:
    """Group the complaints into themes again (Celery beat, nightly; also on demand)."""
    return {"themes": len(theming.do_recompute_themes())}
