"""MARAC meeting pages beyond the agenda: details, cancelling, other business, minutes approval,
the year's meetings from the pattern, an action's owner and progress, one status everywhere,
the warning for a victim already on an agenda, escalation of an overdue action."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from partnerships import services
from partnerships.models import Action, AgendaSection, Meeting, MeetingStatus
from somerset_safety.accounts.models import Agency
from somerset_safety.accounts.roles import Role
from somerset_safety.deadlines.models import Deadline
from somerset_safety.meetings.models import ActionUpdate, Body
from tests.factories import UserFactory

from .test_views import split

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(coordinator, area, make_referral, police, housing):
    """A concluded meeting on 1 July 2024 with one case and one housing action due 15 July."""
    meeting = services.meeting_create(
        actor=coordinator, area=area, date=dt.date(2024, 7, 1), chair=None, agencies=[police, housing]
    )
    referral = make_referral()
    services.meeting_generate_agenda(actor=coordinator, meeting=meeting)
    services.meeting_start(actor=coordinator, meeting=meeting)
    item = meeting.agenda_items.get()
    services.agenda_item_record(actor=coordinator, item=item, minutes="Discussed (synthetic)")
    action = services.action_create(
        actor=coordinator,
        item=item,
        agency=housing,
        description="Fit locks (synthetic)",
        due_date=dt.date(2024, 7, 15),
    )
    services.meeting_conclude(actor=coordinator, meeting=meeting)
    return meeting, referral, action


def test_coordinator_changes_details_others_cannot(
    as_user, coordinator, officer, other_agency_rep, area, police
):
    meeting = services.meeting_create(
        actor=coordinator, area=area, date=dt.date(2030, 7, 1), chair=None, agencies=[police]
    )
    url = reverse("partnerships:meeting_edit", args=[meeting.pk])
    assert as_user(officer).get(url).status_code == 403
    assert as_user(other_agency_rep).get(url).status_code == 404
    response = as_user(coordinator).post(
        url,
        {**split("date", dt.date(2030, 7, 2)), "start_time": "09:30", "end_time": "09:00", "venue": "Hall"},
    )
    assert "The end time must be after the start time" in response.content.decode()
    response = as_user(coordinator).post(
        url,
        {
            **split("date", dt.date(2030, 7, 2)),
            "start_time": "09:30",
            "end_time": "12:30",
            "venue": "Council Hall (synthetic)",
            "online_link": "https://meet.example.invalid/marac",
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.date, meeting.start_time, meeting.venue) == (
        dt.date(2030, 7, 2),
        dt.time(9, 30),
        "Council Hall (synthetic)",
    )
    body = as_user(coordinator).get(meeting.get_absolute_url()).content.decode()
    assert (
        "09:30 to 12:30" in body
        and "Council Hall (synthetic)" in body
        and "https://meet.example.invalid/marac" in body
    )


def test_cancel_page_returns_new_cases_to_waiting(as_user, coordinator, area, make_referral):
    meeting = services.meeting_create(
        actor=coordinator, area=area, date=dt.date(2024, 7, 1), chair=None, agencies=[]
    )
    referral = make_referral()
    services.meeting_generate_agenda(actor=coordinator, meeting=meeting)
    client = as_user(coordinator)
    url = reverse("partnerships:meeting_cancel", args=[meeting.pk])
    assert "Enter the reason for cancelling the meeting" in client.post(url, {"reason": ""}).content.decode()
    assert client.post(url, {"reason": "No chair available"}).status_code == 302
    meeting.refresh_from_db()
    referral.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED and referral.status == "referred"
    assert not Deadline.objects.filter(
        subject_type="partnerships.meeting", subject_id=meeting.pk, status="open"
    ).exists()
    assert "No chair available" in client.get(meeting.get_absolute_url()).content.decode()


def test_other_business_and_minutes_for_it(as_user, coordinator, area):
    meeting = services.meeting_create(
        actor=coordinator, area=area, date=dt.date(2024, 7, 1), chair=None, agencies=[]
    )
    client = as_user(coordinator)
    client.post(
        reverse("partnerships:meeting_other_business", args=[meeting.pk]), {"title": "Protocol review"}
    )
    item = meeting.agenda_items.get()
    assert item.section == AgendaSection.ANY_OTHER_BUSINESS and item.title == "Protocol review"
    services.meeting_start(actor=coordinator, meeting=meeting)
    page = client.get(reverse("partnerships:agenda_item", args=[item.pk])).content.decode()
    assert "Minutes for this item" in page and "Item 1: Protocol review" in page
    client.post(reverse("partnerships:agenda_item", args=[item.pk]), {"minutes": "Agreed (synthetic)"})
    services.meeting_conclude(actor=coordinator, meeting=meeting)
    response = client.post(
        reverse("partnerships:meeting_approve", args=[meeting.pk]), split("approved_on", dt.date.today())
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes_approved_on == dt.date.today()


@time_machine.travel(dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC), tick=False)
def test_year_of_meetings_from_the_pattern(as_user, coordinator, officer, area):
    client = as_user(coordinator)
    url = reverse("partnerships:area_schedule", args=[area.code])
    assert as_user(officer).get(url).status_code == 403
    response = client.post(
        url + "?year=2026", {"form": "pattern", "frequency": "monthly", "weekday": "1", "item_minutes": "15"}
    )
    assert "Choose which week of the month it meets" in response.content.decode()
    client.post(
        url + "?year=2026",
        {
            "form": "pattern",
            "frequency": "monthly",
            "weekday": "1",
            "week_of_month": "2",
            "start_time": "10:00",
            "item_minutes": "12",
        },
    )
    body = Body.objects.get(owner_id=area.pk)
    assert (body.week_of_month, body.start_time, body.item_minutes) == (2, dt.time(10), 12)
    page = client.get(url + "?year=2026").content.decode()
    # From 1 March 2026: the second Tuesday of March to December, ten dates.
    assert "Tuesday 10 March 2026" in page and "Tuesday 8 December 2026" in page and "February" not in page
    response = client.post(url + "?year=2026", {"form": "dates", "dates": ["2026-03-10", "2026-04-14"]})
    assert response.status_code == 302
    made = list(Meeting.objects.filter(body=body).order_by("date"))
    assert [(m.date, m.start_time) for m in made] == [
        (dt.date(2026, 3, 10), dt.time(10)),
        (dt.date(2026, 4, 14), dt.time(10)),
    ]
    assert made[0].attendances.filter(agency__code="POLICE").exists()
    assert "already scheduled" in client.get(url + "?year=2026").content.decode()
    assert "Tick at least one date" in client.post(url + "?year=2026", {"form": "dates"}).content.decode()
    assert client.get(url + "?year=2031").status_code == 404


def test_second_referral_of_a_victim_on_an_agenda_warns(as_user, coordinator, area, make_referral):
    first = make_referral(referral_date=dt.date(2024, 6, 1))
    meeting = services.meeting_create(
        actor=coordinator, area=area, date=dt.date(2030, 7, 1), chair=None, agencies=[]
    )
    services.meeting_generate_agenda(actor=coordinator, meeting=meeting)
    from .test_views import referral_post

    response = as_user(coordinator).post(
        reverse("partnerships:referral_create"),
        referral_post(area, victim_match=str(first.victim_id), **split("referral_date", dt.date(2024, 6, 3))),
        follow=True,
    )
    assert (
        f"Victim {first.victim.reference} is already item 1 on the agenda of the meeting of 1 July 2030"
        in (response.content.decode())
    )
    result = services.meeting_generate_agenda(actor=coordinator, meeting=meeting)
    item = meeting.agenda_items.get()
    assert item.cases.count() == 2 and result.several_referrals == [(1, first.victim.reference, 2)]
    page = as_user(coordinator).get(meeting.get_absolute_url()).content.decode()
    assert f"Victim {first.victim.reference} has 2 referrals on this agenda" in page


def test_an_action_reads_the_same_everywhere(as_user, coordinator, held):
    meeting, referral, action = held
    following = services.meeting_create(
        actor=coordinator, area=meeting.area, date=dt.date(2024, 8, 1), chair=None, agencies=[]
    )
    services.meeting_generate_agenda(actor=coordinator, meeting=following)
    pages = [
        following.get_absolute_url(),
        referral.get_absolute_url(),
        reverse("partnerships:action_list"),
        action.get_absolute_url(),
    ]
    with time_machine.travel(dt.datetime(2024, 7, 7, 12, tzinfo=dt.UTC), tick=False):
        client = as_user(coordinator)
        for url in pages:
            body = client.get(url).content.decode()
            assert 'govuk-tag--blue">Open<' in body and 'govuk-tag--red">Overdue<' not in body, url
    # Due 15 July: due soon from 8 July (7 days) to the day itself, not yet overdue.
    with time_machine.travel(dt.datetime(2024, 7, 15, 12, tzinfo=dt.UTC), tick=False):
        client = as_user(coordinator)
        for url in pages:
            body = client.get(url).content.decode()
            assert 'govuk-tag--yellow">Due soon<' in body and 'govuk-tag--red">Overdue<' not in body, url
    with time_machine.travel(dt.datetime(2024, 7, 16, 12, tzinfo=dt.UTC), tick=False):
        client = as_user(coordinator)
        for url in pages:
            assert 'govuk-tag--red">Overdue<' in client.get(url).content.decode(), url
        assert "1 action" in client.get(reverse("partnerships:action_list") + "?overdue=yes").content.decode()


def test_owner_and_progress_by_the_agency(as_user, coordinator, other_agency_rep, agency_rep, held, housing):
    _, _, action = held
    colleague = UserFactory(agency=housing, roles=[Role.AGENCY_REP], full_name="Hal Housing (synthetic)")
    client = as_user(other_agency_rep)  # housing: the agency of the action
    assert (
        client.post(
            reverse("partnerships:action_assign", args=[action.pk]), {"owner": colleague.pk}
        ).status_code
        == 302
    )
    action.refresh_from_db()
    assert action.owner == colleague
    deadline = Deadline.objects.get(subject_type="partnerships.action", subject_id=action.pk)
    assert list(deadline.responsible_users.all()) == [colleague] and deadline.responsible_agency == housing
    client.post(
        reverse("partnerships:action_progress", args=[action.pk]), {"text": "Locksmith booked (synthetic)"}
    )
    assert ActionUpdate.objects.get().text == "Locksmith booked (synthetic)"
    page = client.get(action.get_absolute_url()).content.decode()
    assert "Locksmith booked (synthetic)" in page and "Hal Housing (synthetic)" in page
    # The police attend and see the action, but only the agency that owns it records progress.
    progress = reverse("partnerships:action_progress", args=[action.pk])
    assert as_user(agency_rep).get(progress).status_code == 403


def test_overdue_action_escalates_to_the_agency_lead(coordinator, held, housing):
    from somerset_safety.deadlines.models import ReminderSend
    from somerset_safety.deadlines.reminders import reminder_sweep

    _, _, action = held
    owner = UserFactory(agency=housing, roles=[Role.AGENCY_REP])
    lead = UserFactory(agency=housing, roles=[Role.AGENCY_REP])
    Agency.objects.filter(pk=housing.pk).update(lead=lead)
    services.action_assign(actor=coordinator, action=Action.objects.get(pk=action.pk), owner=owner)
    reminder_sweep(today=dt.date(2024, 7, 15))
    assert set(ReminderSend.objects.filter(escalation=False).values_list("recipient_id", flat=True)) == {
        owner.pk
    }
    reminder_sweep(today=dt.date(2024, 7, 29))  # 14 days overdue
    assert lead.pk in set(ReminderSend.objects.filter(escalation=True).values_list("recipient_id", flat=True))
