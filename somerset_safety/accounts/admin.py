from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Agency, User


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "agency_type", "responsible_authority", "active"]
    list_filter = ["agency_type", "responsible_authority", "active"]
    search_fields = ["name", "code"]
    raw_id_fields = ["lead"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["full_name"]
    list_display = ["email", "full_name", "agency", "is_active", "last_login"]
    list_filter = ["is_active", "agency", "groups"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Details", {"fields": ["full_name", "job_title", "agency", "reminder_preference"]}),
        ("Roles", {"fields": ["is_active", "groups", "is_staff", "is_superuser"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["email", "full_name", "agency", "password1", "password2", "groups"]}),
    ]
    filter_horizontal = ["groups"]
