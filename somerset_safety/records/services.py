"""Every write of records management: one service each, with its audit (STYLE.md)."""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_record
from somerset_safety.core.dates import today as local_today
from somerset_safety.core.edits import save_changes
from somerset_safety.core.transitions import transition

from . import registry
from .exceptions import RecordsError
from .models import LegalHold, RetentionAction, RetentionRule, RetentionTrigger
from .states import HOLD_MOVES


def rules_load_defaults(sender=None, **kwargs) -> int:
    """Give every registered record type its default rule if it has none yet (after migrate
    and in the demo). A rule the records manager has changed is never overwritten. Returns how
    many rules were created."""
    existing = set(RetentionRule.objects.values_list("record_type", flat=True))
    created = [
        RetentionRule(
            record_type=record_type.key,
            period_months=record_type.default.period_months,
            trigger=record_type.default.trigger,
            action=record_type.default.action,
            notes="The service's starting rule: check it against the council's retention schedule.",
        )
        for record_type in registry.record_types()
        if record_type.key not in existing
    ]
    RetentionRule.objects.bulk_create(created, ignore_conflicts=True)
    return len(created)


@transaction.atomic
def rule_update(
    *, actor, rule: RetentionRule, period_months: int, trigger: str, action: str, notes: str
) -> list[str]:
    """Change one line of the retention schedule. The trigger must be one the record type
    supports. Audits the changed field names; returns them (empty when nothing changed).
    Raises RecordsError when the values do not fit the record type."""
    rule = RetentionRule.objects.select_for_update().get(pk=rule.pk)
    record_type = registry.record_type(rule.record_type)
    if record_type is None:
        raise RecordsError(
            "This kind of record is no longer held by the service, so its rule cannot be changed."
        )
    if trigger not in record_type.triggers:
        supported = ", ".join(f"“{label.lower()}”" for _, label in record_type.trigger_choices())
        raise RecordsError(
            f"{record_type.label} cannot be kept from “{RetentionTrigger(trigger).label.lower()}”. "
            f"Choose {supported}."
        )
    if action not in RetentionAction.values:
        raise RecordsError("Choose what happens when the period ends.")
    if period_months < 1:
        raise RecordsError("The retention period must be at least 1 month.")
    values = {"period_months": period_months, "trigger": trigger, "action": action, "notes": notes}
    changed = save_changes(rule, values, actor=actor)
    if changed:
        rule.updated_by = actor
        rule.save(update_fields=["updated_by", "updated_at"])
    return changed


@transaction.atomic
def hold_place(*, actor, record_type_key: str, object_id, reason: str, review_on: date) -> LegalHold:
    """Put a legal hold on one record: from now on it is never due for disposal. Audited on the
    hold and on the record. Raises RecordsError when the record does not exist, already has a
    hold in force, the reason is empty or the review date is not in the future."""
    record_type = registry.record_type(record_type_key)
    if record_type is None:
        raise RecordsError("This kind of record is not on the retention schedule.")
    record = record_type.model._default_manager.filter(pk=object_id).first()
    if record is None:
        raise RecordsError("That record no longer exists.")
    if not reason.strip():
        raise RecordsError("Enter why the record is held")
    if review_on <= local_today():
        raise RecordsError("The date to review the hold must be in the future")
    try:
        with transaction.atomic():
            hold = LegalHold.objects.create(
                record_type=record_type.key,
                object_id=str(record.pk),
                reference=str(record),
                reason=reason.strip(),
                review_on=review_on,
                placed_by=actor,
            )
    except IntegrityError:
        raise RecordsError(f"{record} already has a legal hold in force.") from None
    audit_record(actor=actor, action=AuditAction.CREATE, obj=hold, detail={"record_type": record_type.key})
    audit_record(actor=actor, action=AuditAction.CHANGE, obj=record, changed_fields=["legal_hold"])
    return hold


@transaction.atomic
def hold_release(*, actor, hold: LegalHold, reason: str) -> LegalHold:
    """End a legal hold: the record is again disposed of by its retention rule. Raises
    RecordsError when the hold is already released or no reason is given."""
    if not reason.strip():
        raise RecordsError("Enter why the hold is released")
    return transition(
        hold,
        "release",
        machine=HOLD_MOVES,
        actor=actor,
        values={"released_by": actor, "released_at": timezone.now(), "release_reason": reason.strip()},
    )
