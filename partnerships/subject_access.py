"""What MARAC and the Disruption Panel hold about a person, for subject access requests
(somerset_safety.records.subjects): MARAC victims and perpetrators, found by MARAC's own matching
(`selectors.possible_matches`: normalised names, pg_trgm near matches on PostgreSQL), and the
Disruption Panel's nominals and exploited people. Each only where the person searching may see
the identity: the MARAC coordinator, the agencies on the case; panel members."""

from django.db.models import Q

from somerset_safety.records import restriction, subjects
from somerset_safety.records.restriction import Restrictable
from somerset_safety.records.subjects import HeldItem, SubjectSource, shown

from .disruption.permissions import groups_visible_to, is_panel_member
from .disruption.permissions import restriction_owned_by as panel_restriction_owned_by
from .exceptions import DisruptionError, MaracError
from .models import Person, PersonRole, ProcessingRestriction, Referral
from .models.disruption import (
    ExploitationType,
    ExploitedPerson,
    ExploitedPersonRestriction,
    Nominal,
    NominalRestriction,
    Vulnerability,
)
from .permissions import (
    RESTRICTION_KEY,
    identity_visible,
    is_coordinator,
    people_visible_to,
    referrals_visible_to,
    restriction_owned_by,
)
from .selectors import possible_matches

# Near matches by name, per name and role: enough for a person recorded under several spellings.
MARAC_MATCH_LIMIT = 50


def _referrals_of(user, person_ids) -> list[Referral]:
    return list(
        referrals_visible_to(user)
        .filter(Q(victim_id__in=person_ids) | Q(perpetrator_id__in=person_ids))
        .select_related("area")
        .order_by("referral_date", "pk")
    )


def _identifiable(user, referrals: list[Referral]) -> set[int]:
    """The people on these referrals whose identity the user may see."""
    seen = set()
    for referral in referrals:
        if is_coordinator(user) or identity_visible(user, referral):
            seen |= {referral.victim_id, referral.perpetrator_id} - {None}
    return seen


def _marac_item(person: Person, referrals: list[Referral], matched_on: str = "") -> HeldItem:
    own = [r for r in referrals if person.pk in (r.victim_id, r.perpetrator_id)]
    return HeldItem(
        object_id=str(person.pk),
        reference=person.reference,
        description=f"MARAC {person.get_role_display().lower()} record ({len(own)} referral{'s' if len(own) != 1 else ''})",
        matched_on=matched_on,
        url=own[-1].get_absolute_url() if own else "",
        fields=(
            ("Reference", person.reference),
            ("Recorded as", person.get_role_display()),
            ("Name", person.full_name),
            ("Date of birth", shown(person.date_of_birth)),
            ("Address", person.address),
            (
                "Referrals",
                "; ".join(f"{r.reference}, referred {shown(r.referral_date)} ({r.area.name})" for r in own),
            ),
        ),
    )


def _marac_items(user, people: dict[int, Person], matched: dict[int, str]) -> list[HeldItem]:
    referrals = _referrals_of(user, list(people))
    allowed = _identifiable(user, referrals)
    return [_marac_item(people[pk], referrals, matched.get(pk, "")) for pk in sorted(people) if pk in allowed]


def find_marac(user, wanted: subjects.Wanted) -> list[HeldItem]:
    people: dict[int, Person] = {}
    matched: dict[int, str] = {}
    for role in PersonRole.values:
        for name in wanted.names:
            for person in possible_matches(
                role=role, full_name=name, date_of_birth=wanted.date_of_birth, limit=MARAC_MATCH_LIMIT
            ):
                people[person.pk] = person
    # References: a person's (V0000012) or a referral's (MR-2026-000012).
    by_reference = Q(pk__in=[])
    for ref in wanted.normalised_references:
        if ref[:1] in "VP" and ref[1:].isdigit():
            by_reference |= Q(
                role=PersonRole.VICTIM if ref[0] == "V" else PersonRole.PERPETRATOR, pk=int(ref[1:])
            )
    referred = Referral.objects.filter(reference__in=wanted.normalised_references)
    by_reference |= Q(pk__in=referred.values("victim_id")) | Q(pk__in=referred.values("perpetrator_id"))
    for person in Person.objects.filter(by_reference):
        people[person.pk] = person
        matched[person.pk] = subjects.MATCHED_ON_REFERENCE
    for pk, person in people.items():
        matched.setdefault(
            pk,
            wanted.match(name=person.full_name, date_of_birth=person.date_of_birth)
            or subjects.MATCHED_ON_SIMILAR_NAME,
        )
    return _marac_items(user, people, matched)


