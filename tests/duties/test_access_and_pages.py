"""The access matrix per persona, audit of views, pages users see, and fixed query counts."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from duties import services
from duties.models import Duty, DutyStatus, EvidenceItem, Obligation, SlaveryNotification
from somerset_safety.audit.models import AuditAction, AuditEvent
from somerset_safety.core.dates import today

from .factories import (
    DutyFactory,
    ObligationFactory,
    make_assessment,
    make_ms1,
    make_notification,
    record_evidence,
)

pytestmark = pytest.mark.django_db

PERSONAS = [
    "officer",
    "coordinator",
    "agency_rep",
    "other_agency_rep",
    "partnership_lead",
    "review_chair",
    "auditor",
    "admin_user",
]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def records(officer):
    obligation = Obligation.objects.get(code="pja-strategic-assessment-annual")
    evidence = services.evidence_record(
        actor=officer,
        obligation=obligation,
        met_on=today(),
        summary="Strategic assessment (synthetic)",
        document=SimpleUploadedFile("assessment.pdf", PDF),
    )
    return {
        "duty": obligation.duty,
        "obligation": obligation,
        "evidence": evidence,
        "assessment": make_assessment(officer),
        "nrm": make_notification(officer),
    }


def _urls(r):
    return {
        "register": reverse("duties:register"),
        "duty": reverse("duties:duty_detail", args=[r["duty"].pk]),
        "prevent": reverse("duties:prevent"),
        "evidence_create": reverse("duties:evidence_create", args=[r["obligation"].pk]),
        "evidence_download": reverse("duties:evidence_download", args=[r["evidence"].pk]),
        "evidence_withdraw": reverse("duties:evidence_withdraw", args=[r["evidence"].pk]),
        "assessments": reverse("duties:assessment_list"),
        "assessment_create": reverse("duties:assessment_create"),
        "assessment": reverse("duties:assessment_detail", args=[r["assessment"].pk]),
        "assessment_edit": reverse("duties:assessment_edit", args=[r["assessment"].pk]),
        "slavery_list": reverse("duties:slavery_list"),
        "slavery_create": reverse("duties:slavery_create"),
        "slavery": reverse("duties:slavery_detail", args=[r["nrm"].pk]),
        "slavery_edit": reverse("duties:slavery_edit", args=[r["nrm"].pk]),
        "slavery_rg": reverse("duties:slavery_rg_decide", args=[r["nrm"].pk]),
        "slavery_cg": reverse("duties:slavery_cg_decide", args=[r["nrm"].pk]),
    }


# What each persona is owed. Lists refuse a role with 403; records the role may not see are 404;
# records a reader may see but not change are 403. Modern slavery is 404 to all but officers.
OFFICER_ONLY_SLAVERY = [
    "slavery_list",
    "slavery_create",
    "slavery",
    "slavery_edit",
    "slavery_rg",
    "slavery_cg",
]


def _expected(persona: str, name: str) -> int:
    if persona == "officer":
        return 200
    if name in OFFICER_ONLY_SLAVERY:
        return 404
    lists = {"register", "prevent", "assessments", "assessment_create"}
    if persona == "partnership_lead":
        if name in ("evidence_create", "evidence_withdraw", "assessment_edit", "assessment_create"):
            return 403
        return 200
    return 403 if name in lists else 404


URL_NAMES = [
    "register",
    "duty",
    "prevent",
    "evidence_create",
    "evidence_download",
    "evidence_withdraw",
    "assessments",
    "assessment_create",
    "assessment",
    "assessment_edit",
    *OFFICER_ONLY_SLAVERY,
]


@pytest.mark.parametrize("persona", PERSONAS)
def test_access_matrix(request, as_user, records, persona):
    user = request.getfixturevalue(persona)
    client = as_user(user)
    urls = _urls(records)
    answers = {name: client.get(urls[name]).status_code for name in URL_NAMES}
    assert answers == {name: _expected(persona, name) for name in URL_NAMES}


def test_anonymous_visitor_is_sent_to_sign_in(client, records):
    for url in _urls(records).values():
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


@pytest.mark.parametrize("persona", ["partnership_lead", "agency_rep", "auditor", "admin_user"])
def test_nobody_but_officers_can_post_to_modern_slavery_records(request, as_user, records, persona):
    client = as_user(request.getfixturevalue(persona))
    nrm = records["nrm"]
    response = client.post(
        reverse("duties:slavery_rg_decide", args=[nrm.pk]),
        {"decision": "positive", "decided_on_0": "1", "decided_on_1": "1", "decided_on_2": "2026"},
    )
    assert response.status_code == 404
    nrm.refresh_from_db()
    assert nrm.status == "awaiting_rg"


def test_partnership_lead_cannot_record_evidence(as_user, partnership_lead, records):
    obligation = records["obligation"]
    response = as_user(partnership_lead).post(
        reverse("duties:evidence_create", args=[obligation.pk]),
        {"summary": "x", "link": "https://example.invalid/"},
    )
    assert response.status_code == 403
    assert obligation.evidence.count() == 1


def test_inactive_duty_is_not_listed_and_cannot_be_opened(as_user, officer):
    hidden = DutyFactory(title="Repealed duty", active=False)
    client = as_user(officer)
    assert "Repealed duty" not in client.get(reverse("duties:register")).content.decode()
    assert client.get(reverse("duties:duty_detail", args=[hidden.pk])).status_code == 404


# --- Audit -----------------------------------------------------------------------------------------


def test_every_view_of_a_modern_slavery_record_is_audited(as_user, officer, records):
    client = as_user(officer)
    nrm = records["nrm"]
    ms1 = make_ms1(officer)
    client.get(reverse("duties:slavery_detail", args=[nrm.pk]))
    client.get(reverse("duties:slavery_detail", args=[nrm.pk]))
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.VIEW, object_type="duties.slaverynotification", object_id=str(nrm.pk)
        ).count()
        == 2
    )
    client.get(reverse("duties:slavery_list"))
    listed = AuditEvent.objects.filter(
        action=AuditAction.LIST, object_type="duties.slaverynotification"
    ).get()
    assert set(listed.detail["ids"]) == {str(nrm.pk), str(ms1.pk)}


def test_evidence_download_is_a_recorded_disclosure(as_user, partnership_lead, records):
    evidence = records["evidence"]
    response = as_user(partnership_lead).get(reverse("duties:evidence_download", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF
    assert AuditEvent.objects.filter(
        action=AuditAction.DISCLOSE, object_type="duties.evidenceitem", object_id=str(evidence.pk)
    ).exists()


# --- Pages ---------------------------------------------------------------------------------------


def test_officer_records_evidence_and_the_duty_status_changes(as_user, officer):
    duty = Duty.objects.get(code="pja-scrutiny")
    obligation = duty.obligations.get()
    client = as_user(officer)
    page = client.get(reverse("duties:duty_detail", args=[duty.pk])).content.decode()
    assert "No evidence" in page

    met = today() - timedelta(days=7)
    response = client.post(
        reverse("duties:evidence_create", args=[obligation.pk]),
        {
            "met_on_0": str(met.day),
            "met_on_1": str(met.month),
            "met_on_2": str(met.year),
            "summary": "Scrutiny committee reviewed the partnership (synthetic)",
            "link": "https://www.example.invalid/minutes",
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Evidence recorded" in page
    assert "govuk-tag--green" in page and "Scrutiny committee reviewed the partnership" in page


def test_evidence_form_errors_keep_what_was_typed(as_user, officer):
    obligation = Obligation.objects.get(code="pja-scrutiny-review")
    tomorrow = today() + timedelta(days=1)
    response = as_user(officer).post(
        reverse("duties:evidence_create", args=[obligation.pk]),
        {
            "met_on_0": str(tomorrow.day),
            "met_on_1": str(tomorrow.month),
            "met_on_2": str(tomorrow.year),
            "summary": "Typed by the officer",
            "link": "",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "must be today or in the past" in page
    assert "Typed by the officer" in page
    assert not EvidenceItem.objects.filter(obligation=obligation).exists()


def test_evidence_form_refuses_a_file_that_is_not_what_it_claims(as_user, officer):
    obligation = Obligation.objects.get(code="pja-scrutiny-review")
    response = as_user(officer).post(
        reverse("duties:evidence_create", args=[obligation.pk]),
        {
            "met_on_0": "1",
            "met_on_1": "1",
            "met_on_2": str(today().year),
            "summary": "x",
            "document": SimpleUploadedFile("minutes.pdf", b"MZ this is not a pdf"),
        },
    )
    assert "must be a PDF" in response.content.decode()
    assert not EvidenceItem.objects.filter(obligation=obligation).exists()


def test_withdraw_is_confirmed_before_it_happens(as_user, officer, records):
    evidence = records["evidence"]
    client = as_user(officer)
    page = client.get(reverse("duties:evidence_withdraw", args=[evidence.pk])).content.decode()
    assert "Withdraw this evidence?" in page and "cannot be undone" in page
    evidence.refresh_from_db()
    assert not evidence.is_withdrawn
    client.post(reverse("duties:evidence_withdraw", args=[evidence.pk]), {"reason": "Wrong year"})
    evidence.refresh_from_db()
    assert evidence.is_withdrawn


def test_register_filters_by_status_act_owner_and_body(as_user, officer):
    client = as_user(officer)
    obligation = Obligation.objects.get(code="ctsa-channel-assurance")
    record_evidence(obligation, officer)
    page = client.get(reverse("duties:register"), {"status": DutyStatus.MET}).content.decode()
    assert "Channel panel" in page and "Prevent duty" not in page
    page = client.get(reverse("duties:register"), {"act": "Equality Act 2010"}).content.decode()
    assert "Public sector equality duty" in page and "Channel panel" not in page
    page = client.get(reverse("duties:register"), {"owner": "Scrutiny Manager"}).content.decode()
    assert "Crime and disorder scrutiny" in page and "Prevent duty" not in page
    page = client.get(reverse("duties:register"), {"body": "Somerset Prevent Board"}).content.decode()
    assert "Prevent duty" in page and "Channel panel" not in page
    page = client.get(reverse("duties:register"), {"status": DutyStatus.OVERDUE}).content.decode()
    assert "No duties match these filters" in page


def test_assessment_search(as_user, officer):
    make_assessment(officer, title="Licensing policy for the night-time economy")
    make_assessment(
        officer, title="Library opening hours", crime_disorder_implications="Fewer patrols needed"
    )
    client = as_user(officer)
    page = client.get(reverse("duties:assessment_list"), {"q": "licensing"}).content.decode()
    assert "Licensing policy" in page and "Library opening hours" not in page
    page = client.get(reverse("duties:assessment_list"), {"q": "patrols"}).content.decode()
    assert "Library opening hours" in page and "Licensing policy" not in page
    assert AuditEvent.objects.filter(
        action=AuditAction.SEARCH, object_type="duties.impactassessment"
    ).exists()


def test_create_modern_slavery_record_through_the_form(as_user, officer):
    encounter = today() - timedelta(days=3)
    data = {
        "encounter_date_0": str(encounter.day),
        "encounter_date_1": str(encounter.month),
        "encounter_date_2": str(encounter.year),
        "age_group": "adult",
        "consent": "no",
        "route": "nrm",
        "person_name": "Should not be kept",
        "exploitation_types": ["labour"],
        "first_responder": str(officer.agency_id),
        "submitted_on_0": str(encounter.day),
        "submitted_on_1": str(encounter.month),
        "submitted_on_2": str(encounter.year),
        "safeguarding_referral_made": "no",
    }
    client = as_user(officer)
    response = client.post(reverse("duties:slavery_create"), data)
    assert response.status_code == 200
    assert "cannot be referred into the NRM" in response.content.decode()
    assert not SlaveryNotification.objects.exists()
    response = client.post(reverse("duties:slavery_create"), {**data, "route": "ms1", "person_name": ""})
    assert response.status_code == 302
    record = SlaveryNotification.objects.get()
    assert record.route == "ms1" and record.person_name == ""
    page = client.get(response["Location"]).content.decode()
    assert "None kept: an MS1 notification is anonymous." in page


def test_decision_pages_confirm_and_record(as_user, officer, records):
    nrm = records["nrm"]
    client = as_user(officer)
    url = reverse("duties:slavery_rg_decide", args=[nrm.pk])
    assert "Check the decision letter" in client.get(url).content.decode()
    decided = today()
    response = client.post(
        url,
        {
            "decision": "positive",
            "decided_on_0": str(decided.day),
            "decided_on_1": str(decided.month),
            "decided_on_2": str(decided.year),
        },
    )
    assert response.status_code == 302
    nrm.refresh_from_db()
    assert nrm.status == "rg_positive"
    # The same move again is refused with a plain reason and no form.
    page = client.get(url).content.decode()
    assert "cannot be recorded now" in page


# --- Query counts do not grow with rows --------------------------------------------------------


def _count_queries(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("rows", [1, 12])
def test_list_and_dashboard_query_counts_are_fixed(
    as_user, officer, rows, django_assert_max_num_queries, settings
):
    for n in range(rows):
        duty = DutyFactory()
        ObligationFactory(duty=duty)
        record_evidence(ObligationFactory(duty=duty), officer)
        make_assessment(officer, title=f"Policy {n}")
        make_notification(officer, exploitation_types=["labour", "sexual"])
        make_ms1(officer)
    client = as_user(officer)
    client.get(reverse("duties:register"))  # warm the session
    pja = Duty.objects.get(code="pja-partnership-plan")
    for ob in pja.obligations.all():
        for n in range(rows):
            record_evidence(ob, officer, met_on=today() - timedelta(days=n))
    # Two of them explain each duty's status: its obligations and their cycles.
    _count_queries(client, reverse("duties:register"), django_assert_max_num_queries, 16)
    _count_queries(client, reverse("duties:prevent"), django_assert_max_num_queries, 12)
    _count_queries(client, reverse("duties:assessment_list"), django_assert_max_num_queries, 12)
    _count_queries(client, reverse("duties:slavery_list"), django_assert_max_num_queries, 18)
    # The duty page records a view: on PostgreSQL the audit chain takes its lock and reads the
    # previous row's hash, a fixed cost whatever the number of rows.
    _count_queries(client, reverse("duties:duty_detail", args=[pja.pk]), django_assert_max_num_queries, 18)
