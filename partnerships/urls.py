from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from . import views
from .boards import urls as board_urls
from .disruption import urls as disruption_urls
from .performance import urls as performance_urls

app_name = "partnerships"
pages = views.pages  # the platform's meeting and action pages, with MARAC's words and services
both = require_http_methods(["GET", "POST"])
urlpatterns = (
    [
        path("marac/", views.marac_home, name="marac_home"),
        path("marac/areas/", views.area_list, name="area_list"),
        path("marac/areas/<slug:code>/schedule/", views.area_schedule, name="area_schedule"),
        path("marac/referrals/", views.referral_list, name="referral_list"),
        path("marac/cases/", views.referral_list, {"cases": True}, name="case_list"),
        path("marac/referrals/new/", views.referral_create, name="referral_create"),
        path("marac/referrals/import/", views.import_view, name="referral_import"),
        path("marac/referrals/import/<int:pk>/", views.import_job, name="import_job"),
        path(
            "marac/referrals/import/<int:pk>/progress/", views.import_job_progress, name="import_job_progress"
        ),
        path("marac/referrals/<int:pk>/", views.referral_detail, name="referral_detail"),
        path("marac/referrals/<int:pk>/handling/", views.referral_handling, name="referral_handling"),
        path("marac/referrals/<int:pk>/<str:role>/details/", views.person_edit, name="person_edit"),
        path("marac/people/<int:pk>/restriction/", views.person_restriction, name="person_restriction"),
        path("marac/referrals/<int:pk>/withdraw/", views.referral_withdraw, name="referral_withdraw"),
        path("marac/referrals/<int:pk>/duplicates/", views.referral_duplicates, name="referral_duplicates"),
        path("marac/referrals/<int:pk>/transfer/", views.referral_transfer, name="referral_transfer"),
        path("marac/referrals/<int:pk>/case-details/", views.referral_details, name="referral_details"),
        path("marac/meetings/", views.meeting_list, name="meeting_list"),
        path("marac/meetings/new/", views.meeting_create, name="meeting_create"),
        path("marac/meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
        path(
            "marac/meetings/<int:pk>/attendance/", both(pages.meeting_attendance), name="meeting_attendance"
        ),
        path("marac/meetings/<int:pk>/invite/", views.meeting_invite, name="meeting_invite"),
        path("marac/meetings/<int:pk>/details/", both(pages.meeting_edit), name="meeting_edit"),
        path("marac/meetings/<int:pk>/cancel/", both(pages.meeting_cancel), name="meeting_cancel"),
        path(
            "marac/meetings/<int:pk>/other-business/",
            both(pages.meeting_other_business),
            name="meeting_other_business",
        ),
        path("marac/meetings/<int:pk>/approve-minutes/", both(pages.meeting_approve), name="meeting_approve"),
        path("marac/meetings/<int:pk>/research/", views.meeting_research, name="meeting_research"),
        path(
            "marac/meetings/<int:pk>/papers/<slug:papers>.pdf",
            views.meeting_papers_pdf,
            name="meeting_papers",
        ),
        path(
            "marac/meetings/<int:pk>/research/<int:referral_pk>/",
            views.research_return,
            name="research_return",
        ),
        path(
            "marac/meetings/<int:pk>/research/<int:referral_pk>/access/",
            views.research_access,
            name="research_access",
        ),
        path("marac/meetings/<int:pk>/<slug:step>/", both(pages.meeting_step), name="meeting_step"),
        path("marac/agenda-items/<int:pk>/", views.agenda_item_minutes, name="agenda_item"),
        path("marac/agenda-items/<int:pk>/remove/", views.agenda_item_remove, name="agenda_item_remove"),
        path("marac/agenda-items/<int:pk>/actions/new/", views.action_create, name="action_create"),
        path("marac/actions/", views.action_list, name="action_list"),
        path("marac/actions/<int:pk>/", require_GET(pages.action_detail), name="action_detail"),
        path("marac/actions/<int:pk>/complete/", both(pages.action_complete), name="action_complete"),
        path("marac/actions/<int:pk>/progress/", both(pages.action_progress), name="action_progress"),
        path("marac/actions/<int:pk>/owner/", both(pages.action_assign), name="action_assign"),
        path("marac/actions/<int:pk>/carry-forward/", both(pages.action_carry), name="action_carry_forward"),
        path("marac/return/", views.data_return, name="data_return"),
        path("marac/return.csv", views.data_return_csv, name="data_return_csv"),
    ]
    + board_urls.urlpatterns
    + performance_urls.urlpatterns
    + disruption_urls.urlpatterns
)
