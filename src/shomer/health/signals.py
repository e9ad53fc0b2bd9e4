"""Reading each customer's signals from the apps where they happen, as of a moment.

One small function per source, each answering for many customers at once with a few
aggregate queries (GROUP BY customer), and each returning None when its source does not
exist in this installation yet (an app not built, a table not there): the component it
feeds then says so in the reasons and contributes nothing. Every query is bounded by
`as_of`, so that the churn model can read the past exactly as it was then.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import (
    Count,
    Exists,
    FloatField,
    Func,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncDate

from shomer.conversations.models import OPEN_STATUSES, Direction, Kind, Priority, Ticket
from shomer.core.models import AuditEvent
from shomer.customers.models import Contract, Invoice, InvoiceStatus
from shomer.health.models import CustomerCost
from shomer.health.scoring import FAST_HOURS, GRACE_DAYS, SLOW_HOURS

logger = logging.getLogger(__name__)
T = TypeVar("T")

# Windows, in days before as_of (docs/health.md).
RECENT_DAYS = 90  # waits, SLA
HISTORY_DAYS = 180  # promises, complaints, handoffs, fit
YEAR_DAYS = 365  # money, payments, types
SENTIMENT_RECENT_DAYS = 30
SENTIMENT_BEFORE_DAYS = 120
# Working hours for "after-hours demands": the Israeli week, Sunday-Thursday 08:00-20:00,
# Friday until 14:00, Saturday closed (ISO weekday: Monday 1 ... Sunday 7).
WORKDAY_START, WORKDAY_END, FRIDAY_END = 8, 20, 14
FRIDAY, SATURDAY = 5, 6
NEGATIVE_SENTIMENT = -0.3
URGENT_THRESHOLD = 0.5


def zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


@dataclass(slots=True)
class TicketCounts:
    tickets_recent: int = 0
    answered: int = 0
    answered_fast: int = 0
    answered_day: int = 0
    answered_slow: int = 0
    unanswered_over_day: int = 0
    open_complaints: int = 0
    complaints: int = 0
    complaint_tickets_year: int = 0
    tickets_history: int = 0
    tickets_year: int = 0
    after_hours: int = 0
    urgent: int = 0
    with_assignee: int = 0
    last_contact: dt.datetime | None = None


@dataclass(slots=True)
class AnalysisCounts:
    messages: int = 0
    abusive: int = 0
    urgent: int = 0
    knows_better: int = 0
    always_on: int = 0
    out_of_scope: int = 0
    negative_year: int = 0
    messages_year: int = 0
    sentiment_recent: float | None = None
    messages_recent: int = 0
    sentiment_before: float | None = None


@dataclass(slots=True)
class InvoiceCounts:
    revenue: Decimal = Decimal("0")
    other_currency: int = 0
    due: int = 0
    late: int = 0
    overdue: int = 0
    future: int = 0
    last_purchase: dt.date | None = None


@dataclass
class Collected:
    """Everything read for a set of customers as of one moment. A None source did not
    answer (not installed, or no table yet)."""

    as_of: dt.datetime
    tickets: dict[int, TicketCounts] = field(default_factory=dict)
    handoffs: dict[int, int] | None = None
    sla: dict[int, tuple[int, int]] | None = None  # (met, breached)
    promises: dict[int, tuple[int, int]] | None = None  # (kept, broken)
    analysis: dict[int, AnalysisCounts] | None = None
    incidents: dict[int, list[tuple[int, str]]] | None = None
    surveys: dict[int, tuple[float, int]] | None = None  # (mean in [0, 1], answers)
    invoices: dict[int, InvoiceCounts] = field(default_factory=dict)
    minutes_by_role: dict[int, dict[str, int]] = field(default_factory=dict)
    other_costs: dict[int, Decimal] = field(default_factory=dict)
    contract_revenue: dict[int, Decimal] = field(default_factory=dict)

    @cached_property
    def today(self) -> dt.date:
        return self.as_of.astimezone(zone()).date()

    @cached_property
    def sources(self) -> frozenset[str]:
        """The sources that answered, and the purchase models (always there)."""
        present = {"conversations", "invoices", "btyd"}
        for name in ("sla", "promises", "analysis", "incidents", "surveys", "handoffs"):
            if getattr(self, name) is not None:
                present.add({"promises": "commitments", "surveys": "feedback"}.get(name, name))
        return frozenset(present)


def _ago(as_of: dt.datetime, days: float) -> dt.datetime:
    return as_of - dt.timedelta(days=days)


def _limit(queryset: QuerySet[Any], field_name: str, ids: Sequence[int] | None) -> QuerySet[Any]:
    return queryset if ids is None else queryset.filter(**{f"{field_name}__in": ids})


def _guarded(source: str, read: Callable[[], T]) -> T | None:
    """A source that is missing (no app, no table) answers None instead of failing."""
    try:
        with transaction.atomic():  # a savepoint: a failed query must not spoil the rest
            return read()
    except (LookupError, ImportError, DatabaseError) as error:
        logger.info("health: source %s has no data (%s)", source, error)
        return None


def _model(app_label: str, name: str) -> Any:
    if not apps.is_installed(f"shomer.{app_label}"):
        raise LookupError(f"app {app_label} is not installed")
    return apps.get_model(app_label, name)


# --- conversations ------------------------------------------------------------------------


def _after_hours() -> Q:
    return (
        Q(local_hour__lt=WORKDAY_START)
        | Q(local_hour__gte=WORKDAY_END)
        | Q(local_weekday=SATURDAY)
        | Q(local_weekday=FRIDAY, local_hour__gte=FRIDAY_END)
    )


class HoursBetween(Func):
    """Hours from one datetime column to another, with each database's own arithmetic
    (SQLite's julianday, PostgreSQL's epoch): Django's generic datetime-plus-interval runs
    a Python function per row on SQLite."""

    output_field = FloatField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        end, start = self.source_expressions
        sql_end, params_end = compiler.compile(end)
        sql_start, params_start = compiler.compile(start)
        return f"((julianday({sql_end}) - julianday({sql_start})) * 24.0)", [
            *params_end,
            *params_start,
        ]

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        end, start = self.source_expressions
        sql_end, params_end = compiler.compile(end)
        sql_start, params_start = compiler.compile(start)
        return f"(EXTRACT(EPOCH FROM ({sql_end} - {sql_start})) / 3600.0)", [
            *params_end,
            *params_start,
        ]


class DaysBetween(Func):
    """Days from one date column to another (julianday on SQLite, date subtraction on
    PostgreSQL), for the same reason as HoursBetween."""

    output_field = FloatField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        end, start = (compiler.compile(e) for e in self.source_expressions)
        return f"(julianday({end[0]}) - julianday({start[0]}))", [*end[1], *start[1]]

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        end, start = (compiler.compile(e) for e in self.source_expressions)
        return f"(({end[0]}) - ({start[0]}))", [*end[1], *start[1]]


def read_tickets(as_of: dt.datetime, ids: Sequence[int] | None) -> dict[int, TicketCounts]:
    recent, history, year = (_ago(as_of, d) for d in (RECENT_DAYS, HISTORY_DAYS, YEAR_DAYS))
    day_before = _ago(as_of, 1)
    tickets = _limit(
        Ticket.objects.filter(
            customer__isnull=False, merged_into__isnull=True, created_at__lt=as_of
        ),
        "customer_id",
        ids,
    )
    in_recent = Q(created_at__gte=recent)
    answered = Q(first_response_at__isnull=False, first_response_at__lt=as_of)
    still_open = Q(status__in=OPEN_STATUSES) | Q(solved_at__gt=as_of)
    complaint = Q(kind=Kind.COMPLAINT)
    rows = (
        tickets.filter(created_at__gte=year)
        .annotate(wait_hours=HoursBetween("first_response_at", "created_at"))
        .values("customer_id")
        .annotate(
            tickets_recent=Count("id", filter=in_recent),
            answered=Count("id", filter=in_recent & answered),
            answered_fast=Count("id", filter=in_recent & answered & Q(wait_hours__lte=FAST_HOURS)),
            answered_day=Count("id", filter=in_recent & answered & Q(wait_hours__lte=24)),
            answered_slow=Count("id", filter=in_recent & answered & Q(wait_hours__lte=SLOW_HOURS)),
            unanswered_over_day=Count(
                "id",
                filter=Q(created_at__lt=day_before)
                & still_open
                & (Q(first_response_at__isnull=True) | Q(first_response_at__gte=as_of)),
            ),
            open_complaints=Count("id", filter=complaint & still_open),
            complaints=Count("id", filter=complaint & Q(created_at__gte=history)),
            complaint_tickets_year=Count("id", filter=complaint),
            tickets_history=Count("id", filter=Q(created_at__gte=history)),
            tickets_year=Count("id"),
            urgent=Count(
                "id",
                filter=Q(created_at__gte=history)
                & Q(priority__in=(Priority.URGENT, Priority.HIGH)),
            ),
            with_assignee=Count(
                "id", filter=Q(created_at__gte=history) & Q(assignee__isnull=False)
            ),
            last_contact=Max("created_at"),
        )
    )
    found: dict[int, TicketCounts] = {}
    for row in rows:
        customer = row.pop("customer_id")
        found[customer] = TicketCounts(**row)
    # Local hour and weekday are computed per row (a function call per ticket on SQLite):
    # only over the history window they are needed for.
    after_hours = (
        tickets.filter(created_at__gte=history)
        .annotate(
            local_hour=ExtractHour("created_at", tzinfo=zone()),
            local_weekday=ExtractIsoWeekDay("created_at", tzinfo=zone()),
        )
        .filter(_after_hours())
        .values("customer_id")
        .annotate(count=Count("id"))
        .values_list("customer_id", "count")
    )
    for customer, count in after_hours:
        if customer in found:
            found[customer].after_hours = count
    # Open complaints and the last contact older than a year still count.
    older = tickets.filter(created_at__lt=year)
    for row in (
        older.values("customer_id")
        .annotate(
            open_complaints=Count("id", filter=complaint & still_open),
            last_contact=Max("created_at"),
        )
        .filter(Q(open_complaints__gt=0) | Q(last_contact__isnull=False))
    ):
        counts = found.setdefault(row["customer_id"], TicketCounts())
        counts.open_complaints += row["open_complaints"]
        if counts.last_contact is None:
            counts.last_contact = row["last_contact"]
    return found


def read_handoffs(as_of: dt.datetime, ids: Sequence[int] | None) -> dict[int, int]:
    """Reassignments from one agent to another ("the product has no father"), from the
    audit log, on the customer's tickets of the history window."""
    history = _ago(as_of, HISTORY_DAYS)
    events = AuditEvent.objects.filter(
        action="ticket.assigned", at__gte=history, at__lt=as_of, data__old__isnull=False
    ).values_list("object_id", flat=True)
    per_ticket: dict[int, int] = defaultdict(int)
    for object_id in events:
        if object_id.isdigit():
            per_ticket[int(object_id)] += 1
    if not per_ticket:
        return {}
    owners = _limit(
        Ticket.objects.filter(pk__in=list(per_ticket), customer__isnull=False),
        "customer_id",
        ids,
    ).values_list("pk", "customer_id")
    found: dict[int, int] = defaultdict(int)
    for ticket_id, customer_id in owners:
        found[customer_id] += per_ticket[ticket_id]
    return dict(found)


