"""Every write to the Disruption Panel's register: groups and their moves, assessments, problem
profiles, and the people and places of a group. Each service checks its rules, audits what it
did (field names only) and keeps the stored deadlines in step. Raises DisruptionError, whose
message is safe to show. Panel meetings, the 4P plan and disruptions are in `work.py`.
"""

from collections.abc import Iterable, Mapping
from datetime import date

from django.db import transaction
from django.db.models import Max

from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_record
from somerset_safety.core import references
from somerset_safety.core.dates import add_months
from somerset_safety.core.dates import today as local_today
from somerset_safety.core.edits import save_changes
from somerset_safety.core.transitions import transition
from somerset_safety.deadlines.services import deadlines_sync

from ..exceptions import DisruptionError
from ..models import (
    AssessmentScale,
    DisruptionOutcome,
    ExploitationType,
    ExploitedPerson,
    GroupStatus,
    Location,
    MappingAssessment,
    MorileAssessment,
    Nominal,
    OrganisedCrimeGroup,
    OutcomeType,
    PersonAge,
    ProblemProfile,
    ProfileVersion,
    ScaleKind,
    ThreatBand,
    Vulnerability,
)
from ..states import GROUP_MOVES

REFERENCE_KIND = "disruption_group"  # OCG-<year referred>-NNNN

GROUP_FIELDS = (
    "name",
    "operation_name",
    "group_type",
    "areas",
    "referred_on",
    "referring_agency",
    "lead_agency",
    "senior_responsible_officer",
    "line_type",
    "line_names",
    "restricted",
)


def _check_group(values: Mapping) -> None:
    if values["referred_on"] > local_today():
        raise DisruptionError("The referral date cannot be in the future.")
    if values["group_type"].is_county_line and not values.get("line_type"):
        raise DisruptionError("Say whether the County Line is run from outside the area or within it.")


def _named(group: OrganisedCrimeGroup, actor, people: Iterable) -> list:
    """A restricted group always names the person restricting it, so it is never lost."""
    people = list(people)
    if group.restricted and actor.pk not in {p.pk for p in people}:
        people.append(actor)
    return people


@transaction.atomic
def group_create(*, actor, named_people: Iterable = (), **values) -> OrganisedCrimeGroup:
    """Record a group referred to the panel, with the next OCG reference of its referral year."""
    values = {name: values.get(name) for name in GROUP_FIELDS}
    values["operation_name"] = (values["operation_name"] or "").strip()
    values["line_names"] = (values["line_names"] or "").strip()
    values["line_type"] = values["line_type"] or ""
    values["restricted"] = bool(values["restricted"])
    _check_group(values)
    reference = references.next_reference(REFERENCE_KIND, year=values["referred_on"].year)
    group = OrganisedCrimeGroup.objects.create(reference=reference.text, created_by=actor, **values)
    group.named_people.set(_named(group, actor, named_people))
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=group, changed_fields=[*GROUP_FIELDS, "named_people"]
    )
    deadlines_sync(subject=group)
    return group


@transaction.atomic
def group_update(*, actor, group: OrganisedCrimeGroup, named_people: Iterable = (), **values) -> list[str]:
    """Change a group's details and who is named on it. Returns the fields that changed."""
    group = OrganisedCrimeGroup.objects.select_for_update().get(pk=group.pk)
    values = {name: values.get(name) for name in GROUP_FIELDS}
    values["line_type"] = values["line_type"] or ""
    values["operation_name"] = (values["operation_name"] or "").strip()
    values["line_names"] = (values["line_names"] or "").strip()
    _check_group(values)
    group.restricted = bool(values["restricted"])
    people = _named(group, actor, named_people)
    before = set(group.named_people.values_list("pk", flat=True))
    people_changed = before != {p.pk for p in people}
    if people_changed:
        group.named_people.set(people)
    changed = save_changes(group, values, actor, also_changed=["named_people"] if people_changed else [])
    if changed:
        deadlines_sync(subject=group)
    return changed


