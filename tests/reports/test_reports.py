import datetime as dt
import hashlib
import re
import shutil
import subprocess

import pytest
from django.urls import reverse

from somerset_safety.accounts.models import Agency
from somerset_safety.audit.models import AuditAction, AuditEvent
from somerset_safety.core.exports import csv_text, neutralise
from somerset_safety.deadlines.state import STATE_NAMES
from somerset_safety.pdf.render import RefusedURL, render_pdf, static_only_fetcher
from somerset_safety.reports import registry
from somerset_safety.reports.models import ExecutiveReport, ReportVersion, VersionStatus
from somerset_safety.reports.registry import DashboardPanel, ReportSection
from somerset_safety.reports.services import report_version_generate

FORM = {
    "title": "Community safety annual report",
    "meeting": "Executive",
    "meeting_date_0": "20",
    "meeting_date_1": "1",
    "meeting_date_2": "2027",
    "period_end_0": "30",
    "period_end_1": "9",
    "period_end_2": "2026",
    "period_kind": "quarter",
    "decision_body": "Executive",
    "lead_officer": "Director of Public Health (synthetic)",
    "author_and_contact": "Community safety manager (synthetic), 01823 000000",
    "cabinet_member": "Cabinet member for communities (synthetic)",
    "division_and_local_member": "All",
    "key_decision": "False",
    "publication": "exempt",
    "summary": "The partnership met its duties this year.\n\nTwo reviews were completed.",
    "issues_for_consideration": "The Executive is asked to note the report.",
    "exempt_information": "Commercially sensitive contract figure: 123456 (synthetic).",
}


def _agency_count(period):
    n = Agency.objects.count()
    return {
        "summary": f"There are {n} partner agencies.",
        "caption": "Partners",
        "rows": [{"label": "Agencies", "value": n}],
    }


def _agency_figures(data):
    from somerset_safety.reports.disclosure import RECORDS, Declaration

    declared = Declaration()
    declared.add("agencies", "Partner agencies on record", ("rows", 0, "value"), kind=RECORDS)
    return declared


@pytest.fixture
def section():
    registry.register_report_section(
        ReportSection(
            key="test_agencies",
            title="Partner agencies",
            build=_agency_count,
            template="reports/sections/figures.html",
            declare=_agency_figures,
        )
    )
    registry.register_report_section(
        ReportSection(
            key="test_appendix",
            title="Statutory duties",
            build=lambda period: {"summary": "Nine duties are met."},
            template="reports/sections/figures.html",
            appendix=True,
        )
    )
    yield
    registry._sections.pop("test_agencies", None)
    registry._sections.pop("test_appendix", None)


def _create(client):
    response = client.post(reverse("reports:report_create"), FORM)
    assert response.status_code == 302, response.content[:2000]
    return ExecutiveReport.objects.get()


@pytest.mark.django_db
def test_officer_writes_previews_and_generates_a_frozen_version(
    officer, as_user, section, tmp_path, django_capture_on_commit_callbacks
):
    client = as_user(officer)
    report = _create(client)
    preview = client.get(reverse("reports:report_preview", args=[report.pk]))
    agencies_now = Agency.objects.count()
    assert f"There are {agencies_now} partner agencies".encode() in preview.content
    assert b"1.1" in preview.content and b"1.2" in preview.content

    assert client.get(reverse("reports:report_generate", args=[report.pk])).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:report_generate", args=[report.pk]))
    assert response.status_code == 302
    version = ReportVersion.objects.get()
    assert version.status == VersionStatus.READY
    assert version.snapshot["test_agencies"]["rows"][0]["value"] == agencies_now
    pdf_bytes = version.pdf.read()
    assert hashlib.sha256(pdf_bytes).hexdigest() == version.pdf_sha256

    Agency.objects.create(code="NEW", name="A new partner", agency_type="other")
    version.refresh_from_db()
    assert version.snapshot["test_agencies"]["rows"][0]["value"] == agencies_now  # frozen
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:report_generate", args=[report.pk]))
    second = ReportVersion.objects.get(number=2)
    assert second.snapshot["test_agencies"]["rows"][0]["value"] == agencies_now + 1
    compare = client.get(reverse("reports:version_detail", args=[report.pk, 2]) + "?compare=1")
    cells = re.findall(r"<t[dh][^>]*>([^<]*)</t[dh]>", compare.content.decode())
    start = cells.index("Partner agencies on record")
    assert cells[start - 1 : start + 3] == [
        "Partner agencies",
        "Partner agencies on record",
        str(agencies_now),
        str(agencies_now + 1),
    ]

    download = client.get(reverse("reports:version_pdf", args=[report.pk, 1]))
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == pdf_bytes
    assert AuditEvent.objects.filter(
        action=AuditAction.DISCLOSE, object_type="reports.reportversion"
    ).exists()


