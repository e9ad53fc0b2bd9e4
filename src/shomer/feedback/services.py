"""Surveys: planned (CSAT when a ticket is solved, periodic NPS, the exit survey), sent by the
worker with signed one-click rating links, answered by link or in the portal. An unhappy
answer opens a fast-track complaint at once.

Links: `signing.dumps({"s": survey id, "n": survey nonce, "r": rating or None})`, salted,
timestamped, valid LINK_MAX_AGE. A forged or altered link fails its signature; a link of a
deleted survey, or of another survey, fails the nonce; an old one has expired. Each is told
apart on the page (400 invalid, 410 expired).

Answering twice: the first answer is the answer. Any later click (the same rating or
another) shows the recorded rating and lets the customer change the comment only: a rating
that opened a complaint does not silently vanish, and a mail scanner that follows every link
cannot change what the person said (ratings are recorded by a POST from the page the link
opens, never by the GET itself).
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass
from typing import Any, Final

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from shomer.conversations.models import Channel, Direction, Kind, Priority, Status, Ticket
from shomer.core import audit
from shomer.customers.models import Contact, Customer, CustomerStatus
from shomer.feedback import rules
from shomer.feedback.models import AnswerChannel, Survey, SurveyAnswer, SurveyKind
from shomer.health.dirty import mark_dirty
from shomer.notifications.services import do_notify
from shomer.outreach import mail
from shomer.outreach import rules as outreach_rules
from shomer.outreach import services as outreach
from shomer.outreach.models import SendStatus, SkipReason
from shomer.people.models import Role, User
from shomer.webhooks.services import do_emit

logger = logging.getLogger(__name__)

LINK_SALT: Final = "shomer.feedback.survey"
LINK_MAX_AGE: Final = 30 * 24 * 3600  # seconds a survey link works: thirty days
# A customer who left is asked once, within this many days of leaving.
EXIT_WINDOW_DAYS: Final = 30
MAX_COMMENT_CHARS: Final = 5000

LINK_INVALID: Final = "invalid"
LINK_EXPIRED: Final = "expired"
LINK_CLOSED: Final = "closed"

# Button colours of the rating scale in the e-mail, lowest first (red to green).
CSAT_COLOURS: Final = ("#b3261e", "#d9622b", "#c99a06", "#5b9a3c", "#1e7a46")


class SurveyLinkProblem(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


# --- planning ---------------------------------------------------------------------------------


def _new_survey(
    kind: str,
    customer: Customer,
    contact: Contact | None,
    send_at: dt.datetime,
    ticket: Ticket | None = None,
    *,
    now: dt.datetime,
) -> Survey | None:
    """Write a survey; skipped at once (with the reason) when it can never be sent."""
    survey = Survey(
        kind=kind,
        customer=customer,
        contact=contact,
        ticket=ticket,
        send_at=send_at,
        nonce=secrets.token_hex(8),
        created_at=now,
    )
    if contact is None or not contact.email:
        survey.status, survey.reason = SendStatus.SKIPPED, SkipReason.NO_EMAIL
    elif not outreach.accepts(contact, outreach.TOPIC_SURVEYS):
        survey.status, survey.reason = SendStatus.SKIPPED, SkipReason.UNSUBSCRIBED
    try:
        with transaction.atomic():
            survey.save()
    except IntegrityError:  # this ticket's CSAT, or this customer's exit survey, exists
        return None
    audit.record("survey.planned", survey, kind=kind, status=survey.status, reason=survey.reason)
    return survey


def on_ticket_solved(ticket: Ticket, now: dt.datetime) -> Survey | None:
    """Plan the ticket's satisfaction survey (once per ticket), sent after the CSAT delay
    if the ticket is still solved then. Called by conversations.services when a ticket
    becomes solved. A complaint opened by a survey answer gets none (no survey about a
    survey)."""
    if ticket.customer_id is None or Survey.objects.filter(ticket=ticket).exists():
        return None
    if SurveyAnswer.objects.filter(complaint=ticket).exists():
        return None
    delay = dt.timedelta(minutes=outreach.loyalty_settings().csat_delay_minutes)
    customer = Customer.objects.get(pk=ticket.customer_id)
    contact = ticket.contact if ticket.contact_id else outreach.recipient(customer)
    return _new_survey(SurveyKind.CSAT, customer, contact, now + delay, ticket, now=now)


def _morning(now: dt.datetime) -> dt.datetime:
    hour = outreach.loyalty_settings().send_hour
    day = outreach_rules.business_day_on_or_after(outreach.today(now))
    when = outreach_rules.slot(day, hour, outreach.ZONE)
    return when if when >= now else now


def do_plan_nps(now: dt.datetime) -> int:
    """Plan an NPS survey for every active customer it is due for (see rules.nps_due).

    A customer surveyed within the fatigue period is left for a later day rather than
    planned and skipped, and an NPS skipped for fatigue does not count as the last one: the
    cadence waits for fatigue, it is not reset by it."""
    config = outreach.loyalty_settings()
    today = outreach.today(now)
    last = dict(
        Survey.objects.filter(kind=SurveyKind.NPS)
        .exclude(reason=SkipReason.FATIGUE)
        .values("customer_id")
        .annotate(last=Max("created_at"))
        .values_list("customer_id", "last")
    )
    recently = dict(
        Survey.objects.filter(sent_at__isnull=False)
        .values("customer_id")
        .annotate(last=Max("sent_at"))
        .values_list("customer_id", "last")
    )
    planned = 0
    customers = Customer.objects.filter(status=CustomerStatus.ACTIVE).prefetch_related("contacts")
    for customer in customers.iterator(chunk_size=500):
        since = customer.customer_since or outreach.today(customer.created_at)
        if not rules.nps_due(last.get(customer.pk), since, today, config.nps_cadence_days):
            continue
        if not rules.fatigue_allows(recently.get(customer.pk), now, config.survey_fatigue_days):
            continue
        survey = _new_survey(
            SurveyKind.NPS, customer, outreach.recipient(customer), _morning(now), now=now
        )
        planned += survey is not None
    return planned


def do_plan_exit(now: dt.datetime) -> int:
    """Plan the exit survey of every customer who left within EXIT_WINDOW_DAYS."""
    today = outreach.today(now)
    recent = today - dt.timedelta(days=EXIT_WINDOW_DAYS)
    customers = (
        Customer.objects.filter(status=CustomerStatus.LEFT, left_on__gte=recent, left_on__lte=today)
        .exclude(surveys__kind=SurveyKind.EXIT)
        .prefetch_related("contacts")
    )
    planned = 0
    for customer in customers:
        survey = _new_survey(
            SurveyKind.EXIT, customer, outreach.recipient(customer), _morning(now), now=now
        )
        planned += survey is not None
    return planned


# --- sending ----------------------------------------------------------------------------------


def make_token(survey: Survey, rating: int | None) -> str:
    return signing.dumps({"s": survey.pk, "n": survey.nonce, "r": rating}, salt=LINK_SALT)


def survey_url(survey: Survey, rating: int | None = None) -> str:
    """The absolute link (SITE_URL, never a request's Host header)."""
    path = reverse("survey", args=[make_token(survey, rating)])
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def last_sent_at(customer_id: int, excluding: int | None = None) -> dt.datetime | None:
    sent = Survey.objects.filter(customer_id=customer_id, sent_at__isnull=False)
    if excluding is not None:
        sent = sent.exclude(pk=excluding)
    return sent.aggregate(last=Max("sent_at"))["last"]


def deliver(survey: Survey, now: dt.datetime) -> str:
    """Send one claimed survey, or skip it with the reason. The exit survey is exempt from
    the fatigue rule: it is the one chance to hear why a customer left."""
    if survey.kind == SurveyKind.CSAT:
        ticket = survey.ticket
        if ticket is None or ticket.status not in (Status.SOLVED, Status.CLOSED):
            return mail.skip(survey, SkipReason.REOPENED)
    contact = survey.contact
    if contact is None or not contact.email:
        return mail.skip(survey, SkipReason.NO_EMAIL)
    if not outreach.accepts(contact, outreach.TOPIC_SURVEYS):
        return mail.skip(survey, SkipReason.UNSUBSCRIBED)
    if survey.kind != SurveyKind.EXIT:
        days = outreach.loyalty_settings().survey_fatigue_days
        if not rules.fatigue_allows(last_sent_at(survey.customer_id, survey.pk), now, days):
            return mail.skip(survey, SkipReason.FATIGUE)
    survey.expires_at = now + dt.timedelta(seconds=LINK_MAX_AGE)
    survey.save(update_fields=["expires_at"])
    status = mail.send(survey, letter_for(survey, contact), now)
    if status == SendStatus.SENT:
        audit.record("survey.sent", survey, kind=survey.kind)
    return status


def _buttons(survey: Survey) -> list[mail.Button]:
    low, high = rules.SCALES[survey.kind]
    buttons = []
    for rating in range(low, high + 1):
        if survey.kind == SurveyKind.NPS:
            colour = "#b3261e" if rating <= 6 else ("#c99a06" if rating <= 8 else "#1e7a46")
        else:
            colour = CSAT_COLOURS[rating - low]
        title = _("Rate %(rating)s of %(top)s") % {"rating": rating, "top": high}
        buttons.append(mail.Button(str(rating), survey_url(survey, rating), title, colour))
    return buttons


def letter_for(survey: Survey, contact: Contact) -> mail.Letter:
    customer = survey.customer
    language = mail.mail_language(contact.language, customer.language)
    variables = outreach.base_variables(customer, contact)
    if survey.ticket is not None:
        variables["ticket_subject"] = survey.ticket.subject
        variables["ticket_number"] = str(survey.ticket.pk)
    subject, body = outreach.render_template(survey.kind, language, variables)
    with override(language):
        low_label = {
            SurveyKind.CSAT: _("Very dissatisfied"),
            SurveyKind.NPS: _("Not at all likely"),
            SurveyKind.EXIT: _("Very poor"),
        }[SurveyKind(survey.kind)]
        high_label = {
            SurveyKind.CSAT: _("Very satisfied"),
            SurveyKind.NPS: _("Extremely likely"),
            SurveyKind.EXIT: _("Excellent"),
        }[SurveyKind(survey.kind)]
        buttons = _buttons(survey)
        link_label = _("Prefer to write? Add a comment")
        footer = _(
            "This link works for 30 days. You receive surveys because you are a customer of %(business)s."
        ) % {"business": variables["business"]}
    return mail.Letter(
        to_name=contact.name,
        to_email=contact.email,
        language=language,
        subject=subject,
        body_text=body,
        buttons=buttons,
        scale_low=low_label,
        scale_high=high_label,
        link_url=survey_url(survey),
        link_label=link_label,
        footer=footer,
        unsubscribe_url=outreach.unsubscribe_url(contact, outreach.TOPIC_SURVEYS),
        kind=f"survey:{survey.kind}",
    )


def do_send_due(now: dt.datetime) -> dict[str, int]:
    return mail.run_due(Survey, deliver, now, ("customer__owner", "contact", "ticket"))


# --- answering --------------------------------------------------------------------------------


def read_link(token: str) -> tuple[Survey, int | None]:
    """The survey and the rating a link carries; SurveyLinkProblem if it cannot be used."""
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise SurveyLinkProblem(LINK_EXPIRED) from None
    except signing.BadSignature:
        raise SurveyLinkProblem(LINK_INVALID) from None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("s"), int)
        or not isinstance(data.get("n"), str)
    ):
        raise SurveyLinkProblem(LINK_INVALID)
    rating = data.get("r")
    survey = (
        Survey.objects.select_related("customer", "contact", "ticket")
        .filter(pk=data["s"], nonce=data["n"])
        .first()
    )
    if survey is None:
        raise SurveyLinkProblem(LINK_INVALID)
    if not isinstance(rating, int) or not rules.valid_rating(survey.kind, rating):
        rating = None
    return survey, rating


