"""Synthetic MARAC demo data: three areas, referrals, a concluded meeting with actions and the
next meeting with its agenda. Idempotent; every name is labelled (synthetic)."""

from datetime import timedelta

from somerset_safety.accounts.models import Agency
from somerset_safety.core.dates import today

from . import services
from .models import MaracArea

AREAS = [
    ("MENDIP", "Mendip MARAC (synthetic)", 98000),
    ("TAUNTON", "Taunton and West Somerset MARAC (synthetic)", 121500),
    ("EXMOOR", "Exmoor and Coast MARAC (synthetic)", 23410),
]

# name, age, children, yes answers, agency code, professional judgement
REFERRALS = [
    ("Alex Example (synthetic)", 34, 2, 16, "POLICE", False),
    ("Sam Sample (synthetic)", 27, 0, 14, "HEALTH", False),
    ("Jo Placeholder (synthetic)", 41, 1, 9, "IDVA", True),
    ("Robin Test (synthetic)", 17, 0, 15, "POLICE", False),
    ("Chris Dummy (synthetic)", 52, 3, 18, "CSC", False),
]


def load_demo(users: dict) -> None:
    coordinator = users["coordinator"]
    for code, name, population in AREAS:
        MaracArea.objects.get_or_create(
            code=code, defaults={"name": name, "adult_female_population": population}
        )
    area = MaracArea.objects.get(code="TAUNTON")
    if area.meetings.exists():
        return
    now = today()
    agencies = list(Agency.objects.filter(code__in=["POLICE", "IDVA", "CSC", "HOUSING", "HEALTH", "CST"]))
    past = services.meeting_create(
        actor=coordinator, area=area, date=now - timedelta(days=28), chair=users["officer"], agencies=agencies
    )
    for index, (name, age, children, yes, agency, judgement) in enumerate(REFERRALS[:3]):
        services.referral_create(
            actor=coordinator,
            area=area,
            referral_date=past.date - timedelta(days=10 + index),
            incident_date=None,
            referring_agency=Agency.objects.get(code=agency),
            dash_answers={str(n): "yes" for n in range(1, yes + 1)},
            professional_judgement=judgement,
            professional_judgement_reasons="Escalating controlling behaviour (synthetic)."
            if judgement
            else "",
            children_in_household=children,
            victim_details={"full_name": name, "address": "1 Example Street (synthetic)"},
            perpetrator_details={"full_name": f"Partner of {name}"},
            victim_sex="female",
            victim_age=age,
            victim_ethnicity="white_british",
            victim_disabled="no",
            victim_lgbt="no",
            perpetrator_age=age + 2,
            review_at_12_months=index == 0,
        )
    services.meeting_generate_agenda(actor=coordinator, meeting=past)
    services.meeting_start(actor=coordinator, meeting=past)
    for item in past.agenda_items.all():
        services.agenda_item_record(
            actor=coordinator, item=item, minutes="Risks and safety plan discussed (synthetic)."
        )
        services.action_create(
            actor=coordinator,
            item=item,
            agency=Agency.objects.get(code="HOUSING"),
            description="Fit additional locks and a door alarm (synthetic).",
            due_date=past.date + timedelta(days=14),
        )
    services.meeting_conclude(actor=coordinator, meeting=past)
    upcoming = services.meeting_create(
        actor=coordinator, area=area, date=now + timedelta(days=14), chair=users["officer"], agencies=agencies
    )
    for index, (name, age, children, yes, agency, _judgement) in enumerate(REFERRALS[3:]):
        services.referral_create(
            actor=coordinator,
            area=area,
            referral_date=now - timedelta(days=3 + index),
            incident_date=None,
            referring_agency=Agency.objects.get(code=agency),
            dash_answers={str(n): "yes" for n in range(1, yes + 1)},
            professional_judgement=False,
            children_in_household=children,
            victim_details={"full_name": name},
            victim_sex="female",
            victim_age=age,
            victim_ethnicity="mixed_white_asian",
            victim_disabled="not_known",
            victim_lgbt="not_known",
        )
    services.meeting_generate_agenda(actor=coordinator, meeting=upcoming)
