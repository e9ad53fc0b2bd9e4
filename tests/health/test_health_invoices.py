"""Invoices: `shomer import invoices` (bad rows by line number, all or nothing, idempotent)
and the API (staff read, managers write)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from shomer.core.models import AuditEvent
from shomer.customers.models import Customer, Invoice
from shomer.health.models import CustomerScore

GOOD = """customer,number,amount,currency,issued_on,due_on,paid_on,status,description
{clinic},INV-1001,"1,200.00",ILS,2026-09-01,2026-10-01,2026-09-20,,ריטיינר ספטמבר
smile.example,INV-1002,1200,,01/10/2026,31/10/2026,,,ריטיינר אוקטובר
Harbor Lane Bakery,H-7,350.5,USD,2026-10-05,,,,Website fix
"""


@pytest.fixture
def bakery(db):
    return Customer.objects.create(name="Harbor Lane Bakery")


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "invoices.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_import_creates_invoices_and_a_second_run_changes_nothing(tmp_path, clinic, bakery, capsys):
    path = write(tmp_path, GOOD.format(clinic=clinic.pk))

    call_command("import", "invoices", path)
    call_command("import", "invoices", path)

    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"{path}: 3 created, 0 updated, 0 unchanged",
        f"{path}: 0 created, 0 updated, 3 unchanged",
    ]
    first = Invoice.objects.get(number="INV-1001")
    assert (first.customer, first.amount, first.status, first.paid_on) == (
        clinic,
        Decimal("1200.00"),
        "paid",
        dt.date(2026, 9, 20),
    )
    second = Invoice.objects.get(number="INV-1002")
    assert (second.customer, second.status, second.issued_on, second.currency) == (
        clinic,
        "open",
        dt.date(2026, 10, 1),
        "ILS",
    )
    assert Invoice.objects.get(number="H-7").customer == bakery
    assert AuditEvent.objects.filter(action="invoice.recorded").count() == 3
    assert set(
        CustomerScore.objects.filter(is_dirty=True).values_list("customer_id", flat=True)
    ) == {clinic.pk, bakery.pk}


def test_a_payment_in_a_later_file_updates_the_invoice(tmp_path, clinic, capsys):
    call_command(
        "import",
        "invoices",
        write(tmp_path, f"customer,number,amount,issued_on\n{clinic.pk},A1,100,2026-09-01\n"),
    )
    path = write(
        tmp_path,
        f"customer,number,amount,issued_on,paid_on\n{clinic.pk},A1,100,2026-09-01,2026-09-15\n",
    )
    call_command("import", "invoices", path)
    assert capsys.readouterr().out.splitlines()[-1] == f"{path}: 0 created, 1 updated, 0 unchanged"
    invoice = Invoice.objects.get(number="A1")
    assert (invoice.status, invoice.paid_on) == ("paid", dt.date(2026, 9, 15))
    assert AuditEvent.objects.get(action="invoice.updated").data["new"] == {
        "paid_on": "2026-09-15",
        "status": "paid",
    }


def test_bad_rows_are_reported_by_line_and_nothing_is_imported(tmp_path, clinic, bakery, capsys):
    Customer.objects.create(name="Twin")
    Customer.objects.create(name="twin")
    text = (
        "customer,number,amount,issued_on,due_on,paid_on,status\n"
        f"{clinic.pk},OK-1,100,2026-09-01,,,\n"
        f"{clinic.pk},BAD-1,-5,2026-09-01,,,\n"
        "Nobody Ltd,BAD-2,10,2026-09-01,,,\n"
        f"{clinic.pk},BAD-3,10,2026-13-45,,,\n"
        f"{clinic.pk},BAD-4,10,2026-09-10,2026-09-01,,\n"
        f"{clinic.pk},BAD-5,10,2026-09-10,,,paid\n"
        "twin,BAD-6,10,2026-09-10,,,\n"
        f"{clinic.pk},OK-1,100,2026-09-01,,,\n"
        f"{clinic.pk},BAD-8,abc,2026-09-01,,,maybe\n"
        "short,row\n"
    )
    path = write(tmp_path, text)

    with pytest.raises(CommandError, match="nothing imported"):
        call_command("import", "invoices", path)

    errors = capsys.readouterr().err.splitlines()
    assert errors == [
        f"{path}: line 11: 2 cells, but the header has 7",
        f"{path}: line 3: amount: amount -5 is negative",
        f"{path}: line 4: customer: no customer 'Nobody Ltd' (give the id, e-mail domain or exact name)",
        f"{path}: line 5: issued_on: '2026-13-45' is not a date (YYYY-MM-DD or DD/MM/YYYY)",
        f"{path}: line 6: due_on 2026-09-01 is before issued_on 2026-09-10",
        f"{path}: line 7: status paid needs paid_on",
        f"{path}: line 8: customer: customer 'twin' matches 2 customers; use the id",
        f"{path}: line 9: invoice OK-1 also on line 2",
        f"{path}: line 10: amount: 'abc' is not an amount",
        f"{path}: line 10: status 'maybe' is not one of open, paid, void",
    ]
    assert not Invoice.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty; expected a header line"),
        (
            "customer,number,amount\n",
            "line 1: missing column(s) issued_on (found: customer, number, amount)",
        ),
        ("customer,number,amount,issued_on,colour\n", "line 1: unknown column(s) colour"),
        ("customer,number,amount,issued_on\n", "no invoices: the file has a header but no rows"),
    ],
)
def test_a_file_without_rows_or_columns_is_refused(tmp_path, db, capsys, text, message):
    path = write(tmp_path, text)
    with pytest.raises(CommandError):
        call_command("import", "invoices", path)
    assert capsys.readouterr().err.splitlines() == [f"{path}: {message}"]


def test_dry_run_checks_without_importing(tmp_path, clinic, bakery, capsys):
    path = write(tmp_path, GOOD.format(clinic=clinic.pk))
    call_command("import", "invoices", path, "--dry-run")
    assert (
        capsys.readouterr().out.strip()
        == f"{path}: 3 invoices are valid (dry run, nothing imported)"
    )
    assert not Invoice.objects.exists()


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_managers_record_invoices_through_the_api_and_agents_read_them(dana, yossi, clinic):
    body = {
        "customer": clinic.pk,
        "number": "API-1",
        "amount": "980.00",
        "issued_on": "2026-11-01",
        "due_on": "2026-12-01",
    }

    denied = api(dana).post("/api/invoices/", body, format="json")
    created = api(yossi).post("/api/invoices/", body, format="json")
    duplicate = api(yossi).post("/api/invoices/", body, format="json")
    paid = api(yossi).patch(
        f"/api/invoices/{created.data['id']}/",
        {"paid_on": "2026-11-20", "status": "paid"},
        format="json",
    )
    wrong = api(yossi).patch(
        f"/api/invoices/{created.data['id']}/", {"paid_on": "2026-10-01"}, format="json"
    )

    assert denied.status_code == 403
    assert created.status_code == 201
    assert created.data["status"] == "open"
    assert duplicate.status_code == 400
    assert paid.status_code == 200
    assert (paid.data["status"], paid.data["paid_on"]) == ("paid", "2026-11-20")
    assert wrong.status_code == 400
    assert Invoice.objects.get().paid_on == dt.date(2026, 11, 20)
    listed = api(dana).get("/api/invoices/", {"customer": clinic.pk})
    assert [row["number"] for row in listed.data["results"]] == ["API-1"]
    assert AuditEvent.objects.filter(action__startswith="invoice.").count() == 2


def test_negative_amounts_are_refused_by_the_api(yossi, clinic):
    response = api(yossi).post(
        "/api/invoices/",
        {"customer": clinic.pk, "number": "N-1", "amount": "-1", "issued_on": "2026-11-01"},
        format="json",
    )
    assert response.status_code == 400
    assert not Invoice.objects.exists()


def test_health_scores_are_read_only_through_the_api(dana, clinic):
    from shomer.health.services import do_recompute

    do_recompute([clinic.pk])
    response = api(dana).get("/api/customer-scores/", {"customer": clinic.pk})
    assert response.status_code == 200
    (row,) = response.data["results"]
    assert (row["customer"], row["health"], row["customer_type"]) == (clinic.pk, 70, "new")
    assert api(dana).post("/api/customer-scores/", {}, format="json").status_code == 405
