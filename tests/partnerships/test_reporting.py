"""The MARAC section of the Executive report and the dashboard panel: every figure against
numbers worked out by hand from the `hand_worked` fixture (tests/partnerships/conftest.py),
small counts, the query count at two sizes and the section in a generated PDF."""

import datetime as dt
import re
import shutil
import subprocess
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnerships import summary
from partnerships.models import MaracArea, Referral
from partnerships.reporting import marac_declaration
from partnerships.selectors import marac_figures, trend_quarters
from somerset_safety.accounts.models import Agency
from somerset_safety.audit.models import AuditAction, AuditEvent
from somerset_safety.reports import disclosure
from somerset_safety.reports.models import ExecutiveReport, ReportVersion, VersionStatus
from somerset_safety.reports.registry import dashboard_panels, report_sections
from tests.reports.helpers import report_form

from .factories import MaracAreaFactory, ReferralFactory

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2024, 3, 31)
LONDON = zoneinfo.ZoneInfo("Europe/London")
QUARTERS = [
    "Apr to Jun 2022",
    "Jul to Sep 2022",
    "Oct to Dec 2022",
    "Jan to Mar 2023",
    "Apr to Jun 2023",
    "Jul to Sep 2023",
    "Oct to Dec 2023",
    "Jan to Mar 2024",
]


def _area(data, code):
    [area] = [a for a in data["areas"] if a["code"] == code]
    return area


def _kpis(area):
    return {row["key"]: row for row in area["kpis"]}


def _other_name():
    return Referral.objects.exclude(area__code="HAND").get(status="heard").area.name


def _other_code():
    """The area of the fixture's one case heard elsewhere (a factory area)."""
    return Referral.objects.exclude(area__code="HAND").get(status="heard").area.code


def test_registered_as_a_report_section_and_a_dashboard_panel():
    [section] = [s for s in report_sections() if s.key == "marac"]
    assert section.title == "MARAC" and not section.appendix
    assert section.template == "partnerships/report_section.html"
    assert any(p.key == "marac" and p.build.figures is marac_figures for p in dashboard_panels())


def test_every_kpi_worked_out_by_hand(hand_worked):
    """12 months from 1 April 2023 to 31 March 2024 in HAND (16,000 women): the eight cases of
    Q1 2024, 1 April 2023 (police, repeat) and 31 December 2023 (police) = 10 cases. Not 31
    March 2023, 1 April 2024, the case never heard, or the case in the other area."""
    data = marac_figures(AS_OF)
    assert data["period_start"] == "2023-04-01" and data["period_end"] == "2024-03-31"
    assert data["cases"] == 11  # 10 in HAND + 1 in the other area
    assert data["area_count"] == 2
    hand = _area(data, "HAND")
    assert hand["cases"] == 10
    figures = {key: (row["count"], row["percent"], row["rate"]) for key, row in _kpis(hand).items()}
    assert figures == {
        "cases": (10, None, None),
        "rate": (10, None, "6.3"),  # 10 / 16,000 × 10,000 = 6.25, halves up
        "repeat": (4, "40.0", None),  # 1 Jan, 1 Feb, 20 Mar + 1 Apr 2023
        "non_police": (3, "30.0", None),  # health: 1 Feb, 29 Feb, 20 Mar; 7 by the police
        "minoritised": (3, "30.0", None),  # White Irish, Asian Indian, Black African
        "lgbt": (1, "10.0", None),  # "not known" is not counted
        "disabled": (2, "20.0", None),
        "male": (1, "10.0", None),  # "other" is not male
        "aged_16_17": (2, "20.0", None),  # 16 and 17; 18 and not known are not
        "perpetrators_under_18": (2, None, None),  # 17 and 15; 18 is not
        "children": (6, None, None),  # 2 + 1 + 3
    }
    benchmarks = {key: row["benchmark"] for key, row in _kpis(hand).items()}
    assert benchmarks["rate"] == "SafeLives recommends 40; national 47"
    assert benchmarks["repeat"] == "National 31% (28–40% expected)"
    assert benchmarks["non_police"] == "National 36.1%"
    assert benchmarks["minoritised"] == "National 14.1%"
    assert benchmarks["lgbt"] == "National 1.6%"
    assert benchmarks["disabled"] == "National 10.1%"
    assert benchmarks["male"] == "National 6.4%"
    assert benchmarks["aged_16_17"] == "National 1.3%"
    assert benchmarks["perpetrators_under_18"] == benchmarks["children"] == benchmarks["cases"] == ""
    other = _area(data, _other_code())
    assert other["cases"] == 1 and _kpis(other)["rate"]["rate"] == "1.0"  # 1 / 10,000 × 10,000
    # Both areas are below SafeLives' 40 a year per 10,000 women.
    assert data["areas_below_recommended"] == 2 and data["recommended_per_10k"] == 40


