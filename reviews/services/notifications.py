"""Notifications: record, change, decide, and the Home Office told."""

from datetime import date

from django.db import transaction

from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_record
from somerset_safety.core.edits import save_changes
from somerset_safety.core.names import normalise_name
from somerset_safety.core.references import next_reference
from somerset_safety.deadlines.services import deadlines_sync

from ..exceptions import PossibleDuplicate, ReviewError
from ..models import (
    Decision,
    Notification,
    NotificationStatus,
    Review,
    Stage,
)
from ._common import REFERENCE_KIND, _not_future, _timeline

# The notification's details, in the order the form asks for them: the one list the form
# (a ModelForm on these fields) and the services share.
NOTIFICATION_FIELDS = [
    "notified_on",
    "notifying_agency",
    "case_officer",
    "date_of_death",
    "area",
    "victim_name",
    "victim_pseudonym",
    "victim_age",
    "victim_sex",
    "victim_ethnicity",
    "victim_other_characteristics",
    "perpetrator_age",
    "perpetrator_sex",
    "perpetrator_ethnicity",
    "perpetrator_other_characteristics",
    "relationship",
    "death_type",
    "criminal_justice_status",
    "trial_date",
    "verdict",
    "sentence",
    "inquest_status",
    "parallel_reviews",
    "statutory_basis",
]


def _known_fields(data: dict) -> None:
    unknown = sorted(set(data) - set(NOTIFICATION_FIELDS))
    if unknown:
        raise TypeError(f"Not a notification field: {', '.join(unknown)}")


def _refuse_possible_duplicate(date_of_death: date, victim_name: str, *, confirmed: bool, exclude_pk=None):
    """Raises PossibleDuplicate unless the officer has confirmed this is a different death."""
    from ..selectors import possible_duplicates

    duplicates = possible_duplicates(
        date_of_death=date_of_death, victim_name=victim_name, exclude_pk=exclude_pk
    )
    if duplicates and not confirmed:
        raise PossibleDuplicate(duplicates)
    return duplicates


def _trial_after_death(trial_date: date | None, date_of_death: date) -> None:
    if trial_date is not None and trial_date <= date_of_death:
        raise ReviewError("The trial date must be after the date of death.", field="trial_date")


@transaction.atomic
def notification_create(*, actor, different_death_confirmed: bool = False, **data) -> Notification:
    """Record a new notification with the next sequential reference (never reused, even when
    no review follows). Raises ReviewError for dates in the wrong order, and PossibleDuplicate
    (nothing saved) when a notification with the same date of death and victim's name exists,
    unless the officer has confirmed this is a different death (the audit event keeps which)."""
    _known_fields(data)
    _not_future(data["notified_on"], "The date notified", field="notified_on")
    if data["date_of_death"] > data["notified_on"]:
        raise ReviewError("The date of death must be on or before the date notified.", field="date_of_death")
    _trial_after_death(data.get("trial_date"), data["date_of_death"])
    duplicates = _refuse_possible_duplicate(
        data["date_of_death"], data["victim_name"], confirmed=different_death_confirmed
    )
    # One counter whatever the prefix, so changing the prefix never reuses a number.
    reference = next_reference(REFERENCE_KIND)
    notification = Notification(
        number=reference.number,
        reference=reference.text,
        created_by=actor,
        **{name: data[name] for name in NOTIFICATION_FIELDS if name in data},
    )
    notification.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=notification,
        changed_fields=[name for name in NOTIFICATION_FIELDS if name in data],
        detail={"confirmed_different_from": [n.pk for n in duplicates]} if duplicates else None,
    )
    _timeline(
        notification,
        actor=actor,
        occurred_on=notification.notified_on,
        summary=f"Notification received from {notification.notifying_agency.name}",
    )
    deadlines_sync(subject=notification)
    return notification


@transaction.atomic
def notification_update(
    *,
    actor,
    notification: Notification,
    expected_version: str = "",
    different_death_confirmed: bool = False,
    **data,
) -> list[str]:
    """Change the notification's details. Returns the names of the fields that changed. Raises
    StaleEdit if it changed after `expected_version` (the form's), and PossibleDuplicate when a
    changed date of death or victim's name now matches another notification, unless confirmed."""
    notification = Notification.objects.select_for_update().get(pk=notification.pk)
    _known_fields(data)
    values = {name: data[name] for name in NOTIFICATION_FIELDS if name in data}
    notified_on = values.get("notified_on", notification.notified_on)
    date_of_death = values.get("date_of_death", notification.date_of_death)
    _not_future(notified_on, "The date notified", field="notified_on")
    if date_of_death > notified_on:
        raise ReviewError("The date of death must be on or before the date notified.", field="date_of_death")
    if notification.decision_date and notification.decision_date < notified_on:
        raise ReviewError("The date notified must be on or before the decision date.", field="notified_on")
    _trial_after_death(values.get("trial_date", notification.trial_date), date_of_death)
    victim_name = values.get("victim_name", notification.victim_name)
    if date_of_death != notification.date_of_death or normalise_name(victim_name) != normalise_name(
        notification.victim_name
    ):
        _refuse_possible_duplicate(
            date_of_death, victim_name, confirmed=different_death_confirmed, exclude_pk=notification.pk
        )
    changed = save_changes(notification, values, actor, expected_version=expected_version)
    if changed:
        deadlines_sync(subject=notification)
    return changed


