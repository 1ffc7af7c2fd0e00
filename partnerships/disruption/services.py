"""Every write to the Disruption Panel's register: groups and their moves, assessments, problem
profiles, and the people and places of a group. Each service checks its rules, audits what it
did (field names only) and keeps the stored deadlines in step. Raises DisruptionError, whose
message is safe to show.

Panel meetings are rows of the platform meetings mechanism (somerset_safety.meetings) through the
proxies in partnerships.models.disruption_plans, as partnership boards' are: attendance, papers,
minutes, completing an action and progress call the platform's services as they are; the panel's
own rules (its agenda, a group reviewed when its item is minuted, an action's strand and tactic)
are here, in the same transaction.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Count, Max, Q

from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_record
from somerset_safety.core import references
from somerset_safety.core.dates import add_months
from somerset_safety.core.dates import today as local_today
from somerset_safety.core.edits import StaleEdit, save_changes
from somerset_safety.core.transitions import transition
from somerset_safety.deadlines.services import deadlines_sync
from somerset_safety.meetings import selectors as meeting_selectors
from somerset_safety.meetings import services as meetings

from ..exceptions import DisruptionError
from ..models import (
    ActionStatus,
    AssessmentScale,
    CawnType,
    DisruptionGrading,
    DisruptionOutcome,
    DisruptionPanel,
    DisruptionPlan,
    ExploitationType,
    ExploitedPerson,
    GroupStatus,
    GroupType,
    Location,
    MappingAssessment,
    MorileAssessment,
    Nominal,
    OrganisedCrimeGroup,
    OutcomeType,
    PanelAction,
    PanelAgendaItem,
    PanelMeeting,
    PanelSection,
    PersonAge,
    PlanAction,
    ProblemProfile,
    ProfileVersion,
    ScaleKind,
    Strand,
    Tactic,
    TacticTarget,
    ThreatBand,
    Vulnerability,
)
from ..states import GROUP_MOVES

REFERENCE_KIND = "disruption_group"  # OCG-<year referred>-NNNN

# A retired item of the panel's lists (group types, tactics, targets, gradings) is refused for a
# new record, and for a record changed to it; a record that already has it keeps it.
RETIRED = "That {noun} has been retired, so it is no longer offered: choose another."

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


def _check_group(values: Mapping, group: OrganisedCrimeGroup | None = None) -> None:
    """`group`: the group being changed (None for a new one), which may keep a retired type."""
    if values["referred_on"] > local_today():
        raise DisruptionError("The referral date cannot be in the future.")
    kind = values["group_type"]
    if not kind.active and (group is None or kind.pk != group.group_type_id):
        raise DisruptionError(RETIRED.format(noun="group type"), field="group_type")
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
def group_update(
    *, actor, group: OrganisedCrimeGroup, named_people: Iterable = (), expected_version: str = "", **values
) -> list[str]:
    """Change a group's details and who is named on it. Returns the fields that changed."""
    group = OrganisedCrimeGroup.objects.select_for_update().get(pk=group.pk)
    values = {name: values.get(name) for name in GROUP_FIELDS}
    values["line_type"] = values["line_type"] or ""
    values["operation_name"] = (values["operation_name"] or "").strip()
    values["line_names"] = (values["line_names"] or "").strip()
    _check_group(values, group)
    group.restricted = bool(values["restricted"])
    people = _named(group, actor, named_people)
    before = set(group.named_people.values_list("pk", flat=True))
    people_changed = before != {p.pk for p in people}
    if people_changed:
        group.named_people.set(people)
    changed = save_changes(
        group,
        values,
        actor,
        also_changed=["named_people"] if people_changed else [],
        expected_version=expected_version,
    )
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
    # The review date is worked out from the new last review; save_changes then sees both change.
    stored = group.last_reviewed_on
    group.last_reviewed_on = values.get("last_reviewed_on", stored)
    values["review_date"] = review_date_for(group)
    group.last_reviewed_on = stored
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
def nominal_save(
    *, actor, group: OrganisedCrimeGroup, nominal: Nominal | None = None, expected_version: str = "", **values
) -> Nominal:
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
        locked = Nominal.objects.select_for_update().get(pk=nominal.pk)
        save_changes(locked, values, actor, expected_version=expected_version)
    return nominal


LOCATION_FIELDS = ("kind", "address", "risk", "closure_history")


