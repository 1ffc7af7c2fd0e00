"""The review team: independent chair and author, panel members."""

from datetime import date

from django.db import transaction

from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_record
from somerset_safety.core.dates import today as local_today
from somerset_safety.core.edits import save_changes

from ..exceptions import ReviewError
from ..models import (
    PanelMember,
    Review,
)
from ._common import _lock_review, _not_future, _refuse_if_closed, _timeline


@transaction.atomic
def review_set_team(
    *, actor, review: Review, chair, author, appointed_on: date | None = None, expected_version: str = ""
) -> Review:
    """Appoint (or change) the independent chair and author on the date the appointment was made
    (today if not given): the timeline entry takes that date, so it sits in date order. Raises
    ReviewError on a closed review, or for a date in the future or before the decision;
    StaleEdit if someone changed the review after `expected_version` (the form's)."""
    review = _lock_review(review)
    _refuse_if_closed(review)
    appointed_on = appointed_on or local_today()
    _not_future(appointed_on, "The date of the appointment", field="appointed_on")
    decided = review.notification.decision_date
    if decided and appointed_on < decided:
        raise ReviewError(
            f"The date of the appointment must be on or after the decision to hold a review "
            f"({decided:%-d %B %Y})."
        )
    values = {"chair": chair, "author": author}
    if chair != review.chair or review.chair_appointed_on is None:
        values["chair_appointed_on"] = appointed_on
    if save_changes(review, values, actor, expected_version=expected_version):
        _timeline(
            review.notification,
            actor=actor,
            occurred_on=appointed_on,
            summary="Independent chair and author recorded",
        )
    return review


@transaction.atomic
def panel_member_add(
    *, actor, review: Review, agency, name: str, role: str, email: str = "", is_agency_contact=False
):
    """Add a panel member. Their agency then sees the panel papers. Raises ReviewError on a
    closed review or a duplicate."""
    review = _lock_review(review)
    _refuse_if_closed(review)
    if review.panel_members.filter(agency=agency, name=name).exists():
        raise ReviewError(f"{name} is already on the panel for {agency.name}.")
    member = PanelMember.objects.create(
        review=review, agency=agency, name=name, role=role, email=email, is_agency_contact=is_agency_contact
    )
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=member, changed_fields=["agency", "name", "role", "email"]
    )
    _timeline(
        review.notification, actor=actor, occurred_on=local_today(), summary=f"{agency.name} joined the panel"
    )
    return member


@transaction.atomic
def panel_member_remove(*, actor, member: PanelMember) -> None:
    review = _lock_review(member.review)
    audit_record(actor=actor, action=AuditAction.ERASE, obj=member, detail={"review": review.pk})
    agency_name = member.agency.name
    member.delete()
    _timeline(
        review.notification,
        actor=actor,
        occurred_on=local_today(),
        summary=f"{agency_name} panel member removed",
    )
