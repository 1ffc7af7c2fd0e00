from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from . import views

both = require_http_methods(["GET", "POST"])

# Included in partnerships/urls.py under the partnerships namespace.
urlpatterns = [
    path("disruption/", views.group_list, name="ocg_list"),
    path("disruption/groups/new/", views.group_create, name="ocg_create"),
    path("disruption/groups/<int:pk>/", views.group_detail, name="ocg_detail"),
    path("disruption/groups/<int:pk>/details/", views.group_edit, name="ocg_edit"),
    path("disruption/groups/<int:pk>/decide/<slug:move>/", views.group_move, name="ocg_move"),
    path("disruption/groups/<int:pk>/disruptions/new/", views.outcome_add, name="ocg_outcome"),
    path("disruption/groups/<int:pk>/mapping/", views.mapping_add, name="ocg_mapping"),
    path("disruption/groups/<int:pk>/morile/", views.morile_add, name="ocg_morile"),
    path("disruption/groups/<int:pk>/links/", views.links_edit, name="ocg_links"),
    path("disruption/groups/<int:pk>/plan/", views.plan_edit, name="ocg_plan"),
    path("disruption/groups/<int:pk>/<slug:kind>/new/", views.person_save, name="ocg_person_add"),
    path("disruption/groups/<int:pk>/<slug:kind>/<int:item>/", views.person_save, name="ocg_person_edit"),
    path("disruption/tactics/", views.tactic_list, name="tactic_list"),
    path("disruption/tactics/new/", views.tactic_add, name="tactic_add"),
    path("disruption/tactics/<int:pk>/", views.tactic_edit, name="tactic_edit"),
    path("disruption/tactics/<int:pk>/<slug:move>/", views.tactic_move, name="tactic_move"),
    path("disruption/lists/<slug:kind>/", views.panel_list, name="panel_list"),
    path("disruption/lists/<slug:kind>/new/", views.panel_list_add, name="panel_list_add"),
    path("disruption/lists/<slug:kind>/<int:pk>/", views.panel_list_edit, name="panel_list_edit"),
    path("disruption/lists/<slug:kind>/<int:pk>/<slug:move>/", views.panel_list_move, name="panel_list_move"),
    path("disruption/profiles/", views.profile_list, name="profile_list"),
    path("disruption/profiles/<int:pk>/versions/new/", views.profile_publish, name="profile_publish"),
    path("disruption/meetings/", views.panel_meetings, name="panel_meetings"),
    path("disruption/meetings/new/", views.panel_meeting_create, name="panel_meeting_create"),
    path("disruption/meetings/plan/", views.panel_schedule, name="panel_schedule"),
    path("disruption/meetings/<int:pk>/", views.panel_meeting, name="panel_meeting"),
    path("disruption/meetings/<int:pk>/invite/", views.panel_meeting_invite, name="panel_meeting_invite"),
    *views.pages.urls(meetings="disruption/meetings/"),
    path("disruption/items/<int:pk>/", views.panel_item, name="panel_item"),
    path("disruption/items/<int:pk>/actions/new/", views.plan_action_add, name="panel_action_add"),
    path("disruption/actions/", views.panel_actions, name="panel_actions"),
    path("disruption/actions/<int:pk>/", require_GET(views.pages.action_detail), name="panel_action"),
    path(
        "disruption/actions/<int:pk>/complete/",
        both(views.pages.action_complete),
        name="panel_action_complete",
    ),
    path(
        "disruption/actions/<int:pk>/progress/",
        both(views.pages.action_progress),
        name="panel_action_progress",
    ),
    path(
        "disruption/actions/<int:pk>/carry-forward/",
        both(views.pages.action_carry),
        name="panel_action_carry",
    ),
    path("disruption/actions/<int:pk>/owner/", both(views.pages.action_assign), name="panel_action_assign"),
    path("disruption/figures/", views.panel_figures, name="panel_figures"),
]
