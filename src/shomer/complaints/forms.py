from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shomer.complaints.models import Step, Verdict
from shomer.conversations.forms import MAX_MESSAGE_CHARS
from shomer.people.models import User

MAX_TEXT = 20_000


def _text(label: Any, rows: int = 3, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=MAX_TEXT,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows, "dir": "auto"}),
    )


class StaffChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Staff, those who left marked so (a complaint may name a former employee)."""

    def label_from_instance(self, obj: User) -> str:
        name = str(obj)
        if not obj.is_active:
            return str(_("%(name)s (left)") % {"name": name})
        return name


def staff_field(label: Any, *, active_only: bool = False) -> StaffChoiceField:
    users = User.objects.order_by("-is_active", "first_name", "last_name", "username")
    if active_only:
        users = users.filter(is_active=True)
    return StaffChoiceField(label=label, queryset=users)


class AcknowledgeForm(forms.Form):
    body = forms.CharField(
        label=_("The “we heard you” reply"),
        max_length=MAX_MESSAGE_CHARS,
        widget=forms.Textarea(attrs={"rows": 8, "dir": "auto"}),
    )


class NameEmployeeForm(forms.Form):
    employee = staff_field(_("The complaint is about"))


class ParticipantForm(forms.Form):
    user = staff_field(_("Add someone involved"), active_only=True)


class AnswerForm(forms.Form):
    text = _text(_("Your side of what happened"), rows=4)


class MeetingForm(forms.Form):
    employee = staff_field(_("Met with"))
    met_on = forms.DateField(
        label=_("On"), widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )
    text = _text(_("What was said"), rows=3)

    def clean_met_on(self) -> dt.date:
        met_on: dt.date = self.cleaned_data["met_on"]
        if met_on > timezone.localdate():
            raise forms.ValidationError(_("A meeting that has not happened yet cannot be logged."))
        return met_on


class AnswerForForm(forms.Form):
    employee = staff_field(_("Answering for"))
    text = _text(_("The answer, from what the records show"), rows=3)


class InvestigationForm(forms.Form):
    findings = _text(_("What the investigation found"), rows=4)


VERDICT_CHOICES = [("", _("Choose…")), *Verdict.choices]


class ReviewForm(forms.Form):
    verdict = forms.ChoiceField(label=_("Was the complaint justified?"), choices=VERDICT_CHOICES)
    notes = _text(_("Review notes"), rows=3, required=False)


class ResolveForm(forms.Form):
    resolution = _text(_("What was done"), rows=4)
    verdict = forms.ChoiceField(
        label=_("Was the complaint justified?"), choices=VERDICT_CHOICES, required=False
    )


class FollowUpForm(forms.Form):
    SATISFIED = [
        ("yes", _("Yes, satisfied")),
        ("no", _("No, still unhappy")),
        ("unknown", _("Could not reach them")),
    ]
    satisfied = forms.ChoiceField(
        label=_("Is the customer satisfied?"), choices=SATISFIED, widget=forms.RadioSelect
    )
    notes = _text(_("Follow-up notes"), rows=3, required=False)

    def is_satisfied(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data["satisfied"])


class ReopenForm(forms.Form):
    reason = _text(_("Why it is reopened"), rows=2)


class ComplaintFilterForm(forms.Form):
    SHOW = [
        ("open", _("Being handled")),
        ("resolved", _("Resolved, follow-up due")),
        ("closed", _("Followed up")),
        ("all", _("All")),
    ]
    show = forms.ChoiceField(label=_("Show"), choices=SHOW, required=False)
    step = forms.ChoiceField(
        label=_("Step"), choices=[("", _("Any step")), *Step.choices], required=False
    )
    about_staff = forms.BooleanField(label=_("About an employee"), required=False)