def answer_of(survey: Survey) -> SurveyAnswer | None:
    return SurveyAnswer.objects.filter(survey=survey).select_related("complaint").first()


def is_open(survey: Survey, now: dt.datetime) -> bool:
    """Whether the survey can still be answered (sent, not expired)."""
    return survey.status == SendStatus.SENT and (
        survey.expires_at is None or survey.expires_at > now
    )


@dataclass(frozen=True)
class Answered:
    answer: SurveyAnswer
    is_new: bool


def do_answer(
    survey: Survey,
    rating: int,
    *,
    channel: str,
    now: dt.datetime,
    comment: str = "",
    reason: str = "",
) -> Answered:
    """Record the answer, or return the one already recorded (see the module docstring).
    An unhappy answer opens a fast-track complaint in the same transaction.
    Precondition: `rating` is valid for the survey's kind and the survey is open."""
    existing = answer_of(survey)
    if existing is not None:
        return Answered(existing, False)
    try:
        with transaction.atomic():
            answer = SurveyAnswer.objects.create(
                survey=survey,
                kind=survey.kind,
                customer_id=survey.customer_id,
                contact_id=survey.contact_id,
                ticket_id=survey.ticket_id,
                rating=rating,
                score=rules.normalised(survey.kind, rating),
                is_unhappy=rules.is_unhappy(survey.kind, rating),
                comment=comment.strip()[:MAX_COMMENT_CHARS],
                reason=reason,
                channel=channel,
                answered_at=now,
                comment_at=now if comment.strip() else None,
            )
            audit.record("survey.answered", survey, rating=rating, channel=channel)
            if answer.is_unhappy:
                answer.complaint = open_complaint(answer)
                answer.save(update_fields=["complaint"])
            mark_dirty(survey.customer_id)
            do_emit("survey.answered", answer_data(answer))
    except IntegrityError:  # answered at the same moment elsewhere (two clicks racing)
        found = answer_of(survey)
        assert found is not None
        return Answered(found, False)
    return Answered(answer, True)


