"""The access matrix: who sees which notifications, names, requests and documents."""

from datetime import date

import pytest
from django.urls import reverse

from reviews import services
from somerset_safety.accounts.models import Agency
from somerset_safety.accounts.roles import Role
from somerset_safety.audit.models import AuditAction, AuditEvent

from ..factories import UserFactory
from .factories import advance_to, make_review, pdf

pytestmark = pytest.mark.django_db

REAL_NAME = "Victoria Realname"


@pytest.fixture
def world(officer, review_chair):
    """Review A: chaired by review_chair, police on the panel, requests to police and housing.
    Review B: another chair, no police or housing involvement."""
    other_chair = UserFactory(roles=[Role.REVIEW_CHAIR], full_name="Other Chair")
    author = UserFactory(roles=[Role.REVIEW_CHAIR], full_name="Andy Author")
    a = make_review(officer, victim_pseudonym="Jo")
    services.review_set_team(actor=officer, review=a, chair=review_chair, author=author)
    a = advance_to(a, "reports_requested", officer, chair=review_chair)
    housing_request = services.report_request_create(
        actor=officer,
        review=a,
        agency=Agency.objects.get(code="HOUSING"),
        report_type="chronology",
        requested_on=date(2026, 3, 1),
        due_on=date(2026, 4, 1),
    )
    police_request = a.report_requests.get(agency__code="POLICE")
    services.report_request_receive(
        actor=officer, request=police_request, received_on=date(2026, 3, 5), uploaded_file=pdf()
    )
    paper = services.document_upload(
        actor=officer, review=a, kind="panel_paper", uploaded_file=pdf("paper.pdf")
    )
    letter = services.document_upload(
        actor=officer, review=a, kind="qa_letter", uploaded_file=pdf("letter.pdf")
    )
    b = make_review(officer, victim_name="Bella Hidden (synthetic)")
    services.review_set_team(actor=officer, review=b, chair=other_chair, author=None)
    return {
        "a": a.notification,
        "b": b.notification,
        "author": author,
        "housing_request": housing_request,
        "police_request": police_request,
        "paper": paper,
        "letter": letter,
    }


def _get(client, name, *args):
    return client.get(reverse(f"reviews:{name}", args=args))


def test_officer_sees_everything_with_real_names(as_user, officer, world):
    client = as_user(officer)
    page = _get(client, "detail", world["a"].pk)
    assert page.status_code == 200
    assert REAL_NAME in page.content.decode()
    assert "Chronology" in page.content.decode()
    assert _get(client, "decide", world["b"].pk).status_code == 302  # already decided: sent back
    assert _get(client, "edit", world["a"].pk).status_code == 200
    assert _get(client, "create").status_code == 200
    assert _get(client, "move", world["a"].pk, "start_gathering").status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(world["a"].pk)).exists()


def test_chair_sees_own_review_with_real_name_and_404_on_another(as_user, review_chair, world):
    client = as_user(review_chair)
    page = _get(client, "detail", world["a"].pk)
    assert page.status_code == 200 and REAL_NAME in page.content.decode()
    assert _get(client, "detail", world["b"].pk).status_code == 404
    assert _get(client, "document_upload", world["b"].pk).status_code == 404
    assert _get(client, "edit", world["a"].pk).status_code == 403
    assert _get(client, "move", world["a"].pk, "start_gathering").status_code == 403
    assert _get(client, "document_upload", world["a"].pk).status_code == 200
    assert _get(client, "family_add", world["a"].pk).status_code == 200
    tracker = _get(client, "tracker").content.decode()
    assert world["a"].reference in tracker and world["b"].reference not in tracker


def test_author_sees_own_review_with_pseudonym_only(as_user, world):
    client = as_user(world["author"])
    page = _get(client, "detail", world["a"].pk).content.decode()
    assert "Jo" in page and REAL_NAME not in page
    assert _get(client, "detail", world["b"].pk).status_code == 404


