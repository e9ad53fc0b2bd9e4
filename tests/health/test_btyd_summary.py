"""The RFM summary: CSV reading with line-numbered errors, validation, and the builder from
purchases."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from shomer.health.btyd import (
    Summary,
    SummaryError,
    fit_gamma_gamma,
    fit_sbg,
    parse_summary_csv,
    rfm_summary,
)

JERUSALEM = ZoneInfo("Asia/Jerusalem")


def parse(text: str) -> Summary:
    return parse_summary_csv(text.splitlines(keepends=True)).summary


def problems(text: str) -> list[str]:
    with pytest.raises(SummaryError) as caught:
        parse_summary_csv(text.splitlines(keepends=True))
    return caught.value.problems


def test_it_reads_the_three_columns_and_keeps_the_others() -> None:
    table = parse_summary_csv(
        [
            "\ufeffcustomer,frequency,recency,T,city\n",
            "נועה כהן,2,30.43,38.86,חיפה\n",
            "\n",
            "Acme Ltd,0,0,38.86,Tel Aviv\n",
        ]
    )
    assert table.header == ["customer", "frequency", "recency", "T", "city"]
    assert table.rows == [
        ["נועה כהן", "2", "30.43", "38.86", "חיפה"],
        ["Acme Ltd", "0", "0", "38.86", "Tel Aviv"],
    ]
    assert table.line_numbers == [2, 4]
    assert table.summary.frequency.tolist() == [2.0, 0.0]
    assert table.summary.recency.tolist() == [30.43, 0.0]
    assert table.summary.T.tolist() == [38.86, 38.86]


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("2,40,30", "line 3: recency 40 > T 30 (a purchase in the future)"),
        (
            "0,0,0",
            "line 3: T 0 must be > 0 (no time observed since the first purchase: no history)",
        ),
        (
            "1,2,-4",
            "line 3: T -4 must be > 0 (no time observed since the first purchase: no history)",
        ),
        ("-1,0,5", "line 3: frequency -1 is negative"),
        ("1,-2,5", "line 3: recency -2 is negative"),
        ("2.5,3,5", "line 3: frequency 2.5 is not a whole number of repeat purchases"),
        ("0,3,5", "line 3: recency 3 with frequency 0: with no repeat purchase recency must be 0"),
        ("3,0,5", "line 3: recency 0 with frequency 3: a repeat purchase needs recency > 0"),
        ("nan,1,5", "line 3: frequency nan is not a finite number"),
        ("1,inf,5", "line 3: recency inf is not a finite number"),
        ("1,1,NaN", "line 3: T nan is not a finite number"),
        ("1,שלוש,5", "line 3: recency 'שלוש' is not a number"),
        ("1,,5", "line 3: recency '' is not a number"),
        ("1,2", "line 3: 2 cells, but the header has 3"),
    ],
)
def test_a_bad_row_is_named_by_its_line(line: str, problem: str) -> None:
    assert problems(f"frequency,recency,T\n1,1,2\n{line}\n") == [problem]


def test_every_bad_row_is_reported_in_line_order() -> None:
    text = "frequency,recency,T\n2,40,30\n\n1,1,2\n0,4,3\n5,0,0\n"
    assert problems(text) == [
        "line 2: recency 40 > T 30 (a purchase in the future)",
        "line 5: recency 4 > T 3 (a purchase in the future)",
        "line 6: T 0 must be > 0 (no time observed since the first purchase: no history)",
    ]


def test_a_flood_of_bad_rows_is_cut_short_with_a_count() -> None:
    text = "frequency,recency,T\n" + "1,9,5\n" * 50
    with pytest.raises(SummaryError) as caught:
        parse_summary_csv(text.splitlines())
    assert len(caught.value.problems) == 20
    assert caught.value.more == 30
    assert str(caught.value).endswith("; and 30 more")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "the file is empty; expected a header line frequency,recency,T"),
        ("frequency,recency,T\n", "no customers: the file has a header but no rows"),
        ("id,frequency,T\n1,0,5\n", "line 1: missing column(s) recency (found: id, frequency, T)"),
        ("x,t_x,T\n", "line 1: missing column(s) frequency, recency (found: x, t_x, T)"),
        ("frequency,recency,T,T\n", "line 1: column(s) T appear more than once"),
    ],
)
def test_a_bad_header_or_an_empty_file_says_so(text: str, problem: str) -> None:
    assert problems(text) == [problem]


def test_a_summary_from_arrays_names_rows() -> None:
    with pytest.raises(SummaryError) as caught:
        Summary(np.array([1.0, 2.0]), np.array([1.0, 5.0]), np.array([2.0, 4.0]))
    assert caught.value.problems == ["row 2: recency 5 > T 4 (a purchase in the future)"]
    with pytest.raises(SummaryError, match="different lengths"):
        Summary([1.0], [1.0, 2.0], [3.0])
    with pytest.raises(SummaryError, match="no customers"):
        Summary([], [], [])


def at(day: int, hour: int = 12, month: int = 3) -> datetime:
    return datetime(2025, month, day, hour, tzinfo=JERUSALEM)


def test_rfm_summary_counts_purchase_days() -> None:
    purchases = [
        ("לקוח-1", at(1)),
        ("לקוח-1", at(1, 18)),  # the same day: one purchase occasion
        ("לקוח-2", at(3)),
        ("לקוח-1", at(8)),
        ("לקוח-1", at(15, 9)),
        ("customer-3", at(22)),  # first seen on the last day: no history, left out
    ]
    customers, summary = rfm_summary(purchases, observation_end=at(22, 23), unit="days")
    assert customers == ["לקוח-1", "לקוח-2"]
    assert summary.frequency.tolist() == [2.0, 0.0]
    assert summary.recency.tolist() == [14.0, 0.0]
    assert summary.T.tolist() == [21.0, 19.0]
    _, weekly = rfm_summary(purchases, observation_end=at(22, 23), unit="weeks")
    assert weekly.recency.tolist() == [2.0, 0.0]
    assert weekly.T.tolist() == [3.0, 19 / 7]


def test_rfm_summary_takes_days_in_the_observation_end_zone() -> None:
    # 22:30 UTC on 1 March is 00:30 on 2 March in Jerusalem.
    late = datetime(2025, 3, 1, 22, 30, tzinfo=ZoneInfo("UTC"))
    customers, summary = rfm_summary(
        [("dana", at(1, 10)), ("dana", late)], observation_end=at(10), unit="days"
    )
    assert customers == ["dana"]
    assert (summary.frequency[0], summary.recency[0], summary.T[0]) == (1.0, 1.0, 9.0)


def test_rfm_summary_refuses_future_purchases_and_mixed_zones() -> None:
    with pytest.raises(ValueError, match="is after the observation end"):
        rfm_summary([("noa", at(11))], observation_end=at(10))
    with pytest.raises(ValueError, match="both have a time zone or both not"):
        rfm_summary([("noa", datetime(2025, 3, 1))], observation_end=at(10))
    with pytest.raises(ValueError, match="unit must be 'days' or 'weeks'"):
        rfm_summary([("noa", at(1))], observation_end=at(10), unit="months")  # type: ignore[arg-type]
    with pytest.raises(SummaryError, match="no customer has any time observed"):
        rfm_summary([("noa", at(10, 8))], observation_end=at(10, 20))


def test_gamma_gamma_input_is_checked() -> None:
    with pytest.raises(SummaryError) as caught:
        fit_gamma_gamma([2, 0, 1.5], [10.0, 5.0, -3.0])
    assert caught.value.problems == [
        "row 2: frequency 0 must be a whole number >= 1 (only customers with repeat "
        "purchases have an average spend)",
        "row 3: frequency 1.5 must be a whole number >= 1 (only customers with repeat "
        "purchases have an average spend)",
        "row 3: monetary value -3 must be a finite number > 0",
    ]


@pytest.mark.parametrize(
    ("survivors", "problem"),
    [
        ([1000], "survivors needs the cohort size and at least one later count"),
        ([0, 0], "period 0: the cohort is empty"),
        ([1000, 600, 700], "period 2: 700 survivors, more than 600 before"),
        ([1000, 600.5], "period 1: 600.5 is not a whole number >= 0"),
        ([1000, -1], "period 1: -1 is not a whole number >= 0"),
        ([1000, 1000, 1000], "nobody left the cohort, so no churn rate can be estimated"),
    ],
)
def test_sbg_input_is_checked(survivors: list[int], problem: str) -> None:
    with pytest.raises(SummaryError) as caught:
        fit_sbg(survivors)
    assert caught.value.problems == [problem]
