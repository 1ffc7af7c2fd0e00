import logging
import sys

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache

from . import heartbeat, navigation

logger = logging.getLogger(__name__)


def home(request):
    """What the signed-in user can work on, by role."""
    return render(
        request,
        "core/home.html",
        {
            "sections": navigation.sections_for(request.user),
            "panels": navigation.home_panels_for(request.user),
        },
    )


@login_not_required
def accessibility(request):
    return render(request, "core/accessibility.html")


@login_not_required
def privacy(request):
    return render(request, "core/privacy.html")


@login_not_required
@never_cache
def health(request):
    """For the load balancer: 200 while the database answers; broker and workers reported.
    Every part is bounded (a few seconds at worst), and nothing here needs a session."""
    checks = {"database": _database_ok()}
    if settings.REDIS_URL:
        checks["broker"], checks["workers"] = heartbeat.broker_and_workers()
    else:
        checks["broker"] = "eager (no broker configured)"
    if checks["database"]:
        from somerset_safety.deadlines.reminders import problems_summary

        # Reminders that could not be sent after every attempt: a person must act (team page).
        checks["reminders"] = problems_summary()
    status = 200 if checks["database"] else 503
    overall = "unavailable" if status != 200 else "ok"
    if status == 200 and any(checks["reminders"].values()):
        overall = "degraded"
    return JsonResponse({"status": overall, **checks}, status=status)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone()[0] == 1
    except Exception:  # noqa: BLE001 - any failure means the database is not usable
        logger.exception("Health check: database unavailable")
        return False


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def permission_denied(request, exception):
    return render(request, "403.html", status=403)


def server_error(request):
    """Django's last resort for an exception. Rendered without the request (no session, no
    user, no database), so it works when the database does not: then it is a 503."""
    if database_unavailable(sys.exc_info()[1]):
        return service_unavailable()
    return _static_page("500.html", 500)


def database_unavailable(exc: BaseException | None) -> bool:
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def service_unavailable() -> HttpResponse:
    response = _static_page("503.html", 503)
    response["Retry-After"] = "120"
    return response


def _static_page(template: str, status: int) -> HttpResponse:
    response = HttpResponse(render_to_string(template), status=status)
    response["Cache-Control"] = "no-store"
    return response


def own_path(candidate: str | None, default: str) -> str:
    """`candidate` if it is a path on this site ("/reviews/3/"), otherwise `default`: never a
    redirect to another site, whatever a form or link says."""
    from django.utils.http import url_has_allowed_host_and_scheme

    if (
        candidate
        and candidate.startswith("/")
        and not candidate.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(candidate, allowed_hosts=set())
    ):
        return candidate
    return default
