"""Every MARAC write and state transition. Each service audits what it did and keeps the
stored deadlines in step (deadlines_sync) inside the same transaction."""

import secrets
from collections.abc import Iterable
from datetime import date
from functools import lru_cache

from django.db import connection, transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_record
from somerset_safety.core.dates import add_months
from somerset_safety.core.dates import today as local_today
from somerset_safety.deadlines.services import deadlines_sync

from . import conf
from .exceptions import MaracError
from .models import (
    Action,
    ActionStatus,
    AgendaItem,
    AgendaSection,
    AttendanceStatus,
    CarryReason,
    MaracArea,
    Meeting,
    MeetingAttendance,
    MeetingStatus,
    Person,
    PersonRole,
    Referral,
    ReferralStatus,
    RiskQuestion,
)

REPEAT_MONTHS = 12  # SafeLives: a further referral within 12 months of the last one [C]


def _refuse_unless_allowed(obj, new_status: str, message: str) -> None:
    if new_status not in obj.TRANSITIONS[obj.status]:
        raise MaracError(message)


# --- Repeats ---------------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def repeat_window_start(referral_date: date) -> date:
    """The earliest referral date that makes a later referral a repeat: exactly 12 calendar
    months earlier, clamped (29 February 2024 -> 28 February 2023)."""
    return add_months(referral_date, -REPEAT_MONTHS)


def referral_is_repeat(*, victim_id: int, referral_date: date, exclude_pk: int | None = None) -> bool:
    """Whether a referral of this victim on this date would be a repeat of an earlier one."""
    earlier = Referral.objects.filter(
        victim_id=victim_id,
        referral_date__gte=repeat_window_start(referral_date),
        referral_date__lte=referral_date,
    ).exclude(status=ReferralStatus.WITHDRAWN)
    if exclude_pk is not None:
        earlier = earlier.exclude(pk=exclude_pk).filter(
            Q(referral_date__lt=referral_date) | Q(pk__lt=exclude_pk)
        )
    return earlier.exists()


def referrals_recompute_repeats(*, victim_ids: Iterable[int]) -> int:
    """Work out `is_repeat` for every referral of these victims, across their whole history.

    A referral is a repeat when the same victim has an earlier referral (an earlier date, or the
    same date entered before it) whose date is on or after the date exactly 12 calendar months
    before. Withdrawn referrals never count and are never repeats. Returns how many changed.
    """
    victim_ids = sorted(set(victim_ids))
    size = 10_000 if connection.vendor == "postgresql" else 900
    changed = 0
    for start in range(0, len(victim_ids), size):
        chunk = victim_ids[start : start + size]
        rows = (
            Referral.objects.filter(victim_id__in=chunk)
            .exclude(status=ReferralStatus.WITHDRAWN)
            .order_by("victim_id", "referral_date", "id")
            .values_list("id", "victim_id", "referral_date", "is_repeat")
        )
        to_true, to_false = [], []
        last_victim, last_date = None, None
        for pk, victim_id, referral_date, was_repeat in rows.iterator(chunk_size=5000):
            repeat = victim_id == last_victim and last_date >= repeat_window_start(referral_date)
            if repeat != was_repeat:
                (to_true if repeat else to_false).append(pk)
            last_victim, last_date = victim_id, referral_date
        for ids, value in ((to_true, True), (to_false, False)):
            for i in range(0, len(ids), size):
                changed += Referral.objects.filter(pk__in=ids[i : i + size]).update(is_repeat=value)
        changed += Referral.objects.filter(
            victim_id__in=chunk, status=ReferralStatus.WITHDRAWN, is_repeat=True
        ).update(is_repeat=False)
    return changed


# --- Referrals -------------------------------------------------------------------------------


def dash_score(answers: dict) -> int:
    """The score is the number of "yes" answers."""
    return sum(1 for value in answers.values() if value == "yes")


def _new_reference(referral_date: date) -> str:
    while True:
        reference = f"MR-{referral_date:%Y}-{secrets.randbelow(10**6):06d}"
        if not Referral.objects.filter(reference=reference).exists():
            return reference


