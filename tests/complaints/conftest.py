"""Complaint fixtures: a complaint on Dana's ticket, and helpers to walk it through."""

from __future__ import annotations

import pytest

from shomer.complaints import services
from shomer.complaints.models import Complaint
from shomer.conversations.models import Kind, Ticket
from shomer.conversations.services import do_update_ticket
from shomer.people.models import User

COMPLAINT = "חויבתי פעמיים על אותו חודש בחשבונית. זו כבר הפעם השנייה שזה קורה."


@pytest.fixture
def complaint(dana_ticket: Ticket, michal: User) -> Complaint:
    do_update_ticket(dana_ticket, acting_user=michal, kind=Kind.COMPLAINT)
    return Complaint.objects.get(ticket=dana_ticket)


def acknowledged(complaint: Complaint, user: User) -> Complaint:
    services.do_acknowledge(complaint, body_text="שמענו אותך.", acting_user=user)
    return complaint


def investigated(complaint: Complaint, user: User) -> Complaint:
    acknowledged(complaint, user)
    services.do_finish_investigation(complaint, findings="נבדק.", acting_user=user)
    return complaint


def fresh(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_related("ticket").get(pk=complaint.pk)
