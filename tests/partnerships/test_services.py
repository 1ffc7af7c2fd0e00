import datetime as dt

import pytest

from partnerships import services
from partnerships.exceptions import MaracError
from partnerships.models import (
    Action,
    ActionStatus,
    AgendaSection,
    CarryReason,
    Meeting,
    MeetingStatus,
    Referral,
    ReferralStatus,
)
from somerset_safety.accounts.models import Agency
from somerset_safety.audit.models import AuditEvent
from somerset_safety.deadlines.models import Deadline, DeadlineStatus

from .factories import ActionFactory, MeetingFactory, ReferralFactory

pytestmark = pytest.mark.django_db


# --- Referral criteria ------------------------------------------------------------------------


def test_score_is_number_of_yes_answers_and_threshold_gives_visible_high_risk(make_referral):
    answers = {str(n): "yes" for n in range(1, 15)} | {"15": "no", "16": "not_known"}
    referral = make_referral(dash_answers=answers)
    assert referral.dash_score == 14
    assert referral.visible_high_risk is True
    assert referral.criteria_labels == ["Visible high risk"]
    assert AuditEvent.objects.filter(object_type="partnerships.referral", object_id=str(referral.pk)).exists()


def test_score_below_threshold_with_no_other_criterion_is_refused(make_referral):
    with pytest.raises(MaracError, match="meets none of the MARAC criteria"):
        make_referral(dash_answers={str(n): "yes" for n in range(1, 14)})
    assert Referral.objects.count() == 0


def test_threshold_is_a_setting(make_referral, settings):
    settings.MARAC_HIGH_RISK_THRESHOLD = 10
    assert make_referral(dash_answers={str(n): "yes" for n in range(1, 11)}).visible_high_risk


def test_professional_judgement_needs_reasons(make_referral):
    with pytest.raises(MaracError, match="reasons"):
        make_referral(dash_answers={}, professional_judgement=True, professional_judgement_reasons="  ")
    referral = make_referral(
        dash_answers={}, professional_judgement=True, professional_judgement_reasons="Fear"
    )
    assert referral.criteria_labels == ["Professional judgement"]


def test_potential_escalation_three_incidents(make_referral, settings):
    with pytest.raises(MaracError):
        make_referral(dash_answers={}, incidents_in_period=2)
    assert make_referral(dash_answers={}, incidents_in_period=3).potential_escalation is True
    settings.MARAC_ESCALATION_INCIDENTS = 6
    with pytest.raises(MaracError):
        make_referral(dash_answers={}, incidents_in_period=5)


def test_repeat_alone_meets_the_criteria(make_referral):
    first = make_referral(referral_date=dt.date(2024, 1, 10))
    second = make_referral(
        victim=first.victim, victim_details=None, dash_answers={}, referral_date=dt.date(2025, 1, 10)
    )
    assert second.is_repeat is True
    assert second.criteria_labels == ["Repeat"]
    with pytest.raises(MaracError):
        make_referral(
            victim=first.victim, victim_details=None, dash_answers={}, referral_date=dt.date(2026, 1, 11)
        )


def test_backdated_referral_makes_the_later_one_a_repeat(make_referral):
    later = make_referral(referral_date=dt.date(2024, 6, 1))
    assert later.is_repeat is False
    make_referral(victim=later.victim, victim_details=None, referral_date=dt.date(2024, 3, 1))
    later.refresh_from_db()
    assert later.is_repeat is True


def test_future_referral_date_and_incident_after_referral_refused(make_referral):
    with pytest.raises(MaracError, match="must be today or in the past"):
        make_referral(referral_date=dt.date.today() + dt.timedelta(days=2))
    with pytest.raises(MaracError, match="incident date"):
        make_referral(incident_date=dt.date(2024, 6, 2))


