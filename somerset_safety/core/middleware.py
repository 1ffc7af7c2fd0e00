import ipaddress
import logging
import uuid
from functools import lru_cache

from django.conf import settings

from . import request_context

logger = logging.getLogger(__name__)


@lru_cache(maxsize=8)
def _trusted_networks(proxies: tuple[str, ...]):
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def _ip(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The address the request came from, for audit events (S11).

    `X-Forwarded-For` is believed only when the request arrives from one of the proxies named in
    TRUSTED_PROXIES (addresses or networks): the client is then the nearest address in the
    header that is not itself a trusted proxy. Otherwise, or if the header is malformed, it is
    REMOTE_ADDR, which a client cannot forge.
    """
    remote = _ip(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return None
    trusted = _trusted_networks(tuple(settings.TRUSTED_PROXIES))
    if not any(remote in network for network in trusted):
        return str(remote)
    forwarded = [
        _ip(part) for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if not forwarded or None in forwarded:
        return str(remote)
    for address in reversed(forwarded):
        if not any(address in network for network in trusted):
            return str(address)
    return str(forwarded[0])


class RequestIdMiddleware:
    """Gives each request an id of our own for audit and logs. An id the client sent
    (`X-Request-ID`) is never used as ours: it is only logged beside it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = str(uuid.uuid4())
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        if incoming:
            shown = "".join(ch for ch in incoming[:100] if ch.isprintable())
            logger.info("request %s carries client request id %r", request.request_id, shown)
        token = request_context.set_current(
            request_context.RequestInfo(
                request_id=request.request_id, ip=client_ip(request), method=request.method, request=request
            )
        )
        try:
            response = self.get_response(request)
        finally:
            request_context.reset_current(token)
        response["X-Request-ID"] = request.request_id
        return response


class DatabaseAvailableMiddleware:
    """With the database down, every page is the static "Service unavailable" page (503), not a
    half-working one: the connection the request would open anyway is opened first. /health/
    answers for itself (JSON, for the load balancer)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.db import InterfaceError, OperationalError, connection
        from django.urls import reverse

        if request.path != reverse("core:health"):
            try:
                connection.ensure_connection()
            except (OperationalError, InterfaceError):
                logger.error("Database unavailable: answered %s with the outage page", request.path)
                from .views import service_unavailable

                return service_unavailable()
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages shown to a signed-in user must not be kept by browsers or proxies (S19)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response
