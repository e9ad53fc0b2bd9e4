"""Demo promises: what the demo's agents promised in their replies, and what became of it.

History: on tickets of the last months the commitments app reads the agent's first reply
itself (`on_reply` offers its promises, with the due the text names), the promise is tracked
(`do_track_offer`), later replies keep follow-ups as they would, and the rest is kept on
time, kept late, cancelled or left to break. Live: a few current tickets get a fresh reply
promising something soon (tracked, or left offered on the ticket), and a few got one days ago
that nobody kept. The clock-driven scan then reminds and breaks, as the beat does. Every
step runs at the moment it happened (`now` passed in), so the ledger reads like history.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import F

from shomer.commitments import rules
from shomer.commitments.models import (
    Commitment,
    CommitmentSource,
    CommitmentState,
    DetectedPromise,
    OfferState,
)
from shomer.commitments.scan import run_scan
from shomer.commitments.services import (
    BROKEN_SHOWN_DAYS,
    do_cancel,
    do_create_commitment,
    do_dismiss_offer,
    do_keep,
    do_track_offer,
    on_reply,
    ticket_calendar,
)
from shomer.conversations.models import Direction, Message, Status, Ticket
from shomer.conversations.services import SEARCH_TEXT_LIMIT
from shomer.demo import content, texts
from shomer.demo.history import last_notification
from shomer.language.normalize import fold
from shomer.language.promises import extract_promises
from shomer.notifications.models import Notification
from shomer.people.models import Role, User
from shomer.sla.calendar import next_opening

ISRAEL = ZoneInfo("Asia/Jerusalem")
# The agents whose promises the demo follows (both teams, both languages, a team lead).
PROMISE_AGENTS = ("dana", "ruth", "eli", "michal")
# Promises from replies of the last HISTORY_DAYS days, about one ticket in ten, capped.
HISTORY_DAYS = 180
HISTORY_SHARE = 10
MAX_HISTORY = 40
# Fresh replies on current tickets: tracked and due today (when the working day has time
# left), due this week, broken a few days ago, or only offered on the ticket.
LIVE = {"today": 1, "open": 6, "broken": 4, "offered": 2}
# What became of a tracked promise past its due (cumulative shares; the rest broke).
KEPT_ON_TIME, KEPT_LATE, CANCELLED = 0.55, 0.75, 0.8
LIVE_STATUSES = (Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD)


def add_promises(rng: random.Random, now: datetime, tickets: int) -> int:
    """Promises on the demo's tickets, through the commitments app; how many the ledger
    holds."""
    agents = {user.pk: user for user in User.objects.filter(username__in=PROMISE_AGENTS)}
    if not agents:
        return 0
    _history(rng, now, agents, min(MAX_HISTORY, max(3, tickets // HISTORY_SHARE)))
    _live(rng, now, agents)
    for manager in User.objects.filter(role=Role.MANAGER).order_by("pk"):
        _by_hand(rng, now, manager)
    _scan(now)
    tracked: int = Commitment.objects.count()
    return tracked


# --- history ----------------------------------------------------------------------------------


def _first_promising_replies(now: datetime, agents: dict[int, User]) -> list[Message]:
    """Each ticket's first agent reply of the last HISTORY_DAYS days that names a due."""
    replies = (
        Message.objects.filter(
            direction=Direction.OUTBOUND,
            author__in=list(agents),
            created_at__gte=now - timedelta(days=HISTORY_DAYS),
            created_at__lt=now,
        )
        .select_related("ticket")
        .order_by("created_at", "id")
    )
    seen: set[int] = set()
    found = []
    for message in replies.iterator(chunk_size=2000):
        if message.ticket_id in seen:
            continue
        seen.add(message.ticket_id)
        zone = ZoneInfo(ticket_calendar(message.ticket).timezone)
        promises = extract_promises(message.body_text, message.created_at, zone)
        if any(p.due is not None and p.due > message.created_at for p in promises):
            found.append(message)
    return found


