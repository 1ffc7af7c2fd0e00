"""Synthetic demo data for the commissioning app, dated around today so every clock is live.
Idempotent: it does nothing once its records exist. Every name says it is synthetic."""

import csv
import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from somerset_safety.accounts.models import Agency
from somerset_safety.core.dates import today as local_today

from . import conf, returns_io, services
from .clocks import Quarter, add_months, financial_year_of, return_due
from .models import (
    Benchmark,
    BenchmarkValue,
    Contract,
    Direction,
    EndingReason,
    FundingStream,
    ModificationKind,
    Provider,
    Regime,
    ReturnSource,
    ServiceType,
)

MARKER = "(synthetic)"

SIDAS_KPIS = [
    # name, definition, unit, direction, target, tolerance, people
    (
        "Referrals received",
        "New referrals accepted in the quarter.",
        "referrals",
        Direction.HIGHER,
        300,
        30,
        False,
    ),
    (
        "Engagement",
        "Share of referrals engaging with support within 10 working days.",
        "%",
        Direction.HIGHER,
        70,
        5,
        False,
    ),
    (
        "Risk reduced at case closure",
        "Share of closed cases with risk reduced.",
        "%",
        Direction.HIGHER,
        80,
        5,
        False,
    ),
    (
        "Repeat referrals within 12 months",
        "Share of referrals that are repeats.",
        "%",
        Direction.LOWER,
        25,
        3,
        False,
    ),
    (
        "Safe accommodation: households that could not be supported",
        "Households referred to safe accommodation who could not be supported, with the reason "
        "(asked for by the annual Domestic Abuse Act Part 4 return).",
        "households",
        Direction.LOWER,
        10,
        3,
        True,
    ),
]
# One row a quarter, oldest first: the four quarters before this one.
SIDAS_RESULTS = [
    (310, 72, 81, 24, 8),
    (295, 68, 79, 26.5, 12),
    (288, 66, 74, 29, 14),
    (322, 73, 83, 23, 9),
]
DRUG_KPIS = [
    (
        "Successful completions: opiate",
        "Left treatment free of the main substance and not back within 6 months.",
        "%",
        5,
        0.5,
    ),
    ("Successful completions: non-opiate", "As above, for non-opiate users.", "%", 33, 3),
    ("Successful completions: alcohol", "As above, for alcohol users.", "%", 35, 3),
    ("Retention of 12 weeks or more", "Share of people in treatment for at least 12 weeks.", "%", 80, 5),
    (
        "Continuity of care after prison",
        "Share of people released from prison who start community treatment.",
        "%",
        50,
        10,
    ),
]
DRUG_RESULTS = [(5.4, 34, 38, 82, 47), (5.8, 35, 37, 83, 52), (6.1, 36.5, 39, 84, 55), (6.0, 37, 40, 85, 58)]
NATIONAL = [
    (4.6, 31.5, 34.8, 78.0, 44.0),
    (4.7, 31.8, 35.0, 78.4, 45.1),
    (4.6, 31.9, 35.2, 78.9, 46.0),
    (4.8, 32.2, 35.1, 79.1, 46.5),
]


def _demo_csv(contract: Contract, quarter: Quarter, values: list, commentary: str) -> bytes:
    rows = list(csv.reader(io.StringIO(returns_io.template_csv(contract, quarter))))
    rows[2][1:] = [commentary]
    for row, value in zip(rows[returns_io.FIRST_KPI_ROW - 1 :], values, strict=True):
        row[3] = str(value)
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def _kpis(contract, actor, rows, set_on, benchmarks=None):
    kpis = []
    for index, (name, definition, unit, direction, target, tolerance, *rest) in enumerate(rows):
        kpis.append(
            services.kpi_create(
                actor=actor,
                contract=contract,
                name=name,
                definition=definition,
                unit=unit,
                direction=direction,
                target=Decimal(str(target)),
                tolerance=Decimal(str(tolerance)),
                frequency="quarterly",
                benchmark=benchmarks[index] if benchmarks else None,
                counts_people=bool(rest and rest[0]),
                set_on=set_on,
            )
        )
    return kpis