def do_comment(
    answer: SurveyAnswer, comment: str, *, now: dt.datetime, reason: str | None = None
) -> SurveyAnswer:
    """Change an answer's comment (and, for the exit survey, its reason). On an unhappy
    answer the comment is added to its complaint, so the people handling it read it."""
    comment = comment.strip()[:MAX_COMMENT_CHARS]
    fields = []
    if reason is not None and reason != answer.reason:
        answer.reason = reason
        fields.append("reason")
    if comment != answer.comment:
        answer.comment, answer.comment_at = comment, now
        fields += ["comment", "comment_at"]
    if not fields:
        return answer
    with transaction.atomic():
        answer.save(update_fields=fields)
        audit.record("survey.comment", answer.survey, chars=len(comment))
        if "comment" in fields and comment and answer.complaint_id:
            from shomer.conversations.services import do_add_message

            do_add_message(
                answer.complaint,
                direction=Direction.INBOUND,
                body_text=comment,
                contact=answer.contact,
                channel=answer.complaint.channel,
            )
    return answer


def answer_data(answer: SurveyAnswer) -> dict[str, Any]:
    return {
        "id": answer.pk,
        "survey": answer.survey_id,
        "kind": answer.kind,
        "customer": answer.customer_id,
        "contact": answer.contact_id,
        "ticket": answer.ticket_id,
        "rating": answer.rating,
        "score": round(answer.score, 4),
        "unhappy": answer.is_unhappy,
        "complaint": answer.complaint_id,
        "answered_at": answer.answered_at.isoformat(),
    }


