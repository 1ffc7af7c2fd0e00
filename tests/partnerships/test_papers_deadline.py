"""The MARAC papers deadline: once the agenda has gone out, every invited agency's research
returns are due two working days before the meeting. It is the area's coordinators' to chase,
met on the date of the last return, and closed if the meeting concludes or is cancelled first."""

import datetime as dt

import pytest

from partnerships import services
from partnerships.deadlines import KIND_PAPERS
from somerset_safety.deadlines.models import Deadline

from .factories import PersonFactory, ReferralFactory

pytestmark = pytest.mark.django_db

MEETING_DAY = dt.date(2024, 7, 10)  # a Wednesday: two working days before is Monday 8 July


@pytest.fixture
def meeting(today_is, coordinator, area, police, housing):
    today_is(dt.date(2024, 7, 1))
    area.coordinators.add(coordinator)
    ReferralFactory(
        area=area,
        referral_date=dt.date(2024, 6, 20),
        reference="OPEN1",
        victim=PersonFactory(full_name="Alex Example (synthetic)"),
        status="referred",
    )
    meeting = services.meeting_create(
        actor=coordinator, area=area, date=MEETING_DAY, chair=None, agencies=[police, housing]
    )
    services.meeting_generate_agenda(actor=coordinator, meeting=meeting)
    return meeting


def _papers(meeting):
    return Deadline.objects.filter(
        subject_type="partnerships.meeting", subject_id=meeting.pk, kind=KIND_PAPERS
    )


def _send(coordinator, meeting, today_is):
    today_is(dt.date(2024, 7, 3))
    services.meeting_send_agenda(actor=coordinator, meeting=meeting, sent_on=dt.date(2024, 7, 3))


def _return(rep, meeting, on):
    services.research_return_record(
        actor=rep,
        meeting=meeting,
        referral=meeting.agenda_items.get().cases.get().referral,
        information_held=False,
        researched_on=on,
    )


def test_no_papers_deadline_until_the_agenda_goes_out(meeting):
    assert not _papers(meeting).exists()


def test_met_on_the_date_of_the_last_return(meeting, coordinator, agency_rep, other_agency_rep, today_is):
    _send(coordinator, meeting, today_is)
    papers = _papers(meeting).get()
    assert papers.due_date == dt.date(2024, 7, 8) and papers.status == "open"
    assert list(papers.responsible_users.all()) == [coordinator]
    assert papers.label == "Research returns in for the TESTAREA MARAC of 10 July 2024"
    today_is(dt.date(2024, 7, 4))
    _return(agency_rep, meeting, dt.date(2024, 7, 4))  # the police: housing still to return
    assert _papers(meeting).get().status == "open"
    today_is(dt.date(2024, 7, 9))
    _return(other_agency_rep, meeting, dt.date(2024, 7, 9))  # housing, a day after it was due
    papers = _papers(meeting).get()
    assert papers.status == "met" and papers.met_on == dt.date(2024, 7, 9)


def test_closed_when_the_meeting_concludes_first(meeting, coordinator, agency_rep, today_is):
    _send(coordinator, meeting, today_is)
    today_is(MEETING_DAY)
    _return(agency_rep, meeting, MEETING_DAY)
    services.meeting_start(actor=coordinator, meeting=meeting)
    services.agenda_item_record(
        actor=coordinator, item=meeting.agenda_items.get(), minutes="Discussed (synthetic)"
    )
    services.meeting_conclude(actor=coordinator, meeting=meeting)
    papers = _papers(meeting).get()
    assert papers.status == "closed"
    assert papers.closed_reason == "Meeting concluded before every research return was in"


def test_closed_when_the_meeting_is_cancelled(meeting, coordinator, today_is):
    _send(coordinator, meeting, today_is)
    services.meeting_cancel(actor=coordinator, meeting=meeting, reason="No chair (synthetic)")
    papers = _papers(meeting).get()
    assert papers.status == "closed" and papers.closed_reason == "Meeting cancelled"
