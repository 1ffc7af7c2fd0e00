"""Who may use records management. The records manager keeps the retention schedule and decides
disposals; the information governance auditor reads everything and changes nothing."""

from django.core.exceptions import PermissionDenied

from somerset_safety.accounts.roles import Role

MANAGERS = {Role.RECORDS_MANAGER, Role.ADMIN}
READERS = MANAGERS | {Role.AUDITOR}


def can_manage_records(user) -> bool:
    return user.has_role(*MANAGERS)


def require_records_reader(user) -> None:
    if not user.has_role(*READERS):
        raise PermissionDenied


def require_records_manager(user) -> None:
    if not can_manage_records(user):
        raise PermissionDenied
