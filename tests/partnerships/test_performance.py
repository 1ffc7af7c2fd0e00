"""The performance framework: the written rules at their boundaries for both polarities, values
entered, imported (all or nothing) and worked out from MARAC, release status, the refresh for a
new plan period, and the performance page for officers and leads."""

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from partnerships import selectors as marac_selectors
from partnerships.exceptions import BoardError, ImportRejected
from partnerships.models import Board, Framework, Indicator, IndicatorValue, MaracArea, Release
from partnerships.performance import rules, services
from somerset_safety.deadlines.models import Deadline

from .factories import MaracAreaFactory, ReferralFactory

pytestmark = pytest.mark.django_db

HIGHER, LOWER = "higher", "lower"
Q1, Q2 = dt.date(2025, 4, 1), dt.date(2025, 7, 1)


# --- The rules ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "polarity", "expected"),
    [
        # Target 100, tolerance 5%: amber down to 95 where higher is better, up to 105 where lower is.
        ("100", HIGHER, "green"),
        ("100.01", HIGHER, "green"),
        ("99.99", HIGHER, "amber"),
        ("95", HIGHER, "amber"),
        ("94.99", HIGHER, "red"),
        ("100", LOWER, "green"),
        ("99.99", LOWER, "green"),
        ("100.01", LOWER, "amber"),
        ("105", LOWER, "amber"),
        ("105.01", LOWER, "red"),
    ],
)
def test_rag_against_the_target_at_its_boundaries(value, polarity, expected):
    assert rules.rag(D(value), D("100"), D("5"), polarity) == expected


def test_rag_with_no_tolerance_and_with_nothing_to_rate():
    assert rules.rag(D("99.99"), D("100"), D("0"), HIGHER) == "red"
    assert rules.rag(None, D("100"), D("5"), HIGHER) is None
    assert rules.rag(D("3"), None, D("5"), HIGHER) is None


@pytest.mark.parametrize(
    ("value", "earlier", "polarity", "expected"),
    [
        # The stable band is 2% of the earlier value (50 → 49 to 51 is no change).
        ("51", "50", HIGHER, "no_change"),
        ("49", "50", HIGHER, "no_change"),
        ("51.01", "50", HIGHER, "improving"),
        ("48.99", "50", HIGHER, "worsening"),
        ("51.01", "50", LOWER, "worsening"),
        ("48.99", "50", LOWER, "improving"),
        ("0", "0", LOWER, "no_change"),
        ("1", "0", LOWER, "worsening"),
    ],
)
def test_direction_of_travel_at_its_boundaries(value, earlier, polarity, expected):
    assert rules.direction(D(value), D(earlier), polarity) == expected


def test_direction_and_rating_are_separate_judgements():
    """A fall since last quarter reads worsening while the value is still above its target."""
    assert rules.rag(D("120"), D("100"), D("5"), HIGHER) == "green"
    assert rules.direction(D("120"), D("140"), HIGHER) == "worsening"


def test_comparator_position_and_priority_status():
    assert rules.comparator_position(D("10"), D("12"), LOWER) == "better"
    assert rules.comparator_position(D("10"), D("10.2"), LOWER) == "similar"
    assert rules.comparator_position(D("10"), D("12"), HIGHER) == "worse"
    assert rules.priority_status(["green", "amber", None]) == "amber"
    assert rules.priority_status(["green", "red", "amber"]) == "red"
    assert rules.priority_status(["green", None]) == "green"
    assert rules.priority_status([None]) is None


# --- A framework with five indicators --------------------------------------------------------------


