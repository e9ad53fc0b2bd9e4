"""Reasons in the reader's language: the engines give codes with parameters, these turn
them into sentences with gettext at display time (so a page in English reads English)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

Params = Mapping[str, Any]


def component_label(name: str) -> str:
    return {
        "waits": _("Waiting for answers"),
        "sla": _("SLA targets"),
        "promises": _("Promises"),
        "complaints": _("Complaints"),
        "sentiment": _("Sentiment"),
        "surveys": _("Surveys (CSAT/NPS)"),
        "handoffs": _("Handoffs between agents"),
        "activity": _("Still buying (probability alive)"),
        "payments": _("Payments"),
        "prior": _("Starting point"),
        "respect": _("Respect for the team"),
        "hours": _("Working hours"),
        "urgency": _("Urgency"),
        "scope": _("Service scope"),
        "cost": _("Cost against revenue"),
        "tickets": _("Number of tickets"),
        "tenure": _("Time as a customer"),
        "revenue": _("Revenue"),
        "fit": _("Fit"),
        "quiet_days": _("Days since last contact or purchase"),
    }.get(name, name)


def _source(params: Params) -> str:
    return {
        "feedback": _("surveys are not set up yet"),
        "sla": _("SLA timers are not set up yet"),
        "commitments": _("promises are not tracked yet"),
        "analysis": _("language analysis is not set up yet"),
        "btyd": _("purchase models are not set up yet"),
        "conversations": _("no conversations yet"),
        "invoices": _("no invoices yet"),
    }.get(str(params.get("source", "")), _("not set up yet"))


def _basis(params: Params) -> str:
    return (
        _("from contacts, no invoices") if params.get("basis") == "contacts" else _("from invoices")
    )


HEALTH: dict[str, Callable[[Params], str]] = {
    "no_source": lambda p: _("No data: %(why)s.") % {"why": _source(p)},
    "no_tickets": lambda p: _("No conversations in the last 90 days."),
    "unanswered": lambda p: (
        ngettext(
            "%(count)s ticket has waited over a day for a first answer.",
            "%(count)s tickets have waited over a day for a first answer.",
            p["unanswered"],
        )
        % {"count": p["unanswered"]}
    ),
    "waits_ok": lambda p: (
        _("%(fast)s of %(answered)s tickets answered within 4 hours (last 90 days).")
        % {"fast": p["fast"], "answered": p["answered"]}
    ),
    "waits_slow": lambda p: (
        _(
            "Only %(fast)s of %(answered)s tickets answered within 4 hours; "
            "%(unanswered)s still waiting over a day."
        )
        % {"fast": p["fast"], "answered": p["answered"], "unanswered": p["unanswered"]}
    ),
    "no_targets": lambda p: _("No SLA target met or breached in the last 90 days."),
    "sla_ok": lambda p: _("All %(targets)s SLA targets met (last 90 days).") % p,
    "sla_breached": lambda p: (
        _("%(breached)s of %(targets)s SLA targets breached (last 90 days).") % p
    ),
    "no_promises": lambda p: _("No promise kept or broken in the last 180 days."),
    "promises_kept": lambda p: _("Every promise kept (%(kept)s).") % p,
    "promises_broken": lambda p: (
        ngettext(
            "%(broken)s promise broken, %(kept)s kept (last 180 days).",
            "%(broken)s promises broken, %(kept)s kept (last 180 days).",
            p["broken"],
        )
        % p
    ),
    "complaints_none": lambda p: _("No open complaint."),
    "complaints_open": lambda p: (
        ngettext("%(open)s complaint still open.", "%(open)s complaints still open.", p["open"]) % p
    ),
    "no_messages": lambda p: _("No analysed messages from the customer in the last 30 days."),
    "sentiment_falling": lambda p: (
        _("Sentiment is falling: %(recent)s in the last 30 days, %(before)s before.") % p
    ),
    "sentiment_negative": lambda p: _("Mostly negative messages lately (%(recent)s).") % p,
    "sentiment_positive": lambda p: _("Positive messages lately (%(recent)s).") % p,
    "sentiment_neutral": lambda p: _("Neutral messages lately (%(recent)s).") % p,
    "no_answers": lambda p: _("No survey answers yet."),
    "surveys_good": lambda p: _("Survey answers average %(percent)s%%.") % p,
    "surveys_poor": lambda p: _("Survey answers average only %(percent)s%%.") % p,
    "no_assigned_tickets": lambda p: _("No assigned tickets in the last 180 days."),
    "handoffs_few": lambda p: _("%(handoffs)s handoffs over %(tickets)s tickets.") % p,
    "handoffs_many": lambda p: (
        _("%(handoffs)s handoffs over %(tickets)s tickets: the customer keeps meeting new agents.")
        % p
    ),
    "alive": lambda p: (
        _("Probably still buying: %(percent)s%% (%(basis)s).")
        % {"percent": p["percent"], "basis": _basis(p)}
    ),
    "fading": lambda p: (
        _("Buying less than before: %(percent)s%% probability alive (%(basis)s).")
        % {"percent": p["percent"], "basis": _basis(p)}
    ),
    "silent": lambda p: (
        _("Probably stopped buying: only %(percent)s%% probability alive (%(basis)s).")
        % {"percent": p["percent"], "basis": _basis(p)}
    ),
    "one_transaction": lambda p: _("Not enough history: one purchase only."),
    "not_enough_history": lambda p: _("Not enough history: the first purchase is today."),
    "only_future": lambda p: _("Not enough history: only purchases dated in the future."),
    "no_transactions": lambda p: _("Not enough history: no purchases or contacts yet."),
    "no_fit": lambda p: _("Not enough history across customers to fit the purchase model yet."),
    "no_invoices_due": lambda p: _("No invoice came due in the last year."),
    "payments_on_time": lambda p: _("All %(due)s invoices paid on time.") % p,
    "payments_late": lambda p: (
        _("%(late)s invoices paid late and %(overdue)s overdue, of %(due)s due.") % p
    ),
    "prior": lambda p: _("Everyone starts near 70; the history above moves the score."),
    "little_history": lambda p: _(
        "Not enough history: the score stays near the neutral start of 70."
    ),
}


def health_reason(reason: Mapping[str, Any]) -> str:
    params = reason.get("params", {})
    text = HEALTH.get(str(reason.get("code")))
    try:
        sentence = text(params) if text else str(reason.get("code"))
    except (KeyError, TypeError):
        sentence = str(reason.get("code"))
    if params.get("future"):
        sentence += " " + ngettext(
            "%(count)s purchase dated in the future was not counted.",
            "%(count)s purchases dated in the future were not counted.",
            params["future"],
        ) % {"count": params["future"]}
    return sentence


def verdict_label(verdict: str) -> str:
    return {
        "good": _("Good fit"),
        "review": _("To review"),
        "boundary_less": _("Pleasant but boundary-less"),
        "hostile": _("Hostile"),
    }.get(verdict, verdict)


def recommendation(code: str) -> str:
    return {
        "keep": _("Keep and nurture."),
        "review": _("Review the relationship: cost, scope and tone."),
        "service_agreement": _(
            "Offer a clear service agreement: hours, response times, what is in scope."
        ),
        "part_ways": _("Part ways, with a respectful referral to another provider."),
    }.get(code, code)


EVIDENCE: dict[str, Callable[[Params], str]] = {
    "incidents": lambda p: (
        ngettext(
            "%(count)s abuse incident logged against the team.",
            "%(count)s abuse incidents logged against the team.",
            p["count"],
        )
        % p
    ),
    "abusive_messages": lambda p: (
        _("%(count)s of %(messages)s messages abusive or contemptuous.") % p
    ),
    "knows_better": lambda p: _("%(count)s messages telling the team it knows better.") % p,
    "after_hours": lambda p: (
        _("%(count)s of %(requests)s requests (%(percent)s%%) made outside working hours.") % p
    ),
    "always_on": lambda p: _("%(count)s demands for answers around the clock.") % p,
    "urgent": lambda p: _("%(percent)s%% of requests marked or written as urgent.") % p,
    "out_of_scope": lambda p: _("%(count)s requests outside the service scope.") % p,
    "cost_over_revenue": lambda p: (
        _("Costs %(percent)s%% of the revenue to serve (%(hours)s hours of work).") % p
    ),
    "cost_without_revenue": lambda p: _("%(hours)s hours of work with no revenue recorded.") % p,
    "negative_costs": lambda p: _("Costs are net negative (credits): counted as no cost."),
    "little_history": lambda p: _("Not enough history to judge fit yet."),
}


def evidence_text(item: Mapping[str, Any]) -> str:
    text = EVIDENCE.get(str(item.get("code")))
    try:
        return text(item.get("params", {})) if text else str(item.get("code"))
    except (KeyError, TypeError):
        return str(item.get("code"))


def type_label(customer_type: str) -> str:
    return {
        "chronic": _("Chronically dissatisfied"),
        "know_it_all": _("Know-it-all"),
        "boundary_less": _("Boundary-less"),
        "hostile": _("Hostile"),
        "loyal": _("Loyal"),
        "silent": _("Silent"),
        "new": _("New"),
        "regular": _("Regular"),
    }.get(customer_type, customer_type)


TYPE_REASONS: dict[str, Callable[[Params], str]] = {
    "fit_hostile": lambda p: _("Rude or contemptuous to the team again and again."),
    "fit_boundary_less": lambda p: _(
        "Does not see the limits of the service: after hours, everything urgent, more and more."
    ),
    "knows_better": lambda p: (
        _("%(count)s messages (%(percent)s%%) say the team does not know its job.") % p
    ),
    "many_complaints": lambda p: _("%(count)s complaints in a year.") % p,
    "mostly_negative": lambda p: (
        _("%(percent)s%% of messages negative, over %(tickets)s tickets.") % p
    ),
    "p_alive_low": lambda p: _("Only %(percent)s%% likely to still be buying.") % p,
    "quiet": lambda p: _("No contact and no purchase for %(days)s days.") % p,
    "new_customer": lambda p: _("A customer for %(days)s days.") % p,
    "loyal": lambda p: (
        _("A customer for %(years)s years, still buying (%(percent)s%%), rarely unhappy.") % p
    ),
    "no_pattern": lambda p: _("No strong pattern in the history."),
}


def type_reason(item: Mapping[str, Any]) -> str:
    text = TYPE_REASONS.get(str(item.get("code")))
    try:
        return text(item.get("params", {})) if text else str(item.get("code"))
    except (KeyError, TypeError):
        return str(item.get("code"))


ACTIONS: dict[str, Callable[[Params], str]] = {
    "review_fit": lambda p: _(
        "Review fit with a manager: the evidence points to parting ways respectfully."
    ),
    "service_agreement": lambda p: _(
        "Offer a clear service agreement: hours, response times and scope."
    ),
    "resolve_complaint": lambda p: _(
        "Resolve the open complaint today, and follow up after it is solved."
    ),
    "keep_promise": lambda p: _(
        "Call, own the broken promise, and keep the next one: under-promise, over-deliver."
    ),
    "answer_today": lambda p: _(
        "Answer the waiting tickets today, and tell the customer when to expect the fix."
    ),
    "call_personally": lambda p: _(
        "Call personally: ask what is not working and listen to the end."
    ),
    "one_owner": lambda p: _("Give this customer one steady agent for all their tickets."),
    "offer_installments": lambda p: _(
        "Remind respectfully about open invoices and offer an installment plan."
    ),
    "check_in": lambda p: _(
        "Check in personally: the customer has gone quiet. Ask how it is going."
    ),
    "welcome": lambda p: _(
        "Welcome the new customer: one steady contact and a follow-up after the first month."
    ),
    "get_to_know": lambda p: _("Get to know the customer: too little history to judge yet."),
    "thank_loyal": lambda p: _(
        "Nurture: thank them for their loyalty, and keep in touch without waiting for a fault."
    ),
    "keep_in_touch": lambda p: _("Keep in touch: a short personal check-in this month."),
}


def action_text(action: Mapping[str, Any]) -> str:
    text = ACTIONS.get(str(action.get("code")))
    try:
        return text(action.get("params", {})) if text else str(action.get("code"))
    except (KeyError, TypeError):
        return str(action.get("code"))


def churn_note(note: Mapping[str, Any]) -> str:
    params = note.get("params", {})
    code = note.get("code")
    if code == "too_little_history":
        return _(
            "Not enough history to train the churn model (%(left)s customers left, %(need_left)s "
            "needed): the risk comes from the health score."
        ) % {"left": params.get("left", 0), "need_left": params.get("need_left", 0)}
    if code == "too_little_history_split":
        return _(
            "Not enough customers left in the recent period to test the churn model: the risk "
            "comes from the health score."
        )
    if code == "model_too_weak":
        return _(
            "The churn model did not predict recent departures better than chance (AUC "
            "%(auc)s, Brier %(brier)s against %(base_brier)s): the risk comes from the health "
            "score."
        ) % {
            "auc": params.get("auc"),
            "brier": params.get("brier"),
            "base_brier": params.get("base_brier"),
        }
    return _("The churn model has not been trained yet: the risk comes from the health score.")


def churn_reason(item: Mapping[str, Any]) -> str:
    return _("%(feature)s (%(share)s%% of the risk)") % {
        "feature": component_label(str(item.get("feature"))),
        "share": item.get("share", 0),
    }


def sweet_spot_feature(name: str) -> str:
    return {
        "profit": _("Profit (12 months)"),
        "health": _("Health"),
        "tenure_years": _("Years as a customer"),
        "tier_rank": _("Tier"),
        "tickets_per_month": _("Tickets a month"),
        "after_hours_share": _("Share of requests after hours"),
    }.get(name, name)
