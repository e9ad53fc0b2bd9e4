"""Every role against every page and endpoint: who may see what (ARCHITECTURE §6).

Dana's ticket belongs to the support team: dana, michal (support's lead), yossi (manager) and
the admin may open it; eli (projects) must get 404 everywhere, as must anyone logged out
(redirected to the login page, or 401 from the API).
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from shomer.people.models import Role
from tests.conftest import logged_in, make_user

ALLOWED, FORBIDDEN, HIDDEN, LOGIN, UNAUTHORISED = 200, 403, 404, 302, 401


@pytest.fixture
def admin(db):
    return make_user("admin", role=Role.ADMIN, is_staff=True, is_superuser=True)


def pages(ticket, customer):
    return [
        ("/inbox/", {"dana": ALLOWED, "eli": ALLOWED, "michal": ALLOWED, "yossi": ALLOWED}),
        (
            f"/tickets/{ticket.pk}/",
            {"dana": ALLOWED, "eli": HIDDEN, "michal": ALLOWED, "yossi": ALLOWED},
        ),
        ("/customers/", {"dana": ALLOWED, "eli": ALLOWED, "michal": ALLOWED, "yossi": ALLOWED}),
        (
            f"/customers/{customer.pk}/",
            {"dana": ALLOWED, "eli": ALLOWED, "michal": ALLOWED, "yossi": ALLOWED},
        ),
        ("/notifications/", {"dana": ALLOWED, "eli": ALLOWED, "michal": ALLOWED, "yossi": ALLOWED}),
        ("/incidents/", {"dana": ALLOWED, "eli": ALLOWED, "michal": ALLOWED, "yossi": ALLOWED}),
        ("/quarantine/", {"dana": HIDDEN, "eli": HIDDEN, "michal": HIDDEN, "yossi": ALLOWED}),
        ("/commitments/", {"dana": ALLOWED, "eli": ALLOWED, "michal": ALLOWED, "yossi": ALLOWED}),
        (
            "/commitments/report/",
            {"dana": ALLOWED, "eli": ALLOWED, "michal": ALLOWED, "yossi": ALLOWED},
        ),
        (
            f"/customers/{customer.pk}/promises/",
            {"dana": ALLOWED, "eli": ALLOWED, "michal": ALLOWED, "yossi": ALLOWED},
        ),
        (
            "/commitments/settings/",
            {"dana": FORBIDDEN, "eli": FORBIDDEN, "michal": FORBIDDEN, "yossi": ALLOWED},
        ),
        ("/feedback/", {"dana": ALLOWED, "eli": ALLOWED, "michal": ALLOWED, "yossi": ALLOWED}),
        (
            "/outreach/calendar/",
            {"dana": ALLOWED, "eli": ALLOWED, "michal": ALLOWED, "yossi": ALLOWED},
        ),
        (
            "/outreach/collections/",
            {"dana": ALLOWED, "eli": ALLOWED, "michal": ALLOWED, "yossi": ALLOWED},
        ),
        (
            "/outreach/templates/",
            {"dana": FORBIDDEN, "eli": FORBIDDEN, "michal": FORBIDDEN, "yossi": ALLOWED},
        ),
        (
            "/outreach/settings/",
            {"dana": FORBIDDEN, "eli": FORBIDDEN, "michal": FORBIDDEN, "yossi": ALLOWED},
        ),
    ]


def test_pages_by_role(dana, eli, michal, yossi, admin, dana_ticket, clinic):
    people = {"dana": dana, "eli": eli, "michal": michal, "yossi": yossi, "admin": admin}
    for url, expected in pages(dana_ticket, clinic):
        for name, status in {**expected, "admin": expected["yossi"]}.items():
            response = logged_in(people[name]).get(url)
            assert response.status_code == status, (url, name, response.status_code)
        anonymous = APIClient().get(url)
        assert anonymous.status_code == LOGIN, url
        assert anonymous["Location"].startswith("/login/")


def test_api_by_role(dana, eli, michal, yossi, dana_ticket, clinic, noa):
    endpoints = {
        "/api/tickets/": (ALLOWED, ALLOWED),
        f"/api/tickets/{dana_ticket.pk}/": (ALLOWED, HIDDEN),
        "/api/customers/": (ALLOWED, ALLOWED),
        f"/api/customers/{clinic.pk}/": (ALLOWED, ALLOWED),
        "/api/contacts/": (ALLOWED, ALLOWED),
        f"/api/contacts/{noa.pk}/": (ALLOWED, ALLOWED),
        "/api/messages/": (ALLOWED, ALLOWED),
        "/api/commitments/": (ALLOWED, ALLOWED),
        "/api/surveys/": (ALLOWED, ALLOWED),
        "/api/survey-answers/": (ALLOWED, ALLOWED),
    }
    for url, (for_support, for_eli) in endpoints.items():
        for user, status in (
            (dana, for_support),
            (michal, for_support),
            (yossi, for_support),
            (eli, for_eli),
        ):
            client = APIClient()
            client.force_authenticate(user)
            assert client.get(url).status_code == status, (url, user.username)
        assert APIClient().get(url).status_code == UNAUTHORISED, url


def test_admin_site_is_for_staff_flagged_users_only(dana, yossi):
    assert logged_in(dana).get("/admin/").status_code == LOGIN
    assert logged_in(yossi).get("/admin/").status_code == ALLOWED