# --- the other apps, each optional -------------------------------------------------------


def read_sla(as_of: dt.datetime, ids: Sequence[int] | None) -> dict[int, tuple[int, int]]:
    SlaTimer = _model("sla", "SlaTimer")
    recent = _ago(as_of, RECENT_DAYS)
    rows = (
        _limit(SlaTimer.objects.all(), "ticket__customer_id", ids)
        .filter(ticket__customer__isnull=False)
        .filter(
            Q(state="met", completed_at__gte=recent, completed_at__lt=as_of)
            | Q(breached_at__gte=recent, breached_at__lt=as_of)
        )
        .values("ticket__customer_id")
        .annotate(
            met=Count("id", filter=Q(state="met")),
            breached=Count("id", filter=Q(breached_at__isnull=False)),
        )
    )
    return {row["ticket__customer_id"]: (row["met"], row["breached"]) for row in rows}


def read_promises(as_of: dt.datetime, ids: Sequence[int] | None) -> dict[int, tuple[int, int]]:
    Commitment = _model("commitments", "Commitment")
    history = _ago(as_of, HISTORY_DAYS)
    rows = (
        _limit(Commitment.objects.filter(customer__isnull=False), "customer_id", ids)
        .filter(
            Q(state="kept", kept_at__gte=history, kept_at__lt=as_of)
            | Q(state="broken", broken_at__gte=history, broken_at__lt=as_of)
        )
        .values("customer_id")
        .annotate(
            kept=Count("id", filter=Q(state="kept")), broken=Count("id", filter=Q(state="broken"))
        )
    )
    return {row["customer_id"]: (row["kept"], row["broken"]) for row in rows}