def _person(*, role: str, existing: Person | None, details: dict | None) -> Person | None:
    if existing is not None:
        if existing.role != role:
            raise MaracError("The person chosen is recorded in a different role. Choose again.")
        return existing
    if not details or not any(details.get(k) for k in ("full_name", "date_of_birth", "address")):
        return None if role == PersonRole.PERPETRATOR else Person.objects.create(role=role)
    return Person.objects.create(
        role=role,
        full_name=(details.get("full_name") or "").strip(),
        date_of_birth=details.get("date_of_birth"),
        address=(details.get("address") or "").strip(),
    )


@transaction.atomic
def referral_create(
    *,
    actor,
    area: MaracArea,
    referral_date: date,
    incident_date: date | None,
    referring_agency,
    dash_answers: dict[str, str],
    professional_judgement: bool,
    professional_judgement_reasons: str = "",
    incidents_in_period: int | None = None,
    children_in_household: int = 0,
    victim: Person | None = None,
    victim_details: dict | None = None,
    perpetrator: Person | None = None,
    perpetrator_details: dict | None = None,
    victim_sex: str,
    victim_age: int | None,
    victim_ethnicity: str,
    victim_disabled: str,
    victim_lgbt: str,
    perpetrator_age: int | None = None,
    idva_allocated: bool = False,
    restricted: bool = False,
    review_at_12_months: bool = False,
) -> Referral:
    """Record a referral, working out its score, the criteria it meets and whether it repeats.

    `victim` (an existing person) or `victim_details` (a new one); the same for the perpetrator.
    Raises MaracError when no criterion is met, when professional judgement has no reasons, or
    when the dates are impossible. Nothing is written when it raises.
    """
    if referral_date > local_today():
        raise MaracError("The referral date cannot be in the future.")
    if incident_date and incident_date > referral_date:
        raise MaracError("The incident date must be on or before the referral date.")
    valid_numbers = {
        str(n) for n in RiskQuestion.objects.filter(active=True).values_list("number", flat=True)
    }
    answers = {
        str(k): v
        for k, v in dash_answers.items()
        if str(k) in valid_numbers and v in {"yes", "no", "not_known"}
    }
    score = dash_score(answers)
    reasons = professional_judgement_reasons.strip()
    if professional_judgement and not reasons:
        raise MaracError("Give the reasons for referring on professional judgement.")
    visible_high_risk = score >= conf.high_risk_threshold()
    escalation = incidents_in_period is not None and incidents_in_period >= conf.escalation_incidents()
    victim_obj = _person(role=PersonRole.VICTIM, existing=victim, details=victim_details)
    repeat = referral_is_repeat(victim_id=victim_obj.pk, referral_date=referral_date)
    if not (visible_high_risk or professional_judgement or escalation or repeat):
        raise MaracError(
            "This referral meets none of the MARAC criteria: the checklist score is "
            f"{score} (visible high risk needs {conf.high_risk_threshold()} or more), there is no professional "
            f"judgement, fewer than {conf.escalation_incidents()} incidents in {conf.escalation_months()} months, "
            "and the victim has no referral in the last 12 months. Consider other support for the victim."
        )
    perpetrator_obj = _person(role=PersonRole.PERPETRATOR, existing=perpetrator, details=perpetrator_details)
    referral = Referral.objects.create(
        reference=_new_reference(referral_date),
        area=area,
        victim=victim_obj,
        perpetrator=perpetrator_obj,
        referral_date=referral_date,
        incident_date=incident_date,
        referring_agency=referring_agency,
        dash_answers=answers,
        dash_score=score,
        visible_high_risk=visible_high_risk,
        professional_judgement=professional_judgement,
        professional_judgement_reasons=reasons if professional_judgement else "",
        potential_escalation=escalation,
        incidents_in_period=incidents_in_period,
        is_repeat=repeat,
        children_in_household=children_in_household,
        victim_sex=victim_sex,
        victim_age=victim_age,
        victim_ethnicity=victim_ethnicity,
        victim_disabled=victim_disabled,
        victim_lgbt=victim_lgbt,
        perpetrator_age=perpetrator_age,
        idva_allocated=idva_allocated,
        restricted=restricted,
        review_at_12_months=review_at_12_months,
        created_by=actor,
    )
    # A back-dated referral can turn a later one of the same victim into a repeat.
    referrals_recompute_repeats(victim_ids=[victim_obj.pk])
    referral.refresh_from_db(fields=["is_repeat"])
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=referral,
        changed_fields=[
            "area",
            "referral_date",
            "incident_date",
            "referring_agency",
            "dash_score",
            "criteria",
            "victim",
            "perpetrator",
            "children_in_household",
            "demographics",
        ],
        detail={"victim": victim_obj.pk, "new_victim": victim is None},
    )
    deadlines_sync(subject=referral)
    return referral


