"""IMAP polling: every active mailbox, one at a time, each message through the e-mail adapter.

A poll claims its mailbox with a conditional UPDATE (`claimed_until`), so two workers never
read one mailbox at once and a crashed poll frees it when the lease runs out. Messages are
read with BODY.PEEK (the raw bytes, exactly as stored on the server) in UID order; after a
batch is stored they are flagged \\Seen or moved to the mailbox's folder. A message that
fails never blocks the mailbox: it is quarantined and then marked like the others. Only a
failure of our own storage (the database is down) stops the poll before marking, so that
nothing is marked that was not kept; the next poll reads it again (idempotent on
Message-ID).
"""

from __future__ import annotations

import imaplib
import logging
import os
import re
import ssl
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone
from imap_tools import BaseMailBox, MailBox, MailBoxStartTls, MailBoxUnencrypted
from imap_tools.errors import ImapToolsError

from shomer.channels.inbound_email import (
    HEADERS_ONLY,
    MAX_MESSAGE_BYTES,
    ingest_email,
    ingest_emails,
    mailbox_source,
    quarantine,
    raw_key,
)
from shomer.channels.models import AfterPoll, Mailbox, Security

logger = logging.getLogger(__name__)

# How long a poll may hold its mailbox before another worker may take it; renewed after
# every batch, so only a poll that died lets it run out.
POLL_LEASE = timedelta(minutes=10)
# Messages fetched, stored as one batch and then marked per round: a crash re-reads at most
# this many. A round stores early when what it fetched passes BATCH_BYTES.
BATCH = 50
BATCH_BYTES = 32 * 1024 * 1024
TIMEOUT_SECONDS = 60
_UID = re.compile(rb"UID (\d+)")
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")


class MailboxError(Exception):
    """The mailbox cannot be read (settings, network, login, server answer)."""


# What a failed connection, login or command raises: imaplib's, imap-tools', the network's.
CONNECTION_ERRORS = (MailboxError, ImapToolsError, imaplib.IMAP4.error, OSError, ssl.SSLError)


@dataclass
class PollResult:
    mailbox_id: int
    fetched: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    error: str = ""

    def count(self, status: str) -> None:
        self.fetched += 1
        self.statuses[status] = self.statuses.get(status, 0) + 1

    def extend(self, statuses: list[str]) -> None:
        for status in statuses:
            self.count(status)


def connect(mailbox: Mailbox) -> BaseMailBox:
    """A logged-in connection with the mailbox's folder selected."""
    password = os.environ.get(mailbox.password_env) if mailbox.password_env else None
    if password is None:
        raise MailboxError(f"the environment variable {mailbox.password_env!r} is not set")
    box: BaseMailBox
    if mailbox.security == Security.SSL:
        box = MailBox(
            mailbox.host,
            mailbox.port,
            timeout=TIMEOUT_SECONDS,
            ssl_context=ssl.create_default_context(),
        )
    elif mailbox.security == Security.STARTTLS:
        box = MailBoxStartTls(
            mailbox.host,
            mailbox.port,
            timeout=TIMEOUT_SECONDS,
            ssl_context=ssl.create_default_context(),
        )
    else:
        box = MailBoxUnencrypted(mailbox.host, mailbox.port, timeout=TIMEOUT_SECONDS)
    try:
        box.login(mailbox.username, password, initial_folder=mailbox.folder)
    except BaseException:
        _close(box)
        raise
    return box


def _close(box: BaseMailBox) -> None:
    try:
        box.logout()
    except (*CONNECTION_ERRORS, AttributeError):  # already gone: nothing to release
        pass


def claim(
    mailbox_id: int, *, now: datetime | None = None, active_only: bool = True
) -> Mailbox | None:
    """Take a mailbox (an active one, unless `active_only` is off) for one poll; None when
    another poll holds it."""
    now = now or timezone.now()
    mailboxes = Mailbox.objects.filter(pk=mailbox_id)
    if active_only:
        mailboxes = mailboxes.filter(is_active=True)
    claimed = mailboxes.filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)).update(
        claimed_until=now + POLL_LEASE
    )
    if not claimed:
        return None
    return Mailbox.objects.get(pk=mailbox_id)


def poll_active_mailboxes() -> list[PollResult]:
    """Poll every active mailbox that no other poll holds, one after the other."""
    results = []
    ids = Mailbox.objects.filter(is_active=True).order_by(
        "last_polled_at", "pk"
    )  # the longest-waiting first
    for mailbox_id in ids.values_list("pk", flat=True):
        mailbox = claim(mailbox_id)
        if mailbox is not None:
            results.append(do_poll(mailbox))
    return results