def _returns(contract, actor, kpis, results, *, late: int, uploaded: int, notes=None):
    """A return for every quarter that has ended, the figures cycling through `results` so the
    last four are those rows in order; `late` and `uploaded` count back from the newest (1)."""
    contract.refresh_from_db()
    quarters = [q for q in services.return_quarters(contract) if q.end < local_today()]
    for index, quarter in enumerate(quarters):
        values = results[(index - len(quarters)) % len(results)]
        back = len(quarters) - index
        deadline = return_due(quarter, conf.return_working_days())
        received = deadline + timedelta(days=9) if back == late else deadline - timedelta(days=3)
        received = min(received, local_today())
        commentary = f"Quarter {quarter.number}: staffing stable, demand steady {MARKER}."
        if back == uploaded:
            data = _demo_csv(contract, quarter, values, commentary)
            parsed = returns_io.parse(contract, "return.csv", data)
            services.return_record(
                actor=actor,
                contract=contract,
                quarter=parsed.quarter,
                received_on=received,
                figures=parsed.figures,
                provider_commentary=parsed.provider_commentary,
                source=ReturnSource.UPLOADED,
                upload=SimpleUploadedFile(
                    f"{contract.reference}-{quarter.label}.csv", data, content_type="text/csv"
                ),
            )
            continue
        figures = [
            services.ReturnFigure(kpi.pk, str(value), (notes or {}).get(kpi.name, ""))
            for kpi, value in zip(kpis, values, strict=True)
        ]
        recorded = services.return_record(
            actor=actor,
            contract=contract,
            quarter=quarter,
            received_on=received,
            figures=figures,
            provider_commentary=commentary,
        )
        if back > 1:
            services.return_sign_off(
                actor=actor,
                quarterly_return=recorded,
                review_notes=f"Figures checked against the provider's case system at the contract meeting {MARKER}.",
                signed_off_on=min(received + timedelta(days=14), local_today()),
            )
    # Recorded the day each arrived, as an officer would have: a return recorded after a contract
    # meeting goes on the next meeting's agenda, and the demo's meeting held before today took these.
    for quarterly_return in contract.returns.all():
        contract.returns.filter(pk=quarterly_return.pk).update(
            recorded_at=timezone.make_aware(datetime.combine(quarterly_return.received_on, time(12)))
        )


def _contract_meetings(contract: Contract, actor, today: date) -> None:
    """A contract meeting held six weeks ago, its minutes and an action for the provider carried
    to the next one, which is scheduled for next month with its agenda built."""
    from somerset_safety.meetings import services as meetings

    from .models import ContractAgendaItem
    from .services.meetings import contract_meeting_schedule

    held = contract_meeting_schedule(
        actor=actor,
        contract=contract,
        date=today - timedelta(days=42),
        venue=f"County Hall, Taunton {MARKER}",
    )
    meetings.meeting_start(actor=actor, meeting=held)
    agency = contract.provider.agency or actor.agency
    for item in ContractAgendaItem.objects.filter(meeting=held):
        meetings.agenda_item_record(
            actor=actor, item=item, minutes=f"Discussed with the provider; figures accepted {MARKER}."
        )
    first = ContractAgendaItem.objects.filter(meeting=held).first()
    if first is not None and agency is not None:
        meetings.action_create(
            actor=actor,
            item=first,
            agency=agency,
            description=f"Send the refuge waiting-list figures for the quarter {MARKER}",
            due_date=today + timedelta(days=14),
        )
    meetings.meeting_conclude(actor=actor, meeting=held)
    contract_meeting_schedule(
        actor=actor, contract=contract, date=today + timedelta(days=30), venue=f"Online {MARKER}"
    )