@transaction.atomic
def referral_update_handling(
    *, actor, referral: Referral, restricted: bool, review_at_12_months: bool, idva_allocated: bool
) -> Referral:
    """Change how a case is handled: the restriction, the 12-month review flag, IDVA allocation."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    values = {
        "restricted": restricted,
        "review_at_12_months": review_at_12_months,
        "idva_allocated": idva_allocated,
    }
    changed = [name for name, value in values.items() if getattr(referral, name) != value]
    if not changed:
        return referral
    for name in changed:
        setattr(referral, name, values[name])
    referral.save(update_fields=changed)
    audit_record(actor=actor, action=AuditAction.CHANGE, obj=referral, changed_fields=changed)
    deadlines_sync(subject=referral)
    return referral


@transaction.atomic
def person_update(
    *, actor, person: Person, full_name: str, date_of_birth: date | None, address: str
) -> Person:
    """Correct a person's restricted details. Audited with the names of the fields changed."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if date_of_birth and date_of_birth > local_today():
        raise MaracError("The date of birth must be in the past.")
    values = {"full_name": full_name.strip(), "date_of_birth": date_of_birth, "address": address.strip()}
    changed = [name for name, value in values.items() if getattr(person, name) != value]
    if changed:
        for name in changed:
            setattr(person, name, values[name])
        person.save(update_fields=changed)
        audit_record(actor=actor, action=AuditAction.CHANGE, obj=person, changed_fields=changed)
    return person


