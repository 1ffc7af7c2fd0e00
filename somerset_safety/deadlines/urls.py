from django.urls import path

from . import views

app_name = "deadlines"
urlpatterns = [
    path("", views.my_deadlines, name="mine"),
    path("team/", views.team, name="team"),
    path("<int:pk>/waive/", views.waive, name="waive"),
    path("<int:pk>/withdraw-waiver/", views.unwaive, name="unwaive"),
]
