"""Every allowed and every refused move of the review state machine, and the decision."""

from datetime import date, timedelta

import pytest

from reviews import services
from reviews.exceptions import ReviewError, TransitionRefused
from reviews.models import Action, Decision, NotificationStatus, Stage, TimelineEntry
from reviews.states import REVIEW_MOVES
from somerset_safety.accounts.models import Agency
from somerset_safety.audit.models import AuditAction, AuditEvent
from somerset_safety.deadlines.models import Deadline, DeadlineStatus

from .factories import advance_to, complete_action, make_notification, make_review, pdf

pytestmark = pytest.mark.django_db


def test_references_are_sequential_with_prefix(officer, settings):
    first = make_notification(officer)
    second = make_notification(officer)
    assert (first.reference, second.reference) == ("DHR-0001", "DHR-0002")
    settings.DHR_REFERENCE_PREFIX = "SSP-DHR-"
    assert make_notification(officer).reference == "SSP-DHR-0003"


def test_no_review_decision_closes_and_keeps_reasons(officer):
    notification = make_notification(officer)
    services.notification_decide(
        actor=officer,
        notification=notification,
        decision=Decision.NO_REVIEW,
        decision_date=date(2026, 2, 20),
        decision_maker="CSP chair",
        rationale="Not a domestic death.",
    )
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.CLOSED_NO_REVIEW
    assert notification.decision_rationale == "Not a domestic death."
    assert not hasattr(notification, "review")
    deadline = Deadline.objects.get(subject_id=notification.pk, kind="dhr_decision_due")
    assert (deadline.status, deadline.met_on, deadline.due_date) == (
        DeadlineStatus.MET,
        date(2026, 2, 20),
        date(2026, 2, 28),
    )
    # The number is used even though no review follows.
    assert make_notification(officer).reference == "DHR-0002"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rationale": "  "}, "Enter the reasons"),
        ({"decision_maker": ""}, "who made the decision"),
        ({"decision_date": date(2026, 1, 1)}, "on or after the date notified"),
        ({"decision_date": date(2026, 12, 1)}, "must be today or in the past"),
        ({"home_office_told_on": date(2026, 2, 1)}, "before the decision"),
        ({"decision": "maybe"}, "Choose whether"),
    ],
)
def test_refused_decisions(officer, kwargs, message):
    notification = make_notification(officer)
    arguments = {
        "decision": Decision.REVIEW,
        "decision_date": date(2026, 2, 10),
        "decision_maker": "CSP chair",
        "rationale": "Criteria met.",
    } | kwargs
    with pytest.raises(ReviewError, match=message):
        services.notification_decide(actor=officer, notification=notification, **arguments)
    notification.refresh_from_db()
    assert notification.decision == Decision.PENDING


def test_decision_cannot_be_made_twice(officer):
    review = make_review(officer)
    with pytest.raises(ReviewError, match="already been recorded"):
        services.notification_decide(
            actor=officer,
            notification=review.notification,
            decision=Decision.NO_REVIEW,
            decision_date=date(2026, 2, 11),
            decision_maker="x",
            rationale="y",
        )


# The state machine, written out by hand from the statutory guidance: the moves allowed from
# each stage. Every other move from that stage is refused.
ALLOWED = {
    "decision_made": {"appoint_panel"},
    "panel_formed": {"agree_tor"},
    "tor_agreed": {"request_reports"},
    "reports_requested": {"start_gathering"},
    "gathering": {"draft_report"},
    "draft": {"family_viewed"},
    "family_viewed": {"sign_off"},
    "signed_off": {"submit_qa"},
    "submitted": {"qa_outcome"},
    "qa_approved": {"publish"},
    "qa_changes": {"publish"},
    "qa_resubmit": {"draft_report", "submit_qa"},
    "published": {"send_commissioner_copy"},
    "commissioner_sent": {"start_monitoring"},
    "monitoring": {"close"},
    "closed": set(),
}
# (from stage, move, QA outcome, the stage it lands on): every allowed move, by hand.
ALLOWED_MOVES = [
    ("decision_made", "appoint_panel", None, "panel_formed"),
    ("panel_formed", "agree_tor", None, "tor_agreed"),
    ("tor_agreed", "request_reports", None, "reports_requested"),
    ("reports_requested", "start_gathering", None, "gathering"),
    ("gathering", "draft_report", None, "draft"),
    ("qa_resubmit", "draft_report", None, "draft"),
    ("draft", "family_viewed", None, "family_viewed"),
    ("family_viewed", "sign_off", None, "signed_off"),
    ("signed_off", "submit_qa", None, "submitted"),
    ("qa_resubmit", "submit_qa", None, "submitted"),
    ("submitted", "qa_outcome", "approved", "qa_approved"),
    ("submitted", "qa_outcome", "changes", "qa_changes"),
    ("submitted", "qa_outcome", "resubmit", "qa_resubmit"),
    ("qa_approved", "publish", None, "published"),
    ("qa_changes", "publish", None, "published"),
    ("published", "send_commissioner_copy", None, "commissioner_sent"),
    ("commissioner_sent", "start_monitoring", None, "monitoring"),
    ("monitoring", "close", None, "closed"),
]
ALL_MOVES = sorted(set().union(*ALLOWED.values()))


