"""Complaint pages through HTTP: who sees which page, each step through its form, a rule
that stops a step shown with its reason, the themes page and the exposure report."""

from __future__ import annotations

import pytest
from django.test import Client

from shomer.complaints import services, theming
from shomer.complaints.models import Complaint, Step
from shomer.conversations.models import Direction, Kind, Message
from shomer.people.models import Role
from tests.complaints.conftest import fresh, investigated
from tests.conftest import logged_in, make_ticket, make_user

ALLOWED, HIDDEN, FORBIDDEN = 200, 404, 403


@pytest.fixture
def admin(db):
    return make_user("admin", role=Role.ADMIN, is_staff=True, is_superuser=True)


def test_pages_by_role(dana, michal, yossi, eli, admin, complaint):
    people = {"dana": dana, "michal": michal, "yossi": yossi, "eli": eli, "admin": admin}
    pages = {
        "/complaints/": dict(
            dana=ALLOWED, michal=ALLOWED, yossi=ALLOWED, eli=ALLOWED, admin=ALLOWED
        ),
        "/complaints/mine/": dict(
            dana=ALLOWED, michal=ALLOWED, yossi=ALLOWED, eli=ALLOWED, admin=ALLOWED
        ),
        "/complaints/themes/": dict(
            dana=ALLOWED, michal=ALLOWED, yossi=ALLOWED, eli=ALLOWED, admin=ALLOWED
        ),
        "/complaints/exposure/": dict(
            dana=ALLOWED, michal=ALLOWED, yossi=ALLOWED, eli=ALLOWED, admin=ALLOWED
        ),
        f"/complaints/{complaint.pk}/": dict(
            dana=ALLOWED, michal=ALLOWED, yossi=ALLOWED, eli=HIDDEN, admin=ALLOWED
        ),
        f"/tickets/{complaint.ticket_id}/protect/": dict(
            dana=FORBIDDEN, michal=FORBIDDEN, yossi=ALLOWED, eli=HIDDEN, admin=ALLOWED
        ),
    }
    for url, expected in pages.items():
        for name, status in expected.items():
            response = logged_in(people[name]).get(url)
            assert response.status_code == status, (url, name, response.status_code)
        anonymous = Client().get(url)
        assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/"), url


def test_the_list_shows_each_role_its_own(dana, michal, eli, complaint):
    def rows(user):
        return (
            logged_in(user)
            .get("/complaints/")
            .content.decode()
            .count('data-testid="complaint-row"')
        )

    assert (rows(dana), rows(michal), rows(eli)) == (1, 1, 0)


def test_the_list_query_count_does_not_grow_with_the_page(
    django_assert_max_num_queries, yossi, noa, support, dana
):
    for index in range(12):
        ticket = make_ticket(
            contact=noa, team=support, assignee=dana, kind=Kind.COMPLAINT, subject=f"תלונה {index}"
        )
        services.do_name_employee(Complaint.objects.get(ticket=ticket), dana, acting_user=yossi)
    client = logged_in(yossi)
    client.get("/complaints/")  # warm up the session and caches
    with django_assert_max_num_queries(12):
        response = client.get("/complaints/")
    assert response.content.decode().count('data-testid="complaint-row"') == 12


def test_a_complaint_walks_through_its_steps_by_its_forms(dana, michal, yossi, complaint):
    page = f"/complaints/{complaint.pk}/"
    handler, manager, employee = logged_in(michal), logged_in(yossi), logged_in(dana)

    assert handler.post(f"{page}acknowledge/", {"body": "שמענו אותך, נועה."}).status_code == 302
    assert handler.post(f"{page}name/", {"employee": dana.pk}).status_code == 302
    assert employee.post(f"{page}answer/", {"text": "הלקוחה צודקת בחלקה."}).status_code == 302
    assert handler.post(f"{page}investigate/", {"findings": "חיוב כפול בסליקה."}).status_code == 302
    assert (
        manager.post(f"{page}review/", {"verdict": "partly", "notes": "דנה פעלה נכון."}).status_code
        == 302
    )
    response = handler.post(
        f"{page}resolve/", {"resolution": "זיכינו.", "next": f"/tickets/{complaint.ticket_id}/"}
    )
    assert (
        response.status_code == 302 and response["Location"] == f"/tickets/{complaint.ticket_id}/"
    )
    assert handler.post(f"{page}follow-up/", {"satisfied": "yes", "notes": ""}).status_code == 302

    complaint = fresh(complaint)
    assert (complaint.step, complaint.verdict, complaint.is_customer_satisfied) == (
        Step.FOLLOWED_UP,
        "partly",
        True,
    )
    html = handler.get(page).content.decode()
    assert html.count('data-state="done"') == 5
    assert "הלקוחה צודקת בחלקה." in html


