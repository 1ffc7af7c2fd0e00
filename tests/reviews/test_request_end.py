"""An agency report request that is no longer wanted: withdrawn or not needed, with a reason,
audited, and its deadline closed (never overdue for ever, no more reminders); and reinstated,
with a reason, when it is wanted after all: audited, its deadline open again."""

from datetime import date

import pytest
from django.urls import reverse

from reviews import services
from reviews.deadlines import KIND_AGENCY_REPORT
from reviews.exceptions import ReviewError
from somerset_safety.audit.models import AuditAction, AuditEvent
from somerset_safety.deadlines.models import Deadline, DeadlineStatus
from somerset_safety.deadlines.reminders import log_due_reminders
from somerset_safety.deadlines.state import State, clock_state

from .factories import advance_to, make_review

pytestmark = pytest.mark.django_db


def _requested(officer):
    review = advance_to(make_review(officer), "reports_requested", officer)
    return review, review.report_requests.get()


def _deadline(request) -> Deadline:
    return Deadline.objects.get(kind=KIND_AGENCY_REPORT, key=str(request.pk))


def test_withdrawing_closes_the_overdue_deadline_and_is_audited(officer, agency_rep):
    review, request = _requested(officer)
    assert clock_state(_deadline(request), date(2026, 11, 1)).key == State.OVERDUE

    services.report_request_end(
        actor=officer, request=request, ended="withdrawn", reason="Agency had no contact."
    )

    request.refresh_from_db()
    assert (request.ended, request.ended_on, request.ended_by) == ("withdrawn", date(2026, 11, 1), officer)
    deadline = _deadline(request)
    assert deadline.status == DeadlineStatus.CLOSED and deadline.closed_reason == "Request withdrawn"
    state = clock_state(deadline, date(2026, 11, 1))
    assert (state.key, state.detail) == (State.CLOSED, "Request withdrawn")
    event = AuditEvent.objects.filter(object_type__endswith="agencyreportrequest", object_id=str(request.pk))
    assert event.filter(action=AuditAction.CHANGE).exists()
    assert review.notification.timeline.filter(
        summary=f"Individual Management Review request to {request.agency.name} withdrawn"
    ).exists()
    # The sweep reminds nobody about it any more.
    log_due_reminders(date(2026, 11, 1))
    log_due_reminders(date(2026, 11, 8))
    assert not deadline.reminders.exists()


def test_not_needed_reads_so(officer):
    _, request = _requested(officer)
    services.report_request_end(
        actor=officer, request=request, ended="not_needed", reason="Covered by the police IMR."
    )
    assert _deadline(request).closed_reason == "Report not needed"


@pytest.mark.parametrize(
    ("ended", "reason", "message"),
    [
        ("withdrawn", "  ", "Enter the reason"),
        ("lost", "A reason", "Select whether"),
    ],
)
def test_bad_input_changes_nothing(officer, ended, reason, message):
    _, request = _requested(officer)
    with pytest.raises(ReviewError, match=message):
        services.report_request_end(actor=officer, request=request, ended=ended, reason=reason)
    request.refresh_from_db()
    assert request.ended == "" and _deadline(request).status == DeadlineStatus.OPEN


def test_a_received_or_closed_request_cannot_be_closed_again_nor_chased(officer):
    _, request = _requested(officer)
    services.report_request_end(actor=officer, request=request, ended="withdrawn", reason="No longer needed.")
    with pytest.raises(ReviewError, match="was withdrawn on 1 November 2026"):
        services.report_request_end(actor=officer, request=request, ended="not_needed", reason="Again.")
    with pytest.raises(ReviewError, match="reinstate it if the report is wanted after all"):
        services.report_request_chase(
            actor=officer, request=request, chased_on=date(2026, 11, 1), method="email"
        )
    with pytest.raises(ReviewError, match="reinstate it if the report is wanted after all"):
        services.report_request_change_due(actor=officer, request=request, due_on=date(2026, 12, 1))