def test_the_machine_declares_exactly_the_matrix():
    """A wrong edit to the table in reviews/states.py fails here."""
    assert {stage.value: {m.name for m in REVIEW_MOVES.moves_from(stage)} for stage in Stage} == ALLOWED
    declared = {
        (source, m.name, outcome, target)
        for m in REVIEW_MOVES.moves.values()
        for source in m.sources
        for outcome, target in (m.outcomes.items() if m.outcomes else [(None, m.target)])
    }
    assert declared == set(ALLOWED_MOVES)


def _call_move(review, name, actor, on, outcome=None):
    if name == "qa_outcome":
        return services.review_record_qa_outcome(
            actor=actor, review=review, outcome=outcome or "approved", on=on
        )
    return services.MOVE_SERVICES[name](actor=actor, review=review, on=on, **_extra(name))


def _extra(name):
    if name == "agree_tor":
        return {
            "scope_start": date(2024, 1, 1),
            "scope_end": date(2026, 1, 1),
            "key_lines_of_enquiry": "KLOE",
        }
    return {}


def _prepare(review, name, actor):
    """Meet each move's own preconditions so only the table decides."""
    police = Agency.objects.get(code="POLICE")
    if name == "appoint_panel":
        services.review_set_team(actor=actor, review=review, chair=actor, author=None)
        services.panel_member_add(actor=actor, review=review, agency=police, name="DI", role="DI")
    if name == "request_reports":
        services.report_request_create(
            actor=actor,
            review=review,
            agency=police,
            report_type="imr",
            requested_on=review.stage_changed_on,
            due_on=review.stage_changed_on + timedelta(days=42),
        )
    if name in ("start_monitoring", "close") and not review.recommendations.exists():
        rec = services.recommendation_add(
            actor=actor, review=review, scope="local", owning_agency=police, text="R"
        )
        services.action_add(
            actor=actor, recommendation=rec, description="A", lead_officer="L", target_date=date(2026, 12, 1)
        )
    if name == "close":
        for action in Action.objects.filter(recommendation__review=review):
            complete_action(actor, action, completed_on=review.stage_changed_on, evidence="Shown by audit.")
    if name == "draft_report":
        services.document_upload(actor=actor, review=review, kind="overview_draft", uploaded_file=pdf())
    if name == "publish":
        services.notification_update(actor=actor, notification=review.notification, victim_pseudonym="Jo")
        services.document_upload(actor=actor, review=review, kind="overview_published", uploaded_file=pdf())
        if review.qa_outcome:
            services.review_qa_record(actor=actor, review=review, qa_reference="", changes_after_qa="None.")


@pytest.mark.parametrize("stage", list(ALLOWED))
def test_every_refused_move_from_every_stage(officer, stage):
    """Every move not in the matrix for a stage is refused with a plain reason; nothing changes."""
    review = advance_to(make_review(officer), stage, officer)
    assert review.stage == stage
    for name in ALL_MOVES:
        if name in ALLOWED[stage]:
            continue
        with pytest.raises(TransitionRefused, match="You can .* only when it is at"):
            _call_move(review, name, officer, review.stage_changed_on)
        review.refresh_from_db()
        assert review.stage == stage


@pytest.mark.parametrize(("source", "name", "outcome", "target"), ALLOWED_MOVES)
def test_every_allowed_move(officer, source, name, outcome, target):
    review = advance_to(make_review(officer), source, officer)
    assert review.stage == source
    _prepare(review, name, officer)
    on = review.stage_changed_on + timedelta(days=1)
    before = AuditEvent.objects.filter(action=AuditAction.TRANSITION).count()
    _call_move(review, name, officer, on, outcome)
    review.refresh_from_db()
    assert review.stage == target
    assert review.stage_changed_on == on
    assert AuditEvent.objects.filter(action=AuditAction.TRANSITION).count() == before + 1
    event = AuditEvent.objects.filter(action=AuditAction.TRANSITION).latest("id")
    assert (event.detail["move"], event.detail["from"], event.detail["to"]) == (name, source, target)
    assert TimelineEntry.objects.filter(notification=review.notification, occurred_on=on).exists()


