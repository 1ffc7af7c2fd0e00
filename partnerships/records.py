"""The MARAC records on the council's retention schedule (somerset_safety.records)."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Max, Q
from django.db.models.functions import Coalesce, Greatest, TruncDate

from somerset_safety.records import registry
from somerset_safety.records.models import RetentionAction, RetentionTrigger

REMOVED = "Removed when the record was anonymised under the retention schedule."


def anonymise_person(person) -> list[registry.Scrub]:
    """Drop who the person is and the free text written about their cases; keep every field the
    data return and the dashboard count (dates, areas, risk, ages, sex, ethnicity, outcomes), so
    figures for closed periods do not change. A person stays linked to their referrals: the
    repeat count needs it."""
    from somerset_safety.meetings.models import Action, ActionUpdate, AgendaItem

    from .models import Person, ProcessingRestriction, Referral, ReferralTransfer, ResearchReturn

    as_victim = Referral.objects.filter(victim=person)
    subjects = Q(subject_type=ContentType.objects.get_for_model(Person), subject_id=person.pk) | Q(
        subject_type=ContentType.objects.get_for_model(Referral),
        subject_id__in=as_victim.values_list("pk", flat=True),
    )
    actions = Action.objects.filter(subjects)
    returns = ResearchReturn.objects.filter(referral__in=as_victim)
    return [
        registry.Scrub(
            Person.objects.filter(pk=person.pk),
            {"full_name": "", "normalised_name": "", "date_of_birth": None, "address": "", "source_ref": ""},
        ),
        registry.Scrub(
            as_victim.exclude(professional_judgement_reasons=""), {"professional_judgement_reasons": REMOVED}
        ),
        registry.Scrub(as_victim.exclude(withdrawn_reason=""), {"withdrawn_reason": REMOVED}),
        registry.Scrub(as_victim.exclude(victim_views=""), {"victim_views": REMOVED}),
        registry.Scrub(
            as_victim.exclude(referrer_name="", referrer_contact="", dash_completed_by="", idva_name=""),
            {"referrer_name": "", "referrer_contact": "", "dash_completed_by": "", "idva_name": ""},
        ),
        registry.Scrub(AgendaItem.objects.filter(subjects).exclude(minutes=""), {"minutes": REMOVED}),
        registry.Scrub(actions, {"description": REMOVED}),
        registry.Scrub(actions.exclude(outcome=""), {"outcome": REMOVED}),
        registry.Scrub(ActionUpdate.objects.filter(action__in=actions), {"text": REMOVED}),
        registry.Scrub(returns.exclude(summary=""), {"summary": REMOVED}),
        registry.Scrub(returns.exclude(risks=""), {"risks": REMOVED}),
        registry.Scrub(ReferralTransfer.objects.filter(referral__in=as_victim), {"reason": REMOVED}),
        registry.Scrub(ProcessingRestriction.objects.filter(person=person), {"reason": REMOVED}),
        registry.Scrub(
            ProcessingRestriction.objects.filter(person=person).exclude(lift_reason=""),
            {"lift_reason": REMOVED},
        ),
    ]


def anonymise_group(group) -> list[registry.Scrub]:
    """Drop the people and places of an archived organised crime group: nominals' and exploited
    people's names and dates of birth, addresses, line names and the free text written about
    them. The group keeps its reference (which also becomes its name), type, band, dates and
    disruption outcomes, so the panel's figures for past quarters do not change. The reasons its
    people's records were restricted go too."""
    from somerset_safety.meetings.models import Action, ActionUpdate, AgendaItem

    from .models import (
        DisruptionOutcome,
        DisruptionPlan,
        ExploitedPerson,
        ExploitedPersonRestriction,
        Location,
        MappingAssessment,
        MorileAssessment,
        Nominal,
        NominalRestriction,
        OrganisedCrimeGroup,
    )

    subjects = Q(subject_type=ContentType.objects.get_for_model(OrganisedCrimeGroup), subject_id=group.pk)
    actions = Action.objects.filter(subjects)
    return [
        registry.Scrub(
            OrganisedCrimeGroup.objects.filter(pk=group.pk),
            {"name": F("reference"), "operation_name": "", "line_names": "", "status_reason": REMOVED},
        ),
        registry.Scrub(Nominal.objects.filter(group=group), {"full_name": "", "date_of_birth": None}),
        registry.Scrub(
            ExploitedPerson.objects.filter(group=group),
            {"full_name": "", "date_of_birth": None, "nrm_reference": ""},
        ),
        registry.Scrub(
            ExploitedPerson.objects.filter(group=group).exclude(no_referral_reason=""),
            {"no_referral_reason": REMOVED},
        ),
        *(
            scrub
            for restrictions in (
                NominalRestriction.objects.filter(nominal__group=group),
                ExploitedPersonRestriction.objects.filter(person__group=group),
            )
            for scrub in (
                registry.Scrub(restrictions, {"reason": REMOVED}),
                registry.Scrub(restrictions.exclude(lift_reason=""), {"lift_reason": REMOVED}),
            )
        ),
        registry.Scrub(Location.objects.filter(group=group), {"address": REMOVED, "closure_history": ""}),
        registry.Scrub(MappingAssessment.objects.filter(group=group), {"rationale": REMOVED}),
        registry.Scrub(MorileAssessment.objects.filter(group=group), {"rationale": REMOVED}),
        registry.Scrub(
            DisruptionOutcome.objects.filter(group=group).exclude(description=""), {"description": REMOVED}
        ),
        registry.Scrub(DisruptionPlan.objects.filter(group=group), {"aim": REMOVED}),
        registry.Scrub(AgendaItem.objects.filter(subjects).exclude(minutes=""), {"minutes": REMOVED}),
        registry.Scrub(actions, {"description": REMOVED}),
        registry.Scrub(actions.exclude(outcome=""), {"outcome": REMOVED}),
        registry.Scrub(ActionUpdate.objects.filter(action__in=actions), {"text": REMOVED}),
    ]