def test_withdraw_refused_once_heard_and_needs_reason(coordinator, make_referral):
    referral = make_referral()
    with pytest.raises(MaracError, match="reason"):
        services.referral_withdraw(actor=coordinator, referral=referral, reason=" ")
    services.referral_withdraw(actor=coordinator, referral=referral, reason="Entered in error")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.WITHDRAWN
    with pytest.raises(MaracError, match="cannot be withdrawn"):
        services.referral_withdraw(actor=coordinator, referral=referral, reason="Again")
    heard = ReferralFactory(status=ReferralStatus.HEARD, heard_date=dt.date(2024, 7, 1))
    with pytest.raises(MaracError, match="cannot be withdrawn"):
        services.referral_withdraw(actor=coordinator, referral=heard, reason="No")


# --- Meetings and agendas ---------------------------------------------------------------------


@pytest.fixture
def meeting_pair(coordinator, area):
    police = Agency.objects.get(code="POLICE")
    first = services.meeting_create(
        actor=coordinator, area=area, date=dt.date(2024, 7, 1), chair=None, agencies=[police]
    )
    second = services.meeting_create(
        actor=coordinator, area=area, date=dt.date(2024, 8, 1), chair=None, agencies=[police]
    )
    return first, second


def test_one_meeting_per_area_per_day(coordinator, area, meeting_pair):
    with pytest.raises(MaracError, match="already has a meeting"):
        services.meeting_create(
            actor=coordinator, area=area, date=dt.date(2024, 7, 1), chair=None, agencies=[]
        )


def test_agenda_order_and_idempotent(coordinator, area, meeting_pair, make_referral):
    first, second = meeting_pair
    no_children = make_referral(referral_date=dt.date(2024, 6, 1), children_in_household=0)
    with_children = make_referral(referral_date=dt.date(2024, 6, 5), children_in_household=2)
    services.meeting_generate_agenda(actor=coordinator, meeting=first)
    services.meeting_start(actor=coordinator, meeting=first)
    for item in first.agenda_items.all():
        services.agenda_item_record(actor=coordinator, item=item, minutes="Discussed")
    open_item = first.agenda_items.get(cases__referral=no_children)
    services.action_create(
        actor=coordinator,
        item=open_item,
        agency=Agency.objects.get(code="HOUSING"),
        description="Locks",
        due_date=dt.date(2024, 7, 20),
    )
    flagged = ReferralFactory(
        area=area, status=ReferralStatus.HEARD, heard_date=dt.date(2023, 8, 1), review_at_12_months=True
    )
    ReferralFactory(
        area=area, status=ReferralStatus.HEARD, heard_date=dt.date(2023, 8, 2), review_at_12_months=True
    )
    newer = make_referral(referral_date=dt.date(2024, 7, 10), children_in_household=0)
    later_than_meeting = make_referral(referral_date=dt.date(2024, 6, 1), children_in_household=1)
    later_than_meeting.referral_date = dt.date(2024, 8, 2)
    later_than_meeting.save()
    services.meeting_generate_agenda(actor=coordinator, meeting=second)
    items = list(
        second.agenda_items.order_by("section", "position").values_list("section", "cases__referral_id")
    )
    assert items == [
        (AgendaSection.CARRIED_ACTIONS, no_children.pk),
        (AgendaSection.NEW_WITHOUT_CHILDREN, newer.pk),
        (AgendaSection.TWELVE_MONTHS, flagged.pk),
    ]
    services.meeting_generate_agenda(actor=coordinator, meeting=second)
    assert second.agenda_items.count() == 3
    with_children.refresh_from_db()
    assert with_children.status == ReferralStatus.HEARD and with_children.heard_date == dt.date(2024, 7, 1)
    newer.refresh_from_db()
    assert newer.status == ReferralStatus.LISTED


