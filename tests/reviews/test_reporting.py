"""The DHR section of the Executive report and the partnership dashboard, and the tracker's
CSV and PDF exports. Figures are checked against numbers worked out by hand from `position`.

On 1 November 2026 (the reviews tests' today):
- awaiting decision: A1 notified 20 Oct (due 20 Nov: on track), A2 notified 15 Sep (due 15 Oct: overdue);
- decision made: R1 decided 10 Feb (due 10 Aug: overdue), R2 decided 10 May (due 10 Nov: within
  14 days), R3 decided 1 Jun, paused since 1 Sep (paused: its new date is set when the pause ends);
- submitted: R4 decided 10 Feb and submitted in February (met on time);
- a notification decided "no review" (not counted).
Recommendations (all on R4): police local done, police national half done, housing regional with no
actions, housing local done, police local done → police 2 of 3 (67%), housing 1 of 2 (50%), all 3
of 5 (60%); local 3 of 3 (100%), regional 0 of 1, national 0 of 1.
"""

import csv
import io
import shutil
import subprocess
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews import services
from reviews.selectors import dhr_position
from somerset_safety.accounts.models import Agency
from somerset_safety.audit.models import AuditAction, AuditEvent
from somerset_safety.reports.models import ExecutiveReport, ReportVersion, VersionStatus
from tests.reports.helpers import report_form

from .factories import advance_to, complete_action, make_notification, make_review

TODAY = date(2026, 11, 1)
REAL_NAME = "Victoria Realname (synthetic)"
PSEUDONYMS = ["Pseudo Alpha", "Pseudo Bravo", "Pseudo Charlie", "Pseudo Delta"]
FORMULA = '=HYPERLINK("http://example.invalid","x")'


