from django.urls import path

from . import views

app_name = "duties"
urlpatterns = [
    path("register/", views.register, name="register"),
    path("register/download.csv", views.register_csv, name="register_csv"),
    path("register/<int:pk>/", views.duty_detail, name="duty_detail"),
    path("register/prevent/", views.prevent_checklist, name="prevent"),
    path("register/obligations/<int:pk>/evidence/", views.evidence_create, name="evidence_create"),
    path("register/evidence/<int:pk>/download/", views.evidence_download, name="evidence_download"),
    path("register/evidence/<int:pk>/withdraw/", views.evidence_withdraw, name="evidence_withdraw"),
    path("register/assessments/", views.assessment_list, name="assessment_list"),
    path("register/assessments/new/", views.assessment_create, name="assessment_create"),
    path("register/assessments/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("register/assessments/<int:pk>/edit/", views.assessment_edit, name="assessment_edit"),
    path("modern-slavery/", views.slavery_list, name="slavery_list"),
    path("modern-slavery/new/", views.slavery_create, name="slavery_create"),
    path("modern-slavery/<int:pk>/", views.slavery_detail, name="slavery_detail"),
    path("modern-slavery/<int:pk>/edit/", views.slavery_edit, name="slavery_edit"),
    path("modern-slavery/<int:pk>/reasonable-grounds/", views.slavery_rg_decide, name="slavery_rg_decide"),
    path("modern-slavery/<int:pk>/conclusive-grounds/", views.slavery_cg_decide, name="slavery_cg_decide"),
]
