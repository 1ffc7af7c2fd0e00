"""Panel meetings, documents and their downloads."""

from datetime import date

from django.db import transaction
from django.db.models import Max

from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_record
from somerset_safety.core.dates import today as local_today

from ..exceptions import ReviewError
from ..models import (
    Meeting,
    Review,
    ReviewDocument,
)
from ._common import _lock_review, _not_future, _timeline


@transaction.atomic
def meeting_add(
    *, actor, review: Review, held_on: date, agencies, attendees="", apologies="", minutes=""
) -> Meeting:
    review = _lock_review(review)
    _not_future(held_on, "The meeting date", field="held_on")
    meeting = Meeting.objects.create(
        review=review, held_on=held_on, attendees=attendees, apologies=apologies, minutes=minutes
    )
    meeting.agencies_attending.set(agencies)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=meeting,
        changed_fields=["held_on", "agencies_attending", "attendees", "apologies", "minutes"],
    )
    _timeline(review.notification, actor=actor, occurred_on=held_on, summary="Panel meeting held")
    return meeting


@transaction.atomic
def document_upload(
    *, actor, review: Review, kind: str, uploaded_file, meeting: Meeting | None = None, note=""
) -> ReviewDocument:
    """Store the next version of a document kind (the file was checked by validate_upload).
    Earlier versions are kept."""
    review = _lock_review(review)
    if meeting is not None and meeting.review_id != review.pk:
        raise ReviewError("Choose a meeting of this review.")
    version = (review.documents.filter(kind=kind).aggregate(v=Max("version"))["v"] or 0) + 1
    document = ReviewDocument(
        review=review,
        kind=kind,
        version=version,
        meeting=meeting,
        original_name=uploaded_file.name[:200],
        note=note,
        uploaded_by=actor,
    )
    document.file.save(uploaded_file.name, uploaded_file, save=False)
    document.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=document,
        changed_fields=["kind", "file", "meeting", "note"],
    )
    _timeline(
        review.notification,
        actor=actor,
        occurred_on=local_today(),
        summary=f"{document.get_kind_display()} version {version} uploaded",
    )
    return document


def record_download(*, actor, obj, filename: str) -> None:
    """Every download of a private document is a disclosure (S11)."""
    audit_record(actor=actor, action=AuditAction.DISCLOSE, obj=obj, detail={"download": filename[:100]})
