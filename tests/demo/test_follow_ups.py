"""What a new user sees after the first start's demo (60 customers, 400 tickets, seed 1):
promises on the Promises page, survey answers on the results page, health reasons that
mention them, and the loyalty planner's touchpoints and payment reminders.

The demo is made once for the module (it takes seconds) at the real clock, since the pages
read it, and rolled back after the module.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from django.utils import timezone

from shomer.commitments.models import Commitment, DetectedPromise
from shomer.commitments.services import my_promises
from shomer.complaints.models import Complaint
from shomer.conversations.models import Direction
from shomer.demo import loyalty
from shomer.demo.generate import DemoSummary, generate
from shomer.demo.surveys import LIVE_HOURS
from shomer.feedback import rules
from shomer.feedback.models import Survey, SurveyAnswer
from shomer.health.models import CustomerScore
from shomer.health.services import do_recompute_all
from shomer.notifications.models import Notification
from shomer.outreach.models import CollectionReminder, Touchpoint
from shomer.people.models import User


@dataclass(frozen=True)
class Demo:
    summary: DemoSummary
    now: dt.datetime
    planned: dict[str, object]


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker) -> Iterator[Demo]:  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock(), transaction.atomic():
        now = timezone.now()
        summary = generate(customers=60, tickets=400, seed=1, now=now, follow_ups=True)
        do_recompute_all(now=now)
        planned = loyalty.plan(now)
        yield Demo(summary, now, planned)
        transaction.set_rollback(True)


def logged_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_promises_page_shows_open_and_broken_promises_of_the_team(demo: Demo, db: None) -> None:
    michal = User.objects.get(username="michal")
    team = my_promises(michal, team=True, now=demo.now)

    page = logged_in("michal").get("/commitments/?scope=team").content.decode()

    assert team.broken and (team.today or team.week)
    overdue = page.split('data-testid="promises-overdue"')[1].split("</section>")[0]
    assert all(f"/commitments/{c.pk}/" in overdue for c in team.broken)
    upcoming = page.split('data-testid="promises-today"')[1]
    assert all(f"/commitments/{c.pk}/" in upcoming for c in team.today + team.week)


def test_the_manager_has_promises_of_his_own(demo: Demo, db: None) -> None:
    yossi = User.objects.get(username="yossi")
    mine = my_promises(yossi, now=demo.now)

    page = logged_in("yossi").get("/commitments/").content.decode()

    assert mine.broken and (mine.week or mine.today)
    assert all(f"/commitments/{c.pk}/" in page for c in mine.broken + mine.week + mine.today)
    assert set(Commitment.objects.filter(owner=yossi).values_list("source", flat=True)) == {
        "manual"
    }


def test_promises_end_every_way_across_the_four_agents(demo: Demo, db: None) -> None:
    owners = set(Commitment.objects.values_list("owner__username", flat=True))
    kept = Commitment.objects.filter(state="kept")

    assert {"dana", "ruth", "eli", "michal"} <= owners
    assert {"open", "kept", "broken", "cancelled"} == set(
        Commitment.objects.values_list("state", flat=True)
    )
    assert any(c.is_kept_on_time for c in kept) and not all(c.is_kept_on_time for c in kept)
    for broken in Commitment.objects.filter(state="broken"):
        assert broken.broken_at == broken.due_at < demo.now
    assert Commitment.objects.filter(state="open", due_at__gt=demo.now).exists()
    assert demo.summary.promises == Commitment.objects.count()


def test_each_detected_promise_is_a_sentence_of_its_owners_reply(demo: Demo, db: None) -> None:
    detected = Commitment.objects.filter(source="detected").select_related("ticket")

    assert detected.count() >= 15
    for commitment in detected:
        replies = commitment.ticket.messages.filter(
            direction=Direction.OUTBOUND, author=commitment.owner
        )
        assert any(commitment.text in reply.body_text for reply in replies)
        assert commitment.due_at > commitment.created_at
    # A few are still offered on current tickets for one-click tracking.
    offered = DetectedPromise.objects.filter(state="offered").select_related("ticket")
    assert offered and all(o.ticket.status not in ("solved", "closed") for o in offered)


def test_survey_results_page_shows_the_answers(demo: Demo, db: None) -> None:
    since = demo.now - dt.timedelta(days=90)
    recent = SurveyAnswer.objects.filter(answered_at__gte=since, answered_at__lte=demo.now)
    csat = list(recent.filter(kind="csat").values_list("rating", flat=True))
    nps = list(recent.filter(kind="nps").values_list("rating", flat=True))
    csat_percent, nps_score = rules.csat_percent(csat), rules.nps_score(nps)

    page = logged_in("yossi").get("/feedback/").content.decode()

    assert len(csat) >= 10 and len(nps) >= 10
    assert csat_percent is not None and nps_score is not None
    assert csat_percent >= 60  # mostly 4-5
    assert SurveyAnswer.objects.filter(kind="csat", rating__lte=2).exists()
    assert re.search(rf'data-testid="csat-percent"><bdi>{csat_percent:.0f}%</bdi>', page)
    assert re.search(rf'data-testid="nps-score"><bdi>{nps_score:.0f}</bdi>', page)
    assert SurveyAnswer.objects.filter(kind="exit").exists()
    assert Survey.objects.filter(reason="fatigue").exists()  # the fatigue rule held some back


def test_unhappy_answers_opened_complaints_when_they_came(demo: Demo, db: None) -> None:
    unhappy = SurveyAnswer.objects.filter(is_unhappy=True).select_related("complaint")

    assert unhappy.exists()
    assert unhappy.count() == SurveyAnswer.objects.filter(complaint__isnull=False).count()
    for answer in unhappy:
        ticket = answer.complaint
        assert ticket is not None and ticket.kind == "complaint"
        assert ticket.created_at == answer.answered_at
        assert "survey" in set(ticket.tags.values_list("name", flat=True))
        record = Complaint.objects.get(ticket=ticket)
        if answer.answered_at < demo.now - dt.timedelta(hours=LIVE_HOURS):
            # Handled back then: answered by the agent, closed, the complaint followed up.
            assert ticket.status == "closed"
            assert ticket.messages.filter(direction=Direction.OUTBOUND).exists()
            assert record.step == "followed_up"
        else:
            assert record.step == "received"
        if answer.comment:
            assert ticket.messages.filter(body_text=answer.comment).exists()


def test_health_reasons_mention_survey_answers_and_broken_promises(demo: Demo, db: None) -> None:
    codes = {
        reason["code"]
        for score in CustomerScore.objects.all()
        for reason in score.details["health"]
    }
    broken = Commitment.objects.filter(state="broken").values_list("customer", flat=True)
    customer = CustomerScore.objects.filter(customer__in=broken).first()

    assert {"promises_broken", "promises_kept", "surveys_good", "surveys_poor"} <= codes
    assert customer is not None
    page = logged_in("yossi").get(f"/customers/{customer.pk}/").content.decode()
    assert 'data-testid="ledger-broken"' in page


def test_loyalty_planner_has_birthdays_check_ins_and_payment_reminders(
    demo: Demo, db: None
) -> None:
    kinds = set(Touchpoint.objects.values_list("kind", flat=True))

    assert {"birthday", "checkin"} <= kinds
    assert demo.planned["touchpoints"] == Touchpoint.objects.count() > 0
    # The unpaid invoices' reminders went out step by step in the last weeks.
    sent = CollectionReminder.objects.filter(status="sent")
    assert {1, 2} <= set(sent.values_list("step", flat=True))
    assert all(reminder.sent_at < demo.now for reminder in sent)


def test_the_demo_history_mails_nobody(demo: Demo, db: None) -> None:
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    assert mail.outbox == []
    assert not Survey.objects.filter(sent_at__gt=demo.now).exists()
