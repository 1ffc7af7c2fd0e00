"""The record types beyond the first slice: Disruption Panel groups (anonymised once archived)
and Executive report versions (destroyed with their PDFs)."""

import datetime

import pytest
from django.core.files.base import ContentFile
from simple_history.utils import get_history_model_for_model

from partnerships.models import GroupStatus, Location, Nominal, OrganisedCrimeGroup
from partnerships.records import REMOVED
from somerset_safety.accounts.roles import Role
from somerset_safety.core.uploads import private_storage
from somerset_safety.records import registry, selectors, services
from somerset_safety.records.exceptions import RecordsError
from somerset_safety.records.models import ErasureLog, RetentionRule
from somerset_safety.reports.models import ExecutiveReport, ReportVersion, VersionStatus
from tests.factories import UserFactory
from tests.partnerships.factories import make_group

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2033, 6, 1)


@pytest.fixture
def records_manager(council_team):
    return UserFactory(agency=council_team, roles=[Role.RECORDS_MANAGER], full_name="Rita Records")


def _due(key):
    rule = RetentionRule.objects.get(record_type=key)
    return list(selectors.due_records(registry.record_type(key), rule, TODAY))


def test_default_rules_for_the_new_types():
    group = RetentionRule.objects.get(record_type="disruption_group")
    version = RetentionRule.objects.get(record_type="report_version")
    assert (group.period_months, group.trigger, group.action) == (72, "closed", "anonymise")
    assert (version.period_months, version.trigger, version.action) == (180, "created", "review")


@pytest.fixture
def group(police, today_is):
    today_is(datetime.date(2026, 3, 1))
    member = UserFactory(agency=police, roles=[Role.PANEL_MEMBER])
    group = make_group(
        member,
        name="Smith Brothers Line (synthetic)",
        operation_name="Operation Synthetic",
        line_names="SMITHY 07700 900000",
    )
    Nominal.objects.create(group=group, role="leader", full_name="Sam Smith (synthetic)", age=30)
    Location.objects.create(group=group, kind="trap_house", address="2 Synthetic Road", risk="high")
    return group


def _archive(group, on):
    OrganisedCrimeGroup.objects.filter(pk=group.pk).update(status=GroupStatus.ARCHIVED, status_changed_on=on)


def test_an_archived_group_is_due_six_years_after_archiving_and_a_live_one_never(group, today_is):
    today_is(TODAY)
    assert _due("disruption_group") == []
    _archive(group, datetime.date(2027, 6, 1))
    assert _due("disruption_group") == [group]
    _archive(group, datetime.date(2027, 6, 2))
    assert _due("disruption_group") == []


def test_anonymising_a_group_drops_its_people_and_places_and_keeps_its_reference(
    group, records_manager, today_is
):
    _archive(group, datetime.date(2027, 1, 1))
    today_is(TODAY)
    [log] = services.records_dispose(
        actor=records_manager, record_type_key="disruption_group", object_ids=[group.pk], action="anonymise"
    )
    group.refresh_from_db()
    assert (group.name, group.operation_name, group.line_names) == (group.reference, "", "")
    assert set(
        get_history_model_for_model(OrganisedCrimeGroup)
        .objects.filter(id=group.pk)
        .values_list("name", flat=True)
    ) == {group.reference}
    nominal = Nominal.objects.get(group=group)
    assert (nominal.full_name, nominal.age, nominal.role) == ("", 30, "leader")
    assert Location.objects.get(group=group).address == REMOVED
    assert (log.reference, log.action) == (group.reference, "anonymise")
    assert "Smith" not in " ".join(str(v) for v in ErasureLog.objects.values().get().values())
    with pytest.raises(RecordsError, match="can only be: anonymise"):
        services.records_dispose(
            actor=records_manager, record_type_key="disruption_group", object_ids=[group.pk], action="destroy"
        )


def test_destroying_a_report_version_removes_it_and_its_pdfs_and_keeps_the_report(
    officer, records_manager, today_is, django_capture_on_commit_callbacks
):
    today_is(datetime.date(2018, 2, 1))
    report = ExecutiveReport.objects.create(
        title="Community safety annual report",
        meeting="The Executive",
        meeting_date=datetime.date(2018, 3, 1),
        period_end=datetime.date(2017, 12, 31),
        created_by=officer,
    )
    versions = [
        ReportVersion.objects.create(
            report=report,
            number=number,
            snapshot={},
            content={},
            generated_by=officer,
            period_kind="quarter",
            period_start=datetime.date(2017, 10, 1),
            period_end=datetime.date(2017, 12, 31),
            status=VersionStatus.READY,
        )
        for number in (1, 2)
    ]
    old = versions[0]
    old.pdf.save("paper.pdf", ContentFile(b"%PDF-1.4 public"), save=False)
    old.confidential_pdf.save("exempt.pdf", ContentFile(b"%PDF-1.4 exempt"), save=False)
    old.save()
    names = [old.pdf.name, old.confidential_pdf.name]
    assert all(private_storage.exists(n) for n in names)
    today_is(TODAY)  # 15 years and 4 months later
    assert _due("report_version") == versions
    with django_capture_on_commit_callbacks(execute=True):
        [log] = services.records_dispose(
            actor=records_manager, record_type_key="report_version", object_ids=[old.pk], action="destroy"
        )
    assert list(ReportVersion.objects.filter(report=report)) == [versions[1]]
    assert not any(private_storage.exists(n) for n in names)
    assert (log.files_removed, log.rows_removed, log.reference) == (
        2,
        1,
        "Community safety annual report, version 1",
    )


