"""Session and sign-in rules applied to every request (S1, S4, S6)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect, render
from django.utils import timezone

from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_record

from .signals import SESSION_LAST_SEEN_KEY, SESSION_STARTED_KEY

# Views a signed-in user may reach before the second factor.
BEFORE_SECOND_FACTOR = {
    "accounts:verify",
    "accounts:setup",
    "accounts:logout",
    "accounts:session_extend",
}
# Views that need no role (public pages, and those about the user's own account).
WITHOUT_ROLE = BEFORE_SECOND_FACTOR | {
    "accounts:recovery_codes",
    "accounts:preferences",
    "accounts:change_password",
}


def _view_name(request) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match else ""


def _is_public(view_func) -> bool:
    return not getattr(view_func, "login_required", True)


def record_activity(request, *, now: int) -> None:
    """Records the request as the session's last activity (and so moves the session's expiry
    on), unless it was recorded less than SESSION_ACTIVITY_INTERVAL_SECONDS ago: a session is
    written at most once an interval instead of on every request."""
    last_seen = request.session.get(SESSION_LAST_SEEN_KEY)
    if last_seen is None or now - last_seen >= settings.SESSION_ACTIVITY_INTERVAL_SECONDS:
        request.session[SESSION_LAST_SEEN_KEY] = now


def idle_seconds_left(request) -> int:
    """How long the signed-in session has left before the idle limit, from its last recorded
    activity: what the page's warning counts down from."""
    now = int(timezone.now().timestamp())
    last_seen = request.session.get(SESSION_LAST_SEEN_KEY, now)
    return max(0, settings.SESSION_IDLE_TIMEOUT_SECONDS - (now - last_seen))


class SessionLifetimeMiddleware:
    """Ends a session idle for longer than the idle limit or older than the absolute limit.

    The idle time is counted from the last recorded activity, which is recorded at most once
    every SESSION_ACTIVITY_INTERVAL_SECONDS (a minute), so a session ends up to that much
    sooner after its last request than the limit, never later. "Stay signed in" always records.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(timezone.now().timestamp())
            started = request.session.get(SESSION_STARTED_KEY, now)
            last_seen = request.session.get(SESSION_LAST_SEEN_KEY, now)
            idle = now - last_seen > settings.SESSION_IDLE_TIMEOUT_SECONDS
            too_old = now - started > settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS
            if idle or too_old:
                user = request.user
                audit_record(
                    actor=user,
                    action=AuditAction.SESSION_EXPIRED,
                    obj=user,
                    detail={"reason": "idle" if idle else "absolute"},
                )
                logout(request)
                messages.info(request, "You were signed out to keep the records safe. Sign in again.")
                return redirect(settings.LOGIN_URL)
            if SESSION_STARTED_KEY not in request.session:
                request.session[SESSION_STARTED_KEY] = started
            record_activity(request, now=now)
        return self.get_response(request)


class SecondFactorRequiredMiddleware:
    """A session that has not passed the second factor reaches only the sign-in pages (S1)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.REQUIRE_SECOND_FACTOR or not request.user.is_authenticated:
            return None
        if request.user.is_verified() or _is_public(view_func):
            return None
        if _view_name(request) in BEFORE_SECOND_FACTOR:
            return None
        from .services import has_confirmed_totp

        target = "accounts:verify" if has_confirmed_totp(request.user) else "accounts:setup"
        return redirect(target)


class RoleRequiredMiddleware:
    """A signed-in user without a role reaches only their own account pages (S6)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.role_names or _is_public(view_func):
            return None
        if _view_name(request) in WITHOUT_ROLE:
            return None
        return render(request, "accounts/no_role.html", status=403)
