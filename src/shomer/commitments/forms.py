"""Forms for promises: a new one (by hand or from an offer), cancelling, a late notice."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from shomer.commitments import rules
from shomer.commitments.models import CommitmentKind
from shomer.commitments.services import check_due, check_new_due, check_ticket_takes_promises
from shomer.people.models import User

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class LocalDateTimeField(forms.DateTimeField):
    """A `datetime-local` input read as wall-clock time in the team calendar's zone (not the
    viewer's), so "12:00" means noon where the promise is kept. A time that does not exist
    (the hour skipped at a DST change) takes the offset before the change."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_FORMAT)

    def __init__(self, *, zone: str, **kwargs: Any) -> None:
        self.zone = ZoneInfo(zone)
        super().__init__(input_formats=[LOCAL_FORMAT, "%Y-%m-%d %H:%M"], **kwargs)

    def to_python(self, value: Any) -> dt.datetime | None:
        if isinstance(value, dt.datetime):
            return value if value.tzinfo else value.replace(tzinfo=self.zone)
        if value in self.empty_values:
            return None
        for text_format in self.input_formats:
            try:
                naive = dt.datetime.strptime(str(value).strip(), text_format)
            except ValueError:
                continue
            return naive.replace(tzinfo=self.zone)
        raise ValidationError(self.error_messages["invalid"], code="invalid")

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            return value.astimezone(self.zone).strftime(LOCAL_FORMAT)
        return value


def staff_choices() -> Any:
    return User.objects.filter(is_active=True).order_by("first_name", "last_name", "username")


class CommitmentForm(forms.Form):
    """A promise on a ticket. `placement` (after validation) is where it is due: a time
    outside working hours moved to the next opening."""

    kind = forms.ChoiceField(label=_("Kind"), choices=CommitmentKind.choices)
    text = forms.CharField(
        label=_("What was promised"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=User.objects.none(), required=False, empty_label=_("Nobody yet")
    )

    def __init__(self, *args: Any, ticket: Any, zone: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ticket = ticket
        self.fields["owner"].queryset = staff_choices()
        self.fields["due_at"] = LocalDateTimeField(
            label=_("Due"),
            zone=zone,
            help_text=_("Time in the team's calendar (%(zone)s).") % {"zone": zone},
        )
        self.placement: rules.DuePlacement | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        try:
            check_ticket_takes_promises(self.ticket)
        except ValidationError as error:
            self.add_error(None, error.message_dict["ticket"])
            return data
        if data.get("due_at") is not None:
            try:
                self.placement = check_due(data["due_at"], ticket=self.ticket)
            except ValidationError as error:
                self.add_error(None, error)
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it cancelled?"),
        max_length=1000,
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )

    def clean_reason(self) -> str:
        reason = str(self.cleaned_data["reason"]).strip()
        if not reason:
            raise ValidationError(_("Say why, so the ledger stays honest."))
        return reason


class LateNoticeForm(forms.Form):
    """The new due time and the message telling the customer."""

    body = forms.CharField(
        label=_("Message to the customer"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 8, "dir": "auto"}),
    )

    def __init__(self, *args: Any, commitment: Any, zone: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commitment = commitment
        self.fields["due_at"] = LocalDateTimeField(label=_("New due time"), zone=zone)
        self.order_fields(["due_at", "body"])
        self.placement: rules.DuePlacement | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("due_at") is not None:
            try:
                self.placement = check_new_due(self.commitment, data["due_at"])
            except ValidationError as error:
                self.add_error(None, error)
        return data


class SettingsForm(forms.Form):
    auto_track_detected = forms.BooleanField(
        label=_("Track detected promises automatically"),
        required=False,
        help_text=_(
            "On: every promise with a due time found in an agent's reply becomes a commitment "
            "when the reply is sent. Off: it is offered on the ticket for one-click tracking."
        ),
    )


class ReportForm(forms.Form):
    days = forms.TypedChoiceField(
        label=_("Period"),
        coerce=int,
        required=False,
        choices=[
            (30, _("Last 30 days")),
            (90, _("Last 90 days")),
            (365, _("Last year")),
        ],
    )
