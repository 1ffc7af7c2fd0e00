from django.urls import path

from . import meeting_views, views

app_name = "commissioning"
contract = "contracts/<int:pk>/"
urlpatterns = [
    path("", views.contract_list, name="contract_list"),
    path("contracts/new/", views.contract_create, name="contract_create"),
    path(contract, views.contract_detail, name="contract_detail"),
    path(f"{contract}edit/", views.contract_edit, name="contract_edit"),
    path(f"{contract}move/<slug:name>/", views.contract_move, name="contract_move"),
    path(f"{contract}re-procurement/", views.reprocurement_start, name="reprocurement_start"),
    path(f"{contract}options/new/", views.option_add, name="option_add"),
    path(f"{contract}options/<int:option_pk>/agree/", views.option_agree, name="option_agree"),
    path(f"{contract}options/<int:option_pk>/decline/", views.option_decline, name="option_decline"),
    path(f"{contract}options/<int:option_pk>/take/", views.extension_take, name="extension_take"),
    path(f"{contract}representations/new/", views.representation_add, name="representation_add"),
    path(
        f"{contract}representations/<int:representation_pk>/re-decision/",
        views.representation_decide,
        name="representation_decide",
    ),
    path(f"{contract}modifications/new/", views.modification_add, name="modification_add"),
    path(f"{contract}notices/new/", views.notice_add, name="notice_add"),
    path(f"{contract}risks/new/", views.risk_add, name="risk_add"),
    path(f"{contract}risks/<int:risk_pk>/edit/", views.risk_edit, name="risk_edit"),
    path(f"{contract}risks/<int:risk_pk>/close/", views.risk_close, name="risk_close"),
    path(f"{contract}documents/new/", views.document_add, name="document_add"),
    path(
        f"{contract}documents/<int:document_pk>/download/", views.document_download, name="document_download"
    ),
    path(f"{contract}funding/", views.funding_set, name="funding_set"),
    path(f"{contract}funding/<int:funding_pk>/remove/", views.funding_remove, name="funding_remove"),
    path(f"{contract}kpis/new/", views.kpi_add, name="kpi_add"),
    path(f"{contract}kpis/<int:kpi_pk>/edit/", views.kpi_edit, name="kpi_edit"),
    path(f"{contract}kpis/<int:kpi_pk>/retire/", views.kpi_retire, name="kpi_retire"),
    path(f"{contract}returns/new/", views.return_enter, name="return_enter"),
    path(f"{contract}returns/upload/", views.return_upload, name="return_upload"),
    path(
        f"{contract}returns/template.csv", views.return_template, {"fmt": "csv"}, name="return_template_csv"
    ),
    path(
        f"{contract}returns/template.xlsx",
        views.return_template,
        {"fmt": "xlsx"},
        name="return_template_xlsx",
    ),
    path(f"{contract}returns/<int:return_pk>/", views.return_detail, name="return_detail"),
    path(f"{contract}returns/<int:return_pk>/sign-off/", views.return_sign_off, name="return_sign_off"),
    path(f"{contract}returns/<int:return_pk>/download/", views.return_download, name="return_download"),
    path(f"{contract}meetings/new/", meeting_views.meeting_create, name="contract_meeting_create"),
    path("meetings/<int:pk>/", meeting_views.meeting_detail, name="contract_meeting"),
    path("meetings/<int:pk>/agenda/", meeting_views.meeting_agenda_update, name="contract_meeting_agenda"),
    path("meetings/items/<int:pk>/", meeting_views.meeting_item, name="contract_meeting_item"),
    *meeting_views.pages.urls(meetings="meetings/", actions="meetings/actions/"),
    path("providers/", views.provider_list, name="provider_list"),
    path("providers/new/", views.provider_create, name="provider_create"),
    path("providers/<int:pk>/", views.provider_detail, name="provider_detail"),
    path("providers/<int:pk>/edit/", views.provider_edit, name="provider_edit"),
    path("pooled-budget/", views.budget, name="budget"),
    path("pooled-budget/contributions/new/", views.contribution_add, name="contribution_add"),
    path("pooled-budget/spending/new/", views.spend_add, name="spend_add"),
    path("grants/", views.grant_list, name="grant_list"),
    path("grants/new/", views.grant_create, name="grant_create"),
    path("grants/<int:pk>/", views.grant_detail, name="grant_detail"),
    path("grants/<int:pk>/edit/", views.grant_edit, name="grant_edit"),
    path("grants/<int:pk>/submitted/", views.grant_submit, name="grant_submit"),
    path("grants/<int:pk>/decision/", views.grant_decide, name="grant_decide"),
    path("grants/<int:pk>/withdraw/", views.grant_withdraw, name="grant_withdraw"),
    path("grants/<int:pk>/reports/new/", views.grant_report_add, name="grant_report_add"),
    path("grants/<int:pk>/reports/<int:report_pk>/sent/", views.grant_report_sent, name="grant_report_sent"),
]
