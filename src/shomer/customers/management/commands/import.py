"""`shomer import invoices FILE.csv`: a customer's purchases from a billing system's CSV.

Columns: customer (id, e-mail domain or exact name), number, amount, issued_on, and
optionally currency, due_on, paid_on, status (open, paid, void), description. Dates are
YYYY-MM-DD or DD/MM/YYYY. Every bad row is reported with its line number and nothing is
imported until the whole file is right; importing the same file again changes nothing.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shomer.customers.invoices import InvoiceImportError, do_import_invoices, parse_invoices_csv


class Command(BaseCommand):
    help = "Import data from CSV: `shomer import invoices FILE.csv` (use - for stdin)."

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = parser.add_subparsers(dest="kind", required=True)
        invoices = kinds.add_parser("invoices", help="invoices or purchases of customers")
        invoices.add_argument("file", help="CSV file, or - for standard input")
        invoices.add_argument("--currency", default="ILS", help="when the file has no currency")
        invoices.add_argument(
            "--dry-run", action="store_true", help="check the file, import nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        try:
            handle = sys.stdin if path == "-" else open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from error
        with handle:
            try:
                rows = parse_invoices_csv(handle, default_currency=options["currency"].upper())
            except InvoiceImportError as error:
                for problem in error.problems:
                    self.stderr.write(f"{path}: {problem}")
                if error.more:
                    self.stderr.write(f"{path}: and {error.more} more")
                raise CommandError(
                    f"{path}: nothing imported ({len(error.problems) + error.more} problems)"
                ) from None
            except UnicodeDecodeError as error:
                raise CommandError(f"{path}: not UTF-8 text ({error.reason})") from None
        if options["dry_run"]:
            self.stdout.write(f"{path}: {len(rows)} invoices are valid (dry run, nothing imported)")
            return
        result = do_import_invoices(rows, acting_user=None)
        self.stdout.write(
            f"{path}: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged"
        )
