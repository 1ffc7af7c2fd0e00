"""Every write to deadlines: keeping them in step with their records, waivers and their
withdrawal."""

from itertools import islice

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_record
from somerset_safety.core import duty_evidence
from somerset_safety.core.queueing import enqueue

from .exceptions import DeadlineError
from .models import OUTSTANDING, Deadline, DeadlineEvent, DeadlineEventAction, DeadlineStatus
from .registry import DeadlineSpec, Registration, kind, registration_for, registrations

NO_LONGER_APPLIES = "No longer applies"

_SYNCED_FIELDS = [
    "label",
    "subject_reference",
    "subject_url",
    "due_date",
    "statutory",
    "responsible_agency",
    "status",
    "met_on",
    "paused_since",
    "closed_reason",
]


def _registration(subject_or_label) -> Registration:
    registration = registration_for(subject_or_label)
    if registration is None:
        raise LookupError(f"No deadline rule is registered for {subject_or_label}")
    return registration


def _status(spec: DeadlineSpec, row: Deadline | None) -> tuple[str, dict]:
    """What the rule says, except that a person's waiver stands until it is withdrawn or the
    thing is done."""
    cleared = {"met_on": None, "paused_since": None, "closed_reason": ""}
    if spec.met_on is not None:
        return DeadlineStatus.MET, {**cleared, "met_on": spec.met_on}
    if row is not None and row.status == DeadlineStatus.WAIVED:
        return DeadlineStatus.WAIVED, cleared
    if spec.closed_reason:
        return DeadlineStatus.CLOSED, {**cleared, "closed_reason": spec.closed_reason[:120]}
    if spec.paused_since is not None:
        return DeadlineStatus.PAUSED, {**cleared, "paused_since": spec.paused_since}
    return DeadlineStatus.OPEN, cleared


@transaction.atomic
def deadlines_sync(*, subject: Model) -> list[Deadline]:
    """Bring the stored deadlines of `subject` into line with its app's rule.

    Call it from every service that changes something a rule reads, inside the same
    transaction. A waiver stands until withdrawn (or the thing is done); a deadline the rule
    no longer gives is closed ("No longer applies") if it was still outstanding, and kept as
    history otherwise. Raises ImproperlyConfigured if the rule gives a kind it did not register.
    """
    return deadlines_sync_many([subject]).get(subject.pk, [])