@transaction.atomic
def referral_withdraw(*, actor, referral: Referral, reason: str) -> Referral:
    """Withdraw a referral not yet heard (entered in error, or the victim moved away). It stops
    counting towards repeats. Raises MaracError once heard or without a reason."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    _refuse_unless_allowed(
        referral, ReferralStatus.WITHDRAWN, "A referral that has been heard at a meeting cannot be withdrawn."
    )
    if not reason.strip():
        raise MaracError("Enter the reason for withdrawing the referral.")
    AgendaItem.objects.filter(referral=referral, meeting__status=MeetingStatus.SCHEDULED).delete()
    referral.status = ReferralStatus.WITHDRAWN
    referral.withdrawn_reason = reason.strip()
    referral.save(update_fields=["status", "withdrawn_reason"])
    referrals_recompute_repeats(victim_ids=[referral.victim_id])
    audit_record(
        actor=actor,
        action=AuditAction.TRANSITION,
        obj=referral,
        changed_fields=["status", "withdrawn_reason"],
        detail={"to": ReferralStatus.WITHDRAWN},
    )
    deadlines_sync(subject=referral)
    return referral


# --- Meetings --------------------------------------------------------------------------------


@transaction.atomic
def meeting_create(*, actor, area: MaracArea, date: date, chair, agencies: Iterable) -> Meeting:
    """Schedule a meeting and invite agencies. Raises MaracError if the area already meets that day."""
    if Meeting.objects.filter(area=area, date=date).exists():
        raise MaracError(f"{area.name} already has a meeting on {date:%-d %B %Y}.")
    meeting = Meeting.objects.create(area=area, date=date, chair=chair)
    MeetingAttendance.objects.bulk_create(
        [MeetingAttendance(meeting=meeting, agency=agency) for agency in agencies]
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=meeting,
        changed_fields=["area", "date", "chair", "attendances"],
    )
    deadlines_sync(subject=meeting)
    return meeting


@transaction.atomic
def meeting_record_attendance(*, actor, meeting: Meeting, entries: dict[int, tuple[str, str]]) -> Meeting:
    """Record, per invited agency id, (attendance status, representative). Agencies not invited
    are ignored. Raises MaracError once the meeting has concluded."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == MeetingStatus.CONCLUDED:
        raise MaracError("Attendance cannot be changed after the meeting has concluded.")
    changed = []
    for row in meeting.attendances.all():
        status, representative = entries.get(row.agency_id, (row.status, row.representative))
        if status not in AttendanceStatus.values:
            raise MaracError("Choose an attendance status for each agency.")
        if (status, representative) != (row.status, row.representative):
            row.status, row.representative = status, representative.strip()
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
def meeting_invite_agency(*, actor, meeting: Meeting, agency) -> MeetingAttendance:
    """Invite one more agency to a meeting that has not concluded."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == MeetingStatus.CONCLUDED:
        raise MaracError("Agencies cannot be invited after the meeting has concluded.")
    row, created = MeetingAttendance.objects.get_or_create(meeting=meeting, agency=agency)
    if not created:
        raise MaracError(f"{agency.name} is already invited to this meeting.")
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=meeting,
        changed_fields=["attendances"],
        detail={"invited": agency.pk},
    )
    return row


def previous_meeting(meeting: Meeting) -> Meeting | None:
    return Meeting.objects.filter(area_id=meeting.area_id, date__lt=meeting.date).order_by("-date").first()


@transaction.atomic
def meeting_generate_agenda(*, actor, meeting: Meeting) -> list[AgendaItem]:
    """Build the agenda, in order: cases with incomplete actions from the last meeting; new cases
    with children; new cases without; flagged cases where 12 months have passed since their last
    MARAC. Safe to run again: cases already on the agenda keep their place, new ones are added.
    New cases move to "on an agenda". Raises MaracError once the meeting has started."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise MaracError("The agenda can only be generated before the meeting starts.")
    on_agenda = set(meeting.agenda_items.values_list("referral_id", flat=True))
    wanted: list[tuple[int, int]] = []
    last = previous_meeting(meeting)
    if last is not None:
        carried = (
            Action.objects.filter(meeting=last, status=ActionStatus.OPEN)
            .order_by("referral__referral_date", "referral_id")
            .values_list("referral_id", flat=True)
        )
        wanted += [(AgendaSection.CARRIED_ACTIONS, pk) for pk in dict.fromkeys(carried)]
    new_cases = Referral.objects.filter(
        area_id=meeting.area_id, status=ReferralStatus.REFERRED, referral_date__lte=meeting.date
    ).order_by("referral_date", "id")
    for pk, children in new_cases.values_list("id", "children_in_household"):
        wanted.append(
            (AgendaSection.NEW_WITH_CHILDREN if children else AgendaSection.NEW_WITHOUT_CHILDREN, pk)
        )
    discussed_since = AgendaItem.objects.filter(
        referral_id=OuterRef("pk"), meeting__date__gt=OuterRef("heard_date")
    )
    due_again = (
        Referral.objects.filter(
            area_id=meeting.area_id,
            status=ReferralStatus.HEARD,
            review_at_12_months=True,
            heard_date__lte=add_months(meeting.date, -12),
        )
        .filter(~Exists(discussed_since))
        .order_by("heard_date", "id")
    )
    wanted += [(AgendaSection.TWELVE_MONTHS, pk) for pk in due_again.values_list("id", flat=True)]
    positions = dict(
        meeting.agenda_items.values("section").annotate(top=Max("position")).values_list("section", "top")
    )
    created = []
    for section, referral_id in wanted:
        if referral_id in on_agenda:
            continue
        on_agenda.add(referral_id)
        positions[section] = positions.get(section, 0) + 1
        created.append(
            AgendaItem(meeting=meeting, referral_id=referral_id, section=section, position=positions[section])
        )
    AgendaItem.objects.bulk_create(created)
    new_ids = [item.referral_id for item in created if item.section in (2, 3)]
    Referral.objects.filter(pk__in=new_ids, status=ReferralStatus.REFERRED).update(
        status=ReferralStatus.LISTED
    )
    meeting.agenda_generated_at = timezone.now()
    meeting.save(update_fields=["agenda_generated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=meeting,
        changed_fields=["agenda"],
        detail={"added": [item.referral_id for item in created]},
    )
    for referral in Referral.objects.filter(
        pk__in=[item.referral_id for item in created if item.section == 4]
    ):
        deadlines_sync(subject=referral)
    return created


@transaction.atomic
def agenda_item_remove(*, actor, item: AgendaItem) -> None:
    """Take a case off an agenda before the meeting starts; a new case goes back to "referred"."""
    item = AgendaItem.objects.select_for_update().select_related("meeting", "referral").get(pk=item.pk)
    if item.meeting.status != MeetingStatus.SCHEDULED:
        raise MaracError("A case can only be taken off the agenda before the meeting starts.")
    referral = item.referral
    if referral.status == ReferralStatus.LISTED and item.section in (2, 3):
        referral.status = ReferralStatus.REFERRED
        referral.save(update_fields=["status"])
    item.delete()
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=item.meeting,
        changed_fields=["agenda"],
        detail={"removed": referral.pk},
    )


