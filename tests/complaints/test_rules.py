"""Pure rules: what blocks a resolution, when the follow-up falls, when to propose a
complaint, which work was after hours, who had a ticket when an incident came."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shomer.complaints import rules
from shomer.complaints.rules import Assignment, NamedEmployee
from shomer.sla.calendar import Calendar, is_open
from shomer.sla.defaults import DEFAULT_CALENDAR

ISRAEL = ZoneInfo("Asia/Jerusalem")
OFFICE = Calendar.from_dict(DEFAULT_CALENDAR)


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=ISRAEL)


def epoch(*args: int) -> int:
    return int(at(*args).timestamp())


@pytest.mark.parametrize(
    ("active", "heard", "included"),
    [
        (True, set(), False),
        (True, {"answer"}, True),
        (True, {"meeting"}, True),
        (True, {"on_behalf"}, False),  # someone on staff answers for themselves
        (False, set(), False),
        (False, {"on_behalf"}, True),
        (False, {"answer"}, True),  # answered before leaving
    ],
)
def test_who_counts_as_heard(active, heard, included):
    assert NamedEmployee(7, active, frozenset(heard)).is_included is included


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (
            dict(
                is_acknowledged=True,
                is_investigated=True,
                employees=[],
                is_reviewed=False,
                has_verdict=True,
                resolution="done",
            ),
            [],
        ),
        (
            dict(
                is_acknowledged=False,
                is_investigated=False,
                employees=[],
                is_reviewed=False,
                has_verdict=False,
                resolution=" ",
            ),
            [
                ("not_acknowledged", None),
                ("not_investigated", None),
                ("no_verdict", None),
                ("no_resolution", None),
            ],
        ),
        (
            dict(
                is_acknowledged=True,
                is_investigated=True,
                employees=[
                    NamedEmployee(3, True, frozenset()),
                    NamedEmployee(4, False, frozenset({"on_behalf"})),
                ],
                is_reviewed=False,
                has_verdict=True,
                resolution="done",
            ),
            [("employee_not_heard", 3), ("not_reviewed", None)],
        ),
        (
            dict(
                is_acknowledged=True,
                is_investigated=True,
                employees=[],
                is_reviewed=False,
                has_verdict=True,
                resolution=None,
            ),
            [],  # what was done is not asked yet
        ),
    ],
)
def test_blockers_to_resolve(facts, expected):
    assert rules.blockers_to_resolve(**facts) == expected


@pytest.mark.parametrize(
    ("resolved", "due"),
    [
        (at(2026, 11, 19, 14, 0), at(2026, 11, 22, 14, 0)),  # Thursday -> Sunday, same hour
        (at(2026, 11, 17, 15, 0), at(2026, 11, 22, 9, 0)),  # Friday 15:00 is closed
        (at(2026, 11, 16, 20, 0), at(2026, 11, 20, 9, 0)),  # Thursday 20:00 -> Friday 09:00
        # Three days after 6 Sep 2026 is the 9th; 11 Sep is Erev Rosh Hashana (short day)
        # and the 12th and 13th are Rosh Hashana: 10 Sep 18:00 -> 11 Sep 09:00.
        (at(2026, 9, 7, 18, 0), at(2026, 9, 11, 9, 0)),
    ],
)
def test_the_follow_up_falls_three_days_later_at_a_working_moment(resolved, due):
    assert rules.follow_up_due(resolved, OFFICE) == due


@pytest.mark.parametrize(
    ("sentiment", "dissatisfaction", "proposed"),
    [
        (-0.9, 0.85, True),
        (-0.9, 0.7, False),  # angry words, not a complaint
        (-0.5, 0.95, True),  # "cancel, refund, third time" alone is enough
        (-0.84, 0.89, False),
        (0.2, 0.2, False),
    ],
)
def test_when_a_complaint_is_proposed(sentiment, dissatisfaction, proposed):
    assert rules.is_strong_dissatisfaction(sentiment, dissatisfaction) is proposed


def test_after_hours_on_the_israeli_office_week():
    instants = [
        epoch(2026, 11, 22, 10, 0),  # Sunday morning: working
        epoch(2026, 11, 22, 17, 0),  # Sunday 17:00: closed (intervals end there)
        epoch(2026, 11, 20, 12, 59),  # Friday before 13:00: working
        epoch(2026, 11, 20, 13, 30),  # Friday afternoon: after hours
        epoch(2026, 11, 21, 11, 0),  # Saturday
        epoch(2026, 9, 21, 11, 0),  # Yom Kippur 5787
        epoch(2026, 11, 23, 2, 0),  # Monday night
    ]

    mask = rules.after_hours_mask(instants, OFFICE)

    assert mask.tolist() == [False, True, False, True, True, True, True]
    assert rules.after_hours_mask([], OFFICE).tolist() == []


def test_minutes_of_work_outside_hours():
    ends = [
        epoch(2026, 11, 22, 17, 30),  # an hour from 16:30: half after 17:00
        epoch(2026, 11, 22, 12, 0),  # inside
        epoch(2026, 11, 21, 12, 0),  # Saturday
        epoch(2026, 11, 22, 9, 15),  # 08:45-09:15: half before opening
    ]

    outside = rules.minutes_after_hours(ends, [60, 45, 90, 30], OFFICE)

    assert outside.tolist() == [30, 0, 90, 15]


def test_who_had_the_ticket_when_the_incident_came():
    changes = [
        Assignment(at(2026, 11, 1, 9, 0), None, 1),
        Assignment(at(2026, 11, 3, 9, 0), 1, 2),
    ]
    assert rules.assignee_at(at(2026, 11, 2, 9, 0), changes, current=2) == 1
    assert rules.assignee_at(at(2026, 11, 4, 9, 0), changes, current=2) == 2
    assert rules.assignee_at(at(2026, 10, 30, 9, 0), changes[1:], current=2) == 1  # before any
    assert rules.assignee_at(at(2026, 10, 30, 9, 0), [], current=5) == 5


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=epoch(2025, 1, 1, 0, 0), max_value=epoch(2027, 12, 31, 0, 0)),
    st.integers(min_value=1, max_value=600),
)
def test_after_hours_agrees_with_the_calendar_and_minutes_stay_in_range(moment, minutes):
    instant = dt.datetime.fromtimestamp(moment, tz=dt.UTC)

    late = bool(rules.after_hours_mask(np.array([moment]), OFFICE)[0])
    outside = int(rules.minutes_after_hours([moment], [minutes], OFFICE)[0])

    assert late is not is_open(instant, OFFICE)
    assert 0 <= outside <= minutes
