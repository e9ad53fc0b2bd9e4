"""Forms for the health pages: weights and cost rates, playbooks, offboarding."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shomer.health.fit import DEFAULT_COST_RATES
from shomer.health.models import HealthSettings, Playbook
from shomer.health.reasons import component_label
from shomer.health.scoring import COMPONENTS, DEFAULT_WEIGHTS, MAX_WEIGHT
from shomer.people.models import Role

MAX_RATE = 100_000


class SettingsForm(forms.Form):
    """One weight per health component (0-100) and an hourly cost per staff role."""

    def __init__(self, *args: Any, config: HealthSettings, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in COMPONENTS:
            self.fields[f"weight_{name}"] = forms.IntegerField(
                label=component_label(name),
                min_value=0,
                max_value=MAX_WEIGHT,
                initial=config.weights.get(name, DEFAULT_WEIGHTS[name]),
                help_text=_("Default: %(weight)s") % {"weight": DEFAULT_WEIGHTS[name]},
            )
        for role, label in Role.choices:
            self.fields[f"rate_{role}"] = forms.DecimalField(
                label=_("Hourly cost: %(role)s") % {"role": label},
                min_value=0,
                max_value=MAX_RATE,
                decimal_places=2,
                initial=config.cost_rates.get(role, DEFAULT_COST_RATES.get(role, 0)),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        weights = [data.get(f"weight_{name}") for name in COMPONENTS]
        if all(w is not None for w in weights) and not any(weights):
            raise forms.ValidationError(_("At least one component needs a weight above 0."))
        return data

    def weights(self) -> dict[str, int]:
        return {name: int(self.cleaned_data[f"weight_{name}"]) for name in COMPONENTS}

    def cost_rates(self) -> dict[str, float]:
        return {role: float(self.cleaned_data[f"rate_{role}"]) for role, _label in Role.choices}


class PlaybookForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Playbook
        fields = ["works_he", "avoid_he", "choices_he", "works_en", "avoid_en", "choices_en"]
        widgets = {name: forms.Textarea(attrs={"rows": 5, "dir": "auto"}) for name in fields}


class OffboardingForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Letter language"), choices=[("he", _("Hebrew")), ("en", _("English"))]
    )
    letter = forms.CharField(
        label=_("Letter to the customer"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 14, "dir": "auto"}),
    )
    referral = forms.CharField(
        label=_("Referral"),
        max_length=2_000,
        required=False,
        help_text=_("Another provider who may suit the customer better."),
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )
    reason = forms.CharField(
        label=_("Reason (internal)"),
        max_length=2_000,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that the account will be closed; its history is kept."),
        required=True,
    )