def test_quarterly_trend_worked_out_by_hand(hand_worked):
    trend = marac_figures(AS_OF)["trend"]
    assert [q["label"] for q in trend["quarters"]] == QUARTERS
    assert [q["short"] for q in trend["quarters"]] == [
        "Q1 22/23",
        "Q2 22/23",
        "Q3 22/23",
        "Q4 22/23",
        "Q1 23/24",
        "Q2 23/24",
        "Q3 23/24",
        "Q4 23/24",
    ]
    assert trend["quarters"][0]["start"] == "2022-04-01" and trend["quarters"][-1]["end"] == "2024-03-31"
    assert trend["latest_to_date"] is False
    counts = {row["code"]: row["counts"] for row in trend["areas"]}
    # 31 Mar 2023, 1 Apr 2023, 31 Dec 2023, and the eight of Q1 2024; 1 Apr 2024 is after.
    assert counts["HAND"] == [0, 0, 0, 1, 1, 0, 1, 8]
    assert counts[_other_code()] == [0, 0, 0, 0, 0, 0, 0, 1]
    assert trend["total"] == [0, 0, 0, 1, 1, 0, 1, 9]


def test_latest_quarter_is_counted_to_date(hand_worked):
    trend = marac_figures(dt.date(2024, 2, 15))["trend"]
    assert trend["quarters"][-1] == {
        "label": "Jan to Mar 2024 (to 15 Feb)",
        "short": "Q4 23/24",
        "start": "2024-01-01",
        "end": "2024-02-15",
    }
    assert trend["latest_to_date"] is True
    assert {r["code"]: r["counts"][-1] for r in trend["areas"]}["HAND"] == 3  # 1 Jan, 15 Jan, 1 Feb


def test_trend_quarters_and_the_number_shown_is_a_setting(settings):
    assert trend_quarters(dt.date(2024, 1, 1), 2) == [
        (dt.date(2023, 10, 1), dt.date(2023, 12, 31)),
        (dt.date(2024, 1, 1), dt.date(2024, 1, 1)),
    ]
    settings.MARAC_TREND_QUARTERS = 4
    assert len(marac_figures(AS_OF)["trend"]["quarters"]) == 4


def test_inactive_area_shown_only_while_it_has_cases_in_the_period(hand_worked):
    MaracAreaFactory(code="CLOSED", name="Closed MARAC", active=False)
    MaracArea.objects.filter(code="HAND").update(active=False)
    codes = [a["code"] for a in marac_figures(AS_OF)["areas"]]
    assert "HAND" in codes and "CLOSED" not in codes
    assert "HAND" not in [a["code"] for a in marac_figures(dt.date(2027, 1, 1))["areas"]]


def test_snapshot_is_plain_json(hand_worked):
    import json

    data = marac_figures(AS_OF)
    assert json.loads(json.dumps(data)) == data


def _render(data, suppress, **extra):
    """The section as an officer (suppress=False) or a lead and the public paper see it."""
    shown = disclosure.shown(data, marac_declaration, suppress=suppress)
    return render_to_string("partnerships/report_section.html", {"data": shown, **extra})


