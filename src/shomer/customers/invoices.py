"""Invoices (a customer's purchases): recorded by the API, imported from CSV.

`do_record_invoice` / `do_update_invoice` are the only writers; both audit and mark the
customer's health for recomputation. `parse_invoices_csv` checks a whole file and reports
every bad row by its line number; `do_import_invoices` then writes all rows in one
transaction, or none.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower

from shomer.core import audit
from shomer.customers.models import Customer, Invoice, InvoiceStatus
from shomer.health.dirty import mark_dirty
from shomer.people.models import User

MAX_AMOUNT = Decimal("999999999999.99")
REQUIRED_COLUMNS = ("customer", "number", "amount", "issued_on")
OPTIONAL_COLUMNS = ("currency", "due_on", "paid_on", "status", "description")
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y")
MAX_PROBLEMS = 50


def check_invoice_dates(
    issued_on: dt.date, due_on: dt.date | None, paid_on: dt.date | None, status: str
) -> list[str]:
    """What is wrong with these dates and status together (English; shown with the row)."""
    problems = []
    if due_on is not None and due_on < issued_on:
        problems.append(f"due_on {due_on} is before issued_on {issued_on}")
    if paid_on is not None and paid_on < issued_on:
        problems.append(f"paid_on {paid_on} is before issued_on {issued_on}")
    if status == InvoiceStatus.PAID and paid_on is None:
        problems.append("status paid needs paid_on")
    if status == InvoiceStatus.OPEN and paid_on is not None:
        problems.append("an open invoice cannot have paid_on (use status paid)")
    return problems


def _changed(invoice: Invoice, fields: dict[str, Any]) -> list[str]:
    return sorted(key for key, value in fields.items() if getattr(invoice, key) != value)


@transaction.atomic
def do_record_invoice(*, acting_user: User | None, **fields: Any) -> Invoice:
    """Create an invoice. Precondition: fields validated (see check_invoice_dates)."""
    invoice = Invoice.objects.create(**fields)
    audit.record(
        "invoice.recorded",
        invoice,
        actor=acting_user,
        customer=invoice.customer_id,
        number=invoice.number,
        amount=str(invoice.amount),
    )
    mark_dirty(invoice.customer_id)
    return invoice


@transaction.atomic
def do_update_invoice(invoice: Invoice, *, acting_user: User | None, **fields: Any) -> Invoice:
    """Change some fields (a payment, a due date, a cancellation); each change is audited."""
    changed = _changed(invoice, fields)
    if not changed:
        return invoice
    old = {key: str(getattr(invoice, key)) for key in changed}
    for key in changed:
        setattr(invoice, key, fields[key])
    invoice.save(update_fields=changed)
    audit.record(
        "invoice.updated",
        invoice,
        actor=acting_user,
        old=old,
        new={key: str(getattr(invoice, key)) for key in changed},
    )
    mark_dirty(invoice.customer_id)
    return invoice


# --- CSV import ---------------------------------------------------------------------------


@dataclass(frozen=True)
class InvoiceRow:
    line: int
    customer: Customer
    fields: dict[str, Any]


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


class InvoiceImportError(ValueError):
    """The file has problems; nothing was imported. `problems` are "line N: ..." texts."""

    def __init__(self, problems: list[str], more: int = 0) -> None:
        self.problems, self.more = problems, more
        super().__init__("; ".join(problems) + (f"; and {more} more" if more else ""))


def parse_date(text: str) -> dt.date:
    text = text.strip()
    for form in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, form).date()
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a date (YYYY-MM-DD or DD/MM/YYYY)")


def parse_amount(text: str) -> Decimal:
    cleaned = re.sub(r"[\s,₪$€]", "", text.strip())
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"{text!r} is not an amount") from None
    if not amount.is_finite():
        raise ValueError(f"{text!r} is not an amount")
    if amount < 0:
        raise ValueError(f"amount {text.strip()} is negative")
    if amount > MAX_AMOUNT or amount != amount.quantize(Decimal("0.01")):
        raise ValueError(f"amount {text.strip()} needs at most 12 digits and 2 decimals")
    return amount


class _Customers:
    """Finds a row's customer by id, e-mail domain or exact name (case-insensitive)."""

    def __init__(self, keys: Iterable[str]) -> None:
        keys = {key.strip() for key in keys if key.strip()}
        ids = [int(key) for key in keys if key.isdigit()]
        lowered = [key.lower() for key in keys]
        self.by_id = {c.pk: c for c in Customer.objects.filter(pk__in=ids)}
        self.by_domain: dict[str, list[Customer]] = {}
        self.by_name: dict[str, list[Customer]] = {}
        for customer in Customer.objects.annotate(name_lower=Lower("name")).filter(
            Q(email_domain__in=lowered) | Q(name_lower__in=lowered)
        ):
            if customer.email_domain:
                self.by_domain.setdefault(customer.email_domain.lower(), []).append(customer)
            self.by_name.setdefault(customer.name.lower(), []).append(customer)

    def find(self, key: str) -> Customer:
        key = key.strip()
        if not key:
            raise ValueError("customer is empty")
        if key.isdigit() and int(key) in self.by_id:
            return self.by_id[int(key)]
        for table in (self.by_domain, self.by_name):
            matches = table.get(key.lower(), [])
            if len(matches) == 1:
                return matches[0]
            if len(matches) > 1:
                raise ValueError(f"customer {key!r} matches {len(matches)} customers; use the id")
        raise ValueError(f"no customer {key!r} (give the id, e-mail domain or exact name)")


