"""Customer health and fit: the scores kept per customer, their history, the settings
managers change, playbooks, other costs and offboarding."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shomer.core.models import ManagerEdited
from shomer.customers.models import Customer


class CustomerType(models.TextChoices):
    CHRONIC = "chronic", _("Chronically dissatisfied")
    KNOW_IT_ALL = "know_it_all", _("Know-it-all")
    BOUNDARY_LESS = "boundary_less", _("Boundary-less")
    HOSTILE = "hostile", _("Hostile")
    LOYAL = "loyal", _("Loyal")
    SILENT = "silent", _("Silent")
    NEW = "new", _("New")
    REGULAR = "regular", _("Regular")


class FitVerdict(models.TextChoices):
    GOOD = "good", _("Good fit")
    REVIEW = "review", _("To review")
    BOUNDARY_LESS = "boundary_less", _("Pleasant but boundary-less")
    HOSTILE = "hostile", _("Hostile")


class ChurnSource(models.TextChoices):
    MODEL = "model", _("Churn model")
    RULES = "rules", _("Health score (rules)")


class HealthSettings(ManagerEdited):
    """The business's weights and cost rates (one row). Empty values use the defaults in
    shomer.health.scoring and shomer.health.fit."""

    weights = models.JSONField(_("component weights"), default=dict, blank=True)
    cost_rates = models.JSONField(_("hourly cost by role"), default=dict, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="ILS")

    class Meta:
        verbose_name = _("health settings")
        verbose_name_plural = _("health settings")

    def __str__(self) -> str:
        return str(_("Health settings"))


class CustomerScore(models.Model):
    """A customer's current health, churn risk, fit, type and money, one row per customer,
    so that the customer list sorts and filters by them with one indexed join. `details`
    holds the reasons as codes with parameters; the pages translate them."""

    customer = models.OneToOneField(
        Customer,
        verbose_name=_("customer"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="score",
    )
    health = models.PositiveSmallIntegerField(_("health"), null=True, blank=True)
    health_trend = models.SmallIntegerField(_("health trend"), null=True, blank=True)
    churn_risk = models.FloatField(_("churn risk"), null=True, blank=True)
    churn_source = models.CharField(
        _("churn risk from"), max_length=8, choices=ChurnSource.choices, blank=True
    )
    p_alive = models.FloatField(_("probability still a customer"), null=True, blank=True)
    fit = models.PositiveSmallIntegerField(_("fit"), null=True, blank=True)
    fit_verdict = models.CharField(
        _("fit verdict"), max_length=16, choices=FitVerdict.choices, blank=True
    )
    customer_type = models.CharField(
        _("customer type"), max_length=16, choices=CustomerType.choices, blank=True
    )
    revenue = models.DecimalField(
        _("revenue (12 months)"), max_digits=14, decimal_places=2, default=Decimal("0")
    )
    cost = models.DecimalField(
        _("cost to serve (12 months)"), max_digits=14, decimal_places=2, default=Decimal("0")
    )
    profit = models.DecimalField(
        _("profit (12 months)"), max_digits=14, decimal_places=2, default=Decimal("0")
    )
    revenue_at_risk = models.DecimalField(
        _("revenue at risk"), max_digits=14, decimal_places=2, default=Decimal("0")
    )
    sweet_spot_distance = models.FloatField(_("distance from the sweet spot"), null=True)
    details = models.JSONField(_("reasons"), default=dict, blank=True)
    is_dirty = models.BooleanField(_("to recompute"), default=True)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("customer score")
        verbose_name_plural = _("customer scores")
        # The customer list sorts by these four (a page of 30 from an index); the at-risk
        # and fit lists filter a few thousand rows and sort them, no index needed. Every
        # index costs the nightly rewrite of every row.
        indexes = [
            models.Index(fields=["health"], name="score_health"),
            models.Index(fields=["churn_risk"], name="score_churn_risk"),
            models.Index(fields=["fit"], name="score_fit"),
            models.Index(fields=["profit"], name="score_profit"),
            models.Index(fields=["is_dirty"], condition=Q(is_dirty=True), name="score_dirty"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.health}"


class HealthSnapshot(models.Model):
    """One day of a customer's scores: the trend and the history chart."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="snapshots"
    )
    on = models.DateField(_("date"))
    health = models.PositiveSmallIntegerField(_("health"), null=True)
    churn_risk = models.FloatField(_("churn risk"), null=True)
    fit = models.PositiveSmallIntegerField(_("fit"), null=True)
    profit = models.DecimalField(_("profit"), max_digits=14, decimal_places=2, null=True)

    class Meta:
        verbose_name = _("health snapshot")
        verbose_name_plural = _("health snapshots")
        ordering = ["customer", "on"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "on"], name="snapshot_customer_day")
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.on}: {self.health}"


class ModelState(models.Model):
    """A fitted model kept between runs: the BG/NBD parameters (on invoices, on contacts)
    and the churn model with its evaluation, as plain JSON."""

    key = models.CharField(_("key"), max_length=32, unique=True)
    data = models.JSONField(_("data"), default=dict)
    fitted_at = models.DateTimeField(_("fitted at"), default=timezone.now)

    class Meta:
        verbose_name = _("fitted model")
        verbose_name_plural = _("fitted models")

    def __str__(self) -> str:
        return self.key


class Playbook(ManagerEdited):
    """What works with a customer type, what to avoid, and which choices to offer, in both
    languages; shown on the ticket page. Seeded from shomer.health.playbooks."""

    customer_type = models.CharField(
        _("customer type"), max_length=16, choices=CustomerType.choices, unique=True
    )
    works_he = models.TextField(_("what works (Hebrew)"))
    avoid_he = models.TextField(_("what to avoid (Hebrew)"))
    choices_he = models.TextField(_("choices to offer (Hebrew)"))
    works_en = models.TextField(_("what works (English)"))
    avoid_en = models.TextField(_("what to avoid (English)"))
    choices_en = models.TextField(_("choices to offer (English)"))

    class Meta:
        verbose_name = _("playbook")
        verbose_name_plural = _("playbooks")
        ordering = ["customer_type"]

    def __str__(self) -> str:
        return self.get_customer_type_display()


class CustomerCost(models.Model):
    """A cost of serving a customer other than staff time (licences, travel, refunds); a
    negative amount is a credit."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="costs"
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    incurred_on = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("other cost")
        verbose_name_plural = _("other costs")
        ordering = ["-incurred_on", "-id"]
        indexes = [models.Index(fields=["customer", "incurred_on"], name="cost_customer_day")]

    def __str__(self) -> str:
        return f"{self.amount} {self.incurred_on}"


class Offboarding(models.Model):
    """Parting ways with a customer: the letter sent, the referral given, who decided and
    why. The customer's history stays; only their status changes to "left"."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="offboardings"
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    letter = models.TextField(_("letter"))
    referral = models.TextField(_("referral"), blank=True)
    reason = models.TextField(_("reason"))
    fit_verdict = models.CharField(_("fit verdict"), max_length=16, blank=True)
    evidence = models.JSONField(_("evidence"), default=list, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), default=timezone.now)

    class Meta:
        verbose_name = _("offboarding")
        verbose_name_plural = _("offboardings")
        ordering = ["-closed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.closed_at:%Y-%m-%d}"
