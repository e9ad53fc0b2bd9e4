"""Demo data: staff, customers and conversations, deterministic for a seed.

Staff are created through the ORM with real (hashed) passwords; customers and tickets are
bulk-inserted in chunks so that a million tickets take minutes, not hours.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
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
from shomer.customers.models import (
    Contact,
    Contract,
    Customer,
    CustomerKind,
    CustomerStatus,
    Invoice,
    InvoiceStatus,
    Tier,
)
from shomer.demo import content
from shomer.demo.history import as_history
from shomer.demo.loyalty import add_birthdays, add_unpaid, replay_collections
from shomer.demo.promises import add_promises
from shomer.demo.surveys import add_surveys
from shomer.health.models import CustomerCost
from shomer.language.normalize import fold
from shomer.people.models import Team, User

ISRAEL = ZoneInfo("Asia/Jerusalem")
CHUNK = 2000
# A year and a half of history: enough for the churn model's cutoffs to see the past.
HISTORY_DAYS = 540
RECENT_DAYS = 14
RECENT_SHARE = 0.2

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
# Each persona's chance of having left (the history the churn model learns from), and of
# having silently stopped buying while still on the books.
LEAVE_CHANCE = {
    "angry": 0.35,
    "chronic": 0.35,
    "abusive": 0.3,
    "collections": 0.25,
    "know_it_all": 0.2,
    "urgent": 0.15,
    "boundary_less": 0.15,
    "after_hours": 0.15,
    "out_of_scope": 0.15,
    "polite": 0.08,
    "grateful": 0.03,
}
LEAD_SHARE = 0.05
SILENT_STOP_CHANCE = {"angry": 0.2, "chronic": 0.2, "grateful": 0.02}
SILENT_STOP_DEFAULT = 0.1
# Staff time per ticket: demanding personas take longer and need it more often.
TIME_FACTOR = {
    "abusive": 2.5,
    "boundary_less": 2.5,
    "after_hours": 2.0,
    "out_of_scope": 2.0,
    "know_it_all": 1.8,
    "urgent": 1.6,
    "angry": 1.5,
    "chronic": 1.5,
}
# Personas whose demands send staff out (urgent call-outs, visits at night), and what those
# other costs are called in each language.
CALL_OUT_PERSONAS = ("boundary_less", "abusive", "after_hours", "out_of_scope")
CALL_OUTS = {
    "he": (
        "קריאת שירות דחופה בערב",
        "ביקור באתר הלקוח בשישי",
        "נסיעה לתיקון מחוץ לשעות",
        "שעות נוספות של טכנאי בשבת",
    ),
    "en": (
        "Urgent evening call-out",
        "On-site visit on a Friday",
        "Travel for an out-of-hours fix",
        "Technician overtime on Saturday",
    ),
}
# Invoices: months of retainer history at most, and the share paid late by persona.
INVOICE_MONTHS = 24
LATE_PAYER = {"collections": 0.45, "angry": 0.1, "chronic": 0.1}
LATE_PAYER_DEFAULT = 0.03
# Billing cycles in months (0: irregular projects); steady customers are billed regularly.
STEADY_CYCLES = {"1": 60, "2": 25, "3": 15}
CYCLES = {"1": 40, "2": 20, "3": 15, "0": 25}
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
    promises: int = 0
    answers: int = 0


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
    # The customer's life: when they left (status "left"), or when they silently stopped
    # buying and writing while still "active" - the silent churn Shomer should spot.
    left_on: date | None = None
    stops_on: date | None = None
    # A prospective customer writing in before signing (lead intake screening).
    is_lead: bool = False


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


def _plan_lives(rng: random.Random, plans: list[_CustomerPlan], now: datetime) -> None:
    """Who left (and when), and who silently stopped buying, by persona."""
    today = now.astimezone(ISRAEL).date()
    for plan in plans:
        since = plan.customer.customer_since or today
        earliest = max(since + timedelta(days=60), today - timedelta(days=540))
        span = (today - timedelta(days=7) - earliest).days
        if span <= 0:
            continue
        if rng.random() < LEAD_SHARE:
            plan.is_lead = True
        elif rng.random() < LEAVE_CHANCE.get(plan.persona, 0.08):
            plan.left_on = earliest + timedelta(days=rng.randint(0, span))
        elif rng.random() < SILENT_STOP_CHANCE.get(plan.persona, SILENT_STOP_DEFAULT):
            quiet_from = max(earliest, today - timedelta(days=330))
            latest = today - timedelta(days=90)
            if latest > quiet_from:
                plan.stops_on = quiet_from + timedelta(
                    days=rng.randint(0, (latest - quiet_from).days)
                )


def _billing_days(
    rng: random.Random, start: date, end: date, day: int, cycle: int
) -> Iterator[date]:
    """Issue dates from `start` to `end`: every `cycle` months on `day`, or with cycle 0 at
    irregular project gaps (about six weeks on average)."""
    if cycle == 0:
        issued = start + timedelta(days=rng.randint(0, 30))
        while issued <= end:
            yield issued
            issued += timedelta(days=max(7, round(rng.expovariate(1 / 42))))
        return
    year, month = start.year, start.month
    while True:
        issued = date(year, month, min(day, 28))
        if issued > end:
            return
        if issued >= start:
            yield issued
        month += cycle
        while month > 12:
            year, month = year + 1, month - 12


def _invoices(
    rng: random.Random, plans: list[_CustomerPlan], contracts: list[Contract], now: datetime
) -> Iterator[Invoice]:
    """Monthly retainer invoices from each contract, until the customer left or stopped;
    grateful customers also buy extra projects; some personas pay late or not yet."""
    today = now.astimezone(ISRAEL).date()
    for plan, contract in zip(plans, contracts, strict=True):
        if plan.is_lead:
            continue
        since = plan.customer.customer_since or today
        start = max(since, today - timedelta(days=INVOICE_MONTHS * 30))
        end = min(d for d in (plan.left_on, plan.stops_on, today) if d is not None)
        late_chance = LATE_PAYER.get(plan.persona, LATE_PAYER_DEFAULT)
        cycles = STEADY_CYCLES if plan.persona in ("grateful", "polite") else CYCLES
        cycle = int(_weighted(rng, cycles))
        per_invoice = contract.monthly_revenue * max(cycle, 1)
        number = 0
        for issued in _billing_days(rng, start, end, since.day, cycle):
            amounts = [per_invoice]
            if plan.persona == "grateful" and rng.random() < 0.15:
                amounts.append(contract.monthly_revenue * 2)
            for amount in amounts:
                number += 1
                if amount is not per_invoice:  # an extra project, later that month
                    issued = min(issued + timedelta(days=rng.randint(3, 20)), end)
                due = issued + timedelta(days=30)
                if rng.random() < late_chance:
                    paid: date | None = due + timedelta(days=rng.randint(10, 75))
                else:
                    paid = issued + timedelta(days=rng.randint(1, 28))
                if paid is not None and paid > today:
                    paid = None
                yield Invoice(
                    customer=plan.customer,
                    number=f"INV-{plan.customer.pk}-{number:03d}",
                    amount=amount,
                    currency=contract.currency,
                    issued_on=issued,
                    due_on=due,
                    paid_on=paid,
                    status=InvoiceStatus.PAID if paid else InvoiceStatus.OPEN,
                    description=contract.title,
                )


def _other_costs(
    rng: random.Random, plans: list[_CustomerPlan], now: datetime
) -> Iterator[CustomerCost]:
    """Call-outs and on-site visits for the demanding personas, month after month: the tail
    of the whale curve, customers who cost more than they pay."""
    today = now.astimezone(ISRAEL).date()
    for plan in plans:
        if plan.persona not in CALL_OUT_PERSONAS:
            continue
        end = plan.left_on or today
        since = plan.customer.customer_since or end
        for month in range(12):
            day = end - timedelta(days=30 * month + rng.randint(0, 27))
            if rng.random() < 0.5 and day > since:
                yield CustomerCost(
                    customer=plan.customer,
                    amount=Decimal(rng.choice((350, 600, 900, 1400))),
                    incurred_on=day,
                    description=rng.choice(CALL_OUTS[plan.customer.language]),
                )


def _before(rng: random.Random, moment: datetime, day: date, now: datetime) -> datetime:
    """The same local time of day, on a day spread evenly over the history before `day`
    (bunching a departed customer's tickets just before they left would be a false
    signal for the churn model)."""
    start = (now - timedelta(days=HISTORY_DAYS)).astimezone(ISRAEL).date()
    span = max((day - start).days, 1)
    target = start + timedelta(days=rng.randrange(span))
    return moment - timedelta(days=(moment.astimezone(ISRAEL).date() - target).days)


def _signature(agent: User | None, language: str) -> str:
    name = agent.first_name if agent else "דנה"
    return content.ENGLISH_SIGNATURES.get(name, name) if language == "en" else name


def _fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def _ticket_time(rng: random.Random, now: datetime, persona: str) -> datetime:
    # Recent weeks are busier, so the inbox has live work as well as history.
    recent = rng.random() < RECENT_SHARE
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
    follow_ups: bool = False,
) -> DemoSummary:
    """Create demo staff, `customers` customers and `tickets` tickets with conversations;
    with `follow_ups` (what `shomer demo` makes; benchmarks want the bare conversations), also
    the promises made in them, the survey answers that came, birthdays and payment reminders."""
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
        # A separate generator, so that adding lives and invoices left the rest unchanged.
        lives = random.Random(seed * 7919 + 17)
        _plan_lives(lives, plans, now)
        changed = []
        for plan in plans:
            if plan.left_on:
                plan.customer.status, plan.customer.left_on = CustomerStatus.LEFT, plan.left_on
                changed.append(plan.customer)
            elif plan.is_lead:
                plan.customer.status, plan.customer.customer_since = CustomerStatus.LEAD, None
                changed.append(plan.customer)
        Customer.objects.bulk_update(
            changed, ["status", "left_on", "customer_since"], batch_size=CHUNK
        )
        # A lead has signed nothing yet.
        Contract.objects.filter(customer__in=[p.customer for p in plans if p.is_lead]).delete()
        Invoice.objects.bulk_create(_invoices(lives, plans, contracts, now), batch_size=CHUNK)
        CustomerCost.objects.bulk_create(_other_costs(lives, plans, now), batch_size=CHUNK)

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
    promises = answers = 0
    if follow_ups and plans:
        personas = {plan.customer.pk: plan.persona for plan in plans}
        promises, answers = _follow_ups(seed, now, personas, customers, tickets)
    return DemoSummary(len(users), len(plans), tickets, message_total, promises, answers)


def _follow_ups(
    seed: int, now: datetime, personas: dict[int, str], customers: int, tickets: int
) -> tuple[int, int]:
    """Birthdays, a few unpaid invoices and their reminders, promises and half a year of
    surveys, through the apps' own services (each with a generator of its own, so that one
    changing leaves the others as they were)."""
    with as_history(now):
        add_birthdays(random.Random(seed * 31 + 5), now)
        add_unpaid(random.Random(seed * 37 + 7), now, personas)
        replay_collections(now)
        promises = add_promises(random.Random(seed * 104_729 + 3), now, tickets)
        answers = add_surveys(random.Random(seed * 7_561 + 11), now, personas, customers)
    return promises, answers


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
    time_factors: list[float] = []
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
        if plan and plan.left_on and opened_at.astimezone(ISRAEL).date() >= plan.left_on:
            opened_at = _before(rng, opened_at, plan.left_on, now)
        elif (
            plan
            and plan.stops_on
            and opened_at.astimezone(ISRAEL).date() >= plan.stops_on
            and rng.random() < 0.85  # a silent customer mostly stops writing too
        ):
            opened_at = _before(rng, opened_at, plan.stops_on, now)
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
        time_factors.append(TIME_FACTOR.get(plan.persona, 1.0) if plan else 1.0)

    with transaction.atomic():
        created = Ticket.objects.bulk_create(tickets)
        messages: list[Message] = []
        entries: list[TimeEntry] = []
        links = []
        for ticket, turns, tags, factor in zip(
            created, conversations, ticket_tags, time_factors, strict=True
        ):
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
            if ticket.assignee and rng.random() < min(0.95, 0.6 * factor):
                entries.append(
                    TimeEntry(
                        ticket=ticket,
                        user=ticket.assignee,
                        minutes=round(rng.choice((5, 10, 15, 20, 30, 45, 60, 90)) * factor),
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