@transaction.atomic
def notification_decide(
    *,
    actor,
    notification: Notification,
    decision: str,
    decision_date: date,
    decision_maker: str,
    rationale: str,
    home_office_told_on: date | None = None,
) -> Notification:
    """Record the decision. "Review" opens a review at its first stage; "no review" closes the
    notification with its reasons kept. Raises ReviewError if already decided or the dates or
    rationale are missing or out of order."""
    notification = Notification.objects.select_for_update().get(pk=notification.pk)
    if notification.decision != Decision.PENDING:
        raise ReviewError("A decision has already been recorded for this notification.")
    if decision not in (Decision.REVIEW, Decision.NO_REVIEW):
        raise ReviewError("Choose whether to hold a review.")
    if not rationale.strip():
        raise ReviewError("Enter the reasons for the decision.")
    if not decision_maker.strip():
        raise ReviewError("Enter who made the decision.")
    _not_future(decision_date, "The decision date", field="decision_date")
    if decision_date < notification.notified_on:
        raise ReviewError(
            f"The decision date must be on or after the date notified ({notification.notified_on:%-d %B %Y}).",
            field="decision_date",
        )
    if home_office_told_on is not None:
        _not_future(home_office_told_on, "The date the Home Office was told", field="home_office_told_on")
        if home_office_told_on < decision_date:
            raise ReviewError(
                "The Home Office cannot have been told before the decision was made.",
                field="home_office_told_on",
            )
    notification.decision = decision
    notification.decision_date = decision_date
    notification.decision_maker = decision_maker.strip()
    notification.decision_rationale = rationale.strip()
    notification.home_office_told_on = home_office_told_on
    if decision == Decision.REVIEW:
        notification.status = NotificationStatus.REVIEW
    else:
        notification.status = NotificationStatus.CLOSED_NO_REVIEW
    fields = [
        "decision",
        "decision_date",
        "decision_maker",
        "decision_rationale",
        "home_office_told_on",
        "status",
    ]
    notification.save(update_fields=[*fields, "updated_at"])
    if decision == Decision.REVIEW:
        Review.objects.create(
            notification=notification, stage=Stage.DECISION_MADE, stage_changed_on=decision_date
        )
    audit_record(actor=actor, action=AuditAction.TRANSITION, obj=notification, changed_fields=fields)
    _timeline(
        notification,
        actor=actor,
        occurred_on=decision_date,
        summary="Decision: hold a review" if decision == Decision.REVIEW else "Decision: no review; closed",
    )
    if home_office_told_on:
        _timeline(
            notification,
            actor=actor,
            occurred_on=home_office_told_on,
            summary="Home Office told of the decision",
        )
    deadlines_sync(subject=notification)
    return notification


@transaction.atomic
def notification_home_office_told(*, actor, notification: Notification, told_on: date) -> Notification:
    """Record the date the Home Office was told of the decision. Raises ReviewError if there
    is no decision yet or the date is before it."""
    notification = Notification.objects.select_for_update().get(pk=notification.pk)
    if notification.decision == Decision.PENDING:
        raise ReviewError("Record the decision before the date the Home Office was told.")
    _not_future(told_on, "The date the Home Office was told", field="told_on")
    if told_on < notification.decision_date:
        raise ReviewError(
            "The Home Office cannot have been told before the decision was made "
            f"({notification.decision_date:%-d %B %Y}).",
            field="told_on",
        )
    notification.home_office_told_on = told_on
    notification.save(update_fields=["home_office_told_on", "updated_at"])
    audit_record(
        actor=actor, action=AuditAction.CHANGE, obj=notification, changed_fields=["home_office_told_on"]
    )
    _timeline(notification, actor=actor, occurred_on=told_on, summary="Home Office told of the decision")
    return notification


@transaction.atomic
def notification_family_told(
    *,
    actor,
    notification: Notification,
    told_on: date,
    told_by: str,
    method: str,
    expected_version: str = "",
) -> list[str]:
    """Record (or correct) when, by whom and how the family was told of the decision, whichever
    it was. Returns the fields changed; the timeline gets the date. Raises ReviewError before a
    decision, for a date in the future or before the decision, or without who or how; StaleEdit
    if the notification changed after `expected_version`."""
    notification = Notification.objects.select_for_update().get(pk=notification.pk)
    if notification.decision == Decision.PENDING:
        raise ReviewError("Record the decision before recording that the family was told of it.")
    if told_on is None:
        raise ReviewError("Enter the date the family was told.", field="told_on")
    _not_future(told_on, "The date the family was told", field="told_on")
    if told_on < notification.decision_date:
        raise ReviewError(
            "The family cannot have been told before the decision was made "
            f"({notification.decision_date:%-d %B %Y}).",
            field="told_on",
        )
    told_by, method = (told_by or "").strip(), (method or "").strip()
    if not told_by:
        raise ReviewError("Enter who told the family.", field="told_by")
    if not method:
        raise ReviewError("Enter how the family was told.", field="method")
    first = notification.family_told_on is None
    changed = save_changes(
        notification,
        {"family_told_on": told_on, "family_told_by": told_by, "family_told_how": method},
        actor,
        expected_version=expected_version,
    )
    if changed:
        _timeline(
            notification,
            actor=actor,
            occurred_on=told_on,
            summary="Family told of the decision" if first else "Record of the family being told changed",
        )
    return changed
