"""The platform meetings mechanism, through MARAC's kind (the first body to use it): patterns,
numbering and time slots, carry-forward to any later meeting, cancelling, minutes approval,
other business, the papers-ready email and the delete guard. Expected values worked by hand."""

import datetime as dt

import pytest
from django.core import mail
from django.db.models import ProtectedError

from partnerships import services as marac
from partnerships.exceptions import MaracError
from partnerships.models import AgendaSection, Meeting
from somerset_safety.accounts.models import Agency
from somerset_safety.accounts.roles import Role
from somerset_safety.meetings import selectors
from somerset_safety.meetings import services as meetings
from somerset_safety.meetings.models import (
    Action,
    ActionStatus,
    CarryReason,
    Frequency,
    MeetingStatus,
    PapersNotice,
)
from somerset_safety.meetings.notices import papers_ready_send
from tests.factories import UserFactory
from tests.partnerships.factories import MaracAreaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def area(db):
    return MaracAreaFactory(code="MECH", name="Mechanism MARAC (synthetic)")


@pytest.fixture
def body(area):
    return meetings.body_for(area)


def _pattern(body, **values):
    for name, value in values.items():
        setattr(body, name, value)
    return body


# --- The year's meetings from a pattern --------------------------------------------------------


def test_second_tuesday_of_each_month(body):
    _pattern(body, frequency=Frequency.MONTHLY, weekday=1, week_of_month=2)
    dates = selectors.pattern_dates(body, dt.date(2026, 1, 1), dt.date(2026, 4, 30))
    assert dates == [dt.date(2026, 1, 13), dt.date(2026, 2, 10), dt.date(2026, 3, 10), dt.date(2026, 4, 14)]