@transaction.atomic
def meeting_send_agenda(*, actor, meeting: Meeting, sent_on: date | None = None) -> Meeting:
    """Record that the agenda went out to the invited agencies (meets the papers deadline)."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.agenda_generated_at is None:
        raise MaracError("Generate the agenda before recording that it was sent.")
    if meeting.agenda_sent_on is not None:
        raise MaracError("The agenda has already been recorded as sent.")
    meeting.agenda_sent_on = sent_on or local_today()
    meeting.save(update_fields=["agenda_sent_on"])
    audit_record(
        actor=actor,
        action=AuditAction.DISCLOSE,
        obj=meeting,
        changed_fields=["agenda_sent_on"],
        detail={"recipients": list(meeting.attendances.values_list("agency_id", flat=True))},
    )
    deadlines_sync(subject=meeting)
    return meeting


@transaction.atomic
def meeting_start(*, actor, meeting: Meeting) -> Meeting:
    """Open the meeting once the confidentiality statement has been read and agreed."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _refuse_unless_allowed(meeting, MeetingStatus.IN_PROGRESS, "This meeting has already started.")
    meeting.status = MeetingStatus.IN_PROGRESS
    meeting.confidentiality_confirmed_at = timezone.now()
    meeting.confidentiality_confirmed_by = actor
    meeting.save(update_fields=["status", "confidentiality_confirmed_at", "confidentiality_confirmed_by"])
    audit_record(
        actor=actor,
        action=AuditAction.TRANSITION,
        obj=meeting,
        changed_fields=["status", "confidentiality_confirmed_at"],
        detail={"to": meeting.status},
    )
    return meeting


@transaction.atomic
def agenda_item_record(*, actor, item: AgendaItem, minutes: str) -> AgendaItem:
    """Record the minutes of one case. A new case is then "heard" on the meeting's date, which is
    when it counts in the data return. Raises MaracError unless the meeting is in progress."""
    item = AgendaItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
    if item.meeting.status != MeetingStatus.IN_PROGRESS:
        raise MaracError("Minutes can only be recorded while the meeting is in progress.")
    if not minutes.strip():
        raise MaracError("Enter the minutes for this case.")
    item.minutes = minutes.strip()
    item.discussed = True
    item.save(update_fields=["minutes", "discussed"])
    referral = Referral.objects.select_for_update().get(pk=item.referral_id)
    if referral.status == ReferralStatus.LISTED:
        referral.status = ReferralStatus.HEARD
        referral.heard_date = item.meeting.date
        referral.heard_at = item.meeting
        referral.save(update_fields=["status", "heard_date", "heard_at"])
        audit_record(
            actor=actor,
            action=AuditAction.TRANSITION,
            obj=referral,
            changed_fields=["status", "heard_date", "heard_at"],
            detail={"to": referral.status},
        )
    audit_record(actor=actor, action=AuditAction.CHANGE, obj=item, changed_fields=["minutes", "discussed"])
    deadlines_sync(subject=referral)
    return item


