"""The review's state machine: which move takes a review from which stages to which stage, and
what each move needs first. Declared once in the platform's shape (somerset_safety/core/transitions);
services/moves.py makes the moves and selectors.review_stage_options offers them to pages."""

from somerset_safety.core.transitions import Move, StateMachine
from somerset_safety.deadlines.services import deadlines_sync

from .exceptions import TransitionRefused
from .models import Action, ActionEntry, ActionStatus, QaOutcome, Stage, TimelineEntry


def open_pause_of(review):
    return review.pauses.filter(ended_on__isnull=True).first()


def _not_paused(review) -> str | None:
    pause = open_pause_of(review)
    if pause is None:
        return None
    return (
        f"This review has been paused ({pause.get_reason_display().lower()}) since "
        f"{pause.started_on:%-d %B %Y}. End the pause before moving the review on."
    )


def _chair_recorded(review) -> str | None:
    if review.chair_id is None:
        return "Record the independent chair before recording the panel as formed."
    return None


def _panel_member_added(review) -> str | None:
    if not review.panel_members.exists():
        return "Add at least one panel member before recording the panel as formed."
    return None


def _report_requested(review) -> str | None:
    if not review.report_requests.exists():
        return "Add at least one request to an agency before recording reports as requested."
    return None


def _draft_uploaded(review) -> str | None:
    """A draft overview report uploaded; after a resubmit letter, a new version of it."""
    drafts = review.documents.filter(kind="overview_draft")
    if review.stage == Stage.QA_RESUBMIT and review.qa_outcome_recorded_at:
        drafts = drafts.filter(uploaded_at__gt=review.qa_outcome_recorded_at)
    if drafts.exists():
        return None
    if review.stage == Stage.QA_RESUBMIT:
        return "Upload the revised draft overview report under Documents before recording the draft."
    return "Upload the draft overview report under Documents before recording the draft."


def _pseudonym_agreed(review) -> str | None:
    if not review.notification.victim_pseudonym:
        return "Record the pseudonym agreed with the family before publication."
    return None


def _changes_after_qa_recorded(review) -> str | None:
    if not review.changes_after_qa.strip():
        return (
            "Record the changes made after quality assurance (or that none were needed) "
            "before recording publication."
        )
    return None


def _published_report_uploaded(review) -> str | None:
    if not review.documents.filter(kind="overview_published").exists():
        return "Upload the published overview report under Documents before recording publication."
    return None


def _recommendations_recorded(review) -> str | None:
    if not review.recommendations.exists():
        return "Record the review's recommendations before monitoring the action plan."
    return None


def _every_recommendation_implemented(review) -> str | None:
    open_count = (
        review.recommendations.filter(actions__isnull=True).count()
        + Action.objects.filter(recommendation__review=review).exclude(status=ActionStatus.COMPLETE).count()
    )
    if not open_count:
        return None
    return (
        f"{open_count} action{'s are' if open_count != 1 else ' is'} not complete with evidence "
        "(or a recommendation has no actions). Every recommendation must be implemented before closing."
    )


def _wrong_stage(review, move: Move) -> str:
    allowed = " or ".join(f"“{Stage(s).label}”" for s in sorted(move.sources, key=list(Stage).index))
    return (
        f"This review is at “{review.get_stage_display()}”. "
        f"You can {move.label[0].lower()}{move.label[1:]} only when it is at {allowed}."
    )


def _after_move(review, move: Move, actor, context: dict) -> None:
    """Every move is on the timeline (the new stage and the note) and moves the clocks."""
    summary = Stage(review.stage).label
    note = (context.get("note") or "").strip()
    if note:
        summary = f"{summary}: {note}"[:300]
    TimelineEntry.objects.create(
        notification=review.notification, occurred_on=review.stage_changed_on, actor=actor, summary=summary
    )
    deadlines_sync(subject=review.notification)


