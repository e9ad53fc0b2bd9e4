"""Finding who is calling: contacts and customers by phone number, whatever its format."""

from __future__ import annotations

from django.db.models import Q

from shomer.channels.phone.numbers import last_digits, normalize_phone
from shomer.customers.models import Contact, Customer

# Candidates read per look-up before exact comparison (a last-four-digits filter finds few).
MAX_CANDIDATES = 200


def find_contact(e164: str) -> Contact | None:
    """The contact whose phone is this number (the primary one first), if any.

    Stored numbers are free text ("050-123 4567", "+972 50 1234567"): the database filters
    on the last four digits, then each candidate is normalised and compared exactly.
    """
    if not e164:
        return None
    candidates = (
        Contact.objects.filter(phone__contains=last_digits(e164))
        .select_related("customer")
        .order_by("-is_primary", "pk")[:MAX_CANDIDATES]
    )
    return next((c for c in candidates if normalize_phone(c.phone) == e164), None)


def find_customer(e164: str) -> Customer | None:
    """The customer whose main phone is this number, if any."""
    if not e164:
        return None
    candidates = Customer.objects.filter(Q(phone__contains=last_digits(e164))).order_by("pk")[
        :MAX_CANDIDATES
    ]
    return next((c for c in candidates if normalize_phone(c.phone) == e164), None)
