"""Synthetic demo data for the duties app. Idempotent: it does nothing once its records exist."""

from datetime import timedelta

from somerset_safety.accounts.models import Agency
from somerset_safety.core.dates import add_months
from somerset_safety.core.dates import today as local_today

from . import services
from .models import (
    AgeGroup,
    AssessmentKind,
    AssessmentOutcome,
    Consent,
    Decision,
    EvidenceItem,
    ExploitationType,
    ImpactAssessment,
    Obligation,
    Route,
)

MARKER = "(synthetic)"

# obligation code, months ago it was met, what was done
EVIDENCE = [
    ("pja-strategic-assessment-annual", 11, "Strategic assessment agreed by the partnership board"),
    ("pja-plan-annual-refresh", 14, "Partnership plan refresh agreed"),
    ("pja-public-meeting", 5, "Public meeting held at the county hall"),
    ("pja-scrutiny-review", 3, "Scrutiny committee considered the partnership's annual report"),
    ("ctsa-channel-assurance", 2, "Channel assurance statement sent to the Home Office"),
    ("prevent-partnership-group", 1, "Prevent board terms of reference reviewed"),
    ("prevent-risk-assessment", 13, "Counter-terrorism local profile risk assessment"),
    ("prevent-training", 4, "Prevent awareness training figures reported"),
    ("daa-annual-report", 9, "Annual safe accommodation report submitted"),
    ("svd-annual-review", 6, "Serious violence strategy annual review"),
    # ASB case review (Community Trigger), ASB, Crime and Policing Act 2014 s104: invented figures.
    (
        "asb-case-review-procedure",
        7,
        "ASB case review procedure, threshold and contacts checked and republished on the council's website",
    ),
    (
        "asb-case-reviews-held",
        2,
        "Year's ASB case review log: 12 applications, 8 met the threshold, 8 reviews held, applicants told",
    ),
    (
        "asb-case-review-numbers-published",
        8,
        "ASB case review figures for the year published: 12 applications, 4 below the threshold, "
        "8 reviews carried out, 5 with recommendations",
    ),
]


def load_demo(users: dict) -> None:
    officer = users["officer"]
    loaded_before = EvidenceItem.objects.filter(summary__endswith=MARKER).exists()
    today = local_today()
    # Each item once, so a demo loaded before gets the items added since (the ASB case review's).
    for code, months_ago, what in EVIDENCE:
        obligation = Obligation.objects.filter(code=code).first()
        summary = f"{what} {MARKER}"
        if obligation is None or EvidenceItem.objects.filter(obligation=obligation, summary=summary).exists():
            continue
        services.evidence_record(
            actor=officer,
            obligation=obligation,
            met_on=add_months(today, -months_ago),
            summary=summary,
            link="https://www.example.invalid/safer-somerset/evidence",
        )
    if loaded_before:
        return
    if not ImpactAssessment.objects.filter(title__endswith=MARKER).exists():
        services.assessment_create(
            actor=officer,
            title=f"Night-time economy licensing policy {MARKER}",
            kind=AssessmentKind.POLICY,
            decision_body="The Executive",
            decision_date=today - timedelta(days=40),
            assessed_on=today - timedelta(days=60),
            assessor="Demo Officer, Community Safety (synthetic)",
            covers_crime_and_disorder=True,
            covers_equality=True,
            crime_disorder_implications="Later opening may increase violence in town centres at weekends.",
            equality_impact="Extended hours help shift workers; no adverse effect on protected groups found.",
            mitigations="Street marshals and a taxi marshal scheme funded for the first year.",
            outcome=AssessmentOutcome.CONTINUE,
        )
        services.assessment_create(
            actor=officer,
            title=f"Library opening hours review {MARKER}",
            kind=AssessmentKind.DECISION,
            decision_body="Director of Communities",
            decision_date=None,
            assessed_on=today - timedelta(days=10),
            assessor="Demo Officer, Community Safety (synthetic)",
            covers_crime_and_disorder=True,
            covers_equality=False,
            crime_disorder_implications="No crime and disorder implications found.",
            equality_impact="",
            mitigations="",
            outcome=AssessmentOutcome.NO_CHANGE,
        )
    council = Agency.objects.filter(code="CST").first() or Agency.objects.first()
    police = Agency.objects.filter(code="POLICE").first() or council
    child = services.slavery_notification_create(
        actor=officer,
        encounter_date=today - timedelta(days=20),
        age_group=AgeGroup.CHILD,
        consent=Consent.NOT_NEEDED,
        route=Route.NRM,
        exploitation_types=[ExploitationType.CRIMINAL],
        person_name="Synthetic Child A (synthetic)",
        first_responder=police,
        submitted_on=today - timedelta(days=18),
        safeguarding_referral_made=True,
        safeguarding_referral_on=today - timedelta(days=19),
        safeguarding_referral_to="Children's social care",
        notes=f"County Lines: found at a cuckooed address {MARKER}",
    )
    services.slavery_rg_decide(
        actor=officer, notification=child, decision=Decision.POSITIVE, decided_on=today - timedelta(days=12)
    )
    services.slavery_notification_create(
        actor=officer,
        encounter_date=today - timedelta(days=4),
        age_group=AgeGroup.ADULT,
        consent=Consent.NO,
        route=Route.MS1,
        exploitation_types=[ExploitationType.LABOUR],
        first_responder=council,
        submitted_on=today - timedelta(days=3),
        notes=f"Car wash workers {MARKER}",
    )
    services.slavery_notification_create(
        actor=officer,
        encounter_date=today - timedelta(days=12),
        age_group=AgeGroup.ADULT,
        consent=Consent.YES,
        route=Route.NRM,
        exploitation_types=[ExploitationType.SEXUAL, ExploitationType.DOMESTIC_SERVITUDE],
        person_name="Synthetic Adult B (synthetic)",
        first_responder=council,
        submitted_on=today - timedelta(days=10),
        notes=MARKER,
    )