def read_analysis(as_of: dt.datetime, ids: Sequence[int] | None) -> dict[int, AnalysisCounts]:
    MessageAnalysis = _model("analysis", "MessageAnalysis")
    history, year = _ago(as_of, HISTORY_DAYS), _ago(as_of, YEAR_DAYS)
    recent = _ago(as_of, SENTIMENT_RECENT_DAYS)
    before = _ago(as_of, SENTIMENT_BEFORE_DAYS)
    in_history = Q(message__created_at__gte=history)
    analyses = _limit(
        MessageAnalysis.objects.filter(
            message__direction=Direction.INBOUND,
            message__created_at__gte=year,
            message__created_at__lt=as_of,
            message__ticket__customer__isnull=False,
        ),
        "message__ticket__customer_id",
        ids,
    )
    rows = analyses.values("message__ticket__customer_id").annotate(
        messages=Count("pk", filter=in_history),
        abusive=Count("pk", filter=in_history & (Q(is_abusive=True) | Q(is_shielded=True))),
        urgent=Count("pk", filter=in_history & Q(urgency__gte=URGENT_THRESHOLD)),
        knows_better=Count("pk", filter=in_history & Q(knows_better=True)),
        always_on=Count("pk", filter=in_history & Q(always_on=True)),
        out_of_scope=Count("pk", filter=in_history & Q(out_of_scope=True)),
        negative_year=Count("pk", filter=Q(sentiment__lte=NEGATIVE_SENTIMENT)),
        messages_year=Count("pk"),
        sentiment_recent_sum=Sum("sentiment", filter=Q(message__created_at__gte=recent)),
        messages_recent=Count("pk", filter=Q(message__created_at__gte=recent)),
        sentiment_before_sum=Sum(
            "sentiment",
            filter=Q(message__created_at__gte=before, message__created_at__lt=recent),
        ),
        messages_before=Count(
            "pk", filter=Q(message__created_at__gte=before, message__created_at__lt=recent)
        ),
    )
    found = {}
    for row in rows:
        recent_count, before_count = row["messages_recent"], row["messages_before"]
        found[row["message__ticket__customer_id"]] = AnalysisCounts(
            messages=row["messages"],
            abusive=row["abusive"],
            urgent=row["urgent"],
            knows_better=row["knows_better"],
            always_on=row["always_on"],
            out_of_scope=row["out_of_scope"],
            negative_year=row["negative_year"],
            messages_year=row["messages_year"],
            sentiment_recent=row["sentiment_recent_sum"] / recent_count if recent_count else None,
            messages_recent=recent_count,
            sentiment_before=row["sentiment_before_sum"] / before_count if before_count else None,
        )
    return found


