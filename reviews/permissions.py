"""The whole access policy of the reviews app (S7).

- Community safety officers see and run every notification and review.
- Information governance auditors see every record, read-only, with the pseudonym.
- A chair or author sees only the reviews they are appointed to; they can add documents,
  meetings and family contacts. Only the chair (and officers) see the victim's real name.
- An agency representative sees the reviews their agency is asked to report to or sits on
  the panel of, and within them only their agency's requests and the panel papers.
- Partnership leads see the tracker and the recommendations register without personal details.
- An agency representative sees the recommendations their agency owns and their actions (and
  no other agency's), posts progress, sends evidence and marks them complete; an officer
  accepts or returns the evidence.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from somerset_safety.accounts.permissions import require_any_role  # noqa: F401 - used by views
from somerset_safety.accounts.roles import Role
from somerset_safety.audit.reads import audited_read

from .models import Action, ActionEvidence, AgencyReportRequest, Notification, Recommendation, ReviewDocument
from .models.work import PANEL_PAPER_KINDS

TRACKER_ROLES = {Role.OFFICER, Role.AUDITOR, Role.PARTNERSHIP_LEAD, Role.REVIEW_CHAIR, Role.AGENCY_REP}
REGISTER_ROLES = {Role.OFFICER, Role.AUDITOR, Role.PARTNERSHIP_LEAD, Role.REVIEW_CHAIR, Role.AGENCY_REP}
SEE_ALL_ROLES = {Role.OFFICER, Role.AUDITOR, Role.PARTNERSHIP_LEAD}


def is_officer(user) -> bool:
    return user.has_role(Role.OFFICER)


def notifications_visible_to(user) -> QuerySet[Notification]:
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    if user.has_role(*SEE_ALL_ROLES):
        return Notification.objects.all()
    condition = Q(pk__in=[])
    if user.has_role(Role.REVIEW_CHAIR):
        condition |= Q(review__chair=user) | Q(review__author=user)
    if user.has_role(Role.AGENCY_REP) and user.agency_id:
        condition |= Q(
            pk__in=Notification.objects.filter(
                Q(review__panel_members__agency_id=user.agency_id)
                | Q(review__report_requests__agency_id=user.agency_id)
            ).values("pk")
        )
    return Notification.objects.filter(condition)


def notifications_managed_by(user) -> QuerySet[Notification]:
    """The notifications the user may manage (edit, decide, move stages, waive a deadline):
    community safety officers, every one they may see."""
    if not getattr(user, "is_authenticated", False) or not is_officer(user):
        return Notification.objects.none()
    return notifications_visible_to(user)


def is_review_team(user, notification: Notification) -> bool:
    """The chair or author of this notification's review."""
    review = getattr(notification, "review", None)
    return review is not None and user.pk in {review.chair_id, review.author_id}


def sees_full_record(user, notification: Notification) -> bool:
    """Officers, auditors and the review team read the whole record; agency reps a slice."""
    return user.has_role(Role.OFFICER, Role.AUDITOR) or is_review_team(user, notification)


def sees_real_name(user, notification: Notification) -> bool:
    if is_officer(user):
        return True
    review = getattr(notification, "review", None)
    return review is not None and review.chair_id == user.pk


def sees_pseudonyms_in_lists(user) -> bool:
    """The tracker and its exports show pseudonyms to everyone on it but partnership leads
    (unless they also hold an officer's or auditor's role). No list shows a real name."""
    return not user.has_role(Role.PARTNERSHIP_LEAD) or user.has_role(Role.OFFICER, Role.AUDITOR)


def victim_name_for(user, notification: Notification) -> str:
    return notification.victim_name if sees_real_name(user, notification) else notification.pseudonym_display


@audited_read(detail=lambda user, notification: {"full": sees_full_record(user, notification)})
def get_notification_for_user_or_404(user, pk: int, action: str = "view") -> Notification:
    """Actions: view (the page), manage (officers: edit, decide, move stages), contribute
    (officers and the review team: documents, meetings, family contacts, recommendations)."""
    notification = (
        notifications_visible_to(user)
        .select_related("notifying_agency", "case_officer", "review__chair", "review__author")
        .filter(pk=pk)
        .first()
    )
    if notification is None:
        raise Http404
    if action == "view":
        if user.has_role(Role.OFFICER, Role.AUDITOR, Role.AGENCY_REP) or is_review_team(user, notification):
            return notification
        raise PermissionDenied
    if action == "manage" and is_officer(user):
        return notification
    if action == "contribute" and (is_officer(user) or is_review_team(user, notification)):
        return notification
    raise PermissionDenied


def requests_visible_to(user, notification: Notification) -> QuerySet[AgencyReportRequest]:
    review = getattr(notification, "review", None)
    if review is None:
        return AgencyReportRequest.objects.none()
    requests = AgencyReportRequest.objects.filter(review=review)
    if sees_full_record(user, notification):
        return requests
    if user.has_role(Role.AGENCY_REP) and user.agency_id:
        return requests.filter(agency_id=user.agency_id)
    return requests.none()


