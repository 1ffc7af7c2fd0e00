from django.urls import path

from . import views

app_name = "records"

urlpatterns = [
    path("", views.schedule, name="schedule"),
    path("holds/", views.holds, name="holds"),
    path("erasures/", views.erasures, name="erasures"),
    path("holds/<int:pk>/release/", views.hold_release, name="hold_release"),
    path("<slug:key>/<int:object_id>/hold/", views.hold_place, name="hold_place"),
    path("<slug:key>/rule/", views.rule_edit, name="rule_edit"),
    path("<slug:key>/due/", views.due, name="due"),
    path("<slug:key>/dispose/", views.dispose, name="dispose"),
]