def fetch_marac(user, ids: list[str]) -> list[HeldItem]:
    people = {p.pk: p for p in Person.objects.filter(pk__in=[int(i) for i in ids])}
    return _marac_items(user, people, {})


def _person_by_reference(reference: str) -> Person | None:
    """The person with this system reference (V0000012 for a victim, P0000034 for a perpetrator)."""
    ref = reference.strip().upper()
    if ref[:1] not in ("V", "P") or not ref[1:].isdigit():
        return None
    role = PersonRole.VICTIM if ref[0] == "V" else PersonRole.PERPETRATOR
    return Person.objects.filter(role=role, pk=int(ref[1:])).first()


def _panel_person_by_reference(model):
    """A group member by its reference (N000012) or a person exploited by theirs (E000034)."""
    prefix = "N" if model is Nominal else "E"

    def find(reference: str):
        ref = reference.strip().upper()
        if ref[:1] != prefix or not ref[1:].isdigit():
            return None
        return model.objects.select_related("group").filter(pk=int(ref[1:])).first()

    return find


def _choice_labels(values, choices) -> str:
    labels = dict(choices.choices)
    return ", ".join(str(labels.get(v, v)) for v in values or [])


def _nominal_item(n: Nominal, matched_on: str = "") -> HeldItem:
    return HeldItem(
        object_id=str(n.pk),
        reference=f"{n.group.reference} member {n.pk}",
        description="Disruption Panel: member of an organised crime group",
        matched_on=matched_on,
        url=n.group.get_absolute_url(),
        fields=(
            ("Group", n.group.reference),
            ("Role in the group", n.get_role_display()),
            ("Name", n.full_name),
            ("Date of birth", shown(n.date_of_birth)),
            ("Age", shown(n.age)),
            ("Vulnerabilities", _choice_labels(n.vulnerabilities, Vulnerability)),
            ("Also exploited by the group", "Yes" if n.also_victim else "No"),
        ),
    )


def _exploited_item(p: ExploitedPerson, matched_on: str = "") -> HeldItem:
    return HeldItem(
        object_id=str(p.pk),
        reference=f"{p.group.reference} person exploited {p.pk}",
        description="Disruption Panel: person exploited by an organised crime group",
        matched_on=matched_on,
        url=p.group.get_absolute_url(),
        fields=(
            ("Group", p.group.reference),
            ("Name", p.full_name),
            ("Date of birth", shown(p.date_of_birth)),
            ("Age group", p.get_age_group_display()),
            ("Exploitation", _choice_labels(p.exploitation_types, ExploitationType)),
            ("Safeguarding referral made", "Yes" if p.safeguarding_referral_made else "No"),
            ("NRM reference", p.nrm_reference),
            ("Missing episodes", shown(p.missing_episodes)),
        ),
    )


def _group_people(model, user):
    if not is_panel_member(user):
        return model.objects.none()
    return model.objects.filter(group__in=groups_visible_to(user)).select_related("group")


def find_nominals(user, wanted: subjects.Wanted) -> list[HeldItem]:
    rows = _group_people(Nominal, user)
    matches = dict(subjects.matching_rows(rows, wanted, name="full_name", date_of_birth="date_of_birth"))
    return [_nominal_item(n, matches[n.pk]) for n in rows.filter(pk__in=matches).order_by("pk")]


