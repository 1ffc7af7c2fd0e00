from django.urls import path

from . import views

app_name = "records"

urlpatterns = [
    path("", views.schedule, name="schedule"),
    path("holds/", views.holds, name="holds"),
    path("requests/", views.sars, name="sars"),
    path("requests/new/", views.sar_create, name="sar_create"),
    path("requests/<int:pk>/", views.sar_detail, name="sar_detail"),
    path("requests/<int:pk>/search/", views.sar_search, name="sar_search"),
    path("requests/<int:pk>/bundle.pdf", views.sar_bundle, {"fmt": "pdf"}, name="sar_bundle_pdf"),
    path("requests/<int:pk>/bundle.csv", views.sar_bundle, {"fmt": "csv"}, name="sar_bundle_csv"),
    path("requests/<int:pk>/found/<int:item_pk>/", views.sar_item, name="sar_item"),
    path("requests/<int:pk>/<slug:move>/", views.sar_change, name="sar_change"),
    path("erasures/", views.erasures, name="erasures"),
    path("restrictions/", views.restrictions, name="restrictions"),
    path("restrictions/<slug:key>/<int:object_id>/", views.restriction, name="restriction"),
    path("holds/<int:pk>/release/", views.hold_release, name="hold_release"),
    path("<slug:key>/<int:object_id>/hold/", views.hold_place, name="hold_place"),
    path("<slug:key>/rule/", views.rule_edit, name="rule_edit"),
    path("<slug:key>/due/", views.due, name="due"),
    path("<slug:key>/dispose/", views.dispose, name="dispose"),
]
