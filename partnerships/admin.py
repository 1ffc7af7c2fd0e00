from django.contrib import admin

from .models import PartnershipBody, Priority


@admin.register(PartnershipBody)
class PartnershipBodyAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "parent", "active"]
    filter_horizontal = ["member_agencies"]


@admin.register(Priority)
class PriorityAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "body", "period_start", "period_end"]
    list_filter = ["body"]