@transaction.atomic
def meeting_conclude(*, actor, meeting: Meeting) -> Meeting:
    """Close the meeting. Refused while a new case is undiscussed or an incomplete action from
    the last meeting has been neither completed nor carried forward."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _refuse_unless_allowed(meeting, MeetingStatus.CONCLUDED, "Only a meeting in progress can be concluded.")
    undiscussed = meeting.agenda_items.filter(discussed=False).count()
    if undiscussed:
        raise MaracError(
            f"{undiscussed} case{'s' if undiscussed != 1 else ''} on the agenda "
            f"{'have' if undiscussed != 1 else 'has'} no minutes. Record minutes or take them off the agenda."
        )
    last = previous_meeting(meeting)
    if last is not None:
        open_actions = Action.objects.filter(meeting=last, status=ActionStatus.OPEN).count()
        if open_actions:
            raise MaracError(
                f"{open_actions} action{'s' if open_actions != 1 else ''} from the last meeting "
                "must be marked complete or carried forward first."
            )
    meeting.status = MeetingStatus.CONCLUDED
    meeting.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action=AuditAction.TRANSITION,
        obj=meeting,
        changed_fields=["status"],
        detail={"to": meeting.status},
    )
    return meeting


# --- Actions ---------------------------------------------------------------------------------


@transaction.atomic
def action_create(*, actor, item: AgendaItem, agency, description: str, due_date: date) -> Action:
    """Agree an action for one agency on a case discussed at a meeting in progress."""
    item = AgendaItem.objects.select_related("meeting").get(pk=item.pk)
    if item.meeting.status != MeetingStatus.IN_PROGRESS:
        raise MaracError("Actions can only be agreed while the meeting is in progress.")
    if not description.strip():
        raise MaracError("Describe the action.")
    if due_date < item.meeting.date:
        raise MaracError("The due date must be on or after the date of the meeting.")
    action = Action.objects.create(
        referral_id=item.referral_id,
        meeting=item.meeting,
        agency=agency,
        description=description.strip(),
        due_date=due_date,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=action,
        changed_fields=["agency", "description", "due_date"],
    )
    deadlines_sync(subject=action)
    return action


@transaction.atomic
def action_complete(*, actor, action: Action, outcome: str, completed_on: date) -> Action:
    """Mark an open action done with its outcome. Raises MaracError otherwise."""
    action = Action.objects.select_for_update().get(pk=action.pk)
    _refuse_unless_allowed(action, ActionStatus.COMPLETED, "Only an open action can be marked complete.")
    if not outcome.strip():
        raise MaracError("Describe the outcome of the action.")
    if completed_on > local_today():
        raise MaracError("The completion date cannot be in the future.")
    action.status = ActionStatus.COMPLETED
    action.outcome = outcome.strip()
    action.completed_on = completed_on
    action.save(update_fields=["status", "outcome", "completed_on"])
    audit_record(
        actor=actor,
        action=AuditAction.TRANSITION,
        obj=action,
        changed_fields=["status", "outcome", "completed_on"],
        detail={"to": action.status},
    )
    deadlines_sync(subject=action)
    return action


@transaction.atomic
def action_carry_forward(
    *, actor, action: Action, to_meeting: Meeting, reason: str, due_date: date | None = None
) -> Action:
    """Carry an incomplete action to a later meeting of the same area, saying why it is not done:
    circumstances changed, or the agency did not complete it. The original is closed as carried
    forward; an open copy belongs to the later meeting. Raises MaracError otherwise."""
    action = Action.objects.select_for_update().select_related("meeting").get(pk=action.pk)
    _refuse_unless_allowed(
        action, ActionStatus.CARRIED_FORWARD, "Only an open action can be carried forward."
    )
    if reason not in CarryReason.values:
        raise MaracError("Choose why the action is being carried forward.")
    if to_meeting.area_id != action.meeting.area_id or to_meeting.date <= action.meeting.date:
        raise MaracError("An action can only be carried forward to a later meeting of the same MARAC.")
    if to_meeting.status == MeetingStatus.CONCLUDED:
        raise MaracError("An action cannot be carried forward to a meeting that has concluded.")
    new_due = due_date or max(action.due_date, to_meeting.date)
    if new_due < to_meeting.date:
        raise MaracError("The new due date must be on or after the date of the meeting.")
    action.status = ActionStatus.CARRIED_FORWARD
    action.save(update_fields=["status"])
    carried = Action.objects.create(
        referral_id=action.referral_id,
        meeting=to_meeting,
        agency_id=action.agency_id,
        description=action.description,
        due_date=new_due,
        carried_from=action,
        carry_reason=reason,
    )
    audit_record(
        actor=actor,
        action=AuditAction.TRANSITION,
        obj=action,
        changed_fields=["status"],
        detail={"to": action.status, "carried_to": carried.pk, "reason": reason},
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=carried,
        changed_fields=["carried_from", "carry_reason", "due_date"],
    )
    deadlines_sync(subject=action)
    deadlines_sync(subject=carried)
    return carried


# --- Reference data loading ------------------------------------------------------------------


def _csv_rows(text: str, expected: list[str]) -> list[dict]:
    import csv
    import io

    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if [h.strip() for h in (reader.fieldnames or [])] != expected:
        raise MaracError("The header row must be: " + ",".join(expected))
    return [{k.strip(): (v or "").strip() for k, v in row.items()} for row in reader]


@transaction.atomic
def areas_load(*, actor, text: str) -> tuple[int, int]:
    """Create or update MARAC areas by code from `code,name,adult_female_population`.
    All or nothing; raises MaracError naming the first bad row. Returns (created, updated)."""
    created = updated = 0
    for line, row in enumerate(_csv_rows(text, ["code", "name", "adult_female_population"]), start=2):
        if (
            not row["code"]
            or not row["name"]
            or not row["adult_female_population"].isdigit()
            or not int(row["adult_female_population"])
        ):
            raise MaracError(f"Row {line}: enter a code, a name and a population greater than 0.")
        area, was_created = MaracArea.objects.update_or_create(
            code=row["code"],
            defaults={"name": row["name"], "adult_female_population": int(row["adult_female_population"])},
        )
        created += was_created
        updated += not was_created
        audit_record(
            actor=actor,
            action=AuditAction.CREATE if was_created else AuditAction.CHANGE,
            obj=area,
            changed_fields=["name", "adult_female_population"],
        )
    return created, updated


@transaction.atomic
def agencies_load(*, actor, text: str) -> tuple[int, int]:
    """Create or update agencies by code from `code,name,type` (type is an agency type such as
    police). Existing codes are updated, never duplicated. Returns (created, updated)."""
    from somerset_safety.accounts.models import Agency, AgencyType

    created = updated = 0
    for line, row in enumerate(_csv_rows(text, ["code", "name", "type"]), start=2):
        if not row["code"] or not row["name"]:
            raise MaracError(f"Row {line}: enter the agency code and name.")
        if row["type"] not in AgencyType.values:
            raise MaracError(f"Row {line}: {row['type'] or '(blank)'} is not an agency type.")
        agency, was_created = Agency.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "agency_type": row["type"]}
        )
        created += was_created
        updated += not was_created
        audit_record(
            actor=actor,
            action=AuditAction.CREATE if was_created else AuditAction.CHANGE,
            obj=agency,
            changed_fields=["name", "agency_type"],
        )
    return created, updated
