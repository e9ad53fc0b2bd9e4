"""Customers (organisations or private persons), their contacts and contracts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Tier(models.TextChoices):
    BASIC = "basic", _("Basic")
    STANDARD = "standard", _("Standard")
    PREMIUM = "premium", _("Premium")
    VIP = "vip", _("VIP")


class CustomerKind(models.TextChoices):
    ORGANISATION = "organisation", _("Organisation")
    PERSON = "person", _("Private person")


class CustomerStatus(models.TextChoices):
    LEAD = "lead", _("Lead")
    ACTIVE = "active", _("Active")
    LEFT = "left", _("Left")


class Customer(models.Model):
    """A customer of the business: an organisation with contacts, or one person."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=16, choices=CustomerKind.choices, default=CustomerKind.ORGANISATION
    )
    status = models.CharField(
        _("status"), max_length=16, choices=CustomerStatus.choices, default=CustomerStatus.ACTIVE
    )
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices, default=Tier.STANDARD)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_customers",
    )
    language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="he"
    )
    email_domain = models.CharField(
        _("e-mail domain"),
        max_length=200,
        blank=True,
        db_index=True,
        help_text=_("Mail from this domain is matched to this customer."),
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    customer_since = models.DateField(_("customer since"), null=True, blank=True)
    # When the customer stopped being one (status "left"): the churn model learns from it.
    left_on = models.DateField(_("left on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name"]
        indexes = [models.Index(Lower("name"), name="customer_name_lower")]

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    """A person who writes in on behalf of a customer."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"), blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="he"
    )
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_primary", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.strip() else ""


class Contract(models.Model):
    """What the customer pays for, and what is in (and out of) the service scope."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="contracts"
    )
    title = models.CharField(_("title"), max_length=200)
    service_scope = models.TextField(
        _("service scope"), help_text=_("What the business has agreed to do for this customer.")
    )
    out_of_scope = models.TextField(_("out of scope"), blank=True)
    monthly_revenue = models.DecimalField(
        _("monthly revenue"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    currency = models.CharField(_("currency"), max_length=3, default="ILS")
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return self.title


class InvoiceStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PAID = "paid", _("Paid")
    VOID = "void", _("Cancelled")


class Invoice(models.Model):
    """A purchase or invoice of a customer: their transactions for the buy-till-you-die
    models, revenue for cost-to-serve, and due and paid dates for late payments and
    collections. Recorded by the API or imported from CSV (`shomer import invoices`)."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="invoices"
    )
    number = models.CharField(_("number"), max_length=64)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="ILS")
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("due on"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=InvoiceStatus.choices, default=InvoiceStatus.OPEN
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "number"], name="invoice_customer_number"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="invoice_amount_gte_0"),
            models.CheckConstraint(
                condition=models.Q(paid_on__isnull=True) | ~models.Q(status="open"),
                name="invoice_open_is_unpaid",
            ),
            models.CheckConstraint(
                condition=models.Q(paid_on__isnull=False) | ~models.Q(status="paid"),
                name="invoice_paid_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "issued_on"], name="invoice_customer_issued"),
            models.Index(fields=["status", "due_on"], name="invoice_status_due"),
        ]

    def __str__(self) -> str:
        return self.number

    def is_overdue(self, today: date) -> bool:
        return self.status == InvoiceStatus.OPEN and self.due_on is not None and self.due_on < today
