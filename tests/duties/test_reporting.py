"""Appendix 1 of the Executive report, the dashboard panel and the register CSV, against
figures worked out by hand from a small register."""

import csv
import datetime as dt
import io
import json
import re
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from duties import services
from duties.models import Duty
from duties.selectors import duties_appendix, duties_status_panel
from somerset_safety.audit.models import AuditAction, AuditEvent
from somerset_safety.core.dates import add_months, today
from somerset_safety.reports.models import ReportVersion, VersionStatus
from somerset_safety.reports.registry import dashboard_panels, report_sections
from tests.reports.helpers import report_form

from .factories import DutyFactory, ObligationFactory, make_notification

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NAME_IN_SUMMARY = "Signed off by Priya Personal"


def _evidence(officer, obligation, months_ago, *, document=False, summary=NAME_IN_SUMMARY):
    return services.evidence_record(
        actor=officer,
        obligation=obligation,
        met_on=add_months(today(), -months_ago),
        summary=summary,
        document=SimpleUploadedFile("evidence.pdf", PDF) if document else None,
        link="" if document else "https://www.example.invalid/evidence",
    )


@pytest.fixture
def register(officer, settings):
    """Five duties worked out by hand (due soon window 60 days, cycles of 12 months):

    Alpha   met 2 months ago, next due in 10 months                     → met
    Bravo   met 11 months ago (next due in about a month); newer
            evidence withdrawn, so the 11-month-old item is the latest  → due soon
    Charlie one obligation met 14 months ago (overdue), another met
            1 month ago (the latest evidence)                           → overdue
    Delta   an obligation with no evidence                              → no evidence
    Echo    no obligations at all                                       → no evidence
    Repealed (inactive)                                                 → not in the register
    Counts: overdue 1, no evidence 2, due soon 1, met 1; 5 duties.
    """
    settings.DUTIES_DUE_SOON_DAYS = 60
    Duty.objects.update(active=False)  # the reference register, so the figures are ours alone

    def duty(title, order, **kwargs):
        return DutyFactory(
            title=title,
            display_order=order,
            act=f"{title} Act 2001",
            section=f"Section {order}",
            owner=f"{title} owner post",
            partnership_body=f"{title} board",
            **kwargs,
        )

    alpha, bravo, charlie, delta = (
        duty(t, n) for n, t in enumerate(["Alpha", "Bravo", "Charlie", "Delta"], 1)
    )
    duty("Echo", 5)
    repealed = duty("Repealed", 6, active=False)
    _evidence(officer, ObligationFactory(duty=alpha, title="Alpha plan"), 2)
    bravo_ob = ObligationFactory(duty=bravo, title="Bravo assessment")
    _evidence(officer, bravo_ob, 11, document=True)
    wrong = _evidence(officer, bravo_ob, 1)
    services.evidence_withdraw(actor=officer, evidence=wrong, reason="Recorded against the wrong duty")
    _evidence(officer, ObligationFactory(duty=charlie, title="Charlie strategy"), 14)
    _evidence(officer, ObligationFactory(duty=charlie, title="Charlie meeting"), 1)
    ObligationFactory(duty=delta, title="Delta return")
    _evidence(officer, ObligationFactory(duty=repealed, title="Repealed return"), 1)
    make_notification(officer, person_name="Synthetic Victim Name")


# --- Appendix 1 ----------------------------------------------------------------------------------


