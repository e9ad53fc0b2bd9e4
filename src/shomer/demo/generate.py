"""Demo data: staff, customers and conversations, deterministic for a seed.

Staff are created through the ORM with real (hashed) passwords; customers and tickets are
bulk-inserted in chunks so that a million tickets take minutes, not hours.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from shomer.conversations.models import (
    PRIORITY_RANK,
    Channel,
    Direction,
    Message,
    Priority,
    Status,
    Tag,
    Ticket,
    TimeEntry,
)
from shomer.customers.models import Contact, Contract, Customer, CustomerKind, Tier
from shomer.demo import content
from shomer.language.normalize import fold
from shomer.people.models import Team, User

ISRAEL = ZoneInfo("Asia/Jerusalem")
CHUNK = 2000
HISTORY_DAYS = 180
RECENT_DAYS = 14

# How often each persona appears among customers (the rest of their tickets are polite).
PERSONA_WEIGHTS = {
    "polite": 38,
    "grateful": 10,
    "angry": 10,
    "urgent": 9,
    "boundary_less": 7,
    "know_it_all": 6,
    "chronic": 6,
    "after_hours": 5,
    "abusive": 3,
    "collections": 3,
    "out_of_scope": 3,
}
TIER_WEIGHTS = {Tier.BASIC: 30, Tier.STANDARD: 45, Tier.PREMIUM: 18, Tier.VIP: 7}
CHANNEL_WEIGHTS = {
    Channel.EMAIL: 55,
    Channel.WEB: 15,
    Channel.WIDGET: 10,
    Channel.PHONE: 15,
    Channel.PORTAL: 5,
}
ProgressFn = Callable[[int], None]


@dataclass(frozen=True)
class DemoSummary:
    staff: int
    customers: int
    tickets: int
    messages: int


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def create_staff() -> dict[str, User]:
    """The demo personas (idempotent): a manager, team leads, agents and an admin."""
    teams = {key: Team.objects.get_or_create(name=name)[0] for key, name in content.TEAMS.items()}
    users: dict[str, User] = {}
    for username, first, last, role, team_key, language in content.STAFF:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username=username,
                password=content.DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                email=f"{username}@shomer-demo.example",
                role=role,
                language=language,
                is_staff=role in ("admin", "manager"),
                is_superuser=role == "admin",
            )
        if team_key:
            user.teams.add(teams[team_key])
            if role == "team_lead":
                Team.objects.filter(pk=teams[team_key].pk).update(lead=user)
        users[username] = user
    return users


def _person_name(rng: random.Random, language: str) -> str:
    if language == "he":
        return f"{rng.choice(content.HEBREW_FIRST_NAMES)} {rng.choice(content.HEBREW_LAST_NAMES)}"
    return f"{rng.choice(content.ENGLISH_FIRST_NAMES)} {rng.choice(content.ENGLISH_LAST_NAMES)}"


def _slug(rng: random.Random, index: int) -> str:
    return f"{rng.choice(('biz', 'shop', 'office', 'studio', 'clinic'))}{index}.example"


@dataclass
class _CustomerPlan:
    customer: Customer
    persona: str
    contacts: list[Contact]


def _plan_customers(
    rng: random.Random, count: int, owners: list[User], now: datetime
) -> Iterator[tuple[Customer, str, list[Contact], Contract]]:
    for index in range(count):
        language = "he" if rng.random() < 0.75 else "en"
        businesses = content.HEBREW_BUSINESSES if language == "he" else content.ENGLISH_BUSINESSES
        is_person = rng.random() < 0.15
        if is_person:
            name = _person_name(rng, language)
        else:
            base, _kind = rng.choice(businesses)
            branch = index // len(businesses)
            cities = content.CITIES[language]
            name = base if branch == 0 else f"{base} — {cities[(branch - 1) % len(cities)]}"
            if branch > len(cities):
                name = f"{name} {branch // len(cities) + 1}"
        site = _slug(rng, index)
        since = (now - timedelta(days=rng.randint(30, 3650))).date()
        customer = Customer(
            name=name,
            kind=CustomerKind.PERSON if is_person else CustomerKind.ORGANISATION,
            tier=_weighted(rng, TIER_WEIGHTS),
            owner=rng.choice(owners),
            language=language,
            email_domain="" if is_person else site,
            phone=f"0{rng.choice((2, 3, 4, 8, 9))}-{rng.randint(5000000, 9999999)}",
            birthday=since.replace(year=rng.randint(1955, 1995))
            if is_person and rng.random() < 0.7
            else None,
            customer_since=since,
            notes=rng.choice(content.NOTES[language]),
            created_at=datetime.combine(since, datetime.min.time(), tzinfo=ISRAEL),
        )
        persona = _weighted(rng, PERSONA_WEIGHTS)
        contacts = []
        for number in range(1 if is_person else rng.randint(1, 3)):
            contact_name = name if is_person else _person_name(rng, language)
            contacts.append(
                Contact(
                    name=contact_name,
                    email=f"contact{number}@{site}"
                    if not is_person
                    else f"person{index}@mail.example",
                    phone=f"05{rng.randint(0, 8)}-{rng.randint(1000000, 9999999)}",
                    language=language,
                    is_primary=number == 0,
                    created_at=customer.created_at,
                )
            )
        title, scope, out_of_scope = rng.choice(content.CONTRACTS[language])
        contract = Contract(
            title=title,
            service_scope=scope,
            out_of_scope=out_of_scope,
            monthly_revenue=Decimal(rng.choice((250, 450, 800, 1200, 2500, 4800, 9000))),
            starts_on=since,
        )
        yield customer, persona, contacts, contract


def _signature(agent: User | None, language: str) -> str:
    name = agent.first_name if agent else "דנה"
    return content.ENGLISH_SIGNATURES.get(name, name) if language == "en" else name


def _fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def _ticket_time(rng: random.Random, now: datetime, persona: str) -> datetime:
    # Recent weeks are busier, so the inbox has live work as well as history.
    recent = rng.random() < 0.35
    moment = now - timedelta(days=rng.random() * (RECENT_DAYS if recent else HISTORY_DAYS))
    local = moment.astimezone(ISRAEL)
    if persona == "after_hours":
        # Late at night or on Saturday, when nobody is working.
        if rng.random() < 0.5:
            local = local.replace(hour=rng.choice((22, 23, 0, 1)), minute=rng.randint(0, 59))
        else:
            local = local + timedelta(days=(5 - local.weekday()) % 7)
            local = local.replace(hour=rng.randint(8, 12), minute=rng.randint(0, 59))
    else:
        local = local.replace(hour=rng.randint(8, 18), minute=rng.randint(0, 59))
    return min(local, now - timedelta(minutes=5))


def _status_for(rng: random.Random, age: timedelta, answered: bool) -> str:
    if age > timedelta(days=14):
        return rng.choice((Status.CLOSED, Status.SOLVED, Status.SOLVED))
    if not answered:
        return Status.NEW
    return rng.choice((Status.OPEN, Status.OPEN, Status.PENDING, Status.ON_HOLD, Status.SOLVED))


def generate(
    *,
    customers: int,
    tickets: int,
    seed: int,
    now: datetime | None = None,
    progress: ProgressFn | None = None,
) -> DemoSummary:
    """Create demo staff, `customers` customers and `tickets` tickets with conversations."""
    rng = random.Random(seed)
    now = now or timezone.now()
    users = create_staff()
    agents_by_team = {
        team.pk: list(team.members.filter(role__in=("agent", "team_lead")).order_by("username"))
        for team in Team.objects.all()
    }
    teams = list(Team.objects.order_by("name"))
    owners = [u for u in users.values() if u.role in ("manager", "team_lead", "agent")]
    scripts_by = {}
    for script in content.SCRIPTS:
        scripts_by.setdefault((script.persona, script.language), []).append(script)

    plans: list[_CustomerPlan] = []
    rows = list(_plan_customers(rng, customers, owners, now))
    with transaction.atomic():
        created = Customer.objects.bulk_create([row[0] for row in rows], batch_size=CHUNK)
        all_contacts: list[Contact] = []
        contracts: list[Contract] = []
        for customer, (_c, persona, contacts, contract) in zip(created, rows, strict=True):
            for contact in contacts:
                contact.customer = customer
            contract.customer = customer
            all_contacts.extend(contacts)
            contracts.append(contract)
            plans.append(_CustomerPlan(customer, persona, contacts))
        Contact.objects.bulk_create(all_contacts, batch_size=CHUNK)
        Contract.objects.bulk_create(contracts, batch_size=CHUNK)

    tag_cache: dict[str, Tag] = {}
    message_total = 0
    done = 0
    while done < tickets:
        size = min(CHUNK, tickets - done)
        message_total += _create_ticket_chunk(
            rng, size, plans, scripts_by, teams, agents_by_team, tag_cache, now
        )
        done += size
        if progress:
            progress(size)
    return DemoSummary(len(users), len(plans), tickets, message_total)


def _create_ticket_chunk(
    rng: random.Random,
    size: int,
    plans: list[_CustomerPlan],
    scripts_by: dict[tuple[str, str], list[content.Script]],
    teams: list[Team],
    agents_by_team: dict[int, list[User]],
    tag_cache: dict[str, Tag],
    now: datetime,
) -> int:
    tickets: list[Ticket] = []
    conversations: list[list[tuple[str, str, datetime]]] = []
    ticket_tags: list[tuple[str, ...]] = []
    for _ in range(size):
        plan = rng.choice(plans) if plans else None
        language = plan.customer.language if plan else "he"
        persona = plan.persona if plan and rng.random() < 0.7 else "polite"
        script = rng.choice(scripts_by.get((persona, language)) or scripts_by[("polite", language)])
        team = rng.choice(teams)
        agents = agents_by_team.get(team.pk) or []
        agent = rng.choice(agents) if agents and rng.random() < 0.8 else None
        contact = rng.choice(plan.contacts) if plan else None
        days = content.HEBREW_DAYS if language == "he" else content.ENGLISH_DAYS
        values = {
            "first": contact.first_name if contact else "",
            "agent": _signature(agent, language),
            "company": plan.customer.name if plan else "",
            "site": (plan.customer.email_domain if plan else "") or "mail.example",
            "order": str(rng.randint(10000, 99999)),
            "day": rng.choice(days),
            "hour": str(rng.choice((10, 11, 12, 14, 15))),
        }
        opened_at = _ticket_time(rng, now, script.persona)
        turns = []
        moment = opened_at
        # Some conversations are still waiting for the agent's first answer.
        cut = len(script.turns) if rng.random() < 0.8 else 1
        for role, variants in script.turns[:cut]:
            turns.append((role, _fill(rng.choice(variants), values), moment))
            moment = min(
                moment + timedelta(minutes=rng.randint(4, 600)), now - timedelta(minutes=1)
            )
        answered = any(role == "agent" for role, _t, _m in turns)
        status = _status_for(rng, now - opened_at, answered)
        channel = _weighted(rng, CHANNEL_WEIGHTS)
        subject = rng.choice(script.subjects)
        first_response = next((m for role, _t, m in turns if role == "agent"), None)
        tickets.append(
            Ticket(
                subject=subject,
                status=status,
                priority=script.priority,
                priority_rank=PRIORITY_RANK[Priority(script.priority)],
                channel=channel,
                kind=script.kind,
                customer=plan.customer if plan else None,
                contact=contact,
                team=team,
                assignee=agent,
                created_at=opened_at,
                updated_at=turns[-1][2],
                last_message_at=max(m for role, _t, m in turns if role != "note"),
                first_response_at=first_response,
                solved_at=turns[-1][2] if status in (Status.SOLVED, Status.CLOSED) else None,
                message_count=len(turns),
                search_text=fold(" ".join([subject, *(t for _r, t, _m in turns)]))[:20_000],
            )
        )
        conversations.append(turns)
        ticket_tags.append(script.tags)

    with transaction.atomic():
        created = Ticket.objects.bulk_create(tickets)
        messages: list[Message] = []
        entries: list[TimeEntry] = []
        links = []
        for ticket, turns, tags in zip(created, conversations, ticket_tags, strict=True):
            for role, text, moment in turns:
                direction = {"customer": Direction.INBOUND, "agent": Direction.OUTBOUND}.get(
                    role, Direction.NOTE
                )
                messages.append(
                    Message(
                        ticket=ticket,
                        direction=direction,
                        channel=ticket.channel,
                        author=ticket.assignee if direction != Direction.INBOUND else None,
                        contact=ticket.contact if direction == Direction.INBOUND else None,
                        body_text=text,
                        created_at=moment,
                    )
                )
            if ticket.assignee and rng.random() < 0.6:
                entries.append(
                    TimeEntry(
                        ticket=ticket,
                        user=ticket.assignee,
                        minutes=rng.choice((5, 10, 15, 20, 30, 45, 60, 90)),
                        worked_at=ticket.updated_at,
                    )
                )
            for name in tags:
                if name not in tag_cache:
                    tag_cache[name] = Tag.objects.get_or_create(name=name)[0]
                links.append(Ticket.tags.through(ticket_id=ticket.pk, tag_id=tag_cache[name].pk))
        Message.objects.bulk_create(messages, batch_size=CHUNK)
        TimeEntry.objects.bulk_create(entries, batch_size=CHUNK)
        Ticket.tags.through.objects.bulk_create(links, batch_size=CHUNK)
    return len(messages)
