from django.db import models

from .models import AuditAction, AuditEvent


def events_for_object(obj: models.Model):
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).select_related(
        "actor"
    )


def viewers_of(obj: models.Model, limit: int = 50):
    """'Who viewed this record' (S12): the latest views, newest first."""
    return events_for_object(obj).filter(action=AuditAction.VIEW)[:limit]