def _row(html, label):
    """The text of the table row headed `label` in the first (HAND, by name order) table."""
    match = re.search(rf"<th scope=\"row\"[^>]*>{re.escape(label)}</th>(.*?)</tr>", html, re.DOTALL)
    assert match, label
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def _trend_rows(html):
    """The quarterly table's rows as text: 'Jan to Mar 2024 (Q4 23/24) 8 1 9'."""
    table = html[html.index("MARAC cases discussed each quarter</caption>") :]
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", table, re.DOTALL)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows[1:]]


@pytest.fixture
def hand_only(hand_worked):
    """The fixture's figures with HAND the partnership's only area (the other area's case gone,
    the area closed), so the table of all areas together is HAND's."""
    other = MaracArea.objects.exclude(code="HAND")
    Referral.objects.filter(area__in=other).delete()
    other.update(active=False)
    summary.rebuild()
    return marac_figures(AS_OF)


def _area_row(html, name):
    """The text of the row of `name` in the table of areas that missed a benchmark."""
    table = html[html.index("Areas that missed a SafeLives benchmark") :]
    match = re.search(
        rf"<th scope=\"row\"[^>]*>(?:<a [^>]*>)?{re.escape(name)}(?:</a>)?</th>(.*?)</tr>", table, re.DOTALL
    )
    assert match, name
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def test_officers_see_every_figure_beside_its_benchmark(hand_only):
    html = _render(hand_only, suppress=False, number=7)
    assert _row(html, "Cases discussed") == "10 None published"
    assert _row(html, "Cases per 10,000 women aged 16 and over") == "6.3 SafeLives recommends 40; national 47"
    assert _row(html, "Repeat cases") == "40.0% (4 cases) National 31% (28–40% expected)"
    assert _row(html, "Referred by agencies other than the police") == "30.0% (3 cases) National 36.1%"
    assert _row(html, "Racially minoritised victims") == "30.0% (3 victims) National 14.1%"
    assert _row(html, "LGBT+ victims") == "10.0% (1 victim) National 1.6%"
    assert _row(html, "Disabled victims") == "20.0% (2 victims) National 10.1%"
    assert _row(html, "Male victims") == "10.0% (1 victim) National 6.4%"
    assert _row(html, "Victims aged 16 or 17") == "20.0% (2 victims) National 1.3%"
    assert _row(html, "Perpetrators aged 17 or under") == "2 None published"
    assert _row(html, "Children in the households") == "6 None published"
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "7.1 In the 12 months from 1 April 2023 to 31 March 2024, 10 cases were discussed" in text
    assert "7.2 SafeLives recommends that a MARAC hears 40 cases a year" in text
    assert "1 of the 1 area heard fewer than that" in text
    # HAND heard 6.3 cases per 10,000 women (fewer than 40) with a repeat rate of 40.0% (within
    # 28% to 40%): listed once, for the number of cases.
    assert "7.3 1 of the 1 area heard fewer cases than recommended or had a repeat rate outside" in text
    assert _area_row(html, MaracArea.objects.get(code="HAND").name) == (
        "10 6.3 40.0% (4 cases) Fewer than the 40 cases per 10,000 women recommended"
    )
    assert "Every area's figures are published with this paper as a CSV file" in text
    assert (
        "7.4 Cases discussed each quarter over the last 8 quarters, from 1 April 2022 to 31 March 2024."
        in text
    )
    assert _trend_rows(html) == [
        "Apr to Jun 2022 (Q1 22/23) 0",
        "Jul to Sep 2022 (Q2 22/23) 0",
        "Oct to Dec 2022 (Q3 22/23) 0",
        "Jan to Mar 2023 (Q4 22/23) 1",
        "Apr to Jun 2023 (Q1 23/24) 1",
        "Jul to Sep 2023 (Q2 23/24) 0",
        "Oct to Dec 2023 (Q3 23/24) 1",
        "Jan to Mar 2024 (Q4 23/24) 8",
    ]
    assert "<figure" in html


