"""Synthetic MARAC demo data: three areas, each with a meeting that heard cases in every one of
the last eight quarters (so the dashboard's trend and the paper have figures for every area),
a concluded meeting with actions and the next meeting with its agenda sent and the police's and
housing's research returns on its cases. Referrals are made in
date order, so their references run in date order too. Idempotent; every name is labelled
(synthetic)."""

from datetime import date, timedelta

from somerset_safety.accounts.models import Agency
from somerset_safety.core.dates import add_months, today

from . import conf, services
from .models import MaracArea

AREAS = [
    ("MENDIP", "Mendip MARAC (synthetic)", 98000),
    ("TAUNTON", "Taunton and West Somerset MARAC (synthetic)", 121500),
    ("EXMOOR", "Exmoor and Coast MARAC (synthetic)", 23410),
]
# Days into each quarter on which each area meets: they do not meet on the same day.
MEETS_ON_DAY = {"MENDIP": 20, "TAUNTON": 41, "EXMOOR": 62}
HISTORY_NAMES = ["Pat Example", "Lee Sample", "Kim Placeholder", "Ash Test", "Ray Dummy", "Mo Example"]

# name, age, children, yes answers, agency code, professional judgement
REFERRALS = [
    ("Alex Example (synthetic)", 34, 2, 16, "POLICE", False),
    ("Sam Sample (synthetic)", 27, 0, 14, "HEALTH", False),
    ("Jo Placeholder (synthetic)", 41, 1, 9, "IDVA", True),
    ("Robin Test (synthetic)", 17, 0, 15, "POLICE", False),
    ("Chris Dummy (synthetic)", 52, 3, 18, "CSC", False),
]


