"""Synthetic Disruption Panel demo data: groups at several bands and stages, with a person
exploited and disruptions recorded, a concluded panel meeting that tasked two 4P actions (one now
overdue) and the next meeting with its agenda. Idempotent; every name is labelled (synthetic)."""

from datetime import timedelta
from decimal import Decimal

from somerset_safety.accounts.models import Agency
from somerset_safety.core.dates import today
from somerset_safety.meetings import services as meetings

from ..models import DisruptionGrading, GroupType, OrganisedCrimeGroup, PanelAgendaItem, Tactic, ThreatBand
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
    _meetings(member, orange, police, csc, now, users.get("police_rep"))


def _meetings(member, orange, police, csc, now, police_rep) -> None:
    """A meeting four weeks ago that reviewed the Orange Line and tasked a Pursue and a Prevent
    action on its plan, and the next meeting in a week, its agenda generated."""
    services.plan_save(
        actor=member,
        group=orange,
        owning_agency=police,
        aim="Close the line and safeguard the children it exploits (synthetic).",
    )
    last = services.panel_meeting_schedule(
        actor=member, date=now - timedelta(days=28), venue="Police HQ (synthetic)"
    )
    services.panel_agenda_generate(actor=member, meeting=last)
    meetings.meeting_start(actor=member, meeting=last)
    for item in PanelAgendaItem.objects.filter(meeting=last):
        if item.subject_id == orange.pk:
            for strand, tactic, agency, owner, text, due in (
                (
                    "pursue",
                    "closure_order",
                    police,
                    police_rep,
                    "Apply for a closure order on the cuckooed address (synthetic).",
                    -7,
                ),
                (
                    "prevent",
                    "youth_engagement",
                    csc,
                    None,
                    "Offer the children youth service support (synthetic).",
                    14,
                ),
            ):
                services.plan_action_create(
                    actor=member,
                    item=item,
                    strand=strand,
                    tactic=Tactic.objects.get(code=tactic),
                    agency=agency,
                    description=text,
                    due_date=now + timedelta(days=due),
                    owner=owner,
                )
        services.panel_item_record(actor=member, item=item, minutes="Discussed at the panel (synthetic).")
    meetings.meeting_conclude(actor=member, meeting=last)
    upcoming = services.panel_meeting_schedule(
        actor=member, date=now + timedelta(days=7), venue="Police HQ (synthetic)"
    )
    services.panel_agenda_generate(actor=member, meeting=upcoming)
