"""The performance section and the decisions section of the Executive report, and the boards'
demo data."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.template.loader import render_to_string

from partnerships.boards import services as board_services
from partnerships.boards.demo import load_demo
from partnerships.models import Board, BoardMeeting, Decision, Framework, IndicatorValue, Release
from partnerships.performance import services
from partnerships.performance.reporting import decisions_figures, performance_figures
from partnerships.performance.selectors import framework_figures
from somerset_safety.meetings import services as meetings
from somerset_safety.reports.periods import ReportPeriod
from somerset_safety.reports.registry import report_sections

from .test_performance import Q1, Q2, framework  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

PERIOD = ReportPeriod("quarter", dt.date(2025, 7, 1), dt.date(2025, 9, 30))


def test_the_sections_are_registered():
    keys = [s.key for s in report_sections()]
    assert "performance" in keys and "board_decisions" in keys


def test_only_public_values_reach_the_paper(officer, framework):  # noqa: F811
    by_code = {i.code: i.pk for i in framework.indicators.all()}
    services.values_record_quarter(
        actor=officer,
        framework=framework,
        period_start=Q1,
        entries={
            by_code["VC1"]: (D("980"), None),
            by_code["KC1"]: (D("70"), None),
            by_code["DA1"]: (D("4"), None),
        },
    )
    for code in ("VC1", "DA1"):
        services.value_release(
            actor=officer, value=IndicatorValue.objects.get(indicator__code=code), move="publish"
        )
    data = performance_figures(PERIOD)
    (figures,) = data["frameworks"]
    assert figures["quarter_name"] == "Q1 2025/26"  # Q2 has ended too, but has no public values
    rows = {r["code"]: r for p in figures["priorities"] for r in p["indicators"]}
    assert rows["VC1"]["value"] == "980" and rows["VC1"]["rag"] == "green"
    assert rows["KC1"]["value"] == "–"  # restricted: not in the paper
    assert rows["DA1"]["value"] == "fewer than 5"  # a small count of people, always suppressed here
    html = render_to_string("partnerships/performance/report_section.html", {"data": data, "number": 4})
    assert "4.1" in html and "980" in html and "70" not in html.replace("1970", "")


def test_the_panel_gives_what_each_framework_reads_for_itself(officer, framework):  # noqa: F811
    """The frameworks read with their values, indicators and priorities in one query (as JSON)
    give exactly what framework_figures() reads through the ORM: decimals, comparators,
    rates, a previous quarter's small count of people suppressed, a restricted value left out.
    (MC1 is worked out from the MARAC records, none here.)
    Q2 2025/26 is the latest quarter ended by 30 September 2025 with public values."""
    by_code = {i.code: i.pk for i in framework.indicators.all()}
    entries = {
        Q1: {"VC1": ("1012.50", "950.25"), "ASB1": ("12.35", None), "DA1": ("4", None)},
        Q2: {"VC1": ("990", "960"), "ASB1": ("19.99", None), "DA1": ("7", None), "KC1": ("51", None)},
    }
    for quarter, values in entries.items():
        services.values_record_quarter(
            actor=officer,
            framework=framework,
            period_start=quarter,
            entries={
                by_code[code]: (D(value), D(comparator) if comparator else None)
                for code, (value, comparator) in values.items()
            },
        )
    for value in IndicatorValue.objects.exclude(indicator__code="KC1"):
        services.value_release(actor=officer, value=value, move="publish")
    (figures,) = performance_figures(PERIOD)["frameworks"]
    assert figures == framework_figures(framework, Q2, releases={Release.PUBLIC}, suppress=True)
    rows = {r["code"]: r for p in figures["priorities"] for r in p["indicators"]}
    assert (rows["VC1"]["value"], rows["VC1"]["previous"], rows["VC1"]["comparator_value"]) == (
        "990",
        "1,012.5",
        "960",
    )
    assert (rows["ASB1"]["value"], rows["ASB1"]["previous"]) == ("19.99 per 1,000", "12.35 per 1,000")
    assert (rows["DA1"]["value"], rows["DA1"]["previous"], rows["DA1"]["suppressed"]) == (
        "7",
        "fewer than 5",
        True,
    )
    assert rows["KC1"]["value"] == "–" and rows["MC1"]["value"] == "–"  # MC1: none worked out yet


def test_the_decisions_section_lists_the_period_without_exempt_papers(officer, agency_rep):
    board = Board.objects.get(code="ssp")
    member = board_services.board_member_add(
        actor=officer, board=board, user=agency_rep, role="chair", joined_on=dt.date(2025, 1, 1)
    )
    meeting = board_services.board_meeting_schedule(actor=officer, board=board, date=dt.date(2025, 8, 5))
    from django.core.files.uploadedfile import SimpleUploadedFile

    board_services.board_paper_add(
        actor=officer,
        meeting=meeting,
        title="Problem profile (synthetic)",
        author="Police analyst",
        author_agency=agency_rep.agency,
        purpose="decision",
        document=SimpleUploadedFile("p.pdf", b"%PDF-1.4\n%%EOF\n"),
        exempt=True,
        exempt_reason="Police data",
        readers=[member],
    )
    meetings.agenda_add_other_business(actor=officer, meeting=meeting, title="Annual report")
    meetings.meeting_start(actor=officer, meeting=meeting)
    exempt_item, public_item = sorted(
        BoardMeeting.objects.get(pk=meeting.pk).agenda_items.all(), key=lambda i: i.section
    )
    board_services.decision_record(
        actor=officer, item=exempt_item, wording="Target the group.", proposed_by=member
    )
    board_services.decision_record(
        actor=officer, item=public_item, wording="Publish the report.", proposed_by=member
    )
    data = decisions_figures(PERIOD)
    assert data["boards"] == [
        {
            "name": "Safer Somerset Partnership",
            "decisions": [
                {"reference": "SSP/2025/002", "date": "2025-08-05", "wording": "Publish the report."}
            ],
        }
    ]
    assert (
        decisions_figures(ReportPeriod("quarter", dt.date(2025, 4, 1), dt.date(2025, 6, 30)))["boards"] == []
    )


def test_the_demo_loader_is_idempotent_and_synthetic(officer, agency_rep, other_agency_rep, partnership_lead):
    users = {
        "officer": officer,
        "police_rep": agency_rep,
        "housing_rep": other_agency_rep,
        "lead": partnership_lead,
    }
    load_demo(users)
    counts = (Decision.objects.count(), BoardMeeting.objects.count(), IndicatorValue.objects.count())
    load_demo(users)
    assert counts == (Decision.objects.count(), BoardMeeting.objects.count(), IndicatorValue.objects.count())
    assert counts[:2] == (1, 2) and counts[2] >= 5
    demo = Framework.objects.get()
    assert "(synthetic)" in demo.title
    assert all("(synthetic)" in i.name for i in demo.indicators.all())
    assert IndicatorValue.objects.filter(release="public").exists()


def test_every_current_framework_in_one_query(officer, framework, django_assert_num_queries):  # noqa: F811
    """Each framework's own priorities, indicators and values, read for all frameworks at once."""
    other = services.framework_create(
        actor=officer,
        board=Board.objects.get(code="prevent"),
        title="Prevent plan (synthetic)",
        period_start=Q1,
        period_end=dt.date(2028, 3, 31),
    )
    priority = services.priority_add(actor=officer, framework=other, title="Prevent referrals (synthetic)")
    services.indicator_create(
        actor=officer,
        framework=other,
        values=dict(
            definition="Synthetic definition.",
            tolerance_pct=D("5"),
            frequency="quarterly",
            priority=priority,
            code="PR1",
            name="Prevent referrals",
            source="police_recorded_crime",
            unit="number",
            polarity="higher",
            target=D("30"),
            counts_people=False,
            comparator="",
        ),
    )
    for fw, code, value in ((framework, "VC1", "900"), (other, "PR1", "31")):
        indicator = fw.indicators.get(code=code)
        services.values_record_quarter(
            actor=officer, framework=fw, period_start=Q1, entries={indicator.pk: (D(value), None)}
        )
        services.value_release(
            actor=officer, value=IndicatorValue.objects.get(indicator=indicator), move="publish"
        )
    # The frameworks, each with its public values, its indicators and its priorities.
    with django_assert_num_queries(1):
        data = performance_figures(PERIOD)
    shown = {
        f["board"]: {p["title"]: {r["code"]: r["value"] for r in p["indicators"]} for p in f["priorities"]}
        for f in data["frameworks"]
    }
    assert shown[other.board.name] == {"Prevent referrals (synthetic)": {"PR1": "31"}}
    ssp = shown[framework.board.name]
    assert (
        ssp["Reduce violence (synthetic)"]["VC1"] == "900" and "PR1" not in ssp["Reduce violence (synthetic)"]
    )
    assert set(ssp) == {"Reduce violence (synthetic)", "Protect victims (synthetic)"}
