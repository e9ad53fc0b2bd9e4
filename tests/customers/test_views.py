from __future__ import annotations

from django.urls import reverse

from shomer.customers.models import Customer
from tests.conftest import logged_in


def test_customer_list_searches_names_and_contact_emails(dana, noa, clinic):
    Customer.objects.create(name="Harbor Lane Bakery")
    client = logged_in(dana)

    by_name = client.get(reverse("customers"), {"q": "חיוך"})
    by_email = client.get(reverse("customers"), {"q": "noa@smile"})

    assert [c.pk for c in by_name.context["page"].object_list] == [clinic.pk]
    assert [c.pk for c in by_email.context["page"].object_list] == [clinic.pk]


def test_customer_page_shows_contacts_and_tickets(dana, dana_ticket, clinic):
    response = logged_in(dana).get(reverse("customer", args=[clinic.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "נועה לוי" in html
    assert dana_ticket.subject in html


def test_unknown_customer_is_404(dana):
    assert logged_in(dana).get(reverse("customer", args=[123456])).status_code == 404
