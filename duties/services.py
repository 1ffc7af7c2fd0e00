"""Every write in the duties app. Views, the admin site and the demo loader all come here."""

from datetime import date, timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_record
from somerset_safety.core.dates import add_working_days, refuse_future
from somerset_safety.core.dates import today as local_today
from somerset_safety.core.edits import save_changes
from somerset_safety.core.references import next_reference
from somerset_safety.core.transitions import transition
from somerset_safety.deadlines.services import deadlines_sync

from .evidence import held_met_dates
from .exceptions import DutiesError
from .models import (
    AgeGroup,
    Decision,
    EvidenceItem,
    ExploitationType,
    ImpactAssessment,
    NotificationExploitation,
    NotificationStatus,
    Obligation,
    Route,
    SlaveryNotification,
)
from .models.slavery import route_for
from .states import SLAVERY_MOVES

ASSESSMENT_REFERENCE = "impact_assessment"  # IA-<year>-NNNN
SLAVERY_REFERENCE = "slavery_notification"  # MS-<year>-NNNN

# Obligations that section 17 and equality assessments count as evidence for (reference data).
S17_OBLIGATION_CODE = "cda-s17-decisions-assessed"
EQUALITY_OBLIGATION_CODE = "psed-equality-assessments"
AFTER_DECISION_WITHDRAWN = "Assessed after the decision, so it is not evidence of due regard."


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def rg_decision_working_days() -> int:
    return getattr(settings, "DUTIES_RG_DECISION_WORKING_DAYS", 5)


def recovery_period_min_days() -> int:
    return getattr(settings, "DUTIES_RECOVERY_PERIOD_MIN_DAYS", 30)


# --- Register: obligations and evidence -------------------------------------------------------


@transaction.atomic
def obligation_refresh(*, obligation: Obligation) -> Obligation:
    """Recompute when the obligation was last met (latest evidence not withdrawn, recorded here
    or held in other records) and when it is next due (its cycle after that), and bring its deadline into line. Idempotent."""
    obligation = Obligation.objects.select_for_update().get(pk=obligation.pk)
    last_met = obligation.evidence.filter(withdrawn_at__isnull=True).aggregate(latest=Max("met_on"))["latest"]
    last_met = max({last_met, *held_met_dates(obligation)} - {None}, default=None)
    next_due = obligation.next_due_after(last_met)
    if (obligation.last_met_on, obligation.next_due_on) != (last_met, next_due):
        obligation.last_met_on, obligation.next_due_on = last_met, next_due
        obligation.save(update_fields=["last_met_on", "next_due_on"])
    deadlines_sync(subject=obligation)
    return obligation


def obligations_refresh_all() -> int:
    """Bring every obligation's dates and deadlines into line (one transaction each), as after
    an upgrade or a change to the register's start date. Returns how many were refreshed."""
    count = 0
    for obligation in Obligation.objects.order_by("pk").iterator(chunk_size=200):
        obligation_refresh(obligation=obligation)
        count += 1
    return count


@transaction.atomic
def obligation_changed_by_admin(*, actor, obligation: Obligation, changed_fields: list[str]) -> Obligation:
    """After an administrator edits an obligation (its cycle, first due date, lead officer):
    audit the change and recompute its dates."""
    audit_record(actor=actor, action=AuditAction.CHANGE, obj=obligation, changed_fields=changed_fields)
    return obligation_refresh(obligation=obligation)


def _check_met_on(met_on: date) -> None:
    refuse_future(met_on, "The date it was met", DutiesError, field="met_on")


