from django.urls import path

from . import views

# Included in partnerships/urls.py under the partnerships namespace.
urlpatterns = [
    path("performance/", views.performance_home, name="performance_home"),
    path("performance/rules/", views.performance_rules, name="performance_rules"),
    path("performance/boards/<slug:code>/new/", views.framework_create, name="framework_create"),
    path("performance/<int:pk>/", views.framework_page, name="framework"),
    path("performance/<int:pk>/refresh/", views.framework_refresh, name="framework_refresh"),
    path("performance/<int:pk>/priorities/new/", views.priority_add, name="priority_add"),
    path("performance/<int:pk>/indicators/new/", views.indicator_add, name="indicator_add"),
    path("performance/<int:pk>/values/", views.framework_values, name="framework_values"),
    path("performance/<int:pk>/import/", views.framework_import, name="framework_import"),
    path("performance/<int:pk>/compute/", views.framework_compute, name="framework_compute"),
    path("performance/indicators/<int:pk>/", views.indicator_page, name="indicator"),
    path("performance/indicators/<int:pk>/edit/", views.indicator_edit, name="indicator_edit"),
    path("performance/values/<int:pk>/<slug:move>/", views.value_release, name="value_release"),
]