def _track_first(message: Message, owner: User) -> Commitment | None:
    """Track the first promise with a due that the reply's offers hold (as one click does)."""
    offer = (
        DetectedPromise.objects.filter(
            message=message, state=OfferState.OFFERED, due_at__isnull=False
        )
        .order_by("position")
        .first()
    )
    if offer is None or offer.due_at is None:
        return None
    placement = rules.place_due(offer.due_at, message.created_at, ticket_calendar(message.ticket))
    if placement.problem is not None:
        return None
    return do_track_offer(
        offer,
        kind=offer.kind,
        text=offer.text,
        placement=placement,
        owner=owner,
        acting_user=owner,
        now=message.created_at,
    )


def _history(rng: random.Random, now: datetime, agents: dict[int, User], limit: int) -> None:
    candidates = _first_promising_replies(now, agents)
    chosen = sorted(
        rng.sample(candidates, min(limit, len(candidates))), key=lambda m: (m.created_at, m.pk)
    )
    for message in chosen:
        owner = agents[message.author_id]
        on_reply(message, now=message.created_at)
        commitment = _track_first(message, owner)
        # Later replies on the ticket keep its follow-ups when they came, as they did.
        for later in Message.objects.filter(
            ticket=message.ticket_id,
            direction=Direction.OUTBOUND,
            created_at__gt=message.created_at,
        ).order_by("created_at", "id"):
            on_reply(later, now=later.created_at)
        if commitment is not None:
            commitment.refresh_from_db()
            if commitment.state == CommitmentState.OPEN and commitment.due_at < now:
                _settle(rng, commitment, owner, now)
        if message.ticket.status in (Status.SOLVED, Status.CLOSED):
            # The other promises of an old conversation were not worth tracking.
            for offer in DetectedPromise.objects.filter(
                ticket=message.ticket_id, state=OfferState.OFFERED
            ):
                do_dismiss_offer(offer, acting_user=owner)


def _settle(rng: random.Random, commitment: Commitment, owner: User, now: datetime) -> None:
    """Kept on time, kept late, cancelled, or (left open) broken by the scan. People keep
    promises in working hours."""
    calendar = ticket_calendar(commitment.ticket)
    span = commitment.due_at - commitment.created_at
    roll = rng.random()
    if roll < KEPT_ON_TIME:
        kept = commitment.created_at + span * rng.uniform(0.3, 0.95)
        if not rules.is_working_moment(kept, calendar):
            kept = commitment.due_at  # the due is a working moment; kept at it is on time
        do_keep(commitment, acting_user=owner, now=kept)
    elif roll < KEPT_LATE:
        late = commitment.due_at + timedelta(minutes=rng.randint(40, 26 * 60))
        if not rules.is_working_moment(late, calendar):
            late = next_opening(late, calendar) + timedelta(minutes=rng.randint(10, 90))
        if late < now:
            do_keep(commitment, acting_user=owner, now=late)
    elif roll < CANCELLED:
        reason = rng.choice(texts.CANCEL_REASONS["en" if owner.language == "en" else "he"])
        cancelled = commitment.created_at + span / 2
        do_cancel(commitment, reason=reason, acting_user=owner, now=cancelled)


# --- live: fresh replies on current tickets ---------------------------------------------------


def _reply_slots(now: datetime) -> list[datetime]:
    """Working moments of the last week when an agent might have replied, latest first."""
    today = now.astimezone(ISRAEL).date()
    slots = []
    for days_ago in range(8):
        day: date = today - timedelta(days=days_ago)
        weekday = day.weekday()  # Friday 4, Saturday 5
        if weekday == 5:
            continue
        for hour in (9, 10, 11, 12) if weekday == 4 else (9, 10, 11, 12, 14, 15, 16):
            moment = datetime.combine(day, time(hour, 0), tzinfo=ISRAEL)
            if moment < now - timedelta(minutes=15):
                slots.append(moment)
    return sorted(slots, reverse=True)


def _day_name(moment: datetime, language: str, rng: random.Random) -> str:
    """A working weekday two to four days after `moment`, named in `language`."""
    names = content.HEBREW_DAYS if language == "he" else content.ENGLISH_DAYS
    day = moment.astimezone(ISRAEL).date() + timedelta(days=rng.randint(2, 4))
    while day.weekday() in (4, 5):
        day += timedelta(days=1)
    return names[(day.weekday() + 1) % 7]  # Sunday first