def test_the_page_closes_it_with_a_reason_and_keeps_what_was_typed(as_user, officer, agency_rep):
    review, request = _requested(officer)
    url = reverse("reviews:request_end", args=[review.notification_id, request.pk])
    page = reverse("reviews:request", args=[review.notification_id, request.pk])
    assert url.encode() in as_user(officer).get(page).content
    assert url.encode() not in as_user(agency_rep).get(page).content
    assert as_user(agency_rep).post(url, {"ended": "withdrawn", "reason": "x"}).status_code in (403, 404)

    refused = as_user(officer).post(url, {"ended": "withdrawn", "reason": ""})
    assert refused.status_code == 200
    assert b"Enter the reason the report is no longer wanted" in refused.content

    done = as_user(officer).post(url, {"ended": "not_needed", "reason": "Covered elsewhere."})
    assert done.status_code == 302
    shown = as_user(agency_rep).get(page).content.decode()
    assert "Not needed" in shown and "Covered elsewhere." in shown and "Report not needed" in shown
    assert "Upload the report" not in shown


def test_a_withdrawn_request_can_be_made_again(officer):
    review, request = _requested(officer)
    with pytest.raises(ReviewError, match="already been asked"):
        services.report_request_create(
            actor=officer,
            review=review,
            agency=request.agency,
            report_type="imr",
            requested_on=date(2026, 11, 1),
            due_on=date(2026, 12, 13),
        )
    services.report_request_end(actor=officer, request=request, ended="withdrawn", reason="Wrong team asked.")
    again = services.report_request_create(
        actor=officer,
        review=review,
        agency=request.agency,
        report_type="imr",
        requested_on=date(2026, 11, 1),
        due_on=date(2026, 12, 13),
    )
    assert (
        _deadline(again).status == DeadlineStatus.OPEN and _deadline(request).status == DeadlineStatus.CLOSED
    )


def test_reinstating_opens_the_deadline_again_keeps_the_closing_and_is_audited(officer):
    review, request = _requested(officer)
    services.report_request_end(
        actor=officer, request=request, ended="withdrawn", reason="Agency had no contact."
    )
    log_due_reminders(date(2026, 11, 1))
    assert not _deadline(request).reminders.exists()

    services.report_request_reinstate(
        actor=officer, request=request, reason="Police found a contact after all."
    )

    request.refresh_from_db()
    assert (request.ended, request.ended_on, request.ended_reason, request.ended_by) == ("", None, "", None)
    assert request.outstanding
    deadline = _deadline(request)
    assert (deadline.status, deadline.closed_reason) == (DeadlineStatus.OPEN, "")
    # Its due date has passed, so it is overdue again at once, and reminded.
    assert clock_state(deadline, date(2026, 11, 1)).key == State.OVERDUE
    log_due_reminders(date(2026, 11, 1))
    assert deadline.reminders.exists()
    kept = request.reinstatements.get()
    assert (kept.ended, kept.ended_on, kept.ended_reason, kept.ended_by) == (
        "withdrawn",
        date(2026, 11, 1),
        "Agency had no contact.",
        officer,
    )
    assert (kept.reinstated_on, kept.reason, kept.actor) == (
        date(2026, 11, 1),
        "Police found a contact after all.",
        officer,
    )
    changes = AuditEvent.objects.filter(
        object_type__endswith="agencyreportrequest", object_id=str(request.pk), action=AuditAction.CHANGE
    )
    assert changes.count() == 2  # closed, then reinstated
    assert review.notification.timeline.filter(
        summary=f"Individual Management Review request to {request.agency.name} reinstated (had been withdrawn)"
    ).exists()
    # Outstanding again: it can be chased, and closed again.
    services.report_request_chase(actor=officer, request=request, chased_on=date(2026, 11, 1), method="email")
    services.report_request_end(
        actor=officer, request=request, ended="not_needed", reason="Covered after all."
    )
    assert _deadline(request).closed_reason == "Report not needed"


