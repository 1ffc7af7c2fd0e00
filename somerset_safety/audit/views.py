from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from somerset_safety.accounts.permissions import require_any_role
from somerset_safety.accounts.roles import Role
from somerset_safety.core.forms import errors_on
from somerset_safety.core.pagination import paginate
from somerset_safety.core.queueing import enqueue

from . import breakglass
from .filters import AuditEventFilter
from .forms import BreakGlassForm, BreakGlassReviewForm
from .models import AuditAction, AuditEvent, BreakGlassAccess, ChainCheckResult
from .reads import record_view
from .services import audit_list, chain_check_latest


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


# --- Emergency ("break-glass") access (S9) ----------------------------------------------------


@require_http_methods(["GET", "POST"])
def break_glass_new(request):
    """Ask for emergency access to a restricted record: its kind, reference and the reason."""
    kinds = breakglass.kinds_for(request.user)
    if not kinds:
        raise PermissionDenied
    asked = request.GET.get("kind", "")
    initial = {"kind": asked} if asked in {kind.key for kind in kinds} else {}
    form = BreakGlassForm(request.POST or None, kinds=kinds, initial=initial)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            access = breakglass.break_glass_open(actor=request.user, **form.cleaned_data)
            messages.warning(
                request,
                f"Emergency access to {access.record_reference} is open until {timezone.localtime(access.expires_at):%H:%M}. "
                "The record's owner and the information governance auditor have been told.",
            )
            kind = breakglass.kind_of(access.record_type)
            return redirect(kind.model.objects.get(pk=access.record_id))
    return render(
        request,
        "audit/break_glass_new.html",
        {"form": form, "minutes": settings.BREAK_GLASS_MINUTES},
    )


def break_glass_list(request):
    """Every use of emergency access, for the auditors; those not yet reviewed first."""
    _require_auditor(request.user)
    waiting = request.GET.get("show", "") != "all"
    uses = BreakGlassAccess.objects.select_related("user", "reviewed_by").order_by("-opened_at", "-id")
    if waiting:
        uses = uses.filter(reviewed_at__isnull=True)
    page = paginate(request, uses)
    audit_list(actor=request.user, model=BreakGlassAccess, ids=[use.pk for use in page])
    return render(
        request,
        "audit/break_glass_list.html",
        {"page": page, "waiting": waiting, "now": timezone.now()},
    )


@require_http_methods(["GET", "POST"])
def break_glass_detail(request, pk: int):
    """One use: who, when, why, what they read during it; the auditor's review."""
    access = BreakGlassAccess.objects.select_related("user__agency", "reviewed_by").filter(pk=pk).first()
    if access is None or not breakglass.may_read(request.user, access):
        raise Http404
    may_review = request.user.has_role(Role.AUDITOR) and access.reviewed_at is None
    form = BreakGlassReviewForm(request.POST or None) if may_review else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            with errors_on(form):
                breakglass.break_glass_review(actor=request.user, access=access, **form.cleaned_data)
                messages.success(request, "The review has been recorded.")
                return redirect("audit:break_glass_detail", pk=access.pk)
    views = AuditEvent.objects.filter(
        actor_id=access.user_id, action=AuditAction.VIEW, detail__break_glass=access.pk
    ).order_by("id")
    record_view(request.user, access)
    return render(
        request,
        "audit/break_glass_detail.html",
        {"access": access, "views": views, "form": form, "now": timezone.now()},
    )