def load_demo(users: dict) -> None:
    actor = users.get("commissioner") or users["officer"]
    if Contract.objects.filter(title__endswith=MARKER).exists():
        return
    today = local_today()
    year = financial_year_of(today)
    last_four = []
    quarter = Quarter.containing(today)
    for _ in range(4):
        quarter = quarter.previous()
        last_four.insert(0, quarter)

    streams = {
        name: FundingStream.objects.get_or_create(name=f"{name} {MARKER}", defaults={"funder": funder})[0]
        for name, funder in [
            ("Public health grant", "Department of Health and Social Care"),
            (
                "Domestic Abuse Act Part 4 safe accommodation grant",
                "Ministry of Housing, Communities and Local Government",
            ),
            ("Police and Crime Commissioner contribution", "Avon and Somerset Police and Crime Commissioner"),
        ]
    }

    # Somerset Integrated Domestic Abuse Service: in its fourth year, extended once, one option left.
    sidas_provider = Provider.objects.create(
        name=f"Somerset Domestic Abuse Partnership {MARKER}",
        agency=Agency.objects.filter(code="SIDAS").first(),
    )
    start = Quarter(year - 3, 1).start
    initial_end = Quarter(year - 1, 4).end
    sidas = services.contract_create(
        actor=actor,
        title=f"Somerset Integrated Domestic Abuse Service {MARKER}",
        provider=sidas_provider,
        service_type=ServiceType.DOMESTIC_ABUSE,
        regime=Regime.PA2023_LIGHT_TOUCH,
        start_date=start,
        initial_end_date=initial_end,
        annual_value=Decimal("450000"),
        total_value=Decimal("2250000"),
        notice_period_months=6,
        approval_lead_days=56,
        contract_manager=actor,
        description=f"Refuge, outreach, IDVA and helpline services across Somerset {MARKER}.",
        option_count=2,
        option_months=12,
        signed_on=start - timedelta(days=45),
    )
    option = sidas.options.get(number=1)
    services.option_agree(actor=actor, option=option, agreed_on=add_months(initial_end, -9))
    services.extension_take(
        actor=actor,
        option=option,
        decided_on=add_months(initial_end, -7),
        approver="The Executive (synthetic decision)",
        reason=f"Performing well; SafeLives Leading Lights accreditation {MARKER}.",
    )
    services.funding_set(
        actor=actor,
        contract=sidas,
        stream=streams["Domestic Abuse Act Part 4 safe accommodation grant"],
        annual_amount=Decimal("200000"),
    )
    services.funding_set(
        actor=actor,
        contract=sidas,
        stream=streams["Police and Crime Commissioner contribution"],
        annual_amount=Decimal("250000"),
    )
    kpis = _kpis(sidas, actor, SIDAS_KPIS, start - timedelta(days=60))
    _returns(
        sidas,
        actor,
        kpis,
        SIDAS_RESULTS,
        late=3,
        uploaded=2,
        notes={
            "Safe accommodation: households that could not be supported": "No space in refuge; needs above what the service can meet (synthetic)."
        },
    )
    services.risk_create(
        actor=actor,
        contract=sidas,
        title="Refuge places below demand",
        likelihood=4,
        impact=4,
        owner="Contract manager",
        mitigation=f"Dispersed accommodation bid under the Part 4 grant {MARKER}.",
        raised_on=today - timedelta(days=100),
        description="",
    )
    _contract_meetings(sidas, actor, today)

    # Drug and alcohol treatment service: Provider Selection Regime, performing above the national benchmark.
    benchmarks = []
    for name, _definition, unit, _target, _tolerance in DRUG_KPIS:
        benchmark, _created = Benchmark.objects.get_or_create(
            name=f"{name}: England {MARKER}",
            defaults={"source": "National drug treatment monitoring system (synthetic values)", "unit": unit},
        )
        benchmarks.append(benchmark)
    for quarter, values in zip(last_four, NATIONAL, strict=True):
        for benchmark, value in zip(benchmarks, values, strict=True):
            BenchmarkValue.objects.get_or_create(
                benchmark=benchmark,
                year=quarter.year,
                quarter=quarter.number,
                defaults={"value": Decimal(str(value))},
            )
    drug_provider = Provider.objects.create(
        name=f"Somerset Recovery Partnership {MARKER}", agency=Agency.objects.filter(code="DRUGALC").first()
    )
    drug_start = Quarter(year - 2, 1).start
    drug = services.contract_create(
        actor=actor,
        title=f"Drug and alcohol treatment service {MARKER}",
        provider=drug_provider,
        service_type=ServiceType.DRUG_ALCOHOL,
        regime=Regime.PSR,
        start_date=drug_start,
        initial_end_date=Quarter(year + 2, 4).end,
        annual_value=Decimal("1500000"),
        total_value=Decimal("10500000"),
        notice_period_months=9,
        approval_lead_days=70,
        contract_manager=actor,
        description=f"Community treatment and recovery for adults, recommissioned under the Provider Selection Regime {MARKER}.",
        option_count=1,
        option_months=24,
        signed_on=drug_start - timedelta(days=60),
    )
    services.funding_set(
        actor=actor, contract=drug, stream=streams["Public health grant"], annual_amount=Decimal("1500000")
    )
    drug_kpis = _kpis(
        drug,
        actor,
        [(n, d, u, Direction.HIGHER, t, tol) for n, d, u, t, tol in DRUG_KPIS],
        drug_start - timedelta(days=90),
        benchmarks=benchmarks,
    )
    _returns(drug, actor, drug_kpis, DRUG_RESULTS, late=0, uploaded=1)
    services.modification_record(
        actor=actor,
        contract=drug,
        kind=ModificationKind.COUNCIL_INITIATED,
        description=f"Additional naloxone outreach in Bridgwater {MARKER}",
        reason="Drug-related deaths review",
        value_change=Decimal("150000"),
        agreed_on=today - timedelta(days=40),
        takes_effect_on=today - timedelta(days=10),
    )
    services.risk_create(
        actor=actor,
        contract=drug,
        title="Recruitment of recovery workers",
        likelihood=3,
        impact=3,
        owner="Provider's service manager",
        mitigation=f"Joint recruitment campaign {MARKER}.",
        raised_on=today - timedelta(days=200),
        description="",
    )

    # A perpetrator programme in its standstill, under the Procurement Act 2023 (over £5 million).
    perpetrator = services.contract_create(
        actor=actor,
        title=f"Domestic abuse perpetrator programme {MARKER}",
        provider=Provider.objects.create(name=f"Change Works Somerset {MARKER}"),
        service_type=ServiceType.PERPETRATOR,
        regime=Regime.PA2023,
        start_date=Quarter(year + 1, 1).start,
        initial_end_date=Quarter(year + 4, 4).end,
        annual_value=Decimal("1350000"),
        total_value=Decimal("5400000"),
        notice_period_months=6,
        approval_lead_days=56,
        contract_manager=actor,
        description=f"Behaviour change programme with partner support {MARKER}.",
    )
    for name, definition in [
        ("Programme completions", "Share of starters completing the programme."),
        ("Partner support take-up", "Share of partners taking up integrated support."),
    ]:
        services.kpi_create(
            actor=actor,
            contract=perpetrator,
            name=name,
            definition=definition,
            unit="%",
            direction=Direction.HIGHER,
            target=Decimal("60"),
            tolerance=Decimal("5"),
            frequency="quarterly",
            benchmark=None,
            counts_people=False,
            set_on=today - timedelta(days=20),
        )
    services.contract_start_procurement(actor=actor, contract=perpetrator)
    services.contract_record_intention(actor=actor, contract=perpetrator, notice_on=today - timedelta(days=4))

    # An older contract that has ended.
    old = services.contract_create(
        actor=actor,
        title=f"Independent sexual violence advisers {MARKER}",
        provider=sidas_provider,
        service_type=ServiceType.OTHER,
        regime=Regime.PCR2015,
        start_date=Quarter(year - 5, 1).start,
        initial_end_date=Quarter(year - 2, 4).end,
        annual_value=Decimal("120000"),
        total_value=Decimal("360000"),
        notice_period_months=3,
        approval_lead_days=42,
        contract_manager=actor,
        description=f"Now part of the integrated service {MARKER}.",
        signed_on=Quarter(year - 5, 1).start - timedelta(days=30),
    )
    old = services.contract_begin_ending(
        actor=actor, contract=old, reason=EndingReason.EXPIRY, decided_on=add_months(old.current_end_date, -4)
    )
    services.contract_end(actor=actor, contract=old, ended_on=old.current_end_date)

    _pooled_budget(actor, year, today)
    _grants(actor, today)


