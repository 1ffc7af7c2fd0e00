"""Reads of records management: the schedule with what is due, and the records due of one type."""

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.db import models
from django.db.models import Exists, OuterRef
from django.db.models.functions import Cast

from . import registry
from .models import DisposalRefusal, ErasureLog, HoldStatus, LegalHold, RetentionRule


@dataclass(frozen=True)
class Refused:
    """Records of one kind the nightly run could not dispose of for one reason: how many, and
    since when the first of them has been refused."""

    reason: str
    count: int
    since: date


@dataclass(frozen=True)
class ScheduleLine:
    record_type: registry.RecordType
    rule: RetentionRule
    cutoff: date
    due_count: int
    refused: tuple[Refused, ...] = ()

    @property
    def refused_count(self) -> int:
        return sum(r.count for r in self.refused)


def cutoff_for(rule: RetentionRule, today: date) -> date:
    """A record is due when its trigger date is on or before this day: the period counted back
    from today in calendar months (31 March less one month is 28 or 29 February)."""
    return today - relativedelta(months=rule.period_months)


def due_records(record_type: registry.RecordType, rule: RetentionRule, today: date) -> models.QuerySet:
    """The records of this type whose retention period has ended, oldest trigger first. A
    record whose trigger has not happened (an empty date), with a legal hold in force, or
    already disposed of (anonymised records stay in their tables) is never due."""
    object_id = Cast(OuterRef("pk"), models.CharField())
    return (
        record_type.with_trigger_date(rule.trigger)
        .filter(trigger_date__isnull=False, trigger_date__lte=cutoff_for(rule, today))
        .exclude(Exists(holds_in_force(record_type.key).filter(object_id=object_id)))
        .exclude(Exists(ErasureLog.objects.filter(record_type=record_type.key, object_id=object_id)))
        .order_by("trigger_date", "pk")
    )


def refused(record_type: registry.RecordType, rule: RetentionRule, today: date) -> tuple[Refused, ...]:
    """The records of this type the nightly run could not dispose of and that are still due (one
    disposed of by hand, held or no longer due since is not counted), by reason, the longest
    refused first."""
    rows = list(DisposalRefusal.objects.filter(record_type=record_type.key))
    if not rows:
        return ()
    still_due = {
        str(pk)
        for pk in due_records(record_type, rule, today)
        .filter(pk__in=[row.object_id for row in rows])
        .values_list("pk", flat=True)
    }
    by_reason: dict[str, list[date]] = {}
    for row in rows:
        if row.object_id in still_due:
            by_reason.setdefault(row.reason, []).append(row.first_refused_on)
    found = [Refused(reason, len(days), min(days)) for reason, days in by_reason.items()]
    return tuple(sorted(found, key=lambda r: (r.since, r.reason)))


def erasure_log(record_type_key: str = "") -> models.QuerySet:
    """The erasure log, newest first, narrowed to one kind of record when given."""
    rows = ErasureLog.objects.select_related("approved_by")
    return rows.filter(record_type=record_type_key) if record_type_key else rows


def holds_in_force(record_type_key: str) -> models.QuerySet:
    return LegalHold.objects.filter(record_type=record_type_key, status=HoldStatus.ACTIVE)


def holds() -> models.QuerySet:
    """Every legal hold, those in force first, then the newest."""
    return LegalHold.objects.select_related("placed_by", "released_by").order_by(
        "status", "-placed_at", "-id"
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
                refused=refused(record_type, rule, today),
            )
        )
    return lines


def sar_handlers():
    """Who may answer a subject access request: active records managers and community safety
    officers (and system administrators), by name."""
    from somerset_safety.accounts.models import User

    from .permissions import SAR_MANAGERS

    groups = [role.label for role in SAR_MANAGERS]
    return User.objects.filter(
        pk__in=User.objects.filter(is_active=True, groups__name__in=groups).values("pk")
    ).order_by("full_name", "pk")


@dataclass(frozen=True)
class Bundle:
    """What a disclosure bundle holds for one reader: each record disclosed with the data held
    (read afresh, with the reader's access), the records disclosed that this reader may not see,
    and how many were withheld."""

    disclosed: list
    unreadable: list
    withheld: list

    @property
    def refusal(self) -> str | None:
        if self.unreadable:
            refs = ", ".join(item.reference for item in self.unreadable)
            people = ", ".join(sorted({str(item.found_by) for item in self.unreadable}))
            return (
                f"You may not see {refs}, which {'are' if len(self.unreadable) > 1 else 'is'} to be disclosed. "
                f"Ask {people} to produce the bundle."
            )
        return None


def sar_bundle_refusal(sar) -> str | None:
    """Why no bundle can be made yet: nobody has searched, or a record found is still to review."""
    from .states import answered_in_full

    return answered_in_full(sar)


def sar_bundle(user, sar) -> Bundle:
    from . import subjects
    from .models import ItemDecision

    items = list(sar.items.select_related("found_by"))
    disclose = [item for item in items if item.decision == ItemDecision.DISCLOSE]
    held = {}
    by_source: dict[str, list] = {}
    for item in disclose:
        by_source.setdefault(item.source, []).append(item)
    for key, group in by_source.items():
        source = subjects.source(key)
        found = source.fetch(user, [item.object_id for item in group]) if source else []
        held.update({(key, h.object_id): h for h in found})
    return Bundle(
        disclosed=[
            (item, held[(item.source, item.object_id)])
            for item in disclose
            if (item.source, item.object_id) in held
        ],
        unreadable=[item for item in disclose if (item.source, item.object_id) not in held],
        withheld=[item for item in items if item.decision == ItemDecision.WITHHOLD],
    )
