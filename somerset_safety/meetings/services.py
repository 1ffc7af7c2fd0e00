"""Every write to meetings, agendas, minutes and actions, the same for every body.

The owning app calls these with its own proxies (so audit records and deadlines carry its labels)
and adds what is particular to it in its own services, inside the same transaction: MARAC, for
example, marks a case heard when its minutes are recorded. Each service audits what it did and
keeps the stored deadlines in step. Raises MeetingError, whose message is safe to show.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, time

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone

from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_record
from somerset_safety.core.dates import today as local_today
from somerset_safety.core.edits import save_changes
from somerset_safety.core.queueing import enqueue
from somerset_safety.core.transitions import transition
from somerset_safety.deadlines import registry as deadline_registry
from somerset_safety.deadlines.services import deadlines_sync

from . import selectors
from .exceptions import MeetingError
from .models import (
    Action,
    ActionStatus,
    ActionUpdate,
    AgendaItem,
    AttendanceStatus,
    Body,
    CarryReason,
    Frequency,
    Meeting,
    MeetingStatus,
)
from .registry import kind_of
from .states import ACTION_MOVES, MEETING_MOVES


def _sync(obj) -> None:
    if deadline_registry.registration_for(obj) is not None:
        deadlines_sync(subject=obj)


def _as(model: type[models.Model], obj: models.Model) -> models.Model:
    """The same row as the app's proxy class (proxies share the table, so only the class changes)."""
    if type(obj) is not model:
        obj.__class__ = model
    return obj


def _locked(obj):
    """Re-read `obj` for update, keeping its class (the app's proxy)."""
    return type(obj)._base_manager.select_for_update().get(pk=obj.pk)


def _on(day: date) -> str:
    return f"{day:%-d %B %Y}"


# --- Bodies and meetings -------------------------------------------------------------------------


def body_for(owner: models.Model) -> Body:
    """The body of an app's record, made the first time it is needed (a record that has never met
    has none)."""
    body, _ = Body.objects.get_or_create(
        owner_type=ContentType.objects.get_for_model(owner), owner_id=owner.pk
    )
    return body


@transaction.atomic
def meeting_schedule(
    *,
    actor,
    body: Body,
    date: date,
    agencies: Iterable,
    chair=None,
    start_time: time | None = None,
    end_time: time | None = None,
    venue: str = "",
    online_link: str = "",
):
    """Schedule a meeting of `body` and invite `agencies` (the body's standing agencies too).
    Time and venue default to the body's. Raises MeetingError if the body already meets that day
    or the times are the wrong way round. Returns the app's proxy of the meeting."""
    kind = kind_of(body)
    if Meeting.objects.filter(body=body, date=date).exclude(status=MeetingStatus.CANCELLED).exists():
        raise MeetingError(f"{body} already has a meeting on {_on(date)}.", field="date")
    start_time = start_time or body.start_time
    if start_time and end_time and end_time <= start_time:
        raise MeetingError("The meeting must end after it starts.", field="end_time")
    meeting = kind.meeting_model.objects.create(
        body=body,
        date=date,
        chair=chair,
        start_time=start_time,
        end_time=end_time,
        venue=(venue or body.venue).strip(),
        online_link=(online_link or body.online_link).strip(),
    )
    invited = {agency.pk: agency for agency in agencies}
    invited.update({agency.pk: agency for agency in body.standing_agencies.all()})
    kind.attendance_model.objects.bulk_create(
        [kind.attendance_model(meeting=meeting, agency=agency) for agency in invited.values()]
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=meeting,
        changed_fields=["body", "date", "chair", "start_time", "venue", "online_link", "attendances"],
    )
    _sync(meeting)
    return meeting


PATTERN_FIELDS = (
    "frequency",
    "weekday",
    "week_of_month",
    "first_date",
    "start_time",
    "venue",
    "online_link",
    "item_minutes",
)