def _quarter_starts(now: date, count: int) -> list[date]:
    current = date(now.year, 3 * ((now.month - 1) // 3) + 1, 1)
    return [add_months(current, -3 * back) for back in range(count - 1, -1, -1)]


def _referral(
    coordinator,
    area,
    *,
    on: date,
    name: str,
    age: int,
    children: int,
    yes: int,
    agency: str,
    judgement: bool = False,
    with_address: bool = False,
    perpetrator: bool = False,
    review_at_12_months: bool = False,
    ethnicity: str = "white_british",
) -> None:
    services.referral_create(
        actor=coordinator,
        area=area,
        referral_date=on,
        incident_date=None,
        referring_agency=Agency.objects.get(code=agency),
        dash_answers={
            **{str(n): "yes" for n in range(1, yes + 1)},
            # The named cases have gaps, as real checklists do: one item not known, one declined.
            **({str(yes + 1): "not_known", str(yes + 2): "declined"} if perpetrator else {}),
        },
        professional_judgement=judgement,
        professional_judgement_reasons="Escalating controlling behaviour (synthetic)." if judgement else "",
        children_in_household=children,
        victim_details={
            "full_name": name,
            **({"address": "1 Example Street (synthetic)"} if with_address else {}),
        },
        perpetrator_details={"full_name": f"Partner of {name}"} if perpetrator else None,
        victim_sex="female",
        victim_age=age,
        victim_ethnicity=ethnicity,
        victim_disabled="no" if perpetrator else "not_known",
        victim_lgbt="no" if perpetrator else "not_known",
        perpetrator_age=age + 2 if perpetrator else None,
        review_at_12_months=review_at_12_months,
    )


def _hold_meeting(coordinator, chair, area, agencies, *, on: date, actions: bool = False) -> None:
    """A meeting on `on` that hears every case referred to the area by then."""
    meeting = services.meeting_create(actor=coordinator, area=area, date=on, chair=chair, agencies=agencies)
    services.meeting_generate_agenda(actor=coordinator, meeting=meeting)
    services.meeting_start(actor=coordinator, meeting=meeting)
    for item in meeting.agenda_items.all():
        services.agenda_item_record(
            actor=coordinator, item=item, minutes="Risks and safety plan discussed (synthetic)."
        )
        if actions:
            services.action_create(
                actor=coordinator,
                item=item,
                agency=Agency.objects.get(code="HOUSING"),
                description="Fit additional locks and a door alarm (synthetic).",
                due_date=meeting.date + timedelta(days=14),
            )
    services.meeting_conclude(actor=coordinator, meeting=meeting)


def load_demo(users: dict) -> None:
    coordinator, chair = users["coordinator"], users["officer"]
    for code, name, population in AREAS:
        MaracArea.objects.get_or_create(
            code=code, defaults={"name": name, "adult_female_population": population}
        )
    areas = {area.code: area for area in MaracArea.objects.filter(code__in=MEETS_ON_DAY)}
    if any(area.meetings.exists() for area in areas.values()):
        return
    now = today()
    agencies = list(Agency.objects.filter(code__in=["POLICE", "IDVA", "CSC", "HOUSING", "HEALTH", "CST"]))
    quarters = _quarter_starts(now, conf.trend_quarters())
    # Taunton's latest meeting agreed actions that come back at its next one, in a fortnight.
    latest = max(now - timedelta(days=28), quarters[-1])
    taunton = areas["TAUNTON"]
    events = []  # (date, order on the day, what happens): run in date order

    def later(day: date, order: int, run, *args, **kwargs):
        events.append((day, order, lambda: run(*args, **kwargs)))

    for code, area in areas.items():
        for number, start in enumerate(quarters):
            day = min(start + timedelta(days=MEETS_ON_DAY[code]), now)
            if area == taunton and day >= latest:
                continue
            for case in range(2 + (number + len(code)) % 2):
                name = f"{HISTORY_NAMES[(number * 3 + case) % len(HISTORY_NAMES)]} {number + 1} (synthetic)"
                on = day - timedelta(days=9 - 2 * case)
                later(
                    on,
                    0,
                    _referral,
                    coordinator,
                    area,
                    on=on,
                    name=name,
                    age=25 + 3 * case + number,
                    children=case % 2,
                    yes=14 + case,
                    agency=("POLICE", "IDVA", "HEALTH")[case],
                )
            later(day, 1, _hold_meeting, coordinator, chair, area, agencies, on=day)
    for index, (name, age, children, yes, agency, judgement) in enumerate(REFERRALS[:3]):
        on = latest - timedelta(days=12 - index)
        later(
            on,
            0,
            _referral,
            coordinator,
            taunton,
            on=on,
            name=name,
            age=age,
            children=children,
            yes=yes,
            agency=agency,
            judgement=judgement,
            with_address=True,
            perpetrator=True,
            review_at_12_months=index == 0,
        )
    later(latest, 1, _hold_meeting, coordinator, chair, taunton, agencies, on=latest, actions=True)
    for index, (name, age, children, yes, agency, _judgement) in enumerate(REFERRALS[3:]):
        on = max(now - timedelta(days=4 - index), latest)
        later(
            on,
            2,
            _referral,
            coordinator,
            taunton,
            on=on,
            name=name,
            age=age,
            children=children,
            yes=yes,
            agency=agency,
            ethnicity="mixed_white_asian",
        )
    for _day, _order, run in sorted(events, key=lambda event: event[:2]):
        run()
    upcoming = services.meeting_create(
        actor=coordinator, area=taunton, date=now + timedelta(days=14), chair=chair, agencies=agencies
    )
    services.meeting_generate_agenda(actor=coordinator, meeting=upcoming)
    _research(coordinator, upcoming, users, now)


# What each demo agency found, by the case's place on the agenda: (information held, summary, risks).
# The police have returned on every case, housing on the first two only, so the coordinator sees
# who is still to return.
RESEARCH = {
    "police_rep": [
        (
            True,
            "Two call-outs in the last month; bail conditions in place (synthetic).",
            "Breach of bail likely.",
        ),
        (True, "One previous report, no further action (synthetic).", ""),
        (False, "", ""),
        (True, "Perpetrator known for violence to a former partner (synthetic).", "Risk to a new partner."),
        (False, "", ""),
    ],
    "housing_rep": [
        (True, "Council tenant; repairs request for a broken door lock (synthetic).", "Home not secure."),
        (False, "", ""),
    ],
}


def _research(coordinator, meeting, users: dict, now: date) -> None:
    """Send the next meeting's agenda today, which opens its research stage, and record the demo
    agencies' research returns on its cases."""
    services.meeting_send_agenda(actor=coordinator, meeting=meeting, sent_on=now)
    referrals = [
        case.referral
        for item in meeting.agenda_items.order_by("pk")
        for case in item.cases.select_related("referral").order_by("pk")
    ]
    for key, found in RESEARCH.items():
        rep = users.get(key)
        if rep is None:
            continue
        for referral, (held, summary, risks) in zip(referrals, found, strict=False):
            services.research_return_record(
                actor=rep,
                meeting=meeting,
                referral=referral,
                information_held=held,
                summary=summary,
                risks=risks,
                researched_on=now,
            )