def read_incidents(
    as_of: dt.datetime, ids: Sequence[int] | None
) -> dict[int, list[tuple[int, str]]]:
    """Incidents against the team that staff did not dismiss, latest first (ticket, date)."""
    Incident = _model("protection", "Incident")
    rows = (
        _limit(Incident.objects.filter(customer__isnull=False), "customer_id", ids)
        .filter(is_dismissed=False, created_at__gte=_ago(as_of, YEAR_DAYS), created_at__lt=as_of)
        .order_by("-created_at", "-id")
        .values_list("customer_id", "ticket_id", "created_at")
    )
    found: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for customer_id, ticket_id, created_at in rows:
        found[customer_id].append((ticket_id, created_at.astimezone(zone()).date().isoformat()))
    return dict(found)


def read_surveys(as_of: dt.datetime, ids: Sequence[int] | None) -> dict[int, tuple[float, int]]:
    """CSAT and NPS answers (issue 9 builds them). Until the feedback app has a
    `SurveyAnswer` model with `customer`, `score` normalised to [0, 1] and `answered_at`,
    this raises LookupError and the component says "surveys are not set up"."""
    SurveyAnswer = _model("feedback", "SurveyAnswer")
    rows = (
        _limit(SurveyAnswer.objects.filter(customer__isnull=False), "customer_id", ids)
        .filter(answered_at__gte=_ago(as_of, YEAR_DAYS), answered_at__lt=as_of)
        .values("customer_id")
        .annotate(total=Sum("score"), answers=Count("pk"))
    )
    return {r["customer_id"]: (float(r["total"]) / r["answers"], r["answers"]) for r in rows}