def test_trend_table_has_a_column_for_each_line_of_the_chart(hand_worked):
    data = marac_figures(AS_OF)
    html = _render(data, suppress=False)
    names = [a["name"] for a in data["trend"]["areas"]]
    header = re.search(r"<th scope=\"col\"[^>]*>Quarter</th>(.*?)</tr>", html, re.DOTALL).group(1)
    assert " ".join(re.sub(r"<[^>]+>", " ", header).split()) == " ".join([*names, "All areas"])
    by_area = {a["code"]: a["counts"] for a in data["trend"]["areas"]}
    last = [by_area[code][-1] for code in [a["code"] for a in data["trend"]["areas"]]]
    assert sorted(last) == [1, 8]
    assert _trend_rows(html)[-1] == f"Jan to Mar 2024 (Q4 23/24) {last[0]} {last[1]} 9"


def test_small_counts_and_the_figures_worked_from_them_are_suppressed(hand_only):
    html = _render(hand_only, suppress=True, number=7)
    assert _row(html, "Cases discussed") == "10 None published"
    assert _row(html, "Cases per 10,000 women aged 16 and over").startswith("6.3 ")
    assert _row(html, "Repeat cases").startswith("fewer than 5 cases ")  # 4
    assert _row(html, "Referred by agencies other than the police").startswith("fewer than 5 cases ")
    assert _row(html, "LGBT+ victims").startswith("fewer than 5 victims ")
    assert _row(html, "Perpetrators aged 17 or under").startswith("fewer than 5 perpetrators ")
    assert _row(html, "Children in the households") == "6 None published"  # 6 is not small
    for percent in ("40.0%", "30.0%", "10.0%", "20.0%"):
        assert percent not in html
    # Trend: 1s are suppressed in the table, the text alternative and the chart (a gap).
    assert _trend_rows(html)[3:] == [
        "Jan to Mar 2023 (Q4 22/23) fewer than 5",
        "Apr to Jun 2023 (Q1 23/24) fewer than 5",
        "Jul to Sep 2023 (Q2 23/24) 0",
        "Oct to Dec 2023 (Q3 23/24) fewer than 5",
        # The last four quarters make up the 12 months: 10 cases = 1 + 0 + 1 + 8. With the 8
        # shown the two "fewer than 5" would have to be 1 and 1, so the 8 is not shown either.
        "Jan to Mar 2024 (Q4 23/24) not shown",
    ]
    assert "Jan to Mar 2023: fewer than 5" in html


def test_a_rate_from_fewer_than_5_cases_is_not_shown(hand_worked):
    data = marac_figures(AS_OF)
    name = _area(data, _other_code())["name"]
    # The other area heard 1 case: fewer than 5, and its rate per 10,000 women with it.
    assert _area_row(_render(data, suppress=True), name).startswith(
        "fewer than 5 cases not shown (fewer than 5 cases) "
    )
    assert _area_row(_render(data, suppress=False), name).startswith("1 1.0 ")


def test_chart_leaves_out_suppressed_values():
    from partnerships.templatetags.marac_reporting import marac_trend_chart

    small = disclosure.Withheld(True)
    trend = {
        "quarters": [
            {"label": "Jan to Mar 2024", "short": "Q4 23/24"},
            {"label": "Apr to Jun 2024", "short": "Q1 24/25"},
        ],
        "areas": [{"name": "A", "counts": [small, 7]}, {"name": "B", "counts": [0, 9]}],
        "total": [small, 16],
    }
    drawn = marac_trend_chart(trend)
    assert drawn["series"] == {"A": [None, 7], "B": [0, 9], "All areas": [None, 16]}
    assert drawn["columns"] == ["A", "B", "All areas"]
    assert [row["counts"] for row in drawn["rows"]] == [[small, 0, small], [7, 9, 16]]
    assert drawn["labels"] == ["Q4 23/24", "Q1 24/25"]
    assert "Jan to Mar 2024: fewer than 5; Apr to Jun 2024: 16" in drawn["alt"]


