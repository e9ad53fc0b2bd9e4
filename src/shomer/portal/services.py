"""The customer portal: magic sign-in links, the portal session, and what a contact may see.

Who sees what: a contact sees the tickets they wrote (ticket.contact); a primary contact
also sees every ticket of their customer (the person who speaks for the organisation).
Tickets merged into another are shown as that other ticket. Internal notes are never shown.

Sign-in: a link signed with Django's signing (salted, timestamped, expiring after
LINK_MAX_AGE) that names the contact, their address at the time, and a random nonce. Using
it stores the nonce in `UsedSignInLink` (unique), so it signs in once. The portal session
lives under its own keys in the session: it is not a staff login, and a staff login is not
a portal session.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse

from shomer.conversations.ingest import IngestResult, ingest
from shomer.conversations.models import Direction, Message, Ticket
from shomer.core import audit
from shomer.customers.models import Contact
from shomer.portal import adapters
from shomer.portal.models import UsedSignInLink

LINK_SALT: Final = "shomer.portal.sign-in"
LINK_MAX_AGE: Final = 30 * 60  # seconds a sign-in link works
SESSION_CONTACT: Final = "portal.contact"
SESSION_EMAIL: Final = "portal.email"

# Why a link cannot sign in (the page explains each).
LINK_INVALID: Final = "invalid"
LINK_EXPIRED: Final = "expired"
LINK_USED: Final = "used"


class LinkProblem(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class SignInLink:
    contact_id: int
    email: str
    nonce: str


# --- links ------------------------------------------------------------------------------------


def make_link_token(contact: Contact) -> str:
    return signing.dumps(
        {"c": contact.pk, "e": contact.email.lower(), "n": secrets.token_urlsafe(24)},
        salt=LINK_SALT,
    )


def sign_in_url(contact: Contact) -> str:
    """The absolute link for the e-mail. SITE_URL, never the request's Host header (a
    forged Host would send the victim's link to the forger's site)."""
    path = reverse("portal-link", args=[make_link_token(contact)])
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def read_link(token: str) -> tuple[SignInLink, Contact]:
    """The link's contact if it may still sign in; LinkProblem otherwise. Uses nothing up."""
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise LinkProblem(LINK_EXPIRED) from None
    except signing.BadSignature:
        raise LinkProblem(LINK_INVALID) from None
    if not isinstance(data, dict) or not all(isinstance(data.get(k), int | str) for k in "cen"):
        raise LinkProblem(LINK_INVALID)
    link = SignInLink(int(data["c"]), str(data["e"]), str(data["n"]))
    contact = Contact.objects.filter(pk=link.contact_id).select_related("customer").first()
    # The address changed since the link was sent: it was meant for someone else's box.
    if contact is None or not contact.email or contact.email.lower() != link.email:
        raise LinkProblem(LINK_INVALID)
    if UsedSignInLink.objects.filter(nonce=link.nonce).exists():
        raise LinkProblem(LINK_USED)
    return link, contact


def do_use_link(token: str) -> Contact:
    """Spend the link and return its contact; LinkProblem if it cannot sign in."""
    link, contact = read_link(token)
    try:
        with transaction.atomic():
            UsedSignInLink.objects.create(nonce=link.nonce, contact=contact)
    except IntegrityError:  # the same link used at the same moment elsewhere
        raise LinkProblem(LINK_USED) from None
    audit.record("portal.signed_in", contact)
    return contact


def contacts_for_address(email: str) -> list[Contact]:
    """The contacts a sign-in request for `email` reaches (usually one)."""
    return list(
        Contact.objects.filter(email__iexact=email.strip())
        .exclude(email="")
        .select_related("customer")
        .order_by("pk")
    )


# --- the portal session -----------------------------------------------------------------------


def sign_in(request: HttpRequest, contact: Contact) -> None:
    # A fresh session key on every sign-in: a planted session id is worth nothing.
    request.session.cycle_key()
    request.session[SESSION_CONTACT] = contact.pk
    request.session[SESSION_EMAIL] = contact.email.lower()


def sign_out(request: HttpRequest) -> None:
    request.session.pop(SESSION_CONTACT, None)
    request.session.pop(SESSION_EMAIL, None)
    request.session.cycle_key()


def portal_contact(request: HttpRequest) -> Contact | None:
    """The contact signed in to the portal in this session, if any (and still the owner of
    the address they signed in with)."""
    contact_id = request.session.get(SESSION_CONTACT)
    if not isinstance(contact_id, int):
        return None
    contact = Contact.objects.filter(pk=contact_id).select_related("customer").first()
    if contact is None or contact.email.lower() != request.session.get(SESSION_EMAIL):
        return None
    return contact


# --- what a contact may see -------------------------------------------------------------------


def portal_tickets(contact: Contact) -> QuerySet[Ticket]:
    """Tickets `contact` may see in the portal (see the module docstring)."""
    visible = Q(contact=contact)
    if contact.is_primary:
        visible |= Q(customer_id=contact.customer_id)
    return Ticket.objects.filter(visible, merged_into__isnull=True)


def access_portal_ticket(contact: Contact, ticket_id: int) -> Ticket:
    """The ticket if `contact` may see it; 404 otherwise (no hint that it exists)."""
    try:
        return portal_tickets(contact).select_related("assignee").get(pk=ticket_id)
    except (Ticket.DoesNotExist, ValueError, OverflowError):
        raise Http404 from None


def portal_messages(ticket: Ticket) -> QuerySet[Message]:
    """What the customer sees of a ticket: their messages and our replies, never notes."""
    return (
        ticket.messages.filter(direction__in=(Direction.INBOUND, Direction.OUTBOUND))
        .select_related("author", "contact")
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )


# --- writing ----------------------------------------------------------------------------------


def do_send(
    contact: Contact,
    *,
    ticket: Ticket | None,
    token: str,
    subject: str,
    message: str,
    attachments: Sequence[tuple[str, str, bytes]],
    language: str,
    now: dt.datetime,
) -> IngestResult:
    """A contact's new request (no `ticket`) or answer, through the one pipeline (channel
    "portal"). Precondition: `ticket` came from `access_portal_ticket(contact, ...)`.
    Idempotent on `token`."""
    raw = adapters.payload(
        form=adapters.REPLY if ticket else adapters.NEW,
        token=token,
        contact=contact,
        ticket_id=ticket.pk if ticket else None,
        language=language,
        submitted_at=now,
        subject=subject,
        message=message,
        attachments=attachments,
    )
    return ingest(adapters.read_portal_message(raw, source=f"portal:{contact.pk}"))
