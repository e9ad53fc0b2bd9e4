"""`shomer bench`: run the benchmark suite, one JSON object per line."""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shomer.bench import benchmarks
from shomer.bench.registry import BENCHMARKS


def load_benchmarks() -> None:
    for module in pkgutil.iter_modules(benchmarks.__path__):
        importlib.import_module(f"{benchmarks.__name__}.{module.name}")


class Command(BaseCommand):
    help = "Run the benchmarks; print one JSON object per result."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quick", action="store_true", help="small sizes, under two minutes")
        parser.add_argument("--only", metavar="NAME", help="run one benchmark")
        parser.add_argument("--list", action="store_true", help="list the benchmarks")

    def handle(self, *args: Any, **options: Any) -> None:
        load_benchmarks()
        if options["list"]:
            for name in sorted(BENCHMARKS):
                self.stdout.write(name)
            return
        names = sorted(BENCHMARKS)
        if options["only"]:
            if options["only"] not in BENCHMARKS:
                known = ", ".join(names)
                raise CommandError(f"unknown benchmark {options['only']!r}; known: {known}")
            names = [options["only"]]
        for name in names:
            for result in BENCHMARKS[name](options["quick"]):
                sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
                sys.stdout.flush()
