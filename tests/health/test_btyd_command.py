"""`shomer btyd fit`: the JSON contract, the p_alive CSV, and clear errors for bad input."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from shomer.health.btyd import (
    BGNBDParams,
    ParetoNBDParams,
    Summary,
    bgnbd_p_alive,
    fit_bgnbd,
    fit_pareto_nbd,
    pareto_nbd_p_alive,
    parse_summary_csv,
    simulate_bgnbd,
)

NAMES = ["נועה כהן", "Dana Levi", 'משה ובניו בע"מ', "Acme, Ltd."]


@pytest.fixture(scope="module")
def customers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rng = np.random.default_rng(42)
    summary = simulate_bgnbd(BGNBDParams(0.5, 6.0, 0.7, 2.5), rng.uniform(20, 52, 400), rng)
    path = tmp_path_factory.mktemp("btyd") / "customers.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["customer", "frequency", "recency", "T", "segment"])
        for index in range(len(summary)):
            writer.writerow(
                [
                    f"{NAMES[index % len(NAMES)]} #{index}",
                    int(summary.frequency[index]),
                    repr(float(summary.recency[index])),
                    repr(float(summary.T[index])),
                    "קמעונאות" if index % 2 else "retail",
                ]
            )
    return path


def run(*args: str) -> dict[str, object]:
    out = io.StringIO()
    call_command("btyd", *args, stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    result: dict[str, object] = json.loads(lines[0])
    return result


def read_back(customers: Path) -> Summary:
    with customers.open(encoding="utf-8", newline="") as handle:
        return parse_summary_csv(handle).summary


def test_bg_nbd_fit_prints_the_contract(customers: Path) -> None:
    result = run("fit", "--model", "bg-nbd", "--summary", str(customers))
    fit = fit_bgnbd(read_back(customers))
    assert result == {
        "model": "bg-nbd",
        "params": {
            "r": fit.params.r,
            "alpha": fit.params.alpha,
            "a": fit.params.a,
            "b": fit.params.b,
        },
        "log_likelihood": fit.log_likelihood,
        "customers": 400,
    }


def test_pareto_nbd_fit_prints_the_contract(customers: Path) -> None:
    result = run("fit", "--model", "pareto-nbd", "--summary", str(customers))
    fit = fit_pareto_nbd(read_back(customers))
    assert result == {
        "model": "pareto-nbd",
        "params": {
            "r": fit.params.r,
            "alpha": fit.params.alpha,
            "s": fit.params.s,
            "beta": fit.params.beta,
        },
        "log_likelihood": fit.log_likelihood,
        "customers": 400,
    }


@pytest.mark.parametrize("model", ["bg-nbd", "pareto-nbd"])
def test_p_alive_is_added_to_every_row_with_all_columns_kept(
    customers: Path, tmp_path: Path, model: str
) -> None:
    out = tmp_path / "scored.csv"
    result = run(
        "fit", "--model", model, "--summary", str(customers), "--p-alive", "--out", str(out)
    )
    with customers.open(encoding="utf-8", newline="") as handle:
        original = list(csv.reader(handle))
    with out.open(encoding="utf-8", newline="") as handle:
        scored = list(csv.reader(handle))
    assert scored[0] == [*original[0], "p_alive"]
    assert [row[:-1] for row in scored[1:]] == original[1:]
    summary = read_back(customers)
    params = result["params"]
    assert isinstance(params, dict)
    if model == "bg-nbd":
        expected = bgnbd_p_alive(BGNBDParams(**params), summary)
    else:
        expected = pareto_nbd_p_alive(ParetoNBDParams(**params), summary)
    assert [float(row[-1]) for row in scored[1:]] == expected.tolist()
    assert all(0.0 <= float(row[-1]) <= 1.0 for row in scored[1:])


def test_an_existing_p_alive_column_is_replaced(tmp_path: Path) -> None:
    source = tmp_path / "old.csv"
    source.write_text("p_alive,frequency,recency,T\nstale,0,0,10\nstale,2,5,10\nstale,1,9,12\n")
    out = tmp_path / "new.csv"
    run("fit", "--model", "bg-nbd", "--summary", str(source), "--p-alive", "--out", str(out))
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows[0] == ["p_alive", "frequency", "recency", "T"]
    assert rows[1][0] == "1.0"  # no repeat purchase: alive in BG/NBD
    assert "stale" not in {row[0] for row in rows}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "frequency,recency,T\n1,1,2\n2,40,30\n",
            "line 3: recency 40 > T 30 (a purchase in the future)",
        ),
        ("frequency,recency,T\n1,x,2\n", "line 2: recency 'x' is not a number"),
        ("id,frequency,T\n1,2,3\n", "line 1: missing column(s) recency (found: id, frequency, T)"),
        ("frequency,recency,T\n", "no customers: the file has a header but no rows"),
    ],
)
def test_bad_input_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        run("fit", "--model", "bg-nbd", "--summary", str(path))
    assert str(caught.value) == f"{path}: {message}"


def test_several_problems_are_listed_one_per_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("frequency,recency,T\n2,40,30\n0,0,0\n1,1,2\n", encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        run("fit", "--model", "pareto-nbd", "--summary", str(path))
    assert str(caught.value).splitlines() == [
        f"{path}: 2 problems",
        "line 2: recency 40 > T 30 (a purchase in the future)",
        "line 3: T 0 must be > 0 (no time observed since the first purchase: no history)",
    ]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--p-alive"], "--p-alive writes a CSV: give it --out FILE.csv"),
        (["--out", "scored.csv"], "--out is where --p-alive writes: add --p-alive"),
    ],
)
def test_options_that_only_work_together(customers: Path, options: list[str], message: str) -> None:
    with pytest.raises(CommandError) as caught:
        run("fit", "--model", "bg-nbd", "--summary", str(customers), *options)
    assert str(caught.value) == message


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "missing.csv"
    with pytest.raises(CommandError) as caught:
        run("fit", "--model", "bg-nbd", "--summary", str(missing))
    assert str(caught.value) == f"cannot read {missing}: No such file or directory"