def test_resubmit_loops_back_through_draft_and_resubmission(officer):
    review = advance_to(make_review(officer), "qa_resubmit", officer)
    first = review.first_submitted_on
    # A draft from before the resubmit letter does not count.
    with pytest.raises(TransitionRefused, match="revised draft"):
        services.review_draft_report(actor=officer, review=review, on=review.stage_changed_on)
    services.document_upload(actor=officer, review=review, kind="overview_draft", uploaded_file=pdf("v2.pdf"))
    services.review_draft_report(actor=officer, review=review, on=review.stage_changed_on)
    review.refresh_from_db()
    assert review.stage == Stage.DRAFT
    assert review.documents.filter(kind="overview_draft").count() == 2
    advance_to(review, "submitted", officer, start=review.stage_changed_on)
    review.refresh_from_db()
    assert review.first_submitted_on == first  # the completion clock was met at the first submission
    assert review.submitted_on > first


def test_resubmit_can_go_straight_back_to_the_home_office(officer):
    review = advance_to(make_review(officer), "qa_resubmit", officer)
    services.review_submit_qa(actor=officer, review=review, on=review.stage_changed_on)
    review.refresh_from_db()
    assert review.stage == Stage.SUBMITTED


def test_preconditions_refuse_with_reasons(officer):
    review = make_review(officer)
    with pytest.raises(TransitionRefused, match="Record the independent chair"):
        services.review_appoint_panel(actor=officer, review=review, on=date(2026, 2, 11))
    services.review_set_team(actor=officer, review=review, chair=officer, author=None)
    with pytest.raises(TransitionRefused, match="at least one panel member"):
        services.review_appoint_panel(actor=officer, review=review, on=date(2026, 2, 11))
    review = advance_to(review, "tor_agreed", officer)
    with pytest.raises(TransitionRefused, match="at least one request"):
        services.review_request_reports(actor=officer, review=review, on=review.stage_changed_on)
    review = advance_to(review, "gathering", officer)
    with pytest.raises(TransitionRefused, match="Upload the draft overview report"):
        services.review_draft_report(actor=officer, review=review, on=review.stage_changed_on)


def test_agree_tor_needs_a_scope_in_order(officer):
    review = advance_to(make_review(officer), "panel_formed", officer)
    with pytest.raises(TransitionRefused, match="start before it ends"):
        services.review_agree_tor(
            actor=officer,
            review=review,
            on=review.stage_changed_on,
            scope_start=date(2026, 1, 2),
            scope_end=date(2026, 1, 1),
            key_lines_of_enquiry="x",
        )
    with pytest.raises(TransitionRefused, match="key lines of enquiry"):
        services.review_agree_tor(
            actor=officer,
            review=review,
            on=review.stage_changed_on,
            scope_start=date(2026, 1, 1),
            scope_end=date(2026, 1, 2),
            key_lines_of_enquiry=" ",
        )


def test_publication_needs_pseudonym_changes_after_qa_and_published_report(officer):
    review = advance_to(make_review(officer), "qa_approved", officer)
    with pytest.raises(TransitionRefused, match="pseudonym"):
        services.review_publish(actor=officer, review=review, on=review.stage_changed_on)
    services.notification_update(actor=officer, notification=review.notification, victim_pseudonym="Jo")
    with pytest.raises(
        TransitionRefused,
        match=r"^Record the changes made after quality assurance \(or that none were needed\) before "
        r"recording publication\.$",
    ):
        services.review_publish(actor=officer, review=review, on=review.stage_changed_on)
    services.review_qa_record(actor=officer, review=review, qa_reference="", changes_after_qa="None needed.")
    with pytest.raises(TransitionRefused, match="published overview report"):
        services.review_publish(actor=officer, review=review, on=review.stage_changed_on)


def test_monitoring_needs_recommendations_and_closing_needs_evidence(officer):
    review = advance_to(make_review(officer), "commissioner_sent", officer)
    with pytest.raises(TransitionRefused, match="recommendations"):
        services.review_start_monitoring(actor=officer, review=review, on=review.stage_changed_on)
    review = advance_to(review, "monitoring", officer, start=review.stage_changed_on)
    with pytest.raises(TransitionRefused, match="1 action is not complete"):
        services.review_close(actor=officer, review=review, on=review.stage_changed_on)
    police = Agency.objects.get(code="POLICE")
    services.recommendation_add(
        actor=officer, review=review, scope="national", owning_agency=police, text="More."
    )
    action = review.recommendations.get(number=1).actions.get()
    complete_action(officer, action, completed_on=review.stage_changed_on, evidence="Audit done.")
    with pytest.raises(TransitionRefused, match="a recommendation has no actions"):
        services.review_close(actor=officer, review=review, on=review.stage_changed_on)