@transaction.atomic
def body_update_pattern(*, actor, body: Body, values: Mapping, expected_version: str = "") -> Body:
    """Set how a body usually meets: the pattern the year's meetings are proposed from, and the
    time, venue, link and minutes per item new meetings start with. Raises MeetingError when the
    pattern is incomplete (a day; for monthly or quarterly, the week; for fortnightly or
    quarterly, a date to count from); StaleEdit if someone changed it after `expected_version`."""
    body = Body.objects.select_for_update().get(pk=body.pk)
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items() if k in PATTERN_FIELDS}
    merged = {name: values.get(name, getattr(body, name)) for name in PATTERN_FIELDS}
    frequency = merged["frequency"]
    if frequency:
        if merged["weekday"] is None:
            raise MeetingError("Choose the day of the week the meetings are held.")
        if frequency in (Frequency.MONTHLY, Frequency.QUARTERLY) and merged["week_of_month"] is None:
            raise MeetingError("Choose which week of the month the meetings are held.")
        if frequency in (Frequency.FORTNIGHTLY, Frequency.QUARTERLY) and merged["first_date"] is None:
            raise MeetingError("Enter a date the body met or will meet, to count the pattern from.")
    if not merged["item_minutes"] or merged["item_minutes"] < 1:
        raise MeetingError("Allow at least a minute for each item.")
    save_changes(body, values, actor, expected_version=expected_version)
    return body


@transaction.atomic
def meetings_schedule_dates(*, actor, body: Body, dates: Iterable[date], agencies: Iterable) -> list:
    """Schedule a meeting of `body` on each date (the year's meetings the coordinator confirmed
    from the pattern), all or none. Raises MeetingError naming a date already taken."""
    agencies = list(agencies)
    return [
        meeting_schedule(actor=actor, body=body, date=day, agencies=agencies) for day in sorted(set(dates))
    ]


DETAIL_FIELDS = ("date", "start_time", "end_time", "venue", "online_link", "chair")


@transaction.atomic
def meeting_update_details(
    *, actor, meeting: Meeting, values: Mapping, expected_version: str = ""
) -> Meeting:
    """Change when and where a meeting is held, or its chair. The date can change only before the
    papers go out; the body's kind is then told (MeetingKind.date_changed). Raises MeetingError once the meeting has concluded or been cancelled, StaleEdit
    if someone changed the meeting after `expected_version` (the form's)."""
    meeting = _locked(meeting)
    if meeting.status in (MeetingStatus.CONCLUDED, MeetingStatus.CANCELLED):
        raise MeetingError(
            "The details of a meeting cannot be changed after it has concluded or been cancelled."
        )
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items() if k in DETAIL_FIELDS}
    changed = [name for name, value in values.items() if getattr(meeting, name) != value]
    if "date" in changed:
        if meeting.agenda_sent_on is not None or meeting.status != MeetingStatus.SCHEDULED:
            raise MeetingError(
                "The date cannot change once the papers have gone out; cancel the meeting instead."
            )
        clash = Meeting.objects.filter(body_id=meeting.body_id, date=values["date"]).exclude(pk=meeting.pk)
        if clash.exclude(status=MeetingStatus.CANCELLED).exists():
            raise MeetingError(
                f"{meeting.body} already has a meeting on {_on(values['date'])}.", field="date"
            )
    start = values.get("start_time", meeting.start_time)
    end = values.get("end_time", meeting.end_time)
    if start and end and end <= start:
        raise MeetingError("The meeting must end after it starts.", field="end_time")
    if save_changes(meeting, values, actor, expected_version=expected_version):
        _sync(meeting)
        kind = kind_of(meeting)
        if "date" in changed and kind.date_changed is not None:
            kind.date_changed(actor=actor, meeting=_as(kind.meeting_model, meeting))
    return meeting


