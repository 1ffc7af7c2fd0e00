from django.contrib import messages
from django.shortcuts import redirect, render

from somerset_safety.accounts.roles import Role
from somerset_safety.audit.services import audit_list
from somerset_safety.core.dates import today as local_today
from somerset_safety.core.models import UnqueuedTask
from somerset_safety.core.pagination import paginate
from somerset_safety.reports.permissions import can_see_small_counts

from . import selectors
from .exceptions import DeadlineError
from .forms import DeadlineFilter, WaiveForm
from .models import Deadline
from .permissions import LIST_ROLES, TEAM_ROLES, WAIVE_ROLES, get_deadline_for_user_or_404, require_any_role
from .registry import kind_names
from .reminders import failed_reminders
from .services import deadline_waive


def my_deadlines(request):
    require_any_role(request.user, LIST_ROLES)
    today = local_today()
    deadline_filter = DeadlineFilter(
        request.GET, queryset=selectors.my_deadlines(request.user, today), today=today
    )
    page = paginate(request, deadline_filter.qs, keyset=True)
    rows = [(d, selectors.deadline_state(d, today)) for d in page]
    audit_list(actor=request.user, model=Deadline, ids=[d.pk for d in page])
    return render(
        request,
        "deadlines/my_deadlines.html",
        {
            "filter": deadline_filter,
            "page": page,
            "rows": rows,
            "kinds": kind_names(),
            "today": today,
            "can_waive": request.user.has_role(*WAIVE_ROLES),
        },
    )


def team(request):
    require_any_role(request.user, TEAM_ROLES)
    today = local_today()
    names = kind_names()
    counts = [
        {**row, "name": names.get(row["kind"], row["kind"])}
        for row in selectors.team_counts(request.user, today)
    ]
    totals = {
        key: sum(row[key] for row in counts) for key in ("overdue", "due_soon", "later", "met", "waived")
    }
    context = {
        "counts": counts,
        "totals": totals,
        "today": today,
        "problems": None,
        "suppress": not can_see_small_counts(request.user),
    }
    if request.user.has_role(*WAIVE_ROLES, Role.ADMIN):
        context["problems"] = {
            "failed": list(failed_reminders()[:50]),
            "waiting_for_broker": UnqueuedTask.objects.count(),
        }
    return render(request, "deadlines/team.html", context)


def waive(request, pk: int):
    deadline = get_deadline_for_user_or_404(request.user, pk, action="waive")
    form = WaiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            deadline_waive(actor=request.user, deadline=deadline, reason=form.cleaned_data["reason"])
        except DeadlineError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The deadline has been waived.")
            return redirect("deadlines:mine")
    return render(
        request,
        "deadlines/waive.html",
        {"deadline": deadline, "form": form, "kind_name": kind_names().get(deadline.kind, deadline.kind)},
    )
