"""MARAC reads: the SafeLives data return and KPIs, possible person matches, list querysets."""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet, Sum

from somerset_safety.accounts.models import AgencyType
from somerset_safety.core.dates import add_months

from . import conf
from .models import MaracArea, Person, PersonRole, Referral, Sex

RETURN_COLUMNS = [
    "marac_area",
    "period_start",
    "period_end",
    "cases_discussed",
    "repeat_cases",
    "repeat_rate_pct",
    "cases_per_10k_rolling_12m",
    "police_referrals",
    "non_police_referrals",
    "non_police_pct",
    "children_in_households",
    "victims_minoritised",
    "victims_minoritised_pct",
    "victims_lgbt",
    "victims_lgbt_pct",
    "victims_disabled",
    "victims_disabled_pct",
    "victims_male",
    "victims_male_pct",
    "victims_16_17",
    "victims_16_17_pct",
    "perpetrators_under_18",
]

# Plain-English names for the browser; the CSV keeps the column names above.
RETURN_LABELS = {
    "cases_discussed": "Cases discussed",
    "repeat_cases": "Repeat cases",
    "repeat_rate_pct": "Repeat rate (%)",
    "cases_per_10k_rolling_12m": "Cases per 10,000 women aged 16 and over (12 months to the period end)",
    "police_referrals": "Referred by the police",
    "non_police_referrals": "Referred by other agencies",
    "non_police_pct": "Referred by other agencies (%)",
    "children_in_households": "Children in the households",
    "victims_minoritised": "Racially minoritised victims",
    "victims_minoritised_pct": "Racially minoritised victims (%)",
    "victims_lgbt": "LGBT+ victims",
    "victims_lgbt_pct": "LGBT+ victims (%)",
    "victims_disabled": "Disabled victims",
    "victims_disabled_pct": "Disabled victims (%)",
    "victims_male": "Male victims",
    "victims_male_pct": "Male victims (%)",
    "victims_16_17": "Victims aged 16 or 17",
    "victims_16_17_pct": "Victims aged 16 or 17 (%)",
    "perpetrators_under_18": "Perpetrators aged 17 or under",
}

_COUNTED = {
    "repeat_cases": "victims_repeat",
    "police_referrals": "police",
    "victims_minoritised": "minoritised",
    "victims_lgbt": "lgbt",
    "victims_disabled": "disabled",
    "victims_male": "male",
    "victims_16_17": "aged_16_17",
}


def one_place(numerator: int | Decimal, denominator: int | Decimal) -> Decimal | None:
    """numerator / denominator × 100 to one decimal place, halves rounded up; None for 0/0."""
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def rolling_start(period_end: date) -> date:
    """The first day of the 12 calendar months ending on `period_end`: the day after the date
    exactly 12 months earlier."""
    return add_months(period_end, -12) + timedelta(days=1)


def data_return(*, areas: QuerySet[MaracArea] | list[MaracArea], start: date, end: date) -> list[dict]:
    """One row per area of the SafeLives data return for cases heard from `start` to `end`
    inclusive. One query whatever the number of cases or areas."""
    areas = list(areas)
    window_start = rolling_start(end)
    in_period = Q(heard_date__gte=start, heard_date__lte=end)
    aggregates = (
        Referral.objects.filter(area__in=areas, heard_date__gte=min(start, window_start), heard_date__lte=end)
        .values("area_id")
        .annotate(
            cases=Count("id", filter=in_period),
            rolling=Count("id", filter=Q(heard_date__gte=window_start)),
            victims_repeat=Count("id", filter=in_period & Q(is_repeat=True)),
            police=Count("id", filter=in_period & Q(referring_agency__agency_type=AgencyType.POLICE)),
            children=Sum("children_in_household", filter=in_period),
            minoritised=Count(
                "id", filter=in_period & Q(victim_ethnicity__in=conf.minoritised_ethnicities())
            ),
            lgbt=Count("id", filter=in_period & Q(victim_lgbt="yes")),
            disabled=Count("id", filter=in_period & Q(victim_disabled="yes")),
            male=Count("id", filter=in_period & Q(victim_sex=Sex.MALE)),
            aged_16_17=Count("id", filter=in_period & Q(victim_age__in=[16, 17])),
            perpetrators_under_18=Count("id", filter=in_period & Q(perpetrator_age__lte=17)),
        )
        .order_by()
    )
    by_area = {row["area_id"]: row for row in aggregates}
    rows = []
    for area in areas:
        agg = by_area.get(area.pk, {})
        cases = agg.get("cases", 0)
        row = {
            "marac_area": area.code,
            "period_start": start.isoformat(),
            "period_end": end.isoformat(),
            "cases_discussed": cases,
        }
        for column, key in _COUNTED.items():
            row[column] = agg.get(key, 0)
        row["non_police_referrals"] = cases - row["police_referrals"]
        row["children_in_households"] = agg.get("children") or 0
        row["perpetrators_under_18"] = agg.get("perpetrators_under_18", 0)
        row["repeat_rate_pct"] = one_place(row["repeat_cases"], cases)
        row["non_police_pct"] = one_place(row["non_police_referrals"], cases)
        for column in (
            "victims_minoritised",
            "victims_lgbt",
            "victims_disabled",
            "victims_male",
            "victims_16_17",
        ):
            row[f"{column}_pct"] = one_place(row[column], cases)
        per_10k = Decimal(agg.get("rolling", 0)) * 10000 / Decimal(area.adult_female_population)
        row["cases_per_10k_rolling_12m"] = per_10k.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        rows.append({column: row[column] for column in RETURN_COLUMNS})
    return rows


def csv_value(value) -> str:
    return "" if value is None else str(value)


def possible_matches(
    *, role: str, full_name: str, date_of_birth: date | None, limit: int = 10
) -> QuerySet[Person]:
    """People already recorded with the same date of birth and a similar name, or the same name."""
    name = " ".join(full_name.split())
    if not name and date_of_birth is None:
        return Person.objects.none()
    condition = Q()
    if name:
        surname = name.split(" ")[-1]
        condition |= Q(full_name__iexact=name)
        if date_of_birth is not None:
            condition |= Q(date_of_birth=date_of_birth, full_name__icontains=surname)
    elif date_of_birth is not None:
        condition |= Q(date_of_birth=date_of_birth)
    return (
        Person.objects.filter(role=role)
        .filter(condition)
        .annotate(
            referral_count=Count(
                "referrals_as_victim" if role == PersonRole.VICTIM else "referrals_as_perpetrator"
            )
        )
        .order_by("full_name", "id")[:limit]
    )


def referral_list(queryset: QuerySet[Referral]) -> QuerySet[Referral]:
    return queryset.select_related("area", "referring_agency", "heard_at")


def overdue_actions_count(queryset, today: date) -> int:
    return queryset.filter(status="open", due_date__lt=today).count()
