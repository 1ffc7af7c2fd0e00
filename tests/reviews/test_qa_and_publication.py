"""Issue 14 point 3: the family told of the decision, the Home Office quality assurance panel's
reference and every resubmission, the changes made after quality assurance (needed before
publication), and the date the published report came down, which may not be within 12 months
of publication (a registered deadline). Dates worked out by hand; today is 1 November 2026
unless a test moves it."""

import re
from datetime import date

import pytest
from django.urls import reverse

from reviews import services
from reviews.deadlines import KIND_ONLINE, online_until
from reviews.exceptions import ReviewError, TransitionRefused
from reviews.models import QaSubmission, TimelineEntry
from somerset_safety.audit.models import AuditAction, AuditEvent
from somerset_safety.core.edits import StaleEdit
from somerset_safety.deadlines.models import Deadline, DeadlineStatus
from somerset_safety.deadlines.state import clock_state

from .factories import advance_to, make_notification, make_review, pdf
from .test_views import _date

pytestmark = pytest.mark.django_db


def _timeline(notification) -> list[tuple[date, str]]:
    return list(TimelineEntry.objects.filter(notification=notification).values_list("occurred_on", "summary"))


# --- The family told of the decision ------------------------------------------------------------


def test_family_told_is_recorded_with_its_date_who_and_how(officer):
    review = make_review(officer)  # decided 10 February 2026
    notification = review.notification
    changed = services.notification_family_told(
        actor=officer,
        notification=notification,
        told_on=date(2026, 2, 12),
        told_by="Olive Officer, case officer (synthetic)",
        method="Home visit with the family liaison officer",
    )
    assert changed == ["family_told_by", "family_told_how", "family_told_on"]
    notification.refresh_from_db()
    assert notification.family_told_on == date(2026, 2, 12)
    assert (date(2026, 2, 12), "Family told of the decision") in _timeline(notification)
    event = AuditEvent.objects.filter(action=AuditAction.CHANGE, object_id=str(notification.pk)).latest("id")
    assert set(event.changed_fields) == {"family_told_on", "family_told_by", "family_told_how"}


@pytest.mark.parametrize(
    ("told_on", "field", "message"),
    [
        (date(2026, 2, 9), "told_on", "before the decision was made (10 February 2026)"),
        (date(2026, 11, 2), None, "must be today or in the past"),
    ],
)
def test_family_told_before_the_decision_or_in_the_future_is_refused(officer, told_on, field, message):
    notification = make_review(officer).notification
    with pytest.raises(ReviewError, match=re.escape(message)) as refused:
        services.notification_family_told(
            actor=officer, notification=notification, told_on=told_on, told_by="Officer", method="Letter"
        )
    if field:
        assert refused.value.field == field
    notification.refresh_from_db()
    assert notification.family_told_on is None


def test_family_told_needs_a_decision_first_and_works_after_no_review(officer):
    pending = make_notification(officer)
    with pytest.raises(ReviewError, match="Record the decision before"):
        services.notification_family_told(
            actor=officer, notification=pending, told_on=date(2026, 2, 1), told_by="Officer", method="Letter"
        )
    services.notification_decide(
        actor=officer,
        notification=pending,
        decision="no_review",
        decision_date=date(2026, 2, 20),
        decision_maker="CSP chair (synthetic)",
        rationale="Criteria not met (synthetic).",
    )
    services.notification_family_told(
        actor=officer, notification=pending, told_on=date(2026, 2, 23), told_by="Officer", method="Letter"
    )
    pending.refresh_from_db()
    assert pending.family_told_on == date(2026, 2, 23)


def test_family_told_page_shows_errors_beside_the_date_keeps_typing_and_refuses_a_stale_edit(
    as_user, officer
):
    notification = make_review(officer).notification
    client = as_user(officer)
    url = reverse("reviews:family_told", args=[notification.pk])
    version = client.get(url).context["form"]["expected_version"].value()
    typed = {**_date("told_on", date(2026, 2, 9)), "told_by": "Typed Officer", "method": "Typed visit"}
    body = client.post(url, {**typed, "expected_version": version}).content.decode()
    assert 'href="#id_told_on_0"' in body
    assert (
        body.count("The family cannot have been told before the decision was made (10 February 2026).") == 2
    )
    assert 'value="Typed Officer"' in body and 'value="Typed visit"' in body
    good = {**typed, **_date("told_on", date(2026, 2, 12)), "expected_version": version}
    assert client.post(url, good).status_code == 302
    page = client.get(notification.get_absolute_url()).content.decode()
    assert "12 February 2026 by Typed Officer: Typed visit" in page
    # The form opened before that save is now out of date.
    stale = client.post(url, {**good, "method": "Phone call"}).content.decode()
    assert "Someone else changed this record" in stale
    with pytest.raises(StaleEdit):
        services.notification_family_told(
            actor=officer,
            notification=notification,
            told_on=date(2026, 2, 12),
            told_by="Typed Officer",
            method="Phone call",
            expected_version=version,
        )