def signature(agent: User, language: str) -> str:
    """How the agent signs a reply in `language` (Hebrew names spelled out in English)."""
    name = agent.first_name
    return content.ENGLISH_SIGNATURES.get(name, name) if language == "en" else name


def _due_of(text: str, at: datetime, ticket: Ticket) -> datetime | None:
    """Where the first dated promise of `text`, written at `at`, would be due."""
    calendar = ticket_calendar(ticket)
    for promise in extract_promises(text, at, ZoneInfo(calendar.timezone)):
        if promise.due is not None:
            placement = rules.place_due(promise.due, at, calendar)
            return placement.due if placement.problem is None else None
    return None


def _wanted(target: str, now: datetime) -> Callable[[datetime], bool]:
    """Whether a due suits `target`: broken within the days "My promises" shows them, due
    later today, or open and due within the week."""
    if target == "broken":
        earliest = now - timedelta(days=BROKEN_SHOWN_DAYS - 1)
        return lambda due: earliest < due < now - timedelta(hours=1)
    if target == "today":  # when the working day has time left for one
        midnight = datetime.combine(
            now.astimezone(ISRAEL).date() + timedelta(days=1), time(0), tzinfo=ISRAEL
        )
        return lambda due: now + timedelta(minutes=30) < due < midnight
    return lambda due: now + timedelta(minutes=30) < due < now + timedelta(days=8)


# How long ago the reply was written, by target: a broken promise was made days ago.
REPLY_AGO = {
    "today": (timedelta(minutes=15), timedelta(days=1)),
    "open": (timedelta(minutes=15), timedelta(days=2)),
    "offered": (timedelta(minutes=15), timedelta(days=3)),
    "broken": (timedelta(days=1), timedelta(days=6)),
}


def _live(rng: random.Random, now: datetime, agents: dict[int, User]) -> None:
    tickets = list(
        Ticket.objects.filter(
            assignee__in=list(agents),
            contact__isnull=False,
            last_message_at__gte=now - timedelta(days=10),
        )
        .exclude(status=Status.CLOSED)
        .select_related("contact", "customer", "assignee")
        .order_by("-last_message_at", "id")
    )
    rng.shuffle(tickets)
    slots = _reply_slots(now)
    used: set[int] = set()
    uses: dict[str, int] = {}  # templates already written, so that replies vary
    for target, count in LIVE.items():
        made = 0
        for ticket in tickets:
            if made == count:
                break
            if ticket.pk in used or (target != "broken" and ticket.status not in LIVE_STATUSES):
                continue
            reply = _promise_reply(rng, ticket, target, slots, now, uses)
            if reply is None:
                continue
            used.add(ticket.pk)
            made += 1
            on_reply(reply, now=reply.created_at)
            if target != "offered":
                _track_first(reply, agents[ticket.assignee_id])
            if ticket.status in (Status.SOLVED, Status.CLOSED):
                for offer in DetectedPromise.objects.filter(
                    message=reply, state=OfferState.OFFERED
                ):
                    do_dismiss_offer(offer, acting_user=agents[ticket.assignee_id])


def _promise_reply(
    rng: random.Random,
    ticket: Ticket,
    target: str,
    slots: list[datetime],
    now: datetime,
    uses: dict[str, int],
) -> Message | None:
    """Write the agent's reply promising something due as `target` wants, if any reply the
    demo knows, at a moment after the ticket's last message, does."""
    assert ticket.assignee is not None and ticket.contact is not None
    language = "en" if (ticket.customer and ticket.customer.language == "en") else "he"
    wanted = _wanted(target, now)
    templates = list(texts.PROMISE_REPLIES[language])
    rng.shuffle(templates)
    templates.sort(key=lambda template: uses.get(template, 0))  # stable: random among equals
    shortest, longest = REPLY_AGO[target]
    moments = [at for at in slots if shortest <= now - at <= longest]
    rng.shuffle(moments)
    for slot in moments:
        at = min(slot + timedelta(minutes=rng.randint(3, 50)), now - timedelta(minutes=5))
        if ticket.last_message_at and at <= ticket.last_message_at + timedelta(minutes=5):
            continue
        for template in templates:
            text = (
                template.replace("{first}", ticket.contact.first_name)
                .replace("{agent}", signature(ticket.assignee, language))
                .replace("{day}", _day_name(at, language, rng))
            )
            due = _due_of(text, at, ticket)
            if due is not None and wanted(due):
                uses[template] = uses.get(template, 0) + 1
                return _add_reply(ticket, text, at)
    return None


