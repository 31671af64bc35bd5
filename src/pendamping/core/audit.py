"""The audit trail: services call `audit_record` inside their transaction, after the write.

Changes are kept as {"field": {"before": old, "after": new}}. Secrets (passwords, tokens) are never passed in;
services record only that they changed.
"""

import datetime
import decimal
import uuid
from typing import Any

from django.db import models

from .models import AuditEvent

UNSET = object()


def json_value(value: Any) -> Any:
    """A value as the audit log keeps it: JSON types only."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, list | tuple | set | frozenset):
        return [json_value(item) for item in value]
    if isinstance(value, dict):
        return {str(key): json_value(item) for key, item in value.items()}
    return str(value)


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The named fields of an object, as JSON values (foreign keys by their key)."""
    values = {}
    for name in fields:
        field = obj._meta.get_field(name)
        values[name] = json_value(getattr(obj, field.attname))
    return values


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Only the fields whose value changed, with both values."""
    changes = {}
    for name in sorted(set(before) | set(after)):
        old, new = json_value(before.get(name)), json_value(after.get(name))
        if old != new:
            changes[name] = {"before": old, "after": new}
    return changes


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    area_code: str = "",
    changes: dict[str, dict[str, Any]] | None = None,
    reason: str = "",
) -> AuditEvent:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    actor_user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=actor_user,
        actor_username=actor_user.get_username() if actor_user else "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        area_code=area_code,
        changes=json_value(changes or {}),
        reason=reason,
    )
