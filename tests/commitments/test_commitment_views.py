"""The promise pages: the ticket card (one click to track, manual entry, keep, cancel),
my promises, the late notice, a customer's ledger, the report, the settings, and who may
see and do what."""

from __future__ import annotations

import pytest

from shomer.commitments import services
from shomer.commitments.models import Commitment, CommitmentSource, CommitmentState, OfferState
from shomer.commitments.scan import run_scan
from shomer.conversations.models import Direction, Status
from shomer.conversations.services import do_reply, do_update_ticket
from tests.commitments.conftest import at, promise
from tests.conftest import logged_in, make_ticket

HTMX = {"HTTP_HX_REQUEST": "true"}


def offer_post(offer_id: int, **fields: str) -> dict[str, str]:
    prefix = f"offer-{offer_id}"
    return {f"{prefix}-{name}": value for name, value in fields.items()}


@pytest.fixture
def replied(clock, dana_ticket, dana):
    do_reply(
        dana_ticket,
        body_text="נועה שלום, אבדוק מול הספק ואחזור אלייך מחר עד 12:00.",
        author=dana,
    )
    return dana_ticket.detected_promises.get()


def test_the_ticket_page_offers_the_promise_with_its_due_filled_in(replied, dana, dana_ticket):
    page = logged_in(dana).get(f"/tickets/{dana_ticket.pk}/").content.decode()
    assert 'data-testid="promise-offers"' in page
    assert f'name="offer-{replied.pk}-due_at" value="2026-11-20T12:00"' in page
    assert "אחזור אלייך מחר עד 12:00." in page


def test_one_click_tracks_the_offer_and_returns_the_card(replied, dana, dana_ticket):
    response = logged_in(dana).post(
        f"/commitments/offers/{replied.pk}/track/",
        offer_post(
            replied.pk,
            kind="follow_up",
            text=replied.text,
            owner=str(dana.pk),
            due_at="2026-11-20T12:00",
        ),
        **HTMX,
    )
    assert response.status_code == 200
    assert response.templates[0].name == "commitments/_ticket_card.html"
    commitment = Commitment.objects.get()
    assert (commitment.source, commitment.due_at, commitment.owner) == (
        CommitmentSource.DETECTED,
        at(2026, 11, 20, 12),
        dana,
    )
    body = response.content.decode()
    assert 'data-testid="open-commitments"' in body
    assert 'data-testid="promise-offers"' not in body


def test_a_fixed_date_is_read_in_the_team_calendar_zone(replied, dana):
    logged_in(dana).post(
        f"/commitments/offers/{replied.pk}/track/",
        offer_post(replied.pk, kind="callback", text="אתקשר", owner="", due_at="2026-11-23T10:30"),
        **HTMX,
    )
    commitment = Commitment.objects.get()
    assert (commitment.kind, commitment.due_at, commitment.owner) == (
        "callback",
        at(2026, 11, 23, 10, 30),
        dana,  # nobody chosen: the ticket's assignee
    )


def test_a_past_time_is_refused_on_the_card_and_nothing_is_made(replied, dana):
    dana.language = "en"
    dana.save()
    client = logged_in(dana)
    response = client.post(
        f"/commitments/offers/{replied.pk}/track/",
        offer_post(replied.pk, kind="follow_up", text="x", owner="", due_at="2026-11-19T10:00"),
        **HTMX,
    )
    assert response.status_code == 200  # htmx swaps only 2xx answers
    assert "This time has already passed. Choose a time in the future." in response.content.decode()
    assert Commitment.objects.count() == 0
    replied.refresh_from_db()
    assert replied.state == OfferState.OFFERED
    plain = client.post(
        f"/commitments/offers/{replied.pk}/track/",
        offer_post(replied.pk, kind="follow_up", text="x", owner="", due_at="2026-11-19T10:00"),
    )
    assert plain.status_code == 422


def test_dismissing_an_offer_removes_it(replied, dana, dana_ticket):
    response = logged_in(dana).post(f"/commitments/offers/{replied.pk}/dismiss/", **HTMX)
    assert response.status_code == 200
    replied.refresh_from_db()
    assert replied.state == OfferState.DISMISSED
    assert Commitment.objects.count() == 0