@transaction.atomic
def meeting_invite_agency(*, actor, meeting: Meeting, agency):
    """Invite one more agency to a meeting that has not concluded."""
    meeting = _locked(meeting)
    if meeting.status in (MeetingStatus.CONCLUDED, MeetingStatus.CANCELLED):
        raise MeetingError("Agencies cannot be invited after the meeting has concluded.")
    model = kind_of(meeting).attendance_model
    row, created = model.objects.get_or_create(meeting=meeting, agency=agency)
    if not created:
        raise MeetingError(f"{agency.name} is already invited to this meeting.")
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=meeting,
        changed_fields=["attendances"],
        detail={"invited": agency.pk},
    )
    return row


@transaction.atomic
def meeting_record_attendance(*, actor, meeting: Meeting, entries: Mapping[int, tuple[str, str]]) -> Meeting:
    """Record, per invited agency id, (attendance status, representative). Agencies not invited
    are ignored. Raises MeetingError once the meeting has concluded."""
    meeting = _locked(meeting)
    if meeting.status in (MeetingStatus.CONCLUDED, MeetingStatus.CANCELLED):
        raise MeetingError("Attendance cannot be changed after the meeting has concluded.")
    changed = []
    for row in meeting.attendances.all():
        status, representative = entries.get(row.agency_id, (row.status, row.representative))
        if status not in AttendanceStatus.values:
            raise MeetingError("Choose an attendance status for each agency.")
        representative = representative.strip()
        if (status, representative) != (row.status, row.representative):
            row.status, row.representative = status, representative
            row.save(update_fields=["status", "representative"])
            changed.append(row.agency_id)
    if changed:
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=meeting,
            changed_fields=["attendances"],
            detail={"agencies": changed},
        )
    return meeting


@transaction.atomic
def meeting_send_papers(*, actor, meeting: Meeting, sent_on: date | None = None):
    """Record that the agenda went to the invited agencies and tell their people, by an email
    that says only that papers are ready. Raises MeetingError before the agenda exists, or twice."""
    meeting = _locked(meeting)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise MeetingError("The agenda can only be sent before the meeting starts.")
    if meeting.agenda_generated_at is None:
        raise MeetingError("Generate the agenda before recording that it was sent.")
    if meeting.agenda_sent_on is not None:
        raise MeetingError("The agenda has already been recorded as sent.")
    sent_on = sent_on or local_today()
    if sent_on > local_today():
        raise MeetingError("The date the agenda was sent cannot be in the future.")
    meeting.agenda_sent_on = sent_on
    meeting.save(update_fields=["agenda_sent_on"])
    audit_record(
        actor=actor,
        action=AuditAction.DISCLOSE,
        obj=meeting,
        changed_fields=["agenda_sent_on"],
        detail={"recipients": list(meeting.attendances.values_list("agency_id", flat=True))},
    )
    enqueue("meetings.notify_papers_ready", meeting.pk, "agenda")
    _sync(meeting)
    return meeting


@transaction.atomic
def meeting_start(*, actor, meeting: Meeting):
    """Open the meeting (for MARAC, once the confidentiality statement has been read and agreed)."""
    return transition(
        _locked(meeting),
        "start",
        machine=MEETING_MOVES,
        actor=actor,
        values={"started_at": timezone.now(), "started_by": actor},
    )


@transaction.atomic
def meeting_conclude(*, actor, meeting: Meeting):
    """Close the meeting. Refused while an item has no minutes, or while an action that comes back
    to this meeting has been neither completed nor carried forward."""
    return transition(_locked(meeting), "conclude", machine=MEETING_MOVES, actor=actor)


@transaction.atomic
def meeting_cancel(*, actor, meeting: Meeting, reason: str):
    """Cancel a meeting that has not started. Its agenda is kept as a record; actions sent to it by
    name go back to coming up at the next meeting after their own. Raises MeetingError otherwise."""
    meeting = _locked(meeting)
    MEETING_MOVES.check(meeting, "cancel")
    if not reason.strip():
        raise MeetingError("Enter the reason for cancelling the meeting.")
    redirected = list(Action.objects.filter(review_at=meeting).values_list("pk", flat=True))
    Action.objects.filter(pk__in=redirected).update(review_at=None)
    return transition(
        meeting,
        "cancel",
        machine=MEETING_MOVES,
        actor=actor,
        values={"cancelled_reason": reason.strip()},
        detail={"actions_redirected": redirected},
    )


