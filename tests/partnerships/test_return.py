"""The SafeLives data return against figures worked out by hand, and against an independent
pure-Python calculation over the synthetic sample file."""

import csv
import datetime as dt
import io
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.core.management.base import CommandError

from partnerships.imports import import_referrals
from partnerships.selectors import RETURN_COLUMNS, data_return, one_place, rolling_start
from partnerships.services import agencies_load, areas_load

from .factories import MaracAreaFactory, ReferralFactory

DATA = Path(__file__).parent / "data"
pytestmark = pytest.mark.django_db


def test_rounding_half_up_and_rolling_window():
    assert one_place(1, 8) == Decimal("12.5")
    assert one_place(1, 16) == Decimal("6.3")  # 6.25 rounds up
    assert one_place(1, 3) == Decimal("33.3")
    assert one_place(0, 0) is None
    assert rolling_start(dt.date(2024, 3, 31)) == dt.date(2023, 4, 1)
    assert rolling_start(dt.date(2024, 2, 29)) == dt.date(2023, 3, 1)


def test_every_figure_worked_out_by_hand(hand_worked, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        [row] = data_return(areas=[hand_worked], start=dt.date(2024, 1, 1), end=dt.date(2024, 3, 31))
    assert row == {
        "marac_area": "HAND",
        "period_start": "2024-01-01",
        "period_end": "2024-03-31",
        "cases_discussed": 8,
        "repeat_cases": 3,
        "repeat_rate_pct": Decimal("37.5"),
        # 8 in the quarter + 1 Apr 2023 + 31 Dec 2023 = 10; 10 / 16,000 x 10,000 = 6.25 -> 6.3
        "cases_per_10k_rolling_12m": Decimal("6.3"),
        # The count that rate is worked from (the disclosure rule checks it): the 10 above.
        "rolling_cases": 10,
        "police_referrals": 5,
        "non_police_referrals": 3,
        "non_police_pct": Decimal("37.5"),
        "children_in_households": 6,
        "victims_minoritised": 3,
        "victims_minoritised_pct": Decimal("37.5"),
        "victims_lgbt": 1,
        "victims_lgbt_pct": Decimal("12.5"),
        "victims_disabled": 2,
        "victims_disabled_pct": Decimal("25.0"),
        "victims_male": 1,
        "victims_male_pct": Decimal("12.5"),
        "victims_16_17": 2,
        "victims_16_17_pct": Decimal("25.0"),
        "perpetrators_under_18": 2,
    }


def test_empty_period_has_no_percentages(hand_worked):
    [row] = data_return(areas=[hand_worked], start=dt.date(2020, 1, 1), end=dt.date(2020, 3, 31))
    assert row["cases_discussed"] == 0 and row["repeat_rate_pct"] is None
    assert row["cases_per_10k_rolling_12m"] == Decimal("0.0")


def test_minoritised_list_is_a_setting(hand_worked, settings):
    settings.MARAC_MINORITISED_ETHNICITIES = ["asian_indian"]
    [row] = data_return(areas=[hand_worked], start=dt.date(2024, 1, 1), end=dt.date(2024, 3, 31))
    assert row["victims_minoritised"] == 1


def test_query_count_does_not_grow_with_cases_or_areas(hand_worked, django_assert_max_num_queries):
    for n in range(5):
        area = MaracAreaFactory()
        for _ in range(4):
            ReferralFactory(area=area, status="heard", heard_date=dt.date(2024, 2, 1 + n))
    from partnerships.models import MaracArea

    with django_assert_max_num_queries(2):  # the areas, then one aggregate for all of them
        rows = data_return(
            areas=list(MaracArea.objects.all()), start=dt.date(2024, 1, 1), end=dt.date(2024, 3, 31)
        )
    assert len(rows) == 7  # HAND, the other area in the fixture, and five more


def _half_up(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def expected_from_file(area_code: str, start: dt.date, end: dt.date) -> dict:
    """An independent calculation straight from the CSV, with repeats worked out afresh."""
    rows = list(csv.DictReader(open(DATA / "referrals_sample.csv")))
    police = {r["code"] for r in csv.DictReader(open(DATA / "agencies.csv")) if r["type"] == "police"}
    population = {
        r["code"]: int(r["adult_female_population"]) for r in csv.DictReader(open(DATA / "areas.csv"))
    }
    by_victim: dict[str, list[dt.date]] = {}
    for r in rows:
        by_victim.setdefault(r["victim_ref"], []).append(dt.date.fromisoformat(r["referral_date"]))

    def is_repeat(r):
        day = dt.date.fromisoformat(r["referral_date"])
        earlier = [d for d in by_victim[r["victim_ref"]] if d < day]
        return any(d >= day - relativedelta(months=12) for d in earlier)

    heard = [r for r in rows if r["marac_area"] == area_code and r["heard_date"]]
    cases = [r for r in heard if start <= dt.date.fromisoformat(r["heard_date"]) <= end]
    window = [
        r for r in heard if end - relativedelta(months=12) < dt.date.fromisoformat(r["heard_date"]) <= end
    ]
    n = len(cases)
    minoritised = {"white_british", "not_known"}

    def pct(k):
        return _half_up(Decimal(k) * 100 / n) if n else None

    counts = {
        "repeat_cases": sum(is_repeat(r) for r in cases),
        "police_referrals": sum(r["referring_agency"] in police for r in cases),
        "victims_minoritised": sum(r["victim_ethnicity"] not in minoritised for r in cases),
        "victims_lgbt": sum(r["victim_lgbt"] == "yes" for r in cases),
        "victims_disabled": sum(r["victim_disabled"] == "yes" for r in cases),
        "victims_male": sum(r["victim_sex"] == "male" for r in cases),
        "victims_16_17": sum(r["victim_age"] in ("16", "17") for r in cases),
    }
    return {
        "cases_discussed": n,
        **counts,
        "repeat_rate_pct": pct(counts["repeat_cases"]),
        "non_police_referrals": n - counts["police_referrals"],
        "non_police_pct": pct(n - counts["police_referrals"]),
        "children_in_households": sum(int(r["children_in_household"]) for r in cases),
        "victims_minoritised_pct": pct(counts["victims_minoritised"]),
        "victims_lgbt_pct": pct(counts["victims_lgbt"]),
        "victims_disabled_pct": pct(counts["victims_disabled"]),
        "victims_male_pct": pct(counts["victims_male"]),
        "victims_16_17_pct": pct(counts["victims_16_17"]),
        "perpetrators_under_18": sum(
            r["perpetrator_age"] != "" and int(r["perpetrator_age"]) <= 17 for r in cases
        ),
        "cases_per_10k_rolling_12m": _half_up(Decimal(len(window)) * 10000 / population[area_code]),
    }


@pytest.fixture
def sample(db):
    areas_load(actor=None, text=(DATA / "areas.csv").read_text())
    agencies_load(actor=None, text=(DATA / "agencies.csv").read_text())
    import_referrals(actor=None, data=(DATA / "referrals_sample.csv").read_bytes(), file_name="sample.csv")


@pytest.mark.parametrize("area_code", ["MENDIP", "TAUNTON", "EXMOOR"])
@pytest.mark.parametrize(
    ("start", "end"),
    [
        (dt.date(2024, 1, 1), dt.date(2024, 3, 31)),
        (dt.date(2024, 7, 1), dt.date(2024, 9, 30)),
        (dt.date(2023, 10, 1), dt.date(2024, 9, 30)),
        (dt.date(2022, 1, 1), dt.date(2025, 12, 31)),
    ],
)
def test_sample_file_matches_independent_calculation(sample, area_code, start, end):
    from partnerships.models import MaracArea

    [row] = data_return(areas=[MaracArea.objects.get(code=area_code)], start=start, end=end)
    expected = expected_from_file(area_code, start, end)
    assert {k: row[k] for k in expected} == expected
    assert expected["cases_discussed"] > 0


def test_command_writes_the_csv(hand_worked, tmp_path):
    out = tmp_path / "return.csv"
    call_command(
        "marac_return", "--area", "HAND", "--start", "2024-01-01", "--end", "2024-03-31", "--output", str(out)
    )
    rows = list(csv.reader(io.StringIO(out.read_text())))
    assert rows[0] == RETURN_COLUMNS
    assert rows[1][:7] == ["HAND", "2024-01-01", "2024-03-31", "8", "3", "37.5", "6.3"]
    with pytest.raises(CommandError, match="no MARAC area"):
        call_command("marac_return", "--area", "NOPE", "--start", "2024-01-01", "--end", "2024-03-31")
    with pytest.raises(CommandError, match="on or after"):
        call_command("marac_return", "--area", "HAND", "--start", "2024-03-01", "--end", "2024-01-31")


def test_the_page_offers_the_last_eight_quarters_and_financial_years():
    from partnerships.selectors import return_presets

    presets = return_presets(dt.date(2026, 12, 3))
    assert [(start, end) for _, start, end in presets["quarters"]][:2] == [
        (dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
        (dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
    ]
    assert len(presets["quarters"]) == 8
    assert presets["quarters"][-1][1:] == (dt.date(2024, 10, 1), dt.date(2024, 12, 31))
    assert presets["quarters"][0][0] == "July to September 2026"
    assert [label for label, _, _ in presets["years"]] == ["2026/27 so far", "2025/26", "2024/25", "2023/24"]
    assert presets["years"][1][1:] == (dt.date(2025, 4, 1), dt.date(2026, 3, 31))
    # In March the financial year started the April before.
    assert return_presets(dt.date(2027, 3, 31))["years"][0][1:] == (dt.date(2026, 4, 1), dt.date(2027, 3, 31))
