"""Fetch with authorisation, validate, call one service, redirect (STYLE.md)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from somerset_safety.audit.services import audit_list
from somerset_safety.core.dates import today as local_today
from somerset_safety.core.forms import errors_on
from somerset_safety.core.pagination import paginate

from . import registry, selectors, services
from .forms import DisposalForm, HoldForm, HoldReleaseForm, RetentionRuleForm
from .models import DisposalAction, HoldStatus, LegalHold, RetentionRule
from .permissions import can_manage_records, require_records_manager, require_records_reader


def schedule(request):
    require_records_reader(request.user)
    today = local_today()
    return render(
        request,
        "records/schedule.html",
        {"lines": selectors.schedule(today), "today": today, "can_manage": can_manage_records(request.user)},
    )


def _rule_and_type(key: str):
    record_type = registry.record_type(key)
    if record_type is None:
        raise Http404
    return get_object_or_404(RetentionRule, record_type=key), record_type


def rule_edit(request, key: str):
    require_records_manager(request.user)
    rule, record_type = _rule_and_type(key)
    initial = {name: getattr(rule, name) for name in ("period_months", "trigger", "action", "notes")}
    form = RetentionRuleForm(request.POST or None, initial=initial, record_type=record_type, record=rule)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            changed = services.rule_update(actor=request.user, rule=rule, **form.cleaned_data)
            if changed:
                messages.success(request, f"Retention rule for “{record_type.label}” saved.")
            else:
                messages.info(request, "Nothing was changed.")
            return redirect("records:schedule")
    return render(request, "records/rule_form.html", {"form": form, "rule": rule, "record_type": record_type})


def due(request, key: str):
    """The records of one type whose retention period has ended: references and dates only."""
    require_records_reader(request.user)
    rule, record_type = _rule_and_type(key)
    today = local_today()
    page = paginate(request, selectors.due_records(record_type, rule, today))
    audit_list(actor=request.user, model=record_type.model, ids=[row.pk for row in page], purpose="retention")
    return render(
        request,
        "records/due.html",
        {
            "page": page,
            "rule": rule,
            "record_type": record_type,
            "cutoff": selectors.cutoff_for(rule, today),
            "today": today,
            "can_manage": can_manage_records(request.user),
            "actions": record_type.disposal_actions(rule.action),
        },
    )


def _chosen_ids(values) -> list[int]:
    return sorted({int(v) for v in values if v.isdigit()})[: services.DISPOSAL_BATCH_MAX]


def dispose(request, key: str):
    """Confirm, then make, the disposal of the records ticked on the list of records due: the
    records manager sees each one again (and may untick it) before the irreversible step."""
    require_records_manager(request.user)
    rule, record_type = _rule_and_type(key)
    actions = record_type.disposal_actions(rule.action)
    if not actions:
        raise Http404
    source = request.POST if request.method == "POST" else request.GET
    field = "records" if request.method == "POST" else "record"
    chosen = _chosen_ids(source.getlist(field))
    rows = list(selectors.due_records(record_type, rule, local_today()).filter(pk__in=chosen))
    if request.method == "GET" and not rows:
        messages.error(request, "Select the records to dispose of.")
        return redirect("records:due", key)
    form = DisposalForm(
        request.POST or None, initial={"records": [row.pk for row in rows]}, records=rows, actions=actions
    )
    if request.method == "GET":
        audit_list(
            actor=request.user, model=record_type.model, ids=[row.pk for row in rows], purpose="disposal"
        )
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            logs = services.records_dispose(
                actor=request.user,
                record_type_key=key,
                object_ids=form.cleaned_data["records"],
                action=form.cleaned_data["action"],
            )
            done = DisposalAction(form.cleaned_data["action"]).label.lower()
            messages.success(
                request,
                f"{record_type.label}: {len(logs)} record{'s' if len(logs) != 1 else ''} {done}. "
                "Each disposal is in the erasure log.",
            )
            return redirect(f"{reverse('records:erasures')}?type={key}")
    return render(
        request,
        "records/dispose.html",
        {"form": form, "rule": rule, "record_type": record_type, "count": len(rows)},
    )


def erasures(request):
    """The erasure log: every disposal, newest first. It holds no personal data."""
    require_records_reader(request.user)
    types = registry.record_types()
    key = request.GET.get("type", "")
    if key not in {t.key for t in types}:
        key = ""
    page = paginate(request, selectors.erasure_log(key), keyset=True)
    return render(
        request,
        "records/erasures.html",
        {"page": page, "types": types, "labels": {t.key: t.label for t in types}, "current_type": key},
    )


def holds(request):
    require_records_reader(request.user)
    page = paginate(request, selectors.holds())
    labels = {t.key: t.label for t in registry.record_types()}
    return render(
        request,
        "records/holds.html",
        {
            "page": page,
            "labels": labels,
            "statuses": HoldStatus,
            "can_manage": can_manage_records(request.user),
        },
    )


def hold_place(request, key: str, object_id: int):
    require_records_manager(request.user)
    record_type = registry.record_type(key)
    if record_type is None:
        raise Http404
    record = get_object_or_404(record_type.rows(), pk=object_id)
    form = HoldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            hold = services.hold_place(
                actor=request.user, record_type_key=key, object_id=record.pk, **form.cleaned_data
            )
            messages.success(request, f"Legal hold placed on {hold.reference}. It will not be disposed of.")
            return redirect("records:holds")
    return render(
        request, "records/hold_form.html", {"form": form, "record": record, "record_type": record_type}
    )


def hold_release(request, pk: int):
    require_records_manager(request.user)
    hold = get_object_or_404(LegalHold, pk=pk, status=HoldStatus.ACTIVE)
    form = HoldReleaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.hold_release(actor=request.user, hold=hold, **form.cleaned_data)
            messages.success(request, f"Legal hold on {hold.reference} released.")
            return redirect("records:holds")
    return render(request, "records/hold_release.html", {"form": form, "hold": hold})
