"""Writing the audit log: the one way to record a state change."""

from __future__ import annotations

from typing import Any

from django.db import models

from shomer.core.models import AuditEvent


def record(
    action: str,
    target: models.Model,
    *,
    actor: Any = None,
    **data: Any,
) -> AuditEvent:
    """Append one audit event for `target` (any saved model instance)."""
    return AuditEvent.objects.create(
        action=action,
        object_type=target._meta.label_lower,
        object_id=str(target.pk),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        data=data,
    )


def history(target: models.Model) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        object_type=target._meta.label_lower, object_id=str(target.pk)
    ).select_related("actor")
