"""Pure outreach rules: template variables, occasions, sending days, the ladder, instalments."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shomer.outreach import rules
from shomer.outreach.defaults import DEFAULT_TEMPLATES, SAMPLE_VARIABLES

D = dt.date
ZONE = zoneinfo.ZoneInfo("Asia/Jerusalem")


@pytest.mark.parametrize(
    ("text", "variables", "expected"),
    [
        ("שלום {first_name},", {"first_name": "נועה"}, "שלום נועה,"),
        (
            "Hi {first_name} from {business}",
            {"first_name": "Mark", "business": "Shomer"},
            "Hi Mark from Shomer",
        ),
        ("{unknown} stays", {"first_name": "x"}, "{unknown} stays"),
        ("{{literal}} and {{", {}, "{literal} and {"),
        ("{first_name}{first_name}", {"first_name": "{business}"}, "{business}{business}"),
        ("", {}, ""),
    ],
)
def test_render_fills_known_variables_only(text, variables, expected):
    assert rules.render(text, variables) == expected


def test_placeholders_and_unknown_variables():
    text = "{first_name} owes {amount} since {due_date}; {first_name} {{not_a_var}} {colour}"
    assert rules.placeholders(text) == ["first_name", "amount", "due_date", "colour"]
    assert rules.unknown_variables(text, rules.allowed_variables("collection_1")) == ["colour"]
    assert rules.unknown_variables("{years}", rules.allowed_variables("birthday")) == ["years"]
    assert rules.unknown_variables("{years}", rules.allowed_variables("anniversary")) == []


def test_every_built_in_template_uses_only_its_variables():
    for key, languages in DEFAULT_TEMPLATES.items():
        assert set(languages) == {"he", "en"}, key
        for language, (subject, body) in languages.items():
            assert rules.unknown_variables(subject + body, rules.allowed_variables(key)) == [], (
                key,
                language,
            )
            filled = rules.render(subject + body, SAMPLE_VARIABLES[language])
            assert "{" not in filled, (key, language)


_PLAIN = st.text(alphabet="ab שלום,. -", max_size=10)  # no braces


@given(
    st.lists(st.one_of(_PLAIN, st.sampled_from(["{first_name}", "{business}", "{{", "}}"]))),
    st.fixed_dictionaries({"first_name": st.text(max_size=8), "business": st.text(max_size=8)}),
)
def test_render_is_one_pass_substitution(parts, variables):
    expected = "".join(
        {
            "{first_name}": variables["first_name"],
            "{business}": variables["business"],
            "{{": "{",
            "}}": "}",
        }.get(p, p)
        for p in parts
    )
    assert rules.render("".join(parts), variables) == expected


@pytest.mark.parametrize(
    ("day", "year", "expected"),
    [
        (D(1990, 5, 17), 2026, D(2026, 5, 17)),
        (D(1992, 2, 29), 2026, D(2026, 2, 28)),  # a leap-day birthday in a common year
        (D(1992, 2, 29), 2028, D(2028, 2, 29)),
        (D(1985, 12, 31), 2026, D(2026, 12, 31)),
    ],
)
def test_on_year(day, year, expected):
    assert rules.on_year(day, year) == expected


def test_birthdays_and_anniversaries_between():
    assert rules.birthdays_between(D(1990, 1, 3), D(2026, 12, 20), D(2027, 1, 18)) == [
        D(2027, 1, 3)
    ]
    assert rules.birthdays_between(D(1990, 6, 1), D(2026, 12, 20), D(2027, 1, 18)) == []
    # An anniversary is never on the first day itself.
    assert rules.yearly_between(D(2026, 11, 22), D(2026, 11, 22), D(2026, 12, 21)) == []
    assert rules.yearly_between(D(2023, 11, 25), D(2026, 11, 22), D(2026, 12, 21)) == [
        D(2026, 11, 25)
    ]


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2028, 1, 31), 1, D(2028, 2, 29)),
        (D(2026, 11, 15), 2, D(2027, 1, 15)),
        (D(2026, 3, 31), -1, D(2026, 2, 28)),
    ],
)
def test_add_months_clamps_to_the_month(day, months, expected):
    assert rules.add_months(day, months) == expected


def test_monthly_check_ins_fall_on_the_day_the_customer_joined():
    since = D(2025, 8, 31)
    assert rules.monthly_between(since, D(2026, 1, 1), D(2026, 3, 31)) == [
        D(2026, 1, 31),
        D(2026, 2, 28),
        D(2026, 3, 31),
    ]
    assert rules.monthly_between(since, D(2026, 1, 1), D(2026, 6, 30), every_months=3) == [
        D(2026, 2, 28),
        D(2026, 5, 31),
    ]
    assert rules.monthly_between(since, D(2026, 1, 1), D(2026, 3, 31), every_months=0) == []
    # Not on the first day itself.
    assert rules.monthly_between(D(2026, 1, 10), D(2026, 1, 1), D(2026, 2, 15)) == [D(2026, 2, 10)]


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2040, 12, 31)), st.integers(1, 12))
def test_check_ins_are_in_range_sorted_and_one_per_period(since, every):
    start = since + dt.timedelta(days=40)
    end = start + dt.timedelta(days=400)
    found = rules.monthly_between(since, start, end, every)
    assert found == sorted(found)
    assert all(start <= day <= end for day in found)
    assert len(set((d.year, d.month) for d in found)) == len(found)
    assert 400 // (31 * every) <= len(found) <= 400 // (28 * every) + 1


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 11, 22), D(2026, 11, 22)),  # Sunday
        (D(2026, 11, 26), D(2026, 11, 26)),  # Thursday
        (D(2026, 11, 27), D(2026, 11, 29)),  # Friday -> Sunday
        (D(2026, 11, 28), D(2026, 11, 29)),  # Saturday -> Sunday
    ],
)
def test_business_mail_waits_for_sunday(day, expected):
    assert rules.business_day_on_or_after(day) == expected


def test_slot_is_local_time_across_dst():
    assert rules.slot(D(2026, 3, 26), 10, ZONE).astimezone(dt.UTC).hour == 8  # winter
    assert rules.slot(D(2026, 3, 29), 10, ZONE).astimezone(dt.UTC).hour == 7  # summer


@pytest.mark.parametrize(
    ("days", "done", "expected"),
    [
        (1, [], None),
        (3, [], 1),
        (40, [], 1),  # very late: still the friendly note first
        (13, [1], None),
        (14, [1], 2),
        (40, [1], 2),
        (29, [1, 2], None),
        (30, [1, 2], 3),
        (90, [1, 2, 3], None),  # the ladder ends; no fourth letter
    ],
)
def test_ladder_step_due(days, done, expected):
    assert rules.ladder_step_due(days, done) == expected


@given(st.lists(st.integers(1, 3), unique=True), st.integers(-10, 400))
def test_ladder_goes_in_order(done, days):
    step = rules.ladder_step_due(days, done)
    if step is not None:
        assert step not in done
        assert all(s in done for s in range(1, step))
        assert days >= rules.LADDER_DAYS[step - 1]


@pytest.mark.parametrize(
    ("amount", "count", "expected"),
    [
        ("100.00", 3, ["33.34", "33.33", "33.33"]),
        ("4800", 3, ["1600.00", "1600.00", "1600.00"]),
        ("0.05", 3, ["0.02", "0.02", "0.01"]),
        ("10", 1, ["10.00"]),
    ],
)
def test_split_amount(amount, count, expected):
    assert rules.split_amount(Decimal(amount), count) == [Decimal(e) for e in expected]


@given(st.decimals(min_value=0, max_value=10**9, places=2), st.integers(1, 36))
def test_instalments_add_up_to_the_cent(amount, count):
    parts = rules.split_amount(amount, count)
    assert sum(parts) == amount
    assert max(parts) - min(parts) <= Decimal("0.01")


def test_split_amount_refuses_nonsense():
    with pytest.raises(ValueError):
        rules.split_amount(Decimal("10"), 0)
    with pytest.raises(ValueError):
        rules.split_amount(Decimal("-1"), 2)


def test_instalment_schedule_is_monthly_on_the_same_day():
    assert rules.instalment_schedule(Decimal("1000"), 3, D(2026, 1, 31)) == [
        (1, D(2026, 1, 31), Decimal("333.34")),
        (2, D(2026, 2, 28), Decimal("333.33")),
        (3, D(2026, 3, 31), Decimal("333.33")),
    ]


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [("4800", "ILS", "₪4,800.00"), ("1250.5", "USD", "$1,250.50"), ("12", "CHF", "12.00 CHF")],
)
def test_format_amount(amount, currency, expected):
    assert rules.format_amount(Decimal(amount), currency) == expected


def test_the_pure_modules_import_no_django():
    import ast
    from pathlib import Path

    import shomer

    root = Path(shomer.__file__).parent
    for name in ("outreach/rules.py", "outreach/defaults.py", "feedback/rules.py"):
        tree = ast.parse((root / name).read_text(encoding="utf-8"))
        imported = [
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        ]
        imported += [
            node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
        ]
        assert [m for m in imported if m.split(".")[0] in ("django", "shomer")] == [], name