def documents_visible_to(user, notification: Notification) -> QuerySet[ReviewDocument]:
    review = getattr(notification, "review", None)
    if review is None:
        return ReviewDocument.objects.none()
    documents = ReviewDocument.objects.filter(review=review)
    if sees_full_record(user, notification):
        return documents
    if (
        user.has_role(Role.AGENCY_REP)
        and user.agency_id
        and review.panel_members.filter(agency_id=user.agency_id).exists()
    ):
        return documents.filter(kind__in=PANEL_PAPER_KINDS)
    return documents.none()


@audited_read()
def get_request_for_user_or_404(user, notification: Notification, pk: int, action: str = "view"):
    """Actions: view/download, upload (officers, the review team, or the addressed agency),
    manage (officers: chase, edit)."""
    request = requests_visible_to(user, notification).select_related("agency").filter(pk=pk).first()
    if request is None:
        raise Http404
    if action == "view":
        return request
    if action == "upload" and (
        is_officer(user) or is_review_team(user, notification) or request.agency_id == user.agency_id
    ):
        if user.has_role(Role.OFFICER, Role.AGENCY_REP, Role.REVIEW_CHAIR):
            return request
    if action == "manage" and is_officer(user):
        return request
    raise PermissionDenied


def get_document_for_user_or_404(user, notification: Notification, pk: int) -> ReviewDocument:
    document = documents_visible_to(user, notification).filter(pk=pk).first()
    if document is None:
        raise Http404
    return document


def recommendations_visible_to(user) -> QuerySet[Recommendation]:
    """The register shows recommendation text and owners, which carry no personal data: the
    reviews the user may see, and for an agency representative the recommendations their
    agency owns (only those)."""
    if not getattr(user, "is_authenticated", False):
        return Recommendation.objects.none()
    condition = Q(pk__in=[])
    if user.has_role(*(REGISTER_ROLES - {Role.AGENCY_REP})):
        condition |= Q(review__notification__in=notifications_visible_to(user).values("pk"))
    if user.has_role(Role.AGENCY_REP) and user.agency_id:
        condition |= Q(owning_agency_id=user.agency_id)
    return Recommendation.objects.filter(condition)


def openable_notification_ids(user, ids) -> set[int]:
    """Of these notifications, those whose review page the user may open (the register links
    only those: a partnership lead, or an agency not party to the review, gets no link)."""
    visible = notifications_visible_to(user).filter(pk__in=list(ids))
    if not user.has_role(Role.OFFICER, Role.AUDITOR, Role.AGENCY_REP):
        visible = visible.filter(Q(review__chair=user) | Q(review__author=user))
    return set(visible.values_list("pk", flat=True))


@audited_read()
def get_recommendation_for_user_or_404(user, pk: int) -> Recommendation:
    recommendation = (
        recommendations_visible_to(user)
        .select_related("review__notification", "owning_agency")
        .filter(pk=pk)
        .first()
    )
    if recommendation is None:
        raise Http404
    return recommendation


def actions_visible_to(user) -> QuerySet[Action]:
    return Action.objects.filter(recommendation__in=recommendations_visible_to(user).values("pk"))


def actions_managed_by(user) -> QuerySet[Action]:
    """The actions whose details and deadline the user may manage (change, judge the evidence,
    waive the target date): community safety officers, every one they may see."""
    if not getattr(user, "is_authenticated", False) or not is_officer(user):
        return Action.objects.none()
    return actions_visible_to(user)


def is_owning_agency_rep(user, recommendation: Recommendation) -> bool:
    return bool(
        user.has_role(Role.AGENCY_REP)
        and user.agency_id
        and user.agency_id == recommendation.owning_agency_id
    )


def sees_action_work(user, recommendation: Recommendation) -> bool:
    """Progress notes and evidence files: officers, auditors, the review team and the owning
    agency. Partnership leads see the actions and their status only."""
    return (
        user.has_role(Role.OFFICER, Role.AUDITOR)
        or is_owning_agency_rep(user, recommendation)
        or user.pk in {recommendation.review.chair_id, recommendation.review.author_id}
    )


def may_work_on_action(user, recommendation: Recommendation) -> bool:
    """Post progress, send evidence, mark complete: officers and the owning agency."""
    return is_officer(user) or is_owning_agency_rep(user, recommendation)


def get_action_for_user_or_404(user, recommendation: Recommendation, pk: int, action: str = "view") -> Action:
    """Actions: view, work (progress, evidence, mark complete: officers and the owning agency),
    judge (accept, return, reopen, change the details: officers)."""
    found = actions_visible_to(user).filter(pk=pk, recommendation=recommendation).first()
    if found is None:
        raise Http404
    found.recommendation = recommendation
    if action == "view":
        return found
    if action == "work" and may_work_on_action(user, recommendation):
        return found
    if action == "judge" and is_officer(user):
        return found
    raise PermissionDenied


def get_evidence_for_user_or_404(user, action: Action, pk: int) -> ActionEvidence:
    evidence = ActionEvidence.objects.filter(action=action, pk=pk).first()
    if evidence is None or not sees_action_work(user, action.recommendation):
        raise Http404
    return evidence