@pytest.fixture
def on_today():
    with time_machine.travel(datetime(2026, 11, 1, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield TODAY


def _recommendation(officer, review, agency_code, scope, actions):
    rec = services.recommendation_add(
        actor=officer,
        review=review,
        scope=scope,
        owning_agency=Agency.objects.get(code=agency_code),
        text=f"{scope} recommendation for {agency_code}",
    )
    for complete in actions:
        action = services.action_add(
            actor=officer,
            recommendation=rec,
            description="Do the thing",
            lead_officer="Safeguarding lead",
            target_date=date(2026, 12, 1),
        )
        if complete:
            complete_action(
                officer,
                action,
                completed_on=date(2026, 10, 1),
                evidence="Audit of 20 cases shows the new practice in use.",
            )
    return rec


@pytest.fixture
def position(officer):
    make_notification(officer, notified_on=date(2026, 10, 20), date_of_death=date(2026, 10, 10))
    make_notification(
        officer, notified_on=date(2026, 9, 15), date_of_death=date(2026, 9, 1), victim_pseudonym=FORMULA
    )
    no_review = make_notification(officer, notified_on=date(2026, 3, 1), date_of_death=date(2026, 2, 20))
    services.notification_decide(
        actor=officer,
        notification=no_review,
        decision="no_review",
        decision_date=date(2026, 3, 20),
        decision_maker="CSP chair (synthetic)",
        rationale="Not in scope (synthetic).",
    )
    r1 = make_review(officer, victim_pseudonym=PSEUDONYMS[0])
    make_review(
        officer,
        notified_on=date(2026, 4, 20),
        date_of_death=date(2026, 4, 1),
        decided_on=date(2026, 5, 10),
        victim_pseudonym=PSEUDONYMS[1],
    )
    r3 = make_review(
        officer,
        notified_on=date(2026, 5, 20),
        date_of_death=date(2026, 5, 1),
        decided_on=date(2026, 6, 1),
        victim_pseudonym=PSEUDONYMS[2],
    )
    services.pause_start(actor=officer, review=r3, reason="criminal_trial", started_on=date(2026, 9, 1))
    r4 = make_review(officer, victim_pseudonym=PSEUDONYMS[3])
    advance_to(r4, "submitted", officer)
    _recommendation(officer, r4, "POLICE", "local", [True])
    _recommendation(officer, r4, "POLICE", "national", [True, False])
    _recommendation(officer, r4, "HOUSING", "regional", [])
    _recommendation(officer, r4, "HOUSING", "local", [True])
    _recommendation(officer, r4, "POLICE", "local", [True])
    return {"r1": r1, "r3": r3, "r4": r4}


def _row(data, key):
    return next(row for row in data["stages"] if row["key"] == key)


@pytest.mark.django_db
def test_position_against_hand_worked_figures(position):
    data = dhr_position(TODAY)
    assert [row["key"] for row in data["stages"]] == ["awaiting_decision", "decision_made", "submitted"]
    assert _row(data, "awaiting_decision") == {
        "key": "awaiting_decision",
        "label": "Awaiting decision",
        "total": 2,
        "on_track": 1,
        "due_soon": 0,
        "overdue": 1,
        "paused": 0,
        "met_on_time": 0,
        "met_late": 0,
    }
    assert _row(data, "decision_made") == {
        "key": "decision_made",
        "label": "Decision made",
        "total": 3,
        "on_track": 0,
        "due_soon": 1,
        "overdue": 1,
        "paused": 1,
        "met_on_time": 0,
        "met_late": 0,
    }
    submitted = _row(data, "submitted")
    assert (submitted["total"], submitted["met_on_time"], submitted["met_late"], submitted["overdue"]) == (
        1,
        1,
        0,
        0,
    )
    assert data["totals"] == {
        "total": 6,
        "on_track": 1,
        "due_soon": 1,
        "overdue": 2,
        "paused": 1,
        "met_on_time": 1,
        "met_late": 0,
    }
    assert (data["reviews"], data["open_reviews"], data["due_soon_days"]) == (4, 4, 14)

    recs = data["recommendations"]
    assert (recs["total"], recs["implemented"], recs["percent"]) == (5, 3, 60)
    assert [(a["label"], a["total"], a["implemented"], a["percent"]) for a in recs["by_agency"]] == [
        ("Avon and Somerset Constabulary", 3, 2, 67),
        ("Housing services", 2, 1, 50),
    ]
    assert [(s["key"], s["total"], s["implemented"], s["percent"]) for s in recs["by_scope"]] == [
        ("local", 3, 3, 100),
        ("regional", 1, 0, 0),
        ("national", 1, 0, 0),
    ]


@pytest.mark.django_db
def test_clock_boundaries_and_a_pause_that_has_ended(officer, position):
    # R3's pause ends on 1 October: 31 paused days, so due 2 January 2027 (on track again).
    services.pause_end(actor=officer, pause=position["r3"].pauses.get(), ended_on=date(2026, 10, 1))
    data = dhr_position(TODAY)
    assert (_row(data, "decision_made")["paused"], _row(data, "decision_made")["on_track"]) == (0, 1)
    # On 10 August R1 is due that very day (within 14 days, not overdue); on 11 August it is overdue.
    assert dhr_position(date(2026, 8, 10))["totals"]["overdue"] == 0
    assert _row(dhr_position(date(2026, 8, 11)), "decision_made")["overdue"] == 1
    # The completion clock is met from the first submission, not before.
    # The completion clock is met from the first submission, not before.
    assert _row(dhr_position(date(2026, 2, 11)), "submitted")["met_on_time"] == 0


@pytest.mark.django_db
def test_position_is_aggregate_only_and_json_ready(position):
    import json

    text = json.dumps(dhr_position(TODAY))
    for secret in [REAL_NAME, *PSEUDONYMS, "DHR-", "HYPERLINK"]:
        assert secret not in text


@pytest.mark.django_db
def test_no_recommendations_and_no_reviews():
    data = dhr_position(TODAY)
    assert data["stages"] == [] and data["totals"]["total"] == 0
    assert data["recommendations"]["percent"] is None
    assert [s["percent"] for s in data["recommendations"]["by_scope"]] == [None, None, None]


def _more_reviews(officer, count):
    for i in range(count):
        review = make_review(officer, victim_pseudonym=f"Extra {i}")
        services.pause_start(actor=officer, review=review, reason="inquest", started_on=date(2026, 10, 1))
        _recommendation(officer, review, "HOUSING", "regional", [True, False])


@pytest.mark.django_db
def test_position_runs_two_queries_whatever_the_volume(officer, position, django_assert_num_queries):
    # The notifications awaiting decision or with a review, with both clocks; the recommendations.
    with django_assert_num_queries(2):
        dhr_position(TODAY)
    _more_reviews(officer, 6)
    with django_assert_num_queries(2):
        data = dhr_position(TODAY)
    assert data["reviews"] == 10 and data["recommendations"]["total"] == 11


# --- The dashboard ------------------------------------------------------------------------------


def _dhr_panel(html: str) -> str:
    start = html.index('id="panel-dhr"')
    end = html.find("<section", start)
    return html[start : end if end != -1 else len(html)]


@pytest.mark.django_db
def test_officer_sees_exact_figures_with_links(officer, as_user, position, on_today):
    html = as_user(officer).get(reverse("reports:dashboard")).content.decode()
    panel = _dhr_panel(html)
    assert "Domestic Homicide Reviews" in html
    assert "4 reviews on record (4 still open) and 2 notifications awaiting a decision" in panel
    assert (
        "2 are overdue</a>, 1 is due within 14 days, 1 has met the clock on time and 0 have met it late."
        in panel
    )
    assert '<a class="govuk-link" href="/reviews/?clock=paused">1 review is paused</a>' in panel
    assert "3 of 5 DHR recommendations</a> (60%) have been implemented with evidence" in panel
    assert f'href="{reverse("reviews:tracker")}?clock=stage_overdue"' in panel
    assert f'href="{reverse("reviews:tracker")}?stage=decision_made">Decision made</a>' in panel
    police = Agency.objects.get(code="POLICE")
    assert f'href="{reverse("reviews:register")}?owning_agency={police.pk}"' in panel
    assert "67%" in panel and "local 3 of 3 (100%)" in panel
    assert '<img src="data:image/svg+xml;base64,' in panel  # the chart, beside its table
    assert "by owning agency</caption>" in panel
    for secret in [REAL_NAME, *PSEUDONYMS, "HYPERLINK"]:
        assert secret not in html


@pytest.mark.django_db
def test_lead_sees_review_counts_as_they_are_and_no_personal_data(
    partnership_lead, as_user, position, on_today
):
    # Reviews are records the lead may list in the tracker: the accountable board is told
    # how many there are, not "fewer than 5".
    html = as_user(partnership_lead).get(reverse("reports:dashboard")).content.decode()
    panel = _dhr_panel(html)
    assert "fewer than" not in panel and "not shown" not in panel
    assert "4 reviews on record" in panel
    # Counts of zero are not small counts; recommendations are not people or cases.
    assert "3 of 5 DHR recommendations" in panel
    # Leads may open the tracker and register, so the figures link to them.
    assert "?clock=stage_overdue" in panel
    for secret in [REAL_NAME, *PSEUDONYMS, "HYPERLINK", "DHR-"]:
        assert secret not in html


@pytest.mark.django_db
def test_coordinator_gets_no_links_to_pages_they_cannot_open(coordinator, as_user, position, on_today):
    panel = _dhr_panel(as_user(coordinator).get(reverse("reports:dashboard")).content.decode())
    assert "2 are overdue" in panel  # coordinators see small counts
    assert reverse("reviews:tracker") not in panel and reverse("reviews:register") not in panel


@pytest.mark.django_db
def test_dashboard_link_targets_show_the_counted_reviews(officer, as_user, position, on_today):
    client = as_user(officer)
    overdue = client.get(reverse("reviews:tracker"), {"clock": "stage_overdue"}).content.decode()
    assert "2 notifications</caption>" in overdue
    paused = client.get(reverse("reviews:tracker"), {"clock": "paused"}).content.decode()
    assert "1 notification</caption>" in paused


@pytest.mark.django_db
def test_dashboard_queries_do_not_grow_with_reviews(officer, as_user, position, on_today):
    client = as_user(officer)
    client.get(reverse("reports:dashboard"))  # warm the session and content types
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("reports:dashboard"))
    _more_reviews(officer, 6)
    with CaptureQueriesContext(connection) as large:
        assert client.get(reverse("reports:dashboard")).status_code == 200
    assert len(large) == len(small) <= 25


# --- The Executive report -------------------------------------------------------------------------

FORM = {
    "title": "Community safety annual report",
    "meeting": "Executive",
    "meeting_date": date(2027, 1, 20),
    "decision_body": "Executive",
    "lead_officer": "Director of Public Health (synthetic)",
    "author_and_contact": "Community safety manager (synthetic)",
    "cabinet_member": "Cabinet member for communities (synthetic)",
    "division_and_local_member": "All",
    "key_decision": "False",
    "publication": "public",
    "summary": "Summary text.",
}


@pytest.mark.django_db
def test_report_section_numbered_in_the_paper_without_personal_data(
    officer, as_user, position, on_today, tmp_path, django_capture_on_commit_callbacks
):
    client = as_user(officer)
    assert (
        client.post(
            reverse("reports:report_create"), report_form(FORM, period_end=date(2026, 11, 1))
        ).status_code
        == 302
    )
    report = ExecutiveReport.objects.get()
    preview = client.get(reverse("reports:report_preview", args=[report.pk])).content.decode()
    start = preview.index(". Domestic Homicide Reviews</h2>")
    number = preview[preview.rindex(">", 0, start) + 1 : start]
    section = preview[start : preview.index("</section>", start)]
    assert int(number) == 2  # after the summary (the empty sections print nothing), not an appendix
    assert "Appendix" not in preview[start - 40 : start]
    for para in ("1", "2", "3", "4"):
        assert f">{number}.{para}</span>" in section
    assert "4 reviews on record" in section and "fewer than" not in section  # records, not people
    assert "3 of 5 DHR recommendations (60%)" in section
    assert reverse("reviews:tracker") not in section  # no links in the paper
    for secret in [REAL_NAME, *PSEUDONYMS, "HYPERLINK"]:
        assert secret not in preview

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:report_generate", args=[report.pk]))
    version = ReportVersion.objects.get()
    assert version.status == VersionStatus.READY, version.error
    assert version.snapshot["dhr"]["totals"]["overdue"] == 2
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils is not installed")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(version.pdf.read())
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert f"{number}. Domestic Homicide Reviews" in text
    assert f"{number}.3" in text and "Avon and Somerset Constabulary" in text
    for secret in [REAL_NAME, *PSEUDONYMS, "HYPERLINK"]:
        assert secret not in text
    # The version keeps its figures when the reviews move on.
    services.review_record_qa_outcome(
        actor=officer, review=position["r4"], outcome="approved", on=date(2026, 10, 30)
    )
    version.refresh_from_db()
    assert "submitted" in [row["key"] for row in version.snapshot["dhr"]["stages"]]


# --- Tracker exports ------------------------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.mark.django_db
def test_officer_csv_has_the_tracker_columns_neutralised_and_logged(officer, as_user, position):
    response = as_user(officer).get(reverse("reviews:tracker_csv"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="OFFICIAL-SENSITIVE-dhr-tracker-')
    rows = _csv(response)
    assert rows[0] == ["OFFICIAL-SENSITIVE"]
    header = rows[1]
    assert header[:6] == ["Reference", "Date notified", "Area", "Pseudonym", "Stage or status", "Paused"]
    body = {row[0]: dict(zip(header, row, strict=True)) for row in rows[2:]}
    assert len(body) == 7
    r1 = body[position["r1"].notification.reference]
    assert (r1["Pseudonym"], r1["Stage or status"], r1["Completion clock"], r1["Completion due"]) == (
        "Pseudo Alpha",
        "Decision made",
        "Overdue",
        "2026-08-10",
    )
    assert body[position["r3"].notification.reference]["Paused"] == "Yes"
    assert "'" + FORMULA in [row["Pseudonym"] for row in body.values()]
    assert FORMULA not in [cell for row in rows for cell in row]
    assert REAL_NAME not in response.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.DISCLOSE, object_type="reviews.notification")
    assert event.detail["format"] == "csv" and event.detail["rows"] == 7 and len(event.detail["ids"]) == 7
    assert event.actor == officer


@pytest.mark.parametrize("cell", ["=1+1", "+44 1823", "-2+3", "@SUM(A1)"])
@pytest.mark.django_db
def test_every_formula_lead_is_neutralised(officer, as_user, cell):
    make_notification(officer, victim_pseudonym=cell)
    rows = _csv(as_user(officer).get(reverse("reviews:tracker_csv")))
    assert rows[2][3] == "'" + cell


@pytest.mark.django_db
def test_lead_csv_and_pdf_carry_no_names_or_pseudonyms(partnership_lead, as_user, position, tmp_path):
    client = as_user(partnership_lead)
    response = client.get(reverse("reviews:tracker_csv"))
    rows = _csv(response)
    assert "Pseudonym" not in rows[1] and len(rows) == 2 + 7
    for secret in [REAL_NAME, *PSEUDONYMS, "HYPERLINK"]:
        assert secret not in response.content.decode()
    pdf = client.get(reverse("reviews:tracker_pdf"))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils is not installed")
    path = tmp_path / "tracker.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "OFFICIAL-SENSITIVE" in text and position["r1"].notification.reference in text
    for secret in ["Realname", "Alpha", "Bravo", "Charlie", "Delta", "HYPERLINK", "Pseudonym"]:
        assert secret not in text
    assert AuditEvent.objects.filter(
        action=AuditAction.DISCLOSE, object_type="reviews.notification", detail__format="pdf"
    ).exists()


@pytest.mark.django_db
def test_officer_pdf_has_pseudonyms_and_the_filters(officer, as_user, position, tmp_path):
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils is not installed")
    response = as_user(officer).get(reverse("reviews:tracker_pdf"), {"clock": "paused"})
    path = tmp_path / "tracker.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "1 notification" in text and position["r3"].notification.reference in text
    assert "Charlie" in text  # the pseudonym (the narrow column wraps it)
    assert "Alpha" not in text and "Realname" not in text


@pytest.mark.django_db
def test_exports_are_scoped_like_the_tracker(officer, agency_rep, other_agency_rep, as_user, position):
    # The police rep sits on R4's panel (advance_to adds the police) and is asked for its report.
    rows = _csv(as_user(agency_rep).get(reverse("reviews:tracker_csv")))
    assert [row[0] for row in rows[2:]] == [position["r4"].notification.reference]
    assert _csv(as_user(other_agency_rep).get(reverse("reviews:tracker_csv")))[2:] == []
    filtered = _csv(as_user(officer).get(reverse("reviews:tracker_csv"), {"stage": "decision_made"}))
    assert len(filtered) == 2 + 3


@pytest.mark.django_db
def test_exports_refuse_people_without_tracker_access(client, coordinator, no_role_user, as_user):
    for name in ("reviews:tracker_csv", "reviews:tracker_pdf"):
        assert client.get(reverse(name)).status_code in (302, 403)
        assert as_user(coordinator).get(reverse(name)).status_code == 403
        assert as_user(no_role_user).get(reverse(name)).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.DISCLOSE).exists()


@pytest.mark.django_db
def test_export_queries_do_not_grow_with_rows(officer, as_user, position):
    client = as_user(officer)
    client.get(reverse("reviews:tracker_csv"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("reviews:tracker_csv"))
    _more_reviews(officer, 6)
    with CaptureQueriesContext(connection) as large:
        rows = _csv(client.get(reverse("reviews:tracker_csv")))
    assert len(rows) == 2 + 13
    assert len(large) == len(small) <= 15
    with CaptureQueriesContext(connection) as pdf:
        assert client.get(reverse("reviews:tracker_pdf")).status_code == 200
    assert len(pdf) == len(small)


@pytest.mark.django_db
def test_tracker_page_offers_both_downloads_with_its_filters(officer, as_user):
    html = as_user(officer).get(reverse("reviews:tracker"), {"stage": "draft"}).content.decode()
    assert f'href="{reverse("reviews:tracker_csv")}?stage=draft"' in html
    assert f'href="{reverse("reviews:tracker_pdf")}?stage=draft"' in html