def _pooled_budget(actor, year: int, today: date) -> None:
    from reviews.selectors import review_references

    partners = [("CST", "2000"), ("POLICE", "2000"), ("ICB", "2000"), ("PROBATION", "1000"), ("FIRE", "500")]
    for fy in (year - 1, year):
        for code, amount in partners:
            partner = Agency.objects.filter(code=code).first()
            received_on = Quarter(fy, 1).start + timedelta(days=30)
            if partner is not None:
                services.contribution_record(
                    actor=actor,
                    year=fy,
                    partner=partner,
                    amount=Decimal(amount),
                    received_on=received_on if received_on <= today else None,
                    notes=f"Annual contribution {MARKER}",
                )
    for index, reference in enumerate(review_references()[:2]):
        spent_on = max(Quarter(year, 1).start, today - timedelta(days=60 - 20 * index))
        services.spend_record(
            actor=actor,
            spent_on=spent_on,
            category="dhr_chair",
            description=f"Independent chair's fee {MARKER}",
            amount=Decimal("1800"),
            dhr_reference=reference,
        )
        services.spend_record(
            actor=actor,
            spent_on=spent_on,
            category="dhr_author",
            description=f"Overview report author's fee {MARKER}",
            amount=Decimal("1200"),
            dhr_reference=reference,
        )
    services.spend_record(
        actor=actor,
        spent_on=Quarter(year - 1, 3).start + timedelta(days=20),
        category="training",
        description=f"DHR panel training day {MARKER}",
        amount=Decimal("350"),
    )


