from django.urls import path

from . import views

app_name = "records"

urlpatterns = [
    path("", views.schedule, name="schedule"),
    path("<slug:key>/rule/", views.rule_edit, name="rule_edit"),
    path("<slug:key>/due/", views.due, name="due"),
]