@transaction.atomic
def location_save(
    *,
    actor,
    group: OrganisedCrimeGroup,
    location: Location | None = None,
    expected_version: str = "",
    **values,
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
        locked = Location.objects.select_for_update().get(pk=location.pk)
        save_changes(locked, values, actor, expected_version=expected_version)
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
    *,
    actor,
    group: OrganisedCrimeGroup,
    person: ExploitedPerson | None = None,
    expected_version: str = "",
    **values,
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
        locked = ExploitedPerson.objects.select_for_update().get(pk=person.pk)
        save_changes(locked, values, actor, expected_version=expected_version)
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
    if values["grading"] is not None and not values["grading"].active:
        raise DisruptionError(RETIRED.format(noun="grading"), field="grading")
    outcome = DisruptionOutcome.objects.create(group=group, action=action, recorded_by=actor, **values)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=outcome, changed_fields=list(OUTCOME_FIELDS))
    return outcome


# --- Links between groups ------------------------------------------------------------------------


@transaction.atomic
def group_links_set(
    *,
    actor,
    group: OrganisedCrimeGroup,
    linked: Iterable[OrganisedCrimeGroup],
    visible,
    expected_version: str = "",
) -> list[str]:
    """Set the groups linked to this one (links go both ways). `visible` is the groups the actor
    may see: links to groups they may not see are kept as they are, never shown or removed.
    Returns ["linked_groups"] when the links changed, else []. A link is a row of its own, so the
    change is saved through save_changes on each group it touches (this one and those linked or
    unlinked): each is audited and its version moves on, and StaleEdit is raised if someone
    changed this group (its links included) after `expected_version` (the form's)."""
    chosen = {g.pk for g in linked}
    if group.pk in chosen:
        raise DisruptionError("A group cannot be linked to itself.")
    visible_ids = set(visible.values_list("pk", flat=True))
    if chosen - visible_ids:
        raise DisruptionError("Choose from the groups listed.")
    # Every group the change may touch, locked in one order, so two people linking the same
    # groups from either end wait for each other rather than deadlock.
    involved = {group.pk, *chosen, *group.linked_groups.values_list("pk", flat=True)}
    locked = {
        g.pk: g
        for g in OrganisedCrimeGroup.objects.select_for_update().filter(pk__in=involved).order_by("pk")
    }
    group = locked[group.pk]
    before = set(group.linked_groups.values_list("pk", flat=True))
    after = chosen | (before - visible_ids)
    if after == before:
        return []  # nothing to save, so nothing of anyone else's to lose
    added, removed = sorted(after - before), sorted(before - after)
    save_changes(
        group,
        {},
        actor,
        also_changed=["linked_groups"],
        detail={"added": added, "removed": removed},
        expected_version=expected_version,
    )
    group.linked_groups.set(after)
    others = OrganisedCrimeGroup.objects.filter(pk__in=[*added, *removed]).order_by("pk")
    for other in others:
        save_changes(
            locked.get(other.pk, other),
            {},
            actor,
            also_changed=["linked_groups"],
            detail={"added": [group.pk]} if other.pk in added else {"removed": [group.pk]},
        )
    return ["linked_groups"]


# --- The tactics library -----------------------------------------------------------------------

TACTIC_FIELDS = ("name", "target", "legal_basis", "used_by")


def tactic_uses(tactic: Tactic) -> int:
    """How many 4P actions name the tactic (carried-forward copies included), on every group:
    for the rule only, never shown (restricted groups' actions are in it; see tactic_uses_seen)."""
    return PlanAction.objects.filter(tactic=tactic).count()


def tactic_uses_seen(user) -> dict[int, int]:
    """{tactic id: how many 4P actions name it} on the groups `user` may see: what the library
    shows, so it gives nothing away about a restricted group's plan."""
    from django.db.models import Count

    from .permissions import groups_visible_to

    seen = PlanAction.objects.filter(plan__group__in=groups_visible_to(user))
    return dict(seen.values("tactic_id").annotate(n=Count("pk")).values_list("tactic_id", "n"))


def _tactic_values(values: Mapping) -> dict:
    cleaned = {
        "name": " ".join((values.get("name") or "").split()),
        "target": values.get("target"),
        "legal_basis": " ".join((values.get("legal_basis") or "").split()),
        "used_by": " ".join((values.get("used_by") or "").split()),
    }
    if not cleaned["name"]:
        raise DisruptionError("Enter the name of the power or tactic.", field="name")
    if cleaned["target"] is None:
        raise DisruptionError("Choose the part of a group's activity it targets.", field="target")
    if not cleaned["used_by"]:
        raise DisruptionError("Enter which agency or agencies can use it.", field="used_by")
    return cleaned


