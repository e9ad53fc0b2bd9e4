"""Language on public pages: Hebrew by default; `?lang=en` (or `he`) switches and is kept.

Inside the widget's iframe the visitor's cookies may not reach us (third-party frame), so its
pages carry `lang` in every link and form instead.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from shomer.core.middleware import SUPPORTED
from shomer.core.views import ONE_YEAR

View = Callable[..., HttpResponse]


def chosen_language(request: HttpRequest) -> str | None:
    value = request.GET.get("lang", "")
    return value if value in SUPPORTED else None


def public_page(view: View) -> View:
    """Activate `?lang=` for this request and remember it in the language cookie."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        chosen = chosen_language(request)
        if chosen is not None:
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen  # type: ignore[attr-defined]
        response = view(request, *args, **kwargs)
        if chosen is not None:
            response.headers["Content-Language"] = chosen
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, chosen, max_age=ONE_YEAR, samesite="Lax"
            )
        return response

    return wrapped
