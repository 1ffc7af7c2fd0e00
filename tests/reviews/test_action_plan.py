"""Agencies own their actions: the action's state machine (every allowed and refused move), the
services that make the moves, who may see and do what (another agency's action is a 404), the
register's statuses and links, and what waits on each agency's home page."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reviews import services
from reviews.exceptions import ReviewError, TransitionRefused
from reviews.models import ActionEntry, ActionEvidence, ActionStatus, TimelineEntry
from reviews.states import ACTION_MOVES
from somerset_safety.audit.models import AuditAction, AuditEvent

from .factories import PDF_BYTES, advance_to, complete_action, make_review

pytestmark = pytest.mark.django_db

NS, IP, SUB, RET, DONE = "not_started", "in_progress", "submitted", "returned", "complete"

# Written out by hand: move -> (the statuses it may be made from, the status it leads to).
EXPECTED_MOVES = {
    "start": ({NS}, IP),
    "submit": ({NS, IP, RET}, SUB),
    "accept": ({SUB}, DONE),
    "return": ({SUB}, RET),
    "reopen": ({DONE}, IP),
}


def _date(prefix: str, day: date) -> dict:
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


def _plan(officer, agency, *, actions=1, review=None, text="Ask about abuse when a tenancy ends."):
    review = review or make_review(officer)
    rec = services.recommendation_add(
        actor=officer, review=review, scope="local", owning_agency=agency, text=text
    )
    made = [
        services.action_add(
            actor=officer,
            recommendation=rec,
            description=f"Brief every housing officer ({number})",
            lead_officer="Head of Housing (synthetic)",
            target_date=date(2026, 12, 1),
        )
        for number in range(1, actions + 1)
    ]
    return rec, made


def _pdf(name="audit.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def _action_url(name, action, *extra):
    return reverse(f"reviews:{name}", args=[action.recommendation_id, action.pk, *extra])


# --- The machine --------------------------------------------------------------------------------


def test_declared_action_moves_are_the_table_written_by_hand():
    declared = {name: (set(move.sources), move.target) for name, move in ACTION_MOVES.moves.items()}
    assert declared == EXPECTED_MOVES


@pytest.mark.parametrize("status", [NS, IP, SUB, RET, DONE])
@pytest.mark.parametrize("name", list(EXPECTED_MOVES))
def test_each_move_is_allowed_only_from_its_statuses(officer, housing, status, name):
    _rec, (action,) = _plan(officer, housing)
    if status in (SUB, DONE):
        action.completed_on, action.evidence_of_outcome = date(2026, 10, 1), "Audit"
    action.status = status
    action.save()
    refusal = ACTION_MOVES.refusal(action, name)
    if status in EXPECTED_MOVES[name][0]:
        assert refusal is None
    else:
        assert refusal.startswith(f"This action is at “{ActionStatus(status).label}”.")


# --- The services ----------------------------------------------------------------------------------


def test_first_progress_update_starts_the_action_and_later_ones_are_added(officer, other_agency_rep, housing):
    _rec, (action,) = _plan(officer, housing)
    services.action_progress_add(actor=other_agency_rep, action=action, note="Briefing booked for May.")
    action.refresh_from_db()
    assert action.status == IP
    services.action_progress_add(actor=other_agency_rep, action=action, note="Half the team briefed.")
    action.refresh_from_db()
    assert action.status == IP
    entries = list(ActionEntry.objects.filter(action=action).order_by("id").values_list("kind", "note"))
    assert entries == [("started", "Briefing booked for May."), ("progress", "Half the team briefed.")]
    assert AuditEvent.objects.filter(
        action=AuditAction.TRANSITION, object_id=str(action.pk), detail__move="start"
    ).exists()
    with pytest.raises(ReviewError, match="Enter the progress update"):
        services.action_progress_add(actor=other_agency_rep, action=action, note="   ")


def test_submit_needs_evidence_and_a_date_not_in_the_future(officer, other_agency_rep, housing):
    _rec, (action,) = _plan(officer, housing)
    with pytest.raises(ReviewError, match="Enter the evidence of outcome"):
        services.action_submit(
            actor=other_agency_rep, action=action, completed_on=date(2026, 10, 1), evidence_of_outcome=" "
        )
    with pytest.raises(ReviewError, match="date the action was completed"):
        services.action_submit(
            actor=other_agency_rep, action=action, completed_on=None, evidence_of_outcome="Audit"
        )
    with pytest.raises(ReviewError, match="must be today or in the past"):
        services.action_submit(
            actor=other_agency_rep, action=action, completed_on=date(2026, 11, 2), evidence_of_outcome="Audit"
        )
    action.refresh_from_db()
    assert action.status == NS and action.completed_on is None and not action.evidence_files.exists()


def test_evidence_sent_returned_sent_again_and_accepted(officer, other_agency_rep, housing):
    rec, (action,) = _plan(officer, housing)
    services.action_submit(
        actor=other_agency_rep,
        action=action,
        completed_on=date(2026, 10, 20),
        evidence_of_outcome="All 40 officers briefed.",
        uploaded_file=_pdf("briefing-register.pdf"),
        description="Attendance register",
    )
    action.refresh_from_db()
    assert action.status == SUB and action.completed_on == date(2026, 10, 20)
    evidence = ActionEvidence.objects.get(action=action)
    assert evidence.original_name == "briefing-register.pdf" and evidence.uploaded_by == other_agency_rep
    with pytest.raises(ReviewError, match="Enter what the agency needs"):
        services.action_return(actor=officer, action=action, reason="")
    services.action_return(actor=officer, action=action, reason="Show that the practice is in use.")
    action.refresh_from_db()
    assert action.status == RET
    with pytest.raises(TransitionRefused, match="only when it is at “Evidence awaiting acceptance”"):
        services.action_accept(actor=officer, action=action)
    services.action_submit(
        actor=other_agency_rep,
        action=action,
        completed_on=date(2026, 10, 28),
        evidence_of_outcome="Audit of 20 tenancy ends: 18 asked.",
    )
    services.action_accept(actor=officer, action=action, note="Thank you.")
    action.refresh_from_db()
    assert action.status == DONE and action.completed_on == date(2026, 10, 28)
    summaries = list(
        TimelineEntry.objects.filter(notification=rec.review.notification)
        .filter(summary__contains="recommendation 1")
        .exclude(summary="Recommendation 1 recorded")
        .order_by("id")
        .values_list("summary", flat=True)
    )
    assert summaries == [
        f"Action on recommendation 1 marked complete by {housing.name}; evidence sent",
        f"Evidence returned to {housing.name} for an action on recommendation 1",
        f"Action on recommendation 1 marked complete by {housing.name}; evidence sent",
        "Evidence accepted: action on recommendation 1 complete",
    ]
    kinds = list(ActionEntry.objects.filter(action=action).order_by("id").values_list("kind", flat=True))
    assert kinds == ["submitted", "returned", "submitted", "accepted"]


def test_complete_action_takes_no_more_work_until_reopened_with_a_reason(officer, other_agency_rep, housing):
    _rec, (action,) = _plan(officer, housing)
    complete_action(officer, action, completed_on=date(2026, 10, 1))
    with pytest.raises(ReviewError, match="must reopen it"):
        services.action_progress_add(actor=other_agency_rep, action=action, note="More")
    with pytest.raises(ReviewError, match="must reopen it"):
        services.action_evidence_add(actor=other_agency_rep, action=action, uploaded_file=_pdf())
    with pytest.raises(ReviewError, match="Enter the reason the action is reopened"):
        services.action_reopen(actor=officer, action=action, reason="")
    services.action_reopen(actor=officer, action=action, reason="The audit was of the wrong team.")
    action.refresh_from_db()
    assert action.status == IP and action.completed_on is None


def test_a_closed_review_takes_no_progress(officer):
    review = advance_to(make_review(officer), "closed", officer)
    action = review.recommendations.get().actions.get()
    with pytest.raises(TransitionRefused, match="This review is closed"):
        services.action_reopen(actor=officer, action=action, reason="Why not")
    with pytest.raises(ReviewError, match="This review is closed"):
        services.action_progress_add(actor=officer, action=action, note="Late note")


# --- Access --------------------------------------------------------------------------------------


@pytest.fixture
def plans(officer, police, housing):
    review = make_review(officer)
    police_rec, (police_action,) = _plan(officer, police, review=review, text="Police recommendation")
    housing_rec, (housing_action,) = _plan(officer, housing, review=review, text="Housing recommendation")
    services.action_evidence_add(actor=officer, action=police_action, uploaded_file=_pdf("police.pdf"))
    return {"police": police_action, "housing": housing_action}


def test_agency_rep_sees_only_the_recommendations_their_agency_owns(as_user, other_agency_rep, plans):
    response = as_user(other_agency_rep).get(reverse("reviews:register"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Housing recommendation" in body and "Police recommendation" not in body
    assert [rec.owning_agency.code for rec, _status in response.context["rows"]] == ["HOUSING"]


def test_another_agencys_action_is_a_404_for_every_page(as_user, other_agency_rep, plans):
    client = as_user(other_agency_rep)
    action = plans["police"]
    evidence = action.evidence_files.get()
    assert client.get(reverse("reviews:recommendation", args=[action.recommendation_id])).status_code == 404
    for name, extra in [
        ("action", ()),
        ("action_progress", ()),
        ("action_evidence", ()),
        ("action_change", ()),
        ("action_move", ("submit",)),
        ("action_move", ("accept",)),
        ("action_evidence_download", (evidence.pk,)),
    ]:
        assert client.get(_action_url(name, action, *extra)).status_code == 404, name
    response = client.post(_action_url("action_progress", action), {"note": "Not ours"})
    assert response.status_code == 404
    assert not ActionEntry.objects.filter(action=action).exists()


def test_owning_agency_works_on_its_action_but_may_not_judge_it(as_user, other_agency_rep, plans):
    client = as_user(other_agency_rep)
    action = plans["housing"]
    assert client.get(_action_url("action", action)).status_code == 200
    assert client.get(_action_url("action_progress", action)).status_code == 200
    assert client.get(_action_url("action_move", action, "submit")).status_code == 200
    for name in ("accept", "return", "reopen"):
        assert client.get(_action_url("action_move", action, name)).status_code == 403, name
    assert client.get(_action_url("action_change", action)).status_code == 403
    assert client.get(_action_url("action_move", action, "start")).status_code == 404


def test_partnership_lead_reads_status_but_not_progress_or_evidence(as_user, partnership_lead, plans):
    client = as_user(partnership_lead)
    action = plans["police"]
    response = client.get(_action_url("action", action))
    assert response.status_code == 200
    assert "police.pdf" not in response.content.decode()
    assert client.get(_action_url("action_progress", action)).status_code == 403
    evidence = action.evidence_files.get()
    assert client.get(_action_url("action_evidence_download", action, evidence.pk)).status_code == 404


def test_chair_of_another_review_gets_404(as_user, review_chair, plans):
    assert as_user(review_chair).get(_action_url("action", plans["police"])).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, plans):
    response = client.get(_action_url("action", plans["police"]))
    assert response.status_code == 302 and "sign-in" in response["Location"]


def test_pages_are_audited_and_downloads_are_disclosures(as_user, agency_rep, plans):
    client = as_user(agency_rep)
    action = plans["police"]
    client.get(_action_url("action", action))
    client.get(reverse("reviews:recommendation", args=[action.recommendation_id]))
    evidence = action.evidence_files.get()
    response = client.get(_action_url("action_evidence_download", action, evidence.pk))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    mine = AuditEvent.objects.filter(actor=agency_rep)
    assert mine.filter(
        action=AuditAction.VIEW, object_type="reviews.action", object_id=str(action.pk)
    ).exists()
    assert mine.filter(
        action=AuditAction.VIEW, object_type="reviews.recommendation", object_id=str(action.recommendation_id)
    ).exists()
    assert mine.filter(
        action=AuditAction.DISCLOSE, object_type="reviews.actionevidence", object_id=str(evidence.pk)
    ).exists()


# --- The journey through the pages, and the register ------------------------------------------


def test_housing_rep_sends_evidence_and_the_officer_accepts_it(as_user, officer, other_agency_rep, housing):
    """One recommendation with two actions, one already implemented elsewhere: rate 1 of 2 = 50%
    before; after this action's evidence is accepted, 2 of 2 = 100%."""
    review = make_review(officer)
    _rec, (action,) = _plan(officer, housing, review=review)
    _done_rec, (done,) = _plan(officer, housing, review=review, text="Already done")
    complete_action(officer, done, completed_on=date(2026, 9, 1))
    rep, off = as_user(other_agency_rep), as_user(officer)
    assert off.get(reverse("reviews:register")).context["rate_all"] == {
        "total": 2,
        "implemented": 1,
        "percent": 50,
    }

    response = rep.post(_action_url("action_progress", action), {"note": "Briefings booked."})
    assert response.status_code == 302
    response = rep.post(
        _action_url("action_move", action, "submit"),
        {
            **_date("completed_on", date(2026, 10, 30)),
            "evidence_of_outcome": "Audit of 20 tenancy ends: 18 asked.",
            "document": _pdf("audit.pdf"),
            "description": "Audit",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    # Sent but not accepted: still 50%.
    assert off.get(reverse("reviews:register")).context["rate_all"]["percent"] == 50
    assert rep.get(_action_url("action_move", action, "accept")).status_code == 403

    response = off.post(_action_url("action_move", action, "accept"), {"note": ""})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == DONE
    assert off.get(reverse("reviews:register")).context["rate_all"]["percent"] == 100


def test_return_needs_a_reason_in_the_form_and_keeps_nothing_else(as_user, officer, housing):
    _rec, (action,) = _plan(officer, housing)
    services.action_submit(
        actor=officer, action=action, completed_on=date(2026, 10, 1), evidence_of_outcome="Audit"
    )
    response = as_user(officer).post(_action_url("action_move", action, "return"), {"reason": ""})
    assert response.status_code == 200
    assert "Enter what the agency needs to add or change" in response.content.decode()
    action.refresh_from_db()
    assert action.status == SUB


def test_a_recommendation_whose_only_action_is_not_started_is_not_started(as_user, officer, housing):
    rec, (action,) = _plan(officer, housing)
    client = as_user(officer)

    def status():
        rows = client.get(reverse("reviews:register")).context["rows"]
        return dict((r.pk, s) for r, s in rows)[rec.pk]

    assert status() == "Not started"
    services.action_progress_add(actor=officer, action=action, note="Begun")
    assert status() == "In progress"
    services.action_submit(
        actor=officer, action=action, completed_on=date(2026, 10, 1), evidence_of_outcome="A"
    )
    assert status() == "In progress"
    services.action_accept(actor=officer, action=action)
    assert status() == "Implemented"


def test_register_links_each_recommendation_to_its_review_where_it_may_be_opened(
    as_user, officer, partnership_lead, other_agency_rep, plans
):
    review_url = plans["police"].recommendation.review.notification.get_absolute_url()
    rec_url = reverse("reviews:recommendation", args=[plans["housing"].recommendation_id])
    officer_page = as_user(officer).get(reverse("reviews:register")).content.decode()
    assert f'href="{review_url}"' in officer_page and f'href="{rec_url}"' in officer_page
    lead_page = as_user(partnership_lead).get(reverse("reviews:register")).content.decode()
    assert f'href="{review_url}"' not in lead_page and f'href="{rec_url}"' in lead_page
    # Housing owns a recommendation but is not party to the review: no link that would refuse.
    rep_page = as_user(other_agency_rep).get(reverse("reviews:register")).content.decode()
    assert f'href="{review_url}"' not in rep_page and f'href="{rec_url}"' in rep_page


def test_register_status_filter_awaiting_acceptance(as_user, officer, housing, police):
    waiting, (action,) = _plan(officer, housing, text="Waiting one")
    _plan(officer, police, text="Untouched one")
    services.action_submit(
        actor=officer, action=action, completed_on=date(2026, 10, 1), evidence_of_outcome="A"
    )
    rows = as_user(officer).get(reverse("reviews:register") + "?status=awaiting").context["rows"]
    assert [rec.pk for rec, _ in rows] == [waiting.pk]


# --- Home pages ----------------------------------------------------------------------------------


def test_agency_home_lists_requests_actions_due_and_evidence_returned(
    as_user, officer, agency_rep, other_agency_rep, housing
):
    review = advance_to(make_review(officer), "reports_requested", officer)  # police asked for an IMR
    _rec, (due, returned) = _plan(officer, housing, review=review, actions=2)
    services.action_submit(
        actor=officer, action=returned, completed_on=date(2026, 10, 1), evidence_of_outcome="A"
    )
    services.action_return(actor=officer, action=returned, reason="Show it in use")

    housing_home = as_user(other_agency_rep).get(reverse("core:home"))
    (context,) = [c for p, c in housing_home.context["panels"] if p.key == "dhr_agency"]
    assert context["requests"] == [] and context["due"] == [due] and context["returned"] == [returned]
    body = housing_home.content.decode()
    assert "Evidence returned to you (1)" in body and "Actions your agency owns (1)" in body

    police_home = as_user(agency_rep).get(reverse("core:home"))
    (context,) = [c for p, c in police_home.context["panels"] if p.key == "dhr_agency"]
    assert [r.agency.code for r in context["requests"]] == ["POLICE"]
    assert context["due"] == [] and context["returned"] == []


def test_officer_home_lists_evidence_awaiting_acceptance_only_when_there_is_some(as_user, officer, housing):
    _rec, (action,) = _plan(officer, housing)
    keys = [p.key for p, _c in as_user(officer).get(reverse("core:home")).context["panels"]]
    assert "dhr_officer" not in keys
    services.action_submit(
        actor=officer, action=action, completed_on=date(2026, 10, 1), evidence_of_outcome="A"
    )
    response = as_user(officer).get(reverse("core:home"))
    (context,) = [c for p, c in response.context["panels"] if p.key == "dhr_officer"]
    assert context["count"] == 1 and context["actions"] == [action]
    assert "1 action with evidence to accept or return" in response.content.decode()