@pytest.fixture
def framework(officer):
    board = Board.objects.get(code="ssp")
    fw = services.framework_create(
        actor=officer,
        board=board,
        title="Partnership plan (synthetic)",
        period_start=Q1,
        period_end=dt.date(2028, 3, 31),
    )
    priority = services.priority_add(actor=officer, framework=fw, title="Reduce violence (synthetic)")
    other = services.priority_add(actor=officer, framework=fw, title="Protect victims (synthetic)")
    base = dict(definition="Synthetic definition.", tolerance_pct=D("5"), frequency="quarterly")
    specs = [
        ("VC1", "Violent crimes", "police_recorded_crime", "number", LOWER, D("1000"), priority, False),
        ("KC1", "Knife crimes", "knife_crime", "number", LOWER, D("50"), priority, False),
        (
            "ASB1",
            "ASB incidents per 1,000",
            "asb_incidents",
            "rate_per_1000",
            LOWER,
            D("20"),
            priority,
            False,
        ),
        ("DA1", "Domestic abuse victims", "domestic_abuse_incidents", "number", HIGHER, D("10"), other, True),
        ("MC1", "MARAC cases discussed", "marac_cases", "number", HIGHER, D("8"), other, True),
    ]
    for code, name, source, unit, polarity, target, prio, people in specs:
        services.indicator_create(
            actor=officer,
            framework=fw,
            values=dict(
                base,
                priority=prio,
                code=code,
                name=name,
                source=source,
                unit=unit,
                polarity=polarity,
                target=target,
                counts_people=people,
                comparator="msg" if code == "VC1" else "",
            ),
        )
    return fw


def ids(framework):
    return {i.code: i.pk for i in framework.indicators.all()}


def test_a_quarters_values_are_entered_and_judged(officer, framework):
    by_code = ids(framework)
    services.values_record_quarter(
        actor=officer,
        framework=framework,
        period_start=Q1,
        entries={by_code["VC1"]: (D("1100"), D("1000")), by_code["KC1"]: (D("50"), None)},
    )
    services.values_record_quarter(
        actor=officer,
        framework=framework,
        period_start=Q2,
        entries={
            by_code["VC1"]: (D("1040"), D("1100")),
            by_code["KC1"]: (D("60"), None),
            by_code["DA1"]: (D("3"), None),
        },
    )
    figures = services_figures(framework, Q2)
    rows = {r["code"]: r for p in figures["priorities"] for r in p["indicators"]}
    # 1,040 against 1,000 (lower is better, 5%): amber; down from 1,100 by more than 2%: improving.
    assert (rows["VC1"]["rag"], rows["VC1"]["since_last_quarter"]) == ("amber", "Improving")
    assert rows["VC1"]["against_comparator"] == "Better"
    # 60 knife crimes against 50: red; up from 50: worsening.
    assert (rows["KC1"]["rag"], rows["KC1"]["since_last_quarter"]) == ("red", "Worsening")
    assert rows["ASB1"]["rag"] is None and rows["ASB1"]["value"] == "–"
    priority = figures["priorities"][0]
    assert (priority["status"], priority["because"]) == ("red", ["KC1"])
    # The officer sees the small count of people; a lead reads "fewer than 5".
    assert rows["DA1"]["value"] == "3"
    lead_rows = {
        r["code"]: r
        for p in services_figures(framework, Q2, suppress=True)["priorities"]
        for r in p["indicators"]
    }
    assert lead_rows["DA1"]["value"] == "fewer than 5"


def services_figures(framework, quarter, *, suppress=False, releases=tuple(Release.values)):
    from partnerships.performance.selectors import framework_figures

    return framework_figures(framework, quarter, releases=releases, suppress=suppress)


def test_values_of_computed_indicators_and_quarters_outside_the_period_are_refused(officer, framework):
    by_code = ids(framework)
    with pytest.raises(BoardError, match="worked out by this service"):
        services.values_record_quarter(
            actor=officer, framework=framework, period_start=Q1, entries={by_code["MC1"]: (D("5"), None)}
        )
    with pytest.raises(BoardError, match="not a quarter of this framework"):
        services.values_record_quarter(
            actor=officer,
            framework=framework,
            period_start=dt.date(2024, 1, 1),
            entries={by_code["VC1"]: (D("5"), None)},
        )
    assert IndicatorValue.objects.count() == 0


