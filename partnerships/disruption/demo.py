"""Synthetic Disruption Panel demo data: groups at several bands and stages, with a person
exploited and disruptions recorded. Idempotent; every name is labelled (synthetic)."""

from datetime import timedelta
from decimal import Decimal

from somerset_safety.accounts.models import Agency
from somerset_safety.core.dates import today

from ..models import DisruptionGrading, GroupType, OrganisedCrimeGroup, ThreatBand
from . import services

# name, type, line type, band, moves, days ago referred
GROUPS = [
    ("Orange Line (synthetic)", "county_line", "imported", "1", ["adopt", "activate"], 120),
    ("Harbour Crew (synthetic)", "drugs_supply", "", "3", ["adopt"], 60),
    ("Northgate Network (synthetic)", "exploitation", "", None, [], 10),
]


def load_demo(users: dict) -> None:
    member = users.get("panel")
    if member is None or OrganisedCrimeGroup.objects.filter(name__endswith="(synthetic)").exists():
        return
    now = today()
    police, csc = Agency.objects.get(code="POLICE"), Agency.objects.get(code="CSC")
    groups = []
    for name, kind, line_type, band, moves, days in GROUPS:
        referred = now - timedelta(days=days)
        group = services.group_create(
            actor=member,
            name=name,
            operation_name="",
            group_type=GroupType.objects.get(code=kind),
            areas="Taunton (synthetic)",
            referred_on=referred,
            referring_agency=police,
            lead_agency=police,
            senior_responsible_officer=member,
            line_type=line_type,
            line_names="DEMO 07700 900123 (synthetic)" if line_type else "",
            restricted=False,
        )
        for step, move in enumerate(moves, start=1):
            group = services.group_move(
                actor=member,
                group=group,
                move=move,
                reason="Agreed at panel (synthetic)",
                on=referred + timedelta(days=step),
            )
        if band:
            services.mapping_assessment_record(
                actor=member,
                group=group,
                band=ThreatBand.objects.get(code=band, scale__kind="ocg_mapping"),
                supplied_by="Regional Organised Crime Unit (synthetic)",
                supplied_on=referred + timedelta(days=2),
                rationale="Synthetic assessment for the demonstration.",
            )
        groups.append(group)
    orange = groups[0]
    services.exploited_person_save(
        actor=member,
        group=orange,
        age_group="child",
        full_name="Casey Demo (synthetic)",
        date_of_birth=None,
        exploitation_types=["criminal"],
        safeguarding_referral_made=True,
        safeguarding_referral_to=csc,
        safeguarding_referral_on=now - timedelta(days=100),
        no_referral_reason="",
        nrm_reference="",
        missing_episodes=2,
        last_missing_on=now - timedelta(days=90),
    )
    major = DisruptionGrading.objects.get(code="major")
    for outcome, strand, number, value in (
        ("arrest", "pursue", 3, None),
        ("line_closed", "pursue", 1, None),
        ("safeguarded", "protect", 1, None),
        ("asset_seizure", "pursue", 1, Decimal("2400.00")),
    ):
        services.outcome_record(
            actor=member,
            group=orange,
            outcome_type=outcome,
            strand=strand,
            occurred_on=now - timedelta(days=30),
            agency=police,
            grading=major,
            number=number,
            value=value,
            line_type="",
            description="Synthetic disruption.",
        )
