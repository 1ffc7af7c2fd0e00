from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("chain/", views.chain_check, name="chain_check"),
    path("emergency-access/", views.break_glass_list, name="break_glass_list"),
    path("emergency-access/new/", views.break_glass_new, name="break_glass_new"),
    path("emergency-access/<int:pk>/", views.break_glass_detail, name="break_glass_detail"),
]
