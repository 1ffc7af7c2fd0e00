"""What the modern slavery duty-to-notify records hold about a person, for subject access
requests (somerset_safety.records.subjects). Anonymous MS1 notifications hold no name."""

from somerset_safety.records import subjects
from somerset_safety.records.subjects import HeldItem, SubjectSource, shown

from .models import SlaveryNotification
from .permissions import can_use_slavery_records, slavery_notifications_visible_to


def _item(n: SlaveryNotification, matched_on: str = "") -> HeldItem:
    exploitation = ", ".join(e.get_exploitation_type_display() for e in n.exploitations.all())
    return HeldItem(
        object_id=str(n.pk),
        reference=n.reference,
        description="Modern slavery duty-to-notify record (NRM referral)",
        matched_on=matched_on,
        url=n.get_absolute_url(),
        fields=(
            ("Reference", n.reference),
            ("Name", n.person_name),
            ("Date of birth", shown(n.date_of_birth)),
            ("Home Office NRM reference", n.nrm_reference),
            ("Age group", n.get_age_group_display()),
            ("Date encountered", shown(n.encounter_date)),
            ("Date submitted", shown(n.submitted_on)),
            ("First responder", n.first_responder.name),
            ("Exploitation", ", ".join(filter(None, [exploitation, n.exploitation_other]))),
            ("Status", n.get_status_display()),
        ),
    )


def _rows(user):
    return slavery_notifications_visible_to(user).exclude(person_name="", nrm_reference="")


def find(user, wanted: subjects.Wanted) -> list[HeldItem]:
    matches = dict(
        subjects.matching_rows(
            _rows(user),
            wanted,
            name="person_name",
            date_of_birth="date_of_birth",
            references=("reference", "nrm_reference"),
        )
    )
    rows = (
        _rows(user).filter(pk__in=matches).select_related("first_responder").prefetch_related("exploitations")
    )
    return [_item(n, matches[n.pk]) for n in rows.order_by("reference")]


def fetch(user, ids: list[str]) -> list[HeldItem]:
    rows = _rows(user).filter(pk__in=[int(i) for i in ids]).select_related("first_responder")
    return [_item(n) for n in rows.prefetch_related("exploitations").order_by("reference")]


def register_sources() -> None:
    subjects.register(
        SubjectSource(
            key="slavery_record",
            label="Modern slavery duty-to-notify records",
            model=SlaveryNotification,
            can_search=can_use_slavery_records,
            find=find,
            fetch=fetch,
            order=40,
        )
    )
