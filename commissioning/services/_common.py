"""Small pieces every commissioning service uses. `save_changes` is the platform's one way to
save an edit (somerset_safety/core/edits), imported here for the services."""

from datetime import date

from django.db import models

from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_record
from somerset_safety.core.dates import refuse_future
from somerset_safety.core.edits import save_changes

from ..clocks import long_date
from ..exceptions import CommissioningError

__all__ = ["audit_created", "long_date", "not_future", "require_text", "save_changes"]


def not_future(day: date | None, what: str, *, field: str | None) -> None:
    """The platform's not-in-the-future rule, raised as the commissioning error on `field`."""
    refuse_future(day, f"The {what}", CommissioningError, field=field)


def require_text(value: str, message: str) -> str:
    if not (value or "").strip():
        raise CommissioningError(message)
    return value.strip()


def audit_created(obj: models.Model, actor, fields) -> None:
    audit_record(actor=actor, action=AuditAction.CREATE, obj=obj, changed_fields=list(fields))
