from django.contrib import admin

from somerset_safety.core.admin import ReadOnlyAdminMixin

from .models import ExecutiveReport, ReportVersion


@admin.register(ExecutiveReport)
class ExecutiveReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: reports are written and generated on the Reports pages, through the services."""

    list_display = ["title", "meeting", "meeting_date", "publication"]


@admin.register(ReportVersion)
class ReportVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: a generated version never changes."""

    list_display = ["report", "number", "status", "generated_by", "generated_at", "pdf_sha256"]
