"""Reference data (duties and obligations) is edited here by administrators. Evidence,
assessments and duty-to-notify records are changed only through the service's own pages."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from somerset_safety.accounts.models import User
from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_record
from somerset_safety.core.admin import ArchiveNotDeleteMixin, ServiceFormsAdmin

from .models import Duty, Obligation
from .services import obligation_changed_by_admin, obligation_refresh


class LeadOfficerChoice:
    """The lead officer is chosen from a plain list of the people who can sign in, by name
    (a select a screen reader names from its label, where the admin's search box has none)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "lead_officer":
            kwargs["queryset"] = User.objects.filter(is_active=True).order_by("full_name", "email")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ObligationInline(LeadOfficerChoice, ServiceFormsAdmin, admin.StackedInline):
    model = Obligation
    extra = 0
    can_delete = False
    fields = [
        "code",
        "title",
        "description",
        "cycle_months",
        "first_due_on",
        "prevent_area",
        "lead_officer",
        "display_order",
        "active",
        "last_met_on",
        "next_due_on",
    ]
    readonly_fields = ["last_met_on", "next_due_on"]


@admin.register(Duty)
class DutyAdmin(ArchiveNotDeleteMixin, SimpleHistoryAdmin):
    list_display = ["title", "act", "section", "owner", "partnership_body", "active"]
    list_filter = ["active", "act", "partnership_body"]
    search_fields = ["title", "act", "section", "summary"]
    inlines = [ObligationInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action=AuditAction.CHANGE if change else AuditAction.CREATE,
            obj=obj,
            changed_fields=form.changed_data,
        )

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        for obligation_form in formset.forms:
            obligation = obligation_form.instance
            if obligation.pk and obligation_form.has_changed():
                obligation_changed_by_admin(
                    actor=request.user, obligation=obligation, changed_fields=obligation_form.changed_data
                )
        # A duty made inactive (or active again), or in force from another date, takes its
        # obligations' deadlines with it.
        if {"active", "in_force_on"} & set(form.changed_data):
            for obligation in form.instance.obligations.all():
                obligation_refresh(obligation=obligation)

    def archive(self, request, obj, reason):
        super().archive(request, obj, reason)
        for obligation in obj.obligations.all():
            obligation_refresh(obligation=obligation)


@admin.register(Obligation)
class ObligationAdmin(LeadOfficerChoice, ArchiveNotDeleteMixin, SimpleHistoryAdmin):
    list_display = ["title", "duty", "cycle_months", "prevent_area", "last_met_on", "next_due_on", "active"]
    list_filter = ["active", "duty", "prevent_area"]
    search_fields = ["title", "code", "duty__title"]
    readonly_fields = ["last_met_on", "next_due_on"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        obligation_changed_by_admin(actor=request.user, obligation=obj, changed_fields=form.changed_data)

    def archive(self, request, obj, reason):
        super().archive(request, obj, reason)
        obligation_refresh(obligation=obj)