REVIEW_MOVES = StateMachine(
    field="stage",
    states=Stage,
    refused=TransitionRefused,
    guards=[_not_paused],
    after=_after_move,
    describe_refusal=_wrong_stage,
    moves=[
        Move(
            "appoint_panel",
            "Record chair appointed and panel formed",
            {Stage.DECISION_MADE},
            Stage.PANEL_FORMED,
            guards=[_chair_recorded, _panel_member_added],
            date_label="Date the panel was formed",
            hint="The independent chair must be recorded first.",
        ),
        Move(
            "agree_tor",
            "Record terms of reference agreed",
            {Stage.PANEL_FORMED},
            Stage.TOR_AGREED,
            date_label="Date the terms of reference were agreed",
            hint="The scope period and key lines of enquiry are recorded with the terms of reference.",
        ),
        Move(
            "request_reports",
            "Record agency reports requested",
            {Stage.TOR_AGREED},
            Stage.REPORTS_REQUESTED,
            guards=[_report_requested],
            date_label="Date the requests went out",
            hint="Add each request to an agency before moving on.",
        ),
        Move(
            "start_gathering",
            "Start information gathering and panel meetings",
            {Stage.REPORTS_REQUESTED},
            Stage.GATHERING,
            date_label="Date gathering started",
        ),
        Move(
            "draft_report",
            "Record the draft overview report",
            {Stage.GATHERING, Stage.QA_RESUBMIT},
            Stage.DRAFT,
            guards=[_draft_uploaded],
            date_label="Date of the draft",
            hint="Upload the draft overview report under Documents first.",
        ),
        Move(
            "family_viewed",
            "Record that the family has seen the draft",
            {Stage.DRAFT},
            Stage.FAMILY_VIEWED,
            date_label="Date the family saw the draft",
        ),
        Move(
            "sign_off",
            "Record partnership sign-off",
            {Stage.FAMILY_VIEWED},
            Stage.SIGNED_OFF,
            date_label="Date the partnership signed off the report",
        ),
        Move(
            "submit_qa",
            "Record submission to Home Office quality assurance",
            {Stage.SIGNED_OFF, Stage.QA_RESUBMIT},
            Stage.SUBMITTED,
            date_label="Date submitted",
            hint="Submitting completes the review for the six-month clock.",
        ),
        Move(
            "qa_outcome",
            "Record the quality assurance outcome",
            {Stage.SUBMITTED},
            outcomes={
                QaOutcome.APPROVED: Stage.QA_APPROVED,
                QaOutcome.CHANGES: Stage.QA_CHANGES,
                QaOutcome.RESUBMIT: Stage.QA_RESUBMIT,
            },
            date_label="Date of the quality assurance letter",
            hint="Resubmit sends the review back for a revised draft or a resubmission.",
        ),
        Move(
            "publish",
            "Record publication",
            {Stage.QA_APPROVED, Stage.QA_CHANGES},
            Stage.PUBLISHED,
            guards=[_pseudonym_agreed, _changes_after_qa_recorded, _published_report_uploaded],
            date_label="Date published",
            hint="Publication needs an agreed pseudonym and the changes made after quality assurance. "
            "Keep the report online for at least 12 months.",
        ),
        Move(
            "send_commissioner_copy",
            "Record the copy sent to the Domestic Abuse Commissioner",
            {Stage.PUBLISHED},
            Stage.COMMISSIONER_SENT,
            date_label="Date the copy was sent",
        ),
        Move(
            "start_monitoring",
            "Start action plan monitoring",
            {Stage.COMMISSIONER_SENT},
            Stage.MONITORING,
            guards=[_recommendations_recorded],
            date_label="Date monitoring started",
        ),
        Move(
            "close",
            "Close the review",
            {Stage.MONITORING},
            Stage.CLOSED,
            guards=[_every_recommendation_implemented],
            date_label="Date closed",
            hint="A review closes only when every recommendation is implemented with evidence.",
        ),
    ],
)

