"""Who may see and change deadlines. Seeing a deadline follows from seeing its record (each
app's `visible_to`); waiving one follows from managing its record (each app's
`manageable_by`), never from seeing it."""

from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.http import Http404

from somerset_safety.accounts.permissions import require_any_role  # noqa: F401 - used by views
from somerset_safety.accounts.roles import Role

from .models import Deadline
from .registry import registration_for, registrations

LIST_ROLES = {Role.OFFICER, Role.MARAC_COORDINATOR, Role.AGENCY_REP, Role.REVIEW_CHAIR, Role.ADMIN}
TEAM_ROLES = {Role.OFFICER, Role.MARAC_COORDINATOR, Role.PARTNERSHIP_LEAD, Role.ADMIN}
# Who sees the reminders that could not be sent (team page).
REMINDER_PROBLEM_ROLES = {Role.OFFICER, Role.MARAC_COORDINATOR, Role.ADMIN}


def visible_condition(user) -> Q:
    condition = Q(pk__in=[])
    for registration in registrations():
        condition |= Q(
            subject_type=registration.subject_type,
            subject_id__in=registration.visible_to(user).values("pk"),
        )
    return condition


def managed_condition(user) -> Q:
    condition = Q(pk__in=[])
    for registration in registrations():
        condition |= Q(
            subject_type=registration.subject_type,
            subject_id__in=registration.manageable_by(user).values("pk"),
        )
    return condition


def deadlines_visible_to(user) -> QuerySet[Deadline]:
    """Deadlines whose record the user may see, by each app's own access policy (S7)."""
    return Deadline.objects.filter(visible_condition(user))


def with_may_manage(queryset: QuerySet[Deadline], user) -> QuerySet[Deadline]:
    """Annotates `may_manage`: the user manages the record, so may waive (if not statutory)."""
    return queryset.annotate(
        may_manage=ExpressionWrapper(managed_condition(user), output_field=BooleanField())
    )


def can_manage(user, deadline: Deadline) -> bool:
    registration = registration_for(deadline.subject_type)
    if registration is None:
        return False
    return registration.manageable_by(user).filter(pk=deadline.subject_id).exists()


def get_deadline_for_user_or_404(user, pk: int, action: str = "view") -> Deadline:
    """404 unless the user may see the deadline's record; for `waive` (and withdrawing a
    waiver) 403 unless they manage it."""
    deadline = deadlines_visible_to(user).filter(pk=pk).first()
    if deadline is None:
        raise Http404
    if action == "waive" and not can_manage(user, deadline):
        raise PermissionDenied
    return deadline
