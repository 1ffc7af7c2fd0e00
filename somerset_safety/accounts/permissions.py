from django.core.exceptions import PermissionDenied


def require_any_role(user, roles) -> None:
    """403 unless the user holds one of `roles`. Record-level scope is each app's visible_to()."""
    if not user.has_role(*roles):
        raise PermissionDenied
