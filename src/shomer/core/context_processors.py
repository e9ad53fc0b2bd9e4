from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def shomer(request: HttpRequest) -> dict[str, Any]:
    return {"BUSINESS_NAME": settings.SHOMER_BUSINESS_NAME}