def csv_file(text, name="values.csv"):
    return text.encode(), name


def test_an_import_with_any_bad_row_writes_nothing_and_lists_every_problem(officer, framework):
    data = (
        "indicator,quarter_start,value,comparator_value\n"
        "VC1,2025-04-01,1100,1000\n"
        "XX9,2025-04-01,5,\n"
        "KC1,2025-05-01,5,\n"
        "ASB1,2025-04-01,lots,\n"
        "MC1,2025-04-01,4,\n"
        "VC1,2025-04-01,1200,\n"
    )
    with pytest.raises(ImportRejected) as rejected:
        services.values_import(actor=officer, framework=framework, data=data.encode(), file_name="values.csv")
    problems = {(row, column) for row, column, _ in rejected.value.errors}
    assert problems == {
        (3, "indicator"),
        (4, "quarter_start"),
        (5, "value"),
        (6, "indicator"),
        (7, "indicator"),
    }
    assert IndicatorValue.objects.count() == 0


def test_an_import_needs_the_header_and_a_readable_file(officer, framework):
    with pytest.raises(ImportRejected, match="Nothing has been saved"):
        services.values_import(
            actor=officer, framework=framework, data=b"code,value\nVC1,3\n", file_name="v.csv"
        )
    with pytest.raises(ImportRejected):
        services.values_import(
            actor=officer, framework=framework, data=b"PK\x03\x04broken", file_name="v.xlsx"
        )
    with pytest.raises(ImportRejected):
        services.values_import(actor=officer, framework=framework, data=b"a,b", file_name="v.txt")
    assert IndicatorValue.objects.count() == 0


def test_a_clean_excel_import_records_every_value_restricted(officer, framework):
    book = Workbook()
    sheet = book.active
    sheet.append(["indicator", "quarter_start", "value", "comparator_value"])
    sheet.append(["asb1", "2025-04-01", 21.5, None])
    sheet.append(["KC1", dt.date(2025, 7, 1), 48, None])
    out = io.BytesIO()
    book.save(out)
    assert (
        services.values_import(actor=officer, framework=framework, data=out.getvalue(), file_name="v.xlsx")
        == 2
    )
    values = {
        (v.indicator.code, v.period_start): v for v in IndicatorValue.objects.select_related("indicator")
    }
    assert values[("ASB1", Q1)].value == D("21.5") and values[("ASB1", Q1)].origin == "imported"
    assert values[("KC1", Q2)].release == Release.RESTRICTED


def test_computed_indicators_equal_the_marac_figures_for_the_same_quarter(officer, framework):
    north = MaracAreaFactory(code="NORTH")
    south = MaracAreaFactory(code="SOUTH")
    for day, area, repeat in [
        (dt.date(2025, 4, 1), north, False),
        (dt.date(2025, 5, 15), north, True),
        (dt.date(2025, 6, 30), south, False),
        (dt.date(2025, 7, 1), south, False),  # the next quarter
        (dt.date(2025, 3, 31), north, False),  # the quarter before
    ]:
        ReferralFactory(
            area=area,
            status="heard",
            heard_date=day,
            referral_date=day - dt.timedelta(days=7),
            is_repeat=repeat,
        )
    services.indicator_create(
        actor=officer,
        framework=framework,
        values=dict(
            priority=framework.priorities.first(),
            code="MR1",
            name="MARAC repeat rate",
            definition="Synthetic.",
            source="marac_repeat_rate",
            unit="percent",
            polarity=HIGHER,
            tolerance_pct=D("5"),
        ),
    )
    assert services.values_compute(actor=officer, framework=framework, period_start=Q1) == 2
    rows = marac_selectors.data_return(areas=MaracArea.objects.all(), start=Q1, end=dt.date(2025, 6, 30))
    cases = sum(r["cases_discussed"] for r in rows)
    values = {v.indicator.code: v.value for v in IndicatorValue.objects.select_related("indicator")}
    assert values["MC1"] == cases == 3
    assert (
        values["MR1"] == marac_selectors.one_place(sum(r["repeat_cases"] for r in rows), cases) == D("33.3")
    )


