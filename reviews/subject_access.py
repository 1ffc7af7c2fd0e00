"""What the DHR records hold about a person, for subject access requests
(somerset_safety.records.subjects): the name of the person who died, on each notification."""

from somerset_safety.accounts.roles import Role
from somerset_safety.records import subjects
from somerset_safety.records.subjects import HeldItem, SubjectSource, shown

from .models import Notification
from .permissions import is_officer, notifications_visible_to


def _named_to(user):
    """The notifications whose real name the user sees: officers, all they see; a chair, their
    reviews' (everyone else sees the pseudonym only, so cannot search by the name)."""
    rows = notifications_visible_to(user)
    return rows if is_officer(user) else rows.filter(review__chair=user)


def _item(notification: Notification, matched_on: str = "") -> HeldItem:
    n = notification
    return HeldItem(
        object_id=str(n.pk),
        reference=n.reference,
        description="DHR notification: the person who died",
        matched_on=matched_on,
        url=n.get_absolute_url(),
        fields=(
            ("Reference", n.reference),
            ("Name", n.victim_name),
            ("Name agreed for reports", n.victim_pseudonym),
            ("Date of death", shown(n.date_of_death)),
            ("Age", shown(n.victim_age)),
            ("Sex", n.get_victim_sex_display()),
            ("Ethnicity", n.get_victim_ethnicity_display()),
            ("Relationship to the perpetrator", n.get_relationship_display()),
            ("Area", n.get_area_display()),
            ("Date notified", shown(n.notified_on)),
            ("Status", n.get_status_display()),
        ),
    )


def find(user, wanted: subjects.Wanted) -> list[HeldItem]:
    matches = dict(
        subjects.matching_rows(_named_to(user), wanted, name="victim_name", references=("reference",))
    )
    return [_item(n, matches[n.pk]) for n in _named_to(user).filter(pk__in=matches).order_by("number")]


def fetch(user, ids: list[str]) -> list[HeldItem]:
    return [_item(n) for n in _named_to(user).filter(pk__in=[int(i) for i in ids]).order_by("number")]


def register_sources() -> None:
    subjects.register(
        SubjectSource(
            key="dhr_notification",
            label="Domestic Homicide Review notifications",
            model=Notification,
            can_search=lambda user: user.has_role(Role.OFFICER, Role.REVIEW_CHAIR),
            find=find,
            fetch=fetch,
            order=10,
        )
    )
