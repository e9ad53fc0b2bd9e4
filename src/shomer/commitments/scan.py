"""The clock-driven promise scan: remind the owner before the due, break the promise after it.

Every open promise carries `next_action_at`: its reminder time until the owner is reminded,
then its due (indexed, partial on open rows). The scan takes the open rows whose instant has
passed, oldest first, a batch per transaction, and takes each step with a conditional UPDATE
that stamps the rows with a token of its own (the row must still be open, and for a reminder
not reminded yet); then it notifies exactly the rows carrying that token. Two scans running
at once never take the same step on the same row, and a promise kept by hand at the moment
the scan breaks it ends once, as the first writer left it.

- Reminder: the owner is told (else the team lead, else the managers), in their language.
- Broken: the team lead of the ticket's team (else of the owner's team, else the managers)
  and the owner are told, once; the webhook commitment.broken goes out and the customer's
  health is marked for recompute. `broken_at` is the due: the promise broke then.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from shomer.commitments.models import Commitment, CommitmentState
from shomer.commitments.services import commitment_data
from shomer.core import audit
from shomer.health.dirty import mark_dirty
from shomer.notifications.services import do_notify
from shomer.people.models import Role, Team, User
from shomer.webhooks.services import do_emit

BATCH = 500


@dataclass
class ScanResult:
    reminded: int = 0
    broken: int = 0
    notifications: int = 0
    batches: int = 0
    # Where the time went: finding and claiming the steps, then telling people.
    claim_seconds: float = 0.0
    notify_seconds: float = 0.0


def _claim(now: dt.datetime, batch: int) -> tuple[uuid.UUID, int, uuid.UUID, int, int]:
    """Take one step on up to `batch` due rows: (reminder token, reminded, breach token,
    broken, rows looked at)."""
    candidates = list(
        Commitment.objects.filter(state=CommitmentState.OPEN, next_action_at__lt=now)
        .order_by("next_action_at")
        .values_list("pk", flat=True)[:batch]
    )
    remind, breach = uuid.uuid4(), uuid.uuid4()
    if not candidates:
        return remind, 0, breach, 0, 0
    rows = Commitment.objects.filter(pk__in=candidates, state=CommitmentState.OPEN)
    reminded = rows.filter(reminded_at__isnull=True, remind_at__lt=now, due_at__gte=now).update(
        reminded_at=now, next_action_at=F("due_at"), claim=remind
    )
    broken = rows.filter(due_at__lt=now).update(
        state=CommitmentState.BROKEN, broken_at=F("due_at"), next_action_at=None, claim=breach
    )
    # What is left had nothing due yet (a reminder already sent, or none set): watch the due.
    rows.filter(next_action_at__lt=now).update(next_action_at=F("due_at"))
    return remind, reminded, breach, broken, len(candidates)


def run_scan(now: dt.datetime | None = None, *, batch: int = BATCH) -> ScanResult:
    """Take every reminder and breach due at `now`, a batch per transaction."""
    now = now or timezone.now()
    result = ScanResult()
    context = _Context()
    while True:
        with transaction.atomic():
            started = time.perf_counter()
            remind, reminded, breach, broken, looked = _claim(now, batch)
            claimed_at = time.perf_counter()
            result.claim_seconds += claimed_at - started
            if not looked:
                break
            result.batches += 1
            result.reminded += reminded
            result.broken += broken
            related = ("ticket", "ticket__team__lead", "owner", "customer")
            if reminded:
                for commitment in Commitment.objects.filter(claim=remind).select_related(*related):
                    result.notifications += _remind(commitment, context)
            if broken:
                for commitment in Commitment.objects.filter(claim=breach).select_related(*related):
                    result.notifications += _break(commitment, context)
            result.notify_seconds += time.perf_counter() - claimed_at
    return result


class _Context:
    """What a scan loads once, when first needed: the managers and the owners' team leads."""

    def __init__(self) -> None:
        self._managers: list[User] | None = None
        self._leads: dict[int, User | None] = {}

    @property
    def managers(self) -> list[User]:
        if self._managers is None:
            managers = list(User.objects.filter(is_active=True, role=Role.MANAGER))
            self._managers = managers or list(User.objects.filter(is_active=True, role=Role.ADMIN))
        return self._managers

    def lead_of(self, commitment: Commitment) -> User | None:
        """The lead of the ticket's team, else of the owner's first team that has one."""
        ticket = commitment.ticket
        if ticket is not None and ticket.team is not None and ticket.team.lead is not None:
            return ticket.team.lead
        if commitment.owner_id is None:
            return None
        if commitment.owner_id not in self._leads:
            team = (
                Team.objects.filter(members=commitment.owner_id, lead__isnull=False)
                .exclude(lead=commitment.owner_id)
                .select_related("lead")
                .order_by("pk")
                .first()
            )
            self._leads[commitment.owner_id] = team.lead if team else None
        return self._leads[commitment.owner_id]


def _people(chain: Iterable[User | None]) -> list[User]:
    seen: dict[int, User] = {}
    for user in chain:
        if user is not None and user.is_active and user.pk not in seen:
            seen[user.pk] = user
    return list(seen.values())


def _values(commitment: Commitment) -> dict[str, str]:
    return {
        "kind": commitment.get_kind_display(),
        "promise": commitment.text[:120] or commitment.get_kind_display(),
        "due": formats.date_format(timezone.localtime(commitment.due_at), "D j.n H:i"),
        "customer": commitment.customer.name if commitment.customer else "—",
        "owner": str(commitment.owner) if commitment.owner else _("nobody"),
        "number": str(commitment.ticket_id or "—"),
    }


def _remind(commitment: Commitment, context: _Context) -> int:
    if commitment.owner is not None:
        chain: list[User | None] = [commitment.owner]
    else:
        lead = context.lead_of(commitment)
        chain = [lead] if lead is not None else list(context.managers)
    recipients = _people(chain)
    for user in recipients:
        with translation.override(user.language):
            values = _values(commitment)
            title = _("Promise due %(due)s: %(promise)s") % values
            body = (
                _(
                    "%(kind)s for %(customer)s (ticket #%(number)s). Keep it, or tell the "
                    "customer in time that it will be late."
                )
                % values
            )
        do_notify(user, kind="commitment.reminder", title=title, body=body, url=_url(commitment))
    audit.record(
        "commitment.reminded",
        commitment,
        due_at=commitment.due_at.isoformat(),
        notified=[user.pk for user in recipients],
    )
    return len(recipients)


def _break(commitment: Commitment, context: _Context) -> int:
    lead = context.lead_of(commitment)
    chain = [lead] if lead is not None else list(context.managers)
    recipients = _people([*chain, commitment.owner])
    for user in recipients:
        with translation.override(user.language):
            values = _values(commitment)
            title = (
                _("Promise broken: %(owner)s promised %(customer)s “%(promise)s” by %(due)s")
                % values
            )
            body = (
                _(
                    "%(kind)s on ticket #%(number)s was not kept in time. The customer is "
                    "still waiting: please take it over or help."
                )
                % values
            )
        do_notify(user, kind="commitment.broken", title=title, body=body, url=_url(commitment))
    audit.record(
        "commitment.broken",
        commitment,
        due_at=commitment.due_at.isoformat(),
        notified=[user.pk for user in recipients],
    )
    do_emit("commitment.broken", commitment_data(commitment))
    mark_dirty(commitment.customer_id)
    return len(recipients)


def _url(commitment: Commitment) -> str:
    return (
        commitment.ticket.get_absolute_url() if commitment.ticket else commitment.get_absolute_url()
    )