def _dashboard(client):
    with time_machine.travel(dt.datetime(2024, 3, 31, 12, tzinfo=LONDON), tick=False):
        response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def test_dashboard_for_leads_and_officers(hand_worked, partnership_lead, officer, admin_user, as_user):
    lead_page = _dashboard(as_user(partnership_lead))
    assert "MARAC against the SafeLives benchmarks" in lead_page
    assert "fewer than 5 victims" in lead_page and "40.0% (4 cases)" not in lead_page
    # Leads see no personal data: no names, victim or case references.
    for referral in Referral.objects.select_related("victim"):
        assert referral.victim.full_name not in lead_page
        assert referral.reference not in lead_page
        assert referral.victim.reference not in lead_page
    # Each figure links to the data return for those who may open it.
    assert "/marac/return/?area=HAND&amp;start=2023-04-01&amp;end=2024-03-31" in lead_page
    assert "/marac/return/?start=2024-01-01&amp;end=2024-03-31" in lead_page
    officer_page = _dashboard(as_user(officer))
    assert "40.0% (4 cases)" in officer_page and "/marac/return/?area=HAND" in officer_page
    # The administrator sees the dashboard but may not open the return: no links.
    admin_page = _dashboard(as_user(admin_user))
    assert "MARAC against the SafeLives benchmarks" in admin_page and "/marac/return/" not in admin_page


def _grow(areas: int, cases_each: int):
    police = Agency.objects.get(code="POLICE")
    for n in range(areas):
        area = MaracAreaFactory()
        for day in range(cases_each):
            ReferralFactory(
                area=area,
                status="heard",
                heard_date=dt.date(2023, 5 + day % 8, 1 + n),
                referring_agency=police,
                is_repeat=day % 2 == 0,
            )


def test_fixed_query_count_at_two_sizes(hand_worked, officer, as_user, django_assert_num_queries):
    # The areas with their monthly summary: AS_OF ends a month, so every range is of whole months.
    with django_assert_num_queries(1):
        small = marac_figures(AS_OF)
    client = as_user(officer)
    _dashboard(client)  # warm the session
    with CaptureQueriesContext(connection) as before:
        _dashboard(client)
    _grow(areas=6, cases_each=12)
    with django_assert_num_queries(1):
        large = marac_figures(AS_OF)
    assert large["area_count"] == small["area_count"] + 6 and large["cases"] == small["cases"] + 72
    with CaptureQueriesContext(connection) as after:
        _dashboard(client)
    assert len(after) == len(before)


REPORT = {
    "title": "Community safety annual report (synthetic)",
    "meeting": "Executive",
    "meeting_date": dt.date(2024, 5, 15),
    "decision_body": "Executive",
    "lead_officer": "Director of Public Health (synthetic)",
    "author_and_contact": "Community safety manager (synthetic)",
    "cabinet_member": "Cabinet member for communities (synthetic)",
    "division_and_local_member": "All",
    "key_decision": "False",
    "publication": "public",
    "summary": "The partnership's MARACs heard more cases this year.",
}