def _name_taken(name: str, tactic: Tactic | None = None) -> None:
    others = Tactic.objects.filter(name__iexact=name)
    if tactic is not None:
        others = others.exclude(pk=tactic.pk)
    if others.exists():
        raise DisruptionError(f"“{name}” is already in the tactics library.", field="name")


@transaction.atomic
def tactic_create(*, actor, **values) -> Tactic:
    """Add a power or tactic to the library, offered for new 4P actions at once. Raises
    DisruptionError for a missing name, target or agency, or a name already in the library."""
    from django.utils.text import slugify

    values = _tactic_values(values)
    _name_taken(values["name"])
    if not values["target"].active:
        raise DisruptionError(RETIRED.format(noun="target"), field="target")
    base = slugify(values["name"])[:34] or "tactic"
    code, n = base, 1
    while Tactic.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    tactic = Tactic.objects.create(code=code, active=True, **values)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=tactic, changed_fields=list(TACTIC_FIELDS))
    return tactic


@transaction.atomic
def tactic_update(*, actor, tactic: Tactic, expected_version: str = "", **values) -> list[str]:
    """Change a tactic's name, target, legal basis or who can use it. Once 4P actions name it, its
    name and target stay as they were agreed (retire it and add another instead); its legal basis
    and agencies may still be corrected. Raises DisruptionError, or StaleEdit if someone changed
    it after `expected_version` (the form's)."""
    tactic = Tactic.objects.select_for_update().get(pk=tactic.pk)
    values = _tactic_values(values)
    _name_taken(values["name"], tactic)
    if not values["target"].active and values["target"].pk != tactic.target_id:
        raise DisruptionError(RETIRED.format(noun="target"), field="target")
    if tactic_uses(tactic) and (values["name"] != tactic.name or values["target"].pk != tactic.target_id):
        raise DisruptionError(
            "4P actions name this tactic, so its name and what it targets stay as they were agreed: "
            "retire it and add a new tactic instead.",
            field="name" if values["name"] != tactic.name else "target",
        )
    return save_changes(tactic, values, actor, expected_version=expected_version)


TACTIC_MOVES = {"retire": False, "reinstate": True}


@transaction.atomic
def tactic_set_active(*, actor, tactic: Tactic, active: bool) -> Tactic:
    """Retire a tactic (no longer offered for new 4P actions; those that name it keep it, so a
    tactic is never deleted) or reinstate it. Raises DisruptionError when it already is."""
    tactic = Tactic.objects.select_for_update().get(pk=tactic.pk)
    refusal = tactic_move_refusal(tactic, active)
    if refusal:
        raise DisruptionError(refusal)
    save_changes(tactic, {"active": active}, actor)
    return tactic


def tactic_move_refusal(tactic: Tactic, active: bool) -> str | None:
    """Why the tactic cannot be retired (`active` False) or reinstated now, or None."""
    if tactic.active == active:
        return (
            "This tactic is already offered for new 4P actions."
            if active
            else "This tactic is already retired."
        )
    return None


# --- The panel's lists: group types, tactic targets, disruption gradings ----------------------
#
# Kept on the panel's own pages as the tactics library is, by the same people (panel members):
# add, change (a save over a newer change refused), retire and reinstate, each audited. An item
# that records name keeps its name (and a group type whether it runs a deal line): retire it and
# add another instead. A retired item is not offered for new records; old ones keep and show it.


@dataclass(frozen=True)
class PanelList:
    key: str  # its address: /disruption/lists/<key>/
    model: type
    title: str  # "Group types"
    noun: str  # "group type"
    fields: tuple[str, ...]
    fixed_when_used: tuple[str, ...]
    fixed_message: str
    offered_for: str  # what a retired item is no longer offered for
    uses: Callable  # item -> how many records name it, on every group (for the rules; never shown)
    uses_seen: Callable  # user -> {item id: how many records name it that the user may see}
    own_values: Callable = lambda values: {}  # noqa: E731 - the list's own values, checked
    # What stays as it was, for a member who sees none of the records naming it (those of a
    # restricted group that does not name them): saying records name it would reveal them.
    fixed_neutral: str = ""

    def fixed_words(self, user, item) -> str:
        """Why what `fixed_when_used` lists stays as it was, in words that reveal no record the
        user may not see (the rule itself counts every record: `uses`)."""
        if self.uses_seen(user).get(item.pk, 0) or not self.fixed_neutral:
            return self.fixed_message
        return self.fixed_neutral


