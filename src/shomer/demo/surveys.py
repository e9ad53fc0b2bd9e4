"""Demo surveys: half a year of CSAT, NPS and exit surveys, replayed through the feedback app.

The program is replayed in time order, each step at the moment it happened: a solved ticket
plans its CSAT survey (`on_ticket_solved`), the weekly planning plans NPS and exit surveys
(`do_plan_nps`, `do_plan_exit`), the worker claims and delivers each one (`deliver`: the
fatigue rule skips some, with the reason), and some customers answer (`do_answer`; many add
their comment a minute later, `do_comment`). An unhappy answer opens its fast-track
complaint as it does in production. The services open that complaint at the real clock; the
demo moves it to the answer's time, and lets the team have handled the older ones back then
(replied, closed, the complaint record rebuilt from the ticket by `complaints.do_backfill`).
Mail goes nowhere while the history is replayed: it was sent back then.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import F
from django.test.utils import override_settings
from django.urls import reverse

from shomer.complaints import services as complaints
from shomer.complaints.models import Complaint, Event
from shomer.conversations.models import Direction, Message, Status, Ticket
from shomer.demo import texts
from shomer.demo.history import last_notification
from shomer.demo.promises import signature
from shomer.feedback import rules
from shomer.feedback import services as feedback
from shomer.feedback.models import AnswerChannel, ExitReason, Survey, SurveyAnswer, SurveyKind
from shomer.notifications.models import Notification
from shomer.outreach import mail
from shomer.outreach.models import SendStatus
from shomer.people.models import Role, User
from shomer.sla.models import SlaTimer

ISRAEL = ZoneInfo("Asia/Jerusalem")
# The surveys started half a year ago (the results page's CSAT trend shows 26 weeks).
PROGRAM_DAYS = 182
PLAN_EVERY_DAYS = 14
# The most recent solved tickets surveyed; NPS and exit history only up to this many
# customers (the NPS planning surveys every customer due, and each answer takes a moment).
MAX_CSAT_TICKETS = 400
MAX_NPS_CUSTOMERS = 500
ANSWER_CHANCE = {SurveyKind.CSAT: 0.6, SurveyKind.NPS: 0.45, SurveyKind.EXIT: 0.6}
# Most people click a rating in the mail and write their comment on the thank-you page.
COMMENT_LATER = 0.6
PORTAL_SHARE = 0.1
# Complaints from answers this recent are still in hand; older ones were handled.
LIVE_HOURS = 36
UNHAPPY_PERSONAS = frozenset({"angry", "chronic", "abusive", "collections"})
RATINGS = {
    SurveyKind.CSAT: {
        "happy": {5: 58, 4: 30, 3: 7, 2: 3, 1: 2},
        "unhappy": {5: 20, 4: 30, 3: 20, 2: 17, 1: 13},
        "grateful": {5: 82, 4: 16, 3: 2},
    },
    SurveyKind.NPS: {
        "happy": {10: 26, 9: 30, 8: 20, 7: 12, 6: 5, 5: 3, 4: 2, 3: 1, 2: 1},
        "unhappy": {10: 4, 9: 8, 8: 14, 7: 18, 6: 14, 5: 12, 4: 10, 3: 8, 2: 6, 1: 4, 0: 2},
        "grateful": {10: 55, 9: 32, 8: 9, 7: 4},
    },
    SurveyKind.EXIT: {
        "happy": {5: 15, 4: 35, 3: 30, 2: 12, 1: 8},
        "unhappy": {4: 5, 3: 20, 2: 40, 1: 35},
        "grateful": {5: 40, 4: 45, 3: 15},
    },
}
EXIT_REASONS = {
    "happy": {ExitReason.PRICE: 35, ExitReason.NEEDS: 40, ExitReason.OTHER: 25},
    "unhappy": {ExitReason.SERVICE: 55, ExitReason.QUALITY: 30, ExitReason.PRICE: 15},
    "grateful": {ExitReason.NEEDS: 70, ExitReason.OTHER: 30},
}
COMMENT_CHANCE = {"happy": 0.4, "unhappy": 0.9}


class _Timeline:
    """Steps to replay in time order (ties in the order they were added); none after `now`."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self._heap: list[tuple[datetime, int, str, tuple[Any, ...]]] = []
        self._order = itertools.count()

    def add(self, at: datetime, step: str, *args: Any) -> None:
        if at <= self.now:
            heapq.heappush(self._heap, (at, next(self._order), step, args))

    def pop(self) -> tuple[datetime, str, tuple[Any, ...]] | None:
        if not self._heap:
            return None
        at, _order, step, args = heapq.heappop(self._heap)
        return at, step, args


