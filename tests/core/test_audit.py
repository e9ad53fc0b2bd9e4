from __future__ import annotations

import pytest

from shomer.core.audit import record
from shomer.core.models import AuditEvent, AuditLogIsAppendOnly


def test_audit_events_cannot_be_changed_or_deleted(dana_ticket, dana):
    event = record("ticket.test", dana_ticket, actor=dana, note="x")

    event.action = "changed"
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(action="changed")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "ticket.test"