def _group_type_uses(item) -> int:
    return OrganisedCrimeGroup.objects.filter(group_type=item).count()


def _group_type_uses_seen(user) -> dict[int, int]:
    from .permissions import groups_visible_to

    seen = groups_visible_to(user).order_by().values("group_type_id").annotate(n=Count("pk"))
    return dict(seen.values_list("group_type_id", "n"))


def _target_uses(item) -> int:
    return Tactic.objects.filter(target=item).count()


def _target_uses_seen(user) -> dict[int, int]:
    # The library itself is no secret from a panel member: every tactic counts.
    counts = Tactic.objects.order_by().values("target_id").annotate(n=Count("pk"))
    return dict(counts.values_list("target_id", "n"))


def _grading_uses(item) -> int:
    return DisruptionOutcome.objects.filter(grading=item).count()


def _grading_uses_seen(user) -> dict[int, int]:
    from .permissions import outcomes_visible_to

    seen = outcomes_visible_to(user).order_by().values("grading_id").annotate(n=Count("pk"))
    return dict(seen.values_list("grading_id", "n"))


def _group_type_values(values: Mapping) -> dict:
    return {"is_county_line": bool(values.get("is_county_line"))}


def _grading_values(values: Mapping) -> dict:
    rank = values.get("rank")
    if not isinstance(rank, int) or isinstance(rank, bool) or rank < 1:
        raise DisruptionError(
            "Enter the rank as a whole number: 1 for the greatest disruption.", field="rank"
        )
    return {"rank": rank, "description": (values.get("description") or "").strip()}


PANEL_LISTS = {
    spec.key: spec
    for spec in (
        PanelList(
            key="group-types",
            model=GroupType,
            title="Group types",
            noun="group type",
            fields=("name", "is_county_line"),
            fixed_when_used=("name", "is_county_line"),
            fixed_message="Groups are recorded with this type, so its name and whether it runs a deal line "
            "stay as they were: retire it and add a new group type instead.",
            offered_for="new groups",
            uses=_group_type_uses,
            uses_seen=_group_type_uses_seen,
            own_values=_group_type_values,
            fixed_neutral="This group type's name and whether it runs a deal line cannot be changed now: "
            "retire it and add a new group type instead.",
        ),
        PanelList(
            key="tactic-targets",
            model=TacticTarget,
            title="Tactic targets",
            noun="target",
            fields=("name",),
            fixed_when_used=("name",),
            fixed_message="Tactics in the library have this target, so its name stays as it was: retire it "
            "and add a new target instead.",
            offered_for="new tactics",
            uses=_target_uses,
            uses_seen=_target_uses_seen,
        ),
        PanelList(
            key="gradings",
            model=DisruptionGrading,
            title="Disruption gradings",
            noun="grading",
            fields=("name", "rank", "description"),
            fixed_when_used=("name",),
            fixed_message="Disruptions are graded with it, so its name stays as it was: retire it and add a "
            "new grading instead.",
            offered_for="new disruptions",
            uses=_grading_uses,
            uses_seen=_grading_uses_seen,
            own_values=_grading_values,
            fixed_neutral="This grading's name cannot be changed now: retire it and add a new grading instead.",
        ),
    )
}


def _list_values(spec: PanelList, values: Mapping) -> dict:
    name = " ".join((values.get("name") or "").split())
    if not name:
        raise DisruptionError(f"Enter the name of the {spec.noun}.", field="name")
    return {"name": name, **spec.own_values(values)}


def _list_name_taken(spec: PanelList, name: str, item=None) -> None:
    others = spec.model.objects.filter(name__iexact=name)
    if item is not None:
        others = others.exclude(pk=item.pk)
    other = others.first()
    if other is None:
        return
    if other.active:
        raise DisruptionError(f"“{name}” is already a {spec.noun} in the list.", field="name")
    raise DisruptionError(
        f"“{name}” is already a {spec.noun} in the list, retired: reinstate it rather than adding it again.",
        field="name",
    )


