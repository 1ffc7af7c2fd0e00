from django.db import models, transaction

from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_record


@transaction.atomic
def record_archive(*, actor, obj: models.Model, reason: str, field: str = "active") -> bool:
    """Archive a record instead of deleting it: clear its `field` flag and audit the reason.
    Returns False (and records nothing) when it was already archived."""
    locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    if not getattr(locked, field):
        return False
    setattr(locked, field, False)
    locked.save(update_fields=[field])
    setattr(obj, field, False)
    audit_record(
        actor=actor, action=AuditAction.ARCHIVE, obj=locked, changed_fields=[field], detail={"reason": reason}
    )
    return True