def test_paused_review_cannot_move(officer):
    review = advance_to(make_review(officer), "gathering", officer)
    services.pause_start(actor=officer, review=review, reason="criminal_trial", started_on=date(2026, 3, 1))
    services.document_upload(actor=officer, review=review, kind="overview_draft", uploaded_file=pdf())
    with pytest.raises(TransitionRefused, match=r"paused \(criminal trial\) since 1 March 2026"):
        services.review_draft_report(actor=officer, review=review, on=date(2026, 3, 2))
    pause = review.pauses.get()
    services.pause_end(actor=officer, pause=pause, ended_on=date(2026, 3, 10))
    services.review_draft_report(actor=officer, review=review, on=date(2026, 3, 11))
    review.refresh_from_db()
    assert review.stage == Stage.DRAFT


def test_move_date_rules(officer):
    review = advance_to(make_review(officer), "gathering", officer)
    services.document_upload(actor=officer, review=review, kind="overview_draft", uploaded_file=pdf())
    with pytest.raises(TransitionRefused, match="before the current stage began"):
        services.review_draft_report(
            actor=officer, review=review, on=review.stage_changed_on - timedelta(days=1)
        )
    with pytest.raises(ReviewError, match="must be today or in the past"):
        services.review_draft_report(actor=officer, review=review, on=date(2026, 11, 2))


def test_pause_rules_and_completion_deadline(officer):
    review = advance_to(make_review(officer), "gathering", officer)
    with pytest.raises(ReviewError, match="before the decision"):
        services.pause_start(actor=officer, review=review, reason="inquest", started_on=date(2026, 2, 1))
    services.pause_start(actor=officer, review=review, reason="inquest", started_on=date(2026, 3, 1))
    with pytest.raises(ReviewError, match="already paused"):
        services.pause_start(actor=officer, review=review, reason="family", started_on=date(2026, 3, 2))
    completion = Deadline.objects.get(subject_id=review.notification_id, kind="dhr_completion_due")
    # Decided 10 Feb: due 10 Aug. While the pause is open the clock is paused and the date
    # stays put (it does not move on every night).
    assert (completion.status, completion.paused_since, completion.due_date) == (
        DeadlineStatus.PAUSED,
        date(2026, 3, 1),
        date(2026, 8, 10),
    )
    pause = review.pauses.get()
    with pytest.raises(ReviewError, match="cannot end before"):
        services.pause_end(actor=officer, pause=pause, ended_on=date(2026, 2, 28))
    services.pause_end(actor=officer, pause=pause, ended_on=date(2026, 3, 10))
    with pytest.raises(ReviewError, match="already ended"):
        services.pause_end(actor=officer, pause=pause, ended_on=date(2026, 3, 11))
    completion.refresh_from_db()
    # Ended: 1–10 March (10 days) fixes the new date, 20 August, and the clock runs again.
    assert (completion.status, completion.paused_since, completion.due_date) == (
        DeadlineStatus.OPEN,
        None,
        date(2026, 8, 20),
    )


def test_deadlines_follow_the_review(officer):
    review = advance_to(make_review(officer), "reports_requested", officer)
    request = review.report_requests.get()
    deadline = Deadline.objects.get(subject_id=review.notification_id, kind="dhr_agency_report_due")
    assert deadline.responsible_agency.code == "POLICE"
    assert "Victoria" not in deadline.label and deadline.label.startswith("DHR-0001")
    services.report_request_receive(
        actor=officer, request=request, received_on=date(2026, 4, 1), uploaded_file=pdf()
    )
    deadline.refresh_from_db()
    assert (deadline.status, deadline.met_on) == (DeadlineStatus.MET, date(2026, 4, 1))
    review = advance_to(review, "commissioner_sent", officer, start=review.stage_changed_on)
    commissioner = Deadline.objects.get(subject_id=review.notification_id, kind="dhr_commissioner_copy_due")
    assert commissioner.statutory and commissioner.status == DeadlineStatus.MET
    assert commissioner.due_date == review.published_on
    completion = Deadline.objects.get(subject_id=review.notification_id, kind="dhr_completion_due")
    assert completion.met_on == review.first_submitted_on


def test_pseudonym_from_family_contact(officer):
    review = make_review(officer)
    services.family_contact_add(
        actor=officer,
        review=review,
        data={
            "contacted_on": date(2026, 3, 1),
            "contact_relationship": "Sister",
            "method": "Meeting",
            "consent": "given",
            "pseudonym_agreed": "Jo",
            "leaflet_given": True,
        },
    )
    review.notification.refresh_from_db()
    assert review.notification.victim_pseudonym == "Jo"


def test_document_versions_increment(officer):
    review = make_review(officer)
    first = services.document_upload(
        actor=officer, review=review, kind="action_plan_draft", uploaded_file=pdf()
    )
    second = services.document_upload(
        actor=officer, review=review, kind="action_plan_draft", uploaded_file=pdf()
    )
    assert (first.version, second.version) == (1, 2)
    assert first.file.name != second.file.name