def _add_reply(ticket: Ticket, text: str, at: datetime) -> Message:
    """The reply as the demo writes its history (the clock and the mail are not run)."""
    message: Message = Message.objects.create(
        ticket=ticket,
        direction=Direction.OUTBOUND,
        channel=ticket.channel,
        author=ticket.assignee,
        body_text=text,
        created_at=at,
    )
    changes: dict[str, object] = {
        "message_count": F("message_count") + 1,
        "last_message_at": at,
        "updated_at": at,
        "search_text": fold(f"{ticket.search_text} {text}")[:SEARCH_TEXT_LIMIT],
    }
    if ticket.first_response_at is None:
        changes["first_response_at"] = at
    if ticket.status in (Status.NEW, Status.OPEN):
        changes["status"] = Status.PENDING  # waiting for the customer now
    Ticket.objects.filter(pk=ticket.pk).update(**changes)
    ticket.refresh_from_db()
    return message


# --- by hand: a manager's promises to the customers they own ------------------------------------

# A manager's promises: made this many days before now, due this many days after, and what
# became of them: two open this week, one broken days ago, one kept this week, one long ago.
BY_HAND = ((1, 3, "open"), (2, 5, "open"), (5, 2, "broken"), (6, 2, "kept"), (40, 6, "kept"))


def _by_hand(rng: random.Random, now: datetime, manager: User) -> None:
    """Promises the manager entered on the ticket card, for customers they own."""
    tickets = list(
        Ticket.objects.filter(
            customer__owner=manager,
            contact__isnull=False,
            created_at__gte=now - timedelta(days=60),
        )
        .exclude(status=Status.CLOSED)
        .order_by("created_at", "id")
    )
    chosen = sorted(rng.sample(tickets, min(len(BY_HAND), len(tickets))), key=lambda t: t.pk)
    for ticket, (kind, text), (days_ago, due_in, fate) in zip(
        chosen, texts.MANAGER_PROMISES, BY_HAND, strict=False
    ):
        calendar = ticket_calendar(ticket)
        made = max(now - timedelta(days=days_ago), ticket.created_at + timedelta(hours=1))
        if not rules.is_working_moment(made, calendar):
            made = next_opening(made, calendar) + timedelta(minutes=rng.randint(15, 120))
        due = datetime.combine(
            (made + timedelta(days=due_in)).astimezone(ISRAEL).date(), time(12, 0), tzinfo=ISRAEL
        )
        placement = rules.place_due(due, made, calendar)
        if made >= now or placement.problem is not None:
            continue
        commitment = do_create_commitment(
            ticket,
            kind=kind,
            text=text,
            placement=placement,
            owner=manager,
            source=CommitmentSource.MANUAL,
            created_by=manager,
            now=made,
        )
        kept = commitment.due_at - timedelta(hours=2)
        if not rules.is_working_moment(kept, calendar) or kept <= made:
            kept = commitment.due_at
        if fate == "kept" and kept < now:
            do_keep(commitment, acting_user=manager, now=kept)


# --- the clock --------------------------------------------------------------------------------


def _scan(now: datetime) -> None:
    """Run the promise scan as the beat would have: first as of a week ago (those reminders
    and breaches are old news, read), then now (what the team sees today)."""
    before = last_notification()
    run_scan(now - timedelta(days=BROKEN_SHOWN_DAYS))
    Notification.objects.filter(pk__gt=before).update(read_at=now)
    run_scan(now)