def test_a_promise_entered_by_hand_outside_hours_moves_with_a_visible_note(
    clock, dana, dana_ticket
):
    dana.language = "en"
    dana.save()
    response = logged_in(dana).post(
        f"/tickets/{dana_ticket.pk}/commitments/",
        {
            "new-kind": "refund",
            "new-text": "Refund of the double charge",
            "new-owner": str(dana.pk),
            "new-due_at": "2026-11-21T10:00",
        },
        **HTMX,
    )
    commitment = Commitment.objects.get()
    assert (commitment.source, commitment.kind) == (CommitmentSource.MANUAL, "refund")
    assert (commitment.due_at, commitment.requested_due_at) == (
        at(2026, 11, 22, 9),
        at(2026, 11, 21, 10),
    )
    assert (
        "Asked for Sat 21.11 10:00, outside working hours: due at the next opening, Sun 22.11 09:00."
        in response.content.decode()
    )


def test_a_closed_ticket_takes_no_promise(clock, dana, dana_ticket):
    do_update_ticket(dana_ticket, acting_user=dana, status=Status.CLOSED)
    response = logged_in(dana).post(
        f"/tickets/{dana_ticket.pk}/commitments/",
        {"new-kind": "other", "new-text": "x", "new-owner": "", "new-due_at": "2026-11-22T10:00"},
    )
    assert response.status_code == 422
    assert Commitment.objects.count() == 0


def test_keep_and_cancel_from_the_card(clock, dana, dana_ticket):
    kept = promise(dana_ticket, at(2026, 11, 22, 12), kind="other")
    cancelled = promise(dana_ticket, at(2026, 11, 22, 12))
    client = logged_in(dana)
    assert client.post(f"/commitments/{kept.pk}/keep/", **HTMX).status_code == 200
    assert client.post(f"/commitments/{cancelled.pk}/cancel/", {"reason": " "}).status_code == 302
    assert (
        client.post(f"/commitments/{cancelled.pk}/cancel/", {"reason": "נרשם פעמיים"}).status_code
        == 302
    )
    states = dict(Commitment.objects.values_list("pk", "state"))
    assert states == {kept.pk: CommitmentState.KEPT, cancelled.pk: CommitmentState.CANCELLED}
    again = client.post(f"/commitments/{kept.pk}/keep/", **HTMX)
    assert again.status_code == 200
    assert 'data-testid="card-error"' in again.content.decode()


def test_my_promises_are_cut_into_overdue_today_and_this_week(
    clock, dana, dana_ticket, noa, support
):
    clock.set(at(2026, 11, 22, 9, 30))  # Sunday morning
    today = promise(dana_ticket, at(2026, 11, 22, 16))
    week = promise(dana_ticket, at(2026, 11, 25, 12))
    later = promise(dana_ticket, at(2026, 12, 10, 12))
    broken = promise(dana_ticket, at(2026, 11, 22, 10))
    run_scan(at(2026, 11, 22, 10, 1))
    clock.set(at(2026, 11, 22, 10, 2))
    promises = logged_in(dana).get("/commitments/").context["promises"]
    assert (promises.overdue, promises.broken) == ([], [broken])
    assert (promises.today, promises.week, promises.later) == ([today], [week], [later])


def test_the_late_notice_page_offers_the_template_and_sends_a_reply(clock, dana, dana_ticket):
    commitment = promise(dana_ticket, at(2026, 11, 22, 12))
    client = logged_in(dana)
    page = client.get(f"/commitments/{commitment.pk}/late/")
    assert page.status_code == 200
    assert "2026-11-23T12:00" in page.content.decode()  # a day later, suggested
    response = client.post(
        f"/commitments/{commitment.pk}/late/",
        {"due_at": "2026-11-23T12:00", "body": "נועה, זה ייקח עוד יום: עד יום שני ב־12:00."},
    )
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert (commitment.due_at, commitment.original_due_at) == (
        at(2026, 11, 23, 12),
        at(2026, 11, 22, 12),
    )
    reply = dana_ticket.messages.filter(direction=Direction.OUTBOUND).get()
    assert reply.body_text == "נועה, זה ייקח עוד יום: עד יום שני ב־12:00."


def test_the_customer_page_shows_the_ledger_card(clock, dana, dana_ticket):
    kept = promise(dana_ticket, at(2026, 11, 22, 12), kind="other")
    services.do_keep(kept, acting_user=dana)
    page = logged_in(dana).get(f"/customers/{dana_ticket.customer_id}/promises/")
    assert page.status_code == 200
    assert page.context["tally"].kept_on_time == 1


def test_the_settings_are_for_managers(clock, dana, yossi):
    assert logged_in(dana).get("/commitments/settings/").status_code == 403
    client = logged_in(yossi)
    assert client.get("/commitments/settings/").status_code == 200
    assert client.post("/commitments/settings/", {"auto_track_detected": "on"}).status_code == 302
    assert services.commitment_settings().auto_track_detected is True