@transaction.atomic
def meeting_approve_minutes(*, actor, meeting: Meeting, approved_on: date):
    """Record that the minutes were approved as a true record (by the chair, or at the next
    meeting). After that they cannot change. Raises MeetingError before the meeting concludes."""
    meeting = _locked(meeting)
    if meeting.status != MeetingStatus.CONCLUDED:
        raise MeetingError("Minutes can be approved only after the meeting has concluded.")
    if meeting.minutes_approved_on is not None:
        raise MeetingError("The minutes have already been approved.")
    if approved_on < meeting.date or approved_on > local_today():
        raise MeetingError("The approval date must be between the meeting and today.")
    meeting.minutes_approved_on = approved_on
    meeting.minutes_approved_by = actor
    meeting.save(update_fields=["minutes_approved_on", "minutes_approved_by"])
    audit_record(actor=actor, action=AuditAction.CHANGE, obj=meeting, changed_fields=["minutes_approved_on"])
    enqueue("meetings.notify_papers_ready", meeting.pk, "minutes")
    return meeting


# --- The agenda ------------------------------------------------------------------------------------


@dataclass
class AgendaEntry:
    """One thing the owning app wants on the agenda: in `section`, about `subject`. `extra` is the
    app's own (MARAC puts the referrals listed under the item there)."""

    section: int
    subject: models.Model
    extra: list = field(default_factory=list)


@dataclass
class AgendaResult:
    created: list[AgendaItem]
    items: dict[tuple[int, int], AgendaItem]  # (content type id, subject id) -> item, new or not


def _subject_key(subject: models.Model) -> tuple[int, int]:
    return ContentType.objects.get_for_model(subject).pk, subject.pk


@transaction.atomic
def agenda_add(*, actor, meeting: Meeting, entries: Iterable[AgendaEntry]) -> AgendaResult:
    """Put the app's entries on the agenda, each subject once: a subject already there keeps its
    item and place; a new one goes to the end of its section. Safe to run again. Raises
    MeetingError once the meeting has started."""
    meeting = _locked(meeting)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise MeetingError("The agenda can only be generated before the meeting starts.")
    kind = kind_of(meeting)
    existing = {
        (item.subject_type_id, item.subject_id): item
        for item in kind.item_model.objects.filter(meeting=meeting, subject_id__isnull=False)
    }
    positions = dict(
        meeting.agenda_items.values("section").annotate(top=Max("position")).values_list("section", "top")
    )
    created = []
    for entry in entries:
        key = _subject_key(entry.subject)
        if key in existing:
            continue
        positions[entry.section] = positions.get(entry.section, 0) + 1
        item = kind.item_model(
            meeting=meeting,
            section=entry.section,
            position=positions[entry.section],
            subject_type_id=key[0],
            subject_id=key[1],
            duration_minutes=meeting.body.item_minutes,
        )
        existing[key] = item
        created.append(item)
    kind.item_model.objects.bulk_create(created)
    meeting.agenda_generated_at = timezone.now()
    meeting.save(update_fields=["agenda_generated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=meeting,
        changed_fields=["agenda"],
        detail={"added": [f"{i.subject_type_id}:{i.subject_id}" for i in created]},
    )
    return AgendaResult(created, existing)


@transaction.atomic
def agenda_add_other_business(*, actor, meeting: Meeting, title: str) -> AgendaItem:
    """Add an item of any other business, before or during the meeting."""
    meeting = _locked(meeting)
    if meeting.status not in (MeetingStatus.SCHEDULED, MeetingStatus.IN_PROGRESS):
        raise MeetingError("Other business can be added only before the meeting concludes.")
    title = " ".join(title.split())
    if not title:
        raise MeetingError("Enter what the item is about.")
    kind = kind_of(meeting)
    top = meeting.agenda_items.filter(section=kind.other_business).aggregate(top=Max("position"))["top"] or 0
    item = kind.item_model.objects.create(
        meeting=meeting,
        section=kind.other_business,
        position=top + 1,
        title=title[:300],
        duration_minutes=meeting.body.item_minutes,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=item, changed_fields=["title"])
    return item


@transaction.atomic
def agenda_item_remove(*, actor, item: AgendaItem) -> None:
    """Take an item off the agenda before the meeting starts."""
    item = type(item)._base_manager.select_for_update().select_related("meeting").get(pk=item.pk)
    if item.meeting.status != MeetingStatus.SCHEDULED:
        raise MeetingError("An item can only be taken off the agenda before the meeting starts.")
    if item.actions.exists():
        raise MeetingError("This item has actions and cannot be taken off the agenda.")
    meeting = item.meeting
    item.delete()
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=meeting,
        changed_fields=["agenda"],
        detail={"removed": f"{item.subject_type_id}:{item.subject_id}" if item.subject_id else item.title},
    )


