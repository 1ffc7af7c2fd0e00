from django.contrib import admin

from .models import ExecutiveReport, ReportVersion


@admin.register(ExecutiveReport)
class ExecutiveReportAdmin(admin.ModelAdmin):
    list_display = ["title", "meeting", "meeting_date", "publication"]


@admin.register(ReportVersion)
class ReportVersionAdmin(admin.ModelAdmin):
    """Read-only: a generated version never changes."""

    list_display = ["report", "number", "status", "generated_by", "generated_at", "pdf_sha256"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
