from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("signed-out/", views.signed_out, name="signed_out"),
    path("sign-in/code/", views.verify, name="verify"),
    path("set-up-authenticator/", views.setup, name="setup"),
    path("account/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("account/preferences/", views.preferences, name="preferences"),
    path("account/password/", views.ChangePasswordView.as_view(), name="change_password"),
    path("account/session/extend/", views.session_extend, name="session_extend"),
    path("password-reset/", views.ResetRequestView.as_view(), name="reset_request"),
    path("password-reset/sent/", views.ResetSentView.as_view(), name="reset_sent"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.ResetConfirmView.as_view(),
        name="reset_confirm",
    ),
    path("password-reset/complete/", views.ResetCompleteView.as_view(), name="reset_complete"),
]