@pytest.mark.parametrize(
    ("person", "page", "keep", "cancel"),
    [
        ("dana", 200, 302, 302),
        ("michal", 200, 302, 302),
        ("yossi", 200, 302, 302),
        ("eli", 404, 404, 404),
    ],
)
def test_who_may_see_keep_and_cancel_danas_promise(
    clock, request, dana_ticket, michal, yossi, eli, person, page, keep, cancel
):
    commitment = promise(dana_ticket, at(2026, 11, 22, 12))
    other = promise(dana_ticket, at(2026, 11, 22, 12))
    client = logged_in(request.getfixturevalue(person))
    assert client.get(f"/commitments/{commitment.pk}/").status_code == page
    assert client.post(f"/commitments/{commitment.pk}/keep/").status_code == keep
    assert (
        client.post(f"/commitments/{other.pk}/cancel/", {"reason": "בדיקה"}).status_code == cancel
    )
    expected = {
        commitment.pk: CommitmentState.KEPT if keep == 302 else CommitmentState.OPEN,
        other.pk: CommitmentState.CANCELLED if cancel == 302 else CommitmentState.OPEN,
    }
    assert dict(Commitment.objects.values_list("pk", "state")) == expected


def test_a_colleague_may_keep_but_not_cancel_someone_elses_promise(
    clock, dana_ticket, support, dana
):
    from tests.conftest import make_user

    ron = make_user("ron", team=support, first_name="רון")
    commitment = promise(dana_ticket, at(2026, 11, 22, 12))
    client = logged_in(ron)
    assert (
        client.post(f"/commitments/{commitment.pk}/cancel/", {"reason": "לא רלוונטי"}).status_code
        == 403
    )
    commitment.refresh_from_db()
    assert commitment.state == CommitmentState.OPEN
    assert client.post(f"/commitments/{commitment.pk}/keep/").status_code == 302
    commitment.refresh_from_db()
    assert commitment.state == CommitmentState.KEPT


def test_eli_cannot_track_an_offer_on_danas_ticket(replied, eli):
    response = logged_in(eli).post(
        f"/commitments/offers/{replied.pk}/track/",
        offer_post(replied.pk, kind="follow_up", text="x", owner="", due_at="2026-11-20T12:00"),
    )
    assert response.status_code == 404
    assert Commitment.objects.count() == 0


def test_an_agent_sees_only_their_own_ratio_and_a_lead_their_team(clock, dana, michal, yossi, eli):
    def agents(user):
        return [
            row.agent.username
            for row in logged_in(user).get("/commitments/report/").context["rows"]
        ]

    assert agents(dana) == ["dana"]
    assert sorted(agents(michal)) == ["dana", "michal"]
    assert sorted(agents(yossi)) == ["dana", "eli", "michal", "yossi"]


def test_the_ticket_page_keeps_its_query_count_with_more_promises(clock, dana, dana_ticket):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = logged_in(dana)
    promise(dana_ticket, at(2026, 11, 22, 12))
    client.get(f"/tickets/{dana_ticket.pk}/")
    with CaptureQueriesContext(connection) as one:
        client.get(f"/tickets/{dana_ticket.pk}/")
    for _ in range(5):
        promise(dana_ticket, at(2026, 11, 22, 12))
    with CaptureQueriesContext(connection) as six:
        client.get(f"/tickets/{dana_ticket.pk}/")
    assert len(six) == len(one)


def test_a_ticket_with_a_promise_shows_it_to_another_team_nowhere(
    clock, dana_ticket, eli, noa, projects
):
    promise(dana_ticket, at(2026, 11, 22, 12))
    elis = make_ticket(contact=noa, team=projects, assignee=eli)
    assert logged_in(eli).get(f"/tickets/{elis.pk}/").status_code == 200
    assert logged_in(eli).get("/commitments/").context["promises"].week == []


def test_the_customer_page_has_the_ledger_card(clock, dana, dana_ticket):
    kept = promise(dana_ticket, at(2026, 11, 22, 12), kind="other")
    services.do_keep(kept, acting_user=dana)
    promise(dana_ticket, at(2026, 11, 20, 12))
    run_scan(at(2026, 11, 20, 13))
    page = logged_in(dana).get(f"/customers/{dana_ticket.customer_id}/").content.decode()
    assert 'data-testid="customer-commitments"' in page
    assert '<strong data-testid="ledger-kept">1</strong>' in page
    assert '<strong data-testid="ledger-broken">1</strong>' in page
    assert '<bdi data-testid="ledger-ratio">50%</bdi>' in page
