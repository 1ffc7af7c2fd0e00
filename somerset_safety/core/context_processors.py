from django.conf import settings

from . import navigation


def service(request):
    user = getattr(request, "user", None)
    return {
        "service_name": settings.SERVICE_NAME,
        "council_name": settings.COUNCIL_NAME,
        "demo_mode": settings.DEMO_MODE,
        "require_second_factor": settings.REQUIRE_SECOND_FACTOR,
        "nav_sections": _nav(request, user),
        "session_idle_seconds": settings.SESSION_IDLE_TIMEOUT_SECONDS,
        "session_idle_left_seconds": _idle_left(user, request),
        "session_idle_minutes": settings.SESSION_IDLE_TIMEOUT_SECONDS // 60,
        "session_warning_seconds": settings.SESSION_WARNING_SECONDS,
    }


def _idle_left(user, request) -> int | None:
    if user is None or not user.is_authenticated:
        return None
    from somerset_safety.accounts.middleware import idle_seconds_left

    return idle_seconds_left(request)


def _nav(request, user) -> list[dict]:
    if user is None or not user.is_authenticated:
        return []
    if settings.REQUIRE_SECOND_FACTOR and not getattr(user, "is_verified", lambda: True)():
        return []  # nothing to go to until the second factor is passed
    items = [{"label": s.label, "url": s.url, "active": False} for s in navigation.sections_for(user)]
    # The section whose address is the longest start of this page is the current one.
    matches = [item for item in items if request.path.startswith(item["url"])]
    if matches:
        max(matches, key=lambda item: len(item["url"]))["active"] = True
    return items