@transaction.atomic
def deadlines_sync_many(subjects) -> dict[int, list[Deadline]]:
    """deadlines_sync for many records of one model at once (an import, a resync): the same
    rule and outcome, record by record, with the stored deadlines read, new ones written and
    their responsible people set in a few statements for the lot rather than several a record.
    Returns each record's deadlines by its pk."""
    subjects = list(subjects)
    if not subjects:
        return {}
    registration = _registration(subjects[0])
    existing: dict[tuple, Deadline] = {
        (d.subject_id, d.kind, d.key): d
        for d in Deadline.objects.select_for_update()
        .filter(subject_type=registration.subject_type, subject_id__in=[s.pk for s in subjects])
        .order_by("pk")
    }
    through = Deadline.responsible_users.through
    people: dict[int, set[int]] = {}
    for deadline_id, user_id in through.objects.filter(
        deadline_id__in=[d.pk for d in existing.values()]
    ).values_list("deadline_id", "user_id"):
        people.setdefault(deadline_id, set()).add(user_id)
    kept: dict[int, list[Deadline]] = {}
    created: list[tuple[Deadline, set[int]]] = []
    for subject in subjects:
        reference = str(getattr(subject, "reference", "") or "")[:60]
        url = subject.get_absolute_url()
        rows = kept.setdefault(subject.pk, [])
        for spec in registration.rule(subject):
            kind = registration.kinds.get(spec.kind)
            if kind is None:
                raise ImproperlyConfigured(
                    f"{registration.subject_type} gave unregistered kind {spec.kind!r}"
                )
            row = existing.pop((subject.pk, spec.kind, spec.key), None)
            status, dates = _status(spec, row)
            values = {
                "label": spec.label[:200],
                "subject_reference": reference,
                "subject_url": url,
                "due_date": spec.due_date,
                "statutory": kind.statutory,
                "responsible_agency": spec.responsible_agency,
                "status": status,
                **dates,
            }
            wanted = {u.pk for u in spec.responsible_users if u is not None}
            if row is None:
                row = Deadline(
                    subject_type=registration.subject_type,
                    subject_id=subject.pk,
                    kind=spec.kind,
                    key=spec.key,
                    **values,
                )
                created.append((row, wanted))
            else:
                changed = [f for f in _SYNCED_FIELDS if getattr(row, f) != values[f]]
                if changed:
                    for f in changed:
                        setattr(row, f, values[f])
                    row.save(update_fields=[*changed, "updated_at"])
                if wanted != people.get(row.pk, set()):
                    row.responsible_users.set(wanted)
            rows.append(row)
    if created:
        Deadline.objects.bulk_create([row for row, _wanted in created])
        through.objects.bulk_create(
            [
                through(deadline_id=row.pk, user_id=user_id)
                for row, wanted in created
                for user_id in sorted(wanted)
            ]
        )
    for row in existing.values():
        if row.status in OUTSTANDING:
            row.status, row.paused_since, row.closed_reason = DeadlineStatus.CLOSED, None, NO_LONGER_APPLIES
            row.save(update_fields=["status", "paused_since", "closed_reason", "updated_at"])
    # A duty whose evidence these records are (a DHR decided in time) follows them.
    duty_evidence.subject_changed(registration.subject_type)
    return kept


SYNC_CHUNK = 500  # records synced together by deadlines_sync_chunked


def deadlines_sync_chunked(subjects) -> int:
    """deadlines_sync_many over a queryset of one model, SYNC_CHUNK records at a time (in pk
    order), so memory stays flat however many there are. Give the queryset the related rows its
    rule reads (select_related) so they are not fetched a record at a time. Returns how many."""
    count = 0
    rows = subjects.order_by("pk").iterator(chunk_size=SYNC_CHUNK)
    while chunk := list(islice(rows, SYNC_CHUNK)):
        deadlines_sync_many(chunk)
        count += len(chunk)
    return count


def subject_of(deadline: Deadline) -> Model:
    return _registration(deadline.subject_type).model._default_manager.get(pk=deadline.subject_id)


def _check_may_change(actor, deadline: Deadline) -> None:
    from .permissions import can_manage

    if not can_manage(actor, deadline):
        raise DeadlineError("Only people who manage this record can waive its deadlines.")


def waive_refusal(deadline: Deadline) -> str | None:
    """Why the deadline cannot be waived, in the words the waiver page shows, or None."""
    if deadline.statutory or kind(deadline.kind).statutory:
        return "This is a statutory deadline, so it cannot be waived. Record a pause or the date it was met on the record instead."
    if deadline.status not in OUTSTANDING:
        return "This deadline has been met, waived or closed, so there is nothing to waive."
    return None


def unwaive_refusal(deadline: Deadline) -> str | None:
    """Why the deadline's waiver cannot be withdrawn, or None."""
    if deadline.status != DeadlineStatus.WAIVED:
        return "This deadline is not waived, so there is no waiver to withdraw."
    return None