def do_poll(mailbox: Mailbox) -> PollResult:
    """Read the mailbox's new mail into the pipeline; record when and how it went.

    Precondition: the caller holds the mailbox (`claim`). Never raises for the mailbox's
    own failures: they end up in `last_error` and in the result.
    """
    result = PollResult(mailbox.pk)
    try:
        box = connect(mailbox)
        try:
            _read(box, mailbox, result)
        finally:
            _close(box)
    except CONNECTION_ERRORS as error:
        result.error = f"{type(error).__name__}: {error}"[:1000] or type(error).__name__
        logger.warning("mailbox %s: %s", mailbox.pk, result.error)
    except Exception as error:  # our storage failed: stop, mark nothing more, say why
        result.error = f"{type(error).__name__}: {error}"[:1000]
        logger.exception("mailbox %s poll stopped", mailbox.pk)
    Mailbox.objects.filter(pk=mailbox.pk).update(
        last_polled_at=timezone.now(), last_error=result.error, claimed_until=None
    )
    return result


def _read(box: BaseMailBox, mailbox: Mailbox, result: PollResult) -> None:
    criteria = "UNSEEN" if mailbox.after_poll == AfterPoll.SEEN else "ALL"
    uids = box.uids(criteria)
    if not uids:
        return
    if mailbox.after_poll == AfterPoll.MOVE and not box.folder.exists(mailbox.move_to):
        box.folder.create(mailbox.move_to)
    for batch in _batches(uids, BATCH):
        done: list[str] = []
        fetched: list[tuple[bytes, str]] = []
        for uid, size in _sizes(box, batch):
            source = mailbox_source(mailbox.pk, mailbox.folder, uid)
            if size > MAX_MESSAGE_BYTES:
                result.count(_keep_headers(box, uid, size, source))
            else:
                fetched.append((_fetch(box, uid, ""), source))
                if sum(len(raw) for raw, _ in fetched) >= BATCH_BYTES:
                    result.extend(_store(fetched, mailbox))
                    fetched = []
            done.append(uid)
        result.extend(_store(fetched, mailbox))
        if done:
            if mailbox.after_poll == AfterPoll.MOVE:
                box.move(done, mailbox.move_to)
            else:
                _mark_seen(box, done)
        Mailbox.objects.filter(pk=mailbox.pk).update(claimed_until=timezone.now() + POLL_LEASE)


def _mark_seen(box: BaseMailBox, uids: Sequence[str]) -> None:
    # Not imap-tools' flag(): it EXPUNGEs after storing, which would also remove mail a
    # person marked deleted in a shared mailbox.
    typ, _ = box.client.uid("STORE", ",".join(uids), "+FLAGS.SILENT", r"(\Seen)")
    if typ != "OK":
        raise MailboxError(f"STORE \\Seen answered {typ}")


def _batches(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _sizes(box: BaseMailBox, uids: Sequence[str]) -> list[tuple[str, int]]:
    """(uid, size) of the messages still there, in the order asked."""
    typ, data = box.client.uid("FETCH", ",".join(uids), "(UID RFC822.SIZE)")
    if typ != "OK":
        raise MailboxError(f"FETCH sizes answered {typ}")
    sizes: dict[str, int] = {}
    for item in data:
        line = item[0] if isinstance(item, tuple) else item
        if not isinstance(line, bytes):
            continue
        uid, size = _UID.search(line), _SIZE.search(line)
        if uid and size:
            sizes[uid.group(1).decode()] = int(size.group(1))
    return [(uid, sizes[uid]) for uid in uids if uid in sizes]


def _fetch(box: BaseMailBox, uid: str, part: str) -> bytes:
    typ, data = box.client.uid("FETCH", uid, f"(BODY.PEEK[{part}])")
    if typ != "OK":
        raise MailboxError(f"FETCH {uid} answered {typ}")
    for item in data:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
            return item[1]
    raise MailboxError(f"FETCH {uid} returned no message")


def _keep_headers(box: BaseMailBox, uid: str, size: int, source: str) -> str:
    """A message too big to take: not read into memory; its headers are kept in quarantine
    and the mail itself stays on the server (moved or flagged with the rest)."""
    head = _fetch(box, uid, "HEADER")
    reason = (
        f"message is {size} bytes, over the {MAX_MESSAGE_BYTES} byte limit; {HEADERS_ONLY}, "
        f"the message stays in the mailbox ({source})"
    )
    return quarantine(head, source=source, reason=reason, key=raw_key(head)).status


def _store(fetched: list[tuple[bytes, str]], mailbox: Mailbox) -> list[str]:
    """The fetched messages through the adapter, as one batch; their statuses."""
    if not fetched:
        return []
    try:
        return [r.status for r in ingest_emails(fetched, team_id=mailbox.team_id)]
    except Exception:  # something of ours failed on the batch: one by one, to know which
        logger.exception("mailbox %s: a batch failed; one message at a time", mailbox.pk)
        return [_store_one(raw, source, mailbox) for raw, source in fetched]


def _store_one(raw: bytes, source: str, mailbox: Mailbox) -> str:
    try:
        return ingest_email(raw, source=source, team_id=mailbox.team_id).status
    except Exception as error:  # a bug of ours on this message: keep it, go on
        logger.exception("mailbox %s: %s quarantined", mailbox.pk, source)
        reason = f"{type(error).__name__}: {error}"
        # If even the quarantine cannot be written, this raises and the poll stops
        # before marking: the message is read again next time.
        return quarantine(raw, source=source, reason=reason, key=raw_key(raw)).status
