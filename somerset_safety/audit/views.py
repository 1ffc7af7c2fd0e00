from django.contrib import messages
from django.shortcuts import redirect, render

from somerset_safety.accounts.permissions import require_any_role
from somerset_safety.accounts.roles import Role
from somerset_safety.core.pagination import paginate
from somerset_safety.core.queueing import enqueue

from .filters import AuditEventFilter
from .models import AuditEvent, ChainCheckResult
from .services import chain_check_latest


def _require_auditor(user):
    require_any_role(user, {Role.AUDITOR, Role.ADMIN})


def event_list(request):
    _require_auditor(request.user)
    events = AuditEventFilter(request.GET, queryset=AuditEvent.objects.select_related("actor"))
    page = paginate(request, events.qs, keyset=True)
    return render(
        request,
        "audit/event_list.html",
        {"filter": events, "page": page, "last_check": chain_check_latest()},
    )


def chain_check(request):
    """The latest checks of the log (run daily by beat); POST asks for one now, in the background."""
    _require_auditor(request.user)
    if request.method == "POST":
        enqueue("audit.verify_chain", request.user.pk)
        messages.success(request, "The check has started. Its result appears here when it finishes.")
        return redirect("audit:chain_check")
    recent = list(ChainCheckResult.objects.select_related("requested_by")[:10])
    return render(
        request,
        "audit/chain_check.html",
        {"result": recent[0] if recent else None, "recent": recent[1:]},
    )
