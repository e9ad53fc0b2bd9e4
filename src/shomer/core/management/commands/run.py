"""`shomer run`: the whole product on one machine — web server, worker and scheduler.

On the embedded default (SQLite and a filesystem broker under SHOMER_HOME) nothing else needs
to be installed or running. The database is created, and filled with demo data, on first start.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from shomer.core.web_server import WEB_WORKERS, gunicorn_command
from shomer.demo import content
from shomer.people.models import User

CHECK_EVERY_SECONDS = 0.5
# How long the parts get to finish their work once asked to stop.
STOP_SECONDS = 20


class Command(BaseCommand):
    help = "Start Shomer: web server, Celery worker and scheduler (demo data on first start)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--no-demo", action="store_true", help="do not create demo data")
        parser.add_argument("--web-workers", type=int, default=WEB_WORKERS)

    def handle(self, *args: Any, **options: Any) -> None:
        if not 0 < options["port"] < 65536:
            raise CommandError("--port must be between 1 and 65535")
        for folder in (
            settings.SHOMER_HOME,
            settings.BROKER_FOLDER / "control",
            settings.MEDIA_ROOT,
            settings.STATIC_ROOT,
        ):
            Path(folder).mkdir(parents=True, exist_ok=True)
        self.stdout.write(f"Shomer home: {settings.SHOMER_HOME}")
        call_command("migrate", interactive=False, verbosity=0)
        first_start = not User.objects.exists()
        if first_start and not options["no_demo"]:
            self.stdout.write("First start: creating demo data…")
            call_command("demo", customers=60, tickets=400, seed=1)
            # The demo is bulk-inserted: read its messages now (badges, shielding, incidents).
            call_command("language", "backfill", no_progress=True)
            # and start its SLA clocks (steps already past are history, not notifications).
            call_command("sla", "backfill", stdout=io.StringIO())
        address = f"http://{options['host']}:{options['port']}"
        processes = self._start(options)
        self.stdout.write(self.style.SUCCESS(f"Shomer is running at {address}/"))
        if User.objects.filter(username="dana").exists():
            self.stdout.write(
                f"Demo logins, password '{content.DEMO_PASSWORD}': dana (agent), "
                "michal (team lead), yossi (manager), admin (administrator)."
            )
        self.stdout.write("Press Ctrl+C to stop.")
        self._supervise(processes)

    def _start(self, options: dict[str, Any]) -> list[subprocess.Popen[bytes]]:
        environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "shomer.settings"}
        web = gunicorn_command(options["host"], options["port"], options["web_workers"])
        worker = [
            sys.executable,
            "-m",
            "celery",
            "--quiet",
            "-A",
            "shomer",
            "worker",
            "--beat",
            "--pool",
            "solo",
            "--loglevel",
            "warning",
            "--schedule",
            settings.CELERY_BEAT_SCHEDULE_FILENAME,
        ]
        return [subprocess.Popen(web, env=environment), subprocess.Popen(worker, env=environment)]

    def _supervise(self, processes: list[subprocess.Popen[bytes]]) -> None:
        """Run until Ctrl+C or until one part stops; then stop the others."""
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping and all(p.poll() is None for p in processes):
                time.sleep(CHECK_EVERY_SECONDS)
        finally:
            for process in processes:
                if process.poll() is None:
                    process.terminate()
            # One deadline for all: the parts stop side by side, not one after the other.
            deadline = time.monotonic() + STOP_SECONDS
            for process in processes:
                try:
                    process.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        failed = [p for p in processes if p.returncode not in (0, -signal.SIGTERM, None)]
        if failed and not stopping:
            raise CommandError("a part of Shomer stopped unexpectedly; see the messages above")
