from django.urls import path

from . import views

# Included in partnerships/urls.py under the partnerships namespace.
urlpatterns = [
    path("disruption/", views.group_list, name="ocg_list"),
    path("disruption/groups/new/", views.group_create, name="ocg_create"),
    path("disruption/groups/<int:pk>/", views.group_detail, name="ocg_detail"),
    path("disruption/groups/<int:pk>/details/", views.group_edit, name="ocg_edit"),
    path("disruption/groups/<int:pk>/decide/<slug:move>/", views.group_move, name="ocg_move"),
    path("disruption/groups/<int:pk>/disruptions/new/", views.outcome_add, name="ocg_outcome"),
    path("disruption/groups/<int:pk>/mapping/", views.mapping_add, name="ocg_mapping"),
    path("disruption/groups/<int:pk>/<slug:kind>/new/", views.person_save, name="ocg_person_add"),
    path("disruption/groups/<int:pk>/<slug:kind>/<int:item>/", views.person_save, name="ocg_person_edit"),
]
