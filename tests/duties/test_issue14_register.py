"""Issue 14, points 7–10: first due dates (overdue and reminded without evidence, statuses in
words), assessments made after their decision, a child's safeguarding referral, and the ASB
Case Review duty."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError
from django.urls import reverse

from duties import services
from duties.exceptions import DutiesError
from duties.models import AgeGroup, Consent, Duty, DutyStatus, EvidenceItem, Obligation, SlaveryNotification
from duties.selectors import status_explanations, with_obligation_status
from duties.tasks import refresh_obligations
from somerset_safety.celery import app as celery_app
from somerset_safety.core.dates import today
from somerset_safety.deadlines import reminders
from somerset_safety.deadlines.models import Deadline, ReminderSend

from .factories import DutyFactory, ObligationFactory, make_assessment, make_notification, record_evidence

pytestmark = pytest.mark.django_db


def _status(obligation, day):
    return with_obligation_status(Obligation.objects.filter(pk=obligation.pk), day).get().computed_status


# --- Point 7: first due dates ------------------------------------------------------------------


def test_never_evidenced_obligation_falls_due_is_overdue_and_reminded(officer, settings):
    """The register started 1 April 2025: an annual obligation with no evidence is first due on
    1 April 2026, due soon from 31 January 2026 (60 days), overdue from 2 April."""
    settings.DUTIES_REGISTER_STARTED_ON = date(2025, 4, 1)
    obligation = ObligationFactory(cycle_months=12, lead_officer=officer)
    refresh_obligations()
    obligation.refresh_from_db()
    assert obligation.next_due_on == date(2026, 4, 1)
    deadline = Deadline.objects.get(subject_type="duties.obligation", subject_id=obligation.pk)
    assert (deadline.due_date, deadline.status, deadline.statutory) == (date(2026, 4, 1), "open", True)

    assert _status(obligation, date(2026, 1, 30)) == DutyStatus.NO_EVIDENCE
    assert _status(obligation, date(2026, 1, 31)) == DutyStatus.DUE_SOON
    assert _status(obligation, date(2026, 4, 1)) == DutyStatus.DUE_SOON
    assert _status(obligation, date(2026, 4, 2)) == DutyStatus.OVERDUE

    reminders.reminder_sweep(today=date(2026, 4, 8))  # a week overdue
    assert list(ReminderSend.objects.filter(deadline=deadline).values_list("recipient", flat=True)) == [
        officer.pk
    ]
    reminders.reminder_sweep(today=date(2026, 4, 8))
    assert ReminderSend.objects.filter(deadline=deadline).count() == 1  # sent once

    # Evidence met late meets the first cycle late and starts the next.
    record_evidence(obligation, officer, met_on=date(2026, 4, 10))
    assert _status(obligation, date(2026, 4, 11)) == DutyStatus.MET_LATE


def test_a_duty_in_force_after_the_register_started_is_first_due_a_cycle_after(settings):
    settings.DUTIES_REGISTER_STARTED_ON = date(2026, 4, 1)
    duty = DutyFactory(in_force_on=date(2026, 9, 30))
    obligation = services.obligation_refresh(obligation=ObligationFactory(duty=duty, cycle_months=36))
    assert obligation.next_due_on == date(2029, 9, 30)


def test_each_status_is_explained_in_words(officer, settings):
    """Today 1 June 2026; the register started 1 April 2025 (never evidenced: due 1 April 2026)."""
    settings.DUTIES_REGISTER_STARTED_ON = date(2025, 4, 1)
    day = date(2026, 6, 1)
    duties = {name: DutyFactory(title=name) for name in ("late", "soon", "met", "metlate", "none", "empty")}

    def obligation(duty, title, **values):
        return ObligationFactory(duty=duties[duty], title=title, cycle_months=12, **values)

    services.obligation_refresh(obligation=obligation("late", "Annual report"))
    soon = obligation("soon", "Plan refreshed")
    record_evidence(soon, officer, met_on=date(2025, 7, 1))
    record_evidence(obligation("met", "Strategy"), officer, met_on=date(2026, 3, 1))
    record_evidence(
        obligation("metlate", "Review", first_due_on=date(2026, 2, 1)), officer, met_on=date(2026, 2, 11)
    )
    services.obligation_refresh(obligation=obligation("none", "Protocol", first_due_on=date(2026, 12, 1)))

    words = status_explanations(list(duties.values()), officer, day)
    assert words[duties["late"].pk] == (
        "“Annual report” was first due on 1 April 2026 and no evidence has been recorded: 61 days overdue."
    )
    assert (
        words[duties["soon"].pk]
        == "“Plan refreshed” is due in 30 days (1 July 2026); it was last met on 1 July 2025."
    )
    assert (
        words[duties["met"].pk]
        == "“Strategy” was last met on 1 March 2026, on time. Next due on 1 March 2027."
    )
    assert words[duties["metlate"].pk] == (
        "“Review” was due on 1 February 2026 and met on 11 February 2026, 10 days late. Next due on 11 February 2027."
    )
    assert (
        words[duties["none"].pk]
        == "No evidence has been recorded for “Protocol” yet; it is first due on 1 December 2026."
    )
    assert (
        words[duties["empty"].pk] == "This duty has no recurring obligations yet, so nothing shows it is met."
    )


def test_the_register_page_explains_the_status(as_user, officer, settings):
    settings.DUTIES_REGISTER_STARTED_ON = date(2020, 4, 1)
    scrutiny = Obligation.objects.get(code="pja-scrutiny-review")
    services.obligation_refresh(obligation=scrutiny)
    page = as_user(officer).get(reverse("duties:register"), {"owner": "Scrutiny Manager"}).content.decode()
    overdue = (today() - date(2021, 4, 1)).days
    assert (
        f"“Scrutiny committee review of the partnership” was first due on 1 April 2021 and no evidence has "
        f"been recorded: {overdue} days overdue." in page
    )
    assert "govuk-tag--red" in page


def test_the_nightly_refresh_runs_before_the_reminder_sweep():
    schedule = {entry["task"]: entry["schedule"] for entry in celery_app.conf.beat_schedule.values()}
    refresh, sweep = schedule["duties.refresh_obligations"], schedule["deadlines.reminder_sweep"]
    assert (min(refresh.hour), min(refresh.minute)) == (5, 45)
    assert (min(sweep.hour), min(sweep.minute)) == (6, 0)


# --- Point 8: an assessment after its decision --------------------------------------------------


def test_assessment_after_the_decision_is_flagged_and_not_evidence(as_user, officer):
    decided = today() - timedelta(days=10)
    late = make_assessment(officer, decision_date=decided, assessed_on=decided + timedelta(days=1))
    assert late.after_decision
    assert not EvidenceItem.objects.filter(assessment=late).exists()
    s17 = Obligation.objects.get(code=services.S17_OBLIGATION_CODE)
    assert s17.last_met_on is None or s17.last_met_on != late.assessed_on

    client = as_user(officer)
    listing = client.get(reverse("duties:assessment_list")).content.decode()
    assert "After the decision — not evidence of due regard" in listing
    detail = client.get(reverse("duties:assessment_detail", args=[late.pk])).content.decode()
    assert "is not counted as evidence for the section 17 or equality duty" in detail

    on_time = make_assessment(officer, title="Assessed first", decision_date=decided, assessed_on=decided)
    assert not on_time.after_decision
    assert EvidenceItem.objects.filter(assessment=on_time, withdrawn_at__isnull=True).count() == 1

    # Correcting the decision date to before the assessment withdraws its evidence, saying why.
    values = {name: getattr(on_time, name) for name in services.ASSESSMENT_FIELDS}
    services.assessment_update(
        actor=officer, assessment=on_time, **{**values, "decision_date": decided - timedelta(days=1)}
    )
    item = EvidenceItem.objects.get(assessment=on_time)
    assert item.is_withdrawn and item.withdrawn_reason == services.AFTER_DECISION_WITHDRAWN


# --- Point 9: a child's safeguarding referral ---------------------------------------------------


CHILD = {"age_group": AgeGroup.CHILD, "consent": Consent.NOT_NEEDED}


def test_a_child_needs_the_safeguarding_referral_or_a_reason(officer):
    with pytest.raises(DutiesError, match="safeguarding referral to children's services"):
        make_notification(officer, **CHILD)
    assert not SlaveryNotification.objects.exists()
    referred = make_notification(
        officer,
        **CHILD,
        safeguarding_referral_made=True,
        safeguarding_referral_on=today() - timedelta(days=1),
        safeguarding_referral_to="Children's social care",
    )
    reasoned = make_notification(
        officer, **CHILD, safeguarding_not_made_reason="Already open to children's services."
    )
    assert reasoned.safeguarding_not_made_reason == "Already open to children's services."
    assert referred.safeguarding_not_made_reason == ""
    # An adult needs neither.
    make_notification(officer)

    with pytest.raises(DutiesError, match="safeguarding referral to children's services"):
        services.slavery_notification_update(
            actor=officer,
            notification=referred,
            exploitation_types=["labour"],
            safeguarding_referral_made=False,
        )


def test_the_database_refuses_a_child_without_either(officer):
    child = make_notification(officer, **CHILD, safeguarding_not_made_reason="Reason (synthetic)")
    with pytest.raises(IntegrityError):
        SlaveryNotification.objects.filter(pk=child.pk).update(safeguarding_not_made_reason="")


def test_the_form_asks_for_the_reason_beside_the_field(as_user, officer):
    from somerset_safety.accounts.models import Agency

    encounter = today() - timedelta(days=2)
    data = {
        "encounter_date_0": encounter.day,
        "encounter_date_1": encounter.month,
        "encounter_date_2": encounter.year,
        "age_group": "child",
        "consent": "not_needed",
        "route": "nrm",
        "person_name": "Synthetic Child",
        "exploitation_types": ["criminal"],
        "first_responder": Agency.objects.get(code="CST").pk,
        "submitted_on_0": encounter.day,
        "submitted_on_1": encounter.month,
        "submitted_on_2": encounter.year,
        "safeguarding_referral_made": "no",
    }
    response = as_user(officer).post(reverse("duties:slavery_create"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter why no safeguarding referral to children&#x27;s services has been made" in page
    assert 'href="#id_safeguarding_not_made_reason"' in page
    assert "Synthetic Child" in page  # what was typed is kept
    assert not SlaveryNotification.objects.exists()


# --- Point 10: ASB Case Review ------------------------------------------------------------------


def test_asb_case_review_duty_is_in_the_register_with_its_obligations(as_user, officer):
    duty = Duty.objects.get(code="asbcpa-s104")
    assert duty.act == "Anti-social Behaviour, Crime and Policing Act 2014"
    assert duty.section == "Section 104 and Schedule 4"
    assert duty.in_force_on == date(2014, 10, 20)
    assert list(duty.obligations.values_list("title", "cycle_months")) == [
        ("Case review procedure published", 12),
        ("Case reviews held when the threshold is met", 12),
        ("Annual publication of case review numbers", 12),
    ]
    page = as_user(officer).get(reverse("duties:register")).content.decode()
    assert "Anti-social behaviour case review (Community Trigger)" in page