@transaction.atomic
def group_move(*, actor, group: OrganisedCrimeGroup, move: str, reason: str, on: date) -> OrganisedCrimeGroup:
    """Move a group on (adopt, make active, reduced, archive) with the reason, on a date."""
    reason = reason.strip()
    if not reason:
        raise DisruptionError("Enter the reason for this decision.")
    if on > local_today():
        raise DisruptionError("The date of the decision cannot be in the future.")
    if on < group.referred_on:
        raise DisruptionError("The date of the decision cannot be before the group was referred.")
    if move not in GROUP_MOVES:
        raise DisruptionError("That is not a decision the panel can make on a group.")
    return transition(
        group,
        move,
        machine=GROUP_MOVES,
        actor=actor,
        values={"status_reason": reason, "status_changed_on": on},
    )


# --- Assessments and the review cycle ----------------------------------------------------------


def current_mapping(group: OrganisedCrimeGroup) -> MappingAssessment | None:
    return (
        MappingAssessment.objects.filter(group=group)
        .select_related("band", "scale")
        .order_by("-supplied_on", "-id")
        .first()
    )


def review_date_for(group: OrganisedCrimeGroup) -> date | None:
    """The next review: the current band's cycle from the last review, or, before the first
    review, from the date the current band was supplied. None without a band."""
    mapping = current_mapping(group)
    if mapping is None:
        return None
    start = max(d for d in (mapping.supplied_on, group.last_reviewed_on) if d is not None)
    return add_months(start, mapping.band.review_months)


def group_refresh_review_date(
    *, group: OrganisedCrimeGroup, actor, reviewed_on: date | None = None
) -> OrganisedCrimeGroup:
    """Set the group's review date from its band (and, when it has just been reviewed, the date
    of that review). Runs inside the caller's transaction."""
    group = OrganisedCrimeGroup.objects.select_for_update().get(pk=group.pk)
    values = {}
    if reviewed_on is not None and (group.last_reviewed_on is None or reviewed_on > group.last_reviewed_on):
        values["last_reviewed_on"] = reviewed_on
        group.last_reviewed_on = reviewed_on
    values["review_date"] = review_date_for(group)
    if save_changes(group, values, actor):
        deadlines_sync(subject=group)
    return group


def _check_dated(day: date, group: OrganisedCrimeGroup, what: str) -> None:
    if day > local_today():
        raise DisruptionError(f"The {what} cannot be in the future.")


@transaction.atomic
def mapping_assessment_record(
    *,
    actor,
    group: OrganisedCrimeGroup,
    band: ThreatBand,
    supplied_by: str,
    supplied_on: date,
    rationale: str,
    score: int | None = None,
) -> MappingAssessment:
    """Record the OCG mapping band as supplied (it is never worked out here). The current band
    sets the review cycle, so the group's review date moves with it."""
    if band.scale.kind != ScaleKind.OCG_MAPPING:
        raise DisruptionError("Choose a band of an OCG mapping scale.")
    _check_dated(supplied_on, group, "date the band was supplied")
    if not supplied_by.strip() or not rationale.strip():
        raise DisruptionError("Enter who supplied the band and the rationale.")
    assessment = MappingAssessment.objects.create(
        group=group,
        scale=band.scale,
        band=band,
        score=score,
        supplied_by=supplied_by.strip(),
        supplied_on=supplied_on,
        rationale=rationale.strip(),
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=assessment,
        changed_fields=["band", "score", "supplied_by", "supplied_on", "rationale"],
    )
    group_refresh_review_date(group=group, actor=actor)
    return assessment


MORILE_MEASURES = ("harm", "likelihood", "organisational_position", "confidence")


@transaction.atomic
def morile_assessment_record(
    *,
    actor,
    group: OrganisedCrimeGroup,
    scale: AssessmentScale,
    assessed_on: date,
    assessed_by: str,
    rationale: str,
    **scores,
) -> MorileAssessment:
    """Record a MoRiLE-style assessment: the four measures as scored, never added together."""
    if scale.kind != ScaleKind.MORILE:
        raise DisruptionError("Choose a MoRiLE scale.")
    _check_dated(assessed_on, group, "assessment date")
    for measure in MORILE_MEASURES:
        value = scores.get(measure)
        if value is None or not 1 <= value <= scale.score_max:
            label = measure.replace("_", " ")
            raise DisruptionError(f"The {label} score must be between 1 and {scale.score_max} on this scale.")
    if not assessed_by.strip() or not rationale.strip():
        raise DisruptionError("Enter who assessed the group and the rationale.")
    assessment = MorileAssessment.objects.create(
        group=group,
        scale=scale,
        assessed_on=assessed_on,
        assessed_by=assessed_by.strip(),
        rationale=rationale.strip(),
        recorded_by=actor,
        **{m: scores[m] for m in MORILE_MEASURES},
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=assessment,
        changed_fields=[*MORILE_MEASURES, "assessed_on", "rationale"],
    )
    return assessment