@pytest.mark.django_db
def test_pdf_pages_render_with_headings_and_figures(
    officer, as_user, section, tmp_path, django_capture_on_commit_callbacks
):
    if not (shutil.which("pdftoppm") and shutil.which("pdftotext")):
        pytest.skip("poppler-utils is not installed")
    client = as_user(officer)
    report = _create(client)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:report_generate", args=[report.pk]))
    version = ReportVersion.objects.get()
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(version.pdf.read())
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert pages and all(p.stat().st_size > 2000 for p in pages)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    from somerset_safety.reports.services import document_outline

    number = next(
        b["number"]
        for b in document_outline(version.content, version.snapshot)
        if b["heading"] == "Partner agencies"
    )
    for expected in (
        "Community safety annual report",
        "1. Summary",
        "1.1",
        "Two reviews were completed",
        f"{number}. Partner agencies",
        f"There are {version.snapshot['test_agencies']['rows'][0]['value']} partner agencies",
        "Appendix 1 — Statutory duties",
        "Page 1 of",
    ):
        assert expected in text, expected
    assert "123456" not in text  # exempt information never in the public paper
    confidential = tmp_path / "confidential.pdf"
    confidential.write_bytes(version.confidential_pdf.read())
    ctext = subprocess.run(
        ["pdftotext", str(confidential), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "123456" in ctext and "CONFIDENTIAL" in ctext


@pytest.mark.django_db
def test_narrative_html_and_urls_never_reach_the_renderer_as_markup(
    officer, as_user, section, django_capture_on_commit_callbacks
):
    client = as_user(officer)
    data = {
        **FORM,
        "summary": '<img src="http://example.invalid/x.png"> <a href="file:///etc/passwd">x</a> <b>bold</b>',
    }
    client.post(reverse("reports:report_create"), data)
    report = ExecutiveReport.objects.get()
    preview = client.get(reverse("reports:report_preview", args=[report.pk]))
    assert b"&lt;img src=" in preview.content and b'<img src="http://example.invalid' not in preview.content
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:report_generate", args=[report.pk]))
    assert ReportVersion.objects.get().status == VersionStatus.READY


@pytest.mark.parametrize(
    "url",
    [
        "http://example.invalid/logo.png",
        "https://example.invalid/a.css",
        "file:///etc/passwd",
        "data:image/png;base64,AAAA",
        "http://static.invalid/static/../settings.py",
    ],
)
def test_pdf_fetcher_refuses_remote_file_and_data_urls(url):
    with pytest.raises(RefusedURL):
        static_only_fetcher(url)


def test_pdf_fetcher_serves_our_static_css():
    result = static_only_fetcher("http://static.invalid/static/css/report-pdf.css")
    assert result["mime_type"] == "text/css" and b"@page" in result["string"]


def test_renderer_ignores_remote_images_embedded_in_html(monkeypatch):
    import urllib.request

    def no_network(*args, **kwargs):
        raise AssertionError("the renderer tried the network")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    pdf = render_pdf(
        '<html><body><p>Hi</p><img src="http://example.invalid/x.png"><img src="file:///etc/hostname"></body></html>'
    )
    assert pdf.startswith(b"%PDF")


@pytest.mark.django_db
def test_access(
    officer, partnership_lead, agency_rep, review_chair, as_user, section, django_capture_on_commit_callbacks
):
    report = _create(as_user(officer))
    with django_capture_on_commit_callbacks(execute=True):
        report_version_generate(actor=officer, report=report)
    lead = as_user(partnership_lead)
    assert lead.get(reverse("reports:report_list")).status_code == 200
    assert lead.get(reverse("reports:report_detail", args=[report.pk])).status_code == 200
    assert lead.get(reverse("reports:version_pdf", args=[report.pk, 1])).status_code == 200
    assert lead.get(reverse("reports:version_confidential_pdf", args=[report.pk, 1])).status_code == 403
    assert lead.get(reverse("reports:report_create")).status_code == 403
    assert lead.post(reverse("reports:report_generate", args=[report.pk])).status_code == 403
    for outsider in (agency_rep, review_chair):
        client = as_user(outsider)
        assert client.get(reverse("reports:report_list")).status_code == 403
        assert client.get(reverse("reports:report_detail", args=[report.pk])).status_code == 404
        assert client.get(reverse("reports:version_pdf", args=[report.pk, 1])).status_code == 404
        assert client.get(reverse("reports:dashboard")).status_code == 403
    assert as_user(officer).get(reverse("reports:version_pdf", args=[report.pk, 9])).status_code == 404


@pytest.mark.django_db
def test_bad_input_changes_nothing_and_keeps_what_was_typed(officer, as_user):
    client = as_user(officer)
    response = client.post(
        reverse("reports:report_create"), {**FORM, "title": "", "meeting_date_0": "31", "meeting_date_1": "2"}
    )
    assert response.status_code == 200
    assert b"Enter the report title" in response.content
    assert b"The meeting date must be a real date" in response.content
    assert b"Two reviews were completed" in response.content
    assert not ExecutiveReport.objects.exists()


def _people_table(data):
    from somerset_safety.reports.disclosure import Declaration

    declared = Declaration()
    parts = [
        declared.add(row["label"], row["label"], ("rows", i, "value"))
        for i, row in enumerate(data["rows"][:-1])
    ]
    declared.add_sum(declared.add("total", "All", ("rows", len(data["rows"]) - 1, "value")), parts)
    return declared


@pytest.mark.django_db
def test_comparison_in_plain_words_protected_for_a_lead_with_the_narrative_as_a_word_diff(
    officer, partnership_lead, as_user
):
    registry.register_report_section(
        ReportSection(
            key="test_people",
            title="Victims by area",
            build=lambda period: {},
            template="reports/sections/figures.html",
            declare=_people_table,
        )
    )
    try:
        report = ExecutiveReport.objects.create(
            **{
                k: v
                for k, v in FORM.items()
                if k
                in {
                    "title",
                    "meeting",
                    "decision_body",
                    "lead_officer",
                    "author_and_contact",
                    "cabinet_member",
                }
            },
            meeting_date=dt.date(2027, 1, 13),
            period_end=dt.date(2026, 12, 31),
            created_by=officer,
        )

        def version(number, east, north, summary):
            rows = [
                {"label": "East", "value": east},
                {"label": "North", "value": north},
                {"label": "West", "value": 30},
            ]
            rows.append({"label": "All areas", "value": east + north + 30})
            return ReportVersion.objects.create(
                report=report,
                number=number,
                snapshot={"test_people": {"rows": rows}},
                content={"summary": summary},
                generated_by=officer,
                period_kind="quarter",
                period_start=dt.date(2026, 10, 1),
                period_end=dt.date(2026, 12, 31),
                status=VersionStatus.READY,
            )

        version(1, 3, 10, "Referrals rose in the quarter.")
        version(2, 6, 10, "Referrals fell sharply in the quarter.")
        url = reverse("reports:version_detail", args=[report.pk, 2]) + "?compare=1"

        def rows(client):
            html = client.get(url).content.decode()
            cells = re.findall(r"<t[dh][^>]*>([^<]*)</t[dh]>", html)
            start = cells.index("Section", 0) + 4
            return [
                cells[i : i + 4] for i in range(start, len(cells) - 3, 4) if cells[i] == "Victims by area"
            ], html

        # East 3 → 6 and the total 43 → 46: a lead sees neither East (3 is small in version 1,
        # so hidden in both) nor North (hidden in both, or 43 − 30 − 10 gives the 3 back).
        lead_rows, lead_html = rows(as_user(partnership_lead))
        assert lead_rows == [["Victims by area", "All", "43", "46"]]
        officer_rows, officer_html = rows(as_user(officer))
        assert officer_rows == [["Victims by area", "East", "3", "6"], ["Victims by area", "All", "43", "46"]]
        for html in (lead_html, officer_html):
            assert '<h4 class="govuk-heading-s">Summary</h4>' in html
            assert (
                'Referrals <del><span class="govuk-visually-hidden">Removed: </span>rose</del> '
                '<ins><span class="govuk-visually-hidden">Added: </span>fell sharply</ins> in the quarter.'
            ) in html
    finally:
        registry._sections.pop("test_people", None)


@pytest.mark.django_db
def test_dashboard_protects_counts_of_people_for_leads(
    officer, partnership_lead, as_user, django_assert_max_num_queries
):
    # 3 + 10 + 12 = 25: a lead sees "fewer than 5" for the 3, and the 10 is not shown either,
    # or 25 − 10 − 12 would give the 3 back. An officer sees every figure.
    registry.register_dashboard_panel(
        DashboardPanel(
            key="test_small",
            title="Small numbers",
            build=lambda period: {
                "caption": "Victims by area",
                "rows": [
                    {"label": "East", "value": 3},
                    {"label": "North", "value": 10},
                    {"label": "West", "value": 12},
                    {"label": "All areas", "value": 25},
                ],
            },
            template="reports/sections/figures.html",
            declare=_people_table,
        )
    )
    try:
        lead = as_user(partnership_lead)
        # Each panel reads its figures in a fixed number of queries (pinned page by page in
        # tests/platform/test_dashboard_queries.py); here only a guard against one growing.
        with django_assert_max_num_queries(25):
            page = lead.get(reverse("reports:dashboard")).content.decode()
        cells = re.findall(
            r'<th scope="row" class="govuk-table__header">(East|North|West|All areas)</th><td[^>]*>([^<]*)</td>',
            page,
        )
        assert cells == [
            ("East", "fewer than 5"),
            ("North", "not shown"),
            ("West", "12"),
            ("All areas", "25"),
        ]
        officer_page = as_user(officer).get(reverse("reports:dashboard")).content.decode()
        cells = re.findall(
            r'<th scope="row" class="govuk-table__header">(East|North|West|All areas)</th><td[^>]*>([^<]*)</td>',
            officer_page,
        )
        assert cells == [("East", "3"), ("North", "10"), ("West", "12"), ("All areas", "25")]
    finally:
        registry._panels.pop("test_small", None)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+44 1823", "'+44 1823"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\tTab", "'\tTab"),
        ("\rCR", "'\rCR"),
        ("plain", "plain"),
        (-5, "-5"),
        (12.5, "12.5"),
        (None, ""),
    ],
)
def test_export_cells_are_neutralised(cell, expected):
    assert neutralise(cell) == expected