def test_appendix_lists_every_duty_with_status_and_latest_evidence_worked_by_hand(register):
    data = duties_appendix(today())
    t = today()
    assert data["total"] == 5
    assert data["as_of"] == t.isoformat()
    assert [(c["label"], c["count"]) for c in data["counts"]] == [
        ("Overdue", 1),
        ("Due soon", 1),
        ("No evidence", 2),
        ("Met, but late last time", 0),
        ("Met", 1),
    ]
    rows = {row["label"]: row for row in data["duties"]}
    assert [row["label"] for row in data["duties"]] == ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]
    assert {label: row["status"] for label, row in rows.items()} == {
        "Alpha": "met",
        "Bravo": "due_soon",
        "Charlie": "overdue",
        "Delta": "no_evidence",
        "Echo": "no_evidence",
    }
    assert rows["Alpha"]["evidence_date"] == add_months(t, -2).isoformat()
    assert rows["Alpha"]["evidence"] == "Alpha plan (link)"
    assert rows["Bravo"]["evidence_date"] == add_months(t, -11).isoformat()  # not the withdrawn item
    assert rows["Bravo"]["evidence"] == "Bravo assessment (document)"
    assert rows["Charlie"]["evidence_date"] == add_months(t, -1).isoformat()
    assert rows["Charlie"]["evidence"] == "Charlie meeting (link)"
    assert rows["Delta"]["evidence_date"] is None and rows["Delta"]["evidence"] == "None recorded"
    assert rows["Alpha"]["act"] == "Alpha Act 2001" and rows["Alpha"]["section"] == "Section 1"
    assert rows["Alpha"]["owner"] == "Alpha owner post"
    assert rows["Alpha"]["partnership_body"] == "Alpha board"


def test_status_is_judged_on_the_report_date(register):
    """The same register judged a year on: everything with evidence is overdue by then."""
    later = duties_appendix(add_months(today(), 13))
    assert {row["label"]: row["status"] for row in later["duties"]} == {
        "Alpha": "overdue",
        "Bravo": "overdue",
        "Charlie": "overdue",
        "Delta": "no_evidence",
        "Echo": "no_evidence",
    }


def test_snapshot_is_plain_json_without_personal_data(register, officer):
    for build in (duties_appendix, duties_status_panel):
        data = build(today())
        text = json.dumps(data)  # a stored snapshot must survive JSON unchanged
        assert json.loads(text) == data
        for personal in ("Priya Personal", officer.full_name, "Synthetic Victim Name", "Repealed"):
            assert personal not in text


def test_duties_are_registered_with_the_report_and_the_dashboard():
    appendix = {s.key: s for s in report_sections()}["duties_appendix"]
    assert appendix.appendix and appendix.title == "Statutory duties"
    panel = {p.key: p for p in dashboard_panels()}["duties_status"]
    assert panel.title == "Statutory duties by status"


def test_preview_shows_appendix_1_numbered_in_the_council_style(register, as_user, officer, partnership_lead):
    report = _create_report(as_user(officer))
    for user in (officer, partnership_lead):
        page = as_user(user).get(reverse("reports:report_preview", args=[report.pk])).content.decode()
        assert "Appendix 1 — Statutory duties" in page
        assert (
            "A1.1</span> On " in page
            and "held 5 statutory duties: 1 overdue, 1 due soon, 2 no evidence, 0 met but late last time and 1 met on time."
            in page
        )
        assert "Note: Each duty takes the status of its most urgent obligation" in page
        assert "Charlie Act 2001, Section 3" in page and "Charlie meeting (link)" in page
        assert "Priya Personal" not in page and "Synthetic Victim Name" not in page


# --- Dashboard panel ------------------------------------------------------------------------------


def test_status_panel_counts_worked_by_hand(register):
    data = duties_status_panel(today())
    assert data["total"] == 5
    assert data["chart_labels"] == ["Overdue", "Due soon", "No evidence", "Met, but late last time", "Met"]
    assert data["chart_series"] == {"Duties": [1, 1, 2, 0, 1]}
    assert data["chart_alt"] == (
        "Bar chart of statutory duties by status: overdue 1, due soon 1, no evidence 2, "
        "met, but late last time 0, met 1."
    )


def _panel(html: str) -> str:
    start = html.index('id="panel-duties_status"')
    return html[start : html.index("</section>", start)]


@pytest.mark.parametrize("persona", ["officer", "partnership_lead"])
def test_dashboard_panel_links_to_the_register_for_readers(request, register, as_user, persona):
    user = request.getfixturevalue(persona)
    panel = _panel(as_user(user).get(reverse("reports:dashboard")).content.decode())
    register_url = reverse("duties:register")
    assert "Statutory duties by status" in panel
    assert f'href="{register_url}"' in panel
    assert f'href="{register_url}?status=no_evidence">No evidence</a>' in panel
    # Counts of duties, not people: a lead sees them exactly, not "fewer than 5".
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">2</td>' in panel
    assert "fewer than" not in panel
    assert 'alt="Bar chart of statutory duties by status: overdue 1' in panel
    assert "Priya Personal" not in panel and "Synthetic Victim Name" not in panel