def test_meeting_transitions_allowed_and_refused(coordinator, meeting_pair, make_referral):
    first, _ = meeting_pair
    make_referral()
    with pytest.raises(MaracError, match="in progress"):
        services.meeting_conclude(actor=coordinator, meeting=first)
    services.meeting_generate_agenda(actor=coordinator, meeting=first)
    item = first.agenda_items.get()
    with pytest.raises(MaracError, match="in progress"):
        services.agenda_item_record(actor=coordinator, item=item, minutes="x")
    services.meeting_start(actor=coordinator, meeting=first)
    first.refresh_from_db()
    assert first.status == MeetingStatus.IN_PROGRESS and first.confidentiality_confirmed_by == coordinator
    with pytest.raises(MaracError, match="already started"):
        services.meeting_start(actor=coordinator, meeting=first)
    with pytest.raises(MaracError, match="before the meeting starts"):
        services.meeting_generate_agenda(actor=coordinator, meeting=first)
    with pytest.raises(MaracError, match="no minutes"):
        services.meeting_conclude(actor=coordinator, meeting=first)
    with pytest.raises(MaracError, match="Enter the minutes"):
        services.agenda_item_record(actor=coordinator, item=item, minutes=" ")
    services.agenda_item_record(actor=coordinator, item=item, minutes="Discussed")
    services.meeting_conclude(actor=coordinator, meeting=first)
    first.refresh_from_db()
    assert first.status == MeetingStatus.CONCLUDED
    with pytest.raises(MaracError):
        services.meeting_conclude(actor=coordinator, meeting=first)
    with pytest.raises(MaracError, match="concluded"):
        services.meeting_record_attendance(actor=coordinator, meeting=first, entries={})


def test_agenda_sent_meets_papers_deadline(coordinator, meeting_pair, make_referral, settings):
    first, _ = meeting_pair
    deadline = Deadline.objects.get(subject_type="partnerships.meeting", subject_id=first.pk)
    assert deadline.due_date == dt.date(2024, 6, 24)  # 5 working days before Monday 1 July 2024
    with pytest.raises(MaracError, match="Generate the agenda"):
        services.meeting_send_agenda(actor=coordinator, meeting=first)
    services.meeting_generate_agenda(actor=coordinator, meeting=first)
    services.meeting_send_agenda(actor=coordinator, meeting=first, sent_on=dt.date(2024, 6, 20))
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.MET and deadline.met_on == dt.date(2024, 6, 20)
    with pytest.raises(MaracError, match="already"):
        services.meeting_send_agenda(actor=coordinator, meeting=first)


def test_remove_from_agenda_returns_new_case_to_referred(coordinator, meeting_pair, make_referral):
    first, _ = meeting_pair
    referral = make_referral()
    services.meeting_generate_agenda(actor=coordinator, meeting=first)
    services.agenda_item_remove(actor=coordinator, item=first.agenda_items.get())
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REFERRED


# --- Actions ----------------------------------------------------------------------------------


@pytest.fixture
def started(coordinator, meeting_pair, make_referral):
    first, second = meeting_pair
    make_referral()
    services.meeting_generate_agenda(actor=coordinator, meeting=first)
    services.meeting_start(actor=coordinator, meeting=first)
    item = first.agenda_items.get()
    services.agenda_item_record(actor=coordinator, item=item, minutes="Discussed")
    return first, second, item


def test_action_create_complete_and_deadline(coordinator, started):
    first, _, item = started
    housing = Agency.objects.get(code="HOUSING")
    with pytest.raises(MaracError, match="on or after"):
        services.action_create(
            actor=coordinator, item=item, agency=housing, description="x", due_date=dt.date(2024, 6, 1)
        )
    action = services.action_create(
        actor=coordinator, item=item, agency=housing, description="Locks", due_date=dt.date(2024, 7, 15)
    )
    deadline = Deadline.objects.get(subject_type="partnerships.action", subject_id=action.pk)
    assert deadline.responsible_agency == housing and deadline.label == "MARAC action for Housing services"
    with pytest.raises(MaracError, match="outcome"):
        services.action_complete(
            actor=coordinator, action=action, outcome="", completed_on=dt.date(2024, 7, 10)
        )
    services.action_complete(
        actor=coordinator, action=action, outcome="Fitted", completed_on=dt.date(2024, 7, 10)
    )
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.MET
    with pytest.raises(MaracError, match="Only an open action"):
        services.action_complete(
            actor=coordinator, action=action, outcome="Again", completed_on=dt.date(2024, 7, 10)
        )
    with pytest.raises(MaracError, match="Only an open action"):
        services.action_carry_forward(
            actor=coordinator, action=action, to_meeting=first, reason=CarryReason.CIRCUMSTANCES_CHANGED
        )


