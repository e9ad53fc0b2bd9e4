"""Customer pages for staff."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Count, F, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from shomer.conversations.models import OPEN_STATUSES
from shomer.core.pagination import CappedCountPaginator as Paginator
from shomer.customers.models import Customer, Tier
from shomer.customers.services import access_customer
from shomer.health.models import CustomerType

PAGE_SIZE = 30


# Sorting by the scores kept in shomer.health's CustomerScore (one indexed join); customers
# not scored yet come last.
SORTS = {
    "name": (F("name").asc(), "id"),
    "health": (F("score__health").asc(nulls_last=True), "name", "id"),
    "churn_risk": (F("score__churn_risk").desc(nulls_last=True), "name", "id"),
    "fit": (F("score__fit").asc(nulls_last=True), "name", "id"),
    "profit": (F("score__profit").desc(nulls_last=True), "name", "id"),
    "-profit": (F("score__profit").asc(nulls_last=True), "name", "id"),
}


class CustomerFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    tier = forms.ChoiceField(
        label=_("Tier"), choices=[("", _("Any tier")), *Tier.choices], required=False
    )
    customer_type = forms.ChoiceField(
        label=_("Type"), choices=[("", _("Any type")), *CustomerType.choices], required=False
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("name", _("Name")),
            ("health", _("Health, lowest first")),
            ("churn_risk", _("Churn risk, highest first")),
            ("fit", _("Fit, lowest first")),
            ("profit", _("Profit, highest first")),
            ("-profit", _("Profit, lowest first")),
        ],
    )


@login_required
def customer_list(request: HttpRequest) -> HttpResponse:
    form = CustomerFilterForm(request.GET)
    customers = Customer.objects.select_related("owner", "score").order_by("name", "id")
    if form.is_valid():
        if query := form.cleaned_data["q"].strip():
            customers = customers.filter(
                Q(name__icontains=query) | Q(contacts__email__icontains=query)
            ).distinct()
        if tier := form.cleaned_data["tier"]:
            customers = customers.filter(tier=tier)
        if customer_type := form.cleaned_data["customer_type"]:
            customers = customers.filter(score__customer_type=customer_type)
        customers = customers.order_by(*SORTS[form.cleaned_data["sort"] or "name"])
    customers = customers.annotate(
        open_tickets=Count("tickets", filter=Q(tickets__status__in=OPEN_STATUSES))
    )
    page = Paginator(customers, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "customers/_customer_list.html" if request.htmx else "customers/list.html"
    return render(request, template, {"form": form, "page": page})


@login_required
def customer_page(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = access_customer(request.user, customer_id)
    tickets = customer.tickets.filter(merged_into__isnull=True).select_related("assignee")
    context = {
        "customer": customer,
        "contacts": customer.contacts.all(),
        "contracts": customer.contracts.all(),
        "tickets": tickets.order_by("-created_at")[:50],
        "open_count": tickets.filter(status__in=OPEN_STATUSES).count(),
        "ticket_count": tickets.count(),
    }
    return render(request, "customers/customer.html", context)
