from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/new/", views.report_create, name="report_create"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/preview/", views.report_preview, name="report_preview"),
    path("reports/<int:pk>/generate/", views.report_generate, name="report_generate"),
    path("reports/<int:pk>/versions/<int:number>/", views.version_detail, name="version_detail"),
    path("reports/<int:pk>/versions/<int:number>/retry/", views.version_retry, name="version_retry"),
    path("reports/<int:pk>/versions/<int:number>/pdf/", views.version_download, name="version_pdf"),
    path(
        "reports/<int:pk>/versions/<int:number>/files/<str:name>",
        views.version_attachment,
        name="version_attachment",
    ),
    path(
        "reports/<int:pk>/versions/<int:number>/confidential-appendix/",
        views.version_download,
        {"which": "confidential"},
        name="version_confidential_pdf",
    ),
]