# --- the fast-track complaint -----------------------------------------------------------------


def _complaint_text(answer: SurveyAnswer) -> tuple[str, str]:
    """Subject and first message, in the team's language (the site's)."""
    _low, high = rules.SCALES[answer.kind]
    survey = answer.survey
    with override(settings.LANGUAGE_CODE):
        values = {"rating": answer.rating, "top": high, "customer": survey.customer.name}
        if answer.kind == SurveyKind.CSAT and survey.ticket is not None:
            values["number"] = survey.ticket.pk
            subject = _("Unhappy with ticket #%(number)s: rated %(rating)s of %(top)s") % values
        elif answer.kind == SurveyKind.NPS:
            subject = (
                _("Would not recommend us: %(customer)s answered %(rating)s of %(top)s") % values
            )
        else:
            subject = _("Left unhappy: %(customer)s rated us %(rating)s of %(top)s") % values
        body = answer.comment or _(
            "The customer gave this rating in a survey and left no comment yet."
        )
    return subject, body


def open_complaint(answer: SurveyAnswer) -> Ticket:
    """Open a fast-track complaint for an unhappy answer: a ticket of kind complaint, high
    priority, on the survey's ticket's team, with the customer's comment as its first
    message; the account owner and the managers are told at once."""
    from shomer.conversations.services import do_create_ticket

    survey = answer.survey
    subject, body = _complaint_text(answer)
    team = survey.ticket.team if survey.ticket is not None else None
    channel = Channel.PORTAL if answer.channel == AnswerChannel.PORTAL else Channel.WEB
    complaint = do_create_ticket(
        subject=subject,
        body_text=body,
        channel=channel,
        kind=Kind.COMPLAINT,
        priority=Priority.HIGH,
        customer=survey.customer,
        contact=survey.contact,
        team=team,
        tags=["survey", answer.kind],
        idempotency_key=f"survey-answer:{survey.pk}",
    )
    audit.record("survey.complaint", survey, complaint=complaint.pk, rating=answer.rating)
    people = {survey.customer.owner} if survey.customer.owner else set()
    people |= set(User.objects.filter(role__in=[Role.MANAGER, Role.ADMIN], is_active=True))
    for person in people:
        with override(person.language):
            do_notify(
                person,
                kind="survey.unhappy",
                title=_("Unhappy survey answer from %(customer)s: a complaint was opened")
                % {"customer": survey.customer.name},
                url=reverse("ticket", args=[complaint.pk]),
            )
    return complaint


# --- the portal -------------------------------------------------------------------------------


def portal_surveys(contact: Contact, now: dt.datetime) -> QuerySet[Survey]:
    """Surveys `contact` can answer in the portal: theirs, sent, not expired, unanswered."""
    return (
        Survey.objects.filter(
            contact=contact, status=SendStatus.SENT, expires_at__gt=now, answer__isnull=True
        )
        .select_related("ticket", "customer")
        .order_by("-sent_at", "-id")
    )


def access_portal_survey(contact: Contact, survey_id: int) -> Survey:
    """A survey of `contact` (answered or not); 404 otherwise."""
    from django.http import Http404

    try:
        return Survey.objects.select_related("ticket", "customer", "contact").get(
            pk=survey_id, contact=contact, status=SendStatus.SENT
        )
    except (Survey.DoesNotExist, ValueError, OverflowError):
        raise Http404 from None
