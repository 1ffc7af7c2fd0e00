from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import include, path

admin.site.site_header = "Safer Somerset administration"
admin.site.site_title = "Safer Somerset administration"
# The admin signs in through the service's own sign-in, with its second factor (S1).
admin.site.login = login_not_required(
    lambda request, extra_context=None: redirect_to_login(request.get_full_path())
)
# ... and changes their own password on the service's own (audited) page.
admin.site.password_change = lambda request, extra_context=None: redirect("accounts:change_password")

urlpatterns = [
    path("", include("somerset_safety.core.urls")),
    path("", include("somerset_safety.accounts.urls")),
    path("audit/", include("somerset_safety.audit.urls")),
    path("deadlines/", include("somerset_safety.deadlines.urls")),
    path("", include("somerset_safety.reports.urls")),
    path("records/", include("somerset_safety.records.urls")),
    path("reviews/", include("reviews.urls")),
    path("partnerships/", include("partnerships.urls")),
    path("duties/", include("duties.urls")),
    path("commissioning/", include("commissioning.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "somerset_safety.core.views.permission_denied"
handler404 = "somerset_safety.core.views.page_not_found"
handler500 = "somerset_safety.core.views.server_error"
