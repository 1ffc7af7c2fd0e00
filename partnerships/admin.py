from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import MaracArea, PartnershipBody, Priority, RiskQuestion


@admin.register(PartnershipBody)
class PartnershipBodyAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "parent", "active"]
    filter_horizontal = ["member_agencies"]


@admin.register(Priority)
class PriorityAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "body", "period_start", "period_end"]
    list_filter = ["body"]


@admin.register(MaracArea)
class MaracAreaAdmin(SimpleHistoryAdmin):
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
class RiskQuestionAdmin(admin.ModelAdmin):
    """Load the council's licensed checklist wording into `wording`; the topic label stays as a
    short name for lists."""

    list_display = ["number", "topic", "active"]
    fields = ["number", "topic", "wording", "active"]
    readonly_fields = ["number"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
