"""Every write of records management: one service each, with its audit (STYLE.md)."""

import logging
from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_record
from somerset_safety.core import references
from somerset_safety.core.dates import refuse_future
from somerset_safety.core.dates import today as local_today
from somerset_safety.core.edits import save_changes
from somerset_safety.core.queueing import enqueue
from somerset_safety.core.transitions import transition
from somerset_safety.deadlines.services import deadlines_sync

from . import deadlines, disposal, registry, selectors, subjects
from .exceptions import RecordsError
from .models import (
    DisposalAction,
    DisposalRefusal,
    ErasureLog,
    ItemDecision,
    LegalHold,
    PauseReason,
    Regime,
    RetentionAction,
    RetentionRule,
    RetentionTrigger,
    SarItem,
    SarPause,
    SarSearch,
    SarStatus,
    SubjectAccessRequest,
)
from .permissions import can_manage_sars
from .states import HOLD_MOVES, SAR_MOVES

logger = logging.getLogger(__name__)

# A disposal is reviewed record by record: one page of the list at most.
DISPOSAL_BATCH_MAX = 100


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
    *,
    actor,
    rule: RetentionRule,
    period_months: int,
    trigger: str,
    action: str,
    notes: str,
    expected_version: str = "",
) -> list[str]:
    """Change one line of the retention schedule. The trigger must be one the record type
    supports. Audits the changed field names; returns them (empty when nothing changed).
    Raises RecordsError when the values do not fit the record type, StaleEdit when someone
    changed the rule after `expected_version` (the form's)."""
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
    changed = save_changes(rule, values, actor=actor, expected_version=expected_version)
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
    # Locked, so that a disposal approved at the same moment either sees this hold or has
    # already happened (then the record has gone or is in the erasure log).
    record = record_type.model._default_manager.select_for_update().filter(pk=object_id).first()
    if record is None:
        raise RecordsError("That record no longer exists.")
    if ErasureLog.objects.filter(record_type=record_type.key, object_id=str(record.pk)).exists():
        raise RecordsError(f"{record_type.name_of(record)} has already been disposed of.")
    if not reason.strip():
        raise RecordsError("Enter why the record is held")
    if review_on <= local_today():
        raise RecordsError("The date to review the hold must be in the future")
    try:
        with transaction.atomic():
            hold = LegalHold.objects.create(
                record_type=record_type.key,
                object_id=str(record.pk),
                reference=record_type.name_of(record),
                reason=reason.strip(),
                review_on=review_on,
                placed_by=actor,
            )
    except IntegrityError:
        raise RecordsError(f"{record_type.name_of(record)} already has a legal hold in force.") from None
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


