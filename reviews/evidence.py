"""What the DHR records show of the Domestic Violence, Crime and Victims Act 2004 s9 duty, for the
statutory duties register (the platform's held-evidence registry, somerset_safety.core.duty_evidence):
each decision and each review completion as its stored clock records it, counted when in time."""

from somerset_safety.core import duty_evidence
from somerset_safety.core.duty_evidence import EvidenceSource, HeldEvidence

REVIEWS_IN_TIME_OBLIGATION = "dvcva-s9-reviews-in-time"


def _long(day) -> str:
    return f"{day.day} {day:%B %Y}"


def dhr_evidence() -> list[HeldEvidence]:
    """The met decision and completion clocks of every notification (the stored deadlines, the
    only truth about a clock). One in time counts; one met late is shown, and not counted."""
    from somerset_safety.deadlines.models import Deadline, DeadlineStatus

    from .deadlines import KIND_COMPLETION, KIND_DECISION

    words = {
        KIND_DECISION: "Decision whether to hold a review",
        KIND_COMPLETION: "Review submitted for Home Office quality assurance",
    }
    met = Deadline.objects.filter(
        subject_type="reviews.notification",
        kind__in=list(words),
        status=DeadlineStatus.MET,
        met_on__isnull=False,
    ).only("kind", "due_date", "met_on", "subject_reference", "subject_url")
    items = []
    for d in met:
        late = (d.met_on - d.due_date).days
        when = f"due {_long(d.due_date)}" if late <= 0 else f"{late} day{'s' if late != 1 else ''} late"
        items.append(
            HeldEvidence(
                met_on=d.met_on,
                reference=d.subject_reference,
                description=f"{words[d.kind]}: in time ({when})" if late <= 0 else f"{words[d.kind]}: {when}",
                url=d.subject_url,
                counts=late <= 0,
            )
        )
    return items


def register_evidence() -> None:
    from .permissions import SEE_ALL_ROLES

    duty_evidence.register(
        EvidenceSource(
            key="dhr_in_time",
            obligation=REVIEWS_IN_TIME_OBLIGATION,
            label="Domestic Homicide Reviews",
            counts="A decision whether to hold a review made within a month of notification, and a review "
            "submitted for Home Office quality assurance within six months of the decision (pauses added), "
            "as this service's DHR records show. One made late is listed and not counted.",
            items=dhr_evidence,
            watches=("reviews.notification",),
            can_open=lambda user: user.is_authenticated and user.has_role(*SEE_ALL_ROLES),
        )
    )
