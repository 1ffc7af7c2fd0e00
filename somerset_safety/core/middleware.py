import uuid

from . import request_context


def client_ip(request) -> str | None:
    # Behind the load balancer REMOTE_ADDR is set by gunicorn's forwarded-allow-ips handling.
    return request.META.get("REMOTE_ADDR") or None


class RequestIdMiddleware:
    """Gives each request an id (kept from a trusted proxy header if present) for audit and logs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request.request_id = incoming if _looks_like_uuid(incoming) else str(uuid.uuid4())
        token = request_context.set_current(
            request_context.RequestInfo(request_id=request.request_id, ip=client_ip(request))
        )
        try:
            response = self.get_response(request)
        finally:
            request_context.reset_current(token)
        response["X-Request-ID"] = request.request_id
        return response


def _looks_like_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


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