def test_generated_pdf_carries_the_marac_section_and_keeps_its_figures(
    hand_worked, officer, partnership_lead, agency_rep, as_user, tmp_path, django_capture_on_commit_callbacks
):
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils is not installed")
    with time_machine.travel(dt.datetime(2024, 3, 31, 12, tzinfo=LONDON), tick=False):
        client = as_user(officer)
        assert (
            client.post(reverse("reports:report_create"), report_form(REPORT, period_end=AS_OF)).status_code
            == 302
        )
        report = ExecutiveReport.objects.get()
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("reports:report_generate", args=[report.pk]))
    version = ReportVersion.objects.get()
    assert version.status == VersionStatus.READY, version.error
    assert version.snapshot["marac"]["cases"] == 11
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(version.pdf.read())
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    match = re.search(r"(\d+)\. MARAC (?!against)", flat)
    assert match, "the MARAC section heading"
    number = match.group(1)
    section = flat[match.start() :]
    # A numbered section of the paper, not an appendix (its CSV is one).
    assert not re.search(r"— MARAC(?! figures for every area)", flat)
    assert (
        f"{number}.1 In the 12 months from 1 April 2023 to 31 March 2024, 11 cases were discussed" in section
    )
    assert f"{number}.4 Cases discussed each quarter over the last 8 quarters" in section
    for expected in (
        # All areas together: 11 cases (10 at HAND, 1 elsewhere) in 26,000 women.
        "Cases discussed 11 None published",
        "Cases per 10,000 women aged 16 and over 4.2 SafeLives recommends 40; national 47",
        "Repeat cases fewer than 5 cases",  # 4 in all
        "National 36.1%",
        "Children in the households",
        "6 None published",
        "fewer than 5 victims",
        # Both areas heard fewer than 40 cases per 10,000 women. HAND's 10 would give away the
        # other area's 1 (11 in all), so it is not shown, nor the rate worked from it.
        f"{number}.3 2 of the 2 areas heard fewer cases than recommended",
        "Areas that missed a SafeLives benchmark: 12 months to 31 March 2024",
        "Every area's figures are published with this paper as a CSV file",
        "MARAC figures for every area (marac-areas.csv, published with this paper)",
        "Jan to Mar 2024",
        "MARAC cases discussed each quarter",
    ):
        assert expected in section, expected
    hand_name = MaracArea.objects.get(code="HAND").name
    assert f"{hand_name} not shown not shown fewer than 5 cases" in section
    # Every area's figures, as the paper shows them, in the CSV published with it.
    [attachment] = version.attachments.all()
    assert (attachment.title, attachment.file_name) == ("MARAC figures for every area", "marac-areas.csv")
    lines = attachment.file.read().decode().splitlines()
    assert lines[0].startswith("marac_area,area_name,period_start,period_end,cases_discussed,")
    assert lines[1].startswith(",All areas,2023-04-01,2024-03-31,11,4.2,fewer than 5,not shown,")
    assert lines[2 if hand_name < _other_name() else 3].startswith(
        f"HAND,{hand_name},2023-04-01,2024-03-31,not shown,not shown,fewer than 5,not shown,"
    )
    assert len(lines) == 4
    # Whoever may read the version downloads it from the version's page; it is a disclosure.
    lead = as_user(partnership_lead)
    page = lead.get(reverse("reports:version_detail", args=[version.report_id, 1])).content.decode()
    url = reverse("reports:version_attachment", args=[version.report_id, 1, "marac-areas.csv"])
    assert f'href="{url}">MARAC figures for every area (marac-areas.csv)</a>' in page
    download = lead.get(url)
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content).decode().splitlines() == lines
    assert AuditEvent.objects.filter(
        action=AuditAction.DISCLOSE, actor=partnership_lead, detail__part="marac-areas.csv"
    ).exists()
    assert as_user(agency_rep).get(url).status_code == 404
    missing = reverse("reports:version_attachment", args=[version.report_id, 1, "other.csv"])
    assert lead.get(missing).status_code == 404
    # The public paper suppresses small counts and the percentages worked out from them.
    assert "40.0% (4 cases)" not in flat and "10.0% (1 victim)" not in flat
    for referral in Referral.objects.select_related("victim"):
        assert referral.victim.full_name not in flat and referral.reference not in flat

    # A generated version keeps its figures when the underlying data changes.
    ReferralFactory(area=MaracArea.objects.get(code="HAND"), status="heard", heard_date=dt.date(2024, 3, 1))
    version.refresh_from_db()
    assert version.snapshot["marac"]["cases"] == 11
    assert marac_figures(AS_OF)["cases"] == 12