def test_dashboard_panel_has_no_link_for_roles_that_cannot_open_the_register(register, as_user, coordinator):
    client = as_user(coordinator)
    panel = _panel(client.get(reverse("reports:dashboard")).content.decode())
    assert (
        "Statutory duties by status" in panel
        and '<th scope="row" class="govuk-table__header">Overdue</th>' in panel
    )
    assert reverse("duties:register") not in panel
    assert client.get(reverse("duties:register")).status_code == 403


# --- CSV -----------------------------------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.mark.parametrize("persona", ["officer", "partnership_lead"])
def test_register_csv_for_readers_is_a_logged_disclosure(request, register, as_user, persona):
    user = request.getfixturevalue(persona)
    response = as_user(user).get(reverse("duties:register_csv"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="OFFICIAL-SENSITIVE-')
    rows = _csv(response)
    assert rows[0] == ["OFFICIAL-SENSITIVE"]
    assert rows[1] == [
        "Duty",
        "Act",
        "Section",
        "Owner",
        "Partnership body",
        "Status",
        "Next due",
        "Latest evidence date",
        "Latest evidence",
    ]
    body = {row[0]: row for row in rows[2:]}
    assert list(body) == ["Charlie", "Bravo", "Delta", "Echo", "Alpha"]  # most urgent first, as the page
    assert body["Charlie"][5] == "Overdue"
    assert body["Charlie"][7:] == [add_months(today(), -1).isoformat(), "Charlie meeting (link)"]
    assert body["Alpha"][6] == add_months(today(), 10).isoformat()
    assert body["Echo"][6:] == ["", "", "None recorded"]
    text = response.content.decode()
    assert "Priya Personal" not in text and "Synthetic Victim Name" not in text and "Repealed" not in text
    assert user.full_name not in text
    event = AuditEvent.objects.get(action=AuditAction.DISCLOSE, object_type="duties.duty")
    assert event.actor_id == user.pk
    assert event.detail["rows"] == 5 and event.detail["format"] == "csv"


def test_register_csv_follows_the_filters_on_the_page(register, as_user, officer):
    client = as_user(officer)
    page = client.get(reverse("duties:register"), {"status": "no_evidence"}).content.decode()
    assert f'href="{reverse("duties:register_csv")}?status=no_evidence"' in page
    rows = _csv(client.get(reverse("duties:register_csv"), {"status": "no_evidence"}))
    assert [row[0] for row in rows[2:]] == ["Delta", "Echo"]
    event = AuditEvent.objects.get(action=AuditAction.DISCLOSE, object_type="duties.duty")
    assert event.detail["filters"] == {"status": "no_evidence"}


def test_register_csv_neutralises_formula_cells(register, as_user, officer):
    DutyFactory(
        title='=HYPERLINK("http://example.invalid")',
        act="+44 1823 000000",
        section="-2+3",
        owner="@SUM(A1)",
        partnership_body="\tTabbed board",
    )
    rows = _csv(as_user(officer).get(reverse("duties:register_csv")))
    row = next(r for r in rows if "HYPERLINK" in r[0])
    assert row[:5] == [
        '\'=HYPERLINK("http://example.invalid")',
        "'+44 1823 000000",
        "'-2+3",
        "'@SUM(A1)",
        "'\tTabbed board",
    ]


@pytest.mark.parametrize("persona", ["coordinator", "agency_rep", "review_chair", "auditor", "admin_user"])
def test_register_csv_refused_to_roles_that_cannot_see_the_register(request, register, as_user, persona):
    response = as_user(request.getfixturevalue(persona)).get(reverse("duties:register_csv"))
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.DISCLOSE, object_type="duties.duty").exists()


def test_register_csv_sends_an_anonymous_visitor_to_sign_in(client):
    response = client.get(reverse("duties:register_csv"))
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


# --- Query counts do not grow with the register ---------------------------------------------------


@pytest.mark.parametrize("extra", [1, 15])
def test_query_counts_are_fixed(
    register, officer, as_user, extra, django_assert_num_queries, django_assert_max_num_queries
):
    for n in range(extra):
        duty = DutyFactory(display_order=10 + n)
        _evidence(officer, ObligationFactory(duty=duty), n % 15)
        ObligationFactory(duty=duty)
    with django_assert_num_queries(1):
        duties_status_panel(today())
    # The register and its evidence, then the evidence other records hold: the obligations it
    # evidences and one query per source (DHR clocks, duty-to-notify records).
    with django_assert_num_queries(5):
        data = duties_appendix(today())
    assert data["total"] == 5 + extra
    client = as_user(officer)
    client.get(reverse("duties:register"))  # warm the session
    # session, user, second factor, roles, three filter choice lists, the register, its
    # evidence, the evidence other records hold (three), the audit chain (and its lock on
    # PostgreSQL) and the session save.
    with django_assert_max_num_queries(21):
        assert client.get(reverse("duties:register_csv")).status_code == 200


# --- The generated PDF ----------------------------------------------------------------------------

REPORT = {
    "title": "Community safety annual report (synthetic)",
    "meeting": "Executive",
    "meeting_date": dt.date(2027, 1, 20),
    "decision_body": "Executive",
    "lead_officer": "Director of Public Health (synthetic)",
    "author_and_contact": "Community safety manager (synthetic)",
    "cabinet_member": "Cabinet member for communities (synthetic)",
    "division_and_local_member": "All",
    "key_decision": "False",
    "publication": "public",
    "summary": "The partnership met most of its duties.",
}


def _create_report(client):
    from somerset_safety.reports.models import ExecutiveReport

    response = client.post(
        reverse("reports:report_create"),
        report_form(REPORT, period_end=today(), meeting_date=add_months(today(), 1)),
    )
    assert response.status_code == 302, response.content[:2000]
    return ExecutiveReport.objects.get()


def test_generated_pdf_carries_appendix_1_and_keeps_its_figures(
    register, officer, as_user, tmp_path, django_capture_on_commit_callbacks
):
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils is not installed")
    client = as_user(officer)
    report = _create_report(client)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:report_generate", args=[report.pk]))
    version = ReportVersion.objects.get()
    assert version.status == VersionStatus.READY, version.error
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(version.pdf.read())
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    appendix = flat[flat.index("Appendix 1 — Statutory duties") :]
    assert "A1.1 On " in appendix
    assert (
        "held 5 statutory duties: 1 overdue, 1 due soon, 2 no evidence, 0 met but late last time and 1 met on time."
        in appendix
    )
    for expected in ("Alpha", "Charlie Act 2001", "Delta board", "Echo owner post", "Overdue", "Due soon"):
        assert expected in appendix, expected
    charlie_met = add_months(today(), -1)
    assert f"{charlie_met.day} {charlie_met:%B %Y}" in appendix
    assert "Charlie meeting (link)" in appendix
    for personal in ("Priya Personal", "Synthetic Victim Name", "Repealed"):
        assert personal not in flat

    # The version keeps its figures when the register changes afterwards.
    delta_ob = Duty.objects.get(title="Delta").obligations.get()
    _evidence(officer, delta_ob, 0)
    version.refresh_from_db()
    assert version.snapshot["duties_appendix"]["counts"][2] == {
        "status": "no_evidence",
        "label": "No evidence",
        "phrase": "no evidence",
        "count": 2,
    }
    assert duties_appendix(today())["counts"][2]["count"] == 1


def test_an_appendix_longer_than_a_page_still_gives_a_tagged_pdf(
    register, officer, as_user, django_capture_on_commit_callbacks, caplog, tmp_path
):
    for n in range(30):
        DutyFactory(
            title=f"Long register duty {n}",
            section="Section 22 and Schedule 9; Crime and Disorder (Formulation and Implementation of "
            "Strategy) Regulations 2007",
            display_order=20 + n,
        )
    client = as_user(officer)
    report = _create_report(client)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:report_generate", args=[report.pk]))
    version = ReportVersion.objects.get()
    assert version.status == VersionStatus.READY
    assert version.snapshot["duties_appendix"]["total"] == 35
    assert "Tagged PDF failed" not in caplog.text
    if shutil.which("pdfinfo"):
        pdf = tmp_path / "long.pdf"
        pdf.write_bytes(version.pdf.read())
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE), info  # not the untagged fallback