@transaction.atomic
def agenda_item_record(*, actor, item: AgendaItem, minutes: str) -> AgendaItem:
    """Record the minutes of one item. Raises MeetingError unless the meeting is in progress."""
    item = type(item)._base_manager.select_for_update().select_related("meeting").get(pk=item.pk)
    if item.meeting.status != MeetingStatus.IN_PROGRESS:
        raise MeetingError("Minutes can only be recorded while the meeting is in progress.")
    if not minutes.strip():
        raise MeetingError("Enter the minutes for this item.")
    item.minutes = minutes.strip()
    item.discussed = True
    item.save(update_fields=["minutes", "discussed"])
    audit_record(actor=actor, action=AuditAction.CHANGE, obj=item, changed_fields=["minutes", "discussed"])
    return item


# --- Actions ---------------------------------------------------------------------------------------


@transaction.atomic
def action_create(
    *,
    actor,
    item: AgendaItem,
    agency,
    description: str,
    due_date: date,
    owner=None,
    subject: models.Model | None = None,
) -> Action:
    """Agree an action for one agency (and a named owner in it) on an item of a meeting in
    progress. `subject` defaults to the item's. Raises MeetingError otherwise."""
    item = type(item)._base_manager.select_related("meeting__body").get(pk=item.pk)
    if item.meeting.status != MeetingStatus.IN_PROGRESS:
        raise MeetingError("Actions can only be agreed while the meeting is in progress.")
    if not description.strip():
        raise MeetingError("Describe the action.")
    if due_date < item.meeting.date:
        raise MeetingError("The due date must be on or after the date of the meeting.")
    if owner is not None and owner.agency_id != agency.pk:
        raise MeetingError(f"The owner must work for {agency.name}.")
    subject_type_id, subject_id = (
        _subject_key(subject) if subject is not None else (item.subject_type_id, item.subject_id)
    )
    action = kind_of(item.meeting).action_model.objects.create(
        meeting=item.meeting,
        item=item,
        subject_type_id=subject_type_id,
        subject_id=subject_id,
        agency=agency,
        owner=owner,
        description=description.strip(),
        due_date=due_date,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=action,
        changed_fields=["agency", "owner", "description", "due_date"],
    )
    _sync(action)
    return action


@transaction.atomic
def action_complete(*, actor, action: Action, outcome: str, completed_on: date) -> Action:
    """Mark an open action done with its outcome. Raises MeetingError otherwise."""
    action = _locked(action)
    ACTION_MOVES.check(action, "complete")
    if not outcome.strip():
        raise MeetingError("Describe the outcome of the action.")
    if completed_on > local_today():
        raise MeetingError("The completion date cannot be in the future.")
    if completed_on < action.meeting.date:
        raise MeetingError("The completion date cannot be before the meeting that agreed the action.")
    return transition(
        action,
        "complete",
        machine=ACTION_MOVES,
        actor=actor,
        values={"outcome": outcome.strip(), "completed_on": completed_on},
    )


