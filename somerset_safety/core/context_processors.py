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
        "session_idle_minutes": settings.SESSION_IDLE_TIMEOUT_SECONDS // 60,
        "session_warning_seconds": settings.SESSION_WARNING_SECONDS,
    }


def _nav(request, user) -> list[dict]:
    if user is None or not user.is_authenticated:
        return []
    items = []
    for section in navigation.sections_for(user):
        url = section.url
        items.append({"label": section.label, "url": url, "active": request.path.startswith(url)})
    return items