@transaction.atomic
def records_dispose(*, actor, record_type_key: str, object_ids, action: str) -> list[ErasureLog]:
    """Destroy or anonymise the chosen records of one type, all or none. `actor` is the records
    manager who approved it, or None for the nightly run (`disposal_run`). Each must be due now
    (its period ended, no legal hold in force, not disposed of already) and the action one its
    rule allows (`RecordType.disposal_actions`). Writes one erasure log entry and one audit event
    per record, neither holding personal data; stored files are removed after commit.

    Raises RecordsError, changing nothing, when a record is not due, the action is not allowed,
    no record or too many are chosen, or a record cannot be destroyed because others point at it.
    """
    record_type = registry.record_type(record_type_key)
    rule = RetentionRule.objects.filter(record_type=record_type_key).first()
    if record_type is None or rule is None:
        raise RecordsError("This kind of record is not on the retention schedule.")
    allowed = record_type.disposal_actions(rule.action)
    if action not in allowed:
        if not allowed:
            raise RecordsError(
                f"The rule for {record_type.label} says “{rule.get_action_display().lower()}”, "
                "which this kind of record does not allow. Change the rule first.",
                why=f"The rule says “{rule.get_action_display().lower()}”, which this kind of record "
                "does not allow: change the rule",
            )
        choices = " or ".join(RetentionAction(a).label.lower() for a in allowed)
        raise RecordsError(
            f"Under its rule, {record_type.label} can only be: {choices}.",
            why=f"This kind of record can only be: {choices}",
        )
    ids = sorted({int(pk) for pk in object_ids})
    if not ids:
        raise RecordsError("Select the records to dispose of")
    if len(ids) > DISPOSAL_BATCH_MAX:
        raise RecordsError(f"Dispose of at most {DISPOSAL_BATCH_MAX} records at a time.")
    # Lock the rows (in id order, so two disposals cannot deadlock), then ask again which are due:
    # a hold placed or a disposal made meanwhile has committed by the time the lock is ours.
    locked = {
        record.pk: record
        for record in record_type.model._default_manager.select_for_update().filter(pk__in=ids).order_by("pk")
    }
    due = {
        row.pk: row.trigger_date
        for row in selectors.due_records(record_type, rule, local_today()).filter(pk__in=locked)
    }
    not_due = [str(locked[pk]) if pk in locked else f"Record {pk}" for pk in ids if pk not in due]
    if not_due:
        raise RecordsError(
            f"{', '.join(not_due)}: no longer due for disposal (a legal hold, already disposed of, or no "
            "longer held). Nothing was disposed of.",
            why="No longer due when its turn came (a legal hold placed, or disposed of meanwhile)",
        )
    logs = []
    files = []
    for pk in ids:
        record = locked[pk]
        reference = record_type.name_of(record)
        if action == DisposalAction.DESTROY:
            outcome = disposal.destroy(record_type, record)
        else:
            outcome = disposal.anonymise(record_type, record)
        files += outcome.files
        log = ErasureLog.objects.create(
            record_type=record_type.key,
            object_id=str(pk),
            reference=reference,
            action=action,
            rule_period_months=rule.period_months,
            rule_trigger=rule.trigger,
            rule_action=rule.action,
            trigger_date=due[pk],
            rows_removed=outcome.rows,
            files_removed=len(outcome.files),
            approved_by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditAction.ERASE,
            object_type=record_type.model._meta.label_lower,
            object_id=pk,
            detail={"record_type": record_type.key, "disposal": action, "erasure_log": log.pk},
        )
        logs.append(log)
    # A record the nightly run could not dispose of before, disposed of now, is no longer refused.
    DisposalRefusal.objects.filter(
        record_type=record_type.key, object_id__in=[str(pk) for pk in ids]
    ).delete()
    transaction.on_commit(lambda: disposal.remove_files(files))
    return logs


@dataclass
class RunLine:
    """What the nightly run did (or, simulated, would do) for one kind of record."""

    record_type: registry.RecordType
    rule: RetentionRule
    due: list[str] = field(default_factory=list)  # system references, oldest trigger first
    disposed: int = 0
    refused: list[str] = field(default_factory=list)  # the service's reason for each record refused
    refused_why: dict[str, str] = field(default_factory=dict)  # object id -> why, naming no record

    @property
    def needs_review(self) -> bool:
        return self.rule.action == RetentionAction.REVIEW


REFUSED = "The records service refused it"


@transaction.atomic
def _keep_refusals(lines: list[RunLine]) -> None:
    """Keep what this run could not dispose of, and why, for the retention schedule page: each
    record refused tonight (its first night kept), and none of those refused before that were
    not tonight (disposed of by hand, held, no longer due, or under a rule that now says review)."""
    today = local_today()
    refused = {(line.record_type.key, oid): why for line in lines for oid, why in line.refused_why.items()}
    stale = DisposalRefusal.objects.all()
    for key in {key for key, _ in refused}:
        stale = stale.exclude(record_type=key, object_id__in=[oid for k, oid in refused if k == key])
    stale.delete()
    for (key, oid), why in refused.items():
        DisposalRefusal.objects.update_or_create(
            record_type=key,
            object_id=oid,
            defaults={"reason": why[:300], "last_refused_on": today},
            create_defaults={"reason": why[:300], "first_refused_on": today, "last_refused_on": today},
        )