def test_last_friday_of_each_month(body):
    _pattern(body, frequency=Frequency.MONTHLY, weekday=4, week_of_month=-1)
    dates = selectors.pattern_dates(body, dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert dates == [dt.date(2026, 1, 30), dt.date(2026, 2, 27), dt.date(2026, 3, 27)]


def test_fortnightly_wednesday_counts_from_its_first_date(body):
    _pattern(body, frequency=Frequency.FORTNIGHTLY, weekday=2, first_date=dt.date(2025, 12, 31))
    dates = selectors.pattern_dates(body, dt.date(2026, 1, 1), dt.date(2026, 2, 15))
    assert dates == [dt.date(2026, 1, 14), dt.date(2026, 1, 28), dt.date(2026, 2, 11)]


def test_every_tuesday(body):
    _pattern(body, frequency=Frequency.WEEKLY, weekday=1)
    dates = selectors.pattern_dates(body, dt.date(2026, 3, 1), dt.date(2026, 3, 20))
    assert dates == [dt.date(2026, 3, 3), dt.date(2026, 3, 10), dt.date(2026, 3, 17)]


def test_quarterly_takes_its_months_from_the_first_date(body):
    _pattern(body, frequency=Frequency.QUARTERLY, weekday=3, week_of_month=1, first_date=dt.date(2025, 5, 1))
    dates = selectors.pattern_dates(body, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    # May, August, November and February: the first Thursday of each.
    assert dates == [dt.date(2026, 2, 5), dt.date(2026, 5, 7), dt.date(2026, 8, 6), dt.date(2026, 11, 5)]


def test_proposals_flag_bank_holidays_and_meetings_already_scheduled(coordinator, area, body):
    _pattern(body, frequency=Frequency.WEEKLY, weekday=0).save()
    existing = marac.meeting_create(
        actor=coordinator, area=area, date=dt.date(2026, 5, 11), chair=None, agencies=[]
    )
    proposals = selectors.proposed_meetings(body, dt.date(2026, 5, 1), dt.date(2026, 5, 31))
    assert [(p.date.day, p.bank_holiday, p.existing) for p in proposals] == [
        (4, True, None),  # Early May bank holiday
        (11, False, existing),
        (18, False, None),
        (25, True, None),  # Spring bank holiday
    ]


def test_pattern_needs_its_parts(coordinator, body):
    with pytest.raises(Exception, match="which week of the month"):
        meetings.body_update_pattern(
            actor=coordinator, body=body, values={"frequency": "monthly", "weekday": 1}
        )
    with pytest.raises(Exception, match="date the body met"):
        meetings.body_update_pattern(
            actor=coordinator, body=body, values={"frequency": "fortnightly", "weekday": 1}
        )
    meetings.body_update_pattern(
        actor=coordinator,
        body=body,
        values={"frequency": "weekly", "weekday": 2, "start_time": dt.time(9, 30)},
    )
    body.refresh_from_db()
    assert (body.frequency, body.weekday, body.start_time) == ("weekly", 2, dt.time(9, 30))


def test_a_pattern_saved_over_a_newer_one_is_refused_and_nothing_is_saved(coordinator, area, body, as_user):
    from django.urls import reverse

    from somerset_safety.core.edits import StaleEdit, record_version

    opened = record_version(body)  # the coordinator opens the schedule page
    page = as_user(coordinator).get(reverse("partnerships:area_schedule", args=[area.code])).content.decode()
    assert 'name="expected_version"' in page
    meetings.body_update_pattern(
        actor=coordinator, body=body, values={"venue": "Taunton Library (synthetic)"}
    )
    with pytest.raises(StaleEdit, match="They changed: Venue"):
        meetings.body_update_pattern(
            actor=coordinator, body=body, values={"item_minutes": 20}, expected_version=opened
        )
    body.refresh_from_db()
    assert (body.venue, body.item_minutes) == ("Taunton Library (synthetic)", 15)


def test_year_of_meetings_all_or_none(coordinator, area, body):
    marac.meeting_create(actor=coordinator, area=area, date=dt.date(2026, 6, 2), chair=None, agencies=[])
    with pytest.raises(MaracError, match="already has a meeting on 2 June 2026"):
        marac.meetings_schedule_year(
            actor=coordinator, area=area, dates=[dt.date(2026, 5, 26), dt.date(2026, 6, 2)], agencies=[]
        )
    assert Meeting.objects.count() == 1
    made = marac.meetings_schedule_year(
        actor=coordinator, area=area, dates=[dt.date(2026, 6, 16), dt.date(2026, 6, 9)], agencies=[]
    )
    assert [m.date for m in made] == [dt.date(2026, 6, 9), dt.date(2026, 6, 16)]


# --- Agenda numbers and time slots ---------------------------------------------------------------


def test_item_numbers_run_through_the_agenda_with_time_slots(coordinator, area, make_referral):
    meeting = marac.meeting_create(
        actor=coordinator,
        area=area,
        date=dt.date(2024, 7, 1),
        chair=None,
        agencies=[],
        start_time=dt.time(9, 30),
    )
    make_referral(children_in_household=0, referral_date=dt.date(2024, 6, 1))
    make_referral(children_in_household=1, referral_date=dt.date(2024, 6, 2))
    make_referral(children_in_household=2, referral_date=dt.date(2024, 6, 3))
    marac.meeting_generate_agenda(actor=coordinator, meeting=meeting)
    marac.agenda_add_other_business(actor=coordinator, meeting=meeting, title="Protocol review (synthetic)")
    rows = selectors.agenda(meeting)
    # Children first (two items), then without (one), then other business: 1 to 4, 15 minutes each.
    assert [(r.number, r.item.section, r.starts) for r in rows] == [
        (1, AgendaSection.NEW_WITH_CHILDREN, dt.time(9, 30)),
        (2, AgendaSection.NEW_WITH_CHILDREN, dt.time(9, 45)),
        (3, AgendaSection.NEW_WITHOUT_CHILDREN, dt.time(10, 0)),
        (4, AgendaSection.ANY_OTHER_BUSINESS, dt.time(10, 15)),
    ]


def test_other_business_needs_words_and_an_open_meeting(coordinator, area):
    meeting = marac.meeting_create(
        actor=coordinator, area=area, date=dt.date(2024, 7, 1), chair=None, agencies=[]
    )
    with pytest.raises(MaracError, match="what the item is about"):
        marac.agenda_add_other_business(actor=coordinator, meeting=meeting, title="   ")
    marac.meeting_cancel(actor=coordinator, meeting=meeting, reason="Room unavailable")
    with pytest.raises(MaracError, match="before the meeting concludes"):
        marac.agenda_add_other_business(actor=coordinator, meeting=meeting, title="Late item")


# --- Carry-forward to any later meeting ------------------------------------------------------


@pytest.fixture
def four_meetings(coordinator, area, make_referral):
    """Meetings on 4 November, 2 December, 6 January and 3 February with an action agreed at the
    first, and the second in progress."""
    police = Agency.objects.get(code="POLICE")
    dates = [dt.date(2024, 11, 4), dt.date(2024, 12, 2), dt.date(2025, 1, 6), dt.date(2025, 2, 3)]
    made = [
        marac.meeting_create(actor=coordinator, area=area, date=d, chair=None, agencies=[police])
        for d in dates
    ]
    make_referral(referral_date=dt.date(2024, 10, 20))
    first = made[0]
    marac.meeting_generate_agenda(actor=coordinator, meeting=first)
    marac.meeting_start(actor=coordinator, meeting=first)
    item = first.agenda_items.get()
    marac.agenda_item_record(actor=coordinator, item=item, minutes="Discussed")
    action = marac.action_create(
        actor=coordinator,
        item=item,
        agency=Agency.objects.get(code="HOUSING"),
        description="Locks (synthetic)",
        due_date=dt.date(2024, 11, 20),
    )
    marac.meeting_conclude(actor=coordinator, meeting=first)
    marac.meeting_generate_agenda(actor=coordinator, meeting=made[1])
    marac.meeting_start(actor=coordinator, meeting=made[1])
    return made, action


def test_carried_to_the_meeting_after_next_skips_the_next_and_appears_with_reason(coordinator, four_meetings):
    (nov, dec, jan, feb), action = four_meetings
    targets = selectors.carry_targets(action)
    assert targets.current == dec and targets.later == [jan, feb]
    carried = marac.action_carry_forward(
        actor=coordinator, action=action, to_meeting=feb, reason=CarryReason.CIRCUMSTANCES_CHANGED
    )
    assert (carried.meeting_id, carried.review_at_id, carried.due_date) == (
        dec.pk,
        feb.pk,
        dt.date(2025, 2, 3),
    )
    marac.agenda_item_record(actor=coordinator, item=dec.agenda_items.get(), minutes="Reviewed")
    marac.meeting_conclude(actor=coordinator, meeting=dec)
    marac.meeting_generate_agenda(actor=coordinator, meeting=jan)
    assert jan.agenda_items.count() == 0  # not January's
    marac.meeting_generate_agenda(actor=coordinator, meeting=feb)
    assert list(feb.agenda_items.values_list("section", flat=True)) == [AgendaSection.CARRIED_FORWARD]
    assert list(selectors.open_for_review(feb)) == [carried]
    assert carried.get_carry_reason_display() == "Could not be done because circumstances changed"
    assert carried.meeting.date == dt.date(2024, 12, 2)  # "from the meeting of 2 December"


def test_carried_to_the_next_meeting_comes_back_there(coordinator, four_meetings):
    (nov, dec, jan, feb), action = four_meetings
    carried = marac.action_carry_forward(
        actor=coordinator, action=action, to_meeting=dec, reason=CarryReason.AGENCY_DID_NOT_COMPLETE
    )
    assert selectors.review_meeting(carried) == jan
    assert carried not in selectors.open_for_review(dec)


def test_a_meeting_cannot_conclude_while_an_action_carried_to_it_is_open(coordinator, four_meetings):
    (nov, dec, jan, feb), action = four_meetings
    carried = marac.action_carry_forward(
        actor=coordinator, action=action, to_meeting=jan, reason=CarryReason.AGENCY_DID_NOT_COMPLETE
    )
    marac.agenda_item_record(actor=coordinator, item=dec.agenda_items.get(), minutes="Reviewed")
    marac.meeting_conclude(actor=coordinator, meeting=dec)
    marac.meeting_generate_agenda(actor=coordinator, meeting=jan)
    marac.meeting_start(actor=coordinator, meeting=jan)
    marac.agenda_item_record(actor=coordinator, item=jan.agenda_items.get(), minutes="Reviewed")
    with pytest.raises(MaracError, match="carried forward to this one"):
        marac.meeting_conclude(actor=coordinator, meeting=jan)
    marac.action_complete(
        actor=coordinator, action=carried, outcome="Fitted", completed_on=dt.date(2025, 1, 6)
    )
    marac.meeting_conclude(actor=coordinator, meeting=jan)


def test_carry_refused_to_a_meeting_the_action_already_comes_back_to_before(coordinator, area, four_meetings):
    (nov, dec, jan, feb), action = four_meetings
    with pytest.raises(MaracError, match="later meeting"):
        marac.action_carry_forward(
            actor=coordinator, action=action, to_meeting=nov, reason=CarryReason.AGENCY_DID_NOT_COMPLETE
        )
    marac.meeting_cancel(actor=coordinator, meeting=feb, reason="Clash")
    with pytest.raises(MaracError, match="cancelled"):
        marac.action_carry_forward(
            actor=coordinator, action=action, to_meeting=feb, reason=CarryReason.AGENCY_DID_NOT_COMPLETE
        )
    assert Action.objects.count() == 1


def test_cancelling_a_meeting_sends_its_carried_actions_to_the_next(coordinator, four_meetings):
    (nov, dec, jan, feb), action = four_meetings
    carried = marac.action_carry_forward(
        actor=coordinator, action=action, to_meeting=jan, reason=CarryReason.CIRCUMSTANCES_CHANGED
    )
    marac.meeting_cancel(actor=coordinator, meeting=jan, reason="Snow (synthetic)")
    carried.refresh_from_db()
    # Carried at December for January; January cancelled: it comes back at the next meeting, February.
    assert carried.review_at_id is None and selectors.review_meeting(carried) == feb


def test_owner_must_work_for_the_agency(coordinator, four_meetings, housing, police):
    (nov, dec, jan, feb), action = four_meetings
    police_officer = UserFactory(agency=police, roles=[Role.AGENCY_REP])
    with pytest.raises(MaracError, match="must work for Housing services"):
        marac.action_assign(actor=coordinator, action=action, owner=police_officer)
    owner = UserFactory(agency=housing, roles=[Role.AGENCY_REP])
    marac.action_assign(actor=coordinator, action=action, owner=owner)
    action.refresh_from_db()
    assert action.owner == owner


def test_progress_only_on_open_actions(coordinator, four_meetings):
    (nov, dec, jan, feb), action = four_meetings
    with pytest.raises(MaracError, match="Enter the progress"):
        marac.action_add_update(actor=coordinator, action=action, text=" ")
    marac.action_add_update(actor=coordinator, action=action, text="Locksmith booked")
    marac.action_complete(
        actor=coordinator, action=action, outcome="Fitted", completed_on=dt.date(2024, 11, 25)
    )
    with pytest.raises(MaracError, match="open action"):
        marac.action_add_update(actor=coordinator, action=action, text="More")
    assert [u.text for u in action.updates.all()] == ["Locksmith booked"]


def test_one_status_for_an_action(four_meetings):
    """Due 20 November, read from its stored deadline (MARAC actions are due soon 7 days before):
    Open on 12 November (8 days to go), Due soon from 13 November to the day itself, Overdue from
    21 November."""
    _, action = four_meetings
    assert selectors.state_of(action, dt.date(2024, 11, 12)).label == "Open"
    assert selectors.state_of(action, dt.date(2024, 11, 13)).label == "Due soon"
    assert selectors.state_of(action, dt.date(2024, 11, 20)).label == "Due soon"
    assert selectors.state_of(action, dt.date(2024, 11, 21)).label == "Overdue"
    assert list(selectors.overdue(Action.objects.all(), dt.date(2024, 11, 20))) == []
    assert list(selectors.overdue(Action.objects.all(), dt.date(2024, 11, 21))) == [action]
    listed = selectors.with_state(Action.objects.all(), dt.date(2024, 11, 21)).get()
    assert selectors.action_state(listed).label == "Overdue"
    action.status = ActionStatus.CARRIED_FORWARD
    assert selectors.state_of(action, dt.date(2025, 1, 1)).label == "Carried forward"


# --- Minutes approval, cancelling, details -------------------------------------------------------


def test_minutes_approved_once_after_conclusion(coordinator, four_meetings):
    (nov, dec, jan, feb), _ = four_meetings
    with pytest.raises(MaracError, match="after the meeting has concluded"):
        marac.meeting_approve_minutes(actor=coordinator, meeting=dec, approved_on=dt.date(2024, 12, 3))
    with pytest.raises(MaracError, match="between the meeting and today"):
        marac.meeting_approve_minutes(actor=coordinator, meeting=nov, approved_on=dt.date(2024, 11, 1))
    marac.meeting_approve_minutes(actor=coordinator, meeting=nov, approved_on=dt.date(2024, 12, 2))
    nov.refresh_from_db()
    assert nov.minutes_approved_on == dt.date(2024, 12, 2) and nov.minutes_approved_by == coordinator
    with pytest.raises(MaracError, match="already been approved"):
        marac.meeting_approve_minutes(actor=coordinator, meeting=nov, approved_on=dt.date(2024, 12, 2))


def test_cancel_needs_a_reason_and_frees_the_date(coordinator, area):
    meeting = marac.meeting_create(
        actor=coordinator, area=area, date=dt.date(2024, 7, 1), chair=None, agencies=[]
    )
    with pytest.raises(MaracError, match="reason"):
        marac.meeting_cancel(actor=coordinator, meeting=meeting, reason="")
    marac.meeting_cancel(actor=coordinator, meeting=meeting, reason="Chair unwell")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    marac.meeting_create(actor=coordinator, area=area, date=dt.date(2024, 7, 1), chair=None, agencies=[])
    with pytest.raises(MaracError, match="has not started"):
        marac.meeting_cancel(actor=coordinator, meeting=meeting, reason="Again")


def test_details_change_and_date_fixed_once_papers_sent(coordinator, area, make_referral):
    meeting = marac.meeting_create(
        actor=coordinator, area=area, date=dt.date(2024, 7, 1), chair=None, agencies=[]
    )
    with pytest.raises(MaracError, match="end after it starts"):
        marac.meeting_update_details(
            actor=coordinator, meeting=meeting, values={"start_time": dt.time(10), "end_time": dt.time(9)}
        )
    marac.meeting_update_details(
        actor=coordinator,
        meeting=meeting,
        values={"start_time": dt.time(9, 30), "venue": " Room 2 (synthetic) ", "date": dt.date(2024, 7, 2)},
    )
    meeting.refresh_from_db()
    assert (meeting.date, meeting.start_time, meeting.venue) == (
        dt.date(2024, 7, 2),
        dt.time(9, 30),
        "Room 2 (synthetic)",
    )
    make_referral()
    marac.meeting_generate_agenda(actor=coordinator, meeting=meeting)
    marac.meeting_send_agenda(actor=coordinator, meeting=meeting, sent_on=dt.date(2024, 6, 25))
    with pytest.raises(MaracError, match="cannot change once the papers have gone out"):
        marac.meeting_update_details(actor=coordinator, meeting=meeting, values={"date": dt.date(2024, 7, 3)})


# --- Papers-ready email and the delete guard -----------------------------------------------------


def test_papers_ready_email_names_nothing_and_is_sent_once(
    coordinator, area, make_referral, police, housing, django_capture_on_commit_callbacks
):
    rep = UserFactory(agency=police, roles=[Role.AGENCY_REP], email="rep@police.invalid")
    UserFactory(agency=housing, roles=[Role.AGENCY_REP], email="not.invited@housing.invalid")
    meeting = marac.meeting_create(
        actor=coordinator, area=area, date=dt.date(2024, 7, 1), chair=None, agencies=[police]
    )
    referral = make_referral()
    marac.meeting_generate_agenda(actor=coordinator, meeting=meeting)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        marac.meeting_send_agenda(actor=coordinator, meeting=meeting, sent_on=dt.date(2024, 6, 24))
    to = sorted(address for message in mail.outbox for address in message.to)
    assert to == sorted([coordinator.email, rep.email])
    body = mail.outbox[0].body
    assert "papers" in body.lower() and meeting.get_absolute_url() in body
    for secret in (referral.reference, referral.victim.full_name, referral.victim.reference, "Mechanism"):
        assert secret not in body and secret not in mail.outbox[0].subject
    assert papers_ready_send(meeting_id=meeting.pk, papers="agenda") == 0
    assert len(mail.outbox) == 2 and PapersNotice.objects.count() == 2


def test_a_subject_on_a_meeting_record_cannot_be_deleted(coordinator, four_meetings):
    _, action = four_meetings
    with pytest.raises(ProtectedError):
        action.referral.delete()
    with pytest.raises(ProtectedError):
        action.referral.victim.delete()
