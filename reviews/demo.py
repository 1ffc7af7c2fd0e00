"""Synthetic demo reviews at several stages: one overdue, one paused. Idempotent."""

from datetime import timedelta

from django.core.files.base import ContentFile

from somerset_safety.accounts.models import Agency
from somerset_safety.core.dates import today as local_today

from . import services
from .models import Notification

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _pdf(name: str) -> ContentFile:
    return ContentFile(PDF, name=name)


def _notification(officer, *, days_ago: int, name: str, area: str, agency: str, **extra) -> Notification:
    today = local_today()
    data = {
        "notified_on": today - timedelta(days=days_ago),
        "date_of_death": today - timedelta(days=days_ago + 5),
        "notifying_agency": Agency.objects.get(code=agency),
        "case_officer": officer,
        "area": area,
        "victim_name": f"{name} (synthetic)",
        "victim_age": 38,
        "victim_sex": "female",
        "victim_ethnicity": "white_british",
        "perpetrator_age": 41,
        "perpetrator_sex": "male",
        "relationship": "intimate_partner",
        "death_type": "homicide",
        "criminal_justice_status": "charge",
        "inquest_status": "opened",
        **extra,
    }
    return services.notification_create(actor=officer, **data)


def _decide(officer, notification, *, days_ago: int, review: bool = True):
    day = local_today() - timedelta(days=days_ago)
    return services.notification_decide(
        actor=officer,
        notification=notification,
        decision="review" if review else "no_review",
        decision_date=day,
        decision_maker="Chair of the Safer Somerset Partnership (synthetic)",
        rationale="Criteria met: death of a person aged 16 or over following abuse by an intimate partner (synthetic)."
        if review
        else "Death not related to domestic abuse after scoping with partners (synthetic).",
        home_office_told_on=day,
    )


def _set_up(officer, users, review, *, start_days_ago: int):
    today = local_today()
    services.review_set_team(actor=officer, review=review, chair=users["chair"], author=None)
    services.panel_member_add(
        actor=officer,
        review=review,
        agency=Agency.objects.get(code="POLICE"),
        name="DI Demo Panel (synthetic)",
        role="Detective Inspector",
        is_agency_contact=True,
    )
    day = today - timedelta(days=start_days_ago)
    services.review_appoint_panel(actor=officer, review=review, on=day)
    services.review_agree_tor(
        actor=officer,
        review=review,
        on=day + timedelta(days=7),
        scope_start=day - timedelta(days=730),
        scope_end=day - timedelta(days=30),
        key_lines_of_enquiry="Agency contact with the victim; recognition of coercive control (synthetic).",
    )
    for code, kind in (("POLICE", "imr"), ("HOUSING", "chronology")):
        services.report_request_create(
            actor=officer,
            review=review,
            agency=Agency.objects.get(code=code),
            report_type=kind,
            requested_on=day + timedelta(days=8),
            due_on=day + timedelta(days=8 + 42),
        )
    services.review_request_reports(actor=officer, review=review, on=day + timedelta(days=8))
    services.review_start_gathering(actor=officer, review=review, on=day + timedelta(days=10))
    return day + timedelta(days=10)


