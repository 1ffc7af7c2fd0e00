"""MARAC reads: the SafeLives data return and KPIs, the dashboard and report figures, possible
person matches, list querysets."""

import functools
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)

from somerset_safety.accounts.models import Agency, AgencyType
from somerset_safety.core.compiled import Statement, compile_once
from somerset_safety.core.dates import add_months
from somerset_safety.core.dates import today as local_today
from somerset_safety.core.names import normalise_name
from somerset_safety.meetings.models import Body, MeetingStatus
from somerset_safety.meetings.models import Meeting as PlatformMeeting

from . import conf, summary
from .models import DashAnswer, MaracArea, Person, PersonRole, Referral, Sex

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


def heard_between(start: date, end: date) -> Q:
    """A case counts in a period when it was heard (discussed at a meeting) in it."""
    return Q(heard_date__gte=start, heard_date__lte=end)


def _return_query(area_ids: list[int], start: date, end: date, window_start: date, low: date) -> QuerySet:
    """The data return's counts per area, for cases heard from `start` to `end` (and from
    `window_start`, for the rolling rate), reading the cases heard from `low` (the earlier)."""
    # Every row read was heard on or before `end`, so a case is in the period from `start` on,
    # and the police are a small set read once by the statement (no join row by row).
    in_period = Q(heard_date__gte=start)
    police = Agency.objects.filter(agency_type=AgencyType.POLICE).values("pk")
    return (
        Referral.objects.filter(area_id__in=area_ids, heard_date__gte=low, heard_date__lte=end)
        .values("area_id")
        .annotate(
            cases=Count("id", filter=in_period),
            rolling=Count("id", filter=Q(heard_date__gte=window_start)),
            victims_repeat=Count("id", filter=in_period & Q(is_repeat=True)),
            police=Count("id", filter=in_period & Q(referring_agency_id__in=police)),
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


@functools.lru_cache(maxsize=64)
def _return_statement(vendor: str, areas: int, minoritised: tuple[str, ...]) -> Statement:
    """The return's statement for a number of areas (and the minoritised codes in force),
    compiled once (core.compiled): the ORM's compiling cost more than the database's counting
    (issue 13). `vendor` and `minoritised` are part of the key only: _return_query reads the
    setting."""
    del vendor, minoritised
    names = [f"area_{n}" for n in range(areas)]
    return compile_once(
        lambda s: _return_query([s[name] for name in names], s["start"], s["end"], s["window"], s["low"]),
        days=["start", "end", "window", "low"],
        ids=names,
    )


def data_return(*, areas: QuerySet[MaracArea] | list[MaracArea], start: date, end: date) -> list[dict]:
    """One row per area of the SafeLives data return for cases heard from `start` to `end`
    inclusive. One query whatever the number of cases or areas, its SQL compiled once."""
    areas = list(areas)
    if not areas:
        return []
    statement = _return_statement(connection.vendor, len(areas), tuple(conf.minoritised_ethnicities()))
    window_start = rolling_start(end)
    names, rows = statement.run(
        days={"start": start, "end": end, "window": window_start, "low": min(start, window_start)},
        ids={f"area_{n}": area.pk for n, area in enumerate(areas)},
    )
    by_area = {row["area_id"]: row for row in (dict(zip(names, values, strict=True)) for values in rows)}
    return [return_row(area, start, end, by_area.get(area.pk, {})) for area in areas]


def return_row(area: MaracArea, start: date, end: date, agg: dict) -> dict:
    """One row of the data return from the area's counts: `cases`, `rolling` (the cases in the
    12 months to `end`) and the columns of partnerships.summary."""
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
    # The cases the rate per 10,000 is worked from (not a column of the return itself).
    return {**{column: row[column] for column in RETURN_COLUMNS}, "rolling_cases": agg.get("rolling", 0)}


# The figures partnership leads watch, in the order of the report: label, the return column
# counted, the return column of its percentage or rate, and what the count is of.
KPI_ROWS = [
    ("cases", "Cases discussed", "cases_discussed", None, "case"),
    (
        "rate",
        "Cases per 10,000 women aged 16 and over",
        "cases_discussed",
        "cases_per_10k_rolling_12m",
        "case",
    ),
    ("repeat", "Repeat cases", "repeat_cases", "repeat_rate_pct", "case"),
    (
        "non_police",
        "Referred by agencies other than the police",
        "non_police_referrals",
        "non_police_pct",
        "case",
    ),
    (
        "minoritised",
        "Racially minoritised victims",
        "victims_minoritised",
        "victims_minoritised_pct",
        "victim",
    ),
    ("lgbt", "LGBT+ victims", "victims_lgbt", "victims_lgbt_pct", "victim"),
    ("disabled", "Disabled victims", "victims_disabled", "victims_disabled_pct", "victim"),
    ("male", "Male victims", "victims_male", "victims_male_pct", "victim"),
    ("aged_16_17", "Victims aged 16 or 17", "victims_16_17", "victims_16_17_pct", "victim"),
    ("perpetrators_under_18", "Perpetrators aged 17 or under", "perpetrators_under_18", None, "perpetrator"),
    ("children", "Children in the households", "children_in_households", None, "child"),
]


def trend_quarters(as_of: date, count: int) -> list[tuple[date, date]]:
    """The last `count` calendar quarters up to `as_of`, oldest first; the latest is counted to
    `as_of` (to date) unless `as_of` is its last day."""
    current = date(as_of.year, 3 * ((as_of.month - 1) // 3) + 1, 1)
    quarters = []
    for back in range(count - 1, -1, -1):
        start = add_months(current, -3 * back)
        quarters.append((start, min(add_months(start, 3) - timedelta(days=1), as_of)))
    return quarters


def _quarter_is_partial(start: date, end: date) -> bool:
    return end < add_months(start, 3) - timedelta(days=1)


def _financial_quarter(start: date) -> str:
    """'Q1 24/25' for April to June 2024: the council's financial year runs from 1 April."""
    year = start.year if start.month >= 4 else start.year - 1
    return f"Q{(start.month - 4) % 12 // 3 + 1} {year % 100:02d}/{(year + 1) % 100:02d}"


def _quarter_label(start: date, end: date) -> str:
    label = f"{start:%b} to {add_months(start, 2):%b %Y}"
    if _quarter_is_partial(start, end):
        label += f" (to {end.day} {end:%b})"
    return label


def _decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _kpis(row: dict, benchmarks: dict[str, str]) -> list[dict]:
    """The KPI rows of one data return row (an area's, or all areas' together)."""
    kpis = []
    for key, label, count_column, figure_column, unit in KPI_ROWS:
        figure = row[figure_column] if figure_column else None
        kpis.append(
            {
                "key": key,
                "label": label,
                "count": row[count_column],
                "percent": _decimal_text(figure)
                if figure_column and figure_column.endswith("_pct")
                else None,
                "rate": _decimal_text(figure) if key == "rate" else None,
                "unit": unit,
                "benchmark": benchmarks.get(figure_column or count_column, ""),
            }
        )
    return kpis


def marac_figures(as_of: date) -> dict:
    """The MARAC KPIs per area for the 12 months ending on `as_of` with the SafeLives benchmarks
    beside them, and cases discussed per calendar quarter: the Executive report's MARAC section
    and the dashboard panel. Aggregate figures only, JSON-able (it is frozen in report versions).

    `totals` are all areas together (counts added up, rates worked out from the sums) and
    `repeat_expected` the range of repeat rates SafeLives expects, for the areas the paper lists
    as missing a benchmark (partnerships.reporting.areas_missing_benchmarks).

    Areas are the active ones and any other that heard a case in the period shown. Whole months
    come from the monthly summary (partnerships.summary), the days of a month not yet whole
    from the referrals: one query whatever the number of cases or areas (the areas with their
    whole months, and the days counted in a subquery of it).
    """
    start = rolling_start(as_of)
    quarters = trend_quarters(as_of, conf.trend_quarters())
    earliest = min(start, quarters[0][0])
    heard_in_window = Referral.objects.filter(area=OuterRef("pk")).filter(heard_between(earliest, as_of))
    ranges = {"year": (start, as_of), **{f"q{i}": quarter for i, quarter in enumerate(quarters)}}
    areas, counted = summary.counts_between(
        MaracArea.objects.filter(Q(active=True) | Q(Exists(heard_in_window))).order_by("name", "pk"),
        ranges,
        {f"q{i}": ["cases"] for i in range(len(quarters))},
    )
    returns = {
        area.code: return_row(
            area, start, as_of, {**counted[area.pk]["year"], "rolling": counted[area.pk]["year"]["cases"]}
        )
        for area in areas
    }
    quarterly = {
        area.pk: {f"q{i}": counted[area.pk][f"q{i}"]["cases"] for i in range(len(quarters))} for area in areas
    }
    benchmarks = conf.benchmarks()
    recommended = Decimal(conf.recommended_cases_per_10k())
    area_rows, trend_rows = [], []
    for area in areas:
        row = returns[area.code]
        area_rows.append(
            {
                "name": area.name,
                "code": area.code,
                "cases": row["cases_discussed"],
                "below_recommended": row["cases_per_10k_rolling_12m"] < recommended,
                "kpis": _kpis(row, benchmarks),
            }
        )
        counts = quarterly.get(area.pk, {})
        trend_rows.append(
            {
                "name": area.name,
                "code": area.code,
                "counts": [counts.get(f"q{i}", 0) for i in range(len(quarters))],
            }
        )
    totals = None
    if areas:
        together = {column: sum(counted[a.pk]["year"][column] for a in areas) for column in summary.COLUMNS}
        partnership = SimpleNamespace(
            code="", adult_female_population=sum(a.adult_female_population for a in areas)
        )
        totals = {
            "kpis": _kpis(
                return_row(partnership, start, as_of, {**together, "rolling": together["cases"]}), benchmarks
            )
        }
    return {
        "as_of": as_of.isoformat(),
        "period_start": start.isoformat(),
        "totals": totals,
        "repeat_expected": [str(bound) for bound in conf.expected_repeat_rate()],
        "period_end": as_of.isoformat(),
        "cases": sum(a["cases"] for a in area_rows),
        "area_count": len(area_rows),
        "areas_below_recommended": sum(a["below_recommended"] for a in area_rows),
        "recommended_per_10k": int(recommended),
        "benchmark_source": conf.benchmark_source(),
        "areas": area_rows,
        "trend": {
            "quarters": [
                {
                    "label": _quarter_label(q_start, q_end),
                    "short": _financial_quarter(q_start),
                    "start": q_start.isoformat(),
                    "end": q_end.isoformat(),
                }
                for q_start, q_end in quarters
            ],
            "latest_to_date": _quarter_is_partial(*quarters[-1]),
            "areas": trend_rows,
            "total": [sum(r["counts"][i] for r in trend_rows) for i in range(len(quarters))],
        },
    }


def csv_value(value) -> str:
    return "" if value is None else str(value)


# Trigram similarity (PostgreSQL pg_trgm, 0 to 1) above which a name is a near match: with the
# same date of birth, or where a date of birth is missing on either side.
NEAR_WITH_SAME_BIRTH = 0.3
NEAR_BY_NAME_ALONE = 0.6


def possible_matches(
    *, role: str, full_name: str, date_of_birth: date | None, limit: int = 10, user=None
) -> QuerySet[Person]:
    """People already recorded who may be the person being referred, closest first, each with
    the number of referrals, the date of the last and its MARAC area (`last_referral_on`,
    `last_area`).

    Names are compared as `core.names.normalise_name` writes them. On PostgreSQL near matches count
    too (pg_trgm similarity: "Jon Smyth" finds "John Smith" born the same day); elsewhere the
    normalised name must be the same, or the date of birth the same and the surname in the name.
    A near match by name alone is never someone recorded with a different date of birth.

    With `user`, the people whose processing is restricted from them are left out
    (permissions.hidden_people); without, everyone (subject access searches).
    """
    from .permissions import hidden_people

    name = normalise_name(full_name)
    if not name and date_of_birth is None:
        return Person.objects.none()
    people = Person.objects.filter(role=role)
    hidden = hidden_people(user) if user is not None else None
    if hidden is not None:
        people = people.exclude(pk__in=hidden.values("pk"))
    same_birth = Q(date_of_birth=date_of_birth) if date_of_birth is not None else Q(pk__in=[])
    birth_unknown = Q(date_of_birth__isnull=True) if date_of_birth is not None else Q()
    order = ["full_name", "id"]
    if not name:
        condition = same_birth
    elif connection.vendor == "postgresql":
        people = people.annotate(similarity=TrigramSimilarity("normalised_name", name))
        condition = (
            Q(normalised_name=name)
            | (same_birth & Q(similarity__gte=NEAR_WITH_SAME_BIRTH))
            | (birth_unknown & Q(similarity__gte=NEAR_BY_NAME_ALONE))
        )
        order = ["-similarity", *order]
    else:
        condition = Q(normalised_name=name) | (same_birth & Q(normalised_name__contains=name.split(" ")[-1]))
    related = "referrals_as_victim" if role == PersonRole.VICTIM else "referrals_as_perpetrator"
    latest = Referral.objects.filter(
        **{"victim_id" if role == PersonRole.VICTIM else "perpetrator_id": OuterRef("pk")}
    ).order_by("-referral_date", "-id")
    return (
        people.filter(condition)
        .annotate(
            referral_count=Count(related),
            last_referral_on=Subquery(latest.values("referral_date")[:1]),
            last_area=Subquery(latest.values("area__name")[:1]),
        )
        .order_by(*order)[:limit]
    )


def marac_chairs(*, keep=None) -> QuerySet:
    """The people who may chair a MARAC: those who take part in MARAC (coordinators, community
    safety officers and agency representatives), active. `keep` (a meeting's chair now) stays
    on the list so that saving a meeting never drops its chair."""
    from somerset_safety.accounts.models import User

    from .permissions import MARAC_ROLES

    groups = [role.label for role in MARAC_ROLES]
    people = Q(is_active=True, groups__name__in=groups)
    if keep is not None:
        people |= Q(pk=keep.pk)
    return User.objects.filter(pk__in=User.objects.filter(people).values("pk"))


def referral_list(queryset: QuerySet[Referral]) -> QuerySet[Referral]:
    return queryset.select_related("area", "referring_agency", "heard_at")


def partnership_body_names() -> list[str]:
    """The names of the partnership's active bodies (the board, the Hinkley Community Safety
    Group …), for other apps to link a record to a body: the commissioning app's funding bids."""
    from .models import PartnershipBody

    return list(PartnershipBody.objects.filter(active=True).order_by("name").values_list("name", flat=True))


def area_bodies(area_ids) -> dict[int, Body]:
    """The meeting bodies of these areas (their pattern and defaults), by area id."""
    owner_type = ContentType.objects.get_for_model(MaracArea)
    return {b.owner_id: b for b in Body.objects.filter(owner_type=owner_type, owner_id__in=list(area_ids))}


def areas_with_schedule(today: date) -> QuerySet[MaracArea]:
    """Areas with the dates of their last meeting before today and next from today."""
    held = PlatformMeeting.objects.filter(
        body__owner_type=ContentType.objects.get_for_model(MaracArea), body__owner_id=OuterRef("pk")
    ).exclude(status=MeetingStatus.CANCELLED)
    return MaracArea.objects.annotate(
        next_meeting=Subquery(held.filter(date__gte=today).order_by("date").values("date")[:1]),
        last_meeting=Subquery(held.filter(date__lt=today).order_by("-date").values("date")[:1]),
    ).order_by("name")


# --- Research before the meeting --------------------------------------------------------------


@dataclass
class ResearchCase:
    referral: Referral
    shown: bool  # False: "Restricted" for this reader
    returns: list  # the research returns the reader may see on this case


@dataclass
class ResearchRow:
    number: int
    item: object
    cases: list[ResearchCase]


def research_referral_ids(user, meeting) -> set[int] | None:
    """The referrals of the meeting's agenda the user may research (None: every one, for the
    coordinator; an empty set outside the research stage). Never one whose person's processing
    is restricted from the user (permissions.hidden_people)."""
    from .permissions import (
        _agency_rep_agency_id,
        _researchable,
        is_coordinator,
        not_hidden_among,
        research_meetings,
    )

    if is_coordinator(user):
        return None
    agency_id = _agency_rep_agency_id(user)
    if agency_id is None:
        return set()
    meetings = research_meetings(agency_id).filter(pk=meeting.pk)
    researchable = not_hidden_among(user, Referral.objects.filter(_researchable(agency_id, meetings)))
    return set(researchable.values_list("pk", flat=True))


def research_list(user, meeting) -> list[ResearchRow]:
    """The research list of a meeting as the user may see it: each agenda item with a subject, in
    agenda order, with its referrals (name, date of birth, address, children, perpetrator) or
    "Restricted". The coordinator sees every return; an agency sees its own."""
    from somerset_safety.meetings import selectors as meeting_selectors

    from .models import AgendaCase, AgendaItem, ResearchReturn
    from .permissions import not_hidden_among

    allowed = research_referral_ids(user, meeting)
    on_agenda = Referral.objects.filter(
        pk__in=AgendaCase.objects.filter(item__meeting_id=meeting.pk).values("referral_id")
    )
    # A coordinator researches every case but those of people restricted from them.
    not_hidden = set(not_hidden_among(user, on_agenda).values_list("pk", flat=True))
    items = list(
        AgendaItem.objects.filter(meeting=meeting, subject_id__isnull=False).prefetch_related(
            Prefetch(
                "cases",
                queryset=AgendaCase.objects.select_related(
                    "referral__victim", "referral__perpetrator", "referral__referring_agency"
                ),
            )
        )
    )
    returns = ResearchReturn.objects.filter(meeting_id=meeting.pk).select_related("agency", "recorded_by")
    if allowed is not None:
        returns = returns.filter(agency_id=user.agency_id)
    by_referral: dict[int, list] = {}
    for found in returns:
        by_referral.setdefault(found.referral_id, []).append(found)
    rows = []
    for row in meeting_selectors.agenda(meeting, items):
        cases = [
            ResearchCase(
                referral=case.referral,
                shown=case.referral_id in not_hidden and (allowed is None or case.referral_id in allowed),
                returns=by_referral.get(case.referral_id, []),
            )
            for case in row.item.cases.all()
        ]
        rows.append(ResearchRow(number=row.number, item=row.item, cases=cases))
    return rows


def restricted_at_meeting(day) -> Exists:
    """On an agenda case: whether the processing of a person on the case was restricted on the
    meeting's day (`day`, a date or an expression). Then the agencies could not research it (it is
    not on their research list), so it is not among the returns due from them; a restriction placed
    after a meeting, or lifted before it, leaves the meeting's figures as they were, so the
    representation figures of quarters gone by never change."""
    from .models import ProcessingRestriction

    return Exists(
        ProcessingRestriction.objects.filter(
            Q(person_id=OuterRef("referral__victim_id")) | Q(person_id=OuterRef("referral__perpetrator_id")),
            restricted_at__date__lte=day,
        ).filter(Q(lifted_at__isnull=True) | Q(lifted_at__date__gt=day))
    )


def research_returns_by_agency(meeting) -> list[dict]:
    """For the coordinator: each invited agency, how many of the cases it may research it has
    returned on, and the references of those still to come."""
    from .models import AgendaCase, MeetingAttendance, ResearchAccess, ResearchReturn

    cases = list(
        AgendaCase.objects.filter(item__meeting_id=meeting.pk)
        .exclude(restricted_at_meeting(meeting.date))
        .order_by("referral__reference")
        .values_list("referral_id", "referral__reference", "referral__restricted")
    )
    opened = set(ResearchAccess.objects.filter(meeting_id=meeting.pk).values_list("agency_id", "referral_id"))
    returned = set(
        ResearchReturn.objects.filter(meeting_id=meeting.pk).values_list("agency_id", "referral_id")
    )
    rows = []
    for attendance in MeetingAttendance.objects.filter(meeting_id=meeting.pk).select_related("agency"):
        agency_id = attendance.agency_id
        due = [
            (pk, reference)
            for pk, reference, restricted in cases
            if not restricted or (agency_id, pk) in opened
        ]
        missing = [reference for pk, reference in due if (agency_id, pk) not in returned]
        rows.append(
            {
                "agency": attendance.agency,
                "due": len(due),
                "returned": len(due) - len(missing),
                "missing": missing,
            }
        )
    return rows


# --- The case at the table --------------------------------------------------------------------


def checklist_answers(answers: dict, questions: dict) -> dict[str, list]:
    """The risk checklist items (`questions`: number as text to RiskQuestion, in order) answered
    yes, not known and declined, each in question order."""
    wanted = (DashAnswer.YES, DashAnswer.NOT_KNOWN, DashAnswer.DECLINED)
    return {answer.value: [q for n, q in questions.items() if answers.get(n) == answer] for answer in wanted}


@dataclass
class CaseAtTable:
    referral: Referral
    questions_yes: list  # the checklist items answered yes
    questions_not_known: list
    questions_declined: list
    returns: list  # research returns for this meeting
    actions: list  # every action on the referral, with its state


def case_at_the_table(item) -> dict:
    """Everything the meeting needs on screen for one victim's item: each referral listed under it
    (summary, checklist answers, criteria and reasons, children, IDVA), the research returns for
    this meeting, and the victim's MARAC history (earlier referrals: when heard, their actions
    and outcomes)."""
    from somerset_safety.meetings import selectors as meeting_selectors

    from .models import Action, AgendaCase, ResearchReturn, RiskQuestion

    today = local_today()
    cases = list(
        AgendaCase.objects.filter(item=item).select_related(
            "referral__referring_agency", "referral__victim", "referral__perpetrator", "referral__idva"
        )
    )
    listed = [case.referral for case in cases]
    victim_id = item.subject_id
    earlier = list(
        Referral.objects.filter(victim_id=victim_id)
        .exclude(pk__in=[r.pk for r in listed])
        .select_related("referring_agency", "heard_at__body", "area")
        .order_by("-referral_date", "-id")
    )
    ids = [r.pk for r in listed + earlier]
    actions_by: dict[int, list] = {}
    for action in meeting_selectors.with_state(
        Action.objects.filter(subject_type=ContentType.objects.get_for_model(Referral), subject_id__in=ids)
        .select_related("agency", "owner", "meeting")
        .order_by("meeting__date", "id"),
        today,
    ):
        action.state = meeting_selectors.action_state(action)
        actions_by.setdefault(action.subject_id, []).append(action)
    returns_by: dict[int, list] = {}
    for found in ResearchReturn.objects.filter(
        meeting_id=item.meeting_id, referral_id__in=ids
    ).select_related("agency"):
        returns_by.setdefault(found.referral_id, []).append(found)
    questions = {str(q.number): q for q in RiskQuestion.objects.all()}
    cases = []
    for referral in listed:
        answered = checklist_answers(referral.dash_answers, questions)
        cases.append(
            CaseAtTable(
                referral=referral,
                questions_yes=answered[DashAnswer.YES],
                questions_not_known=answered[DashAnswer.NOT_KNOWN],
                questions_declined=answered[DashAnswer.DECLINED],
                returns=returns_by.get(referral.pk, []),
                actions=actions_by.get(referral.pk, []),
            )
        )
    return {
        "cases": cases,
        "history": [
            {"referral": referral, "actions": actions_by.get(referral.pk, [])} for referral in earlier
        ],
    }


def return_presets(today: date) -> dict[str, list[tuple[str, date, date]]]:
    """Periods the data return page offers: the last eight completed calendar quarters, newest
    first, and the financial years (April to March) — the current one to date and the three
    before it. Each is (label, first day, last day)."""
    quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    quarters = []
    for _ in range(8):
        end = quarter_start - timedelta(days=1)
        quarter_start = add_months(quarter_start, -3)
        quarters.append((f"{quarter_start:%B} to {end:%B %Y}", quarter_start, end))
    first_april = date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    years = [(f"{first_april.year}/{(first_april.year + 1) % 100:02d} so far", first_april, today)]
    for back in range(1, 4):
        start = date(first_april.year - back, 4, 1)
        years.append((f"{start.year}/{(start.year + 1) % 100:02d}", start, date(start.year + 1, 3, 31)))
    return {"quarters": quarters, "years": years}


# --- Representation: attendance and research returns by agency per quarter ---------------------


def last_quarters(today: date, count: int = 4) -> list[tuple[str, date, date]]:
    """The `count` calendar quarters up to and including the current one, oldest first."""
    start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    quarters = []
    for _ in range(count):
        end = add_months(start, 3) - timedelta(days=1)
        quarters.append((f"{start:%b}–{end:%b %Y}", start, end))
        start = add_months(start, -3)
    return list(reversed(quarters))


def representation_figures(as_of: date) -> dict:
    """The dashboard panel: attendance and research returns by agency for the four quarters up to
    `as_of` (meetings concluded by then). Counts of meetings and returns, JSON-able."""
    quarters = last_quarters(as_of)
    return {
        "quarters": [label for label, _, _ in quarters],
        "agencies": representation_by_agency(quarters, until=as_of),
    }


def representation_by_agency(quarters: list[tuple[str, date, date]], until: date | None = None) -> list[dict]:
    """For each agency invited to a concluded MARAC meeting in the quarters, per quarter: the
    meetings it was invited to and attended, and the cases it could research and returned on,
    with the rates. Counts of meetings and returns, not of people. One query, whatever the
    number of meetings: PostgreSQL counts each invitation's cases and returns, and adds them up
    by agency and quarter."""
    from somerset_safety.meetings.models import Attendance, AttendanceStatus

    from .models import AgendaCase, Meeting, ResearchAccess, ResearchReturn

    if not quarters:
        return []
    last = min(quarters[-1][2], until) if until else quarters[-1][2]
    meetings = Meeting.objects.filter(
        status=MeetingStatus.CONCLUDED, date__gte=quarters[0][1], date__lte=last
    )
    # The cases on the invitation's meeting the agency could research: every case not
    # restricted, and a restricted one only where the coordinator opened it to the agency; none
    # whose person's processing was restricted that day.
    researchable = (
        AgendaCase.objects.filter(item__meeting_id=OuterRef("meeting_id"))
        .exclude(restricted_at_meeting(OuterRef("item__meeting__date")))
        .filter(
            Q(referral__restricted=False)
            | Exists(
                ResearchAccess.objects.filter(
                    meeting_id=OuterRef(OuterRef("meeting_id")),
                    agency_id=OuterRef(OuterRef("agency_id")),
                    referral_id=OuterRef("referral_id"),
                )
            )
        )
    )
    returned_on = researchable.filter(
        Exists(
            ResearchReturn.objects.filter(
                meeting_id=OuterRef(OuterRef("meeting_id")),
                agency_id=OuterRef(OuterRef("agency_id")),
                referral_id=OuterRef("referral_id"),
            )
        )
    )

    def counted(cases) -> Subquery:
        return Subquery(
            cases.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"),
            output_field=IntegerField(),
        )

    quarter = Case(
        *[
            When(meeting__date__range=(start, end), then=Value(i))
            for i, (_, start, end) in enumerate(quarters)
        ],
        output_field=IntegerField(),
    )
    invitations = (
        Attendance.objects.filter(meeting__in=meetings.values("pk"))
        .annotate(quarter=quarter, due=counted(researchable), returned=counted(returned_on))
        .values("agency_id", "agency__name", "quarter")
        .annotate(
            invited=Count("pk"),
            present=Count("pk", filter=Q(status=AttendanceStatus.PRESENT)),
            due_total=Sum("due"),
            returned_total=Sum("returned"),
        )
        .order_by("agency__name", "agency_id", "quarter")
    )
    rows: dict[int, dict] = {}
    for figures in invitations:
        row = rows.setdefault(
            figures["agency_id"],
            {
                "agency": figures["agency__name"],
                "quarters": [{"invited": 0, "present": 0, "due": 0, "returned": 0} for _ in quarters],
            },
        )
        row["quarters"][figures["quarter"]] = {
            "invited": figures["invited"],
            "present": figures["present"],
            "due": figures["due_total"] or 0,
            "returned": figures["returned_total"] or 0,
        }
    for row in rows.values():
        for cell in row["quarters"]:
            cell["attendance_rate"] = _whole_percent(cell["present"], cell["invited"])
            cell["return_rate"] = _whole_percent(cell["returned"], cell["due"])
    return list(rows.values())


def _whole_percent(part: int, whole: int) -> int | None:
    """A whole-number percentage, halves rounded up; None when there is nothing to divide by."""
    if not whole:
        return None
    return (200 * part + whole) // (2 * whole)
