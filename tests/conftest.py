"""Named personas with Hebrew data, shared by the whole suite.

dana (agent, support), michal (team lead, support), yossi (manager), eli (agent of the
projects team, who must see nothing of support's tickets), noa (a customer's contact).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from shomer.conversations.models import Channel, Ticket
from shomer.conversations.services import do_create_ticket
from shomer.customers.models import Contact, Customer
from shomer.people.models import Role, Team, User

PASSWORD = "correct horse battery"


def make_user(
    username: str, role: str = Role.AGENT, team: Team | None = None, **extra: Any
) -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, role=role, language="he", **extra
    )
    if team is not None:
        user.teams.add(team)
    return user


@pytest.fixture
def support(db: None) -> Team:
    return Team.objects.create(name="תמיכה")


@pytest.fixture
def projects(db: None) -> Team:
    return Team.objects.create(name="פרויקטים")


@pytest.fixture
def dana(support: Team) -> User:
    return make_user("dana", team=support, first_name="דנה", last_name="כרמי")


@pytest.fixture
def michal(support: Team) -> User:
    user = make_user("michal", role=Role.TEAM_LEAD, team=support, first_name="מיכל")
    support.lead = user
    support.save()
    return user


@pytest.fixture
def yossi(db: None) -> User:
    return make_user("yossi", role=Role.MANAGER, first_name="יוסי", is_staff=True)


@pytest.fixture
def eli(projects: Team) -> User:
    return make_user("eli", team=projects, first_name="אלי")


@pytest.fixture
def clinic(db: None) -> Customer:
    return Customer.objects.create(name="מרפאת שיניים חיוך", email_domain="smile.example")


@pytest.fixture
def noa(clinic: Customer) -> Contact:
    return Contact.objects.create(
        customer=clinic, name="נועה לוי", email="noa@smile.example", is_primary=True
    )


def make_ticket(
    *,
    subject: str = "האתר לא עולה",
    body: str = "שלום, האתר שלנו לא נטען מהבוקר.",
    contact: Contact | None = None,
    team: Team | None = None,
    assignee: User | None = None,
    **extra: Any,
) -> Ticket:
    return do_create_ticket(
        subject=subject,
        body_text=body,
        contact=contact,
        team=team,
        assignee=assignee,
        channel=extra.pop("channel", Channel.EMAIL),
        **extra,
    )


@pytest.fixture
def dana_ticket(dana: User, support: Team, noa: Contact) -> Ticket:
    return make_ticket(contact=noa, team=support, assignee=dana)


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client
