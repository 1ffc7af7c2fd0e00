from django.db import transaction
from django.db.models import Model

from .models import Deadline, DeadlineStatus
from .registry import registration_for

_SYNCED_FIELDS = [
    "label",
    "subject_reference",
    "subject_url",
    "due_date",
    "statutory",
    "responsible_user",
    "responsible_agency",
    "status",
    "met_on",
]


@transaction.atomic
def deadlines_sync(*, subject: Model) -> list[Deadline]:
    """Bring the stored deadlines of `subject` into line with its app's rule.

    Call it from every service that changes something a rule reads, inside the same
    transaction. Waived deadlines keep their waiver; open ones the rule no longer produces
    are removed; met ones are kept as history.
    """
    registration = registration_for(subject)
    if registration is None:
        raise LookupError(f"No deadline rule is registered for {subject._meta.label}")
    specs = list(registration.rule(subject))
    existing = {
        (d.kind, d.key): d
        for d in Deadline.objects.select_for_update().filter(
            subject_type=registration.subject_type, subject_id=subject.pk
        )
    }
    kept = []
    for spec in specs:
        row = existing.pop((spec.kind, spec.key), None)
        values = {
            "label": spec.label,
            "subject_reference": str(getattr(subject, "reference", "") or "")[:60],
            "subject_url": subject.get_absolute_url(),
            "due_date": spec.due_date,
            "statutory": spec.statutory,
            "responsible_user": spec.responsible_user,
            "responsible_agency": spec.responsible_agency,
        }
        if row is not None and row.status == DeadlineStatus.WAIVED:
            values["status"], values["met_on"] = DeadlineStatus.WAIVED, None
        elif spec.met_on is not None:
            values["status"], values["met_on"] = DeadlineStatus.MET, spec.met_on
        else:
            values["status"], values["met_on"] = DeadlineStatus.OPEN, None
        if row is None:
            row = Deadline.objects.create(
                subject_type=registration.subject_type,
                subject_id=subject.pk,
                kind=spec.kind,
                key=spec.key,
                **values,
            )
        else:
            changed = [f for f in _SYNCED_FIELDS if getattr(row, f) != values[f]]
            if changed:
                for f in changed:
                    setattr(row, f, values[f])
                row.save(update_fields=[*changed, "updated_at"])
        kept.append(row)
    stale = [d.pk for d in existing.values() if d.status == DeadlineStatus.OPEN]
    if stale:
        Deadline.objects.filter(pk__in=stale).delete()
    return kept


@transaction.atomic
def deadline_waive(*, actor, deadline: Deadline, reason: str) -> Deadline:
    """Waive an open, non-statutory deadline with a reason. Raises DeadlineError otherwise."""
    from django.utils import timezone

    from somerset_safety.audit.models import AuditAction
    from somerset_safety.audit.services import audit_record
    from somerset_safety.core.queueing import enqueue

    from .exceptions import DeadlineError

    deadline = Deadline.objects.select_for_update().get(pk=deadline.pk)
    if deadline.status != DeadlineStatus.OPEN:
        raise DeadlineError("Only an open deadline can be waived.")
    if deadline.statutory:
        raise DeadlineError(
            "A statutory deadline cannot be waived. Record a pause or the date it was met instead."
        )
    if not reason.strip():
        raise DeadlineError("Enter the reason for waiving this deadline.")
    deadline.status = DeadlineStatus.WAIVED
    deadline.waived_reason = reason.strip()
    deadline.waived_by = actor
    deadline.waived_at = timezone.now()
    deadline.save(update_fields=["status", "waived_reason", "waived_by", "waived_at", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=deadline,
        changed_fields=["status", "waived_reason"],
    )
    if deadline.responsible_user_id and deadline.responsible_user_id != actor.pk:
        enqueue("deadlines.notify_waived", deadline.pk)
    return deadline
