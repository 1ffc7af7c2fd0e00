from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from somerset_safety.accounts.permissions import require_any_role
from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_record
from somerset_safety.core.forms import errors_on
from somerset_safety.core.pagination import paginate
from somerset_safety.core.uploads import private_file_response

from . import services
from .disclosure import shown
from .forms import DashboardDateForm, ReportForm
from .models import VersionStatus
from .periods import PeriodKind, report_period
from .permissions import (
    DASHBOARD_ROLES,
    EDIT_ROLES,
    READ_ROLES,
    can_see_small_counts,
    get_report_for_user_or_404,
    get_version_for_user_or_404,
    reports_visible_to,
)
from .registry import dashboard_panels


def dashboard(request):
    """Live figures as at today for the current quarter, or for the date and period picked."""
    require_any_role(request.user, DASHBOARD_ROLES)
    today = timezone.localdate()
    picked = DashboardDateForm(request.GET or None)
    if request.GET and picked.is_valid():
        period = picked.period()
    else:
        period = report_period(PeriodKind.QUARTER, today)
        if not request.GET:
            picked = DashboardDateForm(initial={"period_end": today, "period_kind": PeriodKind.QUARTER})
    suppress = not can_see_small_counts(request.user)
    panels = [
        {"panel": panel, "data": shown(panel.build(period), panel.declare, suppress=suppress)}
        for panel in dashboard_panels()
    ]
    return render(
        request,
        "reports/dashboard.html",
        {
            "panels": panels,
            "period": period,
            "today": today,
            "live": period.end == today,
            "form": picked,
            "suppress": suppress,
        },
    )


def report_list(request):
    require_any_role(request.user, READ_ROLES)
    page = paginate(request, reports_visible_to(request.user).select_related("created_by"))
    return render(
        request, "reports/report_list.html", {"page": page, "can_edit": request.user.has_role(*EDIT_ROLES)}
    )


def report_create(request):
    require_any_role(request.user, EDIT_ROLES)
    initial = {
        "period_kind": PeriodKind.QUARTER,
        "decision_body": settings.DECISION_BODY_NAME,
        "meeting": settings.DECISION_BODY_NAME,
        "key_decision": "False",
        "publication": "public",
    }
    form = ReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        report = services.report_create(actor=request.user, data=form.cleaned_data)
        messages.success(request, "The report has been created. Preview it, then generate the PDF.")
        return redirect(report)
    return render(request, "reports/report_form.html", {"form": form, "report": None})


def report_edit(request, pk: int):
    report = get_report_for_user_or_404(request.user, pk, action="edit")
    form = ReportForm(request.POST or None, instance=report)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.report_update(
                actor=request.user,
                report=report,
                data=form.cleaned_data,
                expected_version=form.cleaned_data["expected_version"],
            )
            messages.success(request, "Your changes have been saved. Generated versions keep their figures.")
            return redirect(report)
    return render(request, "reports/report_form.html", {"form": form, "report": report})


def report_detail(request, pk: int):
    report = get_report_for_user_or_404(request.user, pk)
    versions = list(report.versions.select_related("generated_by"))
    return render(
        request,
        "reports/report_detail.html",
        {"report": report, "versions": versions, "can_edit": request.user.has_role(*EDIT_ROLES)},
    )


def report_preview(request, pk: int):
    report = get_report_for_user_or_404(request.user, pk)
    content = services.report_content(report)
    period = services.figures_date(report)
    snapshot = services.live_snapshot(period)
    return render(
        request,
        "reports/report_preview.html",
        {
            "report": report,
            "content": content,
            "period": period,
            "to_date": period.end != report.period.end,
            "outline": services.document_outline(content, snapshot),
        },
    )


def report_generate(request, pk: int):
    """Confirmation page (GET) and action (POST): freeze the figures and make the PDF."""
    report = get_report_for_user_or_404(request.user, pk, action="generate")
    if request.method == "POST":
        try:
            version = services.report_version_generate(actor=request.user, report=report)
        except services.ReportError as exc:
            messages.error(request, str(exc))
            return redirect(report)
        version.refresh_from_db(fields=["status"])  # made already when the worker runs at once
        as_at = f"Its figures are frozen as at {version.period_end.day} {version.period_end:%B %Y}."
        if version.status == VersionStatus.READY:
            messages.success(request, f"Version {version.number} has been generated. {as_at}")
        elif version.status == VersionStatus.QUEUED:
            messages.success(request, f"Version {version.number} is being generated. {as_at}")
        return redirect("reports:version_detail", pk=report.pk, number=version.number)
    return render(request, "reports/report_generate.html", {"report": report, "period": report.period})


def version_detail(request, pk: int, number: int):
    version = get_version_for_user_or_404(request.user, pk, number)
    others = version.report.versions.exclude(pk=version.pk).values_list("number", flat=True)
    compare_to = request.GET.get("compare")
    differences = None
    if compare_to and compare_to.isdigit():
        other = get_version_for_user_or_404(request.user, pk, int(compare_to))
        older, newer = sorted([other, version], key=lambda v: v.number)
        differences = {
            "older": older,
            "newer": newer,
            "rows": services.versions_compare(older, newer, suppress=not can_see_small_counts(request.user)),
            "narrative": services.narrative_compare(older, newer),
        }
    return render(
        request,
        "reports/version_detail.html",
        {
            "version": version,
            "report": version.report,
            "others": list(others),
            "differences": differences,
            "can_edit": request.user.has_role(*EDIT_ROLES),
            "ready": version.status == VersionStatus.READY,
            "attachments": list(version.attachments.all()) if version.status == VersionStatus.READY else [],
            "suppress": not can_see_small_counts(request.user),
        },
    )


@require_POST
def version_retry(request, pk: int, number: int):
    """Draw a failed version's PDF again, from the same frozen figures."""
    version = get_version_for_user_or_404(request.user, pk, number, action="generate")
    try:
        services.report_version_retry(actor=request.user, version=version)
    except services.ReportError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Version {version.number} is being drawn again from the same figures.")
    return redirect("reports:version_detail", pk=pk, number=number)


def version_download(request, pk: int, number: int, which: str = "public"):
    version = get_version_for_user_or_404(
        request.user, pk, number, action="confidential" if which == "confidential" else "view"
    )
    field = version.confidential_pdf if which == "confidential" else version.pdf
    if version.status != VersionStatus.READY or not field:
        from django.http import Http404

        raise Http404
    audit_record(
        actor=request.user,
        action=AuditAction.DISCLOSE,
        obj=version,
        detail={
            "format": "pdf",
            "part": which,
            "sha256": version.confidential_sha256 if which == "confidential" else version.pdf_sha256,
        },
    )
    suffix = "-confidential-appendix" if which == "confidential" else ""
    return private_file_response(field, f"executive-report-{version.report_id}-v{version.number}{suffix}.pdf")


def version_attachment(request, pk: int, number: int, name: str):
    """A file published with the paper (figures as the paper shows them), for whoever may read
    the version; logged as a disclosure."""
    from django.http import Http404

    version = get_version_for_user_or_404(request.user, pk, number, action="view")
    attachment = version.attachments.filter(file_name=name).first()
    if version.status != VersionStatus.READY or attachment is None:
        raise Http404
    audit_record(
        actor=request.user,
        action=AuditAction.DISCLOSE,
        obj=version,
        detail={"format": name.rsplit(".", 1)[-1], "part": name, "sha256": attachment.sha256},
    )
    return private_file_response(
        attachment.file, f"executive-report-{version.report_id}-v{version.number}-{attachment.file_name}"
    )
