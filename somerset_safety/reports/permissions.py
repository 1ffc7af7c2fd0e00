from django.core.exceptions import PermissionDenied
from django.http import Http404

from somerset_safety.accounts.roles import Role

from .models import ExecutiveReport, ReportVersion

EDIT_ROLES = {Role.OFFICER, Role.ADMIN}
READ_ROLES = EDIT_ROLES | {Role.PARTNERSHIP_LEAD}
DASHBOARD_ROLES = {
    Role.OFFICER,
    Role.PARTNERSHIP_LEAD,
    Role.MARAC_COORDINATOR,
    Role.COMMISSIONING_OFFICER,
    Role.ADMIN,
}


def reports_visible_to(user):
    if user.has_role(*READ_ROLES):
        return ExecutiveReport.objects.all()
    return ExecutiveReport.objects.none()


def get_report_for_user_or_404(user, pk: int, action: str = "view") -> ExecutiveReport:
    report = reports_visible_to(user).filter(pk=pk).first()
    if report is None:
        raise Http404
    if action in {"edit", "generate"} and not user.has_role(*EDIT_ROLES):
        raise PermissionDenied
    return report


def get_version_for_user_or_404(user, report_pk: int, number: int, action: str = "view") -> ReportVersion:
    version = (
        ReportVersion.objects.filter(report__in=reports_visible_to(user), report_id=report_pk, number=number)
        .select_related("report", "generated_by")
        .first()
    )
    if version is None:
        raise Http404
    if action in {"confidential", "generate"} and not user.has_role(*EDIT_ROLES):
        raise PermissionDenied
    return version


def can_see_small_counts(user) -> bool:
    """Whether the user has detail access: officers, the MARAC coordinator and administrators
    see every figure exactly; anyone else (partnership leads) sees counts of people protected
    by the disclosure-control rule (reports.disclosure)."""
    return user.has_role(Role.OFFICER, Role.MARAC_COORDINATOR, Role.ADMIN)