def test_agency_rep_sees_only_their_requests_and_panel_papers(as_user, agency_rep, world):
    client = as_user(agency_rep)
    page = _get(client, "detail", world["a"].pk)
    body = page.content.decode()
    assert page.status_code == 200
    assert REAL_NAME not in body and "Jo" in body
    assert "Individual Management Review" in body and "Chronology" not in body
    assert "Family engagement" not in body
    assert _get(client, "request", world["a"].pk, world["police_request"].pk).status_code == 200
    assert _get(client, "request", world["a"].pk, world["housing_request"].pk).status_code == 404
    assert _get(client, "request_download", world["a"].pk, world["police_request"].pk).status_code == 200
    assert _get(client, "request_receive", world["a"].pk, world["police_request"].pk).status_code == 200
    assert _get(client, "request_chase", world["a"].pk, world["police_request"].pk).status_code == 403
    assert _get(client, "document_download", world["a"].pk, world["paper"].pk).status_code == 200
    assert _get(client, "document_download", world["a"].pk, world["letter"].pk).status_code == 404
    assert _get(client, "detail", world["b"].pk).status_code == 404
    assert _get(client, "edit", world["a"].pk).status_code == 403
    assert _get(client, "document_upload", world["a"].pk).status_code == 403
    tracker = _get(client, "tracker").content.decode()
    assert world["a"].reference in tracker and world["b"].reference not in tracker


def test_other_agency_rep_sees_only_housing_request_and_no_papers(as_user, other_agency_rep, world):
    client = as_user(other_agency_rep)
    body = _get(client, "detail", world["a"].pk).content.decode()
    assert "Chronology" in body and "Individual Management Review" not in body
    assert _get(client, "request", world["a"].pk, world["police_request"].pk).status_code == 404
    # Housing does not sit on the panel: no panel papers.
    assert _get(client, "document_download", world["a"].pk, world["paper"].pk).status_code == 404
    assert _get(client, "detail", world["b"].pk).status_code == 404


def test_partnership_lead_sees_tracker_without_names(as_user, partnership_lead, world):
    client = as_user(partnership_lead)
    tracker = _get(client, "tracker")
    body = tracker.content.decode()
    assert tracker.status_code == 200
    assert world["a"].reference in body and world["b"].reference in body
    assert REAL_NAME not in body and "Bella" not in body and "Pseudonym" not in body
    assert _get(client, "detail", world["a"].pk).status_code == 403
    assert _get(client, "register").status_code == 200
    assert _get(client, "create").status_code == 403


def test_auditor_reads_with_pseudonym_and_cannot_change(as_user, auditor, world):
    client = as_user(auditor)
    body = _get(client, "detail", world["a"].pk).content.decode()
    assert REAL_NAME not in body and "Jo" in body
    assert _get(client, "edit", world["a"].pk).status_code == 403
    assert _get(client, "document_upload", world["a"].pk).status_code == 403


@pytest.mark.parametrize("persona", ["admin_user", "coordinator"])
def test_roles_without_dhr_access(request, as_user, persona, world):
    client = as_user(request.getfixturevalue(persona))
    assert _get(client, "tracker").status_code == 403
    assert _get(client, "detail", world["a"].pk).status_code == 404
    assert _get(client, "register").status_code == 403


def test_no_role_and_anonymous(client, as_user, no_role_user, world):
    assert client.get(reverse("reviews:tracker")).status_code == 302
    assert client.get(reverse("reviews:detail", args=[world["a"].pk])).status_code == 302
    assert as_user(no_role_user).get(reverse("reviews:tracker")).status_code == 403


def test_downloads_are_attachments_and_audited_as_disclosures(as_user, officer, world):
    response = _get(as_user(officer), "document_download", world["a"].pk, world["paper"].pk)
    assert response["Content-Disposition"].startswith("attachment")
    assert AuditEvent.objects.filter(
        action=AuditAction.DISCLOSE, object_type="reviews.reviewdocument", object_id=str(world["paper"].pk)
    ).exists()


def test_deadlines_visible_only_with_the_notification(agency_rep, other_agency_rep, partnership_lead, world):
    from somerset_safety.deadlines.selectors import deadlines_visible_to

    police_ids = set(deadlines_visible_to(agency_rep).values_list("subject_id", flat=True))
    assert world["a"].pk in police_ids and world["b"].pk not in police_ids