def _due_on(key, day):
    rule = RetentionRule.objects.get(record_type=key)
    return list(selectors.due_records(registry.record_type(key), rule, day))


def test_subject_access_requests_are_kept_3_years_from_closure_then_destroyed_with_their_findings(
    records_manager, today_is, django_capture_on_commit_callbacks
):
    """Answered on 20 February 2027: due on 20 February 2030, not the day before. Withdrawn on
    1 March 2027: due on 1 March 2030. One still open is never due. Destroying the answered one
    takes its searches and its deadline with it; the erasure log keeps its reference."""
    from somerset_safety.deadlines.models import Deadline
    from somerset_safety.records.models import Regime, SarSearch, SubjectAccessRequest

    rule = RetentionRule.objects.get(record_type="subject_access_request")
    assert (rule.period_months, rule.trigger, rule.action) == (36, "closed", "review")
    today_is(datetime.date(2027, 2, 10))

    def request():
        return services.sar_create(
            actor=records_manager,
            regime=Regime.UK_GDPR,
            received_on=datetime.date(2027, 2, 1),
            handler=records_manager,
            subject_name="Sam Subject (synthetic)",
        )

    answered, withdrawn, still_open = request(), request(), request()
    services.sar_search(actor=records_manager, sar=answered)
    SubjectAccessRequest.objects.filter(pk=answered.pk).update(
        status="completed", completed_on=datetime.date(2027, 2, 20)
    )
    today_is(datetime.date(2027, 3, 1))
    services.sar_withdraw(actor=records_manager, sar=withdrawn, reason="No longer wanted (synthetic)")
    # Counted from the day it was withdrawn, whatever changes the record later.
    SubjectAccessRequest.objects.filter(pk=withdrawn.pk).update(
        updated_at=datetime.datetime(2028, 6, 1, 12, tzinfo=datetime.UTC)
    )

    assert _due_on("subject_access_request", datetime.date(2030, 2, 19)) == []
    assert _due_on("subject_access_request", datetime.date(2030, 2, 20)) == [answered]
    assert _due_on("subject_access_request", datetime.date(2030, 3, 1)) == [answered, withdrawn]
    assert still_open not in _due_on("subject_access_request", datetime.date(2099, 1, 1))

    today_is(datetime.date(2030, 2, 20))
    assert SarSearch.objects.filter(request_id=answered.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        [log] = services.records_dispose(
            actor=records_manager,
            record_type_key="subject_access_request",
            object_ids=[answered.pk],
            action="destroy",
        )
    assert not SubjectAccessRequest.objects.filter(pk=answered.pk).exists()
    assert not SarSearch.objects.filter(request_id=answered.pk).exists()
    assert not Deadline.objects.filter(
        subject_type="records.subjectaccessrequest", subject_id=answered.pk
    ).exists()
    assert log.reference == answered.reference


def test_a_marac_import_file_is_destroyed_by_the_nightly_run_a_year_after_upload(
    coordinator, today_is, django_capture_on_commit_callbacks
):
    """Uploaded on 5 January 2026: on 4 January 2027 it stays; on 5 January 2027 the nightly run
    (the rule says destroy, no review) deletes the job and removes its file from private storage;
    the erasure log names it by its system reference, never the file's name."""
    from partnerships.models import ImportJob

    rule = RetentionRule.objects.get(record_type="marac_import_file")
    assert (rule.period_months, rule.trigger, rule.action) == (12, "created", "destroy")
    today_is(datetime.date(2026, 1, 5))
    job = ImportJob(
        file_name="taunton-march.csv", sha256="0" * 64, uploaded_by=coordinator, status="imported"
    )
    job.file.save(
        "taunton-march.csv", ContentFile(b"referral_id,victim_name\nA1,Synthetic Person\n"), save=False
    )
    job.save()
    name = job.file.name
    reference = job.reference
    assert reference == f"IMPORT-{job.pk:06d}"

    today_is(datetime.date(2027, 1, 4))
    with django_capture_on_commit_callbacks(execute=True):
        services.disposal_run()
    assert ImportJob.objects.filter(pk=job.pk).exists() and private_storage.exists(name)

    today_is(datetime.date(2027, 1, 5))
    with django_capture_on_commit_callbacks(execute=True):
        services.disposal_run()
    assert not ImportJob.objects.filter(pk=job.pk).exists()
    assert not private_storage.exists(name)
    log = ErasureLog.objects.get(record_type="marac_import_file")
    assert (log.reference, log.action, log.approved_by, log.files_removed) == (reference, "destroy", None, 1)


def test_a_legal_hold_on_an_import_file_names_it_by_its_system_reference(
    coordinator, records_manager, today_is
):
    """The hold, and the refusal of a second one, say IMPORT-000012, never the file's name."""
    from partnerships.models import ImportJob

    today_is(datetime.date(2026, 1, 5))
    job = ImportJob.objects.create(
        file_name="taunton-march.csv", sha256="1" * 64, uploaded_by=coordinator, status="imported"
    )
    hold = services.hold_place(
        actor=records_manager,
        record_type_key="marac_import_file",
        object_id=job.pk,
        reason="Inquest (synthetic)",
        review_on=datetime.date(2026, 7, 1),
    )
    assert hold.reference == f"IMPORT-{job.pk:06d}"
    with pytest.raises(RecordsError, match=rf"^IMPORT-{job.pk:06d} already has a legal hold in force"):
        services.hold_place(
            actor=records_manager,
            record_type_key="marac_import_file",
            object_id=job.pk,
            reason="Again (synthetic)",
            review_on=datetime.date(2026, 7, 1),
        )
