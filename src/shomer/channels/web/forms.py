"""The public forms: the contact form and the widget's two tabs.

Each carries a signed per-form token (its idempotency key) and a honeypot field that people
never see and bots fill in. `payload()` turns a valid form into the raw input kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from shomer.channels.phone.numbers import normalize_phone
from shomer.channels.web import adapters, tokens, uploads
from shomer.commitments import rules
from shomer.commitments.services import check_callback_window

MAX_MESSAGE_CHARS = 20_000
HONEYPOT = "website"
# Addresses and numbers read left to right inside a Hebrew page.
EMAIL_INPUT = forms.EmailInput(attrs={"dir": "ltr", "autocomplete": "email"})
PHONE_INPUT = forms.TextInput(
    attrs={"type": "tel", "dir": "ltr", "autocomplete": "tel", "inputmode": "tel"}
)
NAME_INPUT = forms.TextInput(attrs={"dir": "auto", "autocomplete": "name"})
# Hours a widget visitor may pick for a callback window (the calendar then says which of
# them the team works).
WINDOW_HOURS = [dt.time(hour) for hour in range(7, 23)]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (Django's documented pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def phone_error(value: str) -> str | None:
    return None if normalize_phone(value) else str(_("Please enter a phone number we can call."))


WINDOW_MESSAGES = {
    rules.WINDOW_EMPTY: _("The end of the time window must be after its start."),
    rules.WINDOW_IN_PAST: _("That time has already passed. Please choose a later time."),
}


def window_error(problem: rules.WindowProblem) -> str:
    """A visitor's (or agent's) explanation of why a window cannot be promised."""
    if problem.code == rules.WINDOW_TOO_SHORT:
        return _("Please allow at least %(minutes)s minutes.") % {
            "minutes": rules.MIN_WINDOW_MINUTES
        }
    if problem.code == rules.WINDOW_TOO_FAR:
        return _("Please choose a time within the next %(days)s days.") % {
            "days": rules.MAX_WINDOW_DAYS_AHEAD
        }
    if problem.code == rules.WINDOW_CLOSED and problem.next_opening is not None:
        opening = timezone.localtime(problem.next_opening)
        return _("We are closed at that time. We open again on %(day)s at %(time)s.") % {
            "day": formats.date_format(opening, "l j.n"),
            "time": opening.strftime("%H:%M"),
        }
    return str(WINDOW_MESSAGES.get(problem.code, _("Please choose another time.")))


def upload_errors(files: list[UploadedFile]) -> list[str]:
    """What is wrong with these uploads, for the visitor (empty when they may be sent)."""
    errors = []
    for upload in files:
        problem = uploads.file_problem(
            upload.name or "", upload.content_type or "", upload.size or 0
        )
        if problem == uploads.BLOCKED_TYPE:
            errors.append(
                _("The file %(name)s cannot be sent: this type of file is not accepted.")
                % {"name": upload.name}
            )
        elif problem == uploads.TOO_BIG:
            errors.append(
                _("The file %(name)s is larger than %(size)s MB.")
                % {"name": upload.name, "size": uploads.WEB_UPLOADS.max_file_bytes // uploads.MIB}
            )
    together = uploads.files_problem([upload.size or 0 for upload in files])
    if together == uploads.TOO_MANY:
        count = uploads.WEB_UPLOADS.max_files
        errors.append(
            ngettext(
                "Please attach at most %(count)s file.",
                "Please attach at most %(count)s files.",
                count,
            )
            % {"count": count}
        )
    elif together == uploads.TOO_MUCH:
        errors.append(
            _("The files together are larger than %(size)s MB.")
            % {"size": uploads.WEB_UPLOADS.max_total_bytes // uploads.MIB}
        )
    return errors


def read_uploads(files: list[UploadedFile]) -> list[tuple[str, str, bytes]]:
    result = []
    for upload in files:
        upload.seek(0)
        result.append((upload.name or "attachment", upload.content_type or "", upload.read()))
    return result


def uploads_help_text() -> str:
    return _("Up to %(count)s files, %(size)s MB each.") % {
        "count": uploads.WEB_UPLOADS.max_files,
        "size": uploads.WEB_UPLOADS.max_file_bytes // uploads.MIB,
    }


class PublicForm(forms.Form):
    """A form anyone may send: a per-form token and a honeypot."""

    form_name = ""

    token = forms.CharField(widget=forms.HiddenInput)
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    @property
    def is_spam(self) -> bool:
        """The honeypot was filled in: a bot (people never see the field)."""
        return bool(str(self.data.get(self.add_prefix(HONEYPOT), "")).strip())

    def clean_token(self) -> str:
        try:
            return tokens.form_token_id(self.cleaned_data["token"])
        except tokens.FormTokenExpired:
            raise forms.ValidationError(
                _("This form was open for too long. Please check it and send it again."),
                code="expired",
            ) from None
        except tokens.FormTokenInvalid:
            raise forms.ValidationError(
                _("This form could not be read. Please send it again."), code="invalid"
            ) from None

    def page_token(self) -> str:
        """The token the re-rendered page should carry: the same one while it is valid (so
        that sending the corrected form twice is still one message), else a fresh one."""
        if self.is_bound and "token" not in self.errors:
            return str(self.data[self.add_prefix("token")])
        return tokens.new_form_token()

    def fields_for_payload(self) -> dict[str, str]:
        return {
            name: str(self.cleaned_data.get(name) or "").strip()
            for name in adapters.FIELDS
            if name in self.cleaned_data
        }

    def payload(self, *, language: str, now: dt.datetime) -> bytes:
        return adapters.payload(
            form=self.form_name,
            token=self.cleaned_data["token"],
            language=language,
            submitted_at=now,
            fields=self.fields_for_payload(),
            attachments=self.attachment_payloads(),
            window=self.window(),
        )

    def attachment_payloads(self) -> Sequence[tuple[str, str, bytes]]:
        return ()

    def window(self) -> rules.Window | None:
        return None

    def idempotency_key(self) -> str:
        return adapters.idempotency_key(self.form_name, self.cleaned_data["token"])


class ContactForm(PublicForm):
    form_name = adapters.CONTACT_FORM

    name = forms.CharField(label=_("Your name"), max_length=200, widget=NAME_INPUT)
    email = forms.EmailField(label=_("E-mail"), required=False, max_length=254, widget=EMAIL_INPUT)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=32, widget=PHONE_INPUT)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    message = forms.CharField(
        label=_("How can we help?"),
        max_length=MAX_MESSAGE_CHARS,
        widget=forms.Textarea(attrs={"rows": 7, "dir": "auto"}),
    )
    attachments = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Formatted here, not at import: the text follows the visitor's language.
        self.fields["attachments"].help_text = uploads_help_text()

    def clean_phone(self) -> str:
        phone = str(self.cleaned_data.get("phone") or "").strip()
        if phone and (error := phone_error(phone)):
            raise forms.ValidationError(error)
        return phone

    def clean_attachments(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data.get("attachments") or []
        if errors := upload_errors(files):
            raise forms.ValidationError(errors)
        return files

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("email") and not cleaned.get("phone") and not self.has_error("phone"):
            self.add_error("email", _("Please give an e-mail address or a phone number."))
        return cleaned

    def attachment_payloads(self) -> Sequence[tuple[str, str, bytes]]:
        return read_uploads(self.cleaned_data.get("attachments") or [])


class WidgetMessageForm(PublicForm):
    form_name = adapters.WIDGET_MESSAGE
    prefix = "message"

    name = forms.CharField(label=_("Your name"), max_length=200, widget=NAME_INPUT)
    email = forms.EmailField(label=_("E-mail"), required=False, max_length=254, widget=EMAIL_INPUT)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=32, widget=PHONE_INPUT)
    message = forms.CharField(
        label=_("Your message"),
        max_length=MAX_MESSAGE_CHARS,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
    )

    clean_phone = ContactForm.clean_phone

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("email") and not cleaned.get("phone") and not self.has_error("phone"):
            self.add_error("email", _("Please give an e-mail address or a phone number."))
        return cleaned


class WidgetCallbackForm(PublicForm):
    form_name = adapters.WIDGET_CALLBACK
    prefix = "callback"

    DAYS = [
        ("asap", _("As soon as possible")),
        ("today", _("Today")),
        ("tomorrow", _("Tomorrow")),
    ]
    HOURS = [(hour.strftime("%H:%M"), hour.strftime("%H:%M")) for hour in WINDOW_HOURS]

    name = forms.CharField(label=_("Your name"), max_length=200, widget=NAME_INPUT)
    phone = forms.CharField(label=_("Phone"), max_length=32, widget=PHONE_INPUT)
    day = forms.ChoiceField(label=_("When?"), choices=DAYS, initial="asap")
    start = forms.ChoiceField(label=_("Not before"), choices=HOURS, required=False, initial="09:00")
    end = forms.ChoiceField(label=_("Not after"), choices=HOURS, required=False, initial="12:00")
    message = forms.CharField(
        label=_("What is it about? (optional)"),
        required=False,
        max_length=2_000,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
    )

    def __init__(self, *args: Any, now: dt.datetime | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()
        self._window: rules.Window | None = None

    def clean_phone(self) -> str:
        phone = str(self.cleaned_data["phone"]).strip()
        if error := phone_error(phone):
            raise forms.ValidationError(error)
        return phone

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day = cleaned.get("day")
        if day in ("today", "tomorrow"):
            zone = timezone.get_current_timezone_name()
            start = dt.time.fromisoformat(cleaned.get("start") or "09:00")
            end = dt.time.fromisoformat(cleaned.get("end") or "12:00")
            window = rules.local_window(rules.day_choice(day, self.now, zone), start, end, zone)
            problem = check_callback_window(window, now=self.now)
            if problem is not None:
                self.add_error("day", window_error(problem))
            else:
                self._window = window
        return cleaned

    def window(self) -> rules.Window | None:
        return self._window
