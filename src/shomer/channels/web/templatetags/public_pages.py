"""Template helpers of the public pages: the language switch and `lang`-keeping links."""

from __future__ import annotations

from django import template
from django.http import HttpRequest
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

NAMES = {"he": "עברית", "en": "English"}


def with_language(request: HttpRequest, language: str) -> str:
    query = request.GET.copy()
    query["lang"] = language
    return f"{request.path}?{query.urlencode()}"


@register.simple_tag(takes_context=True)
def language_switch(context: template.Context) -> SafeString:
    """A link to this page in the other language."""
    request = context["request"]
    other = "en" if translation.get_language() == "he" else "he"
    return format_html(
        '<a class="language-switch" href="{}" lang="{}" hreflang="{}" data-testid="switch-language">{}</a>',
        with_language(request, other),
        other,
        other,
        NAMES[other],
    )


@register.simple_tag
def lang_query() -> str:
    """`lang=xx` for the active language, to keep it across links inside the widget."""
    return f"lang={translation.get_language()}"