@transaction.atomic
def evidence_record(
    *,
    actor,
    obligation: Obligation,
    met_on: date,
    summary: str,
    document: UploadedFile | None = None,
    link: str = "",
) -> EvidenceItem:
    """Record evidence that `obligation` was met on `met_on`, with a document and/or a link.

    Guarantees the obligation's last-met and next-due dates and its deadline are updated in the
    same transaction, and an audit event names the fields recorded. Raises DutiesError if the
    date is in the future, the summary is empty, or there is neither a document nor a link.
    """
    _check_met_on(met_on)
    if not summary.strip():
        raise DutiesError("Enter what was done.")
    if document is None and not link:
        raise DutiesError("Upload a document or enter a link to the evidence.")
    evidence = EvidenceItem(
        obligation=obligation,
        met_on=met_on,
        summary=summary.strip(),
        link=link,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    if document is not None:
        evidence.document_name = document.name[:200]
        evidence.document.save(document.name, document, save=False)
    evidence.save()
    fields = (
        ["obligation", "met_on", "summary"] + (["document"] if document else []) + (["link"] if link else [])
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=evidence, changed_fields=fields)
    obligation_refresh(obligation=obligation)
    return evidence


@transaction.atomic
def evidence_record_from_app(
    *, actor, obligation_code: str, met_on: date, summary: str, link: str
) -> EvidenceItem:
    """Evidence another app holds (for example a partnership board's public meeting, by a link to
    it in this service), recorded against the obligation with that code. Raises DutiesError if
    the same evidence is already recorded and not withdrawn, or as `evidence_record` does."""
    obligation = Obligation.objects.select_for_update().filter(code=obligation_code).first()
    if obligation is None:
        raise DutiesError("The statutory duty this evidence is for is not in the register.")
    if EvidenceItem.objects.filter(obligation=obligation, link=link, withdrawn_at__isnull=True).exists():
        raise DutiesError(f"This is already recorded as evidence of “{obligation.title}”.")
    return evidence_record(actor=actor, obligation=obligation, met_on=met_on, summary=summary, link=link)


@transaction.atomic
def evidence_withdraw(*, actor, evidence: EvidenceItem, reason: str) -> EvidenceItem:
    """Withdraw evidence recorded in error. It stays on record, marked withdrawn with the
    reason, and no longer counts towards the obligation. Raises DutiesError if it is already
    withdrawn, comes from an assessment (edit the assessment instead) or no reason is given."""
    evidence = EvidenceItem.objects.select_for_update().get(pk=evidence.pk)
    if evidence.is_withdrawn:
        raise DutiesError("This evidence has already been withdrawn.")
    if evidence.assessment_id:
        raise DutiesError("This evidence comes from an assessment. Change the assessment instead.")
    if not reason.strip():
        raise DutiesError("Enter why you are withdrawing this evidence.")
    evidence.withdrawn_at = timezone.now()
    evidence.withdrawn_by = actor
    evidence.withdrawn_reason = reason.strip()
    evidence.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=evidence,
        changed_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"],
    )
    obligation_refresh(obligation=evidence.obligation)
    return evidence


def evidence_disclose(*, actor, evidence: EvidenceItem) -> None:
    """Record that the evidence document was downloaded (S11 disclosure)."""
    audit_record(
        actor=actor, action=AuditAction.DISCLOSE, obj=evidence, detail={"download": "evidence document"}
    )


# --- Section 17 and equality assessments ------------------------------------------------------


def _save_with_reference(obj, kind: str) -> None:
    """Give a new record the next reference of its kind for this year, and save it."""
    obj.reference = next_reference(kind, year=local_today().year).text
    obj.save()


ASSESSMENT_FIELDS = [
    "title",
    "kind",
    "decision_body",
    "decision_date",
    "assessed_on",
    "assessor",
    "covers_crime_and_disorder",
    "covers_equality",
    "crime_disorder_implications",
    "equality_impact",
    "mitigations",
    "outcome",
]


def _check_assessment(values: dict) -> None:
    if not (values["covers_crime_and_disorder"] or values["covers_equality"]):
        raise DutiesError("Select at least one kind of assessment: section 17 or equality.")
    if values["covers_crime_and_disorder"] and not values["crime_disorder_implications"].strip():
        raise DutiesError("Enter the crime and disorder implications found.")
    if values["covers_equality"] and not values["equality_impact"].strip():
        raise DutiesError("Enter the equality impact found.")
    refuse_future(values["assessed_on"], "The date of the assessment", DutiesError, field="assessed_on")