def add_surveys(rng: random.Random, now: datetime, personas: dict[int, str], customers: int) -> int:
    """Replay the survey program of the last PROGRAM_DAYS days; how many answers came."""
    start = now - timedelta(days=PROGRAM_DAYS)
    timeline = _Timeline(now)
    solved = (
        Ticket.objects.filter(
            status__in=(Status.SOLVED, Status.CLOSED),
            solved_at__gte=start,
            customer__isnull=False,
        )
        .select_related("contact")
        .order_by("-solved_at", "-id")[:MAX_CSAT_TICKETS]
    )
    for ticket in solved:
        timeline.add(ticket.solved_at, "solved", ticket)
    if customers <= MAX_NPS_CUSTOMERS:
        day = start.astimezone(ISRAEL).date()
        while day <= now.astimezone(ISRAEL).date():
            timeline.add(datetime.combine(day, time(9, 0), tzinfo=ISRAEL), "plan")
            day += timedelta(days=PLAN_EVERY_DAYS)
    first_notification = last_notification()
    # The history's mail was sent back then: replaying it sends nothing.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        while (step := timeline.pop()) is not None:
            at, name, args = step
            _STEPS[name](rng, timeline, at, personas, *args)
    _complaints_as_history(rng, now, first_notification)
    answers: int = SurveyAnswer.objects.count()
    return answers


def _solved(
    rng: random.Random, timeline: _Timeline, at: datetime, personas: dict[int, str], ticket: Ticket
) -> None:
    survey = feedback.on_ticket_solved(ticket, at)
    if survey is not None and survey.status == SendStatus.SCHEDULED:
        timeline.add(survey.send_at, "send", survey.pk)


def _plan(rng: random.Random, timeline: _Timeline, at: datetime, personas: dict[int, str]) -> None:
    last = Survey.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    feedback.do_plan_nps(at)
    feedback.do_plan_exit(at)
    planned = Survey.objects.filter(pk__gt=last, status=SendStatus.SCHEDULED)
    for survey_id, send_at in planned.order_by("pk").values_list("pk", "send_at"):
        timeline.add(send_at, "send", survey_id)


def _send(
    rng: random.Random, timeline: _Timeline, at: datetime, personas: dict[int, str], pk: int
) -> None:
    survey = mail.claim(Survey, pk, at, ("customer__owner", "contact", "ticket"))
    if survey is None or feedback.deliver(survey, at) != SendStatus.SENT:
        return
    kind = SurveyKind(survey.kind)
    if rng.random() >= ANSWER_CHANCE[kind]:
        return
    mood = _mood(personas.get(survey.customer_id, "polite"))
    rating = _weighted(rng, RATINGS[kind][mood])
    language = "en" if survey.contact and survey.contact.language == "en" else "he"
    reason = _weighted(rng, EXIT_REASONS[mood]) if kind == SurveyKind.EXIT else ""
    comment = _comment(rng, kind, rating, language, reason)
    # Half answer within the hour of the mail, the rest within a day and a half.
    delay = rng.randint(4, 55) if rng.random() < 0.5 else rng.randint(60, 36 * 60)
    later = bool(comment) and rng.random() < COMMENT_LATER
    channel = AnswerChannel.PORTAL if rng.random() < PORTAL_SHARE else AnswerChannel.EMAIL
    timeline.add(
        at + timedelta(minutes=delay), "answer", survey.pk, rating, comment, reason, later, channel
    )


def _answer(
    rng: random.Random,
    timeline: _Timeline,
    at: datetime,
    personas: dict[int, str],
    pk: int,
    rating: int,
    comment: str,
    reason: str,
    later: bool,
    channel: str,
) -> None:
    survey = Survey.objects.select_related("customer", "contact", "ticket").get(pk=pk)
    answered = feedback.do_answer(
        survey, rating, channel=channel, now=at, comment="" if later else comment, reason=reason
    )
    if later:
        timeline.add(
            at + timedelta(minutes=rng.randint(1, 12)), "comment", answered.answer.pk, comment
        )


def _add_comment(
    rng: random.Random,
    timeline: _Timeline,
    at: datetime,
    personas: dict[int, str],
    pk: int,
    comment: str,
) -> None:
    answer = SurveyAnswer.objects.select_related("complaint", "contact", "survey").get(pk=pk)
    feedback.do_comment(answer, comment, now=at)


