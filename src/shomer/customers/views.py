"""Customer pages for staff."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from shomer.conversations.models import OPEN_STATUSES
from shomer.customers.models import Customer, Tier
from shomer.customers.services import access_customer

PAGE_SIZE = 30


class CustomerFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    tier = forms.ChoiceField(
        label=_("Tier"), choices=[("", _("Any tier")), *Tier.choices], required=False
    )


@login_required
def customer_list(request: HttpRequest) -> HttpResponse:
    form = CustomerFilterForm(request.GET)
    customers = Customer.objects.select_related("owner").order_by("name", "id")
    if form.is_valid():
        if query := form.cleaned_data["q"].strip():
            customers = customers.filter(
                Q(name__icontains=query) | Q(contacts__email__icontains=query)
            ).distinct()
        if tier := form.cleaned_data["tier"]:
            customers = customers.filter(tier=tier)
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
