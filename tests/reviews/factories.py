"""Factories for notifications and reviews. Build through services where the state matters."""

import itertools
from datetime import date, timedelta

import factory
from django.core.files.base import ContentFile

from reviews import services
from reviews.models import Notification
from somerset_safety.accounts.models import Agency

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "report.pdf") -> ContentFile:
    return ContentFile(PDF_BYTES, name=name)


# Each notification a different victim, so that two are never taken for the same death (the
# warning of issue 14 point 5); every name still contains "Victoria Realname (synthetic)".
_victims = itertools.count(1)


def notification_data(**overrides) -> dict:
    data = {
        "notified_on": date(2026, 1, 31),
        "date_of_death": date(2026, 1, 20),
        "notifying_agency": Agency.objects.get(code="POLICE"),
        "area": "mendip",
        "victim_name": f"Victoria Realname (synthetic) {next(_victims)}",
        "victim_age": 40,
        "victim_sex": "female",
        "perpetrator_sex": "male",
        "relationship": "intimate_partner",
        "death_type": "homicide",
    }
    data.update(overrides)
    return data


def make_notification(actor, **overrides) -> Notification:
    return services.notification_create(actor=actor, **notification_data(**overrides))


def make_review(actor, *, decided_on: date = date(2026, 2, 10), **overrides):
    notification = make_notification(actor, **overrides)
    services.notification_decide(
        actor=actor,
        notification=notification,
        decision="review",
        decision_date=decided_on,
        decision_maker="CSP chair (synthetic)",
        rationale="Criteria met (synthetic).",
    )
    notification.refresh_from_db()
    return notification.review


class NotificationFactory(factory.django.DjangoModelFactory):
    """A bare notification for list and query-count tests (no services, no deadlines)."""

    class Meta:
        model = Notification

    number = factory.Sequence(lambda n: 9000 + n)
    reference = factory.LazyAttribute(lambda o: f"DHR-{o.number:04d}")
    notified_on = date(2026, 1, 31)
    date_of_death = date(2026, 1, 20)
    notifying_agency = factory.LazyFunction(lambda: Agency.objects.get(code="POLICE"))
    area = "mendip"
    victim_name = factory.Sequence(lambda n: f"Hidden Name {n} (synthetic)")
    relationship = "intimate_partner"
    death_type = "homicide"


def advance_to(review, stage: str, actor, *, chair=None, start: date | None = None):
    """Walk a review through the real services to `stage` (dates a day apart)."""
    from reviews.models import Stage

    order = [s.value for s in Stage]
    review.refresh_from_db()
    day = start or review.stage_changed_on
    target = order.index(stage)

    def step():
        nonlocal day
        day += timedelta(days=1)
        return day

    def at(s):
        review.refresh_from_db()
        return order.index(review.stage) >= order.index(s)

    if target >= order.index("panel_formed") and not at("panel_formed"):
        services.review_set_team(
            actor=actor, review=review, chair=chair or review.chair or actor, author=review.author
        )
        services.panel_member_add(
            actor=actor, review=review, agency=Agency.objects.get(code="POLICE"), name="DI Panel", role="DI"
        )
        services.review_appoint_panel(actor=actor, review=review, on=step())
    if target >= order.index("tor_agreed") and not at("tor_agreed"):
        services.review_agree_tor(
            actor=actor,
            review=review,
            on=step(),
            scope_start=date(2024, 1, 1),
            scope_end=date(2026, 1, 1),
            key_lines_of_enquiry="Contact with agencies.",
        )
    if target >= order.index("reports_requested") and not at("reports_requested"):
        services.report_request_create(
            actor=actor,
            review=review,
            agency=Agency.objects.get(code="POLICE"),
            report_type="imr",
            requested_on=day,
            due_on=day + timedelta(days=42),
        )
        services.review_request_reports(actor=actor, review=review, on=step())
    if target >= order.index("gathering") and not at("gathering"):
        services.review_start_gathering(actor=actor, review=review, on=step())
    if target >= order.index("draft") and not at("draft"):
        services.document_upload(actor=actor, review=review, kind="overview_draft", uploaded_file=pdf())
        services.review_draft_report(actor=actor, review=review, on=step())
    if target >= order.index("family_viewed") and not at("family_viewed"):
        services.review_family_viewed(actor=actor, review=review, on=step())
    if target >= order.index("signed_off") and not at("signed_off"):
        services.review_sign_off(actor=actor, review=review, on=step())
    if target >= order.index("submitted") and not at("submitted"):
        services.review_submit_qa(actor=actor, review=review, on=step())
    if stage in ("qa_approved", "published", "commissioner_sent", "monitoring", "closed"):
        if not at("qa_approved"):
            services.review_record_qa_outcome(actor=actor, review=review, outcome="approved", on=step())
    if stage in ("qa_changes", "qa_resubmit"):
        services.review_record_qa_outcome(
            actor=actor, review=review, outcome=stage.removeprefix("qa_"), on=step()
        )
    if target >= order.index("published") and not at("published"):
        services.notification_update(actor=actor, notification=review.notification, victim_pseudonym="Jo")
        services.document_upload(actor=actor, review=review, kind="overview_published", uploaded_file=pdf())
        services.review_qa_record(
            actor=actor, review=review, qa_reference="", changes_after_qa="None were needed (synthetic)."
        )
        services.review_publish(actor=actor, review=review, on=step())
    if target >= order.index("commissioner_sent") and not at("commissioner_sent"):
        services.review_send_commissioner_copy(actor=actor, review=review, on=step())
    if target >= order.index("monitoring") and not at("monitoring"):
        rec = services.recommendation_add(
            actor=actor,
            review=review,
            scope="local",
            owning_agency=Agency.objects.get(code="POLICE"),
            text="Train staff.",
        )
        action = services.action_add(
            actor=actor,
            recommendation=rec,
            description="Deliver training",
            lead_officer="Lead",
            target_date=step(),
        )
        services.review_start_monitoring(actor=actor, review=review, on=step())
        if stage == "closed":
            complete_action(actor, action, completed_on=day, evidence="Audit shows 95% of staff trained.")
            services.review_close(actor=actor, review=review, on=step())
    review.refresh_from_db()
    return review


def complete_action(actor, action, *, completed_on, evidence="Shown by audit."):
    """The whole way to an action implemented: evidence sent, then accepted by an officer."""
    services.action_submit(
        actor=actor, action=action, completed_on=completed_on, evidence_of_outcome=evidence
    )
    return services.action_accept(actor=actor, action=action)
