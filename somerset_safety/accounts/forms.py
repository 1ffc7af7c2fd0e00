from crispy_forms_gds.layout import Field, Fixed, Size
from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)

from somerset_safety.core.forms import GdsFormMixin

from .models import User


class SignInForm(GdsFormMixin, AuthenticationForm):
    submit_label = "Sign in"
    error_messages = {
        "invalid_login": "Enter a correct email address and password. Both are case-sensitive "
        "except the email address.",
        "inactive": "This account is not active. Ask your system administrator.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "spellcheck": "false"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})

    def gds_fields(self):
        return [Field.text("username"), Field.text("password")]

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


class CodeForm(GdsFormMixin, forms.Form):
    code = forms.CharField(
        label="Security code",
        max_length=16,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
        error_messages={"required": "Enter the security code"},
    )
    submit_label = "Continue"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            {"autocomplete": "one-time-code", "spellcheck": "false", "inputmode": "text"}
        )

    def gds_fields(self):
        return [Field.text("code", field_width=Fixed.TEN)]

    def clean_code(self):
        return self.cleaned_data["code"].replace(" ", "").replace("-", "").lower()


class EnrolForm(CodeForm):
    submit_label = "Confirm and continue"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = "The 6-digit code your authenticator app shows now."


class ResetRequestForm(GdsFormMixin, PasswordResetForm):
    submit_label = "Send reset link"

    def get_users(self, email):
        """Every active account with this address, including one invited but not yet set up
        (no password chosen), whose invitation link has expired."""
        return User.objects.filter(email__iexact=email.strip(), is_active=True)

    def gds_fields(self):
        return [Field.text("email")]


class NewPasswordForm(GdsFormMixin, SetPasswordForm):
    submit_label = "Set password"

    def gds_fields(self):
        return [Field.text("new_password1"), Field.text("new_password2")]


class ChangePasswordForm(GdsFormMixin, PasswordChangeForm):
    submit_label = "Change password"

    def gds_fields(self):
        return [Field.text("old_password"), Field.text("new_password1"), Field.text("new_password2")]


class PreferencesForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Save preferences"

    class Meta:
        model = User
        fields = ["reminder_preference"]
        widgets = {"reminder_preference": forms.RadioSelect}

    def gds_fields(self):
        return [Field.radios("reminder_preference", legend_size=Size.MEDIUM)]