@transaction.atomic
def panel_list_add(*, actor, spec: PanelList, **values):
    """Add an item to one of the panel's lists, offered at once and shown last. Raises
    DisruptionError for a missing name or rank, or a name already in the list (retired or not)."""
    from django.utils.text import slugify

    values = _list_values(spec, values)
    _list_name_taken(spec, values["name"])
    base = slugify(values["name"])[:34] or spec.key
    code, n = base, 1
    while spec.model.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    if "order" in {f.name for f in spec.model._meta.fields}:
        values["order"] = (spec.model.objects.aggregate(last=Max("order"))["last"] or 0) + 1
    item = spec.model.objects.create(code=code, active=True, **values)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=item, changed_fields=list(spec.fields))
    return item


@transaction.atomic
def panel_list_change(*, actor, spec: PanelList, item, expected_version: str = "", **values) -> list[str]:
    """Change an item of one of the panel's lists. Once records name it, what `fixed_when_used`
    lists stays as agreed. Returns the fields changed. Raises DisruptionError, or StaleEdit if
    someone changed it after `expected_version` (the form's)."""
    item = spec.model.objects.select_for_update().get(pk=item.pk)
    values = _list_values(spec, values)
    _list_name_taken(spec, values["name"], item)
    moved = [name for name in spec.fixed_when_used if values[name] != getattr(item, name)]
    if moved and spec.uses(item):
        raise DisruptionError(spec.fixed_words(actor, item), field=moved[0])
    return save_changes(item, values, actor, expected_version=expected_version)


def panel_list_move_refusal(spec: PanelList, item, active: bool) -> str | None:
    """Why the item cannot be retired (`active` False) or reinstated now, or None: it already
    is, or it is the only one still offered (a new record would have nothing to choose)."""
    if item.active == active:
        return (
            f"This {spec.noun} is already offered for {spec.offered_for}."
            if active
            else f"This {spec.noun} is already retired."
        )
    if not active and not spec.model.objects.filter(active=True).exclude(pk=item.pk).exists():
        return f"This is the only {spec.noun} offered for {spec.offered_for}: add another before retiring it."
    return None


@transaction.atomic
def panel_list_set_active(*, actor, spec: PanelList, item, active: bool):
    """Retire an item (no longer offered for new records; those that name it keep it, so it is
    never deleted) or reinstate it. Raises DisruptionError with `panel_list_move_refusal`'s words."""
    # The whole list locked, so two members retiring the last two items cannot both succeed.
    locked = {row.pk: row for row in spec.model.objects.select_for_update().order_by("pk")}
    item = locked[item.pk]
    refusal = panel_list_move_refusal(spec, item, active)
    if refusal:
        raise DisruptionError(refusal)
    save_changes(item, {"active": active}, actor)
    return item


# --- Panel meetings ----------------------------------------------------------------------------


def the_panel() -> DisruptionPanel:
    """The Disruption Panel (loaded with the reference data)."""
    panel = DisruptionPanel.objects.order_by("pk").first()
    if panel is None:
        raise DisruptionError("The Disruption Panel has not been set up: ask an administrator.")
    return panel


def panel_agencies():
    """The agencies invited to a panel meeting: those of the panel's members, and those holding an
    open 4P action."""
    from somerset_safety.accounts.models import Agency
    from somerset_safety.accounts.roles import Role

    members = Agency.objects.filter(
        users__is_active=True, users__groups__name=Role.PANEL_MEMBER.label
    ).values("pk")
    tasked = PanelAction.objects.filter(status=ActionStatus.OPEN).values("agency_id")
    return Agency.objects.filter(active=True).filter(Q(pk__in=members) | Q(pk__in=tasked)).order_by("name")


@transaction.atomic
def panel_meeting_schedule(
    *,
    actor,
    date: date,
    chair=None,
    start_time=None,
    end_time=None,
    venue: str = "",
    online_link: str = "",
) -> PanelMeeting:
    """Schedule a meeting of the Disruption Panel and invite the agencies of its members and of
    open 4P actions. Raises MeetingError (from the platform) if the panel already meets that day."""
    return meetings.meeting_schedule(
        actor=actor,
        body=meetings.body_for(the_panel()),
        date=date,
        agencies=list(panel_agencies()),
        chair=chair,
        start_time=start_time,
        end_time=end_time,
        venue=venue,
        online_link=online_link,
    )