def test_csv_is_marked_official_sensitive():
    text = csv_text(["a"], [["=1"]])
    assert text.splitlines()[0] == "OFFICIAL-SENSITIVE"
    assert "'=1" in text


def test_chart_is_svg_without_script():
    from somerset_safety.reports.charts import bar_chart

    chart = bar_chart(title="Cases", labels=["Q1", "Q2"], series={"Cases": [3, 4]}, alt="Cases by quarter")
    assert chart.svg.startswith("<svg") and "<script" not in chart.svg
    assert chart.data_uri.startswith("data:image/svg+xml;base64,")


def test_two_charts_on_one_paper_share_no_id():
    """Drawn inline in the PDF, every id must be unique on the page (a repeated one is an
    anchor defined twice): only each chart's own id is left."""
    import re

    from somerset_safety.reports.charts import bar_chart, line_chart

    series = {"Police": [3, 4], "Housing": [1, 2]}
    first = bar_chart(title="Cases", labels=["Q1", "Q2"], series=series, alt="Cases")
    second = line_chart(title="Trend", labels=["Q1", "Q2"], series=series, alt="Trend")
    ids = [re.findall(r'\bid="([^"]+)"', chart.svg) for chart in (first, second)]
    assert [len(found) for found in ids] == [1, 1]
    assert all(found[0].startswith("chart-") for found in ids) and ids[0] != ids[1]


