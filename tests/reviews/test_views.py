"""Pages: forms keep what was typed, moves are confirmed, lists have fixed query counts,
uploads are checked, and the register's implementation rate is right."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reviews import services
from reviews.models import Notification, Review, Stage
from somerset_safety.accounts.models import Agency
from somerset_safety.audit.models import AuditAction, AuditEvent

from .factories import PDF_BYTES, NotificationFactory, advance_to, complete_action, make_review

pytestmark = pytest.mark.django_db


def _date(prefix: str, day: date) -> dict:
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


def _notification_post(**overrides) -> dict:
    data = {
        **_date("notified_on", date(2026, 1, 31)),
        **_date("date_of_death", date(2026, 1, 20)),
        "notifying_agency": str(Agency.objects.get(code="POLICE").pk),
        "area": "mendip",
        "victim_name": "Typed Name (synthetic)",
        "victim_sex": "female",
        "perpetrator_sex": "male",
        "relationship": "intimate_partner",
        "death_type": "homicide",
        "criminal_justice_status": "charge",
        "inquest_status": "opened",
        "parallel_reviews": ["sar"],
        "statutory_basis": "dvcva_2004_s9",
    }
    data.update(overrides)
    return data


def test_create_notification_and_decide(as_user, officer):
    client = as_user(officer)
    response = client.post(reverse("reviews:create"), _notification_post())
    notification = Notification.objects.get()
    assert response.status_code == 302 and response.url == notification.get_absolute_url()
    assert notification.reference == "DHR-0001" and notification.parallel_reviews == ["sar"]
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(notification.pk)).exists()
    response = client.post(
        reverse("reviews:decide", args=[notification.pk]),
        {
            "decision": "review",
            **_date("decision_date", date(2026, 2, 20)),
            "decision_maker": "CSP chair",
            "rationale": "Criteria met.",
        },
    )
    assert response.status_code == 302
    assert Review.objects.get(notification=notification).stage == Stage.DECISION_MADE


def test_invalid_notification_keeps_what_was_typed(as_user, officer):
    response = as_user(officer).post(
        reverse("reviews:create"), _notification_post(**_date("date_of_death", date(2026, 2, 5)), area="")
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "The date of death must be on or before the date notified" in body
    assert "Select the area" in body
    assert 'value="Typed Name (synthetic)"' in body
    assert not Notification.objects.exists()


def test_decision_needs_rationale(as_user, officer):
    review_less = services.notification_create(
        actor=officer,
        **{
            "notified_on": date(2026, 1, 31),
            "date_of_death": date(2026, 1, 20),
            "notifying_agency": Agency.objects.get(code="POLICE"),
            "area": "mendip",
            "victim_name": "X",
            "relationship": "familial",
            "death_type": "suicide",
        },
    )
    response = as_user(officer).post(
        reverse("reviews:decide", args=[review_less.pk]),
        {"decision": "no_review", **_date("decision_date", date(2026, 2, 20)), "decision_maker": "Chair"},
    )
    assert "Enter the reasons for the decision" in response.content.decode()


def test_move_confirmation_and_refusal_shown(as_user, officer):
    review = make_review(officer)
    client = as_user(officer)
    url = reverse("reviews:move", args=[review.notification_id, "appoint_panel"])
    page = client.get(url)
    assert page.status_code == 200 and "Record chair appointed and panel formed" in page.content.decode()
    refused = client.post(url, {**_date("on", date(2026, 2, 12)), "note": ""})
    assert "Record the independent chair before recording the panel as formed." in refused.content.decode()
    review.refresh_from_db()
    assert review.stage == Stage.DECISION_MADE
    wrong = client.post(
        reverse("reviews:move", args=[review.notification_id, "publish"]), _date("on", date(2026, 2, 12))
    )
    assert "You can record publication only when it is at" in wrong.content.decode()
    assert client.get(reverse("reviews:move", args=[review.notification_id, "nonsense"])).status_code == 404


def test_qa_outcome_page(as_user, officer):
    review = advance_to(make_review(officer), "submitted", officer)
    response = as_user(officer).post(
        reverse("reviews:move", args=[review.notification_id, "qa_outcome"]),
        {**_date("on", review.stage_changed_on), "outcome": "resubmit"},
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.stage == Stage.QA_RESUBMIT


def test_upload_refuses_wrong_type_and_accepts_pdf(as_user, officer):
    review = make_review(officer)
    client = as_user(officer)
    url = reverse("reviews:document_upload", args=[review.notification_id])
    bad = client.post(url, {"kind": "panel_paper", "document": SimpleUploadedFile("x.pdf", b"MZ not a pdf")})
    assert "The selected file must be a" in bad.content.decode()
    assert not review.documents.exists()
    good = client.post(url, {"kind": "panel_paper", "document": SimpleUploadedFile("paper.pdf", PDF_BYTES)})
    assert good.status_code == 302
    assert review.documents.get().version == 1


def test_agency_rep_uploads_their_report(as_user, officer, agency_rep):
    review = advance_to(make_review(officer), "reports_requested", officer)
    request = review.report_requests.get()
    response = as_user(agency_rep).post(
        reverse("reviews:request_receive", args=[review.notification_id, request.pk]),
        {**_date("received_on", date(2026, 4, 1)), "document": SimpleUploadedFile("imr.pdf", PDF_BYTES)},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.received_on == date(2026, 4, 1) and request.document_name == "imr.pdf"


def test_action_completion_needs_evidence_in_the_form(as_user, officer):
    review = advance_to(make_review(officer), "monitoring", officer)
    rec = review.recommendations.get()
    action = rec.actions.get()
    response = as_user(officer).post(
        reverse("reviews:action_move", args=[rec.pk, action.pk, "submit"]), {"evidence_of_outcome": ""}
    )
    body = response.content.decode()
    assert "Enter the evidence of outcome" in body and "Enter the date the action was completed" in body


def _bulk(officer, count: int):
    police = Agency.objects.get(code="POLICE")
    for _ in range(count):
        review = make_review(officer)
        services.pause_start(actor=officer, review=review, reason="inquest", started_on=date(2026, 3, 1))
        rec = services.recommendation_add(
            actor=officer, review=review, scope="local", owning_agency=police, text="R"
        )
        services.action_add(
            actor=officer, recommendation=rec, description="A", lead_officer="L", target_date=date(2026, 5, 1)
        )
    NotificationFactory.create_batch(count)


@pytest.mark.parametrize("count", [2, 12])
def test_tracker_queries_do_not_grow(as_user, officer, count, django_assert_max_num_queries):
    _bulk(officer, count)
    client = as_user(officer)
    # 15 today, whatever the number of rows; an N+1 over 12 rows would blow well past this.
    with django_assert_max_num_queries(18):
        response = client.get(reverse("reviews:tracker") + "?sort=next_due&clock=paused")
    assert response.status_code == 200
    assert len(response.context["rows"]) == count


@pytest.mark.parametrize("count", [2, 12])
def test_register_queries_do_not_grow(as_user, officer, count, django_assert_max_num_queries):
    _bulk(officer, count)
    client = as_user(officer)
    # 19 today, whatever the number of rows.
    with django_assert_max_num_queries(22):
        response = client.get(reverse("reviews:register") + "?overdue=yes")
    assert response.context["page"].paginator.count == count


def test_register_implementation_rate_worked_by_hand(as_user, officer, partnership_lead):
    """Four recommendations: one implemented (both actions complete), one half done, one with
    no actions, one implemented on another review. Rate = 2 of 4 = 50%. Filtered to police: 1 of 2."""
    police, health = Agency.objects.get(code="POLICE"), Agency.objects.get(code="HEALTH")
    first = make_review(officer)
    second = make_review(officer)

    def add(review, agency, actions, complete):
        rec = services.recommendation_add(
            actor=officer, review=review, scope="local", owning_agency=agency, text="R"
        )
        for index in range(actions):
            action = services.action_add(
                actor=officer,
                recommendation=rec,
                description="A",
                lead_officer="L",
                target_date=date(2026, 6, 1),
            )
            if index < complete:
                complete_action(officer, action, completed_on=date(2026, 6, 1), evidence="Evidence")
        return rec

    add(first, police, 2, 2)
    add(first, police, 2, 1)
    add(first, health, 0, 0)
    add(second, health, 1, 1)
    response = as_user(partnership_lead).get(reverse("reviews:register"))
    assert response.context["rate_all"] == {"total": 4, "implemented": 2, "percent": 50}
    body = response.content.decode()
    assert "50%" in body and "Victoria" not in body
    filtered = as_user(officer).get(reverse("reviews:register") + f"?owning_agency={police.pk}")
    assert filtered.context["rate_filtered"] == {"total": 2, "implemented": 1, "percent": 50}
    overdue = as_user(officer).get(reverse("reviews:register") + "?overdue=yes")
    assert overdue.context["page"].paginator.count == 1  # the half-done one, target 1 June 2026
    implemented = as_user(officer).get(reverse("reviews:register") + "?status=implemented")
    assert implemented.context["page"].paginator.count == 2


def test_tracker_filters_and_empty_state(as_user, officer):
    review = make_review(officer, area="sedgemoor")
    services.pause_start(actor=officer, review=review, reason="inquest", started_on=date(2026, 3, 1))
    make_review(officer, area="mendip")
    client = as_user(officer)
    paused = client.get(reverse("reviews:tracker") + "?clock=paused")
    assert [row.notification.pk for row in paused.context["rows"]] == [review.notification_id]
    area = client.get(reverse("reviews:tracker") + "?area=swt")
    assert "No notifications match these filters." in area.content.decode()
    overdue = client.get(reverse("reviews:tracker") + "?clock=overdue")
    # Both decided 10 Feb: unpaused one's completion (10 Aug) is overdue on 1 Nov; paused one is not.
    assert [row.notification.pk for row in overdue.context["rows"]] != [review.notification_id]
    assert len(overdue.context["rows"]) == 1


def test_edit_notification_moves_the_decision_deadline(as_user, officer):
    from somerset_safety.deadlines.models import Deadline

    notification = services.notification_create(
        actor=officer,
        **{
            "notified_on": date(2026, 1, 31),
            "date_of_death": date(2026, 1, 20),
            "notifying_agency": Agency.objects.get(code="POLICE"),
            "area": "mendip",
            "victim_name": "Typed Name (synthetic)",
            "relationship": "familial",
            "death_type": "homicide",
        },
    )
    client = as_user(officer)
    page = client.get(reverse("reviews:edit", args=[notification.pk]))
    assert 'value="31"' in page.content.decode()  # the stored date is shown for editing
    response = client.post(
        reverse("reviews:edit", args=[notification.pk]),
        _notification_post(**_date("notified_on", date(2026, 3, 31)), relationship="familial"),
    )
    assert response.status_code == 302
    deadline = Deadline.objects.get(subject_id=notification.pk, kind="dhr_decision_due")
    assert deadline.due_date == date(2026, 4, 30)
    event = AuditEvent.objects.filter(action=AuditAction.CHANGE, object_id=str(notification.pk)).first()
    assert "notified_on" in event.changed_fields and "Typed" not in str(event.detail)


def test_chase_and_change_due_date(as_user, officer, agency_rep):
    from somerset_safety.deadlines.models import Deadline

    review = advance_to(make_review(officer), "reports_requested", officer)
    request = review.report_requests.get()
    client = as_user(officer)
    chase = client.post(
        reverse("reviews:request_chase", args=[review.notification_id, request.pk]),
        {**_date("chased_on", date(2026, 4, 1)), "method": "Email"},
    )
    assert chase.status_code == 302 and request.chases.get().method == "Email"
    due = client.post(
        reverse("reviews:request_change_due", args=[review.notification_id, request.pk]),
        _date("due_on", date(2026, 6, 1)),
    )
    assert due.status_code == 302
    assert Deadline.objects.get(kind="dhr_agency_report_due", key=str(request.pk)).due_date == date(
        2026, 6, 1
    )
    refused = client.post(
        reverse("reviews:request_change_due", args=[review.notification_id, request.pk]),
        _date("due_on", date(2026, 1, 1)),
    )
    assert "on or after the date requested" in refused.content.decode()
    assert (
        as_user(agency_rep)
        .get(reverse("reviews:request_change_due", args=[review.notification_id, request.pk]))
        .status_code
        == 403
    )


def test_display_name_is_a_setting(as_user, officer, settings):
    settings.DHR_DISPLAY_NAME = "Domestic Abuse Related Death Reviews"
    body = as_user(officer).get(reverse("reviews:tracker")).content.decode()
    assert '<h1 class="govuk-heading-xl">Domestic Abuse Related Death Reviews</h1>' in body


def test_lead_tracker_has_no_links_to_reviews_they_cannot_open(as_user, partnership_lead, officer):
    notification = NotificationFactory()
    lead_page = as_user(partnership_lead).get(reverse("reviews:tracker")).content.decode()
    assert notification.reference in lead_page
    assert notification.get_absolute_url() not in lead_page
    assert (
        notification.get_absolute_url() in as_user(officer).get(reverse("reviews:tracker")).content.decode()
    )


def test_a_move_that_cannot_be_made_says_why_before_the_form(as_user, officer):
    review = make_review(officer)
    client = as_user(officer)
    refused = client.get(reverse("reviews:move", args=[review.notification.pk, "sign_off"])).content.decode()
    assert "only when it is at" in refused
    assert '<form method="post" novalidate' not in refused  # no form to fill in for nothing
    url = reverse("reviews:move", args=[review.notification.pk, "appoint_panel"])
    needs_chair = client.get(url).content.decode()
    assert "Record the independent chair before recording the panel as formed." in needs_chair
    assert '<form method="post" novalidate' not in needs_chair
    services.review_set_team(actor=officer, review=review, chair=officer, author=None)
    services.panel_member_add(
        actor=officer, review=review, agency=Agency.objects.get(code="POLICE"), name="DI Lee", role="DI"
    )
    assert '<form method="post" novalidate' in client.get(url).content.decode()


def test_review_page_offers_the_moves_its_machine_allows(as_user, officer):
    review = make_review(officer)
    client = as_user(officer)
    page = client.get(review.notification.get_absolute_url()).content.decode()
    move_url = reverse("reviews:move", args=[review.notification.pk, "appoint_panel"])
    assert f'href="{move_url}"' not in page  # no chair yet: the reason instead of a button
    assert (
        "Record chair appointed and panel formed: Record the independent chair before recording the "
        "panel as formed." in page
    )
    assert "Pause the review</a>" in page
    services.pause_start(actor=officer, review=review, reason="inquest", started_on=date(2026, 2, 12))
    page = client.get(review.notification.get_absolute_url()).content.decode()
    assert "This review has been paused (inquest) since 12 February 2026. End the pause" in page
    assert "Record the independent chair" not in page  # the pause is said once, not per move
    assert "End the pause</a>" in page and "Pause the review</a>" not in page
