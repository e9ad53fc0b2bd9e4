"""Which messages belong to one conversation. Pure: no Django import, no clock.

Three kinds of evidence, strongest first:
1. ids: a message joins every message whose Message-ID it names in In-Reply-To or
   References (and every other message naming the same ids);
2. a ticket token in the subject, "[#123]" or "[שומר #123]";
3. a fallback for clients that send neither: the same normalised subject ("Re:", "Fwd:",
   "השב:", "הועבר:", "תשובה:" stripped), both senders among each other's participants,
   within `window` of each other.
The storing side applies the same pieces against the database: `normalise_subject`,
`ticket_token`, `reference_ids`, `participants` and `may_share_subject_thread`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from shomer.language.normalize import fold

if TYPE_CHECKING:
    from shomer.channels.email.parse import ParsedEmail

DEFAULT_WINDOW = dt.timedelta(days=14)
# How many earlier messages with the same subject a fallback compares against: a spam
# run of one subject must not make threading quadratic.
MAX_SUBJECT_CANDIDATES = 50

_PREFIX_WORDS = r"re|fwd?|fw|aw|wg|sv|vs|rv|tr|antw|ref|השב|הועבר|תשובה|תגובה|העבר|הע|מועבר"
_PREFIX = re.compile(
    rf"^\s*(?:(?:{_PREFIX_WORDS})\s*(?:\[\d{{1,4}}\]|\(\d{{1,4}}\))?\s*[:：]\s*)+",
    re.IGNORECASE,
)
_FORWARD_PREFIX = re.compile(r"^\s*(?:fwd?|fw|wg|tr|הועבר|העבר|מועבר)\s*[:：]", re.IGNORECASE)
_TOKEN = re.compile(r"\[(?:[\w\u0590-\u05ff.\- ]{1,30}?\s*)?#(\d{1,12})\]")
_TAG = re.compile(r"^\s*\[[^\[\]]{1,30}\]\s*")


def ticket_token(subject: str) -> int | None:
    """The ticket number in a subject: "[#123]", "[שומר #123]", "[Shomer #123]"."""
    match = _TOKEN.search(subject)
    return int(match.group(1)) if match else None


def is_forward_subject(subject: str) -> bool:
    return bool(_FORWARD_PREFIX.match(subject))


def normalise_subject(subject: str) -> str:
    """The subject two messages of one conversation share: reply/forward prefixes, ticket
    tokens and leading bracket tags removed, folded (case, niqqud, quotes, spaces)."""
    text = _TOKEN.sub(" ", subject)
    for _ in range(10):  # "Re: [EXT] Fwd: RE: subject": peel alternately, bounded
        before = text
        text = _PREFIX.sub("", text)
        text = _TAG.sub("", text)
        if text == before:
            break
    return fold(text)


def reference_ids(parsed: ParsedEmail) -> list[str]:
    """The Message-IDs a message points to: References oldest first, then In-Reply-To."""
    ids = list(parsed.references)
    if parsed.in_reply_to:
        ids.append(parsed.in_reply_to)
    return [identifier for identifier in dict.fromkeys(ids) if identifier != parsed.message_id]


def participants(parsed: ParsedEmail) -> frozenset[str]:
    addresses = [parsed.from_address, *parsed.to, *parsed.cc]
    return frozenset(address for address in addresses if address)


@dataclass(frozen=True)
class ThreadFacts:
    """What threading needs of one message; the storing side builds these from rows too."""

    message_id: str
    references: tuple[str, ...]
    ticket: int | None
    subject_key: str
    from_address: str
    participants: frozenset[str]
    date: dt.datetime | None


def thread_facts(parsed: ParsedEmail) -> ThreadFacts:
    return ThreadFacts(
        message_id=parsed.message_id,
        references=tuple(reference_ids(parsed)),
        ticket=parsed.ticket_token,
        subject_key=normalise_subject(parsed.subject),
        from_address=parsed.from_address,
        participants=participants(parsed),
        date=parsed.date,
    )


def may_share_subject_thread(
    earlier: ThreadFacts, later: ThreadFacts, *, window: dt.timedelta = DEFAULT_WINDOW
) -> bool:
    """The subject fallback: same non-empty subject, each sender among the other's
    participants (so two customers writing "Invoice" to support stay apart), and dates
    within `window` (no date, no fallback)."""
    if not earlier.subject_key or earlier.subject_key != later.subject_key:
        return False
    if earlier.date is None or later.date is None:
        return False
    if abs(later.date - earlier.date) > window:
        return False
    return earlier.from_address in later.participants and later.from_address in earlier.participants


class Threader:
    """Groups a batch of messages into conversations; order of arrival does not matter.

    Union-find over message ids, ticket tokens and subject matches: `add` every message,
    then `thread_of(message_id)` gives the conversation key, the Message-ID of the first
    message added in that conversation.
    """

    def __init__(self, *, window: dt.timedelta = DEFAULT_WINDOW) -> None:
        self.window = window
        self._parent: dict[str, str] = {}
        self._first_seen: dict[str, int] = {}
        self._by_subject: dict[str, list[ThreadFacts]] = {}
        self._count = 0

    def _find(self, node: str) -> str:
        root = node
        while self._parent.setdefault(root, root) != root:
            root = self._parent[root]
        while self._parent[node] != root:  # path compression
            self._parent[node], node = root, self._parent[node]
        return root

    def _union(self, first: str, second: str) -> None:
        root_first, root_second = self._find(first), self._find(second)
        if root_first == root_second:
            return
        # The root is the node seen first, so the key is stable as messages arrive.
        order_first = self._first_seen.get(root_first, 1 << 62)
        order_second = self._first_seen.get(root_second, 1 << 62)
        if order_second < order_first:
            root_first, root_second = root_second, root_first
        self._parent[root_second] = root_first

    def add(self, facts: ThreadFacts) -> None:
        node = _message_node(facts.message_id)
        self._first_seen.setdefault(node, self._count)
        self._count += 1
        self._find(node)
        for reference in facts.references:
            self._union(node, _message_node(reference))
        if facts.ticket is not None:
            self._union(node, f"ticket:{facts.ticket}")
        if facts.subject_key:
            candidates = self._by_subject.setdefault(facts.subject_key, [])
            if not facts.references and facts.ticket is None:
                for other in reversed(candidates[-MAX_SUBJECT_CANDIDATES:]):
                    if may_share_subject_thread(other, facts, window=self.window):
                        self._union(node, _message_node(other.message_id))
                        break
            else:
                # A message with real threading headers can still be the one a later
                # header-less reply answers: check the earlier header-less ones too.
                for other in reversed(candidates[-MAX_SUBJECT_CANDIDATES:]):
                    if (
                        not other.references
                        and other.ticket is None
                        and may_share_subject_thread(other, facts, window=self.window)
                    ):
                        self._union(node, _message_node(other.message_id))
                        break
            candidates.append(facts)

    def thread_of(self, message_id: str) -> str:
        root = self._find(_message_node(message_id))
        return root.split(":", 1)[1] if root.startswith("id:") else root


def _message_node(message_id: str) -> str:
    return f"id:{message_id}"


def thread_keys(
    messages: Sequence[ParsedEmail] | Iterable[ThreadFacts],
    *,
    window: dt.timedelta = DEFAULT_WINDOW,
) -> list[str]:
    """The conversation key of each message in a batch, in the same order."""
    facts = [item if isinstance(item, ThreadFacts) else thread_facts(item) for item in messages]
    threader = Threader(window=window)
    for item in facts:
        threader.add(item)
    return [threader.thread_of(item.message_id) for item in facts]