def disposal_run(*, simulate: bool = False) -> list[RunLine]:
    """The retention schedule's nightly run (the `records.disposal_run` task and the
    `dispose_of_records` command). For each kind of record with records due today: under a rule
    that says destroy or anonymise, each record is disposed of in its own transaction exactly as
    an approved disposal is (erasure log, audit; `approved_by` empty), so one record that cannot
    go (others point at it) is reported and the rest still go; under a rule that says *review*,
    nothing happens to the records: they wait on the list of records due. The records managers are
    told how many wait and how many could not be disposed of (no references, no names). Running it twice disposes of nothing more.
    `simulate` changes nothing and tells nobody: the lines say what would happen."""
    lines = []
    waiting = 0
    for line in selectors.schedule(local_today()):
        if not line.due_count:
            continue
        record_type, rule = line.record_type, line.rule
        due = list(selectors.due_records(record_type, rule, local_today()))
        result = RunLine(
            record_type=record_type,
            rule=rule,
            due=[record_type.name_of(record) for record in due],
        )
        lines.append(result)
        if result.needs_review:
            waiting += len(due)
            continue
        if simulate:
            continue
        for record in due:
            try:
                records_dispose(
                    actor=None, record_type_key=record_type.key, object_ids=[record.pk], action=rule.action
                )
            except RecordsError as exc:
                result.refused.append(str(exc))
                result.refused_why[str(record.pk)] = exc.why or REFUSED
            else:
                result.disposed += 1
    if not simulate:
        _keep_refusals(lines)
    refused = sum(len(result.refused) for result in lines)
    if (waiting or refused) and not simulate:
        enqueue("records.tell_records_managers", waiting, refused)
    for result in lines:
        logger.info(
            "Retention run%s: %s, %d due, rule %s, %d disposed of, %d refused",
            " (simulated)" if simulate else "",
            result.record_type.key,
            len(result.due),
            result.rule.action,
            result.disposed,
            len(result.refused),
        )
    return lines


def _lock_sar(sar: SubjectAccessRequest) -> SubjectAccessRequest:
    return SubjectAccessRequest.objects.select_for_update().select_related("handler").get(pk=sar.pk)


def _check_handler(handler) -> None:
    if handler is None or not handler.is_active or not can_manage_sars(handler):
        raise RecordsError(
            "The person answering the request must be a records manager or community safety officer",
            field="handler",
        )


@transaction.atomic
def sar_create(
    *,
    actor,
    regime: str,
    received_on: date,
    subject_name: str,
    handler,
    other_names: str = "",
    date_of_birth: date | None = None,
    known_references: str = "",
) -> SubjectAccessRequest:
    """Record a subject access request and start its clock (one calendar month from the day it
    arrived, a stored deadline). Audited. Raises RecordsError for a date received in the future,
    a date of birth after it, an empty name, or a handler who cannot answer requests."""
    if regime not in Regime.values:
        raise RecordsError("Choose the law the request is made under", field="regime")
    refuse_future(received_on, "The date received", RecordsError, field="received_on")
    if date_of_birth is not None and date_of_birth >= received_on:
        raise RecordsError(
            "The date of birth must be before the date the request was received", field="date_of_birth"
        )
    if not subject_name.strip():
        raise RecordsError("Enter the name of the person the request is about", field="subject_name")
    _check_handler(handler)
    sar = SubjectAccessRequest.objects.create(
        reference=references.next_reference("sar", year=received_on.year).text,
        regime=regime,
        received_on=received_on,
        subject_name=subject_name.strip(),
        other_names=other_names.strip(),
        date_of_birth=date_of_birth,
        known_references=known_references.strip(),
        handler=handler,
        created_by=actor,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=sar, detail={"regime": regime})
    deadlines_sync(subject=sar)
    return sar


@transaction.atomic
def sar_pause(*, actor, sar: SubjectAccessRequest, reason: str, started_on: date) -> SubjectAccessRequest:
    """Stop the clock while the requester is asked for proof of identity or clarification.
    Raises RecordsError when the request is not open, or the date is in the future, before the
    request arrived or before the end of its last pause."""
    sar = _lock_sar(sar)
    SAR_MOVES.check(sar, "pause")
    if reason not in PauseReason.values:
        raise RecordsError("Choose what the requester has been asked for", field="reason")
    refuse_future(started_on, "The date asked", RecordsError, field="started_on")
    if started_on < sar.received_on:
        raise RecordsError(
            f"The date asked cannot be before the request was received ({sar.received_on:%-d %B %Y})",
            field="started_on",
        )
    last_end = (
        sar.pauses.filter(ended_on__isnull=False)
        .order_by("-ended_on")
        .values_list("ended_on", flat=True)
        .first()
    )
    if last_end is not None and started_on <= last_end:
        raise RecordsError(
            f"The date asked must be after the last pause ended ({last_end:%-d %B %Y})", field="started_on"
        )
    pause = SarPause.objects.create(request=sar, reason=reason, started_on=started_on, started_by=actor)
    return transition(
        sar, "pause", machine=SAR_MOVES, actor=actor, detail={"pause": pause.pk, "reason": reason}
    )


