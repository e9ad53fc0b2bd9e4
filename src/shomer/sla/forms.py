"""Forms for the manager's SLA pages: a working calendar, a policy, the report's period.

A calendar is edited field by field (hours per weekday, holidays, eves, Chol HaMoed, closed
and special dates) and assembled into the CALENDAR of `shomer sla due`; every mistake gets a
translated message on its own field, and the engine checks the whole before it is saved.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import zoneinfo
from functools import cache
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shomer.people.models import Team
from shomer.sla import rules
from shomer.sla.calendar import MAX_YEAR, MIN_YEAR, Calendar, CalendarError
from shomer.sla.models import BusinessCalendar, SlaPolicy, Target

DAYS = [
    ("sun", _("Sunday")),
    ("mon", _("Monday")),
    ("tue", _("Tuesday")),
    ("wed", _("Wednesday")),
    ("thu", _("Thursday")),
    ("fri", _("Friday")),
    ("sat", _("Saturday")),
]
_RANGE = re.compile(r"^([0-9]{1,2}):([0-9]{2})\s*-\s*([0-9]{1,2}):([0-9]{2})$")
_SEPARATORS = re.compile(r"[,;\s]+")


@cache
def _zones() -> list[tuple[str, str]]:
    return [(zone, zone) for zone in sorted(zoneinfo.available_timezones())]


def parse_hours(text: str) -> list[str]:
    """ "09:00-13:00, 14:00-17:00" as sorted intervals; ValidationError (translated) on a
    malformed range, an end not after its start, or overlapping ranges."""
    ranges: list[tuple[int, int, str]] = []
    for item in re.split(r"\s*[,;]\s*|\s+(?=[0-9]{1,2}:[0-9]{2}\s*-)", text.strip()):
        if not item:
            continue
        match = _RANGE.match(item.replace("–", "-"))
        if match is None:
            raise forms.ValidationError(
                _("“%(value)s” is not a time range like 09:00-17:00."), params={"value": item}
            )
        start_hour, start_minute, end_hour, end_minute = (int(part) for part in match.groups())
        start, end = start_hour * 60 + start_minute, end_hour * 60 + end_minute
        if start_minute > 59 or end_minute > 59 or end > 24 * 60:
            raise forms.ValidationError(
                _("%(value)s: times run from 00:00 to 24:00."), params={"value": item}
            )
        if end <= start:
            raise forms.ValidationError(
                _("%(value)s: the end must be after the start (a range cannot cross midnight)."),
                params={"value": item},
            )
        ranges.append(
            (start, end, f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}")
        )
    ranges.sort()
    for (_s1, end1, first), (start2, _e2, second) in itertools.pairwise(ranges):
        if start2 < end1:
            raise forms.ValidationError(
                _("%(first)s and %(second)s overlap."), params={"first": first, "second": second}
            )
    return [text for _, _, text in ranges]


def _parse_date(text: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise forms.ValidationError(
            _("“%(value)s” is not a date like 2026-09-21."), params={"value": text}
        ) from None
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise forms.ValidationError(
            _("%(value)s: dates must fall between %(first)s and %(last)s."),
            params={"value": text, "first": MIN_YEAR, "last": MAX_YEAR},
        )
    return day


class HoursField(forms.CharField):
    """Working hours of a day: comma-separated ranges; empty is None (closed, or "usual
    hours" for eves and Chol HaMoed, as the help text says)."""

    def __init__(self, *, empty_means: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 200)
        # The placeholder says what an empty field means; the label's help shows the format.
        placeholder = empty_means if empty_means is not None else _("Closed all day")
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"placeholder": placeholder, "dir": "ltr"})
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> list[str] | None:  # type: ignore[override]
        text = super().clean(value)
        return parse_hours(text) if text.strip() else None


class CalendarForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    timezone = forms.ChoiceField(label=_("Time zone"), choices=_zones, initial="Asia/Jerusalem")
    sun = HoursField(label=_("Sunday"))
    mon = HoursField(label=_("Monday"))
    tue = HoursField(label=_("Tuesday"))
    wed = HoursField(label=_("Wednesday"))
    thu = HoursField(label=_("Thursday"))
    fri = HoursField(label=_("Friday"))
    sat = HoursField(label=_("Saturday"))
    israeli_holidays = forms.BooleanField(
        label=_("Closed on Israeli holidays"),
        required=False,
        help_text=_(
            "Rosh Hashana, Yom Kippur, Sukkot, Shemini Atzeret, Pesach (first and seventh "
            "days), Shavuot and Independence Day."
        ),
    )
    eve_hours = HoursField(
        empty_means=_("As usual"),
        label=_("Hours on a holiday eve"),
        help_text=_("Replace a working day's hours on the day before a holiday. Empty: as usual."),
    )
    chol_hamoed_hours = HoursField(
        empty_means=_("As usual"),
        label=_("Hours on Chol HaMoed"),
        help_text=_("The intermediate days of Pesach and Sukkot. Empty: as usual."),
    )
    closed = forms.CharField(
        label=_("Closed dates"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "ltr", "placeholder": "2026-12-31"}),
        help_text=_("One date a line (YYYY-MM-DD): a staff day, a strike."),
    )
    special = forms.CharField(
        label=_("Dates with special hours"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(
            attrs={"rows": 3, "dir": "ltr", "placeholder": "2026-10-01 10:00-14:00"}
        ),
        help_text=_("One a line: a date, then its hours (YYYY-MM-DD 10:00-14:00)."),
    )
    is_default = forms.BooleanField(
        label=_("Default calendar"),
        required=False,
        help_text=_("Counts for tickets without a team, and for teams without a calendar."),
    )
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams on this calendar"),
        queryset=Team.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, instance: BusinessCalendar | None = None, **kwargs: Any):
        self.instance = instance or BusinessCalendar()
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(instance)
        super().__init__(*args, **kwargs)
        if self.instance.is_default:
            # The default can be handed to another calendar, not removed.
            self.fields["is_default"].disabled = True

    @staticmethod
    def initial_from(instance: BusinessCalendar) -> dict[str, Any]:
        spec = instance.calendar.to_dict()

        def hours(value: list[str] | None) -> str:
            return ", ".join(value or [])

        initial: dict[str, Any] = {
            "name": instance.name,
            "timezone": spec["timezone"],
            "israeli_holidays": spec["holidays"] == "IL",
            "eve_hours": hours(spec["eve_hours"]),
            "chol_hamoed_hours": hours(spec.get("chol_hamoed_hours")),
            "closed": "\n".join(spec["closed"]),
            "special": "\n".join(f"{day} {hours(value)}" for day, value in spec["open"].items()),
            "is_default": instance.is_default,
            "teams": list(instance.teams.all()) if instance.pk else [],
        }
        initial.update({key: hours(spec["week"][key]) for key, _ in DAYS})
        return initial

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        taken = BusinessCalendar.objects.filter(name=name).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("Another calendar already has this name."))
        return name

    def clean_closed(self) -> list[str]:
        items = [item for item in _SEPARATORS.split(self.cleaned_data["closed"]) if item]
        return sorted({_parse_date(item).isoformat() for item in items})

    def clean_special(self) -> dict[str, list[str]]:
        special: dict[str, list[str]] = {}
        for line in self.cleaned_data["special"].splitlines():
            if not line.strip():
                continue
            day_text, _space, hours_text = line.strip().partition(" ")
            day = _parse_date(day_text).isoformat()
            if not hours_text.strip():
                raise forms.ValidationError(
                    _("%(day)s: give the hours (or list the date under closed dates)."),
                    params={"day": day},
                )
            if day in special:
                raise forms.ValidationError(_("%(day)s is listed twice."), params={"day": day})
            special[day] = parse_hours(hours_text)
        return special

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        if not any(data.get(key) for key, _ in DAYS):
            raise forms.ValidationError(_("Open at least one day of the week."))
        both = sorted(set(data["closed"]) & set(data["special"]))
        if both:
            self.add_error(
                "special",
                forms.ValidationError(
                    _("%(day)s is both closed and open with special hours."),
                    params={"day": both[0]},
                ),
            )
            return data
        try:
            self.calendar = Calendar.from_dict(self.spec())
        except CalendarError as error:
            raise forms.ValidationError(
                _("The calendar cannot be used: %(reason)s"), params={"reason": str(error)}
            ) from None
        return data

    def spec(self) -> dict[str, Any]:
        """The CALENDAR object from the cleaned fields."""
        data = self.cleaned_data
        spec: dict[str, Any] = {
            "timezone": data["timezone"],
            "week": {key: data.get(key) or [] for key, _ in DAYS},
            "holidays": "IL" if data["israeli_holidays"] else None,
            "eve_hours": data.get("eve_hours"),
            "closed": data["closed"],
            "open": data["special"],
        }
        if data.get("chol_hamoed_hours") is not None:
            spec["chol_hamoed_hours"] = data["chol_hamoed_hours"]
        return spec


class PolicyForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = SlaPolicy
        fields = [
            "name",
            "kind",
            "priority",
            "tier",
            "channel",
            "first_response_minutes",
            "next_response_minutes",
            "resolution_minutes",
            "callback_minutes",
            "warning_percent",
            "escalate_percent",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in ("kind", "priority", "tier", "channel"):
            choices = list(self.fields[field].choices)  # type: ignore[attr-defined]
            self.fields[field].choices = [("", _("Any")), *choices[1:]]  # type: ignore[attr-defined]
        for target in rules.TARGETS:
            self.fields[f"{target}_minutes"].label = Target(target).label

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not any(data.get(f"{target}_minutes") for target in rules.TARGETS):
            raise forms.ValidationError(_("Set at least one target."))
        return data


class ReportForm(forms.Form):
    BY = [
        ("team", _("Team")),
        ("agent", _("Agent")),
        ("priority", _("Priority")),
        ("channel", _("Channel")),
    ]
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput({"type": "date"})
    )
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput({"type": "date"}))
    by = forms.ChoiceField(label=_("By"), choices=BY, required=False)
    target = forms.ChoiceField(
        label=_("Target"), choices=[("", _("All targets")), *Target.choices], required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        today = timezone.localdate()
        data["end"] = data.get("end") or today
        data["start"] = data.get("start") or data["end"] - dt.timedelta(days=29)
        data["by"] = data.get("by") or "team"
        if data["start"] > data["end"]:
            raise forms.ValidationError(_("The period must start before it ends."))
        return data
