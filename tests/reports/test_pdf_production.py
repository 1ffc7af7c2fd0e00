"""The PDFs as production makes them: DEBUG off, static files collected by collectstatic into
the compressed manifest storage (hashed names), and no source folders for the finders to fall
back on. The paper (with its statutory duties appendix), the confidential appendix and the DHR
tracker export are each read back with pdfinfo and pdftotext."""

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from somerset_safety.reports.models import ReportVersion, VersionStatus
from somerset_safety.reports.services import report_create, report_version_generate
from tests.partnerships.factories import MaracAreaFactory, ReferralFactory
from tests.reviews.factories import make_notification, make_review

from .pdf_checks import assert_proper_pdf, require_poppler

PRODUCTION_STORAGE = {"BACKEND": django_settings.PRODUCTION_STATICFILES_BACKEND}
REPORT = {
    "title": "Community safety annual report (synthetic)",
    "meeting": "Executive",
    "meeting_date": dt.date(2026, 12, 9),
    "decision_body": "Executive",
    "lead_officer": "Director of Public Health (synthetic)",
    "author_and_contact": "Community safety manager (synthetic), 01823 000000",
    "cabinet_member": "Cabinet member for communities (synthetic)",
    "division_and_local_member": "All",
    "key_decision": False,
    "publication": "exempt",
    "period_end": dt.date(2026, 9, 30),
    "period_kind": "quarter",
    "summary": "The partnership met its duties this year (synthetic).\n\n" * 12,
    "issues_for_consideration": "The Executive is asked to note the report.",
    "exempt_information": "Commercially sensitive contract figure (synthetic).",
}


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """collectstatic with the production storage, once per test run."""
    root = tmp_path_factory.mktemp("staticfiles")
    with override_settings(STATIC_ROOT=root, STORAGES={"staticfiles": PRODUCTION_STORAGE}):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


@pytest.fixture
def production(settings, collected_static):
    require_poppler()
    settings.DEBUG = False
    settings.STATIC_ROOT = collected_static
    settings.STORAGES = {**settings.STORAGES, "staticfiles": PRODUCTION_STORAGE}
    # Nothing to fall back on: only the collected, hashed files exist.
    settings.STATICFILES_DIRS = []
    return collected_static


@pytest.fixture
def some_figures(officer):
    make_review(officer, decided_on=dt.date(2026, 2, 10))
    make_notification(officer, notified_on=dt.date(2026, 10, 20))
    area = MaracAreaFactory(code="PDFAREA", name="PDF MARAC (synthetic)", adult_female_population=20000)
    for day in range(1, 9):
        ReferralFactory(area=area, status="heard", heard_date=dt.date(2026, 9, day))


@pytest.mark.django_db
def test_the_paper_and_its_appendices_in_production(
    production, officer, some_figures, tmp_path, django_capture_on_commit_callbacks
):
    report = report_create(actor=officer, data=REPORT)
    with django_capture_on_commit_callbacks(execute=True):
        version = report_version_generate(actor=officer, report=report)
    version.refresh_from_db()
    assert version.status == VersionStatus.READY, version.error

    paper = tmp_path / "paper.pdf"
    paper.write_bytes(version.pdf.read())
    texts = assert_proper_pdf(paper, header=f"{REPORT['title']} — Executive — version 1")
    whole = "\n".join(texts)
    assert "Appendix 1 — Statutory duties" in whole
    assert "Statutory duties, their status and latest evidence" in whole  # the register's table
    assert "Commercially sensitive" not in whole
    # Without the detailed appendices asked for, only the CSV goes with the paper.
    assert list(version.attachments.values_list("file_name", flat=True)) == ["marac-areas.csv"]
    assert "marac-areas.pdf" not in whole

    confidential = tmp_path / "confidential.pdf"
    confidential.write_bytes(version.confidential_pdf.read())
    ctexts = assert_proper_pdf(confidential, header="CONFIDENTIAL — exempt information (Part II)")
    assert "Commercially sensitive contract figure" in "\n".join(ctexts)


@pytest.mark.django_db
def test_the_detailed_figures_are_published_as_a_pdf_appendix_when_the_report_asks(
    production, officer, some_figures, tmp_path, django_capture_on_commit_callbacks
):
    report = report_create(actor=officer, data={**REPORT, "detailed_appendices": True})
    with django_capture_on_commit_callbacks(execute=True):
        version = report_version_generate(actor=officer, report=report)
    version.refresh_from_db()
    assert version.status == VersionStatus.READY, version.error
    files = {a.file_name: a for a in version.attachments.order_by("position")}
    assert list(files) == ["marac-areas.csv", "marac-areas.pdf"]
    assert files["marac-areas.pdf"].title == "MARAC figures for every area (PDF)"

    paper = tmp_path / "paper.pdf"
    paper.write_bytes(version.pdf.read())
    listed = " ".join(
        "\n".join(assert_proper_pdf(paper, header=f"{REPORT['title']} — Executive — version 1")).split()
    )
    assert "MARAC figures for every area (PDF) (marac-areas.pdf, published with this paper)" in listed

    appendix = tmp_path / "areas.pdf"
    appendix.write_bytes(files["marac-areas.pdf"].file.read())
    texts = assert_proper_pdf(
        appendix, header=f"MARAC figures for every area (PDF) — {REPORT['title']} — version 1"
    )
    flat = " ".join("\n".join(texts).split())
    # The area's 8 cases heard in September 2026, in 20,000 women: 4.0 per 10,000.
    assert "PDF MARAC (synthetic) (PDFAREA): 12 months to 30 September 2026" in flat
    assert "Cases discussed 8 None published" in flat
    assert "Cases per 10,000 women aged 16 and 4.0 SafeLives recommends 40" in flat  # the label wraps
    assert "1 October 2025 to 30 September 2026" in flat


@pytest.mark.django_db
def test_the_tracker_pdf_in_production(production, officer, as_user, some_figures, tmp_path):
    response = as_user(officer).get(reverse("reviews:tracker_pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    tracker = tmp_path / "tracker.pdf"
    tracker.write_bytes(response.content)
    texts = assert_proper_pdf(tracker, header="OFFICIAL-SENSITIVE — Domestic Homicide Reviews tracker")
    assert "DHR-" in "\n".join(texts)


@pytest.mark.django_db
def test_a_stylesheet_that_does_not_load_fails_the_version_with_a_message_and_a_retry(
    production, officer, as_user, some_figures, django_capture_on_commit_callbacks
):
    """As when collectstatic has not been run since the stylesheet changed: never 'ready'."""
    report = report_create(actor=officer, data=REPORT)
    stylesheet = next(production.glob("css/report-pdf.*.css"))
    kept = stylesheet.read_bytes()
    stylesheet.unlink()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            version = report_version_generate(actor=officer, report=report)
        version.refresh_from_db()
        assert version.status == VersionStatus.FAILED
        assert "css/report-pdf." in version.error and "collectstatic" in version.error
        assert not version.pdf
        client = as_user(officer)
        page = client.get(reverse("reports:version_detail", args=[report.pk, 1])).content.decode()
        assert "could not be made" in page and "css/report-pdf." in page and "Try again" in page
        assert client.get(reverse("reports:version_pdf", args=[report.pk, 1])).status_code == 404
    finally:
        stylesheet.write_bytes(kept)

    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(officer).post(reverse("reports:version_retry", args=[report.pk, 1]))
    assert response.status_code == 302
    version = ReportVersion.objects.get(pk=version.pk)
    assert version.status == VersionStatus.READY and version.error == ""
    assert ReportVersion.objects.count() == 1  # the same version, drawn from the same snapshot
