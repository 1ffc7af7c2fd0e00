"""Every write of records management: one service each, with its audit (STYLE.md)."""

from django.db import transaction

from somerset_safety.core.edits import save_changes

from . import registry
from .exceptions import RecordsError
from .models import RetentionAction, RetentionRule, RetentionTrigger


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