@transaction.atomic
def action_carry_forward(
    *, actor, action: Action, to_meeting: Meeting, reason: str, due_date: date | None = None
) -> Action:
    """Carry an incomplete action to a later meeting of the same body, saying why it is not done.

    `to_meeting` is either the meeting reviewing it now, while it is in progress (the action then
    comes back at the next meeting after it), or any later meeting that has not concluded, which it
    then skips to. The row is closed as carried forward and an open copy made, recorded at the
    meeting reviewing it (if that has started) and for review at the chosen one. Raises
    MeetingError otherwise."""
    action = type(action)._base_manager.select_for_update().select_related("meeting").get(pk=action.pk)
    ACTION_MOVES.check(action, "carry_forward")
    if reason not in CarryReason.values:
        raise MeetingError("Choose why the action is being carried forward.")
    to_meeting = Meeting.objects.get(pk=to_meeting.pk)
    if to_meeting.body_id != action.meeting.body_id or to_meeting.date <= action.meeting.date:
        raise MeetingError(
            f"An action can only be carried forward to a later meeting of the same {kind_of(action).noun}."
        )
    if to_meeting.status in (MeetingStatus.CONCLUDED, MeetingStatus.CANCELLED):
        raise MeetingError(
            "An action cannot be carried forward to a meeting that has concluded or been cancelled."
        )
    targets = selectors.carry_targets(action)
    reviewing = selectors.review_meeting(action)
    if to_meeting != targets.current and to_meeting not in targets.later:
        raise MeetingError(
            f"This action already comes back to the meeting of {_on(to_meeting.date)}; carry it to a later one."
        )
    new_due = due_date or max(action.due_date, to_meeting.date)
    if new_due < to_meeting.date:
        raise MeetingError("The new due date must be on or after the date of the meeting.")
    started = reviewing is not None and reviewing.status != MeetingStatus.SCHEDULED
    recorded_at = reviewing if started else action.meeting
    carried = type(action).objects.create(
        meeting=recorded_at,
        item=action.item,
        subject_type_id=action.subject_type_id,
        subject_id=action.subject_id,
        agency_id=action.agency_id,
        owner_id=action.owner_id,
        description=action.description,
        due_date=new_due,
        carried_from=action,
        carry_reason=reason,
        review_at=None if to_meeting == targets.current else to_meeting,
    )
    transition(
        action,
        "carry_forward",
        machine=ACTION_MOVES,
        actor=actor,
        detail={"carried_to": carried.pk, "reason": reason, "meeting": to_meeting.pk},
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=carried,
        changed_fields=["carried_from", "carry_reason", "due_date", "review_at"],
    )
    _sync(carried)
    return carried


@transaction.atomic
def action_add_update(*, actor, action: Action, text: str) -> ActionUpdate:
    """Add a progress note to an open action."""
    action = _locked(action)
    if action.status != ActionStatus.OPEN:
        raise MeetingError("Progress can be added only to an open action.")
    text = text.strip()
    if not text:
        raise MeetingError("Enter the progress made.")
    update = ActionUpdate.objects.create(action=action, text=text, recorded_by=actor)
    audit_record(actor=actor, action=AuditAction.CHANGE, obj=action, changed_fields=["updates"])
    return update


@transaction.atomic
def action_assign(*, actor, action: Action, owner) -> Action:
    """Name (or change) the person in the agency who owns an open action."""
    action = _locked(action)
    if action.status != ActionStatus.OPEN:
        raise MeetingError("Only an open action can be given a new owner.")
    if owner is not None and owner.agency_id != action.agency_id:
        raise MeetingError(f"The owner must work for {action.agency.name}.")
    if action.owner_id == (owner.pk if owner else None):
        return action
    action.owner = owner
    action.save(update_fields=["owner"])
    audit_record(actor=actor, action=AuditAction.CHANGE, obj=action, changed_fields=["owner"])
    _sync(action)
    return action