def load_demo(users: dict) -> None:
    if Notification.objects.filter(victim_name__endswith="(synthetic)").exists():
        return
    officer = users["officer"]
    today = local_today()

    # Notified oldest first, so that the references run in date order (DHR-0001 the earliest).
    done = _notification(
        officer,
        days_ago=420,
        name="Eve Example",
        area="mendip",
        agency="POLICE",
        victim_pseudonym="“Jo” (synthetic)",
    )
    overdue = _notification(
        officer, days_ago=260, name="Dee Example", area="south_somerset", agency="PROBATION"
    )
    paused = _notification(officer, days_ago=150, name="Cleo Example", area="swt", agency="POLICE")
    closed = _notification(
        officer, days_ago=90, name="Bea Example", area="sedgemoor", agency="HEALTH", death_type="unexplained"
    )
    # Awaiting decision.
    _notification(officer, days_ago=12, name="Alex Example", area="mendip", agency="POLICE")

    # No review: closed with its reasons kept.
    _decide(officer, closed, days_ago=70, review=False)

    # Paused for the criminal trial.
    review = _decide(officer, paused, days_ago=140).review
    _set_up(officer, users, review, start_days_ago=120)
    services.pause_start(
        actor=officer,
        review=review,
        reason="criminal_trial",
        started_on=today - timedelta(days=60),
        detail="Trial listed at Bristol Crown Court (synthetic).",
    )

    # Overdue: decided eight months ago, still at draft; one agency report outstanding.
    review = _decide(officer, overdue, days_ago=245).review
    gathered = _set_up(officer, users, review, start_days_ago=230)
    request = review.report_requests.get(agency__code="POLICE")
    services.report_request_receive(
        actor=officer,
        request=request,
        received_on=gathered + timedelta(days=30),
        uploaded_file=_pdf("police-imr.pdf"),
    )
    services.document_upload(
        actor=officer, review=review, kind="overview_draft", uploaded_file=_pdf("overview-draft.pdf")
    )
    services.review_draft_report(actor=officer, review=review, on=today - timedelta(days=20))

    # In action plan monitoring, after a QA resubmission.
    review = _decide(officer, done, days_ago=410).review
    _set_up(officer, users, review, start_days_ago=400)
    for number, request in enumerate(review.report_requests.all()):
        services.report_request_receive(
            actor=officer,
            request=request,
            received_on=today - timedelta(days=360 - number),
            uploaded_file=_pdf(f"agency-report-{number + 1}.pdf"),
        )
    services.document_upload(
        actor=officer, review=review, kind="overview_draft", uploaded_file=_pdf("overview-v1.pdf")
    )
    day = today - timedelta(days=330)
    for name in ("draft_report", "family_viewed", "sign_off", "submit_qa"):
        services.MOVE_SERVICES[name](actor=officer, review=review, on=day)
        day += timedelta(days=10)
    services.review_record_qa_outcome(actor=officer, review=review, outcome="approved", on=day)
    services.document_upload(
        actor=officer, review=review, kind="overview_published", uploaded_file=_pdf("overview.pdf")
    )
    services.review_qa_record(
        actor=officer,
        review=review,
        qa_reference="QA/2025/117 (synthetic)",
        changes_after_qa="Chronology of GP contacts added; two recommendations made measurable (synthetic).",
    )
    services.review_publish(actor=officer, review=review, on=day + timedelta(days=20))
    services.review_send_commissioner_copy(actor=officer, review=review, on=day + timedelta(days=25))
    for number, (code, scope, text) in enumerate(
        [
            ("POLICE", "local", "Train call handlers to recognise coercive control (synthetic)."),
            (
                "HEALTH",
                "regional",
                "GP practices to ask about domestic abuse at every relevant contact (synthetic).",
            ),
            ("CST", "national", "Home Office to update DHR guidance on family involvement (synthetic)."),
            (
                "HOUSING",
                "local",
                "Housing officers to ask about domestic abuse when a joint tenancy is given up (synthetic).",
            ),
        ],
        start=1,
    ):
        rec = services.recommendation_add(
            actor=officer, review=review, scope=scope, owning_agency=Agency.objects.get(code=code), text=text
        )
        action = services.action_add(
            actor=officer,
            recommendation=rec,
            description=f"Deliver recommendation {number} (synthetic).",
            lead_officer="Demo Lead Officer (synthetic)",
            target_date=today + timedelta(days=60 - 45 * number),
        )
        if number == 1:
            services.action_submit(
                actor=officer,
                action=action,
                completed_on=today - timedelta(days=5),
                evidence_of_outcome="Audit of 50 calls: 46 recorded coercive control questions (synthetic).",
            )
            services.action_accept(actor=officer, action=action)
    services.review_start_monitoring(actor=officer, review=review, on=day + timedelta(days=30))
