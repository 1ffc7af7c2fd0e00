from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("", views.tracker, name="tracker"),
    path("export.csv", views.tracker_csv, name="tracker_csv"),
    path("export.pdf", views.tracker_pdf, name="tracker_pdf"),
    path("new/", views.notification_create, name="create"),
    path("recommendations/", views.register, name="register"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/change/", views.notification_edit, name="edit"),
    path("<int:pk>/decision/", views.decide, name="decide"),
    path("<int:pk>/home-office-told/", views.home_office_told, name="home_office_told"),
    path("<int:pk>/family-told/", views.family_told, name="family_told"),
    path("<int:pk>/quality-assurance/", views.qa_record, name="qa_record"),
    path("<int:pk>/report-taken-down/", views.report_taken_down, name="report_taken_down"),
    path("<int:pk>/team/", views.team, name="team"),
    path("<int:pk>/panel/add/", views.panel_add, name="panel_add"),
    path("<int:pk>/panel/<int:member_pk>/remove/", views.panel_remove, name="panel_remove"),
    path("<int:pk>/move/<slug:name>/", views.move, name="move"),
    path("<int:pk>/pauses/new/", views.pause_start, name="pause_start"),
    path("<int:pk>/pauses/<int:pause_pk>/end/", views.pause_end, name="pause_end"),
    path("<int:pk>/requests/new/", views.request_add, name="request_add"),
    path("<int:pk>/requests/<int:request_pk>/", views.request_detail, name="request"),
    path("<int:pk>/requests/<int:request_pk>/chase/", views.request_chase, name="request_chase"),
    path("<int:pk>/requests/<int:request_pk>/due/", views.request_change_due, name="request_change_due"),
    path("<int:pk>/requests/<int:request_pk>/close/", views.request_end, name="request_end"),
    path("<int:pk>/requests/<int:request_pk>/reinstate/", views.request_reinstate, name="request_reinstate"),
    path("<int:pk>/requests/<int:request_pk>/upload/", views.request_receive, name="request_receive"),
    path("<int:pk>/requests/<int:request_pk>/download/", views.request_download, name="request_download"),
    path("<int:pk>/family/new/", views.family_add, name="family_add"),
    path("<int:pk>/meetings/new/", views.meeting_add, name="meeting_add"),
    path("<int:pk>/documents/new/", views.document_upload, name="document_upload"),
    path("<int:pk>/documents/<int:document_pk>/download/", views.document_download, name="document_download"),
    path("<int:pk>/recommendations/new/", views.recommendation_add, name="recommendation_add"),
    path("<int:pk>/recommendations/<int:rec_pk>/actions/new/", views.action_add, name="action_add"),
]

# A recommendation and its actions have pages of their own, outside the review's: the owning
# agency works on them without seeing the rest of the review.
urlpatterns += [
    path("recommendations/<int:rec_pk>/", views.recommendation_detail, name="recommendation"),
    path("recommendations/<int:rec_pk>/actions/<int:action_pk>/", views.action_detail, name="action"),
    path(
        "recommendations/<int:rec_pk>/actions/<int:action_pk>/change/",
        views.action_change,
        name="action_change",
    ),
    path(
        "recommendations/<int:rec_pk>/actions/<int:action_pk>/progress/",
        views.action_progress,
        name="action_progress",
    ),
    path(
        "recommendations/<int:rec_pk>/actions/<int:action_pk>/evidence/",
        views.action_evidence,
        name="action_evidence",
    ),
    path(
        "recommendations/<int:rec_pk>/actions/<int:action_pk>/evidence/<int:evidence_pk>/download/",
        views.action_evidence_download,
        name="action_evidence_download",
    ),
    path(
        "recommendations/<int:rec_pk>/actions/<int:action_pk>/<slug:name>/",
        views.action_move,
        name="action_move",
    ),
]
