"""Quality assurance and publication: the Home Office panel's reference, the changes made after
its letter, and the date the published report came down (never before it has been online for 12
months)."""

from datetime import date

from django.db import transaction

from somerset_safety.core.dates import today as local_today
from somerset_safety.core.edits import save_changes

from ..deadlines import online_months, online_until
from ..exceptions import ReviewError
from ..models import Review
from ._common import _lock_review, _not_future, _refuse_if_closed, _timeline


@transaction.atomic
def review_qa_record(
    *, actor, review: Review, qa_reference: str, changes_after_qa: str, expected_version: str = ""
) -> list[str]:
    """Record the Home Office quality assurance panel's reference (once submitted) and the
    changes made after its letter (once one has come; publication needs them). Returns the
    fields changed; each is on the timeline. Raises ReviewError on a closed review or before
    the step each needs; StaleEdit if the review changed after `expected_version`."""
    review = _lock_review(review)
    _refuse_if_closed(review)
    qa_reference, changes_after_qa = (qa_reference or "").strip(), (changes_after_qa or "").strip()
    if qa_reference != review.qa_reference and review.first_submitted_on is None:
        raise ReviewError(
            "Record the submission to Home Office quality assurance before its reference.",
            field="qa_reference",
        )
    if changes_after_qa != review.changes_after_qa and not review.qa_outcome:
        raise ReviewError(
            "Record the quality assurance outcome before the changes made after it.",
            field="changes_after_qa",
        )
    if not changes_after_qa and review.published_on:
        raise ReviewError(
            "Enter the changes made after quality assurance: the review has been published.",
            field="changes_after_qa",
        )
    changed = save_changes(
        review,
        {"qa_reference": qa_reference, "changes_after_qa": changes_after_qa},
        actor,
        expected_version=expected_version,
    )
    summaries = {
        "qa_reference": "Home Office quality assurance reference recorded",
        "changes_after_qa": "Changes made after quality assurance recorded",
    }
    for name in changed:
        _timeline(review.notification, actor=actor, occurred_on=local_today(), summary=summaries[name])
    return changed


@transaction.atomic
def review_report_taken_down(
    *, actor, review: Review, taken_down_on: date, expected_version: str = ""
) -> list[str]:
    """Record (or correct) the date the published report came down. It must have stayed online
    for at least 12 months (DHR_PUBLISHED_ONLINE_MONTHS): an earlier date is refused, naming the
    first day it may come down. Returns the fields changed. Raises ReviewError before publication,
    for a date in the future or too early; StaleEdit if the review changed after `expected_version`."""
    review = _lock_review(review)
    if review.published_on is None:
        raise ReviewError("Record publication before the date the published report came down.")
    if taken_down_on is None:
        raise ReviewError("Enter the date the published report came down.", field="taken_down_on")
    _not_future(taken_down_on, "The date the published report came down", field="taken_down_on")
    until = online_until(review.published_on)
    if taken_down_on < until:
        raise ReviewError(
            f"The published report must stay online for at least {online_months()} months after "
            f"publication ({review.published_on:%-d %B %Y}): it may come down on {until:%-d %B %Y} "
            "or later.",
            field="taken_down_on",
        )
    first = review.report_taken_down_on is None
    changed = save_changes(
        review, {"report_taken_down_on": taken_down_on}, actor, expected_version=expected_version
    )
    if changed:
        _timeline(
            review.notification,
            actor=actor,
            occurred_on=taken_down_on,
            summary="Published report taken down" if first else "Date the published report came down changed",
        )
    return changed
