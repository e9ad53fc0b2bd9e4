from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django.db import transaction

from shomer.conversations.models import Message, Ticket
from shomer.demo.generate import generate
from shomer.language.detect import detect_language
from shomer.people.models import User

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def snapshot() -> list[tuple[str, str, list[str]]]:
    return [
        (t.subject, t.customer.name, [m.body_text for m in t.messages.order_by("created_at", "id")])
        for t in Ticket.objects.select_related("customer").order_by("id")
    ]


def generated(seed: int) -> list[tuple[str, str, list[str]]]:
    """What `generate` writes for `seed`, rolled back afterwards (nothing to delete by hand)."""
    with transaction.atomic():
        generate(customers=6, tickets=40, seed=seed, now=NOW)
        result = snapshot()
        transaction.set_rollback(True)
    return result


def test_the_same_seed_gives_the_same_data(db):
    first = generated(7)

    assert generated(7) == first
    assert generated(8) != first


def test_demo_has_both_languages_every_persona_and_after_hours_mail(db):
    summary = generate(customers=80, tickets=600, seed=3, now=NOW)

    texts = list(Message.objects.filter(direction="inbound").values_list("body_text", flat=True))
    languages = {detect_language(text) for text in texts}
    israel = ZoneInfo("Asia/Jerusalem")
    opened = [t.created_at.astimezone(israel) for t in Ticket.objects.all()]
    assert summary.tickets == 600 and summary.customers == 80
    assert {"he", "en"} <= languages
    assert any("מטומטמים" in t or "idiots" in t for t in texts)  # abusive
    assert any("דחוף" in t or "URGENT" in t for t in texts)  # urgent
    assert any("תודה" in t or "Thank" in t for t in texts)  # grateful
    assert any(moment.hour >= 22 or moment.hour < 6 or moment.weekday() == 5 for moment in opened)
    assert all(t.created_at <= NOW for t in Ticket.objects.all())
    assert Ticket.objects.filter(status__in=["new", "open"]).exists()
    assert Ticket.objects.filter(kind="complaint").exists()


def test_demo_staff_can_log_in_with_the_demo_password(db, client):
    call_command("demo", customers=2, tickets=3, seed=1, no_progress=True)
    assert (
        User.objects.filter(username__in=["dana", "yossi", "michal", "eli", "admin"]).count() == 5
    )
    assert client.login(username="dana", password="shomer-demo")
