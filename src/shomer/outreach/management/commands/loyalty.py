"""`shomer loyalty plan|send|run [--now ISO-8601]`: what the beat tasks do, once, now.

plan: NPS and exit surveys, the next 30 days of touchpoints, the next reminder of each
overdue invoice. send: every survey, touchpoint and reminder due. run: both. Prints one JSON
object with the counts.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from shomer.feedback import services as feedback
from shomer.outreach import collections, touchpoints


class Command(BaseCommand):
    help = "Plan and send surveys, loyalty touchpoints and payment reminders now."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["plan", "send", "run"])
        parser.add_argument("--now", help="ISO-8601 instant with offset (default: now)")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        if options["now"]:
            try:
                now = dt.datetime.fromisoformat(options["now"])
            except ValueError:
                raise CommandError(
                    f"--now is not an ISO-8601 instant: {options['now']!r}"
                ) from None
            if now.tzinfo is None:
                raise CommandError("--now needs an offset, e.g. 2026-11-22T10:00+02:00")
        result: dict[str, Any] = {"now": now.isoformat()}
        if options["action"] in ("plan", "run"):
            result["planned"] = {
                "nps": feedback.do_plan_nps(now),
                "exit": feedback.do_plan_exit(now),
                "touchpoints": touchpoints.do_plan(now),
                "collections": collections.do_plan(now),
            }
        if options["action"] in ("send", "run"):
            result["sent"] = {
                "surveys": feedback.do_send_due(now),
                "touchpoints": touchpoints.do_send_due(now),
                "collections": collections.do_send_due(now),
            }
        self.stdout.write(json.dumps(result, ensure_ascii=False))
