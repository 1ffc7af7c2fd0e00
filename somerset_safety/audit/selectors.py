from dataclasses import dataclass

from django.db import models

from .models import AuditAction, AuditEvent


def events_for_object(obj: models.Model):
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).select_related(
        "actor"
    )


def viewers_of(obj: models.Model, limit: int = 50):
    """'Who viewed this record' (S12): the latest views, newest first."""
    return events_for_object(obj).filter(action=AuditAction.VIEW)[:limit]


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    checked: int
    first_bad_id: int | None = None


def verify_chain(batch_size: int = 5000) -> ChainCheck:
    """Walk the whole chain oldest first; the first row whose hash does not match is reported."""
    previous = ""
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch_size):
        if event.previous_hash != previous or event.compute_hash() != event.row_hash:
            return ChainCheck(ok=False, checked=checked, first_bad_id=event.pk)
        previous = event.row_hash
        checked += 1
    return ChainCheck(ok=True, checked=checked)