def test_release_records_who_approved_and_a_correction_reopens_it(officer, framework, partnership_lead):
    by_code = ids(framework)
    services.values_record_quarter(
        actor=officer, framework=framework, period_start=Q1, entries={by_code["VC1"]: (D("900"), None)}
    )
    value = IndicatorValue.objects.get()
    assert set(
        services_figures(framework, Q1, releases=["provisional", "public"])["priorities"][0]["indicators"][
            0
        ].items()
    ) >= {("value", "–")}
    value = services.value_release(actor=officer, value=value, move="publish")
    assert (value.release, value.approved_by, value.approved_at is not None) == (
        Release.PUBLIC,
        officer,
        True,
    )
    with pytest.raises(BoardError):
        services.value_release(actor=officer, value=value, move="provisional")
    services.values_record_quarter(
        actor=officer, framework=framework, period_start=Q1, entries={by_code["VC1"]: (D("950"), None)}
    )
    value.refresh_from_db()
    assert (value.release, value.approved_by, value.value) == (Release.RESTRICTED, None, D("950"))


def test_the_refresh_copies_the_framework_and_keeps_the_old_one(officer, framework):
    by_code = ids(framework)
    services.values_record_quarter(
        actor=officer, framework=framework, period_start=Q1, entries={by_code["VC1"]: (D("900"), None)}
    )
    new = services.framework_refresh(
        actor=officer,
        framework=framework,
        title="Plan 2028 (synthetic)",
        period_start=dt.date(2028, 4, 1),
        period_end=dt.date(2031, 3, 31),
    )
    assert new.copied_from == framework
    assert sorted(new.indicators.values_list("code", flat=True)) == sorted(by_code)
    assert [p.title for p in new.priorities.order_by("number")] == [
        "Reduce violence (synthetic)",
        "Protect victims (synthetic)",
    ]
    assert not IndicatorValue.objects.filter(indicator__framework=new).exists()
    assert IndicatorValue.objects.filter(indicator__framework=framework).count() == 1
    with pytest.raises(BoardError, match="must start after"):
        services.framework_refresh(
            actor=officer, framework=new, title="x", period_start=Q1, period_end=dt.date(2026, 3, 31)
        )


def test_each_indicator_has_a_return_deadline_per_quarter(officer, framework):
    vc1 = Indicator.objects.get(framework=framework, code="VC1")
    due = Deadline.objects.filter(kind="indicator_return", subject_id=str(vc1.pk)).order_by("due_date")
    assert due.count() == 12
    assert due.first().due_date == dt.date(2025, 6, 30) + dt.timedelta(days=42)
    services.values_record_quarter(
        actor=officer, framework=framework, period_start=Q1, entries={vc1.pk: (D("9"), None)}
    )
    assert due.first().met_on is not None


def test_an_indicator_return_is_the_teams_not_a_named_persons(officer, framework, agency_rep):
    """Only officers enter, import and approve values, so each return is the community safety
    team's (no named person, no agency), even on a board with a chair, who could not meet it."""
    from partnerships.boards import services as boards

    boards.board_member_add(
        actor=officer, board=framework.board, user=agency_rep, role="chair", joined_on=dt.date(2025, 4, 1)
    )
    vc1 = Indicator.objects.get(framework=framework, code="VC1")
    services.values_record_quarter(  # its clocks are worked out again
        actor=officer, framework=framework, period_start=Q1, entries={vc1.pk: (D("9"), None)}
    )
    due = Deadline.objects.filter(kind="indicator_return", subject_id=str(vc1.pk)).prefetch_related(
        "responsible_users"
    )
    assert [(d.responsible_agency_id, list(d.responsible_users.all())) for d in due] == [(None, [])] * 12


