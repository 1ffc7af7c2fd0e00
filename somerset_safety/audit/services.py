"""The one way to write an audit event. Every service that shows, changes or discloses a
record calls `audit_record`; nothing else writes to the audit table."""

import logging
from collections.abc import Iterable

from django.db import models, transaction
from django.utils import timezone

from somerset_safety.core import request_context

from .chain import lock_chain, verify_chain
from .models import AuditAction, AuditEvent, ChainCheckResult

logger = logging.getLogger(__name__)


def object_type_of(obj_or_model) -> str:
    return obj_or_model._meta.label_lower


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    changed_fields: Iterable[str] = (),
    detail: dict | None = None,
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction.

    `detail` holds ids and recipients, never personal data such as names (S14).
    """
    if obj is not None:
        object_type = object_type_of(obj)
        object_id = obj.pk
    info = request_context.current()
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        lock_chain()
        previous = AuditEvent.objects.order_by("-id").values_list("row_hash", flat=True).first()
        event = AuditEvent(
            occurred_at=timezone.now(),
            actor=actor_obj,
            actor_label=actor_obj.email if actor_obj else "",
            agency_label=(actor_obj.agency.name if actor_obj and actor_obj.agency_id else ""),
            action=action,
            object_type=object_type,
            object_id=str(object_id) if object_id != "" else "",
            changed_fields=sorted(changed_fields),
            detail=detail or {},
            request_id=info.request_id if info else "",
            ip_address=info.ip if info else None,
            previous_hash=previous or "",
        )
        event.row_hash = event.compute_hash()
        event.save()
    return event


def audit_list(*, actor, model: type[models.Model], ids: Iterable, action: str = AuditAction.LIST, **detail):
    """Record which records a list or search showed (S11): their ids, not their content.
    An empty list page shows no record, so nothing is written; a search is always recorded."""
    ids = list(ids)
    if not ids and action == AuditAction.LIST:
        return None
    return audit_record(
        actor=actor,
        action=action,
        object_type=object_type_of(model),
        detail={"ids": [str(i) for i in ids], **detail},
    )


def changed_field_names(before: dict, after: dict) -> list[str]:
    return sorted(name for name in after if before.get(name) != after.get(name))


def chain_check_run(*, requested_by_id: int | None = None) -> ChainCheckResult:
    """Check the whole audit log against its seals and anchors, keep the result for the audit
    page and write it to the log stream. If the log has been altered, the information
    governance auditors are emailed at once (a link only)."""
    started = timezone.now()
    result = verify_chain()
    record = ChainCheckResult.objects.create(
        started_at=started,
        finished_at=timezone.now(),
        ok=result.ok,
        events_checked=result.checked,
        last_event_id=result.last_id,
        first_bad_id=result.first_bad_id,
        anchors_checked=result.anchors_checked,
        problems=result.problems,
        notes=result.notes,
        requested_by_id=requested_by_id,
    )
    if result.ok:
        logger.info("Audit log intact: %s events, %s anchors checked", result.checked, result.anchors_checked)
    else:
        logger.error("AUDIT LOG ALTERED: %s", " ".join(result.problems))
        from somerset_safety.core.queueing import enqueue

        enqueue("audit.tell_auditors_chain_broken", record.pk)
    return record


def chain_check_latest() -> ChainCheckResult | None:
    return ChainCheckResult.objects.select_related("requested_by").first()
