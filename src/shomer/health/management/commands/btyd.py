"""`shomer btyd fit`: fit BG/NBD or Pareto/NBD to an RFM summary CSV and print the fit.

    shomer btyd fit --model bg-nbd --summary customers.csv [--p-alive --out scored.csv]

prints {"model", "params", "log_likelihood", "customers"} as one JSON line; with --p-alive
it also writes the input CSV, every column kept, with a p_alive column added (or replaced).
"""

from __future__ import annotations

import contextlib
import csv
import json
import sys
from collections.abc import Iterator
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shomer.health.btyd import (
    FitError,
    SummaryError,
    SummaryTable,
    fit_bgnbd,
    fit_pareto_nbd,
    parse_summary_csv,
)
from shomer.health.btyd.bgnbd import bgnbd_p_alive
from shomer.health.btyd.pareto_nbd import pareto_nbd_p_alive

MODELS = ("bg-nbd", "pareto-nbd")


@contextlib.contextmanager
def _opened(path: str) -> Iterator[IO[str]]:
    """The summary file, or standard input for "-"; utf-8-sig drops a spreadsheet's BOM."""
    if path == "-":
        yield sys.stdin
        return
    try:
        handle = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 (closed below)
    except OSError as error:
        raise CommandError(f"cannot read {path}: {error.strerror}") from error
    with handle:
        yield handle


def _problems(path: str, error: SummaryError) -> str:
    """One problem on the error line; several, one per line under a count."""
    if len(error.problems) == 1 and not error.more:
        return f"{path}: {error.problems[0]}"
    count = len(error.problems) + error.more
    lines = [f"{path}: {count} problems", *error.problems]
    if error.more:
        lines.append(f"... and {error.more} more")
    return "\n".join(lines)


def _fit(model: str, table: SummaryTable) -> tuple[dict[str, Any], list[float] | None]:
    summary = table.summary
    if model == "bg-nbd":
        bgnbd = fit_bgnbd(summary)
        params: dict[str, float] = {
            "r": bgnbd.params.r,
            "alpha": bgnbd.params.alpha,
            "a": bgnbd.params.a,
            "b": bgnbd.params.b,
        }
        result = {"log_likelihood": bgnbd.log_likelihood, "customers": bgnbd.customers}
        p_alive = bgnbd_p_alive(bgnbd.params, summary)
    else:
        pareto = fit_pareto_nbd(summary)
        params = {
            "r": pareto.params.r,
            "alpha": pareto.params.alpha,
            "s": pareto.params.s,
            "beta": pareto.params.beta,
        }
        result = {"log_likelihood": pareto.log_likelihood, "customers": pareto.customers}
        p_alive = pareto_nbd_p_alive(pareto.params, summary)
    return {"model": model, "params": params, **result}, [float(p) for p in p_alive]


def _write_scored(path: str, table: SummaryTable, p_alive: list[float]) -> None:
    header = list(table.header)
    if "p_alive" in header:
        position = header.index("p_alive")
    else:
        position = len(header)
        header.append("p_alive")
    try:
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            for row, probability in zip(table.rows, p_alive, strict=True):
                cells = list(row)
                if position == len(cells):
                    cells.append(repr(probability))
                else:
                    cells[position] = repr(probability)
                writer.writerow(cells)
    except OSError as error:
        raise CommandError(f"cannot write {path}: {error.strerror}") from error


class Command(BaseCommand):
    help = "Buy-till-you-die models: `fit` a BG/NBD or Pareto/NBD model to an RFM summary."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        fit = actions.add_parser(
            "fit",
            help="fit a model to a frequency,recency,T summary; print the fit as JSON",
            description="Fit by maximum likelihood; print {model, params, log_likelihood, "
            "customers} as JSON. Bad rows are reported with their CSV line numbers.",
        )
        fit.add_argument("--model", choices=MODELS, required=True)
        fit.add_argument(
            "--summary",
            required=True,
            metavar="FILE.csv",
            help="CSV with columns frequency,recency,T (others are kept); - for stdin",
        )
        fit.add_argument(
            "--p-alive",
            action="store_true",
            help="write the summary with a p_alive column to --out",
        )
        fit.add_argument("--out", metavar="FILE.csv", help="where --p-alive writes")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["p_alive"] and not options["out"]:
            raise CommandError("--p-alive writes a CSV: give it --out FILE.csv")
        if options["out"] and not options["p_alive"]:
            raise CommandError("--out is where --p-alive writes: add --p-alive")
        with _opened(options["summary"]) as handle:
            try:
                table = parse_summary_csv(handle)
            except SummaryError as error:
                raise CommandError(_problems(options["summary"], error)) from error
            except UnicodeDecodeError as error:
                raise CommandError(f"{options['summary']}: not UTF-8 text ({error})") from error
            except csv.Error as error:
                raise CommandError(f"{options['summary']}: not a readable CSV ({error})") from error
        try:
            result, p_alive = _fit(options["model"], table)
        except FitError as error:
            raise CommandError(str(error)) from error
        if options["p_alive"] and p_alive is not None:
            _write_scored(options["out"], table, p_alive)
        self.stdout.write(json.dumps(result))
