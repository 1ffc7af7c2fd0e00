"""What the modern slavery duty-to-notify records hold about a person, for subject access
requests (somerset_safety.records.subjects). Anonymous MS1 notifications hold no name."""

from django.db.models import Q

from somerset_safety.records import restriction, subjects
from somerset_safety.records.restriction import Restrictable
from somerset_safety.records.subjects import HeldItem, SubjectSource, shown

from .exceptions import DutiesError
from .models import Route, SlaveryNotification, SlaveryRestriction
from .permissions import (
    RESTRICTION_KEY,
    can_use_slavery_records,
    restriction_owned_by,
    slavery_notifications_held_for,
    slavery_notifications_visible_to,
)


def _item(n: SlaveryNotification, matched_on: str = "", opens: bool = True) -> HeldItem:
    exploitation = ", ".join(e.get_exploitation_type_display() for e in n.exploitations.all())
    return HeldItem(
        object_id=str(n.pk),
        reference=n.reference,
        description="Modern slavery duty-to-notify record (NRM referral)",
        matched_on=matched_on,
        url=n.get_absolute_url() if opens else "",
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
    """Restricted records too: a subject access search still finds them (records.restriction)."""
    return slavery_notifications_held_for(user).exclude(person_name="", nrm_reference="")


def _opens(user, ids) -> set[int]:
    """Those of the records (ids) the user may open: not those whose processing is restricted
    from them (a search still finds them, with no link to a page that is not there for them)."""
    return set(slavery_notifications_visible_to(user).filter(pk__in=list(ids)).values_list("pk", flat=True))


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
    opens = _opens(user, matches)
    return [_item(n, matches[n.pk], n.pk in opens) for n in rows.order_by("reference")]


def fetch(user, ids: list[str]) -> list[HeldItem]:
    wanted = [int(i) for i in ids]
    rows = _rows(user).filter(pk__in=wanted).select_related("first_responder")
    opens = _opens(user, wanted)
    return [
        _item(n, opens=n.pk in opens) for n in rows.prefetch_related("exploitations").order_by("reference")
    ]


def _by_reference(reference: str) -> SlaveryNotification | None:
    """An NRM referral by its reference (MS-2026-0001). An MS1 notification is anonymous: it
    holds no one's personal data, so there is nothing of it to restrict."""
    return SlaveryNotification.objects.filter(reference=reference.strip().upper(), route=Route.NRM).first()


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
    restriction.register(
        Restrictable(
            key=RESTRICTION_KEY,
            model=SlaveryNotification,
            restrictions=SlaveryRestriction,
            field="notification",
            owned_by=restriction_owned_by,
            visible_to=slavery_notifications_held_for,
            # An MS1 notification is anonymous: nothing of it to restrict (as _by_reference).
            only=Q(route=Route.NRM),
            describe=lambda n: "Modern slavery record (NRM referral)",
            hides=(
                "The record is kept but not processed: it is no longer listed or found by searching, and the "
                "Disruption Panel's NRM references no longer link to it, except for the officer who recorded it "
                "and records managers; it still counts, as a number, in the figures."
            ),
            returns="Once lifted, the record is listed and found by searching again by every officer.",
            record_url=lambda n: n.get_absolute_url(),
            error=DutiesError,
            by_reference=_by_reference,
        )
    )