@transaction.atomic
def deadline_waive(*, actor, deadline: Deadline, reason: str) -> Deadline:
    """Waive an outstanding, non-statutory deadline with a reason: it gets no more reminders
    and counts as waived, not met. Audited; the reason is kept in the deadline's history.

    Raises DeadlineError if the deadline is statutory, already met, waived or closed, if the
    reason is empty, or if the actor does not manage the record it belongs to.
    """
    deadline = Deadline.objects.select_for_update().get(pk=deadline.pk)
    refusal = waive_refusal(deadline)
    if refusal:
        raise DeadlineError(refusal)
    _check_may_change(actor, deadline)
    reason = reason.strip()
    if not reason:
        raise DeadlineError("Enter the reason for waiving this deadline.")
    now = timezone.now()
    deadline.status = DeadlineStatus.WAIVED
    deadline.paused_since = None
    deadline.waived_reason, deadline.waived_by, deadline.waived_at = reason, actor, now
    deadline.save(
        update_fields=["status", "paused_since", "waived_reason", "waived_by", "waived_at", "updated_at"]
    )
    DeadlineEvent.objects.create(
        deadline=deadline, action=DeadlineEventAction.WAIVED, reason=reason, actor=actor, occurred_at=now
    )
    audit_record(
        actor=actor, action=AuditAction.CHANGE, obj=deadline, changed_fields=["status", "waived_reason"]
    )
    enqueue("deadlines.notify_waived", deadline.pk, actor.pk)
    return deadline


@transaction.atomic
def deadline_unwaive(*, actor, deadline: Deadline, reason: str) -> Deadline:
    """Withdraw a waiver with a reason: the deadline is what its record says again (open,
    paused, met or closed) and reminders resume if it is open. Audited and kept in its history.

    Raises DeadlineError if it is not waived, the reason is empty, or the actor does not
    manage the record it belongs to.
    """
    deadline = Deadline.objects.select_for_update().get(pk=deadline.pk)
    _check_may_change(actor, deadline)
    refusal = unwaive_refusal(deadline)
    if refusal:
        raise DeadlineError(refusal)
    reason = reason.strip()
    if not reason:
        raise DeadlineError("Enter the reason for withdrawing the waiver.")
    deadline.status = DeadlineStatus.OPEN
    deadline.waived_reason, deadline.waived_by, deadline.waived_at = "", None, None
    deadline.save(update_fields=["status", "waived_reason", "waived_by", "waived_at", "updated_at"])
    DeadlineEvent.objects.create(
        deadline=deadline,
        action=DeadlineEventAction.UNWAIVED,
        reason=reason,
        actor=actor,
        occurred_at=timezone.now(),
    )
    audit_record(
        actor=actor, action=AuditAction.CHANGE, obj=deadline, changed_fields=["status", "waived_reason"]
    )
    deadlines_sync(subject=subject_of(deadline))
    deadline.refresh_from_db()
    return deadline


def deadlines_resync_all() -> int:
    """Run every registered rule over every record it covers, as after a rule changes
    (`manage.py sync_deadlines`). One transaction per record. Returns how many were synced."""
    count = 0
    for registration in registrations():
        for subject in registration.model._default_manager.order_by("pk").iterator(chunk_size=500):
            deadlines_sync(subject=subject)
            count += 1
    return count


def deadlines_follow_account(user, roles) -> int:
    """After `user` gained or lost `roles` (role values), or was deactivated or reactivated
    holding them: re-sync the outstanding deadlines of every record whose rule reads who holds
    one of those roles (`owner_roles`), so their responsible people change at once. Only the
    records the registration's `owned_through(user)` gives are visited, and of those only the
    ones with a deadline still to be met. Called by the accounts service, in its transaction.
    Returns how many records were synced."""
    roles = {str(role) for role in roles}
    count = 0
    for registration in registrations():
        if not registration.owner_roles & roles:
            continue
        model = registration.model
        subjects = (
            registration.owned_through(user)
            if registration.owned_through is not None
            else model._default_manager.all()
        )
        outstanding = Deadline.objects.filter(
            subject_type=registration.subject_type,
            subject_id__in=subjects.values("pk"),
            status__in=OUTSTANDING,
        ).values("subject_id")
        # The registration's own queryset, so the related rows it loads come with each record.
        count += deadlines_sync_chunked(subjects.filter(pk__in=outstanding))
    return count
