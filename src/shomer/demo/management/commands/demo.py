"""`shomer demo`: fill the database with demo staff, customers and conversations."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from shomer.demo import content, loyalty
from shomer.demo.generate import generate

MAX_TICKETS = 5_000_000
# Weekly health snapshots before today, for the score history chart.
HISTORY_WEEKS = 8


class Command(BaseCommand):
    help = "Create demo data: staff personas, customers and Hebrew/English conversations."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--customers", type=int, default=60)
        parser.add_argument("--tickets", type=int, default=400)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument(
            "--no-scores",
            action="store_true",
            help="skip reading the messages and scoring customer health",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        customers, tickets = options["customers"], options["tickets"]
        if customers < 0 or tickets < 0:
            raise CommandError("--customers and --tickets must not be negative")
        if tickets > MAX_TICKETS:
            raise CommandError(f"--tickets is limited to {MAX_TICKETS}")
        if tickets and not customers:
            raise CommandError("tickets need customers: give --customers 1 or more")
        with tqdm(total=tickets, unit="ticket", disable=options["no_progress"], desc="demo") as bar:
            summary = generate(
                customers=customers,
                tickets=tickets,
                seed=options["seed"],
                progress=bar.update,
                follow_ups=True,
            )
        self.stdout.write(
            f"Demo data: {summary.staff} staff, {summary.customers} customers, "
            f"{summary.tickets} tickets, {summary.messages} messages, "
            f"{summary.promises} promises, {summary.answers} survey answers."
        )
        if customers and not options["no_scores"]:
            self._scores(quiet=options["no_progress"])
        if customers:
            # Last, so that the touchpoints leave out whom health calls hostile.
            planned = loyalty.plan(timezone.now())
            self.stdout.write(
                "Planned: {nps} NPS and {exit} exit surveys, {touchpoints} touchpoints, "
                "{collections} payment reminders.".format(**planned)
            )
        self.stdout.write(
            "Demo logins (password "
            f"'{content.DEMO_PASSWORD}'): yossi (manager), michal (team lead), dana (agent), "
            "ruth (agent, English), eli (agent, projects team), admin (administrator)."
        )

    def _scores(self, *, quiet: bool) -> None:
        """Read the bulk-inserted messages (the health and fit signals come from them), then
        score every customer: health, churn risk, fit and type, with reasons."""
        from django.apps import apps

        if apps.is_installed("shomer.analysis"):
            call_command("language", "backfill", no_progress=quiet)
        if apps.is_installed("shomer.complaints"):
            # Complaint records for the demo's complaint tickets, then their themes.
            call_command("complaints", "backfill")
            call_command("complaints", "themes")
        # A score history, as the nightly job would have kept it: the signals are read as
        # they were on each of the last weeks, so the customer page's chart has a line.
        from shomer.health.services import do_recompute

        now = timezone.now()
        for weeks in range(HISTORY_WEEKS, 0, -1):
            do_recompute(now=now - timedelta(weeks=weeks))
        call_command("health", "recompute")
