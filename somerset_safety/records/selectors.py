"""Reads of records management: the schedule with what is due, and the records due of one type."""

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.db import models

from . import registry
from .models import RetentionRule


@dataclass(frozen=True)
class ScheduleLine:
    record_type: registry.RecordType
    rule: RetentionRule
    cutoff: date
    due_count: int


def cutoff_for(rule: RetentionRule, today: date) -> date:
    """A record is due when its trigger date is on or before this day: the period counted back
    from today in calendar months (31 March less one month is 28 or 29 February)."""
    return today - relativedelta(months=rule.period_months)


def due_records(record_type: registry.RecordType, rule: RetentionRule, today: date) -> models.QuerySet:
    """The records of this type whose retention period has ended, oldest trigger first. A
    record whose trigger has not happened (an empty date) is never due."""
    return (
        record_type.with_trigger_date(rule.trigger)
        .filter(trigger_date__isnull=False, trigger_date__lte=cutoff_for(rule, today))
        .order_by("trigger_date", "pk")
    )


def schedule(today: date) -> list[ScheduleLine]:
    """Every registered record type with its rule and how many of its records are due now.
    Types without a rule yet (registered since the last migrate) are left out until loaded."""
    rules = {rule.record_type: rule for rule in RetentionRule.objects.select_related("updated_by")}
    lines = []
    for record_type in registry.record_types():
        rule = rules.get(record_type.key)
        if rule is None:
            continue
        lines.append(
            ScheduleLine(
                record_type=record_type,
                rule=rule,
                cutoff=cutoff_for(rule, today),
                due_count=due_records(record_type, rule, today).count(),
            )
        )
    return lines