def _link_assessment_evidence(*, assessment: ImpactAssessment, actor) -> None:
    """An assessment is evidence for the section 17 obligation, the equality obligation, or
    both, dated when it was assessed; one made after its decision is evidence of neither (it
    could not have informed the decision). Refreshes each obligation it touches."""
    wanted = set()
    if assessment.covers_crime_and_disorder and not assessment.after_decision:
        wanted.add(S17_OBLIGATION_CODE)
    if assessment.covers_equality and not assessment.after_decision:
        wanted.add(EQUALITY_OBLIGATION_CODE)
    touched = []
    for obligation in Obligation.objects.filter(code__in=[S17_OBLIGATION_CODE, EQUALITY_OBLIGATION_CODE]):
        evidence = EvidenceItem.objects.filter(obligation=obligation, assessment=assessment).first()
        if obligation.code in wanted:
            summary = f"{assessment.types_label} assessment {assessment.reference}: {assessment.title}"
            if evidence is None:
                EvidenceItem.objects.create(
                    obligation=obligation,
                    assessment=assessment,
                    met_on=assessment.assessed_on,
                    summary=summary,
                    recorded_by=actor,
                    recorded_at=timezone.now(),
                )
            else:
                evidence.met_on, evidence.summary = assessment.assessed_on, summary
                evidence.withdrawn_at, evidence.withdrawn_by, evidence.withdrawn_reason = None, None, ""
                evidence.save(
                    update_fields=["met_on", "summary", "withdrawn_at", "withdrawn_by", "withdrawn_reason"]
                )
        elif evidence is not None and not evidence.is_withdrawn:
            evidence.withdrawn_at, evidence.withdrawn_by = timezone.now(), actor
            evidence.withdrawn_reason = (
                AFTER_DECISION_WITHDRAWN
                if assessment.after_decision
                else "The assessment no longer covers this duty."
            )
            evidence.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
        touched.append(obligation)
    for obligation in touched:
        obligation_refresh(obligation=obligation)


@transaction.atomic
def assessment_create(*, actor, **values) -> ImpactAssessment:
    """Log a section 17 and/or equality assessment with the next IA-<year>-NNNN reference and
    record it as evidence against the matching duties (unless it was made after its decision:
    then it is logged, flagged and not counted). Raises DutiesError for missing findings,
    a future date, or neither kind of assessment chosen."""
    values = {name: values[name] for name in ASSESSMENT_FIELDS}
    _check_assessment(values)
    assessment = ImpactAssessment(recorded_by=actor, **values)
    _save_with_reference(assessment, ASSESSMENT_REFERENCE)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=assessment, changed_fields=ASSESSMENT_FIELDS)
    _link_assessment_evidence(assessment=assessment, actor=actor)
    return assessment


@transaction.atomic
def assessment_update(
    *, actor, assessment: ImpactAssessment, expected_version: str = "", **values
) -> ImpactAssessment:
    """Change an assessment; its evidence links and the obligations' dates follow. Raises
    DutiesError as assessment_create does."""
    assessment = ImpactAssessment.objects.select_for_update().get(pk=assessment.pk)
    values = {name: values[name] for name in ASSESSMENT_FIELDS}
    _check_assessment(values)
    if save_changes(assessment, values, actor, expected_version=expected_version):
        _link_assessment_evidence(assessment=assessment, actor=actor)
    return assessment


# --- Modern slavery duty to notify ------------------------------------------------------------


def _check_exploitation(exploitation_types: list[str], exploitation_other: str) -> None:
    if not exploitation_types:
        raise DutiesError("Select at least one type of exploitation.")
    unknown = set(exploitation_types) - set(ExploitationType.values)
    if unknown:
        raise DutiesError("Select types of exploitation from the list.")
    if ExploitationType.OTHER in exploitation_types and not exploitation_other.strip():
        raise DutiesError("Describe the other type of exploitation.")


CHILD_NEEDS_SAFEGUARDING = (
    "A child's referral needs the safeguarding referral to children's services: record who it went to "
    "and when, or why none has been made."
)


def _check_safeguarding(made: bool, on: date | None, to: str, *, child: bool, reason_not_made: str) -> None:
    if made and (on is None or not to.strip()):
        raise DutiesError("Enter when the safeguarding referral was made and who it went to.")
    if child and not made and not reason_not_made.strip():
        raise DutiesError(CHILD_NEEDS_SAFEGUARDING)
    refuse_future(on, "The safeguarding referral date", DutiesError, field="on")


def _set_exploitations(notification: SlaveryNotification, exploitation_types: list[str]) -> None:
    notification.exploitations.exclude(exploitation_type__in=exploitation_types).delete()
    existing = set(notification.exploitations.values_list("exploitation_type", flat=True))
    NotificationExploitation.objects.bulk_create(
        NotificationExploitation(notification=notification, exploitation_type=t)
        for t in sorted(set(exploitation_types) - existing)
    )


