from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django.db import transaction

from shomer.commitments.models import Commitment
from shomer.conversations.models import Message, Ticket
from shomer.demo.generate import generate
from shomer.feedback.models import SurveyAnswer
from shomer.language.detect import detect_language
from shomer.outreach.models import Touchpoint
from shomer.people.models import User

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def snapshot() -> list[Any]:
    """Tickets with their conversations, promises and survey answers; ticket numbers as
    positions (a database sequence does not roll back, so numbers differ between runs)."""
    tickets = list(Ticket.objects.select_related("customer").order_by("id"))
    position = {ticket.pk: index for index, ticket in enumerate(tickets)}

    def numbered(text: str) -> str:
        return re.sub(r"#(\d+)", lambda m: f"#{position.get(int(m[1]), '?')}", text)

    return [
        [
            (
                numbered(t.subject),
                t.customer.name if t.customer else "",
                [m.body_text for m in t.messages.order_by("created_at", "id")],
            )
            for t in tickets
        ],
        [
            (position[c.ticket_id], c.kind, c.text, c.state, c.due_at, c.kept_at, c.broken_at)
            for c in Commitment.objects.order_by("created_at", "id")
        ],
        [
            (a.kind, a.rating, a.comment, a.answered_at, position.get(a.ticket_id))
            for a in SurveyAnswer.objects.order_by("answered_at", "id")
        ],
    ]


def generated(seed: int) -> list[Any]:
    """What `generate` writes for `seed`, rolled back afterwards (nothing to delete by hand)."""
    with transaction.atomic():
        generate(customers=6, tickets=40, seed=seed, now=NOW, follow_ups=True)
        result = snapshot()
        transaction.set_rollback(True)
    return result


def test_the_same_seed_gives_the_same_data(db):
    first = generated(7)

    assert generated(7) == first
    assert generated(8) != first
    assert first[1] and first[2]  # promises and survey answers are part of it


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


def test_the_demo_command_makes_promises_answers_and_plans_touchpoints(db):
    out = io.StringIO()

    call_command(
        "demo", customers=20, tickets=150, seed=2, no_progress=True, no_scores=True, stdout=out
    )

    promises, answers = Commitment.objects.count(), SurveyAnswer.objects.count()
    touchpoints = Touchpoint.objects.count()
    assert promises and answers and touchpoints
    assert f"{promises} promises, {answers} survey answers." in out.getvalue()
    assert f"{touchpoints} touchpoints" in out.getvalue()


def test_every_demo_customer_has_a_score_history_for_its_chart(db, client):
    from shomer.customers.models import Customer
    from shomer.demo.management.commands.demo import HISTORY_WEEKS
    from shomer.health.models import HealthSnapshot

    call_command("demo", customers=8, tickets=40, seed=3, no_progress=True, stdout=io.StringIO())

    customer = Customer.objects.order_by("pk").first()
    days = HealthSnapshot.objects.filter(customer=customer).values_list("on", flat=True)
    assert len(days) == HISTORY_WEEKS + 1  # weekly, and today
    assert len(set(days)) == len(days)
    client.login(username="yossi", password="shomer-demo")
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    assert 'id="health-history"' in page
