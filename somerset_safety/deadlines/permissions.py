from django.core.exceptions import PermissionDenied
from django.http import Http404

from somerset_safety.accounts.permissions import require_any_role  # noqa: F401 - used by views
from somerset_safety.accounts.roles import Role

from .selectors import deadlines_visible_to

LIST_ROLES = {Role.OFFICER, Role.MARAC_COORDINATOR, Role.AGENCY_REP, Role.REVIEW_CHAIR, Role.ADMIN}
TEAM_ROLES = {Role.OFFICER, Role.MARAC_COORDINATOR, Role.PARTNERSHIP_LEAD, Role.ADMIN}
WAIVE_ROLES = {Role.OFFICER, Role.MARAC_COORDINATOR}


def get_deadline_for_user_or_404(user, pk: int, action: str = "view"):
    deadline = deadlines_visible_to(user).filter(pk=pk).first()
    if deadline is None:
        raise Http404
    if action == "waive" and not user.has_role(*WAIVE_ROLES):
        raise PermissionDenied
    return deadline