# --- Problem profiles --------------------------------------------------------------------------


@transaction.atomic
def profile_version_publish(
    *, actor, profile: ProblemProfile, published_on: date, next_refresh_due: date, summary: str
) -> ProfileVersion:
    """Record a new version of a problem profile. It meets the refresh deadline of the version
    before it; its own "next refresh due" becomes the deadline."""
    profile = ProblemProfile.objects.select_for_update().get(pk=profile.pk)
    if published_on > local_today():
        raise DisruptionError("The publication date cannot be in the future.")
    if next_refresh_due <= published_on:
        raise DisruptionError("The next refresh must be due after the version is published.")
    if not summary.strip():
        raise DisruptionError("Enter a summary of this version.")
    previous = profile.versions.order_by("-number").first()
    if previous is not None and published_on < previous.published_on:
        raise DisruptionError("A new version cannot be published before the version it replaces.")
    number = (profile.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    version = ProfileVersion.objects.create(
        profile=profile,
        number=number,
        published_on=published_on,
        next_refresh_due=next_refresh_due,
        summary=summary.strip(),
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=version,
        changed_fields=["published_on", "next_refresh_due"],
    )
    deadlines_sync(subject=version)
    if previous is not None:
        deadlines_sync(subject=previous)
    return version


# --- People and places ---------------------------------------------------------------------------


def _choices(values: Iterable[str], allowed) -> list[str]:
    values = list(dict.fromkeys(values or []))
    if any(v not in allowed.values for v in values):
        raise DisruptionError("Choose from the options given.")
    return values


NOMINAL_FIELDS = ("role", "full_name", "date_of_birth", "age", "vulnerabilities", "also_victim")


@transaction.atomic
def nominal_save(*, actor, group: OrganisedCrimeGroup, nominal: Nominal | None = None, **values) -> Nominal:
    """Add a member to a group, or change one."""
    values = {name: values.get(name) for name in NOMINAL_FIELDS}
    values["full_name"] = (values["full_name"] or "").strip()
    values["vulnerabilities"] = _choices(values["vulnerabilities"], Vulnerability)
    values["also_victim"] = bool(values["also_victim"])
    if values["date_of_birth"] and values["date_of_birth"] > local_today():
        raise DisruptionError("The date of birth cannot be in the future.")
    if nominal is None:
        nominal = Nominal.objects.create(group=group, **values)
        audit_record(actor=actor, action=AuditAction.CREATE, obj=nominal, changed_fields=list(NOMINAL_FIELDS))
    else:
        save_changes(Nominal.objects.select_for_update().get(pk=nominal.pk), values, actor)
    return nominal


LOCATION_FIELDS = ("kind", "address", "risk", "closure_history")


@transaction.atomic
def location_save(
    *, actor, group: OrganisedCrimeGroup, location: Location | None = None, **values
) -> Location:
    """Add an address or premises to a group, or change one."""
    values = {name: (values.get(name) or "").strip() for name in LOCATION_FIELDS}
    if not values["address"]:
        raise DisruptionError("Enter the address.")
    if location is None:
        location = Location.objects.create(group=group, **values)
        audit_record(
            actor=actor, action=AuditAction.CREATE, obj=location, changed_fields=list(LOCATION_FIELDS)
        )
    else:
        save_changes(Location.objects.select_for_update().get(pk=location.pk), values, actor)
    return location


EXPLOITED_FIELDS = (
    "age_group",
    "full_name",
    "date_of_birth",
    "exploitation_types",
    "safeguarding_referral_made",
    "safeguarding_referral_to",
    "safeguarding_referral_on",
    "no_referral_reason",
    "nrm_reference",
    "missing_episodes",
    "last_missing_on",
)
CHILD_NEEDS_REFERRAL = (
    "A child is never recorded without a safeguarding referral: record the referral made, "
    "or say why one has not been made yet."
)


def _check_exploited(values: dict) -> None:
    from duties.selectors import nrm_referral_exists

    today = local_today()
    for name, what in (
        ("date_of_birth", "date of birth"),
        ("safeguarding_referral_on", "referral date"),
        ("last_missing_on", "date last missing"),
    ):
        if values[name] and values[name] > today:
            raise DisruptionError(f"The {what} cannot be in the future.")
    if not values["exploitation_types"]:
        raise DisruptionError("Choose at least one type of exploitation.")
    if values["safeguarding_referral_made"]:
        if not values["safeguarding_referral_to"] or not values["safeguarding_referral_on"]:
            raise DisruptionError("Enter who the safeguarding referral was made to, and when.")
        values["no_referral_reason"] = ""
    else:
        values["safeguarding_referral_to"] = None
        values["safeguarding_referral_on"] = None
        if values["age_group"] == PersonAge.CHILD and not values["no_referral_reason"]:
            raise DisruptionError(CHILD_NEEDS_REFERRAL)
    if values["nrm_reference"] and not nrm_referral_exists(values["nrm_reference"]):
        raise DisruptionError(
            f"There is no NRM referral {values['nrm_reference']} in the modern slavery records. "
            "Check the reference, or leave it blank until the referral is recorded."
        )
    if values["missing_episodes"] and not values["last_missing_on"]:
        raise DisruptionError("Enter the date the person was last missing.")


@transaction.atomic
def exploited_person_save(
    *, actor, group: OrganisedCrimeGroup, person: ExploitedPerson | None = None, **values
) -> ExploitedPerson:
    """Add a person the group exploits, or change one. A child needs a safeguarding referral
    (or the reason one is not yet made); an NRM reference must be a referral in the modern
    slavery records (checked through the duties app's selector)."""
    values = {name: values.get(name) for name in EXPLOITED_FIELDS}
    for name in ("full_name", "no_referral_reason", "nrm_reference"):
        values[name] = (values[name] or "").strip()
    values["exploitation_types"] = _choices(values["exploitation_types"], ExploitationType)
    values["safeguarding_referral_made"] = bool(values["safeguarding_referral_made"])
    values["missing_episodes"] = values["missing_episodes"] or 0
    _check_exploited(values)
    if person is None:
        person = ExploitedPerson.objects.create(group=group, **values)
        audit_record(
            actor=actor, action=AuditAction.CREATE, obj=person, changed_fields=list(EXPLOITED_FIELDS)
        )
    else:
        save_changes(ExploitedPerson.objects.select_for_update().get(pk=person.pk), values, actor)
    return person


OPEN_STATUSES = (GroupStatus.ADOPTED, GroupStatus.ACTIVE, GroupStatus.REDUCED)


# --- Disruptions -------------------------------------------------------------------------------

OUTCOME_FIELDS = (
    "outcome_type",
    "strand",
    "occurred_on",
    "agency",
    "grading",
    "number",
    "value",
    "line_type",
    "description",
)


@transaction.atomic
def outcome_record(*, actor, group: OrganisedCrimeGroup, action=None, **values) -> DisruptionOutcome:
    """Record a disruption against a group, by one agency, graded by the panel. An asset seizure
    needs its value; a line closed, whether it was run from outside the area or within it (the
    group's own line type unless given). Raises DisruptionError otherwise."""
    values = {name: values.get(name) for name in OUTCOME_FIELDS}
    values["description"] = (values["description"] or "").strip()
    values["number"] = values["number"] or 1
    if values["occurred_on"] > local_today():
        raise DisruptionError("The date of the disruption cannot be in the future.")
    if values["occurred_on"] < group.referred_on:
        raise DisruptionError("The date of the disruption cannot be before the group was referred.")
    if values["outcome_type"] == OutcomeType.ASSET_SEIZURE:
        if not values["value"] or values["value"] <= 0:
            raise DisruptionError("Enter the value of the assets seized, in pounds.")
    else:
        values["value"] = None
    if values["outcome_type"] == OutcomeType.LINE_CLOSED:
        values["line_type"] = values["line_type"] or group.line_type
        if not values["line_type"]:
            raise DisruptionError("Say whether the line was run from outside the area or within it.")
    else:
        values["line_type"] = values["line_type"] or ""
    if action is not None and action.subject_id != group.pk:
        raise DisruptionError("The action must be one of this group's.")
    outcome = DisruptionOutcome.objects.create(group=group, action=action, recorded_by=actor, **values)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=outcome, changed_fields=list(OUTCOME_FIELDS))
    return outcome
