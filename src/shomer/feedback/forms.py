"""Survey answer forms: a rating on the survey's scale, an optional comment, and for the
exit survey the main reason."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shomer.feedback import rules
from shomer.feedback.models import ExitReason, Survey, SurveyKind
from shomer.feedback.services import MAX_COMMENT_CHARS


class AnswerForm(forms.Form):
    rating = forms.TypedChoiceField(label=_("Your rating"), coerce=int, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Anything you would like to add? (optional)"),
        required=False,
        max_length=MAX_COMMENT_CHARS,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
    )
    reason = forms.ChoiceField(
        label=_("The main reason for leaving"),
        required=False,
        choices=[("", "—"), *ExitReason.choices],
    )

    def __init__(self, *args: Any, survey: Survey, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        low, high = rules.SCALES[survey.kind]
        self.fields["rating"].choices = [(r, str(r)) for r in range(low, high + 1)]
        if survey.kind != SurveyKind.EXIT:
            del self.fields["reason"]


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Your comment"),
        required=False,
        max_length=MAX_COMMENT_CHARS,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
    )
    reason = forms.ChoiceField(
        label=_("The main reason for leaving"),
        required=False,
        choices=[("", "—"), *ExitReason.choices],
    )

    def __init__(self, *args: Any, survey: Survey, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if survey.kind != SurveyKind.EXIT:
            del self.fields["reason"]