# --- money: invoices, time, other costs, contracts ---------------------------------------


def read_invoices(
    as_of: dt.datetime, ids: Sequence[int] | None, currency: str
) -> dict[int, InvoiceCounts]:
    today = as_of.astimezone(zone()).date()
    year = today - dt.timedelta(days=YEAR_DAYS)
    invoices = _limit(Invoice.objects.exclude(status=InvoiceStatus.VOID), "customer_id", ids)
    issued = Q(issued_on__lte=today)
    # Paid as of `today`: a payment dated later was still open then.
    paid_by_then = Q(paid_on__isnull=False, paid_on__lte=today)
    rows = (
        invoices.annotate(days_late=DaysBetween("paid_on", "due_on"))
        .values("customer_id")
        .annotate(
            revenue=Sum("amount", filter=issued & Q(issued_on__gt=year, currency=currency)),
            other_currency=Count(
                "id", filter=issued & Q(issued_on__gt=year) & ~Q(currency=currency)
            ),
            due=Count("id", filter=issued & Q(due_on__gt=year, due_on__lt=today)),
            late=Count(
                "id",
                filter=issued
                & Q(due_on__gt=year, due_on__lt=today)
                & paid_by_then
                & Q(days_late__gt=GRACE_DAYS),
            ),
            overdue=Count(
                "id",
                filter=issued
                & Q(due_on__gt=year)
                & ~paid_by_then
                & Q(due_on__lt=today - dt.timedelta(days=GRACE_DAYS)),
            ),
            future=Count("id", filter=Q(issued_on__gt=today)),
            last_purchase=Max("issued_on", filter=issued),
        )
    )
    found = {}
    for row in rows:
        customer = row.pop("customer_id")
        row["revenue"] = row["revenue"] or Decimal("0")
        found[customer] = InvoiceCounts(**row)
    return found


def read_minutes(as_of: dt.datetime, ids: Sequence[int] | None) -> dict[int, dict[str, int]]:
    TimeEntry = apps.get_model("conversations", "TimeEntry")
    rows = (
        _limit(TimeEntry.objects.filter(ticket__customer__isnull=False), "ticket__customer_id", ids)
        .filter(worked_at__gte=_ago(as_of, YEAR_DAYS), worked_at__lt=as_of)
        .values("ticket__customer_id", "user__role")
        .annotate(minutes=Sum("minutes"))
    )
    found: dict[int, dict[str, int]] = defaultdict(dict)
    for row in rows:
        found[row["ticket__customer_id"]][row["user__role"]] = int(row["minutes"] or 0)
    return dict(found)


def read_other_costs(as_of: dt.datetime, ids: Sequence[int] | None) -> dict[int, Decimal]:
    today = as_of.astimezone(zone()).date()
    rows = (
        _limit(CustomerCost.objects.all(), "customer_id", ids)
        .filter(incurred_on__gt=today - dt.timedelta(days=YEAR_DAYS), incurred_on__lte=today)
        .values("customer_id")
        .annotate(total=Sum("amount"))
    )
    return {row["customer_id"]: row["total"] or Decimal("0") for row in rows}