@transaction.atomic
def slavery_notification_create(
    *,
    actor,
    encounter_date: date,
    age_group: str,
    consent: str,
    route: str,
    exploitation_types: list[str],
    exploitation_other: str = "",
    person_name: str = "",
    date_of_birth: date | None = None,
    nrm_reference: str = "",
    first_responder,
    submitted_on: date,
    safeguarding_referral_made: bool = False,
    safeguarding_referral_on: date | None = None,
    safeguarding_referral_to: str = "",
    safeguarding_not_made_reason: str = "",
    notes: str = "",
) -> SlaveryNotification:
    """Record a duty-to-notify submission (Modern Slavery Act 2015 s52).

    Guarantees: the route is the one the law allows (NRM for a child or a consenting adult,
    MS1 for an adult who does not consent); an MS1 record keeps no name, date of birth or NRM
    reference; an NRM referral gets its reasonable-grounds decision check
    DUTIES_RG_DECISION_WORKING_DAYS working days after submission, as a deadline; a child's
    record has the safeguarding referral to children's services (who and when) or the reason
    there is none. Raises DutiesError for a wrong route, identifying details on an MS1, a child
    without either, or impossible dates.
    """
    expected = route_for(age_group, consent)
    if expected is None:
        raise DutiesError(
            "For a child, consent is not needed. For an adult, say whether they consent to an NRM referral."
        )
    if route != expected:
        if expected == Route.MS1:
            raise DutiesError(
                "An adult who does not consent cannot be referred into the National Referral Mechanism. "
                "Submit an anonymous MS1 notification instead."
            )
        raise DutiesError(
            "A child, or an adult who consents, must be referred into the National Referral Mechanism, "
            "not notified on an MS1."
        )
    if route == Route.MS1 and (person_name.strip() or date_of_birth or nrm_reference.strip()):
        raise DutiesError(
            "An MS1 notification is anonymous: do not record a name, date of birth or NRM reference."
        )
    refuse_future(encounter_date, "The date of the encounter", DutiesError, field="encounter_date")
    refuse_future(submitted_on, "The date submitted", DutiesError, field="submitted_on")
    if submitted_on < encounter_date:
        raise DutiesError("The date submitted must be on or after the date of the encounter.")
    _check_exploitation(exploitation_types, exploitation_other)
    _check_safeguarding(
        safeguarding_referral_made,
        safeguarding_referral_on,
        safeguarding_referral_to,
        child=age_group == AgeGroup.CHILD,
        reason_not_made=safeguarding_not_made_reason,
    )
    notification = SlaveryNotification(
        encounter_date=encounter_date,
        age_group=age_group,
        consent=consent,
        route=route,
        exploitation_other=exploitation_other.strip() if ExploitationType.OTHER in exploitation_types else "",
        person_name=person_name.strip(),
        date_of_birth=date_of_birth,
        nrm_reference=nrm_reference.strip(),
        first_responder=first_responder,
        submitted_on=submitted_on,
        status=NotificationStatus.MS1_SUBMITTED if route == Route.MS1 else NotificationStatus.AWAITING_RG,
        rg_expected_on=add_working_days(submitted_on, rg_decision_working_days())
        if route == Route.NRM
        else None,
        safeguarding_referral_made=safeguarding_referral_made,
        safeguarding_referral_on=safeguarding_referral_on if safeguarding_referral_made else None,
        safeguarding_referral_to=safeguarding_referral_to.strip() if safeguarding_referral_made else "",
        safeguarding_not_made_reason=""
        if safeguarding_referral_made
        else safeguarding_not_made_reason.strip(),
        notes=notes.strip(),
        recorded_by=actor,
    )
    _save_with_reference(notification, SLAVERY_REFERENCE)
    _set_exploitations(notification, exploitation_types)
    fields = [
        "encounter_date",
        "age_group",
        "consent",
        "route",
        "exploitation_types",
        "first_responder",
        "submitted_on",
        "safeguarding_referral_made",
    ]
    fields += [
        name
        for name in (
            "person_name",
            "date_of_birth",
            "nrm_reference",
            "exploitation_other",
            "safeguarding_not_made_reason",
            "notes",
        )
        if getattr(notification, name)
    ]
    audit_record(actor=actor, action=AuditAction.CREATE, obj=notification, changed_fields=fields)
    deadlines_sync(subject=notification)
    return notification


