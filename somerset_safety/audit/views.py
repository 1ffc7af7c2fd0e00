from django.core.paginator import Paginator
from django.shortcuts import render

from somerset_safety.accounts.permissions import require_any_role
from somerset_safety.accounts.roles import Role

from .filters import AuditEventFilter
from .models import AuditEvent
from .selectors import verify_chain


def _require_auditor(user):
    require_any_role(user, {Role.AUDITOR, Role.ADMIN})


def event_list(request):
    _require_auditor(request.user)
    events = AuditEventFilter(request.GET, queryset=AuditEvent.objects.select_related("actor"))
    page = Paginator(events.qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/event_list.html",
        {"filter": events, "page": page, "query": query.urlencode()},
    )


def chain_check(request):
    _require_auditor(request.user)
    return render(request, "audit/chain_check.html", {"result": verify_chain()})