@transaction.atomic
def panel_pattern_update(*, actor, values: Mapping, expected_version: str = ""):
    """Set how the panel usually meets (the platform's rule for a body's pattern)."""
    return meetings.body_update_pattern(
        actor=actor, body=meetings.body_for(the_panel()), values=values, expected_version=expected_version
    )


@transaction.atomic
def panel_meetings_schedule_dates(*, actor, dates: Iterable[date]) -> list[PanelMeeting]:
    """Schedule the panel's meetings on the dates confirmed from its pattern, all or none, each
    inviting the agencies of the panel's members and of open 4P actions."""
    return meetings.meetings_schedule_dates(
        actor=actor, body=meetings.body_for(the_panel()), dates=dates, agencies=list(panel_agencies())
    )


REVIEWED_STATUSES = (GroupStatus.ADOPTED, GroupStatus.ACTIVE, GroupStatus.REDUCED)


def agenda_wanted(meeting: PanelMeeting) -> list[tuple[int, int]]:
    """(section, group id) for every group the panel's rule puts on this agenda, in order: groups
    whose review (their band's cycle) falls due by the meeting date; groups referred by then and
    not yet decided on; then groups with a 4P action overdue on the meeting date or coming back to
    this meeting still open. A group is listed once, in the first of these that has it."""
    wanted: list[tuple[int, int]] = []
    due = OrganisedCrimeGroup.objects.filter(
        status__in=REVIEWED_STATUSES, review_date__lte=meeting.date
    ).order_by("review_date", "id")
    wanted += [(PanelSection.DUE_FOR_REVIEW, pk) for pk in due.values_list("pk", flat=True)]
    new = OrganisedCrimeGroup.objects.filter(
        status=GroupStatus.REFERRED, referred_on__lte=meeting.date
    ).order_by("referred_on", "id")
    wanted += [(PanelSection.NEW_REFERRALS, pk) for pk in new.values_list("pk", flat=True)]
    open_groups = OrganisedCrimeGroup.objects.exclude(status=GroupStatus.ARCHIVED).values("pk")
    overdue = meeting_selectors.overdue(PanelAction.objects.all(), meeting.date).values("subject_id")
    reviewed = meeting_selectors.open_for_review(meeting).values("subject_id")
    chased = (
        OrganisedCrimeGroup.objects.filter(pk__in=open_groups)
        .filter(Q(pk__in=overdue) | Q(pk__in=reviewed))
        .order_by("reference")
    )
    wanted += [(PanelSection.OVERDUE_ACTIONS, pk) for pk in chased.values_list("pk", flat=True)]
    seen: set[int] = set()
    listed = []
    for section, pk in wanted:
        if pk not in seen:
            seen.add(pk)
            listed.append((section, pk))
    return listed


@transaction.atomic
def panel_agenda_generate(*, actor, meeting: PanelMeeting) -> list[PanelAgendaItem]:
    """Build the agenda by the panel's rule (agenda_wanted). Safe to run again: groups already on
    it keep their item and place, and new ones are added at the end of their section. Returns the
    items added. Raises MeetingError once the meeting has started."""
    result = meetings.agenda_add(
        actor=actor,
        meeting=meeting,
        entries=[
            meetings.AgendaEntry(section=section, subject=OrganisedCrimeGroup(pk=pk))
            for section, pk in agenda_wanted(meeting)
        ],
    )
    return result.created


@transaction.atomic
def panel_item_record(*, actor, item: PanelAgendaItem, minutes: str) -> PanelAgendaItem:
    """Record the minutes of an item. A group discussed is a group reviewed: its review date moves
    on its band's cycle from the meeting date."""
    item = meetings.agenda_item_record(actor=actor, item=item, minutes=minutes)
    if item.subject_id:
        group_refresh_review_date(
            group=OrganisedCrimeGroup(pk=item.subject_id), actor=actor, reviewed_on=item.meeting.date
        )
    return item


# --- The 4P plan ---------------------------------------------------------------------------------

PLAN_FIELDS = ("owning_agency", "profile_version", "aim")