# --- Quality assurance: reference, each resubmission, changes made after -------------------------


def test_each_submission_is_kept_with_its_outcome_and_the_resubmissions_are_counted(as_user, officer):
    # advance_to moves a day at a time from the decision on 10 February: submitted 18 February,
    # the "resubmit" letter 19 February.
    review = advance_to(make_review(officer), "qa_resubmit", officer)
    services.document_upload(actor=officer, review=review, kind="overview_draft", uploaded_file=pdf("v2.pdf"))
    services.review_draft_report(actor=officer, review=review, on=date(2026, 3, 2))
    services.review_family_viewed(actor=officer, review=review, on=date(2026, 3, 3))
    services.review_sign_off(actor=officer, review=review, on=date(2026, 3, 4))
    services.review_submit_qa(actor=officer, review=review, on=date(2026, 3, 5), note="Chronology redone")
    services.review_record_qa_outcome(actor=officer, review=review, outcome="changes", on=date(2026, 4, 1))
    rows = list(
        QaSubmission.objects.filter(review=review).values_list(
            "number", "submitted_on", "outcome", "outcome_on"
        )
    )
    assert rows == [
        (1, date(2026, 2, 18), "resubmit", date(2026, 2, 19)),
        (2, date(2026, 3, 5), "changes", date(2026, 4, 1)),
    ]
    review.refresh_from_db()
    assert review.first_submitted_on == date(2026, 2, 18)  # the completion clock keeps the first
    timeline = _timeline(review.notification)
    assert (
        date(2026, 3, 5),
        "Submitted to Home Office quality assurance: resubmission 1; Chronology redone",
    ) in timeline
    page = as_user(officer).get(review.notification.get_absolute_url()).content.decode()
    assert "Submitted 2 times (1 resubmission)" in page
    assert "Resubmission 1" in page and "Approved subject to changes" in page
    assert "Not yet recorded: needed before publication" in page


def test_the_reference_needs_a_submission_and_the_changes_need_the_letter(officer):
    review = advance_to(make_review(officer), "signed_off", officer)
    with pytest.raises(ReviewError, match="before its reference") as refused:
        services.review_qa_record(actor=officer, review=review, qa_reference="QA/1", changes_after_qa="")
    assert refused.value.field == "qa_reference"
    services.review_submit_qa(actor=officer, review=review, on=date(2026, 3, 1))
    assert services.review_qa_record(
        actor=officer, review=review, qa_reference=" QA/1 ", changes_after_qa=""
    ) == ["qa_reference"]
    with pytest.raises(ReviewError, match="before the changes made after it") as refused:
        services.review_qa_record(actor=officer, review=review, qa_reference="QA/1", changes_after_qa="Some")
    assert refused.value.field == "changes_after_qa"
    services.review_record_qa_outcome(actor=officer, review=review, outcome="approved", on=date(2026, 3, 20))
    services.review_qa_record(
        actor=officer, review=review, qa_reference="QA/1", changes_after_qa="None needed."
    )
    review.refresh_from_db()
    assert (review.qa_reference, review.changes_after_qa) == ("QA/1", "None needed.")
    summaries = [summary for _, summary in _timeline(review.notification)]
    assert "Home Office quality assurance reference recorded" in summaries
    assert "Changes made after quality assurance recorded" in summaries


def test_publication_waits_for_the_changes_and_they_cannot_be_cleared_afterwards(as_user, officer):
    review = advance_to(make_review(officer), "qa_changes", officer)
    services.notification_update(actor=officer, notification=review.notification, victim_pseudonym="Jo")
    services.document_upload(actor=officer, review=review, kind="overview_published", uploaded_file=pdf())
    page = as_user(officer).get(review.notification.get_absolute_url()).content.decode()
    assert (
        "Record publication: Record the changes made after quality assurance (or that none were needed) "
        "before recording publication."
    ) in page
    with pytest.raises(TransitionRefused, match="changes made after quality assurance"):
        services.review_publish(actor=officer, review=review, on=date(2026, 3, 1))
    services.review_qa_record(
        actor=officer, review=review, qa_reference="", changes_after_qa="Names removed."
    )
    services.review_publish(actor=officer, review=review, on=date(2026, 3, 1))
    with pytest.raises(ReviewError, match="the review has been published"):
        services.review_qa_record(actor=officer, review=review, qa_reference="", changes_after_qa=" ")


