"""What a public form accepts as attachments: pure checks over a file's name, type and size.

The blocked extensions and content types are the e-mail parser's (`channels.email.parse.
Limits`), plus web pages and SVG, which can carry script into an agent's browser.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from shomer.channels.email.parse import DEFAULT_LIMITS

MIB: Final = 1024 * 1024


@dataclass(frozen=True)
class UploadLimits:
    max_files: int = 5
    max_file_bytes: int = 10 * MIB
    max_total_bytes: int = 20 * MIB
    blocked_extensions: frozenset[str] = field(
        default=DEFAULT_LIMITS.blocked_extensions | frozenset({"html", "htm", "xhtml", "svg"})
    )
    blocked_types: frozenset[str] = field(
        default=DEFAULT_LIMITS.blocked_types
        | frozenset({"text/html", "application/xhtml+xml", "image/svg+xml"})
    )


WEB_UPLOADS: Final = UploadLimits()

# Why a file was refused (forms translate these codes).
TOO_BIG: Final = "too_big"
BLOCKED_TYPE: Final = "blocked_type"
TOO_MANY: Final = "too_many"
TOO_MUCH: Final = "too_much"


def file_problem(
    filename: str, content_type: str, size: int, limits: UploadLimits = WEB_UPLOADS
) -> str | None:
    """None if one file may be sent; else TOO_BIG or BLOCKED_TYPE."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    content_type = content_type.split(";", 1)[0].strip().lower()
    if extension in limits.blocked_extensions or content_type in limits.blocked_types:
        return BLOCKED_TYPE
    if size > limits.max_file_bytes:
        return TOO_BIG
    return None


def files_problem(sizes: list[int], limits: UploadLimits = WEB_UPLOADS) -> str | None:
    """None if these files together may be sent; else TOO_MANY or TOO_MUCH."""
    if len(sizes) > limits.max_files:
        return TOO_MANY
    if sum(sizes) > limits.max_total_bytes:
        return TOO_MUCH
    return None
