"""Contact with the family."""

from django.db import transaction

from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_record

from ..models import (
    FamilyContact,
    Review,
)
from ._common import _lock_review, _not_future, _timeline
from .notifications import notification_update

FAMILY_FIELDS = [
    "contacted_on",
    "contact_relationship",
    "method",
    "advocate_organisation",
    "consent",
    "pseudonym_agreed",
    "leaflet_given",
    "note",
]


@transaction.atomic
def family_contact_add(*, actor, review: Review, data: dict) -> FamilyContact:
    """Log a contact with the family. A pseudonym agreed here becomes the review's pseudonym."""
    review = _lock_review(review)
    _not_future(data["contacted_on"], "The date of contact", field="contacted_on")
    contact = FamilyContact.objects.create(
        review=review, recorded_by=actor, **{f: data[f] for f in FAMILY_FIELDS if f in data}
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=contact,
        changed_fields=[f for f in FAMILY_FIELDS if f in data],
    )
    notification = review.notification
    _timeline(
        notification,
        actor=actor,
        occurred_on=contact.contacted_on,
        summary="Contact with the family recorded",
    )
    if contact.pseudonym_agreed and contact.pseudonym_agreed != notification.victim_pseudonym:
        notification_update(actor=actor, notification=notification, victim_pseudonym=contact.pseudonym_agreed)
        _timeline(
            notification,
            actor=actor,
            occurred_on=contact.contacted_on,
            summary="Pseudonym agreed with the family",
        )
    return contact
