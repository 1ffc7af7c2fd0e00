"""The duties app's side of the platform's held-evidence registry (somerset_safety.core.duty_evidence):
the modern slavery records evidence the duty to notify, and every source's changes bring its
obligation's dates and deadlines into line."""

from somerset_safety.core import duty_evidence
from somerset_safety.core.duty_evidence import EvidenceSource, HeldEvidence

SLAVERY_NOTIFICATIONS_OBLIGATION = "msa-s52-notifications"


RESTRICTED = "A record whose processing is restricted"


def slavery_evidence() -> list[HeldEvidence]:
    """Each duty-to-notify record is the duty done on the day it went to the Home Office.
    References and the route only: never a name. A record whose processing is restricted
    (records.restriction) still counts, as a number: without its reference or link."""
    from django.db.models import Exists, OuterRef

    from somerset_safety.records import restriction

    from .models import Route, SlaveryNotification
    from .permissions import RESTRICTION_KEY

    words = {Route.NRM: "National Referral Mechanism referral", Route.MS1: "Anonymous MS1 notification"}
    restricted = restriction.kind(RESTRICTION_KEY).restricted().filter(pk=OuterRef("pk"))
    rows = SlaveryNotification.objects.only("pk", "reference", "route", "submitted_on").annotate(
        restricted=Exists(restricted)
    )
    return [
        HeldEvidence(
            met_on=n.submitted_on,
            reference=RESTRICTED if n.restricted else n.reference,
            description=f"{words[n.route]} submitted to the Home Office",
            url="" if n.restricted else n.get_absolute_url(),
        )
        for n in rows
    ]


def _follow(codes: set[str]) -> None:
    from .models import Obligation
    from .services import obligation_refresh

    for obligation in Obligation.objects.filter(code__in=codes).order_by("pk"):
        obligation_refresh(obligation=obligation)


def register_evidence() -> None:
    from .permissions import can_use_slavery_records

    duty_evidence.register(
        EvidenceSource(
            key="modern_slavery_notifications",
            obligation=SLAVERY_NOTIFICATIONS_OBLIGATION,
            label="Modern slavery duty-to-notify records",
            counts="Each National Referral Mechanism referral or anonymous MS1 notification recorded here, "
            "on the date it was submitted to the Home Office.",
            items=slavery_evidence,
            watches=("duties.slaverynotification",),
            can_open=can_use_slavery_records,
        )
    )
    duty_evidence.follow(_follow)


def held_met_dates(obligation) -> set:
    """The dates of the evidence other records hold for this obligation that counts."""
    return {
        item.met_on
        for source in duty_evidence.sources_for(obligation.code)
        for item in source.items()
        if item.counts
    }
