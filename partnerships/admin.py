"""Partnership configuration in the admin: audited, archived rather than deleted. Cases,
referrals and meetings are changed only through the service's own pages."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from somerset_safety.core.admin import AuditedAdmin

from .models import MaracArea, PartnershipBody, Priority, RiskQuestion


@admin.register(PartnershipBody)
class PartnershipBodyAdmin(AuditedAdmin):
    list_display = ["name", "short_name", "parent", "active"]
    filter_horizontal = ["member_agencies"]


@admin.register(Priority)
class PriorityAdmin(AuditedAdmin):
    list_display = ["number", "title", "body", "period_start", "period_end"]
    list_filter = ["body"]


@admin.register(MaracArea)
class MaracAreaAdmin(AuditedAdmin, SimpleHistoryAdmin):
    """MARAC areas are configuration: population for the rate per 10,000, and the meeting pattern."""

    list_display = [
        "code",
        "name",
        "adult_female_population",
        "meeting_frequency",
        "meeting_weekday",
        "active",
    ]
    list_filter = ["active", "meeting_frequency"]
    search_fields = ["code", "name"]


@admin.register(RiskQuestion)
class RiskQuestionAdmin(AuditedAdmin):
    """Load the council's licensed checklist wording into `wording`; the topic label stays as a
    short name for lists."""

    list_display = ["number", "topic", "active"]
    fields = ["number", "topic", "wording", "active"]
    readonly_fields = ["number"]

    def has_add_permission(self, request):
        return False