@transaction.atomic
def slavery_notification_update(
    *,
    actor,
    notification: SlaveryNotification,
    exploitation_types: list[str],
    exploitation_other: str = "",
    nrm_reference: str = "",
    safeguarding_referral_made: bool = False,
    safeguarding_referral_on: date | None = None,
    safeguarding_referral_to: str = "",
    safeguarding_not_made_reason: str = "",
    notes: str = "",
    expected_version: str = "",
) -> SlaveryNotification:
    """Update what can change after submission: exploitation types, the Home Office NRM
    reference (NRM only), the safeguarding referral (or, for a child, why none has been made)
    and notes. The route, age group and consent are fixed once submitted. Raises DutiesError as
    on creation."""
    notification = SlaveryNotification.objects.select_for_update().get(pk=notification.pk)
    if notification.route == Route.MS1 and nrm_reference.strip():
        raise DutiesError("An MS1 notification is anonymous and has no NRM reference.")
    _check_exploitation(exploitation_types, exploitation_other)
    _check_safeguarding(
        safeguarding_referral_made,
        safeguarding_referral_on,
        safeguarding_referral_to,
        child=notification.age_group == AgeGroup.CHILD,
        reason_not_made=safeguarding_not_made_reason,
    )
    values = {
        "exploitation_other": exploitation_other.strip()
        if ExploitationType.OTHER in exploitation_types
        else "",
        "nrm_reference": nrm_reference.strip(),
        "safeguarding_referral_made": safeguarding_referral_made,
        "safeguarding_referral_on": safeguarding_referral_on if safeguarding_referral_made else None,
        "safeguarding_referral_to": safeguarding_referral_to.strip() if safeguarding_referral_made else "",
        "safeguarding_not_made_reason": ""
        if safeguarding_referral_made
        else safeguarding_not_made_reason.strip(),
        "notes": notes.strip(),
    }
    before_types = set(notification.exploitations.values_list("exploitation_type", flat=True))
    types_changed = before_types != set(exploitation_types)
    if types_changed:
        _set_exploitations(notification, exploitation_types)
    save_changes(
        notification,
        values,
        actor,
        also_changed=["exploitation_types"] if types_changed else [],
        expected_version=expected_version,
    )
    return notification


def _check_decision_date(decided_on: date, after: date, what: str) -> None:
    refuse_future(decided_on, f"The {what} decision date", DutiesError, field="decided_on")
    if decided_on < after:
        raise DutiesError(f"The {what} decision date cannot be before {_long(after)}.")


@transaction.atomic
def slavery_rg_decide(
    *,
    actor,
    notification: SlaveryNotification,
    decision: str,
    decided_on: date,
    recovery_period_ends_on: date | None = None,
) -> SlaveryNotification:
    """Record the competent authority's reasonable-grounds decision on an NRM referral.

    A positive decision starts the recovery period, which must end at least
    DUTIES_RECOVERY_PERIOD_MIN_DAYS days after the decision (the minimum is used if no end is
    given). Marks the decision check deadline met. Raises TransitionRefused for an MS1 or a
    record not awaiting this decision, DutiesError for impossible dates.
    """
    notification = SlaveryNotification.objects.select_for_update().get(pk=notification.pk)
    SLAVERY_MOVES.check(notification, "rg_decide")
    _check_decision_date(decided_on, notification.submitted_on, "reasonable-grounds")
    if decision == Decision.POSITIVE:
        earliest_end = decided_on + timedelta(days=recovery_period_min_days())
        recovery_period_ends_on = recovery_period_ends_on or earliest_end
        if recovery_period_ends_on < earliest_end:
            raise DutiesError(
                f"The recovery period must last at least {recovery_period_min_days()} days: "
                f"it cannot end before {_long(earliest_end)}."
            )
    else:
        recovery_period_ends_on = None
    return transition(
        notification,
        "rg_decide",
        machine=SLAVERY_MOVES,
        actor=actor,
        outcome=decision,
        values={"rg_decision_on": decided_on, "recovery_period_ends_on": recovery_period_ends_on},
    )


@transaction.atomic
def slavery_cg_decide(
    *, actor, notification: SlaveryNotification, decision: str, decided_on: date
) -> SlaveryNotification:
    """Record the conclusive-grounds decision after a positive reasonable-grounds decision.
    Raises TransitionRefused unless the record is in its recovery period, DutiesError for a
    date in the future or before the reasonable-grounds decision."""
    notification = SlaveryNotification.objects.select_for_update().get(pk=notification.pk)
    SLAVERY_MOVES.check(notification, "cg_decide")
    _check_decision_date(decided_on, notification.rg_decision_on, "conclusive-grounds")
    return transition(
        notification,
        "cg_decide",
        machine=SLAVERY_MOVES,
        actor=actor,
        outcome=decision,
        values={"cg_decision_on": decided_on},
    )
