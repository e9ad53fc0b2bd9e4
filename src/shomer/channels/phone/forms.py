"""The call log form: who called (or whom we called), what was said, and any callback asked."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shomer.channels.phone.adapters import CallDirection, CallOutcome
from shomer.channels.phone.numbers import normalize_phone
from shomer.channels.phone.services import CallLog, match_caller
from shomer.channels.web.forms import window_error
from shomer.channels.web.tokens import (
    FormTokenExpired,
    FormTokenInvalid,
    form_token_id,
    new_form_token,
)
from shomer.commitments.rules import Window, local_window
from shomer.commitments.services import check_callback_window
from shomer.conversations.models import OPEN_STATUSES, Ticket
from shomer.customers.models import Contact

MAX_SUMMARY_CHARS = 20_000
AUTOMATIC, NEW = "", "new"


def open_tickets_of(contact: Contact | None) -> list[Ticket]:
    if contact is None:
        return []
    return list(
        Ticket.objects.filter(
            customer_id=contact.customer_id, status__in=OPEN_STATUSES, merged_into__isnull=True
        ).order_by("-updated_at", "-id")[:20]
    )


class CallLogForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    direction = forms.ChoiceField(
        label=_("Call"),
        choices=CallDirection.choices,
        initial=CallDirection.INBOUND,
        widget=forms.RadioSelect,
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"dir": "ltr", "inputmode": "tel", "autocomplete": "off", "autofocus": True}
        ),
    )
    name = forms.CharField(label=_("Caller's name"), max_length=200, required=False)
    ticket = forms.ChoiceField(label=_("Ticket"), required=False)
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=0, max_value=600, initial=0
    )
    subject = forms.CharField(
        label=_("Subject"),
        max_length=200,
        required=False,
        help_text=_("For a new ticket; empty: the summary's first line."),
    )
    summary = forms.CharField(
        label=_("Summary"),
        max_length=MAX_SUMMARY_CHARS,
        widget=forms.Textarea(attrs={"rows": 5, "dir": "auto"}),
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=CallOutcome.choices)
    callback_requested = forms.BooleanField(
        label=_("The customer asked to be called back"), required=False
    )
    callback_date = forms.DateField(
        label=_("Call back on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: as soon as possible (by the callback target)."),
    )
    callback_start = forms.TimeField(
        label=_("Not before"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    callback_end = forms.TimeField(
        label=_("Not after"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )

    def __init__(self, *args: Any, now: dt.datetime | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()
        source = self.data if self.is_bound else self.initial
        e164 = normalize_phone(str(source.get("phone") or ""))
        self.contact = match_caller(e164) if e164 else None
        self.open_tickets = open_tickets_of(self.contact)
        self.fields["ticket"].choices = [
            (AUTOMATIC, _("Automatic: the callback's ticket or the latest open one")),
            (NEW, _("A new ticket")),
            *[
                (str(ticket.pk), f"#{ticket.pk} {ticket.subject[:60]}")
                for ticket in self.open_tickets
            ],
        ]
        self._window: Window | None = None

    def clean_token(self) -> str:
        try:
            return form_token_id(self.cleaned_data["token"])
        except (FormTokenExpired, FormTokenInvalid):
            raise forms.ValidationError(
                _("This form was open for too long. Please check it and send it again.")
            ) from None

    def clean_phone(self) -> str:
        e164 = normalize_phone(self.cleaned_data["phone"])
        if e164 is None:
            raise forms.ValidationError(_("Please enter a phone number we can call."))
        return e164

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("callback_requested") and cleaned.get("callback_date"):
            start = cleaned.get("callback_start")
            end = cleaned.get("callback_end")
            if start is None or end is None:
                self.add_error(
                    "callback_start", _("Please give the hours of the window, or no date.")
                )
            else:
                zone = timezone.get_current_timezone_name()
                window = local_window(cleaned["callback_date"], start, end, zone)
                problem = check_callback_window(window, now=self.now)
                if problem is not None:
                    self.add_error("callback_date", window_error(problem))
                else:
                    self._window = window
        return cleaned

    def page_token(self) -> str:
        if self.is_bound and "token" not in self.errors:
            return str(self.data["token"])
        return new_form_token()

    def call_log(self) -> CallLog:
        data = self.cleaned_data
        choice = data.get("ticket") or AUTOMATIC
        ticket = next((t for t in self.open_tickets if str(t.pk) == choice), None)
        return CallLog(
            direction=data["direction"],
            phone=data["phone"],
            summary=data["summary"],
            outcome=data["outcome"],
            name=data.get("name") or "",
            subject=data.get("subject") or "",
            duration_seconds=int(data["duration_minutes"]) * 60,
            contact=self.contact,
            ticket=ticket,
            new_ticket=choice == NEW,
            callback_requested=bool(data.get("callback_requested")),
            callback_window=self._window,
            token=data["token"],
        )