def _grants(actor, today: date) -> None:
    body = "Hinkley Community Safety Group"
    won = services.grant_create(
        actor=actor,
        funder=f"Hinkley Point C community fund {MARKER}",
        scheme="Community safety and cohesion",
        purpose=f"Street-based youth work and a community safety hub near the construction site {MARKER}.",
        partner="Hinkley Community Safety Group",
        partnership_body=body,
        locality="Stogursey and the villages around Hinkley Point C",
        amount_requested=Decimal("40000"),
        bid_deadline=today - timedelta(days=120),
        decision_expected_on=today - timedelta(days=60),
        owner=actor,
    )
    services.grant_submit(actor=actor, grant=won, submitted_on=today - timedelta(days=125))
    services.grant_decide(
        actor=actor,
        grant=won,
        awarded=True,
        decided_on=today - timedelta(days=60),
        amount_awarded=Decimal("35000"),
        conditions="Quarterly progress updates to the fund (synthetic).",
    )
    services.grant_report_add(
        actor=actor, grant=won, description="First progress report", due_on=today + timedelta(days=30)
    )
    services.grant_report_add(
        actor=actor, grant=won, description="Final report", due_on=today + timedelta(days=210)
    )
    pending = services.grant_create(
        actor=actor,
        funder=f"Home Office {MARKER}",
        scheme="Safer Streets",
        partner="Somerset Council",
        partnership_body="",
        locality="Bridgwater town centre",
        amount_requested=Decimal("150000"),
        bid_deadline=today - timedelta(days=20),
        decision_expected_on=today + timedelta(days=40),
        owner=actor,
        purpose=f"Lighting, CCTV and night-time economy patrols {MARKER}.",
    )
    services.grant_submit(actor=actor, grant=pending, submitted_on=today - timedelta(days=21))
    services.grant_create(
        actor=actor,
        funder=f"Police and Crime Commissioner {MARKER}",
        scheme="Youth diversion small grants",
        partner="Burnham-on-Sea youth club (synthetic)",
        partnership_body="",
        locality="Burnham-on-Sea",
        amount_requested=Decimal("5000"),
        bid_deadline=today + timedelta(days=14),
        owner=actor,
        purpose="",
    )
