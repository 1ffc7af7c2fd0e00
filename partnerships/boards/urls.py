from django.urls import path

from . import views

# Included in partnerships/urls.py under the partnerships namespace.
urlpatterns = [
    path("boards/", views.board_list, name="board_list"),
    path("boards/meetings/<int:pk>/", views.board_meeting, name="board_meeting"),
    path("boards/meetings/<int:pk>/public-meeting/", views.board_meeting_public, name="board_meeting_public"),
    path("boards/meetings/<int:pk>/papers/new/", views.board_paper_add, name="board_paper_add"),
    path("boards/papers/<int:pk>/", views.board_paper, name="board_paper"),
    path("boards/items/<int:pk>/", views.board_item, name="board_item"),
    path("boards/items/<int:pk>/decisions/new/", views.board_decision_add, name="board_decision_add"),
    *views.pages.urls(meetings="boards/meetings/", actions="boards/actions/"),
    path("boards/members/<int:pk>/leave/", views.board_member_leave, name="board_member_leave"),
    path("boards/forward-plan/<int:pk>/<slug:move>/", views.forward_plan_move, name="forward_plan_move"),
    path("boards/<slug:code>/", views.board_detail, name="board_detail"),
    path("boards/<slug:code>/quorum/", views.board_quorum, name="board_quorum"),
    path("boards/<slug:code>/members/new/", views.board_member_add, name="board_member_add"),
    path("boards/<slug:code>/meetings/new/", views.board_meeting_create, name="board_meeting_create"),
    path("boards/<slug:code>/forward-plan/new/", views.forward_plan_add, name="forward_plan_add"),
    path("boards/<slug:code>/decisions/", views.board_decisions, name="board_decisions"),
    path("boards/<slug:code>/actions/", views.board_actions, name="board_actions"),
]
