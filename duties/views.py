"""Fetch with authorisation, validate, call one service, redirect (STYLE.md)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_list
from somerset_safety.core.dates import today as local_today
from somerset_safety.core.exports import csv_response
from somerset_safety.core.forms import errors_on
from somerset_safety.core.pagination import paginate
from somerset_safety.core.uploads import private_file_response
from somerset_safety.records import restriction

from . import selectors, services
from .filters import AssessmentFilter, DutyFilter, SlaveryFilter
from .forms import (
    AssessmentForm,
    CgDecisionForm,
    EvidenceForm,
    RgDecisionForm,
    SlaveryNotificationForm,
    SlaveryUpdateForm,
    WithdrawEvidenceForm,
)
from .models import AgeGroup, DutyStatus, ImpactAssessment, NotificationStatus, SlaveryNotification
from .models.register import due_soon_days, register_started_on
from .permissions import (
    RESTRICTION_KEY,
    assessments_visible_to,
    can_edit_register,
    can_use_slavery_records,
    duties_visible_to,
    get_assessment_for_user_or_404,
    get_duty_for_user_or_404,
    get_evidence_for_user_or_404,
    get_obligation_for_user_or_404,
    get_slavery_notification_for_user_or_404,
    require_register_editor,
    require_register_reader,
    slavery_notifications_visible_to,
)
from .states import SLAVERY_MOVES

# --- Register ---------------------------------------------------------------------------------


def register(request):
    require_register_reader(request.user)
    today = local_today()
    scoped = duties_visible_to(request.user)
    annotated = selectors.register_queryset(scoped, today)
    duty_filter = DutyFilter(request.GET, queryset=annotated, scoped=scoped)
    page = paginate(request, duty_filter.qs)
    explanations = selectors.status_explanations(page.rows, request.user, today)
    for duty in page:
        duty.status_explanation = explanations[duty.pk]
    return render(
        request,
        "duties/register.html",
        {
            "filter": duty_filter,
            "page": page,
            "counts": selectors.status_counts(annotated),
            "statuses": DutyStatus,
            "due_soon_days": due_soon_days(),
            "register_started_on": register_started_on(),
            "today": today,
        },
    )


REGISTER_CSV_HEADER = [
    "Duty",
    "Act",
    "Section",
    "Owner",
    "Partnership body",
    "Status",
    "Next due",
    "Latest evidence date",
    "Latest evidence",
]


def register_csv(request):
    """The register as the page shows it (same scope, same filters), as a CSV disclosure."""
    require_register_reader(request.user)
    today = local_today()
    scoped = duties_visible_to(request.user)
    duty_filter = DutyFilter(request.GET, queryset=selectors.register_queryset(scoped, today), scoped=scoped)
    rows = selectors.register_rows(duty_filter.qs)
    filters = {name: request.GET[name] for name in duty_filter.filters if request.GET.get(name)}
    return csv_response(
        actor=request.user,
        filename="statutory-duties-register",
        header=REGISTER_CSV_HEADER,
        rows=(
            [
                row["label"],
                row["act"],
                row["section"],
                row["owner"],
                row["partnership_body"],
                row["status_label"],
                row["next_due"] or "",
                row["evidence_date"] or "",
                row["evidence"],
            ]
            for row in rows
        ),
        object_type="duties.duty",
        detail={"as_of": today.isoformat(), "filters": filters},
    )


def duty_detail(request, pk: int):
    duty = get_duty_for_user_or_404(request.user, pk)
    today = local_today()
    return render(
        request,
        "duties/duty_detail.html",
        {
            "duty": duty,
            **selectors.duty_detail(duty, request.user, today),
            "can_edit": can_edit_register(request.user),
            "due_soon_days": due_soon_days(),
            "today": today,
        },
    )


def prevent_checklist(request):
    require_register_reader(request.user)
    today = local_today()
    return render(
        request,
        "duties/prevent.html",
        {
            "rows": selectors.prevent_checklist(request.user, today),
            "can_edit": can_edit_register(request.user),
            "due_soon_days": due_soon_days(),
        },
    )


def evidence_create(request, pk: int):
    obligation = get_obligation_for_user_or_404(request.user, pk, action="record_evidence")
    form = EvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.evidence_record(
                actor=request.user,
                obligation=obligation,
                met_on=form.cleaned_data["met_on"],
                summary=form.cleaned_data["summary"],
                document=form.cleaned_data.get("document") or None,
                link=form.cleaned_data.get("link") or "",
            )
            messages.success(request, f"Evidence recorded for “{obligation.title}”.")
            return redirect(obligation.duty)
    return render(request, "duties/evidence_form.html", {"obligation": obligation, "form": form})


def evidence_download(request, pk: int):
    evidence = get_evidence_for_user_or_404(request.user, pk)
    if not evidence.document:
        raise Http404
    services.evidence_disclose(actor=request.user, evidence=evidence)
    return private_file_response(evidence.document, evidence.document_name or "evidence")


def evidence_withdraw(request, pk: int):
    evidence = get_evidence_for_user_or_404(request.user, pk, action="withdraw")
    form = WithdrawEvidenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.evidence_withdraw(
                actor=request.user, evidence=evidence, reason=form.cleaned_data["reason"]
            )
            messages.success(
                request, "The evidence has been withdrawn. It stays on record, marked withdrawn."
            )
            return redirect(evidence.obligation.duty)
    return render(request, "duties/evidence_withdraw.html", {"evidence": evidence, "form": form})


# --- Section 17 and equality assessments ------------------------------------------------------


def assessment_list(request):
    require_register_reader(request.user)
    assessment_filter = AssessmentFilter(request.GET, queryset=assessments_visible_to(request.user))
    page = paginate(request, assessment_filter.qs)
    if request.GET.get("q"):
        audit_list(
            actor=request.user, model=ImpactAssessment, ids=[a.pk for a in page], action=AuditAction.SEARCH
        )
    return render(
        request,
        "duties/assessment_list.html",
        {
            "filter": assessment_filter,
            "page": page,
            "can_edit": can_edit_register(request.user),
        },
    )


def assessment_create(request):
    require_register_editor(request.user)
    form = AssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            assessment = services.assessment_create(actor=request.user, **form.service_values())
            if assessment.after_decision:
                messages.warning(
                    request,
                    f"Assessment {assessment.reference} saved. It was made after the decision, so it is not "
                    "counted as evidence of due regard.",
                )
            else:
                messages.success(
                    request, f"Assessment {assessment.reference} saved and recorded as evidence."
                )
            return redirect(assessment)
    return render(request, "duties/assessment_form.html", {"form": form, "assessment": None})


def assessment_detail(request, pk: int):
    assessment = get_assessment_for_user_or_404(request.user, pk)
    evidence = assessment.evidence.select_related("obligation__duty").order_by("obligation__title")
    return render(
        request,
        "duties/assessment_detail.html",
        {"assessment": assessment, "evidence": evidence, "can_edit": can_edit_register(request.user)},
    )


def assessment_edit(request, pk: int):
    assessment = get_assessment_for_user_or_404(request.user, pk, action="edit")
    form = AssessmentForm(
        request.POST or None, initial=AssessmentForm.initial_from(assessment), record=assessment
    )
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.assessment_update(actor=request.user, assessment=assessment, **form.service_values())
            messages.success(request, f"Assessment {assessment.reference} updated.")
            return redirect(assessment)
    return render(request, "duties/assessment_form.html", {"form": form, "assessment": assessment})


# --- Modern slavery duty to notify ------------------------------------------------------------


def _require_slavery_user(user) -> None:
    if not can_use_slavery_records(user):
        raise Http404


def slavery_list(request):
    _require_slavery_user(request.user)
    today = local_today()
    scoped = slavery_notifications_visible_to(request.user)
    slavery_filter = SlaveryFilter(
        request.GET, queryset=scoped.select_related("first_responder").prefetch_related("exploitations")
    )
    page = paginate(request, slavery_filter.qs)
    audit_list(actor=request.user, model=SlaveryNotification, ids=[n.pk for n in page])
    return render(
        request,
        "duties/slavery_list.html",
        {
            "filter": slavery_filter,
            "page": page,
            "summary": selectors.slavery_summary(scoped, today),
            "today": today,
            "awaiting": NotificationStatus.AWAITING_RG,
        },
    )


def slavery_create(request):
    _require_slavery_user(request.user)
    form = SlaveryNotificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            notification = services.slavery_notification_create(actor=request.user, **form.cleaned_data)
            messages.success(request, f"Record {notification.reference} saved.")
            return redirect(notification)
    return render(request, "duties/slavery_form.html", {"form": form, "notification": None})


def slavery_detail(request, pk: int):
    notification = get_slavery_notification_for_user_or_404(request.user, pk)
    return render(
        request,
        "duties/slavery_detail.html",
        {
            "notification": notification,
            "exploitations": list(notification.exploitations.all()),
            "moves": [
                (option, reverse(f"duties:slavery_{option.name}", args=[notification.pk]))
                for option in SLAVERY_MOVES.options(notification)
                if option.allowed
            ],
            "today": local_today(),
            "restriction": restriction.open_restriction(RESTRICTION_KEY, notification),
            "may_restrict": not notification.is_anonymous
            and restriction.may_restrict(request.user, RESTRICTION_KEY, notification),
            "restriction_url": reverse("records:restriction", args=[RESTRICTION_KEY, notification.pk]),
        },
    )


def slavery_edit(request, pk: int):
    notification = get_slavery_notification_for_user_or_404(request.user, pk, action="edit")
    initial = {
        "exploitation_types": list(notification.exploitations.values_list("exploitation_type", flat=True)),
        "exploitation_other": notification.exploitation_other,
        "nrm_reference": notification.nrm_reference,
        "safeguarding_referral_made": "yes" if notification.safeguarding_referral_made else "no",
        "safeguarding_referral_on": notification.safeguarding_referral_on,
        "safeguarding_referral_to": notification.safeguarding_referral_to,
        "safeguarding_not_made_reason": notification.safeguarding_not_made_reason,
        "notes": notification.notes,
    }
    form = SlaveryUpdateForm(
        request.POST or None,
        initial=initial,
        anonymous=notification.is_anonymous,
        child=notification.age_group == AgeGroup.CHILD,
        record=notification,
    )
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        values.setdefault("nrm_reference", "")
        with errors_on(form):
            services.slavery_notification_update(actor=request.user, notification=notification, **values)
            messages.success(request, f"Record {notification.reference} updated.")
            return redirect(notification)
    return render(request, "duties/slavery_form.html", {"form": form, "notification": notification})


def slavery_rg_decide(request, pk: int):
    notification = get_slavery_notification_for_user_or_404(request.user, pk, action="decide")
    min_days = services.recovery_period_min_days()
    form = RgDecisionForm(request.POST or None, min_recovery_days=min_days)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.slavery_rg_decide(actor=request.user, notification=notification, **form.cleaned_data)
            messages.success(request, f"Reasonable-grounds decision recorded on {notification.reference}.")
            return redirect(notification)
    return render(
        request,
        "duties/slavery_decision.html",
        {
            "notification": notification,
            "form": form,
            "stage": "reasonable-grounds",
            "refusal": SLAVERY_MOVES.refusal(notification, "rg_decide"),
        },
    )


def slavery_cg_decide(request, pk: int):
    notification = get_slavery_notification_for_user_or_404(request.user, pk, action="decide")
    form = CgDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.slavery_cg_decide(actor=request.user, notification=notification, **form.cleaned_data)
            messages.success(request, f"Conclusive-grounds decision recorded on {notification.reference}.")
            return redirect(notification)
    return render(
        request,
        "duties/slavery_decision.html",
        {
            "notification": notification,
            "form": form,
            "stage": "conclusive-grounds",
            "refusal": SLAVERY_MOVES.refusal(notification, "cg_decide"),
        },
    )
