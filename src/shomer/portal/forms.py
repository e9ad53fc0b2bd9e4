from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from shomer.channels.web.forms import (
    MAX_MESSAGE_CHARS,
    MultipleFileField,
    upload_errors,
    uploads_help_text,
)
from shomer.channels.web.tokens import (
    FormTokenExpired,
    FormTokenInvalid,
    form_token_id,
    new_form_token,
)


class SignInForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"dir": "ltr", "autocomplete": "email", "autofocus": True}),
    )


class PortalMessageForm(forms.Form):
    """A new request (with a subject) or an answer on a ticket (without)."""

    token = forms.CharField(widget=forms.HiddenInput)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    message = forms.CharField(
        label=_("Message"),
        max_length=MAX_MESSAGE_CHARS,
        widget=forms.Textarea(attrs={"rows": 6, "dir": "auto"}),
    )
    attachments = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args: Any, with_subject: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_subject:
            del self.fields["subject"]
            self.fields["message"].label = _("Your answer")
        self.fields["attachments"].help_text = uploads_help_text()

    def clean_token(self) -> str:
        try:
            return form_token_id(self.cleaned_data["token"])
        except (FormTokenExpired, FormTokenInvalid):
            raise forms.ValidationError(
                _("This form was open for too long. Please check it and send it again.")
            ) from None

    def clean_attachments(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data.get("attachments") or []
        if errors := upload_errors(files):
            raise forms.ValidationError(errors)
        return files

    def page_token(self) -> str:
        if self.is_bound and "token" not in self.errors:
            return str(self.data["token"])
        return new_form_token()