def fetch_nominals(user, ids: list[str]) -> list[HeldItem]:
    return [_nominal_item(n) for n in _group_people(Nominal, user).filter(pk__in=[int(i) for i in ids])]


def find_exploited(user, wanted: subjects.Wanted) -> list[HeldItem]:
    rows = _group_people(ExploitedPerson, user)
    matches = dict(
        subjects.matching_rows(
            rows, wanted, name="full_name", date_of_birth="date_of_birth", references=("nrm_reference",)
        )
    )
    return [_exploited_item(p, matches[p.pk]) for p in rows.filter(pk__in=matches).order_by("pk")]


def fetch_exploited(user, ids: list[str]) -> list[HeldItem]:
    return [
        _exploited_item(p) for p in _group_people(ExploitedPerson, user).filter(pk__in=[int(i) for i in ids])
    ]


def register_sources() -> None:
    from somerset_safety.accounts.roles import Role

    from .services import restriction_deadlines_sync

    subjects.register(
        SubjectSource(
            key="marac_person",
            label="MARAC victims and perpetrators",
            model=Person,
            can_search=lambda user: user.has_role(Role.MARAC_COORDINATOR, Role.AGENCY_REP),
            find=find_marac,
            fetch=fetch_marac,
            order=20,
        )
    )
    restriction.register(
        Restrictable(
            key=RESTRICTION_KEY,
            model=Person,
            restrictions=ProcessingRestriction,
            field="person",
            owned_by=restriction_owned_by,
            visible_to=people_visible_to,
            describe=lambda person: f"MARAC {person.get_role_display().lower()}",
            hides=(
                "The record is kept but not processed: the person's referrals are no longer listed, put on "
                "agendas or found by matching, except for the MARAC coordinators of the areas the person was "
                "referred in and records managers; the 12-month reviews of their cases pause."
            ),
            returns=(
                "Once lifted, the person's referrals are listed, put on agendas and found by matching again "
                "for everyone who may see them."
            ),
            flag="processing_restricted_at",
            url_name="partnerships:person_restriction",
            error=MaracError,
            after=restriction_deadlines_sync,
            by_reference=_person_by_reference,
        )
    )
    subjects.register(
        SubjectSource(
            key="ocg_nominal",
            label="Disruption Panel: members of organised crime groups",
            model=Nominal,
            can_search=is_panel_member,
            find=find_nominals,
            fetch=fetch_nominals,
            order=30,
        )
    )
    subjects.register(
        SubjectSource(
            key="ocg_exploited_person",
            label="Disruption Panel: people exploited",
            model=ExploitedPerson,
            can_search=is_panel_member,
            find=find_exploited,
            fetch=fetch_exploited,
            order=31,
        )
    )
    panel_hides = (
        "The record is kept but not processed: it is no longer listed on the group's page or opened to be "
        "changed, except by the group's senior responsible officer (with none, every panel member) and records "
        "managers; the group's page says only how many of its people's records are restricted, and the "
        "panel's figures still count them, as numbers."
    )
    panel_returns = "Once lifted, the record is listed on the group's page again for every panel member."
    for key, model, restrictions, field, words in (
        ("ocg_nominal", Nominal, NominalRestriction, "nominal", "Disruption Panel: member of a group"),
        (
            "ocg_exploited_person",
            ExploitedPerson,
            ExploitedPersonRestriction,
            "person",
            "Disruption Panel: person exploited",
        ),
    ):
        restriction.register(
            Restrictable(
                key=key,
                model=model,
                restrictions=restrictions,
                field=field,
                owned_by=panel_restriction_owned_by,
                # Only the people of groups the user sees (a restricted group: those it names).
                visible_to=lambda user, model=model: model.objects.filter(group__in=groups_visible_to(user)),
                describe=lambda _, words=words: words,
                hides=panel_hides,
                returns=panel_returns,
                related=("group",),
                record_url=lambda person: person.group.get_absolute_url(),
                error=DisruptionError,
                by_reference=_panel_person_by_reference(model),
            )
        )
