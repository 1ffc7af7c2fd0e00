"""Evidence, obligations and assessments: the services and what users see change."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError

from duties import services
from duties.exceptions import DutiesError
from duties.models import DutyStatus, EvidenceItem, Obligation
from duties.selectors import with_obligation_status
from somerset_safety.audit.models import AuditAction, AuditEvent
from somerset_safety.core.dates import add_months, today
from somerset_safety.deadlines.models import Deadline, DeadlineStatus

from .factories import ObligationFactory, make_assessment, record_evidence

pytestmark = pytest.mark.django_db


def _status(obligation):
    return with_obligation_status(Obligation.objects.filter(pk=obligation.pk), today()).get().computed_status


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_reference_data_is_loaded_by_the_migration():
    codes = set(Obligation.objects.values_list("duty__code", flat=True))
    assert {
        "cda-s17",
        "pja-data-sharing",
        "pja-strategic-assessment",
        "pja-partnership-plan",
        "pja-scrutiny",
        "pca-reoffending",
        "ctsa-prevent",
        "ctsa-channel",
        "msa-s52",
        "dvcva-s9",
        "pcsc-svd",
        "daa-part4",
        "ea-psed",
    } <= codes
    assert Obligation.objects.get(code="daa-strategy-review").cycle_months == 36
    assert Obligation.objects.exclude(prevent_area="").count() == 8


def test_recording_evidence_sets_last_met_next_due_and_the_deadline(officer, settings):
    settings.DUTIES_REGISTER_STARTED_ON = today()
    obligation = ObligationFactory(cycle_months=12)
    assert _status(obligation) == DutyStatus.NO_EVIDENCE
    met_on = today() - timedelta(days=10)

    evidence = record_evidence(obligation, officer, met_on=met_on)

    obligation.refresh_from_db()
    assert obligation.last_met_on == met_on
    assert obligation.next_due_on == add_months(met_on, 12)
    assert _status(obligation) == DutyStatus.MET
    # The first cycle (due a year after the register started) is met early; the next falls due
    # a year after the evidence.
    cycles = Deadline.objects.filter(subject_type="duties.obligation", subject_id=obligation.pk)
    first, deadline = cycles.get(status=DeadlineStatus.MET), cycles.get(status=DeadlineStatus.OPEN)
    assert (first.due_date, first.status, first.met_on) == (
        add_months(today(), 12),
        DeadlineStatus.MET,
        met_on,
    )
    assert deadline.due_date == add_months(met_on, 12)
    assert deadline.statutory and deadline.status == DeadlineStatus.OPEN
    event = AuditEvent.objects.filter(object_type="duties.evidenceitem", object_id=str(evidence.pk)).get()
    assert event.action == AuditAction.CREATE
    assert {"met_on", "summary", "link", "obligation"} <= set(event.changed_fields)


def test_older_evidence_does_not_move_the_next_due_date_back(officer):
    obligation = ObligationFactory(cycle_months=12)
    recent = today() - timedelta(days=5)
    record_evidence(obligation, officer, met_on=recent)
    record_evidence(obligation, officer, met_on=recent - timedelta(days=300))
    obligation.refresh_from_db()
    assert obligation.last_met_on == recent


def test_evidence_with_a_document(officer):
    obligation = ObligationFactory()
    document = SimpleUploadedFile("minutes.pdf", PDF, content_type="application/pdf")
    evidence = services.evidence_record(
        actor=officer, obligation=obligation, met_on=today(), summary="Minutes", document=document
    )
    assert evidence.document_name == "minutes.pdf"
    assert not evidence.document.name.endswith("minutes.pdf")  # stored under a random name


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"met_on_days": -1}, "today or in the past"),
        ({"summary": "  "}, "Enter what was done"),
        ({"link": ""}, "Upload a document or enter a link"),
    ],
)
def test_evidence_refused(officer, kwargs, message):
    obligation = ObligationFactory()
    with pytest.raises(DutiesError, match=message):
        services.evidence_record(
            actor=officer,
            obligation=obligation,
            met_on=today() - timedelta(days=kwargs.get("met_on_days", 1)),
            summary=kwargs.get("summary", "Done"),
            link=kwargs.get("link", "https://www.example.invalid/"),
        )
    assert not EvidenceItem.objects.filter(obligation=obligation).exists()


def test_database_refuses_evidence_with_nothing_behind_it(officer):
    with pytest.raises(IntegrityError):
        EvidenceItem.objects.create(
            obligation=ObligationFactory(),
            met_on=today(),
            summary="x",
            recorded_by=officer,
            recorded_at="2026-01-01T00:00Z",
        )


def test_withdrawing_evidence_recomputes_the_dates(officer, settings):
    settings.DUTIES_REGISTER_STARTED_ON = today()
    obligation = ObligationFactory(cycle_months=12)
    older = record_evidence(obligation, officer, met_on=today() - timedelta(days=400))
    newer = record_evidence(obligation, officer, met_on=today() - timedelta(days=5))

    services.evidence_withdraw(actor=officer, evidence=newer, reason="Wrong obligation")

    obligation.refresh_from_db()
    assert obligation.last_met_on == older.met_on
    assert _status(obligation) == DutyStatus.OVERDUE
    newer.refresh_from_db()
    assert newer.is_withdrawn and newer.withdrawn_by == officer

    with pytest.raises(DutiesError, match="already been withdrawn"):
        services.evidence_withdraw(actor=officer, evidence=newer, reason="Again")
    with pytest.raises(DutiesError, match="why"):
        services.evidence_withdraw(actor=officer, evidence=older, reason=" ")

    services.evidence_withdraw(actor=officer, evidence=older, reason="Also wrong")
    obligation.refresh_from_db()
    # No evidence: due again on its first due date, a year after the register started.
    assert obligation.last_met_on is None and obligation.next_due_on == add_months(today(), 12)
    assert _status(obligation) == DutyStatus.NO_EVIDENCE
    assert list(
        Deadline.objects.filter(
            subject_type="duties.obligation", subject_id=obligation.pk, status=DeadlineStatus.OPEN
        ).values_list("due_date", flat=True)
    ) == [add_months(today(), 12)]


def test_admin_change_of_cycle_moves_the_next_due_date(officer, admin_user):
    obligation = ObligationFactory(cycle_months=12)
    met_on = today() - timedelta(days=30)
    record_evidence(obligation, officer, met_on=met_on)
    obligation.cycle_months = 36
    obligation.save()
    services.obligation_changed_by_admin(
        actor=admin_user, obligation=obligation, changed_fields=["cycle_months"]
    )
    obligation.refresh_from_db()
    assert obligation.next_due_on == add_months(met_on, 36)
    assert Deadline.objects.get(
        subject_type="duties.obligation", subject_id=obligation.pk, status=DeadlineStatus.OPEN
    ).due_date == add_months(met_on, 36)


def test_assessment_is_evidence_for_section_17_and_equality(officer, settings):
    settings.DUTIES_REGISTER_STARTED_ON = today()  # first due a year from now: met on time
    s17 = Obligation.objects.get(code=services.S17_OBLIGATION_CODE)
    equality = Obligation.objects.get(code=services.EQUALITY_OBLIGATION_CODE)

    assessment = make_assessment(officer, covers_equality=True, equality_impact="No adverse impact.")

    assert assessment.reference == f"IA-{today().year}-0001"
    s17.refresh_from_db()
    equality.refresh_from_db()
    assert s17.last_met_on == assessment.assessed_on
    assert equality.last_met_on == assessment.assessed_on
    assert _status(s17) == DutyStatus.MET

    values = {name: getattr(assessment, name) for name in services.ASSESSMENT_FIELDS}
    values.update(covers_equality=False, equality_impact="")
    services.assessment_update(actor=officer, assessment=assessment, **values)
    equality.refresh_from_db()
    assert equality.last_met_on is None  # the equality evidence was withdrawn
    assert EvidenceItem.objects.get(obligation=equality, assessment=assessment).is_withdrawn
    assert make_assessment(officer).reference == f"IA-{today().year}-0002"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"covers_crime_and_disorder": False}, "at least one kind"),
        ({"crime_disorder_implications": ""}, "crime and disorder implications"),
        ({"covers_equality": True}, "equality impact"),
        ({"assessed_on": today() + timedelta(days=1)}, "today or in the past"),
    ],
)
def test_assessment_refused(officer, overrides, message):
    with pytest.raises(DutiesError, match=message):
        make_assessment(officer, **overrides)


def test_administrator_edits_reference_data_in_the_admin_site(as_user, officer, admin_user):
    obligation = Obligation.objects.get(code="pja-scrutiny-review")
    met_on = today() - timedelta(days=20)
    record_evidence(obligation, officer, met_on=met_on)
    client = as_user(admin_user)
    assert client.get(f"/admin/duties/duty/{obligation.duty_id}/change/").status_code == 200
    response = client.post(
        f"/admin/duties/obligation/{obligation.pk}/change/",
        {
            "duty": obligation.duty_id,
            "code": obligation.code,
            "title": obligation.title,
            "description": obligation.description,
            "cycle_months": "6",
            "first_due_on": "",
            "prevent_area": "",
            "lead_officer": str(officer.pk),
            "display_order": "10",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    obligation.refresh_from_db()
    assert obligation.cycle_months == 6
    assert obligation.next_due_on == add_months(met_on, 6)
    deadline = Deadline.objects.get(
        subject_type="duties.obligation", subject_id=obligation.pk, status=DeadlineStatus.OPEN
    )
    assert list(deadline.responsible_users.all()) == [officer]
    event = AuditEvent.objects.filter(object_type="duties.obligation", action=AuditAction.CHANGE).latest("id")
    assert {"cycle_months", "lead_officer"} <= set(event.changed_fields)


def test_officers_cannot_use_the_admin_site(as_user, officer):
    assert as_user(officer).get("/admin/duties/duty/").status_code == 302
