"""Who may use records management. The records manager keeps the retention schedule and decides
disposals; the information governance auditor reads everything and changes nothing.

Subject access requests are answered by records managers and community safety officers (the
council's team that holds most of the records asked for): they record a request, search for the
person, decide what to disclose and produce the bundle. Each search finds only what the person
searching may see in each app. The auditor reads requests and changes nothing."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from somerset_safety.accounts.roles import Role
from somerset_safety.audit.reads import audited_read

from .models import SubjectAccessRequest

MANAGERS = {Role.RECORDS_MANAGER, Role.ADMIN}
READERS = MANAGERS | {Role.AUDITOR}
SAR_MANAGERS = {Role.RECORDS_MANAGER, Role.OFFICER, Role.ADMIN}
SAR_READERS = SAR_MANAGERS | {Role.AUDITOR}


def can_manage_records(user) -> bool:
    return user.has_role(*MANAGERS)


def require_records_reader(user) -> None:
    if not user.has_role(*READERS):
        raise PermissionDenied


def require_records_manager(user) -> None:
    if not can_manage_records(user):
        raise PermissionDenied


def can_manage_sars(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.has_role(*SAR_MANAGERS)


def require_sar_reader(user) -> None:
    if not user.has_role(*SAR_READERS):
        raise PermissionDenied


def sars_visible_to(user) -> QuerySet[SubjectAccessRequest]:
    if not getattr(user, "is_authenticated", False) or not user.has_role(*SAR_READERS):
        return SubjectAccessRequest.objects.none()
    return SubjectAccessRequest.objects.all()


def sars_managed_by(user) -> QuerySet[SubjectAccessRequest]:
    if not can_manage_sars(user):
        return SubjectAccessRequest.objects.none()
    return SubjectAccessRequest.objects.all()


@audited_read()
def get_sar_for_user_or_404(user, pk: int, action: str = "view") -> SubjectAccessRequest:
    """Actions: view (readers), manage (records managers and officers)."""
    sar = sars_visible_to(user).select_related("handler", "created_by").filter(pk=pk).first()
    if sar is None:
        raise Http404
    if action == "manage" and not can_manage_sars(user):
        raise PermissionDenied
    return sar
