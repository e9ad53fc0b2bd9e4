"""Direct delivery: an SMTP or LMTP receiver (aiosmtpd) handing each message to the adapter.

Put it behind the business's mail server (Postfix's `lmtp:` transport, or a relay to
`shomer mail serve`): that server does the spam filtering and the TLS; this one listens on
loopback by default. SIZE is advertised (`MAX_MESSAGE_BYTES`): a client that declares a
bigger message is refused at MAIL FROM, and one that sends it anyway is refused after DATA
with "552 Error: Too much mail data" (aiosmtpd drops the data as it comes, so a huge message
costs no memory); the sender's server bounces it with that reason. Whatever the bytes,
the handler answers: stored, duplicate, ignored or quarantined mail is accepted (250: it is
kept), and only a failure of our own storage answers 451, so the sending server tries again
later and nothing is lost.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.db import close_old_connections

from shomer.channels.inbound_email import MAX_MESSAGE_BYTES, ingest_email, quarantine, raw_key

logger = logging.getLogger(__name__)

ACCEPTED = "250 2.0.0 Message accepted"
TRY_LATER = "451 4.3.0 Message not stored; please try again later"
# Real mail sometimes breaks the 998-character line limit; a sender's server would not
# split a line for us, so accept long ones rather than lose the message.
LINE_LENGTH_LIMIT = 64 * 1024


def _store(raw: bytes, source: str) -> str:
    """Runs in the worker thread: the ORM is synchronous."""
    close_old_connections()
    try:
        return ingest_email(raw, source=source).status
    except Exception as error:  # a bug of ours on this message: keep it raw
        logger.exception("receiver: message from %s quarantined", source)
        reason = f"{type(error).__name__}: {error}"
        return quarantine(raw, source=source, reason=reason, key=raw_key(raw)).status


class InboundHandler:
    """aiosmtpd handler: every message to the e-mail adapter, one at a time."""

    def __init__(self, *, lmtp: bool = False) -> None:
        self.lmtp = lmtp
        # One thread: the pipeline's writes go one after the other (SQLite has one writer),
        # and the thread keeps its database connection.
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="shomer-receiver")

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        peer = session.peer[0] if isinstance(session.peer, tuple) else str(session.peer)
        protocol = "lmtp" if self.lmtp else "smtp"
        source = f"{protocol}:{peer} from <{envelope.mail_from}> to {', '.join(envelope.rcpt_tos)}"
        loop = asyncio.get_running_loop()
        try:
            status = await loop.run_in_executor(self.executor, _store, raw, source[:500])
        except Exception:
            logger.exception("receiver: message from %s not stored", source)
            return self._answer(TRY_LATER, envelope)
        logger.info("receiver: %s %s", status, source)
        return self._answer(ACCEPTED, envelope)

    def _answer(self, status: str, envelope: Envelope) -> str:
        # LMTP answers DATA once per recipient (RFC 2033 §4.2).
        if self.lmtp:
            return "\r\n".join([status] * max(len(envelope.rcpt_tos), 1))
        return status

    def close(self) -> None:
        self.executor.shutdown(wait=True)


class _SMTP(SMTP):
    line_length_limit = LINE_LENGTH_LIMIT


class _LMTP(LMTP):
    line_length_limit = LINE_LENGTH_LIMIT


class ReceiverController(Controller):
    """aiosmtpd's threaded controller, speaking SMTP or LMTP with our limits."""

    def __init__(self, handler: InboundHandler, *, host: str, port: int, **kwargs: Any) -> None:
        super().__init__(
            handler,
            hostname=host,
            port=port,
            data_size_limit=MAX_MESSAGE_BYTES,
            enable_SMTPUTF8=True,
            decode_data=False,
            **kwargs,
        )
        self.lmtp = handler.lmtp

    def factory(self) -> SMTP:
        server_class = _LMTP if self.lmtp else _SMTP
        return server_class(self.handler, **self.SMTP_kwargs)


def serve(host: str, port: int, *, lmtp: bool = False, stop: threading.Event | None = None) -> None:
    """Receive mail until SIGINT/SIGTERM (or until `stop` is set)."""
    stop = stop or threading.Event()
    handler = InboundHandler(lmtp=lmtp)
    controller = ReceiverController(handler, host=host, port=port)
    controller.start()
    if threading.current_thread() is threading.main_thread():
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, lambda *_: stop.set())
    try:
        stop.wait()
    finally:
        controller.stop()
        handler.close()