def read_contract_revenue(as_of: dt.datetime, ids: Sequence[int] | None) -> dict[int, Decimal]:
    """Revenue from contracts over the year, for customers with no invoices: the monthly
    revenue times the months of the year the contract ran."""
    today = as_of.astimezone(zone()).date()
    year = today - dt.timedelta(days=YEAR_DAYS)
    rows = (
        _limit(Contract.objects.all(), "customer_id", ids)
        .filter(starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=year))
        .values_list("customer_id", "monthly_revenue", "starts_on", "ends_on")
    )
    found: dict[int, Decimal] = defaultdict(Decimal)
    for customer_id, monthly, starts_on, ends_on in rows:
        start = max(starts_on, year)
        end = min(ends_on or today, today)
        days = max((end - start).days, 0)
        found[customer_id] += monthly * Decimal(days) / Decimal("30.4375")
    return dict(found)


# --- transactions for the buy-till-you-die models ----------------------------------------


@dataclass(frozen=True)
class Purchases:
    """Per customer: purchase days, first and last day (day ordinals), up to `as_of`."""

    days: dict[int, tuple[int, int, int]]  # customer -> (distinct days, first, last)
    future: dict[int, int]


def read_invoice_days(as_of: dt.datetime, ids: Sequence[int] | None) -> Purchases:
    today = as_of.astimezone(zone()).date()
    invoices = _limit(Invoice.objects.exclude(status=InvoiceStatus.VOID), "customer_id", ids)
    rows = (
        invoices.filter(issued_on__lte=today)
        .values("customer_id")
        .annotate(
            days=Count("issued_on", distinct=True), first=Min("issued_on"), last=Max("issued_on")
        )
        .values_list("customer_id", "days", "first", "last")
    )
    future = (
        invoices.filter(issued_on__gt=today)
        .values("customer_id")
        .annotate(count=Count("id"))
        .values_list("customer_id", "count")
    )
    return Purchases(
        {c: (n, first.toordinal(), last.toordinal()) for c, n, first, last in rows},
        dict(future),
    )


def read_contact_days(as_of: dt.datetime, ids: Sequence[int] | None) -> Purchases:
    """Days the customer opened a ticket: the fallback transactions for customers who have
    no invoices (only those are read: the others' P(alive) comes from their purchases)."""
    today = as_of.astimezone(zone()).date()
    purchases = Invoice.objects.filter(
        customer_id=OuterRef("customer_id"), issued_on__lte=today
    ).exclude(status=InvoiceStatus.VOID)
    tickets = _limit(
        Ticket.objects.filter(
            customer__isnull=False, merged_into__isnull=True, created_at__lt=as_of
        ).filter(~Exists(purchases)),
        "customer_id",
        ids,
    )
    rows = (
        tickets.annotate(day=TruncDate("created_at", tzinfo=zone()))
        .values("customer_id")
        .annotate(days=Count("day", distinct=True), first=Min("day"), last=Max("day"))
        .values_list("customer_id", "days", "first", "last")
    )
    return Purchases(
        {c: (n, _day(first), _day(last)) for c, n, first, last in rows if first is not None}, {}
    )


def _day(value: dt.date | dt.datetime | str) -> int:
    if isinstance(value, str):  # SQLite may hand back the truncated date as text
        value = dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.toordinal()


# --- everything at once --------------------------------------------------------------------


def collect(as_of: dt.datetime, ids: Sequence[int] | None, *, currency: str) -> Collected:
    """Read every source for `ids` (None: every customer) as of `as_of`."""
    return Collected(
        as_of=as_of,
        tickets=read_tickets(as_of, ids),
        handoffs=_guarded("handoffs", lambda: read_handoffs(as_of, ids)),
        sla=_guarded("sla", lambda: read_sla(as_of, ids)),
        promises=_guarded("commitments", lambda: read_promises(as_of, ids)),
        analysis=_guarded("analysis", lambda: read_analysis(as_of, ids)),
        incidents=_guarded("protection", lambda: read_incidents(as_of, ids)),
        surveys=_guarded("feedback", lambda: read_surveys(as_of, ids)),
        invoices=read_invoices(as_of, ids, currency),
        minutes_by_role=read_minutes(as_of, ids),
        other_costs=read_other_costs(as_of, ids),
        contract_revenue=read_contract_revenue(as_of, ids),
    )


def chunks(values: Sequence[T], size: int) -> Iterable[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
