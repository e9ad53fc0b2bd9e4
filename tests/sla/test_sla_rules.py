"""Pure SLA rules: which policy sets each target, a timer's schedule, the time format."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shomer.sla.calendar import (
    BusinessTimeError,
    Calendar,
    add_business_minutes,
    add_business_seconds,
    business_seconds_between,
)
from shomer.sla.rules import (
    MATCH_FIELDS,
    TARGETS,
    PolicyRow,
    choose_targets,
    format_business_time,
    schedule,
)
from tests.sla.conftest import OFFICE_WEEK, at

OFFICE = Calendar.from_dict(OFFICE_WEEK)


def row(id: int, **fields: Any) -> PolicyRow:
    minutes = {target: fields.pop(target, None) for target in TARGETS}
    return PolicyRow(id=id, minutes=minutes, **fields)


POLICIES = [
    row(1, first_response=240, next_response=480, resolution=2400, callback=120),
    row(2, priority="urgent", first_response=30, resolution=480),
    row(3, kind="complaint", first_response=60, resolution=1440, warning_percent=70),
    row(4, tier="vip", first_response=60),
    row(5, tier="vip", kind="complaint", first_response=45),
    row(6, channel="phone", callback=60),
]


def facts(**values: str) -> dict[str, str]:
    return {
        "kind": "question",
        "priority": "normal",
        "tier": "standard",
        "channel": "email",
        **values,
    }


# (facts, {target: (policy id, minutes)})
CHOICES = [
    (
        facts(),
        {
            "first_response": (1, 240),
            "next_response": (1, 480),
            "resolution": (1, 2400),
            "callback": (1, 120),
        },
    ),
    # Urgent sets two targets; the rest fall back to the default policy.
    (
        facts(priority="urgent"),
        {
            "first_response": (2, 30),
            "next_response": (1, 480),
            "resolution": (2, 480),
            "callback": (1, 120),
        },
    ),
    # Urgent and complaint are equally specific: the stricter wins, per target.
    (
        facts(priority="urgent", kind="complaint"),
        {
            "first_response": (2, 30),
            "next_response": (1, 480),
            "resolution": (2, 480),
            "callback": (1, 120),
        },
    ),
    # A VIP complaint: the two-field policy beats both one-field ones.
    (
        facts(tier="vip", kind="complaint"),
        {
            "first_response": (5, 45),
            "next_response": (1, 480),
            "resolution": (3, 1440),
            "callback": (1, 120),
        },
    ),
    (
        facts(channel="phone"),
        {
            "first_response": (1, 240),
            "next_response": (1, 480),
            "resolution": (1, 2400),
            "callback": (6, 60),
        },
    ),
]


@pytest.mark.parametrize(("ticket", "expected"), CHOICES)
def test_the_most_specific_policy_sets_each_target(ticket, expected):
    chosen = choose_targets(POLICIES, ticket)
    assert {target: (c.policy_id, c.minutes) for target, c in chosen.items()} == expected


def test_the_warning_share_comes_with_the_chosen_policy():
    chosen = choose_targets(POLICIES, facts(kind="complaint"))
    assert (chosen["first_response"].warning_percent, chosen["next_response"].warning_percent) == (
        70,
        80,
    )


def test_no_matching_policy_sets_no_target():
    assert choose_targets([row(2, priority="urgent", first_response=30)], facts()) == {}


def test_equal_policies_are_chosen_by_id_whatever_the_order():
    policies = [
        row(9, kind="complaint", first_response=60),
        row(8, priority="urgent", first_response=60),
    ]
    ticket = facts(kind="complaint", priority="urgent")
    assert choose_targets(policies, ticket)["first_response"].policy_id == 8
    assert choose_targets(policies[::-1], ticket)["first_response"].policy_id == 8


match_values = {
    "kind": ["", "question", "complaint"],
    "priority": ["", "normal", "urgent"],
    "tier": ["", "standard", "vip"],
    "channel": ["", "email", "phone"],
}
policy_rows = st.lists(
    st.builds(
        lambda id, fields, minutes: PolicyRow(id=id, minutes=minutes, **fields),
        st.integers(1, 10_000),
        st.fixed_dictionaries(
            {field: st.sampled_from(values) for field, values in match_values.items()}
        ),
        st.fixed_dictionaries({target: st.none() | st.integers(1, 10_000) for target in TARGETS}),
    ),
    max_size=12,
    unique_by=lambda policy: policy.id,
)
ticket_facts = st.fixed_dictionaries(
    {
        field: st.sampled_from([value for value in values if value])
        for field, values in match_values.items()
    }
)


@settings(max_examples=200, deadline=None)
@given(policy_rows, ticket_facts)
def test_a_chosen_target_is_the_strictest_of_the_most_specific_matches(policies, ticket):
    chosen = choose_targets(policies, ticket)
    for target in TARGETS:
        setting = [
            p
            for p in policies
            if p.minutes[target] is not None
            and all(not getattr(p, f) or getattr(p, f) == ticket[f] for f in MATCH_FIELDS)
        ]
        if not setting:
            assert target not in chosen
            continue
        top = max(p.specificity for p in setting)
        best = min(p.minutes[target] for p in setting if p.specificity == top)
        assert chosen[target].minutes == best
        policy = next(p for p in policies if p.id == chosen[target].policy_id)
        assert policy.specificity == top


def test_a_fresh_timer_warns_at_80_percent_and_goes_to_the_manager_half_a_target_late():
    # 4 h from Sunday 09:00 on the office calendar: warn 12:12, due 13:00, manager 15:00.
    planned = schedule(
        at("2026-11-08T09:00:00+02:00"),
        minutes=240,
        used_seconds=0,
        warning_percent=80,
        escalate_percent=50,
        calendar=OFFICE,
    )
    assert (
        planned.warn_at.isoformat(),
        planned.due_at.isoformat(),
        planned.escalate_at.isoformat(),
    ) == (
        "2026-11-08T12:12:00+02:00",
        "2026-11-08T13:00:00+02:00",
        "2026-11-08T15:00:00+02:00",
    )


def test_a_resumed_timer_counts_only_what_is_left_and_warns_at_once_when_past_the_share():
    # 3 h 30 of 4 h used before Thursday 16:45: 30 min left (15 min Thursday, 15 min Sunday).
    planned = schedule(
        at("2026-11-05T16:45:00+02:00"),
        minutes=240,
        used_seconds=210 * 60,
        warning_percent=80,
        escalate_percent=50,
        calendar=OFFICE,
    )
    assert (planned.warn_at.isoformat(), planned.due_at.isoformat()) == (
        "2026-11-05T16:45:00+02:00",
        "2026-11-08T09:15:00+02:00",
    )


@settings(max_examples=100, deadline=None)
@given(
    start=st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2027, 12, 31)),
    minutes=st.integers(1, 20_000),
    used=st.integers(0, 20_000 * 60),
    warning=st.integers(1, 99),
)
def test_a_schedule_uses_exactly_the_budget_left(start, minutes, used, warning):
    start = start.replace(tzinfo=OFFICE.zone)
    planned = schedule(
        start,
        minutes=minutes,
        used_seconds=used,
        warning_percent=warning,
        escalate_percent=50,
        calendar=OFFICE,
    )
    left = max(minutes * 60 - used, 0)
    assert planned.warn_at <= planned.due_at <= planned.escalate_at
    assert business_seconds_between(start, planned.due_at, OFFICE) == left
    assert planned.due_at == add_business_seconds(start, left, OFFICE)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0:00"),
        (1, "0:01"),
        (59, "0:01"),
        (60, "0:01"),
        (61, "0:02"),
        (6300, "1:45"),
        (-6300, "1:45"),
        (30 * 3600, "30:00"),
    ],
)
def test_business_time_reads_as_hours_and_minutes(seconds, text):
    assert format_business_time(seconds) == text


@pytest.mark.parametrize(
    ("seconds", "message"),
    [
        (-1, "seconds must be zero or more"),
        (
            5_000_000 * 60 + 1,
            "minutes must be at most 5,000,000 (about 40 years of a 40-hour week)",
        ),
        (1.5, "seconds must be a whole number, got 1.5"),
    ],
)
def test_business_seconds_refuse_what_cannot_be_a_target(seconds, message):
    with pytest.raises(BusinessTimeError) as error:
        add_business_seconds(at("2026-11-08T09:00:00+02:00"), seconds, OFFICE)
    assert str(error.value) == message


@settings(max_examples=100, deadline=None)
@given(
    start=st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2027, 12, 31)),
    minutes=st.integers(0, 50_000),
)
def test_whole_minutes_of_seconds_are_business_minutes(start, minutes):
    start = start.replace(tzinfo=OFFICE.zone)
    assert add_business_seconds(start, minutes * 60, OFFICE) == add_business_minutes(
        start, minutes, OFFICE
    )