@transaction.atomic
def sar_resume(*, actor, sar: SubjectAccessRequest, ended_on: date) -> SubjectAccessRequest:
    """Restart the clock on the day what was asked for arrived: proof of identity starts the
    month again from that day; the days waiting for clarification are added. Raises RecordsError
    when the request is not paused, or the date is in the future or before the date asked."""
    sar = _lock_sar(sar)
    SAR_MOVES.check(sar, "resume")
    pause = sar.pauses.select_for_update().get(ended_on__isnull=True)
    refuse_future(ended_on, "The date received", RecordsError, field="ended_on")
    if ended_on < pause.started_on:
        raise RecordsError(
            f"The date received cannot be before the date asked ({pause.started_on:%-d %B %Y})",
            field="ended_on",
        )
    pause.ended_on, pause.ended_by = ended_on, actor
    pause.save(update_fields=["ended_on", "ended_by"])
    return transition(sar, "resume", machine=SAR_MOVES, actor=actor, detail={"pause": pause.pk})


def extension_refusal(sar: SubjectAccessRequest, today: date | None = None) -> str | None:
    """Why the request cannot be extended now, or None: only while it is being answered, once to
    at most two further months, and only within the first month (the requester must be told by
    then)."""
    if sar.status not in (SarStatus.OPEN, SarStatus.PAUSED):
        return f"This request is {sar.get_status_display().lower()}, so it cannot be extended."
    if sar.extension_months >= 2:
        return "This request has already been extended by two months, the most the law allows."
    pauses = deadlines.pauses_of(sar)
    if any(ended is None for _reason, _started, ended in pauses):
        return "Restart the clock first: an extension is counted from the date the clock runs again."
    ends = deadlines.first_month_ends(sar.received_on, pauses)
    if (today or local_today()) > ends:
        return (
            f"The first month ended on {ends:%-d %B %Y}. A request can only be extended if the requester is told "
            "within the first month, so this one must be answered by its due date."
        )
    return None


@transaction.atomic
def sar_extend(
    *, actor, sar: SubjectAccessRequest, months: int, reason: str, told_on: date
) -> SubjectAccessRequest:
    """Extend a complex request by one or two further months (two at most in all), the requester
    told, with the reasons, within the first month. Audited; the deadline moves in the same
    transaction. Raises RecordsError with `extension_refusal`'s reason, or for a notice date
    outside the first month or in the future, or an empty reason."""
    sar = _lock_sar(sar)
    refusal = extension_refusal(sar)
    if refusal:
        raise RecordsError(refusal)
    if months not in (1, 2) or sar.extension_months + months > 2:
        raise RecordsError(
            f"A request can be extended by two months at most; this one can take {2 - sar.extension_months} more.",
            field="months",
        )
    if not reason.strip():
        raise RecordsError("Enter why the request is complex enough to need more time", field="reason")
    refuse_future(told_on, "The date the requester was told", RecordsError, field="told_on")
    ends = deadlines.first_month_ends(sar.received_on, deadlines.pauses_of(sar))
    if told_on < sar.received_on or told_on > ends:
        raise RecordsError(
            f"The requester must be told within the first month: between {sar.received_on:%-d %B %Y} "
            f"and {ends:%-d %B %Y}",
            field="told_on",
        )
    values = {
        "extension_months": sar.extension_months + months,
        "extension_reason": "\n".join(filter(None, [sar.extension_reason, reason.strip()])),
        "requester_told_on": told_on,
    }
    save_changes(sar, values, actor=actor)
    deadlines_sync(subject=sar)
    return sar


@transaction.atomic
def sar_withdraw(*, actor, sar: SubjectAccessRequest, reason: str) -> SubjectAccessRequest:
    """The requester withdrew the request: its clock closes. Raises RecordsError when it is
    already answered or withdrawn, or the reason is empty."""
    if not reason.strip():
        raise RecordsError("Enter why the request was withdrawn", field="reason")
    sar = _lock_sar(sar)
    pause = sar.pauses.filter(ended_on__isnull=True).first()
    sar = transition(
        sar,
        "withdraw",
        machine=SAR_MOVES,
        actor=actor,
        values={"withdrawn_reason": reason.strip(), "withdrawn_on": local_today()},
    )
    if pause is not None:
        pause.ended_on, pause.ended_by = max(local_today(), pause.started_on), actor
        pause.save(update_fields=["ended_on", "ended_by"])
        deadlines_sync(subject=sar)
    return sar


