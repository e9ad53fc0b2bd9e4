"""Customers and contacts: loading for staff and the audited changes."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import Http404

from shomer.core import audit
from shomer.customers.models import Contact, Customer
from shomer.people.models import User


def access_customer(user: User, customer_id: int) -> Customer:
    """Every staff member may see every customer (treatment is personal)."""
    if not user.is_authenticated or not user.is_active:
        raise Http404
    try:
        return Customer.objects.select_related("owner").get(pk=customer_id)
    except (Customer.DoesNotExist, ValueError, OverflowError):
        raise Http404 from None


@transaction.atomic
def do_create_customer(*, acting_user: User | None, **fields: Any) -> Customer:
    customer = Customer.objects.create(**fields)
    audit.record("customer.created", customer, actor=acting_user)
    return customer


def _save_changes(instance: Customer | Contact, fields: dict[str, Any]) -> list[str]:
    changed = sorted(k for k, v in fields.items() if getattr(instance, k) != v)
    for key in changed:
        setattr(instance, key, fields[key])
    if changed:
        instance.save(update_fields=changed)
    return changed


@transaction.atomic
def do_update_customer(customer: Customer, *, acting_user: User | None, **fields: Any) -> Customer:
    if changed := _save_changes(customer, fields):
        audit.record("customer.updated", customer, actor=acting_user, fields=changed)
    return customer


@transaction.atomic
def do_create_contact(*, acting_user: User | None, **fields: Any) -> Contact:
    contact = Contact.objects.create(**fields)
    audit.record("contact.created", contact, actor=acting_user, customer=contact.customer_id)
    return contact


@transaction.atomic
def do_update_contact(contact: Contact, *, acting_user: User | None, **fields: Any) -> Contact:
    if changed := _save_changes(contact, fields):
        audit.record("contact.updated", contact, actor=acting_user, fields=changed)
    return contact