def test_reinstating_refuses_what_it_cannot_do_and_changes_nothing(officer):
    review, request = _requested(officer)
    with pytest.raises(ReviewError, match="has not been withdrawn or marked not needed"):
        services.report_request_reinstate(actor=officer, request=request, reason="Wanted.")
    services.report_request_end(actor=officer, request=request, ended="withdrawn", reason="Wrong team asked.")
    with pytest.raises(ReviewError, match="Enter the reason the report is wanted after all"):
        services.report_request_reinstate(actor=officer, request=request, reason="   ")
    services.report_request_create(
        actor=officer,
        review=review,
        agency=request.agency,
        report_type="imr",
        requested_on=date(2026, 11, 1),
        due_on=date(2026, 12, 13),
    )
    with pytest.raises(ReviewError, match="has been asked for this report again since"):
        services.report_request_reinstate(actor=officer, request=request, reason="Wanted.")
    request.refresh_from_db()
    assert request.ended == "withdrawn" and not request.reinstatements.exists()
    assert _deadline(request).status == DeadlineStatus.CLOSED


def test_the_page_reinstates_it_with_a_reason(as_user, officer, agency_rep):
    review, request = _requested(officer)
    url = reverse("reviews:request_reinstate", args=[review.notification_id, request.pk])
    page = reverse("reviews:request", args=[review.notification_id, request.pk])
    assert url.encode() not in as_user(officer).get(page).content  # not closed: nothing to reinstate
    services.report_request_end(actor=officer, request=request, ended="withdrawn", reason="Wrong team asked.")
    assert url.encode() in as_user(officer).get(page).content
    assert url.encode() not in as_user(agency_rep).get(page).content
    assert as_user(agency_rep).post(url, {"reason": "x"}).status_code in (403, 404)

    refused = as_user(officer).post(url, {"reason": ""})
    assert refused.status_code == 200
    assert b"Enter the reason the report is wanted after all" in refused.content

    done = as_user(officer).post(url, {"reason": "The right team is now known."})
    assert done.status_code == 302
    shown = as_user(agency_rep).get(page).content.decode()
    assert "Closed and reinstated" in shown
    assert "Wrong team asked." in shown and "The right team is now known." in shown
    assert "Upload the report" in shown


def test_the_agency_home_page_tags_a_request_overdue_from_its_deadline(as_user, officer, agency_rep):
    """Past its due date and not in: the request's deadline is overdue, and so is its tag on the
    agency's home page. Waived, the deadline is not overdue and neither is the tag, though the
    date is as far past: the tag reads the deadline, not the date."""
    from somerset_safety.deadlines.services import deadline_waive

    _, request = _requested(officer)
    tagged = f'{request.due_on.day} {request.due_on:%B %Y} <strong class="govuk-tag govuk-tag--red">Overdue</strong>'
    assert request.due_on < date(2026, 11, 1)
    assert tagged in as_user(agency_rep).get("/").content.decode()

    deadline_waive(actor=officer, deadline=_deadline(request), reason="Covered by the chronology.")
    home = as_user(agency_rep).get("/").content.decode()
    assert f"{request.due_on.day} {request.due_on:%B %Y}" in home and tagged not in home


def test_closing_the_review_closes_a_report_deadline_still_open(officer):
    """Issue 10 point 4: a report still not in when the review closes stops being overdue and
    reminding: its deadline closes ("Review closed before it arrived"). The IMR was requested
    at the reports stage (due 42 days after) and never received; the review moves on to
    monitoring with it overdue, then closes."""
    from .factories import complete_action

    review = advance_to(make_review(officer), "monitoring", officer)
    request = review.report_requests.get()
    assert request.received_on is None and not request.ended
    assert clock_state(_deadline(request), date(2026, 11, 1)).key == State.OVERDUE

    action = review.recommendations.get().actions.get()
    complete_action(
        officer, action, completed_on=review.stage_changed_on, evidence="Audit shows 95% trained."
    )
    services.review_close(actor=officer, review=review, on=review.stage_changed_on)

    deadline = _deadline(request)
    assert (deadline.status, deadline.closed_reason) == (
        DeadlineStatus.CLOSED,
        "Review closed before it arrived",
    )
    assert clock_state(deadline, date(2026, 11, 1)).key == State.CLOSED
    log_due_reminders(date(2026, 11, 1))
    assert not deadline.reminders.exists()
