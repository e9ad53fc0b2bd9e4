"""The ticket page proposes "this is a complaint" when a customer message reads strongly
dissatisfied; one click makes it one, "not a complaint" hides it until a later message."""

from __future__ import annotations

from shomer.complaints import services
from shomer.complaints.models import Complaint, Origin
from shomer.conversations.models import Direction, Kind
from shomer.conversations.services import do_add_message
from tests.conftest import logged_in

FED_UP = "זו הפעם השלישית שאני פונה ואף אחד לא עונה. נמאס לי, אני רוצה לבטל את החוזה ולקבל החזר."
FED_UP_EN = "This is the third time I'm writing and nobody answers. I'm fed up: cancel my contract and refund me."
PLAIN = "שלום, האתר שלנו לא נטען מהבוקר."


def test_a_plain_fault_report_is_not_proposed(dana_ticket):
    assert services.proposal(dana_ticket) is None


def test_a_fed_up_customer_is_proposed_and_accepted_in_one_click(dana, noa, dana_ticket):
    message = do_add_message(
        dana_ticket, direction=Direction.INBOUND, body_text=FED_UP, contact=noa
    )

    proposed = services.proposal(dana_ticket)
    assert proposed is not None and proposed.message == message
    page = logged_in(dana).get(f"/tickets/{dana_ticket.pk}/")
    assert page.status_code == 200
    assert 'data-testid="complaint-proposal"' in page.content.decode()

    response = logged_in(dana).post(f"/tickets/{dana_ticket.pk}/complaint/", {"proposal": "1"})

    assert response.status_code == 302 and response["Location"] == f"/tickets/{dana_ticket.pk}/"
    complaint = Complaint.objects.get()
    assert (complaint.origin, complaint.opened_by) == (Origin.PROPOSED, dana)
    assert complaint.text.endswith(FED_UP)  # the message that made it a complaint
    dana_ticket.refresh_from_db()
    assert dana_ticket.kind == Kind.COMPLAINT
    assert services.proposal(dana_ticket) is None


def test_not_a_complaint_until_a_later_message_says_so(dana, noa, dana_ticket):
    do_add_message(dana_ticket, direction=Direction.INBOUND, body_text=FED_UP, contact=noa)

    response = logged_in(dana).post(f"/tickets/{dana_ticket.pk}/complaint/dismiss/")

    assert response.status_code == 302
    assert services.proposal(dana_ticket) is None
    do_add_message(dana_ticket, direction=Direction.INBOUND, body_text=PLAIN, contact=noa)
    assert services.proposal(dana_ticket) is None
    later = do_add_message(
        dana_ticket, direction=Direction.INBOUND, body_text=FED_UP_EN, contact=noa
    )
    assert services.proposal(dana_ticket).message == later
    assert not Complaint.objects.exists()


def test_an_agent_marks_a_complaint_by_hand(dana, dana_ticket):
    page = logged_in(dana).get(f"/tickets/{dana_ticket.pk}/")
    assert 'data-testid="mark-complaint"' in page.content.decode()

    logged_in(dana).post(f"/tickets/{dana_ticket.pk}/complaint/")

    assert Complaint.objects.get().origin == Origin.MARKED


def test_an_agent_of_another_team_cannot_open_a_complaint_on_the_ticket(eli, dana_ticket):
    response = logged_in(eli).post(f"/tickets/{dana_ticket.pk}/complaint/")

    assert response.status_code == 404
    assert not Complaint.objects.exists()
