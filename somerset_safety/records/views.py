"""Fetch with authorisation, validate, call one service, redirect (STYLE.md)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_list, audit_record
from somerset_safety.core.dates import today as local_today
from somerset_safety.core.exports import MARKING, csv_response
from somerset_safety.core.forms import errors_on
from somerset_safety.core.pagination import paginate
from somerset_safety.deadlines.selectors import deadlines_of
from somerset_safety.pdf.render import PdfRenderError, render_pdf

from . import registry, selectors, services, subjects
from . import restriction as restrictions_registry
from .forms import (
    DisposalForm,
    HoldForm,
    HoldReleaseForm,
    RestrictionFindForm,
    RestrictionForm,
    RetentionRuleForm,
    SarCompleteForm,
    SarExtendForm,
    SarForm,
    SarItemForm,
    SarPauseForm,
    SarResumeForm,
    SarWithdrawForm,
)
from .models import (
    DisposalAction,
    HoldStatus,
    ItemDecision,
    LegalHold,
    RetentionRule,
    SarStatus,
    SubjectAccessRequest,
)
from .permissions import (
    can_manage_records,
    can_manage_sars,
    get_sar_for_user_or_404,
    require_records_manager,
    require_records_reader,
    require_sar_reader,
    sars_visible_to,
)
from .states import SAR_MOVES


def schedule(request):
    require_records_reader(request.user)
    today = local_today()
    lines = selectors.schedule(today)
    return render(
        request,
        "records/schedule.html",
        {
            "lines": lines,
            "refused_lines": [line for line in lines if line.refused],
            "today": today,
            "can_manage": can_manage_records(request.user),
        },
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


def restrictions(request):
    """Restrictions of processing in force, in every app that has them (references, never names),
    and, for a records manager, the way to the page restricting a person's record or lifting it.
    A fixed number of queries, whatever the number of records restricted."""
    require_records_reader(request.user)
    manage = can_manage_records(request.user)
    form = RestrictionFindForm(request.POST or None)
    if request.method == "POST":
        if not manage:
            raise PermissionDenied
        if form.is_valid():
            reference = form.cleaned_data["reference"].strip().upper()
            found = restrictions_registry.find_by_reference(request.user, reference)
            if found is not None:
                return redirect(found[0].url(found[1].pk))
            form.add_error(
                "reference",
                f"No person with the reference {reference} is held, or you may not restrict their record. "
                "Check the reference, for example V0000012",
            )
    rows = []
    for key, found in restrictions_registry.restricted_now().items():
        kind = restrictions_registry.kind(key)
        audit_list(
            actor=request.user, model=kind.model, ids=[r.object_id for r in found], purpose="restriction"
        )
        # The records manager may restrict or lift every one (the kind's own page, by its id).
        rows += [(row, kind.url(row.object_id) if manage else "") for row in found]
    rows.sort(key=lambda pair: pair[0].since, reverse=True)
    return render(request, "records/restrictions.html", {"rows": rows, "form": form, "can_manage": manage})


@require_http_methods(["GET", "POST"])
def restriction(request, key: str, object_id: int):
    """Restrict the processing of a record, or lift the restriction: a records manager, or the
    record's owners (the kind says who); for anyone else the page is not there. The reason and the
    earlier restrictions are shown here only, never on the lists."""
    # Only within what the user may see of the kind at all; a GET is audited as a view.
    obj = restrictions_registry.get_for_user_or_404(request.user, key, object_id)
    kind = restrictions_registry.kind(key)
    current = restrictions_registry.open_restriction(key, obj)
    form = RestrictionForm(request.POST or None, lifting=current is not None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            if current is None:
                restrictions_registry.restrict(actor=request.user, key=key, obj=obj, **form.cleaned_data)
                messages.success(request, f"The processing of {obj.reference} is restricted.")
            else:
                restrictions_registry.lift(actor=request.user, key=key, obj=obj, **form.cleaned_data)
                messages.success(request, f"The restriction of {obj.reference} has been lifted.")
            return redirect(kind.url(obj.pk))
    return render(
        request,
        "records/restriction.html",
        {
            "kind": kind,
            "record": obj,
            "reference": obj.reference,
            "description": kind.describe(obj),
            "current": current,
            "earlier": restrictions_registry.earlier(key, obj),
            "form": form,
            "records_manager": can_manage_records(request.user),
            "record_url": kind.record_url(obj) if kind.record_url else "",
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


def sars(request):
    """Subject access requests, newest first, narrowed by status."""
    require_sar_reader(request.user)
    status = request.GET.get("status", "")
    rows = sars_visible_to(request.user).select_related("handler")
    if status in SarStatus.values:
        rows = rows.filter(status=status)
    else:
        status = ""
    page = paginate(request, rows)
    audit_list(actor=request.user, model=SubjectAccessRequest, ids=[sar.pk for sar in page])
    clocks = deadlines_of(SubjectAccessRequest, [sar.pk for sar in page])
    return render(
        request,
        "records/sars.html",
        {
            "page": page,
            "rows": [(sar, next(iter(clocks.get(sar.pk, [])), None)) for sar in page],
            "statuses": SarStatus.choices,
            "current_status": status,
            "can_manage": can_manage_sars(request.user),
            "today": local_today(),
        },
    )


def sar_create(request):
    if not can_manage_sars(request.user):
        raise PermissionDenied
    form = SarForm(request.POST or None, initial={"handler": request.user}, handlers=selectors.sar_handlers())
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            sar = services.sar_create(actor=request.user, **form.cleaned_data)
            messages.success(request, f"Subject access request {sar.reference} recorded.")
            return redirect(sar)
    return render(request, "records/sar_create.html", {"form": form})


def sar_detail(request, pk: int):
    sar = get_sar_for_user_or_404(request.user, pk)
    manage = can_manage_sars(request.user)
    labels = {source.key: source.label for source in subjects.sources()}
    return render(
        request,
        "records/sar_detail.html",
        {
            "sar": sar,
            "items": list(sar.items.select_related("decided_by")),
            "labels": labels,
            "searches": [
                (
                    search,
                    [labels.get(k, k) for k in search.sources],
                    [labels.get(k, k) for k in search.not_searched],
                )
                for search in sar.searches.select_related("searched_by")
            ],
            "answering": sar.status in services.ANSWERING,
            "bundle_refusal": selectors.sar_bundle_refusal(sar),
            "complete_refusal": SAR_MOVES.refusal(sar, "complete") if sar.status == SarStatus.OPEN else None,
            "deadline": next(iter(deadlines_of(SubjectAccessRequest, [sar.pk]).get(sar.pk, [])), None),
            "pauses": list(sar.pauses.select_related("started_by", "ended_by")),
            "moves": [option for option in SAR_MOVES.options(sar) if option.allowed] if manage else [],
            "extension_refusal": services.extension_refusal(sar),
            "can_manage": manage,
            "today": local_today(),
        },
    )


# Each move's page: its form, the service that makes it, the heading and what the page says first.
SAR_PAGES = {
    "pause": (
        SarPauseForm,
        services.sar_pause,
        "Pause the clock",
        "Pause while the requester is asked for proof of identity or to say more exactly what they want. "
        "No reminders are sent while the clock is paused.",
    ),
    "resume": (
        SarResumeForm,
        services.sar_resume,
        "Restart the clock",
        "Record the day the requester's answer arrived. The new due date follows from it.",
    ),
    "extend": (
        SarExtendForm,
        services.sar_extend,
        "Extend the deadline",
        "A complex request may take up to two further months, if the requester is told, with the reasons, "
        "within the first month.",
    ),
    "withdraw": (
        SarWithdrawForm,
        services.sar_withdraw,
        "Record the request as withdrawn",
        "The requester no longer wants the information. The deadline closes.",
    ),
    "complete": (
        SarCompleteForm,
        services.sar_complete,
        "Record the response as sent",
        "The deadline is met on the date the response was sent.",
    ),
}


def sar_change(request, pk: int, move: str):
    """The page of one change to a request (a move of its state machine, or the extension):
    a confirmation page with its form (GET) and the change (POST)."""
    if move not in SAR_PAGES:
        raise Http404
    sar = get_sar_for_user_or_404(request.user, pk, action="manage")
    form_class, service, title, intro = SAR_PAGES[move]
    refusal = services.extension_refusal(sar) if move == "extend" else SAR_MOVES.refusal(sar, move)
    if refusal:
        messages.error(request, refusal)
        return redirect(sar)
    kwargs = {"months_left": 2 - sar.extension_months} if move == "extend" else {}
    form = form_class(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            service(actor=request.user, sar=sar, **form.cleaned_data)
            messages.success(request, f"{sar.reference}: {title[0].lower()}{title[1:]} — done.")
            return redirect(sar)
    return render(
        request, "records/sar_change.html", {"form": form, "sar": sar, "title": title, "intro": intro}
    )


def sar_search(request, pk: int):
    """What a search for the request's person will look through, as the person searching may see
    it (GET), and the search (POST)."""
    sar = get_sar_for_user_or_404(request.user, pk, action="manage")
    if sar.status not in services.ANSWERING:
        messages.error(
            request, f"This request is {sar.get_status_display().lower()}, so it cannot be searched again."
        )
        return redirect(sar)
    if request.method == "POST":
        search = services.sar_search(actor=request.user, sar=sar)
        messages.success(
            request,
            f"Search done: {search.found} record{'s' if search.found != 1 else ''} found, {search.new} new to review.",
        )
        return redirect(sar)
    sources = subjects.sources()
    return render(
        request,
        "records/sar_search.html",
        {
            "sar": sar,
            "searched": [s.label for s in sources if s.can_search(request.user)],
            "not_searched": [s.label for s in sources if not s.can_search(request.user)],
        },
    )


def sar_item(request, pk: int, item_pk: int):
    """One record found: the personal data it holds, read afresh with the viewer's access, and the
    decision to disclose or withhold it."""
    sar = get_sar_for_user_or_404(request.user, pk)
    item = get_object_or_404(sar.items, pk=item_pk)
    source = subjects.source(item.source)
    held = next(iter(source.fetch(request.user, [item.object_id])), None) if source else None
    if held is not None and request.method == "GET":
        audit_record(
            actor=request.user,
            action=AuditAction.VIEW,
            object_type=source.object_type,
            object_id=item.object_id,
            detail={"page": "records:sar_item", "subject_access_request": sar.pk},
        )
    manage = can_manage_sars(request.user) and sar.status in services.ANSWERING
    if request.method == "POST" and not manage:
        raise PermissionDenied
    initial = {
        "decision": item.decision if item.decision != ItemDecision.PENDING else None,
        "withhold_reason": item.withhold_reason,
    }
    form = SarItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.sar_item_decide(actor=request.user, item=item, **form.cleaned_data)
            messages.success(request, f"{item.reference}: decision saved.")
            return redirect(sar)
    return render(
        request,
        "records/sar_item.html",
        {
            "sar": sar,
            "item": item,
            "held": held,
            "source": source,
            "form": form,
            "can_manage": manage,
            "restriction_url": restrictions_registry.url_for(request.user, item.source, item.object_id)
            if held
            else "",
        },
    )


def sar_bundle(request, pk: int, fmt: str):
    """The disclosure bundle, as PDF or CSV: every record disclosed with the data it holds, read
    now with the reader's access; withheld records are left out. Logged as a disclosure to the
    requester, with the records disclosed and withheld (by reference, never their content)."""
    sar = get_sar_for_user_or_404(request.user, pk, action="manage")
    bundle = selectors.sar_bundle(request.user, sar)
    refusal = selectors.sar_bundle_refusal(sar) or bundle.refusal
    if refusal:
        messages.error(request, refusal)
        return redirect(sar)
    today = local_today()
    detail = {
        "subject_access_request": sar.pk,
        "recipients": ["the requester"],
        "disclosed": [f"{item.source}:{item.object_id}" for item, _held in bundle.disclosed],
        "withheld": [f"{item.source}:{item.object_id}" for item in bundle.withheld],
    }
    if fmt == "csv":
        return csv_response(
            actor=request.user,
            filename=f"{sar.reference}-disclosure.csv",
            header=["Record", "What it is", "Item", "Value"],
            rows=[
                [item.reference, held.description, label, value]
                for item, held in bundle.disclosed
                for label, value in held.fields
            ],
            object_type=SubjectAccessRequest._meta.label_lower,
            detail=detail,
        )
    html = render_to_string(
        "records/pdf/sar_bundle.html",
        {
            "sar": sar,
            "disclosed": bundle.disclosed,
            "withheld_count": len(bundle.withheld),
            "today": today,
            "marking": MARKING,
        },
    )
    try:
        body = render_pdf(html)
    except PdfRenderError as exc:
        messages.error(request, f"The disclosure bundle could not be made. {exc}")
        return redirect(sar)
    filename = f"{MARKING}-{sar.reference}-disclosure-{today:%Y%m%d}.pdf"
    audit_record(
        actor=request.user,
        action=AuditAction.DISCLOSE,
        obj=sar,
        detail={"format": "pdf", "file": filename, **detail},
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Protective-Marking"] = MARKING
    return response
