"""The default working calendar: the Israeli office week (the migrations hold their own copy)."""

from __future__ import annotations

from typing import Any, Final

DEFAULT_CALENDAR_NAME: Final = "שעות משרד בישראל"
DEFAULT_CALENDAR: Final[dict[str, Any]] = {
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
