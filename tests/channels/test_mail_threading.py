"""Threading: ids, ticket tokens, the subject fallback; order of arrival does not matter."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shomer.channels.email import (
    ThreadFacts,
    normalise_subject,
    parse_email,
    reference_ids,
    thread_keys,
    ticket_token,
)
from tests.channels.mail_corpus import reply

CUSTOMER = "tal@example.co.il"
SUPPORT = "support@shomer.example"
SUNDAY = dt.datetime(2024, 3, 17, 9, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("subject", "normalised"),
    [
        ("Re: Printer", "printer"),
        ("RE: Fwd: re[2]: Printer", "printer"),
        ("השב: המדפסת", "המדפסת"),
        ("הועבר: תשובה: המדפסת", "המדפסת"),
        ("השב: [שומר #42] המדפסת", "המדפסת"),
        ("[EXTERNAL] Re: Printer  broken", "printer broken"),
        ("Re:   שָׁלוֹם", "שלום"),
        ("Printer [#12]", "printer"),
        ("", ""),
    ],
)
def test_it_normalises_subjects(subject: str, normalised: str) -> None:
    assert normalise_subject(subject) == normalised


@pytest.mark.parametrize(
    ("subject", "token"),
    [
        ("Re: Printer [#123]", 123),
        ("השב: המדפסת [שומר #77]", 77),
        ("[Shomer #5] hello", 5),
        ("Order #123", None),
        ("[#] nothing", None),
    ],
)
def test_it_finds_ticket_tokens(subject: str, token: int | None) -> None:
    assert ticket_token(subject) == token


def test_reference_ids_are_references_then_in_reply_to() -> None:
    parsed = parse_email(
        reply("x", message_id="<c@x>", in_reply_to="<b@x>", references="<a@x> <b@x>")
    )
    assert reference_ids(parsed) == ["a@x", "b@x"]


def facts(
    message_id: str,
    *,
    references: tuple[str, ...] = (),
    ticket: int | None = None,
    subject: str = "printer",
    sender: str = CUSTOMER,
    recipients: tuple[str, ...] = (SUPPORT,),
    hours: float = 0,
) -> ThreadFacts:
    return ThreadFacts(
        message_id=message_id,
        references=references,
        ticket=ticket,
        subject_key=subject,
        from_address=sender,
        participants=frozenset({sender, *recipients}),
        date=SUNDAY + dt.timedelta(hours=hours),
    )


def groups(keys: list[str]) -> list[int]:
    """Keys as group numbers in order of first appearance, to compare partitions."""
    seen: dict[str, int] = {}
    return [seen.setdefault(key, len(seen)) for key in keys]


def test_replies_join_the_message_they_answer() -> None:
    batch = [
        facts("a"),
        facts("b", references=("a",), sender=SUPPORT, recipients=(CUSTOMER,)),
        facts("c", references=("a", "b")),
        facts("other", subject="invoice"),
    ]
    assert thread_keys(batch) == ["a", "a", "a", "other"]


def test_order_of_arrival_does_not_change_the_grouping() -> None:
    # c answers b only, b answers a only: c must still meet a when it arrives first.
    batch = [facts("a"), facts("b", references=("a",)), facts("c", references=("b",))]
    for order in itertools.permutations(batch):
        assert groups(thread_keys(list(order))) == [0, 0, 0]


def test_a_ticket_token_joins_messages_without_headers() -> None:
    batch = [
        facts("a", ticket=7, subject="x"),
        facts("b", ticket=7, subject="y"),
        facts("c", ticket=8),
    ]
    assert thread_keys(batch) == ["a", "a", "c"]


@pytest.mark.parametrize(
    ("second", "same_thread"),
    [
        (facts("b", sender=SUPPORT, recipients=(CUSTOMER,), hours=2), True),
        (facts("b", hours=24 * 13), True),
        (facts("b", hours=24 * 15), False),  # past the 14-day window
        (facts("b", sender="someone@else.example", hours=1), False),  # another customer
        (facts("b", subject="invoice", hours=1), False),
    ],
)
def test_the_subject_fallback_needs_participants_and_time(
    second: ThreadFacts, same_thread: bool
) -> None:
    keys = thread_keys([facts("a"), second])
    assert (keys[0] == keys[1]) is same_thread


def test_no_date_means_no_subject_fallback() -> None:
    undated = ThreadFacts("b", (), None, "printer", CUSTOMER, frozenset({CUSTOMER, SUPPORT}), None)
    assert thread_keys([facts("a"), undated]) == ["a", "b"]


@given(st.permutations(list(range(6))))
def test_grouping_is_a_function_of_the_batch_not_its_order(order: list[int]) -> None:
    batch = [
        facts("a"),
        facts("b", references=("a",), sender=SUPPORT, recipients=(CUSTOMER,)),
        facts("c", hours=3),  # subject fallback onto a / b
        facts("d", ticket=9, subject="z"),
        facts("e", ticket=9, subject="w", hours=50),
        facts("f", subject="lonely"),
    ]
    keys = thread_keys([batch[index] for index in order])
    by_id = {batch[index].message_id: key for index, key in zip(order, keys, strict=True)}
    assert by_id["a"] == by_id["b"] == by_id["c"]
    assert by_id["d"] == by_id["e"]
    assert len({by_id["a"], by_id["d"], by_id["f"]}) == 3


@given(st.text(max_size=80))
def test_normalising_twice_changes_nothing(subject: str) -> None:
    once = normalise_subject(subject)
    assert normalise_subject(once) == once