# --- Pages -------------------------------------------------------------------------------------------


def test_the_performance_page_for_an_officer_and_a_lead(
    as_user, officer, partnership_lead, framework, django_assert_max_num_queries
):
    by_code = ids(framework)
    services.values_record_quarter(
        actor=officer,
        framework=framework,
        period_start=Q1,
        entries={by_code["VC1"]: (D("1100"), None), by_code["KC1"]: (D("40"), None)},
    )
    services.value_release(
        actor=officer, value=IndicatorValue.objects.get(indicator__code="KC1"), move="provisional"
    )
    url = reverse("partnerships:framework", args=[framework.pk]) + "?quarter=2025-04-01"
    client = as_user(officer)
    with django_assert_max_num_queries(20):
        page = client.get(url).content.decode()
    assert "1,100" in page and "Enter values for Q1 2025/26" in page
    lead_page = as_user(partnership_lead).get(url).content.decode()
    assert "1,100" not in lead_page  # still restricted
    assert "Enter values" not in lead_page
    assert (
        as_user(partnership_lead)
        .get(reverse("partnerships:framework_values", args=[framework.pk]))
        .status_code
        == 403
    )


def test_the_indicator_page_shows_its_history_and_chart(as_user, officer, framework):
    vc1 = Indicator.objects.get(framework=framework, code="VC1")
    services.values_record_quarter(
        actor=officer, framework=framework, period_start=Q1, entries={vc1.pk: (D("1100"), None)}
    )
    page = as_user(officer).get(reverse("partnerships:indicator", args=[vc1.pk])).content.decode()
    assert "Q1 2025/26" in page and "Approve for publication" in page and "<img" in page


def test_the_import_page_shows_the_problems_and_saves_nothing(as_user, officer, framework):
    upload = SimpleUploadedFile(
        "v.csv", b"indicator,quarter_start,value,comparator_value\nXX,2025-04-01,3,\n", "text/csv"
    )
    response = as_user(officer).post(
        reverse("partnerships:framework_import", args=[framework.pk]), {"file": upload}
    )
    page = response.content.decode()
    assert (
        response.status_code == 200
        and "Nothing has been saved" in page
        and "is not an indicator of this framework" in page
    )
    assert IndicatorValue.objects.count() == 0


def test_framework_pages_render_for_an_officer(as_user, officer, framework):
    client = as_user(officer)
    vc1 = Indicator.objects.get(framework=framework, code="VC1")
    for url in [
        reverse("partnerships:performance_home"),
        reverse("partnerships:performance_rules"),
        reverse("partnerships:framework_values", args=[framework.pk]) + "?quarter=2025-07-01",
        reverse("partnerships:framework_import", args=[framework.pk]),
        reverse("partnerships:framework_compute", args=[framework.pk]),
        reverse("partnerships:framework_refresh", args=[framework.pk]),
        reverse("partnerships:priority_add", args=[framework.pk]),
        reverse("partnerships:indicator_add", args=[framework.pk]),
        reverse("partnerships:indicator_edit", args=[vc1.pk]),
        reverse("partnerships:framework_create", args=["prevent"]),
    ]:
        assert client.get(url).status_code == 200, url


def test_a_member_of_another_board_cannot_see_the_framework(as_user, officer, other_agency_rep, framework):
    from partnerships.boards.services import board_member_add

    board_member_add(
        actor=officer,
        board=Board.objects.get(code="prevent"),
        user=other_agency_rep,
        role="member",
        joined_on=dt.date(2025, 1, 1),
    )
    assert (
        as_user(other_agency_rep).get(reverse("partnerships:framework", args=[framework.pk])).status_code
        == 404
    )
    assert Framework.objects.count() == 1