@transaction.atomic
def sar_complete(*, actor, sar: SubjectAccessRequest, completed_on: date) -> SubjectAccessRequest:
    """Record the response as sent: the deadline is met (on time or late, by the dates). Raises
    RecordsError when the request is not open, or the date is in the future or before the
    request arrived."""
    sar = _lock_sar(sar)
    SAR_MOVES.check(sar, "complete")
    refuse_future(completed_on, "The date the response was sent", RecordsError, field="completed_on")
    if completed_on < sar.received_on:
        raise RecordsError(
            f"The date the response was sent cannot be before the request was received ({sar.received_on:%-d %B %Y})",
            field="completed_on",
        )
    return transition(sar, "complete", machine=SAR_MOVES, actor=actor, values={"completed_on": completed_on})


ANSWERING = (SarStatus.OPEN, SarStatus.PAUSED)


def _check_answering(sar: SubjectAccessRequest, doing: str) -> None:
    if sar.status not in ANSWERING:
        raise RecordsError(f"This request is {sar.get_status_display().lower()}, so {doing}.")


def wanted_for(sar: SubjectAccessRequest) -> subjects.Wanted:
    return subjects.Wanted(
        names=tuple(sar.names), date_of_birth=sar.date_of_birth, references=tuple(sar.references)
    )


@transaction.atomic
def sar_search(*, actor, sar: SubjectAccessRequest) -> SarSearch:
    """Search every app for the request's person, as `actor`: each source finds only what the
    actor may see there, and sources the actor may not search are recorded as not searched.
    Records found for the first time are added to the request, to be reviewed; those found before
    keep their decisions. Each source's finds are audited as a search (their ids), and the search
    on the request. Raises RecordsError when the request is answered or withdrawn."""
    sar = _lock_sar(sar)
    _check_answering(sar, "it cannot be searched again")
    wanted = wanted_for(sar)
    searched, not_searched, found, new = [], [], 0, 0
    for source in subjects.sources():
        if not source.can_search(actor):
            not_searched.append(source.key)
            continue
        searched.append(source.key)
        items = list(source.find(actor, wanted))
        found += len(items)
        known = set(sar.items.filter(source=source.key).values_list("object_id", flat=True))
        fresh = [
            SarItem(
                request=sar,
                source=source.key,
                object_id=item.object_id,
                reference=item.reference[:80],
                description=item.description[:200],
                matched_on=item.matched_on[:60],
                found_by=actor,
            )
            for item in items
            if item.object_id not in known
        ]
        SarItem.objects.bulk_create(fresh)
        new += len(fresh)
        audit_record(
            actor=actor,
            action=AuditAction.SEARCH,
            object_type=source.object_type,
            detail={"ids": [item.object_id for item in items], "subject_access_request": sar.pk},
        )
    search = SarSearch.objects.create(
        request=sar, searched_by=actor, sources=searched, not_searched=not_searched, found=found, new=new
    )
    audit_record(
        actor=actor,
        action=AuditAction.SEARCH,
        obj=sar,
        detail={"sources": searched, "not_searched": not_searched, "found": found, "new": new},
    )
    return search


@transaction.atomic
def sar_item_decide(*, actor, item: SarItem, decision: str, withhold_reason: str = "") -> SarItem:
    """Disclose a record found, or withhold it (third-party information) with the reason. A
    decision can be changed until the response is recorded as sent. Audited by field name.
    Raises RecordsError when the request is answered or withdrawn, or a withheld record has no
    reason."""
    item = SarItem.objects.select_for_update().select_related("request").get(pk=item.pk)
    _check_answering(item.request, "its decisions can no longer be changed")
    if decision not in (ItemDecision.DISCLOSE, ItemDecision.WITHHOLD):
        raise RecordsError("Choose whether to disclose or withhold the record", field="decision")
    reason = withhold_reason.strip() if decision == ItemDecision.WITHHOLD else ""
    if decision == ItemDecision.WITHHOLD and not reason:
        raise RecordsError(
            "Enter why the record is withheld, for example that it is about another person",
            field="withhold_reason",
        )
    changed = save_changes(item, {"decision": decision, "withhold_reason": reason}, actor=actor)
    if changed:
        item.decided_by, item.decided_at = actor, timezone.now()
        item.save(update_fields=["decided_by", "decided_at"])
    return item
