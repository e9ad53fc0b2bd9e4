from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shomer.conversations.models import Channel, Kind, Priority, Status, Ticket
from shomer.core.widgets import FastSelect
from shomer.people.models import Team, User

MAX_MESSAGE_CHARS = 100_000


class InboxFilterForm(forms.Form):
    """The inbox's queue, filters, search and sort; every field optional and forgiving."""

    QUEUES = [
        ("mine", _("My tickets")),
        ("team", _("My teams")),
        ("unassigned", _("Unassigned")),
        ("all", _("All")),
    ]
    SORTS = [
        ("sla", _("SLA due first")),
        ("-updated_at", _("Recently updated")),
        ("updated_at", _("Least recently updated")),
        ("-created_at", _("Newest")),
        ("created_at", _("Oldest")),
        ("priority_rank", _("Priority")),
    ]
    STATUS_CHOICES = [("", _("Open statuses")), ("any", _("Any status")), *Status.choices]

    queue = forms.ChoiceField(label=_("Queue"), choices=QUEUES, required=False, widget=FastSelect)
    status = forms.ChoiceField(
        label=_("Status"), choices=STATUS_CHOICES, required=False, widget=FastSelect
    )
    priority = forms.ChoiceField(
        label=_("Priority"),
        choices=[("", _("Any priority")), *Priority.choices],
        required=False,
        widget=FastSelect,
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[("", _("Any channel")), *Channel.choices],
        required=False,
        widget=FastSelect,
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", _("Any kind")), *Kind.choices],
        required=False,
        widget=FastSelect,
    )
    tag = forms.CharField(label=_("Tag"), max_length=50, required=False)
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    sort = forms.ChoiceField(label=_("Sort"), choices=SORTS, required=False, widget=FastSelect)

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        if data is not None and not data.get("sort"):
            # Show the queue's default order (SLA due first but in "unassigned").
            from shomer.conversations.inbox import default_sort

            data = data.copy()
            data["sort"] = default_sort(data.get("queue") or "mine")
        super().__init__(data, *args, **kwargs)


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Reply"),
        max_length=MAX_MESSAGE_CHARS,
        widget=forms.Textarea(attrs={"rows": 5, "dir": "auto"}),
    )
    status = forms.ChoiceField(
        label=_("Then set status"),
        choices=[("", _("Keep status")), *Status.choices],
        required=False,
    )


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Internal note"),
        max_length=MAX_MESSAGE_CHARS,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Assignee"),
        queryset=User.objects.filter(is_active=True),
        required=False,
        empty_label=_("Unassigned"),
    )


class PropertiesForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.all(), required=False, empty_label=_("No team")
    )


class TagsForm(forms.Form):
    tags = forms.CharField(
        label=_("Tags"),
        max_length=500,
        required=False,
        help_text=_("Separate tags with commas."),
    )

    def clean_tags(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data["tags"].split(",") if t.strip()]


class MergeForm(forms.Form):
    target = forms.IntegerField(label=_("Merge into ticket number"), min_value=1)

    def __init__(self, *args: Any, ticket: Ticket, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ticket = ticket
        self.user = user

    def clean_target(self) -> Ticket:
        from shomer.conversations.services import visible_tickets

        number = self.cleaned_data["target"]
        if number == self.ticket.pk:
            raise forms.ValidationError(_("A ticket cannot be merged into itself."))
        target = visible_tickets(self.user).filter(pk=number).first()
        if target is None:
            raise forms.ValidationError(_("There is no ticket %(number)s.") % {"number": number})
        if target.merged_into_id:
            raise forms.ValidationError(
                _("Ticket %(number)s was itself merged; merge into ticket %(into)s instead.")
                % {"number": number, "into": target.merged_into_id}
            )
        return target

    def clean(self) -> dict[str, Any]:
        if self.ticket.merged_into_id:
            raise forms.ValidationError(_("This ticket was already merged."))
        return self.cleaned_data


class TimeEntryForm(forms.Form):
    minutes = forms.IntegerField(label=_("Minutes worked"), min_value=1, max_value=24 * 60)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
