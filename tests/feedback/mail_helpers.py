"""Reading the mail the SMTP sink received."""

from __future__ import annotations

import re
from email.header import decode_header, make_header
from email.message import Message


def header(mail: Message, name: str) -> str:
    return str(make_header(decode_header(mail[name])))


def parts(mail: Message) -> dict[str, str]:
    found = {}
    for part in mail.walk():
        if part.get_content_maintype() == "text":
            text = part.get_payload(decode=True).decode(part.get_content_charset())
            found[part.get_content_type()] = text.replace("\r\n", "\n")
    return found


def links(mail: Message, prefix: str = "http://testserver/s/") -> list[str]:
    """The distinct links under `prefix` in the HTML part, in order."""
    found: list[str] = []
    for url in re.findall(r'href="([^"]+)"', parts(mail)["text/html"]):
        if url.startswith(prefix) and url not in found:
            found.append(url)
    return found


def path(url: str) -> str:
    return url.removeprefix("http://testserver")
