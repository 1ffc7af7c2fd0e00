"""The review team: independent chair and author, panel members."""

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
from ._common import _lock_review, _refuse_if_closed, _timeline


@transaction.atomic
def review_set_team(*, actor, review: Review, chair, author) -> Review:
    """Appoint (or change) the independent chair and author. Raises ReviewError on a closed review."""
    review = _lock_review(review)
    _refuse_if_closed(review)
    if save_changes(review, {"chair": chair, "author": author}, actor):
        _timeline(
            review.notification,
            actor=actor,
            occurred_on=local_today(),
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
