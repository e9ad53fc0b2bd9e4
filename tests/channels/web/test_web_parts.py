"""The pieces under the public forms: upload limits, form tokens, the rate limit, and a
submission that fails on the way in (kept in quarantine, then retried)."""

from __future__ import annotations

import json

import pytest
from django.core import signing
from django.test import Client

from shomer.channels.web import adapters, ratelimit, tokens, uploads
from shomer.conversations.ingest import retry
from shomer.conversations.models import Channel, InboundRecord, InboundStatus, Ticket


@pytest.mark.parametrize(
    ("filename", "content_type", "size", "problem"),
    [
        ("הצעת מחיר.pdf", "application/pdf", 1024, None),
        ("photo.JPG", "image/jpeg", 10 * uploads.MIB, None),
        ("photo.jpg", "image/jpeg", 10 * uploads.MIB + 1, uploads.TOO_BIG),
        ("setup.EXE", "application/octet-stream", 10, uploads.BLOCKED_TYPE),
        ("invoice.pdf.js", "application/pdf", 10, uploads.BLOCKED_TYPE),
        ("page.htm", "text/plain", 10, uploads.BLOCKED_TYPE),
        ("drawing", "image/svg+xml; charset=utf-8", 10, uploads.BLOCKED_TYPE),
        ("noextension", "application/x-msdownload", 10, uploads.BLOCKED_TYPE),
        ("notes.txt", "text/plain", 0, None),
    ],
)
def test_which_files_a_public_form_accepts(filename, content_type, size, problem):
    assert uploads.file_problem(filename, content_type, size) == problem


@pytest.mark.parametrize(
    ("sizes", "problem"),
    [
        ([1] * 5, None),
        ([1] * 6, uploads.TOO_MANY),
        ([10 * uploads.MIB, 10 * uploads.MIB], None),
        ([10 * uploads.MIB, 10 * uploads.MIB, 1], uploads.TOO_MUCH),
    ],
)
def test_how_many_files_together(sizes, problem):
    assert uploads.files_problem(sizes) == problem


def test_a_form_token_reads_back_its_id():
    token = tokens.new_form_token()
    value = tokens.form_token_id(token)
    assert len(value) == 32
    assert tokens.form_token_id(token) == value
    assert tokens.form_token_id(tokens.new_form_token()) != value


@pytest.mark.parametrize("token", ["", "abc", "a" * 32, "0" * 32 + ":forged"])
def test_a_forged_form_token_is_invalid(token):
    with pytest.raises(tokens.FormTokenInvalid):
        tokens.form_token_id(token)


def test_a_token_signed_for_something_else_is_invalid():
    other = signing.TimestampSigner(salt="another.purpose").sign("0" * 32)
    with pytest.raises(tokens.FormTokenInvalid):
        tokens.form_token_id(other)


def test_an_old_form_token_has_expired(monkeypatch):
    token = tokens.new_form_token()
    later = signing.time.time() + tokens.FORM_TOKEN_MAX_AGE + 1
    monkeypatch.setattr(signing.time, "time", lambda: later)
    with pytest.raises(tokens.FormTokenExpired):
        tokens.form_token_id(token)


def test_a_receipt_shows_only_its_ticket():
    assert tokens.read_receipt(tokens.receipt(42, "callback")) == (42, "callback")
    assert tokens.read_receipt("eyJ0aWNrZXQiOjQyfQ:forged") is None


def test_the_rate_limit_counts_per_key_and_window():
    rate = ratelimit.Rate(limit=2, window_seconds=60)
    assert [ratelimit.allow("t", "a", rate, now=1000.0) for _ in range(3)] == [True, True, False]
    assert ratelimit.allow("t", "b", rate, now=1000.0) is True
    assert ratelimit.allow("other", "a", rate, now=1000.0) is True
    assert ratelimit.allow("t", "a", rate, now=1060.0) is True  # the next window


def test_the_adapter_refuses_raw_input_it_did_not_write():
    for raw in (
        b"\xff\xfe",
        b"[]",
        b'{"version": 2}',
        json.dumps({"version": 1, "form": "x"}).encode(),
    ):
        with pytest.raises(adapters.BadSubmission):
            adapters.read_submission(raw, "test")


@pytest.mark.django_db
def test_a_submission_that_fails_is_quarantined_and_a_retry_stores_it(monkeypatch):
    from shomer.conversations import ingest as pipeline

    real_store = pipeline._store
    monkeypatch.setattr(pipeline, "_store", lambda inbound: 1 / 0)
    data = {
        "token": tokens.new_form_token(),
        "name": "Yael",
        "email": "yael@gmail.com",
        "subject": "Broken booking page",
        "message": "It shows an error.",
    }
    response = Client().post("/contact/?lang=en", data, follow=True)
    assert response.status_code == 200
    assert response.context["ticket_id"] == 0
    record = InboundRecord.objects.get()
    assert (record.status, record.reason) == (
        InboundStatus.QUARANTINED,
        "ZeroDivisionError: division by zero",
    )
    assert json.loads(bytes(record.raw))["fields"]["subject"] == "Broken booking page"

    monkeypatch.setattr(pipeline, "_store", real_store)
    result = retry(record)
    assert result.status == InboundStatus.CREATED
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.subject) == (Channel.WEB, "Broken booking page")
