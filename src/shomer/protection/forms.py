from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from shomer.protection.models import IncidentKind


class FlagForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("Let Shomer tell")), *IncidentKind.choices], required=False
    )


class ReviewForm(forms.Form):
    notes = forms.CharField(
        label=_("Notes"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