# Stages in which a review may not be paused (its completion clock has already been met or ended).
NO_PAUSE_STAGES = frozenset({Stage.MONITORING, Stage.CLOSED})


def closed_refusal(review) -> str | None:
    """A closed review takes no new work: team, panel, requests, recommendations, actions."""
    return "This review is closed." if review.stage == Stage.CLOSED else None


def pause_refusal(review) -> str | None:
    """Why the review cannot be paused now, or None if it can."""
    if review.stage in NO_PAUSE_STAGES:
        return "A review in action plan monitoring or closed cannot be paused."
    if open_pause_of(review) is not None:
        return "This review is already paused. End the current pause first."
    return None


# --- An action plan action: the owning agency's progress and the officer's judgement ----------


def _review_open(action) -> str | None:
    return closed_refusal(action.recommendation.review)


ACTION_ENTRY_OF_MOVE = {
    "start": "started",
    "submit": "submitted",
    "accept": "accepted",
    "return": "returned",
    "reopen": "reopened",
}

ACTION_TIMELINE = {
    "submit": "Action on recommendation {number} marked complete by {agency}; evidence sent",
    "accept": "Evidence accepted: action on recommendation {number} complete",
    "return": "Evidence returned to {agency} for an action on recommendation {number}",
    "reopen": "Action on recommendation {number} reopened",
}


def _after_action_move(action, move: Move, actor, context: dict) -> None:
    """Every move is in the action's history with its note or reason; those that change
    whether the action counts are on the review's timeline as well. The target date's
    deadline follows (met once the evidence is accepted, open again when reopened)."""
    on = context["on"]
    ActionEntry.objects.create(
        action=action,
        kind=ACTION_ENTRY_OF_MOVE[move.name],
        occurred_on=on,
        note=(context.get("note") or "").strip(),
        actor=actor,
    )
    summary = ACTION_TIMELINE.get(move.name)
    if summary:
        rec = action.recommendation
        TimelineEntry.objects.create(
            notification=rec.review.notification,
            occurred_on=on,
            actor=actor,
            summary=summary.format(number=rec.number, agency=rec.owning_agency.name)[:300],
        )
    deadlines_sync(subject=action)


def _action_wrong_state(action, move: Move) -> str:
    allowed = " or ".join(
        f"“{ActionStatus(s).label}”" for s in sorted(move.sources, key=list(ActionStatus).index)
    )
    return (
        f"This action is at “{action.get_status_display()}”. "
        f"You can {move.label[0].lower()}{move.label[1:]} only when it is at {allowed}."
    )


# Only a community safety officer judges evidence; the owning agency does the work.
OFFICER_ACTION_MOVES = frozenset({"accept", "return", "reopen"})

ACTION_MOVES = StateMachine(
    field="status",
    states=ActionStatus,
    refused=TransitionRefused,
    guards=[_review_open],
    after=_after_action_move,
    describe_refusal=_action_wrong_state,
    moves=[
        Move("start", "Record the action as started", {ActionStatus.NOT_STARTED}, ActionStatus.IN_PROGRESS),
        Move(
            "submit",
            "Mark the action complete and send the evidence",
            {ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS, ActionStatus.RETURNED},
            ActionStatus.SUBMITTED,
            date_label="Date the action was completed",
            hint="A community safety officer then accepts the evidence or returns it.",
        ),
        Move(
            "accept",
            "Accept the evidence",
            {ActionStatus.SUBMITTED},
            ActionStatus.COMPLETE,
            hint="The action then counts towards its recommendation being implemented.",
        ),
        Move(
            "return",
            "Return the evidence",
            {ActionStatus.SUBMITTED},
            ActionStatus.RETURNED,
            hint="Say what is missing: the agency sees your reason and can send the evidence again.",
        ),
        Move(
            "reopen",
            "Reopen the action",
            {ActionStatus.COMPLETE},
            ActionStatus.IN_PROGRESS,
            hint="The action no longer counts as implemented until its evidence is accepted again.",
        ),
    ],
)