# --- The report date and period, the council's sections, the edit form -------------------------


@pytest.mark.django_db
def test_edit_form_shows_the_dates_it_was_given_and_saves_without_retyping_them(officer, as_user):
    client = as_user(officer)
    report = _create(client)
    page = client.get(reverse("reports:report_edit", args=[report.pk])).content.decode()
    for name, value in (("meeting_date_0", "20"), ("meeting_date_1", "1"), ("meeting_date_2", "2027")):
        assert f'name="{name}" value="{value}"' in page or f'value="{value}" name="{name}"' in page, name
    assert 'name="period_end_2" value="2026"' in page or 'value="2026" name="period_end_2"' in page
    # Post back exactly what the form showed, with one change: it saves.
    response = client.post(reverse("reports:report_edit", args=[report.pk]), {**FORM, "title": "Renamed"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.title == "Renamed" and str(report.meeting_date) == "2027-01-20"


@pytest.mark.django_db
def test_the_detailed_figures_pdf_is_asked_for_on_the_form_and_listed_among_the_appendices(officer, as_user):
    client = as_user(officer)
    report = _create(client)  # FORM does not answer the question: No
    assert report.detailed_appendices is False
    detail = client.get(reverse("reports:report_detail", args=[report.pk])).content.decode()
    assert re.search(r"Detailed figures as PDF appendices</dt>\s*<dd[^>]*>No<", detail)
    preview = client.get(reverse("reports:report_preview", args=[report.pk])).content.decode()
    assert "marac-areas.csv, published with this paper" in preview and "marac-areas.pdf" not in preview

    form = client.get(reverse("reports:report_edit", args=[report.pk])).content.decode()
    assert re.search(r'id="id_detailed_appendices_2"\s*value="False"\s*checked', form)
    response = client.post(
        reverse("reports:report_edit", args=[report.pk]), {**FORM, "detailed_appendices": "True"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.detailed_appendices is True
    detail = client.get(reverse("reports:report_detail", args=[report.pk])).content.decode()
    assert re.search(r"Detailed figures as PDF appendices</dt>\s*<dd[^>]*>Yes<", detail)
    preview = client.get(reverse("reports:report_preview", args=[report.pk])).content.decode()
    # After the statutory duties appendix and the CSV, before the council's own appendices.
    assert (
        "<li>Appendix 3 — MARAC figures for every area (PDF) (marac-areas.pdf, published with this paper)</li>"
        in preview
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"key_decision": "True", "forward_plan_reference": ""},
            "forward_plan_reference",
            "Enter the Forward Plan reference",
        ),
        ({"period_kind": "dates"}, "period_start", "Enter the date the period starts from"),
        (
            {"period_kind": "dates", "period_start_0": "1", "period_start_1": "10", "period_start_2": "2026"},
            "period_start",
            "The period must start on or before the date the figures are as at",
        ),
        (
            {"period_end_0": "21", "period_end_1": "1", "period_end_2": "2027"},
            "period_end",
            "on or before the meeting date",
        ),
        (
            {"sign_off_legal_date_0": "3", "sign_off_legal_date_1": "1", "sign_off_legal_date_2": "2027"},
            "sign_off_legal_name",
            "Enter who signed the paper off for Legal",
        ),
    ],
)
def test_report_form_refuses_what_the_paper_cannot_carry(officer, as_user, changes, field, message):
    response = as_user(officer).post(reverse("reports:report_create"), {**FORM, **changes})
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    assert not ExecutiveReport.objects.exists()


@pytest.mark.django_db
def test_the_paper_follows_a_council_executive_report_and_prints_no_empty_section(officer, as_user):
    client = as_user(officer)
    data = {
        **FORM,
        "key_decision": "True",
        "forward_plan_reference": "FP/26/12/01",
        "reasons_for_recommendations": "So the Executive knows the position (synthetic).",
        "other_options": "Not reporting was considered and rejected (synthetic).",
        "council_plan_links": "A safer Somerset (synthetic).",
        "implications_hr": "None for staff (synthetic).",
        "implications_privacy": "No personal data is in this paper (synthetic).",
        "scrutiny_comments": "Scrutiny welcomed the report (synthetic).",
        "other_appendices": "Safer Somerset Partnership plan (synthetic)\n\n",
        "sign_off_legal_name": "Legal officer (synthetic)",
        "sign_off_legal_date_0": "5",
        "sign_off_legal_date_1": "1",
        "sign_off_legal_date_2": "2027",
        "sign_off_cabinet_member_name": "Cabinet member (synthetic)",
    }
    client.post(reverse("reports:report_create"), data)
    report = ExecutiveReport.objects.get()
    assert report.sign_off == {
        "legal": {"name": "Legal officer (synthetic)", "date": "2027-01-05"},
        "cabinet_member": {"name": "Cabinet member (synthetic)", "date": None},
    }
    preview = client.get(reverse("reports:report_preview", args=[report.pk])).content.decode()
    headings = re.findall(r'<h2 class="govuk-heading-l">([^<]+)</h2>', preview)
    assert headings == [
        "1. Summary",
        "2. Issues for consideration / recommendations",
        "3. Reasons for recommendations",
        "4. Other options considered",
        "5. Links to the Council Plan and the medium-term financial plan",
        "6. Domestic Homicide Reviews",  # the sections the apps register, after the background
        "7. MARAC",
        "8. Disruption Panel",
        "9. Partnership performance",
        "10. Decisions of the partnership boards",
        "11. Commissioned services",
        "12. Deadlines and statutory clocks",
        "13. Implications: HR",
        "14. Implications: privacy",
        "15. Scrutiny comments",
        "16. List of appendices",
        "17. Report sign-off",
        "Appendix 1 — Statutory duties",
    ]
    assert "Nothing to report" not in preview
    assert "Yes — Forward Plan reference FP/26/12/01" in preview
    assert "<li>Appendix 1 — Statutory duties</li>" in preview
    # The MARAC section's figures for every area are published with the paper as a CSV file.
    assert (
        "<li>Appendix 2 — MARAC figures for every area (marac-areas.csv, published with this paper)</li>"
        in preview
    )
    assert "<li>Appendix 3 — Safer Somerset Partnership plan (synthetic)</li>" in preview
    assert 'Legal officer (synthetic)</td><td class="govuk-table__cell">5 January 2027' in preview
    assert ">3.1</span> So the Executive knows" in preview
    assert "As at 30 September 2026, for Q2 2026/27 (1 July 2026 to 30 September 2026)" in preview


@pytest.mark.django_db
def test_sections_compute_for_the_report_date_and_the_version_stores_it(
    officer, as_user, django_capture_on_commit_callbacks
):
    seen = []

    def build(period):
        seen.append(period)
        return {"summary": f"Figures as at {period.end}.", "caption": "c", "rows": []}

    registry.register_report_section(
        ReportSection(key="test_dated", title="Dated", build=build, template="reports/sections/figures.html")
    )
    try:
        client = as_user(officer)
        report = _create(client)
        assert (
            b"Figures as at 2026-09-30."
            in client.get(reverse("reports:report_preview", args=[report.pk])).content
        )
        client.post(
            reverse("reports:report_edit", args=[report.pk]),
            {
                **FORM,
                "period_kind": "financial_year",
                "period_end_0": "31",
                "period_end_1": "3",
                "period_end_2": "2026",
            },
        )
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("reports:report_generate", args=[report.pk]))
    finally:
        registry._sections.pop("test_dated", None)
    version = ReportVersion.objects.get()
    assert (version.period_kind, str(version.period_start), str(version.period_end)) == (
        "financial_year",
        "2025-04-01",
        "2026-03-31",
    )
    assert seen[-1].start.isoformat() == "2025-04-01" and seen[-1].end.isoformat() == "2026-03-31"
    assert version.content["period"]["label"] == "the 2025/26 financial year (1 April 2025 to 31 March 2026)"
    detail = client.get(reverse("reports:version_detail", args=[report.pk, 1])).content.decode()
    assert "31 March 2026, for the 2025/26 financial year" in detail


