"""Small pieces every commissioning service uses."""

from datetime import date

from django.db import models

from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_record, changed_field_names
from somerset_safety.core.dates import today as local_today

from ..exceptions import CommissioningError


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def not_future(day: date | None, what: str) -> None:
    if day is not None and day > local_today():
        raise CommissioningError(f"The {what} must be today or in the past.")


def require_text(value: str, message: str) -> str:
    if not (value or "").strip():
        raise CommissioningError(message)
    return value.strip()


def save_changes(obj: models.Model, values: dict, actor) -> list[str]:
    """Set the values that differ, save only those fields and audit their names."""
    before = {name: getattr(obj, name) for name in values}
    changed = changed_field_names(before, values)
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
        audit_record(actor=actor, action=AuditAction.CHANGE, obj=obj, changed_fields=changed)
    return changed


def audit_created(obj: models.Model, actor, fields) -> None:
    audit_record(actor=actor, action=AuditAction.CREATE, obj=obj, changed_fields=list(fields))
