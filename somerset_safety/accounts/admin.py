"""Accounts in the admin site. Nothing here shows or sets a password or a second-factor secret:
people choose their own password from an emailed link and enrol their own authenticator. The one
second-factor action is "Reset this user's second factor". Every change goes through the
accounts services, which check it and audit it."""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_record
from somerset_safety.core.admin import AuditedAdmin, ReadOnlyAdminMixin, ServiceFormsAdmin
from somerset_safety.core.forms import PlainMessages

from . import services
from .exceptions import AccountChangeRefused
from .models import Agency, User
from .roles import Role

# django-otp's own admin pages show the secret key and its QR code: never register them.
for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(Agency)
class AgencyAdmin(AuditedAdmin):
    list_display = ["name", "code", "agency_type", "responsible_authority", "active"]
    list_filter = ["agency_type", "responsible_authority", "active"]
    search_fields = ["name", "code"]
    raw_id_fields = ["lead"]


class UserAdminForm(PlainMessages, forms.ModelForm):
    """The account's fields and its roles; no password. `actor` is set by the admin."""

    actor = None
    roles = forms.MultipleChoiceField(
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="What the person may do. Which records they see follows from their agency and "
        "the records they are named on.",
    )

    class Meta:
        model = User
        fields = [
            "email",
            "full_name",
            "job_title",
            "agency",
            "reminder_preference",
            "is_active",
            "is_staff",
            "is_superuser",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["roles"] = sorted(services.roles_of(self.instance))

    def clean(self):
        cleaned = super().clean()
        values = self.service_values()
        stored = User.objects.get(pk=self.instance.pk) if self.instance.pk else None
        refusal = services.account_change_refusal(actor=self.actor, user=stored, values=values)
        if refusal:
            raise forms.ValidationError(refusal)
        return cleaned

    def service_values(self) -> dict:
        names = [name for name in [*self.Meta.fields, "roles"] if name in self.fields]
        return {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}


class UserAddForm(UserAdminForm):
    class Meta(UserAdminForm.Meta):
        fields = ["email", "full_name", "job_title", "agency", "is_staff"]


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    form = UserAdminForm
    add_form = UserAddForm
    ordering = ["full_name"]
    list_display = ["email", "full_name", "agency", "is_active", "last_login"]
    list_filter = ["is_active", "agency", "groups"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["second_factor", "last_login", "date_joined"]
    change_form_template = "admin/accounts/user/change_form.html"

    fieldsets = [
        (None, {"fields": ["email"]}),
        ("Details", {"fields": ["full_name", "job_title", "agency", "reminder_preference"]}),
        ("Roles and access", {"fields": ["roles", "is_active", "is_staff", "is_superuser"]}),
        ("Sign-in", {"fields": ["second_factor", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "fields": ["email", "full_name", "job_title", "agency", "roles", "is_staff"],
                "description": "The person is emailed a link to choose their own password, then "
                "sets up their authenticator app at first sign-in.",
            },
        ),
    ]

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = self.add_form if obj is None else self.form
        kwargs["fields"] = None
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user
        return form

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: accounts are named in the audit log

    def save_model(self, request, obj, form, change):
        try:
            if change:
                services.user_update(actor=request.user, user_id=obj.pk, values=form.service_values())
            else:
                created = services.user_create(actor=request.user, values=form.service_values())
                obj.pk = created.pk
                obj._state.adding = False
        except AccountChangeRefused as refusal:  # the form checked it; a race is still refused
            raise PermissionDenied(str(refusal)) from refusal

    def save_related(self, request, form, formsets, change):
        """Roles were saved by the service with the rest of the account."""

    @admin.display(description="Second factor")
    def second_factor(self, obj):
        device = TOTPDevice.objects.filter(user=obj, confirmed=True).first()
        if device is None:
            return "Not set up: the person sets up an authenticator app at their next sign-in."
        used = f", last used {device.last_used_at:%d %B %Y %H:%M}" if device.last_used_at else ""
        return f"Authenticator app set up {device.created_at:%d %B %Y}{used}."

    def get_urls(self):
        return [
            path(
                "<int:user_id>/reset-second-factor/",
                self.admin_site.admin_view(self.reset_second_factor_view),
                name="accounts_user_reset_second_factor",
            ),
            *super().get_urls(),
        ]

    def reset_second_factor_view(self, request, user_id: int):
        """A confirmation page (GET) and the reset (POST)."""
        user = get_object_or_404(User, pk=user_id)
        if not self.has_change_permission(request, user):
            raise PermissionDenied
        change_url = reverse("admin:accounts_user_change", args=[user.pk])
        if request.method == "POST":
            try:
                services.second_factor_reset(actor=request.user, user_id=user.pk)
            except AccountChangeRefused as refusal:
                self.message_user(request, str(refusal), messages.ERROR)
            else:
                self.message_user(
                    request,
                    f"{user.email}'s second factor has been reset. They will set up an authenticator "
                    "app at their next sign-in, and have been told by email.",
                    messages.SUCCESS,
                )
            return redirect(change_url)
        return TemplateResponse(
            request,
            "admin/accounts/user/reset_second_factor.html",
            {
                **self.admin_site.each_context(request),
                "title": "Reset this user's second factor",
                "opts": User._meta,
                "original": user,
                "change_url": change_url,
            },
        )


if admin.site.is_registered(Group):
    admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(ReadOnlyAdminMixin, BaseGroupAdmin):
    """Roles are defined in code (accounts/roles.py) and given to people on their account page."""


# django-axes' records of sign-ins: the logs are history (read-only); deleting a lock-out
# record unlocks the account, which is audited.
for model in (AccessAttempt, AccessLog, AccessFailureLog):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(AccessLog)
class SignInLogAdmin(ReadOnlyAdminMixin, AccessLogAdmin):
    pass


@admin.register(AccessFailureLog)
class SignInFailureLogAdmin(ReadOnlyAdminMixin, AccessFailureLogAdmin):
    pass


@admin.register(AccessAttempt)
class LockOutAdmin(ServiceFormsAdmin, AccessAttemptAdmin):
    """Deleting a lock-out record is how an administrator unlocks an account early."""

    def delete_model(self, request, obj):
        self._audit_unlock(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        self._audit_unlock(request, list(queryset))
        super().delete_queryset(request, queryset)

    def _audit_unlock(self, request, attempts) -> None:
        for attempt in attempts:
            account = User.objects.filter(email__iexact=attempt.username).only("pk").first()
            audit_record(
                actor=request.user,
                action=AuditAction.CHANGE,
                object_type="accounts.user" if account else "axes.accessattempt",
                object_id=account.pk if account else attempt.pk,
                changed_fields=["lock_out"],
                detail={"unlocked": True},
            )