@transaction.atomic
def plan_save(
    *,
    actor,
    group: OrganisedCrimeGroup,
    owning_agency,
    aim: str,
    profile_version: ProfileVersion | None = None,
    expected_version: str = "",
    new: bool = False,
) -> DisruptionPlan:
    """Record a group's 4P plan, or change it: the agency that owns it, its aim and the problem
    profile version it is built on. Raises DisruptionError for an archived group or no aim, and
    StaleEdit when the plan changed after `expected_version` (the form's), or, for a form opened
    to record a `new` plan, when someone else has recorded one since."""
    group = OrganisedCrimeGroup.objects.select_for_update().get(pk=group.pk)
    if group.status == GroupStatus.ARCHIVED:
        raise DisruptionError("An archived group has no plan: make it active first.")
    values = {"owning_agency": owning_agency, "profile_version": profile_version, "aim": (aim or "").strip()}
    if not values["aim"]:
        raise DisruptionError("Enter what the plan sets out to achieve against the group.")
    plan = DisruptionPlan.objects.select_for_update().filter(group=group).first()
    if plan is None:
        plan = DisruptionPlan.objects.create(group=group, created_by=actor, **values)
        audit_record(actor=actor, action=AuditAction.CREATE, obj=plan, changed_fields=list(PLAN_FIELDS))
    elif new:
        raise StaleEdit(
            "Someone else recorded this group's 4P plan while you were writing yours. What you typed is "
            "below: check it against their plan, then save again to replace it."
        )
    else:
        save_changes(plan, values, actor, expected_version=expected_version)
    return plan


CHILD_CHECK_NEEDED = (
    "A tactic that affects a child needs the proportionality and trauma-informed check made before "
    "it is agreed."
)


@transaction.atomic
def plan_action_create(
    *,
    actor,
    item: PanelAgendaItem,
    strand: str,
    tactic: Tactic,
    agency,
    description: str,
    due_date: date,
    owner=None,
    affects_child: bool = False,
    child_check: str = "",
    cawn_type: str = "",
) -> PanelAction:
    """Task a 4P action on a group's item at a meeting in progress: its strand, the power or tactic
    from the library, the agency and named owner, and the due date (a deadline). A tactic that
    affects a child records its proportionality and trauma-informed check; a Child Abduction
    Warning Notice always affects a child and records its type. Raises DisruptionError, or
    MeetingError from the platform (the meeting not in progress, the due date before it)."""
    item = PanelAgendaItem.objects.select_related("meeting").get(pk=item.pk)
    if not item.subject_id:
        raise DisruptionError("4P actions are tasked on a group's item, not on other business.")
    plan = DisruptionPlan.objects.filter(group_id=item.subject_id).first()
    if plan is None:
        raise DisruptionError(
            "Record the group's 4P plan (its owning agency and aim) before tasking actions."
        )
    if strand not in Strand.values:
        raise DisruptionError("Choose the 4P strand: Pursue, Prevent, Protect or Prepare.")
    if not tactic.active:
        raise DisruptionError("Choose a power or tactic from the library.")
    child_check = (child_check or "").strip()
    if tactic.is_cawn:
        affects_child = True
        if cawn_type not in CawnType.values:
            raise DisruptionError(
                "Say which Child Abduction Warning Notice this is: a child under 16, or under 18 in care."
            )
    else:
        cawn_type = ""
    if affects_child and not child_check:
        raise DisruptionError(CHILD_CHECK_NEEDED)
    if not affects_child:
        child_check = ""
    action = meetings.action_create(
        actor=actor, item=item, agency=agency, description=description, due_date=due_date, owner=owner
    )
    PlanAction.objects.create(
        action=action,
        plan=plan,
        strand=strand,
        tactic=tactic,
        affects_child=affects_child,
        child_check=child_check,
        cawn_type=cawn_type,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=action,
        changed_fields=["strand", "tactic", "affects_child", "child_check", "cawn_type"],
    )
    return action


@transaction.atomic
def plan_action_carry_forward(
    *, actor, action: PanelAction, to_meeting, reason: str, due_date: date | None = None
) -> PanelAction:
    """Carry an incomplete 4P action to a later panel meeting (the platform's rule), keeping its
    strand, tactic and child check on the open copy."""
    carried = meetings.action_carry_forward(
        actor=actor, action=action, to_meeting=to_meeting, reason=reason, due_date=due_date
    )
    detail = PlanAction.objects.filter(action_id=action.pk).first()
    if detail is not None:
        PlanAction.objects.create(
            action_id=carried.pk,
            plan_id=detail.plan_id,
            strand=detail.strand,
            tactic_id=detail.tactic_id,
            affects_child=detail.affects_child,
            child_check=detail.child_check,
            cawn_type=detail.cawn_type,
        )
    return carried