def test_qa_page_keeps_what_was_typed_when_refused(as_user, officer):
    review = advance_to(make_review(officer), "submitted", officer)
    client = as_user(officer)
    url = reverse("reviews:qa_record", args=[review.notification_id])
    version = client.get(url).context["form"]["expected_version"].value()
    body = client.post(
        url, {"qa_reference": "QA/77", "changes_after_qa": "Typed changes", "expected_version": version}
    ).content.decode()
    assert 'href="#id_changes_after_qa"' in body
    assert "Record the quality assurance outcome before the changes made after it." in body
    assert 'value="QA/77"' in body and "Typed changes</textarea>" in body


# --- Published report online at least 12 months ----------------------------------------------------


def test_online_until_is_twelve_calendar_months_after_publication():
    assert online_until(date(2026, 3, 31)) == date(2027, 3, 31)
    assert online_until(date(2028, 2, 29)) == date(2029, 2, 28)


def test_published_report_must_stay_online_is_a_deadline_met_on_its_own_date(officer):
    # advance_to: approved 19 February 2026, published 20 February 2026.
    review = advance_to(make_review(officer, case_officer=officer), "published", officer)
    assert review.published_on == date(2026, 2, 20)
    deadline = Deadline.objects.get(kind=KIND_ONLINE, subject_id=review.notification_id)
    assert deadline.due_date == date(2027, 2, 20)
    assert list(deadline.responsible_users.all()) == [officer]
    # Nothing is to be done by then, so no reminders: the sweep takes only open deadlines.
    assert deadline.status == DeadlineStatus.MET
    assert clock_state(deadline, date(2026, 11, 1)).detail == "Due 20 February 2027"
    # 10 days before: due soon. On the day: met on time (the report may come down).
    assert clock_state(deadline, date(2027, 2, 10)).key == "due_soon"
    assert clock_state(deadline, date(2027, 2, 20)).key == "met_on_time"


def test_a_take_down_within_twelve_months_is_refused(as_user, officer, today_is):
    review = advance_to(make_review(officer), "published", officer)  # published 20 February 2026
    with pytest.raises(ReviewError, match="must be today or in the past"):
        services.review_report_taken_down(actor=officer, review=review, taken_down_on=date(2026, 11, 2))
    today_is(date(2027, 3, 1))
    with pytest.raises(ReviewError) as refused:
        services.review_report_taken_down(actor=officer, review=review, taken_down_on=date(2027, 2, 19))
    assert str(refused.value) == (
        "The published report must stay online for at least 12 months after publication "
        "(20 February 2026): it may come down on 20 February 2027 or later."
    )
    assert refused.value.field == "taken_down_on"
    client = as_user(officer)
    url = reverse("reviews:report_taken_down", args=[review.notification_id])
    form_page = client.get(url).content.decode()
    assert "It must stay online until 20 February 2027 at least (12 months after publication)" in form_page
    version = client.get(url).context["form"]["expected_version"].value()
    body = client.post(
        url, {**_date("taken_down_on", date(2027, 2, 19)), "expected_version": version}
    ).content.decode()
    assert 'href="#id_taken_down_on_0"' in body and 'value="19"' in body
    response = client.post(url, {**_date("taken_down_on", date(2027, 2, 20)), "expected_version": version})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.report_taken_down_on == date(2027, 2, 20)
    assert (date(2027, 2, 20), "Published report taken down") in _timeline(review.notification)
    page = client.get(review.notification.get_absolute_url()).content.decode()
    assert "It has stayed online the time required: it may come down (from 20 February 2027)" in page


def test_take_down_needs_publication(as_user, officer):
    review = advance_to(make_review(officer), "qa_approved", officer)
    with pytest.raises(ReviewError, match="Record publication before"):
        services.review_report_taken_down(actor=officer, review=review, taken_down_on=date(2026, 10, 1))
    response = as_user(officer).get(reverse("reviews:report_taken_down", args=[review.notification_id]))
    assert response.status_code == 302


def test_the_new_pages_are_for_officers_only(as_user, agency_rep, review_chair, officer):
    review = advance_to(make_review(officer), "submitted", officer)
    services.review_set_team(actor=officer, review=review, chair=review_chair, author=None)
    for name in ("family_told", "qa_record", "report_taken_down"):
        url = reverse(f"reviews:{name}", args=[review.notification_id])
        assert as_user(review_chair).get(url).status_code == 403
        assert as_user(agency_rep).get(url).status_code in (403, 404)
