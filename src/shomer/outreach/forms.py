"""Forms of the outreach pages: templates, cadences, instalment plans, reworded reminders."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shomer.outreach import rules
from shomer.outreach.collections import MAX_INSTALMENTS, OFFERED_INSTALMENTS
from shomer.outreach.models import LoyaltySettings


def _check_variables(text: str, key: str) -> None:
    unknown = rules.unknown_variables(text, rules.allowed_variables(key))
    if unknown:
        names = ", ".join("{" + name + "}" for name in unknown)
        raise forms.ValidationError(
            _("Unknown variables: %(names)s. Write {{ and }} for a literal brace.")
            % {"names": names}
        )


class TemplateForm(forms.Form):
    subject = forms.CharField(
        label=_("Subject"), max_length=200, widget=forms.TextInput(attrs={"dir": "auto"})
    )
    body = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 12, "dir": "auto"})
    )

    def __init__(self, *args: Any, key: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.key = key

    def clean_subject(self) -> str:
        value: str = self.cleaned_data["subject"]
        _check_variables(value, self.key)
        return value

    def clean_body(self) -> str:
        value: str = self.cleaned_data["body"]
        _check_variables(value, self.key)
        return value


class SettingsForm(forms.ModelForm):
    class Meta:
        model = LoyaltySettings
        fields = [
            "csat_delay_minutes",
            "survey_fatigue_days",
            "nps_cadence_days",
            "checkin_every_months",
            "after_sale_days",
            "after_onboarding_days",
            "send_hour",
        ]

    def clean_send_hour(self) -> int:
        value: int = self.cleaned_data["send_hour"]
        if not 0 <= value <= 23:
            raise forms.ValidationError(_("An hour from 0 to 23."))
        return value

    def clean_survey_fatigue_days(self) -> int:
        value: int = self.cleaned_data["survey_fatigue_days"]
        if value > 365:
            raise forms.ValidationError(_("At most 365 days."))
        return value


class PlanForm(forms.Form):
    instalments = forms.IntegerField(
        label=_("Instalments"), min_value=2, max_value=MAX_INSTALMENTS, initial=OFFERED_INSTALMENTS
    )
    first_due = forms.DateField(
        label=_("First payment on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["first_due"].initial = today + dt.timedelta(days=7)

    def clean_first_due(self) -> dt.date:
        value: dt.date = self.cleaned_data["first_due"]
        if value < self.today:
            raise forms.ValidationError(_("The first payment cannot be in the past."))
        return value


class RewordForm(forms.Form):
    subject = forms.CharField(
        label=_("Subject"), max_length=300, widget=forms.TextInput(attrs={"dir": "auto"})
    )
    body = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 12, "dir": "auto"})
    )


class InstalmentForm(forms.Form):
    paid_on = forms.DateField(
        label=_("Paid on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
