"""The default working calendar (the Israeli office week) and a starting set of policies."""

from django.db import migrations

DEFAULT_CALENDAR = {
    "timezone": "Asia/Jerusalem",
    "week": {
        "sun": ["09:00-17:00"],
        "mon": ["09:00-17:00"],
        "tue": ["09:00-17:00"],
        "wed": ["09:00-17:00"],
        "thu": ["09:00-17:00"],
        "fri": ["09:00-13:00"],
        "sat": [],
    },
    "holidays": "IL",
    "eve_hours": ["09:00-13:00"],
    "closed": [],
    "open": {},
}

H = 60  # minutes in an hour
DAY = 8 * H  # a business day of the default calendar

# (name, match, first response, next response, resolution, callback), minutes of business
# time; blank match fields match anything, None leaves the target to a wider policy.
POLICIES = [
    ("ברירת מחדל", {}, 4 * H, 8 * H, 5 * DAY, 2 * H),
    ("דחוף", {"priority": "urgent"}, 30, H, DAY, 30),
    ("עדיפות גבוהה", {"priority": "high"}, H, 2 * H, 2 * DAY, H),
    ("עדיפות נמוכה", {"priority": "low"}, DAY, 2 * DAY, 10 * DAY, None),
    ("תלונה", {"kind": "complaint"}, H, 2 * H, 3 * DAY, H),
    ("לקוחות VIP", {"tier": "vip"}, H, 2 * H, 2 * DAY, H),
    ("לקוחות פרימיום", {"tier": "premium"}, 2 * H, 4 * H, None, None),
    ("חזרה טלפונית", {"channel": "phone"}, None, None, None, H),
]


def create_defaults(apps, schema_editor):
    BusinessCalendar = apps.get_model("sla", "BusinessCalendar")
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    if not BusinessCalendar.objects.filter(is_default=True).exists():
        BusinessCalendar.objects.create(
            name="שעות משרד בישראל", spec=DEFAULT_CALENDAR, is_default=True
        )
    for name, match, first, following, resolution, callback in POLICIES:
        SlaPolicy.objects.get_or_create(
            kind=match.get("kind", ""),
            priority=match.get("priority", ""),
            tier=match.get("tier", ""),
            channel=match.get("channel", ""),
            defaults={
                "name": name,
                "first_response_minutes": first,
                "next_response_minutes": following,
                "resolution_minutes": resolution,
                "callback_minutes": callback,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
