from django.shortcuts import render

from somerset_safety.accounts.permissions import require_any_role
from somerset_safety.accounts.roles import Role
from somerset_safety.core.pagination import paginate

from .filters import AuditEventFilter
from .models import AuditEvent
from .selectors import verify_chain


def _require_auditor(user):
    require_any_role(user, {Role.AUDITOR, Role.ADMIN})


def event_list(request):
    _require_auditor(request.user)
    events = AuditEventFilter(request.GET, queryset=AuditEvent.objects.select_related("actor"))
    page = paginate(request, events.qs, keyset=True)
    return render(request, "audit/event_list.html", {"filter": events, "page": page})


def chain_check(request):
    _require_auditor(request.user)
    return render(request, "audit/chain_check.html", {"result": verify_chain()})