def parse_invoices_csv(lines: Iterable[str], *, default_currency: str = "ILS") -> list[InvoiceRow]:
    """Every row checked; InvoiceImportError lists every bad one by CSV line (header = 1)."""
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None:
        raise InvoiceImportError(["the file is empty; expected a header line"])
    header = [cell.strip().lower().removeprefix("\ufeff") for cell in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise InvoiceImportError(
            [f"line 1: missing column(s) {', '.join(missing)} (found: {', '.join(header)})"]
        )
    unknown = [name for name in header if name not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if unknown:
        raise InvoiceImportError([f"line 1: unknown column(s) {', '.join(unknown)}"])
    records: list[tuple[int, dict[str, str]]] = []
    problems: list[str] = []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(
                f"line {reader.line_num}: {len(row)} cells, but the header has {len(header)}"
            )
            continue
        records.append((reader.line_num, dict(zip(header, row, strict=True))))
    customers = _Customers(record["customer"] for _line, record in records)
    rows: list[InvoiceRow] = []
    seen: dict[tuple[int, str], int] = {}
    for line, record in records:
        row_problems: list[str] = []
        row = _parse_row(line, record, customers, default_currency, row_problems)
        if row is not None:
            key = (row.customer.pk, row.fields["number"])
            if key in seen:
                row_problems.append(f"invoice {row.fields['number']} also on line {seen[key]}")
            else:
                seen[key] = line
        problems.extend(f"line {line}: {text}" for text in row_problems)
        if row is not None and not row_problems:
            rows.append(row)
    if problems:
        raise InvoiceImportError(problems[:MAX_PROBLEMS], more=max(0, len(problems) - MAX_PROBLEMS))
    if not rows:
        raise InvoiceImportError(["no invoices: the file has a header but no rows"])
    return rows


def _parse_row(
    line: int,
    record: dict[str, str],
    customers: _Customers,
    default_currency: str,
    problems: list[str],
) -> InvoiceRow | None:
    def attempt(parse: Any, text: str, name: str) -> Any:
        try:
            return parse(text)
        except ValueError as error:
            problems.append(f"{name}: {error}")
            return None

    customer = attempt(customers.find, record["customer"], "customer")
    number = record["number"].strip()
    if not number:
        problems.append("number is empty")
    elif len(number) > 64:
        problems.append("number is longer than 64 characters")
    amount = attempt(parse_amount, record["amount"], "amount")
    issued_on = attempt(parse_date, record["issued_on"], "issued_on")
    due_on = paid_on = None
    if text := record.get("due_on", "").strip():
        due_on = attempt(parse_date, text, "due_on")
    if text := record.get("paid_on", "").strip():
        paid_on = attempt(parse_date, text, "paid_on")
    currency = (record.get("currency", "").strip() or default_currency).upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        problems.append(f"currency {currency!r} is not a three-letter code")
    status = record.get("status", "").strip().lower() or (
        InvoiceStatus.PAID if paid_on else InvoiceStatus.OPEN
    )
    if status not in InvoiceStatus.values:
        problems.append(f"status {status!r} is not one of {', '.join(InvoiceStatus.values)}")
    elif issued_on is not None:
        problems.extend(check_invoice_dates(issued_on, due_on, paid_on, status))
    if problems or customer is None:
        return None
    return InvoiceRow(
        line,
        customer,
        {
            "number": number,
            "amount": amount,
            "currency": currency,
            "issued_on": issued_on,
            "due_on": due_on,
            "paid_on": paid_on,
            "status": status,
            "description": record.get("description", "").strip()[:300],
        },
    )


@transaction.atomic
def do_import_invoices(rows: list[InvoiceRow], *, acting_user: User | None) -> ImportResult:
    """Write checked rows in one transaction: new invoices are recorded, existing ones (same
    customer and number) updated - so importing the same file twice changes nothing."""
    existing = {
        (invoice.customer_id, invoice.number): invoice
        for invoice in Invoice.objects.filter(
            customer__in={row.customer.pk for row in rows},
            number__in={row.fields["number"] for row in rows},
        )
    }
    created = updated = unchanged = 0
    for row in rows:
        invoice = existing.get((row.customer.pk, row.fields["number"]))
        if invoice is None:
            do_record_invoice(acting_user=acting_user, customer=row.customer, **row.fields)
            created += 1
        elif _changed(invoice, row.fields):
            do_update_invoice(invoice, acting_user=acting_user, **row.fields)
            updated += 1
        else:
            unchanged += 1
    return ImportResult(created, updated, unchanged)
