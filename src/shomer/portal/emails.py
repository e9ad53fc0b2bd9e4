"""The sign-in e-mail, in the contact's language (plain text and right-to-left HTML)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from shomer.portal.services import LINK_MAX_AGE, contacts_for_address, sign_in_url


def send_sign_in_links(email: str) -> int:
    """Send one e-mail with a sign-in link per contact of `email`; returns how many links."""
    contacts = contacts_for_address(email)
    if not contacts:
        return 0
    language = contacts[0].language if contacts[0].language in ("he", "en") else "he"
    with translation.override(language):
        context = {
            "links": [(contact, sign_in_url(contact)) for contact in contacts],
            "name": contacts[0].first_name,
            "minutes": LINK_MAX_AGE // 60,
            "business": settings.SHOMER_BUSINESS_NAME,
            "LANGUAGE_CODE": language,
            "LANGUAGE_BIDI": translation.get_language_bidi(),
        }
        subject = _("Your sign-in link to %(business)s") % {"business": context["business"]}
        text = render_to_string("portal/email/sign_in.txt", context)
        html = render_to_string("portal/email/sign_in.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[contacts[0].email],
    )
    message.attach_alternative(html, "text/html")
    message.send()
    return len(contacts)