@pytest.mark.django_db
def test_a_paper_dated_in_the_future_cannot_be_generated_yet(officer, as_user):
    client = as_user(officer)
    report = _create(client)
    ExecutiveReport.objects.filter(pk=report.pk).update(period_end="2099-03-31", meeting_date="2099-04-30")
    response = client.post(reverse("reports:report_generate", args=[report.pk]), follow=True)
    assert "31 March 2099, which has not come yet" in response.content.decode()
    assert not ReportVersion.objects.exists()
    preview = client.get(reverse("reports:report_preview", args=[report.pk])).content.decode()
    assert "has not come yet, so these are the figures to date" in preview


@pytest.mark.django_db
def test_dashboard_date_picker_computes_every_panel_for_the_date_and_period(partnership_lead, as_user):
    seen = []
    registry.register_dashboard_panel(
        DashboardPanel(
            key="test_dated",
            title="Dated",
            build=lambda period: seen.append(period)
            or {
                "as_of": period.end.isoformat(),
                "kinds": [],
                "states": [],
                "totals": dict.fromkeys(STATE_NAMES, 0),
            },
            template="deadlines/report_section.html",
        )
    )
    try:
        client = as_user(partnership_lead)
        params = {"period_end_0": "31", "period_end_1": "3", "period_end_2": "2025", "period_kind": "quarter"}
        page = client.get(reverse("reports:dashboard"), params).content.decode()
        assert (
            "Figures as they stood on 31 March 2025, for Q4 2024/25 (1 January 2025 to 31 March 2025)" in page
        )
        assert (seen[-1].start.isoformat(), seen[-1].end.isoformat()) == ("2025-01-01", "2025-03-31")
        future = client.get(reverse("reports:dashboard"), {**params, "period_end_2": "2099"})
        assert "The date must be today or in the past" in future.content.decode()
    finally:
        registry._panels.pop("test_dated", None)
