from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from somerset_safety.audit.services import audit_list
from somerset_safety.core.dates import today as local_today
from somerset_safety.core.forms import errors_on
from somerset_safety.core.models import UnqueuedTask
from somerset_safety.core.pagination import paginate

from . import selectors
from .forms import DeadlineFilter, UnwaiveForm, WaiveForm
from .models import Deadline, DeadlineStatus
from .permissions import (
    LIST_ROLES,
    REMINDER_PROBLEM_ROLES,
    TEAM_ROLES,
    get_deadline_for_user_or_404,
    require_any_role,
)
from .registry import kind
from .reminders import failed_reminders
from .services import deadline_unwaive, deadline_waive, unwaive_refusal, waive_refusal
from .state import STATES, clock_state


def my_deadlines(request):
    require_any_role(request.user, LIST_ROLES)
    today = local_today()
    deadline_filter = DeadlineFilter(request.GET, queryset=selectors.my_deadlines(request.user, today))
    page = paginate(request, deadline_filter.qs, keyset=True)
    rows = selectors.rows_with_state(page, today)
    audit_list(actor=request.user, model=Deadline, ids=[d.pk for d in page])
    return render(
        request,
        "deadlines/my_deadlines.html",
        {"filter": deadline_filter, "page": page, "rows": rows, "today": today},
    )


def team(request):
    require_any_role(request.user, TEAM_ROLES)
    today = local_today()
    counts = selectors.team_counts(request.user, today)
    context = {
        "counts": counts,
        "totals": selectors.totals(counts),
        "states": STATES,
        "today": today,
        "problems": None,
    }
    if request.user.has_role(*REMINDER_PROBLEM_ROLES):
        context["problems"] = {
            "failed": list(failed_reminders()[:50]),
            "waiting_for_broker": UnqueuedTask.objects.count(),
        }
    return render(request, "deadlines/team.html", context)


def _decision_page(request, deadline: Deadline, form, *, template: str, refusal: str | None):
    return render(
        request,
        template,
        {
            "deadline": deadline,
            "refusal": refusal,
            "state": clock_state(deadline, local_today()),
            "form": form,
            "kind_name": kind(deadline.kind).name,
            "events": deadline.events.select_related("actor")[:20],
        },
    )


@require_http_methods(["GET", "POST"])
def waive(request, pk: int):
    deadline = get_deadline_for_user_or_404(request.user, pk, action="waive")
    if deadline.status == DeadlineStatus.WAIVED:
        return redirect("deadlines:unwaive", pk=deadline.pk)
    form = WaiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            deadline_waive(actor=request.user, deadline=deadline, reason=form.cleaned_data["reason"])
            messages.success(request, f"The deadline has been waived: {deadline.label}.")
            return redirect("deadlines:mine")
    return _decision_page(
        request, deadline, form, template="deadlines/waive.html", refusal=waive_refusal(deadline)
    )


@require_http_methods(["GET", "POST"])
def unwaive(request, pk: int):
    deadline = get_deadline_for_user_or_404(request.user, pk, action="waive")
    form = UnwaiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            deadline_unwaive(actor=request.user, deadline=deadline, reason=form.cleaned_data["reason"])
            messages.success(request, f"The waiver has been withdrawn: {deadline.label}.")
            return redirect("deadlines:mine")
    return _decision_page(
        request, deadline, form, template="deadlines/unwaive.html", refusal=unwaive_refusal(deadline)
    )
