"""Outreach services shared by touchpoints, collections and surveys: who may do what, the
cadences, the template library, contacts' preferences and the one-click unsubscribe.

Touchpoints are in `shomer.outreach.touchpoints`, payment reminders and instalment plans in
`shomer.outreach.collections`.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Any, Final

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from shomer.core import audit
from shomer.customers.models import Contact, Customer, CustomerStatus
from shomer.outreach import rules
from shomer.outreach.defaults import DEFAULT_TEMPLATES, SAMPLE_VARIABLES
from shomer.outreach.models import LoyaltySettings, MessageTemplate, Preference
from shomer.people.models import Role, User

ZONE: Final = zoneinfo.ZoneInfo("Asia/Jerusalem")
UNSUBSCRIBE_SALT: Final = "shomer.outreach.unsubscribe"
TOPIC_SURVEYS: Final = "surveys"
TOPIC_TOUCHPOINTS: Final = "touchpoints"
TOPICS: Final = (TOPIC_SURVEYS, TOPIC_TOUCHPOINTS)


# --- who may do what --------------------------------------------------------------------------


def is_manager(user: User) -> bool:
    """Templates, cadences and collection decisions are for managers (and admins)."""
    return user.is_authenticated and (
        user.role in {Role.MANAGER, Role.ADMIN} or bool(user.is_superuser)
    )


def check_manager(user: User) -> None:
    if not is_manager(user):
        raise PermissionDenied


# --- cadences ---------------------------------------------------------------------------------


def loyalty_settings() -> LoyaltySettings:
    found = LoyaltySettings.objects.order_by("pk").first()
    return found if found is not None else LoyaltySettings.objects.create()


SETTINGS_FIELDS: Final = (
    "csat_delay_minutes",
    "survey_fatigue_days",
    "nps_cadence_days",
    "checkin_every_months",
    "after_sale_days",
    "after_onboarding_days",
    "send_hour",
)


@transaction.atomic
def do_update_settings(
    config: LoyaltySettings, *, acting_user: User, **values: int
) -> LoyaltySettings:
    old = {name: getattr(config, name) for name in SETTINGS_FIELDS}
    for name in SETTINGS_FIELDS:
        if name in values:
            setattr(config, name, values[name])
    config.updated_at, config.updated_by = timezone.now(), acting_user
    config.save()
    new = {name: getattr(config, name) for name in SETTINGS_FIELDS}
    audit.record("outreach.settings", config, actor=acting_user, old=old, new=new)
    return config


# --- templates --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    subject: str
    body: str
    is_default: bool


Edits = dict[tuple[str, str], Text]


def template_edits() -> Edits:
    """Every manager's text at once (a batch reads them once, not per mail)."""
    return {
        (row.key, row.language): Text(row.subject, row.body, False)
        for row in MessageTemplate.objects.all()
    }


def template_text(key: str, language: str, edits: Edits | None = None) -> Text:
    """The manager's text for `key` in `language`, else the built-in one."""
    if edits is not None:
        found = edits.get((key, language))
    else:
        row = MessageTemplate.objects.filter(key=key, language=language).first()
        found = Text(row.subject, row.body, False) if row is not None else None
    if found is not None:
        return found
    subject, body = DEFAULT_TEMPLATES[key][language]
    return Text(subject, body, True)


def render_template(
    key: str, language: str, variables: dict[str, str], edits: Edits | None = None
) -> tuple[str, str]:
    """(subject, body) of `key` in `language`, filled with `variables`."""
    text = template_text(key, language, edits)
    return rules.render(text.subject, variables), rules.render(text.body, variables)


def preview(
    key: str, language: str, subject: str | None = None, body: str | None = None
) -> tuple[str, str]:
    """A template (or an edit of it) filled with the sample data of `language`."""
    text = template_text(key, language)
    variables = {**SAMPLE_VARIABLES[language], "business": settings.SHOMER_BUSINESS_NAME}
    return (
        rules.render(text.subject if subject is None else subject, variables),
        rules.render(text.body if body is None else body, variables),
    )


@transaction.atomic
def do_save_template(
    key: str, language: str, *, subject: str, body: str, acting_user: User
) -> MessageTemplate:
    """Save a manager's text. Precondition: checked by the form (known variables only)."""
    row, created = MessageTemplate.objects.get_or_create(
        key=key, language=language, defaults={"subject": subject, "body": body}
    )
    old = None if created else {"subject": row.subject, "body": row.body}
    row.subject, row.body = subject, body
    row.updated_at, row.updated_by = timezone.now(), acting_user
    row.save()
    audit.record("outreach.template", row, actor=acting_user, old=old, key=key, language=language)
    return row


@transaction.atomic
def do_reset_template(key: str, language: str, *, acting_user: User) -> None:
    """Back to the built-in text."""
    row = MessageTemplate.objects.filter(key=key, language=language).first()
    if row is not None:
        audit.record("outreach.template_reset", row, actor=acting_user, key=key, language=language)
        row.delete()


