"""Who may see and do what in the duties app (S7).

- The register, obligations, evidence, section 17 and equality assessments and the Prevent
  checklist: community safety officers (read and record) and partnership leads (read only).
- Modern slavery duty-to-notify records: community safety officers only. Everyone else gets
  a 404, so they cannot learn that a record exists. A record whose processing is restricted is
  seen only by the officer who recorded it (records.restriction).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from somerset_safety.accounts.roles import Role
from somerset_safety.audit.reads import audited_read

from .models import Duty, EvidenceItem, ImpactAssessment, Obligation, SlaveryNotification

REGISTER_READ_ROLES = frozenset({Role.OFFICER, Role.PARTNERSHIP_LEAD})
REGISTER_EDIT_ROLES = frozenset({Role.OFFICER})
SLAVERY_ROLES = frozenset({Role.OFFICER})


def can_read_register(user) -> bool:
    return user.is_authenticated and user.has_role(*REGISTER_READ_ROLES)


def can_edit_register(user) -> bool:
    return user.is_authenticated and user.has_role(*REGISTER_EDIT_ROLES)


def can_use_slavery_records(user) -> bool:
    return user.is_authenticated and user.has_role(*SLAVERY_ROLES)


def require_register_reader(user) -> None:
    """For list pages: a user whose role cannot read the register is refused (403)."""
    if not can_read_register(user):
        raise PermissionDenied


def require_register_editor(user) -> None:
    """For create pages: only officers record evidence and assessments (403 for readers)."""
    require_register_reader(user)
    if not can_edit_register(user):
        raise PermissionDenied


def register_duties() -> QuerySet[Duty]:
    """The duties in the register (repealed ones stay on record, out of it). Only for aggregate
    figures that carry no personal data: the Executive report's appendix and the dashboard."""
    return Duty.objects.filter(active=True)


def duties_visible_to(user) -> QuerySet[Duty]:
    if not can_read_register(user):
        return Duty.objects.none()
    return register_duties()


def obligations_visible_to(user) -> QuerySet[Obligation]:
    if not can_read_register(user):
        return Obligation.objects.none()
    return Obligation.objects.filter(active=True, duty__active=True)


def obligations_managed_by(user) -> QuerySet[Obligation]:
    """Obligations the user may record evidence for (officers)."""
    if not can_edit_register(user):
        return Obligation.objects.none()
    return obligations_visible_to(user)


def evidence_visible_to(user) -> QuerySet[EvidenceItem]:
    return EvidenceItem.objects.filter(obligation__in=obligations_visible_to(user))


def assessments_visible_to(user) -> QuerySet[ImpactAssessment]:
    if not can_read_register(user):
        return ImpactAssessment.objects.none()
    return ImpactAssessment.objects.all()


RESTRICTION_KEY = "slavery_record"  # the kind of restrictable record (records.restriction)


def slavery_notifications_held_for(user) -> QuerySet[SlaveryNotification]:
    """Every record an officer may be asked about, those whose processing is restricted included:
    for a subject access search only (a restricted record is still data held about the person)."""
    if not can_use_slavery_records(user):
        return SlaveryNotification.objects.none()
    return SlaveryNotification.objects.all()


def slavery_notifications_visible_to(user) -> QuerySet[SlaveryNotification]:
    """Officers: every record but those whose processing is restricted (UK GDPR Article 18),
    which only the officer who recorded them sees (records.restriction)."""
    from somerset_safety.records import restriction

    return restriction.visible_among(user, RESTRICTION_KEY, slavery_notifications_held_for(user))


def restriction_owned_by(user) -> Q | None:
    """The records whose restricted processing the user still sees, and may restrict or lift: an
    officer's own (recorded by them); those of an officer no longer active, every officer's."""
    if not can_use_slavery_records(user):
        return None
    return Q(recorded_by=user) | Q(recorded_by__is_active=False)


def _get_or_404(queryset: QuerySet, pk: int):
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


@audited_read()
def get_duty_for_user_or_404(user, pk: int) -> Duty:
    return _get_or_404(duties_visible_to(user), pk)


def get_obligation_for_user_or_404(user, pk: int, action: str = "view") -> Obligation:
    obligation = _get_or_404(obligations_visible_to(user).select_related("duty"), pk)
    if action != "view" and not can_edit_register(user):
        raise PermissionDenied
    return obligation


def get_evidence_for_user_or_404(user, pk: int, action: str = "view") -> EvidenceItem:
    evidence = _get_or_404(evidence_visible_to(user).select_related("obligation__duty", "recorded_by"), pk)
    if action != "view" and not can_edit_register(user):
        raise PermissionDenied
    return evidence


@audited_read()
def get_assessment_for_user_or_404(user, pk: int, action: str = "view") -> ImpactAssessment:
    assessment = _get_or_404(assessments_visible_to(user).select_related("recorded_by"), pk)
    if action != "view" and not can_edit_register(user):
        raise PermissionDenied
    return assessment


@audited_read()
def get_slavery_notification_for_user_or_404(user, pk: int, action: str = "view") -> SlaveryNotification:
    return _get_or_404(
        slavery_notifications_visible_to(user).select_related("first_responder", "recorded_by"), pk
    )
