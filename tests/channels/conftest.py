"""Fixtures for the mail servers: one Dovecot for the session, a fresh account per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from imap_tools import MailBoxUnencrypted

from shomer.channels.models import AfterPoll, Mailbox, Security
from shomer.people.models import Team
from tests.channels.mail_servers import (
    PASSWORD,
    Dovecot,
    SmtpSink,
    start_dovecot,
    stop_dovecot,
)

PASSWORD_VARIABLE = "SHOMER_TEST_IMAP_PASSWORD"


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    server = start_dovecot()
    yield server
    stop_dovecot(server)


@pytest.fixture
def imap_account(dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch) -> str:
    """A new, empty IMAP account; its password in the environment, as in production."""
    monkeypatch.setenv(PASSWORD_VARIABLE, PASSWORD)
    return dovecot.new_account()


@pytest.fixture
def customer_box(dovecot: Dovecot, imap_account: str) -> Iterator[MailBoxUnencrypted]:
    """A connection to the account, for the test to put mail in (APPEND) and look."""
    box = MailBoxUnencrypted("127.0.0.1", dovecot.port, timeout=30)
    box.login(imap_account, PASSWORD)
    yield box
    box.logout()


def make_mailbox(
    dovecot: Dovecot, username: str, *, team: Team | None = None, **fields: object
) -> Mailbox:
    values: dict[str, object] = {
        "name": "תמיכה",
        "host": "127.0.0.1",
        "port": dovecot.port,
        "security": Security.NONE,
        "username": username,
        "password_env": PASSWORD_VARIABLE,
        "after_poll": AfterPoll.SEEN,
        "team": team,
    }
    values.update(fields)
    return Mailbox.objects.create(**values)


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    with SmtpSink() as sink:
        yield sink


@pytest.fixture
def smtp_outbound(smtp_sink: SmtpSink, settings) -> SmtpSink:  # type: ignore[no-untyped-def]
    """Django's real SMTP backend, pointed at the sink."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_sink.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    settings.DEFAULT_FROM_EMAIL = "support@clinic-help.example"
    settings.SHOMER_BUSINESS_NAME = "שומר תמיכה"
    return smtp_sink
