import base64

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_record
from somerset_safety.core.views import own_path

from . import services
from .forms import (
    ChangePasswordForm,
    CodeForm,
    EnrolForm,
    NewPasswordForm,
    PreferencesForm,
    ResetRequestForm,
    SignInForm,
)
from .signals import SESSION_LAST_SEEN_KEY

SETUP_DEVICE_KEY = "setup_totp_device_id"
NEW_CODES_KEY = "new_recovery_codes"


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = False

    def get_success_url(self):
        if settings.REQUIRE_SECOND_FACTOR:
            if services.has_confirmed_totp(self.request.user):
                return reverse_lazy("accounts:verify")
            return reverse_lazy("accounts:setup")
        return super().get_success_url()


def verify(request):
    """Second step of sign-in: a TOTP code or a single-use recovery code."""
    if request.user.is_verified():
        return redirect(settings.LOGIN_REDIRECT_URL)
    totp = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if totp is None:
        return redirect("accounts:setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        device = _device_accepting(request.user, totp, code)
        if device is not None:
            django_otp.login(request, device)
            if isinstance(device, StaticDevice):
                messages.info(
                    request,
                    "You used a recovery code. Each code works once: "
                    "make new codes from your account page if you are running low.",
                )
            return redirect(settings.LOGIN_REDIRECT_URL)
        audit_record(actor=request.user, action=AuditAction.SECOND_FACTOR_FAILED, obj=request.user)
        form.add_error(
            "code",
            "The security code is not right, or has already been used. Wait for a new code and try again.",
        )
    return render(request, "accounts/verify.html", {"form": form})


def _device_accepting(user, totp: TOTPDevice, code: str):
    if code.isdigit() and len(code) == 6:
        return django_otp.verify_token(user, totp.persistent_id, code)
    static = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if static is None:
        return None
    return django_otp.verify_token(user, static.persistent_id, code)


def setup(request):
    """Enrol an authenticator app: QR code and manual key, then confirm with a code."""
    if services.has_confirmed_totp(request.user) and not request.user.is_verified():
        return redirect("accounts:verify")
    device = TOTPDevice.objects.filter(
        pk=request.session.get(SETUP_DEVICE_KEY), user=request.user, confirmed=False
    ).first()
    if device is None:
        device = services.totp_device_start(user=request.user)
        request.session[SETUP_DEVICE_KEY] = device.pk
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.totp_device_confirm(
            user=request.user, device=device, token=form.cleaned_data["code"]
        )
        if codes is not None:
            request.session.pop(SETUP_DEVICE_KEY, None)
            django_otp.login(request, device)
            request.session[NEW_CODES_KEY] = codes
            return redirect("accounts:recovery_codes")
        form.add_error("code", "The code is not right. Check the time on your phone and try again.")
    qr_svg = segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)
    manual_key = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/setup.html",
        {
            "form": form,
            "qr_svg": qr_svg,
            "manual_key": " ".join(manual_key[i : i + 4] for i in range(0, len(manual_key), 4)),
        },
    )


def recovery_codes(request):
    """Shows freshly made recovery codes once; a POST makes a new set."""
    if request.method == "POST":
        request.session[NEW_CODES_KEY] = services.recovery_codes_regenerate(user=request.user)
        return redirect("accounts:recovery_codes")
    codes = request.session.pop(NEW_CODES_KEY, None)
    remaining = StaticDevice.objects.filter(user=request.user).values_list("token_set__token", flat=True)
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "remaining": len([c for c in remaining if c])},
    )


def preferences(request):
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        audit_record(
            actor=request.user,
            action=AuditAction.CHANGE,
            obj=request.user,
            changed_fields=["reminder_preference"],
        )
        messages.success(request, "Your reminder preference has been saved.")
        return redirect("accounts:preferences")
    return render(request, "accounts/preferences.html", {"form": form})


@require_POST
def session_extend(request):
    """'Stay signed in': recorded as activity now, however recently the last was (the page's
    warning counts the whole idle limit again from here)."""
    request.session[SESSION_LAST_SEEN_KEY] = int(timezone.now().timestamp())
    if request.headers.get("Accept") == "application/json":
        return HttpResponse('{"extended": true}', content_type="application/json")
    return redirect(own_path(request.POST.get("next"), resolve_url(settings.LOGIN_REDIRECT_URL)))


@login_not_required
def signed_out(request):
    """Where signing out lands, and where the idle warning sends the screen when time runs out
    (it signs out first, through the sign-out form). Shows nothing from the session."""
    return render(request, "accounts/signed_out.html", {"timed_out": request.GET.get("reason") == "idle"})


class ResetRequestView(auth_views.PasswordResetView):
    template_name = "accounts/reset_request.html"
    form_class = ResetRequestForm
    email_template_name = "accounts/email/reset_body.txt"
    subject_template_name = "accounts/email/reset_subject.txt"
    success_url = reverse_lazy("accounts:reset_sent")


class ResetSentView(auth_views.PasswordResetDoneView):
    template_name = "accounts/reset_sent.html"


class ResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("accounts:reset_complete")


class ResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/reset_complete.html"


class ChangePasswordView(auth_views.PasswordChangeView):
    """Changing the password keeps this session (and its second factor) and ends the others."""

    template_name = "accounts/change_password.html"
    form_class = ChangePasswordForm
    success_url = reverse_lazy("accounts:preferences")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(
            actor=self.request.user,
            action=AuditAction.CHANGE,
            obj=self.request.user,
            changed_fields=["password"],
        )
        messages.success(self.request, "Your password has been changed.")
        return response
