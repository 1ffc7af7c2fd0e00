import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from . import navigation

logger = logging.getLogger(__name__)


def home(request):
    """What the signed-in user can work on, by role."""
    return render(request, "core/home.html", {"sections": navigation.sections_for(request.user)})


@login_not_required
def accessibility(request):
    return render(request, "core/accessibility.html")


@login_not_required
def privacy(request):
    return render(request, "core/privacy.html")


@login_not_required
@never_cache
def health(request):
    """For the load balancer: 200 while the database answers; broker and workers reported."""
    checks = {"database": _database_ok()}
    if settings.REDIS_URL:
        checks["broker"] = _broker_ok()
        checks["workers"] = _workers_answering() if checks["broker"] else 0
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


def _broker_ok() -> bool:
    import redis

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1)
        return bool(client.ping())
    except redis.RedisError:
        return False


def _workers_answering() -> int:
    from somerset_safety.celery import app

    try:
        replies = app.control.ping(timeout=0.5) or []
    except Exception:  # noqa: BLE001 - a broker failure here is reported, not raised
        return 0
    return len(replies)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def permission_denied(request, exception):
    return render(request, "403.html", status=403)


def server_error(request):
    return render(request, "500.html", status=500)


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