_STEPS: dict[str, Callable[..., None]] = {
    "solved": _solved,
    "plan": _plan,
    "send": _send,
    "answer": _answer,
    "comment": _add_comment,
}


def _mood(persona: str) -> str:
    if persona == "grateful":
        return "grateful"
    return "unhappy" if persona in UNHAPPY_PERSONAS else "happy"


def _weighted(rng: random.Random, weights: dict[Any, int]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _comment(rng: random.Random, kind: str, rating: int, language: str, reason: str) -> str:
    unhappy = rules.is_unhappy(kind, rating)
    if rng.random() >= COMMENT_CHANCE["unhappy" if unhappy else "happy"]:
        return ""
    if kind == SurveyKind.EXIT:
        return texts.EXIT_COMMENTS[language][reason]
    if kind == SurveyKind.NPS:
        return rng.choice(texts.NPS_COMMENTS[language][rules.nps_group(rating)])
    return rng.choice(texts.CSAT_COMMENTS[language][rating])


# --- the complaints the unhappy answers opened ------------------------------------------------


def _complaints_as_history(rng: random.Random, now: datetime, first_notification: int) -> None:
    """Move each complaint opened by an answer to the answer's time; the team handled those
    older than LIVE_HOURS (a reply, the ticket closed, the record rebuilt from the ticket)."""
    answers = (
        SurveyAnswer.objects.filter(complaint__isnull=False)
        .select_related("complaint", "contact", "customer__owner", "ticket__assignee")
        .order_by("answered_at", "pk")
    )
    handled = False
    for answer in answers:
        ticket = answer.complaint
        assert ticket is not None
        opened = answer.answered_at
        written = max(opened, answer.comment_at or opened)
        messages = list(ticket.messages.order_by("created_at", "id").values_list("pk", flat=True))
        Message.objects.filter(pk=messages[0]).update(created_at=opened)
        Message.objects.filter(pk__in=messages[1:]).update(created_at=written)
        if opened >= now - timedelta(hours=LIVE_HOURS):
            Ticket.objects.filter(pk=ticket.pk).update(
                created_at=opened, updated_at=written, last_message_at=written
            )
            Complaint.objects.filter(ticket=ticket).update(created_at=opened)
            Event.objects.filter(complaint__ticket=ticket).update(at=opened)
            continue
        _handled(rng, answer, ticket, written, now)
        Notification.objects.filter(
            pk__gt=first_notification, url=reverse("ticket", args=[ticket.pk])
        ).update(read_at=now)
        handled = True
    if handled:
        complaints.do_backfill(now=now)


def _handler(answer: SurveyAnswer) -> User | None:
    """Who answered the complaint: the surveyed ticket's agent, else the account owner."""
    if answer.ticket is not None and answer.ticket.assignee is not None:
        return answer.ticket.assignee
    owner = answer.customer.owner
    if owner is not None and owner.role in (Role.AGENT, Role.TEAM_LEAD, Role.MANAGER):
        return owner
    return None


def _handled(
    rng: random.Random, answer: SurveyAnswer, ticket: Ticket, written: datetime, now: datetime
) -> None:
    agent = _handler(answer)
    language = "en" if answer.contact and answer.contact.language == "en" else "he"
    replied = min(written + timedelta(minutes=rng.randint(90, 20 * 60)), now)
    solved = min(replied + timedelta(hours=rng.randint(4, 48)), now)
    followed_up = min(solved + timedelta(days=rng.randint(3, 6)), now)
    body = rng.choice(texts.COMPLAINT_REPLIES[language]).format(
        first=answer.contact.first_name if answer.contact else "",
        agent=signature(agent, language) if agent else "",
    )
    Message.objects.create(
        ticket=ticket,
        direction=Direction.OUTBOUND,
        channel=ticket.channel,
        author=agent,
        body_text=body,
        created_at=replied,
    )
    Ticket.objects.filter(pk=ticket.pk).update(
        created_at=answer.answered_at,
        updated_at=followed_up,
        last_message_at=replied,
        first_response_at=replied,
        solved_at=solved,
        status=Status.CLOSED,
        assignee=agent,
        message_count=F("message_count") + 1,
        sla_due_at=None,
    )
    # Its clocks and record were started by the services today; the history has its own.
    SlaTimer.objects.filter(ticket=ticket).delete()
    Complaint.objects.filter(ticket=ticket).delete()