def test_a_step_refused_by_a_rule_shows_why(michal, dana, complaint):
    investigated(complaint, michal)
    services.do_name_employee(complaint, dana, acting_user=michal)

    response = logged_in(michal).post(
        f"/complaints/{complaint.pk}/resolve/", {"resolution": "טופל.", "verdict": "justified"}
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert "דנה כרמי עדיין לא שותף/ה בדיון" in html
    assert fresh(complaint).step == Step.INVESTIGATED


def test_the_named_employee_is_refused_the_handlers_steps_with_403(dana, michal, complaint):
    services.do_name_employee(complaint, dana, acting_user=michal)

    response = logged_in(dana).post(
        f"/complaints/{complaint.pk}/acknowledge/", {"body": "שמענו אותך."}
    )

    assert response.status_code == 403
    assert "התלונה הזו היא עליך" in response.content.decode()
    assert not Message.objects.filter(direction=Direction.OUTBOUND).exists()


def test_an_invalid_form_is_shown_again(michal, complaint):
    response = logged_in(michal).post(f"/complaints/{complaint.pk}/acknowledge/", {"body": ""})

    assert response.status_code == 422
    assert fresh(complaint).acknowledged_at is None


def test_my_complaints_lists_those_that_name_me(dana, michal, yossi, eli, projects, noa):
    elsewhere = make_ticket(contact=noa, team=projects, assignee=eli, kind=Kind.COMPLAINT)
    complaint = Complaint.objects.get(ticket=elsewhere)
    services.do_name_employee(complaint, dana, acting_user=yossi)

    html = logged_in(dana).get("/complaints/mine/").content.decode()

    assert html.count('data-testid="complaint-row"') == 1
    assert f'href="/complaints/{complaint.pk}/"' in html
    page = logged_in(dana).get(f"/complaints/{complaint.pk}/").content.decode()
    assert 'data-testid="answer-form"' in page
    assert 'data-testid="ticket-link"' not in page  # she cannot open that team's ticket


def test_the_themes_page_groups_and_counts(yossi, dana, noa, support):
    for subject, body in [
        ("חיוב כפול", "חויבתי פעמיים בחשבונית"),
        ("טעות בחשבונית", "החיוב בחשבונית שגוי"),
        ("שוב חיוב כפול", "חיוב כפול בחשבונית החודש"),
        ("האתר נפל", "האתר למטה והשרת לא עונה"),
        ("השרת קרס", "השרת קרס והאתר לא זמין"),
        ("האתר לא זמין", "האתר נפל, השרת למטה"),
    ]:
        make_ticket(
            contact=noa,
            team=support,
            assignee=dana,
            kind=Kind.COMPLAINT,
            subject=subject,
            body=body,
        )

    response = logged_in(yossi).post("/complaints/themes/recompute/")
    assert response.status_code == 302
    html = logged_in(yossi).get("/complaints/themes/").content.decode()

    assert html.count('data-testid="theme-row"') == 2
    assert html.count('data-testid="theme-count">3<') == 2
    assert 'id="themes-figure"' in html
    assert logged_in(dana).post("/complaints/themes/recompute/").status_code == 403
    # Dana sees the themes of her own complaints: all six are on her tickets.
    assert (
        logged_in(dana).get("/complaints/themes/").content.decode().count('data-testid="theme-row"')
        == 2
    )
    assert theming.theme_rows(dana)["rows"][0]["total"] == 3


def test_the_exposure_page_shows_each_role_its_rows(dana, michal, yossi, eli):
    def people(user):
        html = logged_in(user).get("/complaints/exposure/?days=90").content.decode()
        return sorted(part.split('"')[0] for part in html.split('data-user="')[1:])

    assert people(dana) == ["dana"]
    assert people(michal) == ["dana", "michal"]
    assert people(yossi) == ["dana", "eli", "michal", "yossi"]
    assert logged_in(yossi).get("/complaints/exposure/?days=abc").status_code == 200


def test_the_ticket_card_shows_the_steps_and_the_next_form(michal, complaint):
    html = logged_in(michal).get(f"/tickets/{complaint.ticket_id}/").content.decode()

    assert 'data-testid="ticket-complaint"' in html
    assert 'data-testid="acknowledge-form"' in html
    assert "שמענו אותך" in html  # the template, prefilled