def load_records_demo(users: dict) -> None:
    """Two synthetic people last referred to MARAC in 2018, so the records manager has records
    due to review, hold or anonymise (idempotent)."""
    from datetime import date

    from somerset_safety.accounts.models import Agency

    from . import services
    from .models import MaracArea, Person

    if Person.objects.filter(full_name__startswith="Retention Example").exists():
        return
    area = MaracArea.objects.filter(code="TAUNTON").first() or MaracArea.objects.first()
    if area is None:
        return
    for number, day in ((1, date(2018, 3, 14)), (2, date(2018, 9, 3))):
        services.referral_create(
            actor=users["coordinator"],
            area=area,
            referral_date=day,
            incident_date=None,
            referring_agency=Agency.objects.get(code="POLICE"),
            dash_answers={str(n): "yes" for n in range(1, 15)},
            professional_judgement=False,
            professional_judgement_reasons="",
            children_in_household=0,
            victim_details={"full_name": f"Retention Example {number} (synthetic)"},
            perpetrator_details={"full_name": f"Partner of Retention Example {number} (synthetic)"},
            victim_sex="female",
            victim_age=30 + number,
            victim_ethnicity="white_british",
            victim_disabled="no",
            victim_lgbt="no",
            perpetrator_age=35,
            review_at_12_months=False,
        )


def register_records() -> None:
    from .models import GroupStatus, ImportJob, OrganisedCrimeGroup, Person

    as_victim = Max("referrals_as_victim__referral_date")
    as_perpetrator = Max("referrals_as_perpetrator__referral_date")
    registry.register(
        registry.RecordType(
            key="marac_person",
            label="MARAC referral and person",
            model=Person,
            triggers={
                RetentionTrigger.CREATED: TruncDate("created_at"),
                # Greatest of the two, either of which may be empty (SQLite's is empty if one is).
                RetentionTrigger.LAST_REFERRAL: Greatest(
                    Coalesce(as_victim, as_perpetrator), Coalesce(as_perpetrator, as_victim)
                ),
            },
            default=registry.Default(
                years=6, trigger=RetentionTrigger.LAST_REFERRAL, action=RetentionAction.ANONYMISE
            ),
            # The referrals are the MARAC's figures: a person is anonymised, never deleted.
            destroy=False,
            anonymise=anonymise_person,
            order=20,
        )
    )
    registry.register(
        registry.RecordType(
            key="disruption_group",
            label="Disruption Panel organised crime group",
            model=OrganisedCrimeGroup,
            # Only an archived group is closed; its status date is the day it was archived.
            queryset=lambda: OrganisedCrimeGroup.objects.filter(status=GroupStatus.ARCHIVED),
            triggers={
                RetentionTrigger.CREATED: "referred_on",
                RetentionTrigger.CLOSED: "status_changed_on",
            },
            default=registry.Default(
                years=6, trigger=RetentionTrigger.CLOSED, action=RetentionAction.ANONYMISE
            ),
            # Its assessments, people and outcomes are the panel's figures and point at it.
            destroy=False,
            anonymise=anonymise_group,
            order=30,
        )
    )
    registry.register(
        registry.RecordType(
            key="marac_import_file",
            label="MARAC referrals import file",
            model=ImportJob,
            triggers={RetentionTrigger.CREATED: TruncDate("created_at")},
            # The uploaded file and its check (rows, problems, preview) hold every row's personal
            # data; once imported the referrals hold it, so the file goes after a year. Destroying
            # the job removes the file from private storage; the referrals and their batch stay.
            default=registry.Default(
                years=1, trigger=RetentionTrigger.CREATED, action=RetentionAction.DESTROY
            ),
            order=25,
        )
    )