def test_carry_forward_rules_and_conclude_needs_them_dealt_with(coordinator, started, area):
    first, second, item = started
    action = services.action_create(
        actor=coordinator,
        item=item,
        agency=Agency.objects.get(code="HOUSING"),
        description="Locks",
        due_date=dt.date(2024, 7, 15),
    )
    services.meeting_conclude(actor=coordinator, meeting=first)
    services.meeting_generate_agenda(actor=coordinator, meeting=second)
    assert second.agenda_items.get().section == AgendaSection.CARRIED_ACTIONS
    services.meeting_start(actor=coordinator, meeting=second)
    services.agenda_item_record(actor=coordinator, item=second.agenda_items.get(), minutes="Reviewed")
    with pytest.raises(MaracError, match="from the last meeting"):
        services.meeting_conclude(actor=coordinator, meeting=second)
    with pytest.raises(MaracError, match="Choose why"):
        services.action_carry_forward(actor=coordinator, action=action, to_meeting=second, reason="")
    with pytest.raises(MaracError, match="later meeting"):
        services.action_carry_forward(
            actor=coordinator, action=action, to_meeting=first, reason=CarryReason.AGENCY_DID_NOT_COMPLETE
        )
    other_area = MeetingFactory(date=dt.date(2024, 9, 1))
    with pytest.raises(MaracError, match="same MARAC"):
        services.action_carry_forward(
            actor=coordinator,
            action=action,
            to_meeting=other_area,
            reason=CarryReason.AGENCY_DID_NOT_COMPLETE,
        )
    carried = services.action_carry_forward(
        actor=coordinator, action=action, to_meeting=second, reason=CarryReason.AGENCY_DID_NOT_COMPLETE
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.CARRIED_FORWARD
    assert (
        carried.carried_from == action and carried.meeting == second and carried.status == ActionStatus.OPEN
    )
    assert carried.due_date == dt.date(2024, 8, 1)
    assert not Deadline.objects.filter(
        subject_type="partnerships.action", subject_id=action.pk, status="open"
    ).exists()
    services.meeting_conclude(actor=coordinator, meeting=second)
    third = services.meeting_create(
        actor=coordinator, area=area, date=dt.date(2024, 9, 2), chair=None, agencies=[]
    )
    services.meeting_generate_agenda(actor=coordinator, meeting=third)
    assert list(third.agenda_items.values_list("section", flat=True)) == [AgendaSection.CARRIED_ACTIONS]


def test_carry_to_concluded_meeting_refused(coordinator, area):
    meeting = MeetingFactory(
        area=area,
        date=dt.date(2024, 7, 1),
        status=MeetingStatus.IN_PROGRESS,
        confidentiality_confirmed_at="2024-07-01T10:00Z",
    )
    later = MeetingFactory(
        area=area,
        date=dt.date(2024, 8, 1),
        status=MeetingStatus.CONCLUDED,
        confidentiality_confirmed_at="2024-08-01T10:00Z",
    )
    action = ActionFactory(meeting=meeting, referral=ReferralFactory(area=area))
    with pytest.raises(MaracError, match="concluded"):
        services.action_carry_forward(
            actor=coordinator, action=action, to_meeting=later, reason=CarryReason.CIRCUMSTANCES_CHANGED
        )
    assert Action.objects.count() == 1
    assert Meeting.objects.count() == 2


def test_twelve_month_deadline_for_flagged_heard_case(coordinator, started):
    _, _, item = started
    referral = item.cases.get().referral
    services.referral_update_handling(
        actor=coordinator, referral=referral, restricted=False, review_at_12_months=True, idva_allocated=True
    )
    deadline = Deadline.objects.get(subject_type="partnerships.referral", subject_id=referral.pk)
    assert deadline.due_date == dt.date(2025, 7, 1)
    assert "12 months" in deadline.label and "synthetic" not in deadline.label