# --- people and words -------------------------------------------------------------------------


def recipient(customer: Customer) -> Contact | None:
    """Whom a customer-level mail goes to: the primary contact with an address, else the
    first contact with one, else the primary contact (who then gets nothing: no address)."""
    contacts = list(customer.contacts.all())
    with_address = [c for c in contacts if c.email]
    if with_address:
        return with_address[0]  # contacts are ordered primary first
    return contacts[0] if contacts else None


def owner_name(customer: Customer) -> str:
    owner = customer.owner
    if owner is None:
        return str(settings.SHOMER_BUSINESS_NAME)
    return owner.get_full_name() or owner.get_username()


def base_variables(customer: Customer, contact: Contact | None) -> dict[str, str]:
    return {
        "first_name": contact.first_name if contact else "",
        "customer": customer.name,
        "owner_name": owner_name(customer),
        "business": str(settings.SHOMER_BUSINESS_NAME),
    }


def local_date_text(day: dt.date, language: str) -> str:
    """15/10/2026 in Hebrew, 10/15/2026 in English (how each reads a date)."""
    return day.strftime("%d/%m/%Y") if language == "he" else day.strftime("%m/%d/%Y")


def worth_keeping(customers: Any) -> Any:
    """The active customers worth keeping: health's fit verdict "hostile" is left out (they
    are offered a respectful parting, not birthday cards). Without health scores, every
    active customer."""
    queryset = customers.filter(status=CustomerStatus.ACTIVE)
    try:
        from shomer.health.models import CustomerScore, FitVerdict
    except ImportError:  # pragma: no cover - health is installed in this product
        return queryset
    hostile = CustomerScore.objects.filter(fit_verdict=FitVerdict.HOSTILE).values("customer_id")
    return queryset.exclude(pk__in=hostile)


# --- preferences and unsubscribe --------------------------------------------------------------


def accepts(contact: Contact, topic: str) -> bool:
    """Whether `contact` agreed to mail of `topic` (no row: yes; see Preference)."""
    preference = Preference.objects.filter(contact=contact).first()
    return preference is None or bool(getattr(preference, topic))


def unsubscribe_token(contact: Contact, topic: str) -> str:
    return signing.dumps({"c": contact.pk, "t": topic}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(contact: Contact, topic: str) -> str:
    path = reverse("outreach-unsubscribe", args=[unsubscribe_token(contact, topic)])
    return f"{settings.SITE_URL.rstrip('/')}{path}"


class BadUnsubscribeLink(Exception):
    pass


def read_unsubscribe(token: str) -> tuple[Contact, str]:
    """The contact and topic of an unsubscribe link. These links do not expire: a way out
    must keep working for as long as the mail sits in someone's inbox."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        raise BadUnsubscribeLink from None
    if (
        not isinstance(data, dict)
        or data.get("t") not in TOPICS
        or not isinstance(data.get("c"), int)
    ):
        raise BadUnsubscribeLink
    contact = Contact.objects.filter(pk=data["c"]).select_related("customer").first()
    if contact is None:
        raise BadUnsubscribeLink
    return contact, str(data["t"])


@transaction.atomic
def do_set_preference(
    contact: Contact, topic: str, wanted: bool, *, source: str, acting_user: User | None = None
) -> Preference:
    """Turn mail of `topic` on or off for `contact`; audited. Idempotent."""
    preference, _created = Preference.objects.get_or_create(contact=contact)
    if getattr(preference, topic) != wanted:
        setattr(preference, topic, wanted)
        preference.updated_at, preference.source = timezone.now(), source
        preference.save()
        audit.record(
            "outreach.preference",
            contact,
            actor=acting_user,
            topic=topic,
            wanted=wanted,
            source=source,
        )
    return preference


def open_complaint_filter() -> Q:
    """Tickets that count as an open complaint of a customer (kind complaint, not solved)."""
    from shomer.conversations.models import OPEN_STATUSES, Kind

    return Q(kind=Kind.COMPLAINT, status__in=OPEN_STATUSES, merged_into__isnull=True)


def customers_with_open_complaints() -> set[int]:
    """Customers with a complaint still being handled: a complaint record not yet resolved
    (shomer.complaints), or an open ticket of kind complaint."""
    from shomer.complaints.models import OPEN_STEPS, Complaint
    from shomer.conversations.models import Ticket

    records = Complaint.objects.filter(step__in=OPEN_STEPS, customer__isnull=False)
    tickets = Ticket.objects.filter(open_complaint_filter(), customer__isnull=False)
    return set(records.values_list("customer_id", flat=True)) | set(
        tickets.values_list("customer_id", flat=True)
    )


def has_open_complaint(customer: Customer) -> bool:
    from shomer.complaints.models import OPEN_STEPS, Complaint

    return (
        Complaint.objects.filter(customer=customer, step__in=OPEN_STEPS).exists()
        or customer.tickets.filter(open_complaint_filter()).exists()
    )


def today(now: dt.datetime) -> dt.date:
    return now.astimezone(ZONE).date()
