"""Admin site rules for every app: nothing that has history is deleted (it is archived with a
reason), every save is audited with the fields it changed, and some things are read-only."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import models
from django.template.response import TemplateResponse

from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_record

from .forms import PlainMessages
from .services import record_archive


class PlainModelForm(PlainMessages, forms.ModelForm):
    """The admin's default form, with every message in the service's own words."""


class ServiceFormsAdmin:
    """Admin pages (and inlines) whose forms work as every form of the product does: plain
    messages (the admin builds its form from `form`, so the default is PlainModelForm), and a
    choice of several (agencies, coordinators) as a list of checkboxes, which a screen reader
    and a keyboard use as any other — not Django's two-box filter, whose icons break ARIA rules."""

    form = PlainModelForm
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}


class ReadOnlyAdminMixin:
    """Shown in the admin, never added, changed or deleted there."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ArchiveReasonForm(PlainMessages, forms.Form):
    reason = forms.CharField(
        label="Why are these being archived?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        error_messages={"required": "Enter why these are being archived"},
    )


class ArchiveNotDeleteMixin(ServiceFormsAdmin):
    """Records are never deleted in the admin. Where the model has an `active` flag, the
    "Archive" action clears it with a reason, which goes in the audit event."""

    archive_field = "active"

    def has_delete_permission(self, request, obj=None):
        return False

    def _can_archive(self) -> bool:
        return any(field.name == self.archive_field for field in self.model._meta.fields)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self._can_archive() and self.has_change_permission(request):
            actions["archive_selected"] = self.get_action("archive_selected")
        return actions

    @admin.action(description="Archive the selected records (with a reason)")
    def archive_selected(self, request, queryset):
        form = ArchiveReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            for obj in queryset:
                self.archive(request, obj, form.cleaned_data["reason"])
            self.message_user(request, f"{queryset.count()} archived.", messages.SUCCESS)
            return None
        return TemplateResponse(
            request,
            "admin/archive_confirmation.html",
            {
                **self.admin_site.each_context(request),
                "title": "Archive with a reason",
                "opts": self.model._meta,
                "queryset": queryset,
                "form": form,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    def archive(self, request, obj, reason: str) -> None:
        record_archive(actor=request.user, obj=obj, reason=reason, field=self.archive_field)


class AuditedAdmin(ArchiveNotDeleteMixin, admin.ModelAdmin):
    """Configuration edited in the admin: each save leaves an audit event with its fields."""

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
        for obj in formset.new_objects:
            audit_record(actor=request.user, action=AuditAction.CREATE, obj=obj)
        for obj, fields in formset.changed_objects:
            audit_record(actor=request.user, action=AuditAction.CHANGE, obj=obj, changed_fields=fields)
