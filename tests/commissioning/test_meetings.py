"""Contract management meetings on the platform meetings mechanism: who is invited, the agenda
built from the returns received since the last meeting and the open risks (each once), actions on
the contract's action log with their deadline, the shared meeting and action pages, and access.
Expected values worked out by hand from the dates below."""

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from commissioning import services
from commissioning.clocks import Quarter
from commissioning.exceptions import CommissioningError
from commissioning.models import (
    ContractAction,
    ContractAgendaItem,
    ContractMeeting,
    ContractSection,
    Direction,
    Provider,
)
from commissioning.services.meetings import contract_meeting_build_agenda, contract_meeting_schedule
from somerset_safety.accounts.models import Agency
from somerset_safety.deadlines.models import Deadline
from somerset_safety.meetings import selectors as meeting_selectors
from somerset_safety.meetings import services as meetings
from somerset_safety.meetings.exceptions import MeetingError
from somerset_safety.meetings.models import ActionStatus, AttendanceStatus

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def provider_agency(db):
    return Agency.objects.create(name="Synthetic Domestic Abuse Service (provider)", code="SDAS")


@pytest.fixture
def contract(sidas, commissioner, provider_agency):
    Provider.objects.filter(pk=sidas.provider_id).update(agency=provider_agency)
    services.contract_update(actor=commissioner, contract=sidas, contract_manager=commissioner)
    sidas.refresh_from_db()
    kpi = services.kpi_create(
        actor=commissioner,
        contract=sidas,
        name="Engagement",
        definition="Synthetic",
        unit="%",
        direction=Direction.HIGHER,
        target=Decimal("70"),
        tolerance=Decimal("5"),
        frequency="quarterly",
        benchmark=None,
        counts_people=False,
        set_on=date(2017, 3, 1),
    )
    for quarter, received in ((Quarter(2019, 2), date(2019, 10, 21)), (Quarter(2019, 3), date(2020, 1, 20))):
        services.return_record(
            actor=commissioner,
            contract=sidas,
            quarter=quarter,
            received_on=received,
            figures=[services.ReturnFigure(kpi.pk, "72")],
        )
        _recorded_at(sidas, quarter, received)
    sidas.kpi = kpi
    return sidas


def _recorded_at(contract, quarter: Quarter, day: date, at: time = time(12)) -> None:
    """Set when a return was recorded (local time; recording stamps the real now): the fixture's
    returns are recorded the day they were received."""
    contract.returns.filter(year=quarter.year, quarter=quarter.number).update(
        recorded_at=datetime.combine(day, at, tzinfo=LONDON)
    )


def _risk(contract, commissioner, title, raised_on):
    return services.risk_create(
        actor=commissioner,
        contract=contract,
        title=title,
        likelihood=3,
        impact=4,
        owner="Contract manager",
        raised_on=raised_on,
    )


def _agenda(meeting):
    return [
        (row.number, row.item.section, str(row.item.subject) if row.item.subject_id else row.item.title)
        for row in meeting_selectors.agenda(meeting)
    ]


def test_provider_and_contract_manager_agencies_are_invited(
    contract, commissioner, provider_agency, council_team
):
    meeting = contract_meeting_schedule(actor=commissioner, contract=contract, date=date(2020, 2, 10))
    invited = set(meeting.attendances.values_list("agency__name", flat=True))
    assert invited == {provider_agency.name, council_team.name}


def test_first_meeting_takes_the_latest_return_and_every_open_risk(contract, commissioner):
    staffing = _risk(contract, commissioner, "Staff turnover", date(2019, 11, 1))
    _risk(contract, commissioner, "Refuge capacity", date(2019, 12, 1))
    closed = _risk(contract, commissioner, "Office move", date(2019, 6, 1))
    services.risk_close(actor=commissioner, risk=closed, closed_on=date(2019, 9, 1))

    meeting = contract_meeting_schedule(actor=commissioner, contract=contract, date=date(2020, 2, 10))

    assert _agenda(meeting) == [
        (1, ContractSection.PERFORMANCE, "Return for 2019-20 Q3"),
        (2, ContractSection.RISKS, staffing.title),
        (3, ContractSection.RISKS, "Refuge capacity"),
    ]


def test_next_meeting_takes_the_returns_received_since_and_updating_adds_each_once(contract, commissioner):
    first = contract_meeting_schedule(actor=commissioner, contract=contract, date=date(2020, 2, 10))
    services.return_record(
        actor=commissioner,
        contract=contract,
        quarter=Quarter(2019, 4),
        received_on=date(2020, 4, 20),
        figures=[services.ReturnFigure(contract.kpi.pk, "68")],
    )
    second = contract_meeting_schedule(actor=commissioner, contract=contract, date=date(2020, 5, 12))
    assert _agenda(second) == [(1, ContractSection.PERFORMANCE, "Return for 2019-20 Q4")]

    _risk(contract, commissioner, "Refuge capacity", date(2020, 5, 1))
    assert contract_meeting_build_agenda(actor=commissioner, meeting=second) == 1
    assert contract_meeting_build_agenda(actor=commissioner, meeting=second) == 0
    assert _agenda(second) == [
        (1, ContractSection.PERFORMANCE, "Return for 2019-20 Q4"),
        (2, ContractSection.RISKS, "Refuge capacity"),
    ]
    # The first meeting's agenda is its own: the risk raised later joins it only when asked.
    assert _agenda(first) == [(1, ContractSection.PERFORMANCE, "Return for 2019-20 Q3")]
    # A return received after a meeting was held is never on its agenda.
    assert contract_meeting_build_agenda(actor=commissioner, meeting=first) == 1  # the open risk only
    assert [row[2] for row in _agenda(first)] == ["Return for 2019-20 Q3", "Refuge capacity"]


def test_agenda_cannot_change_once_the_meeting_has_started(contract, commissioner):
    meeting = contract_meeting_schedule(actor=commissioner, contract=contract, date=date(2020, 2, 10))
    meetings.meeting_start(actor=commissioner, meeting=meeting)
    with pytest.raises(MeetingError, match="before the meeting starts"):
        contract_meeting_build_agenda(actor=commissioner, meeting=meeting)


def test_an_ended_contract_has_no_more_meetings(contract, commissioner):
    services.contract_begin_ending(
        actor=commissioner, contract=contract, reason="expiry", decided_on=date(2019, 9, 1)
    )
    services.contract_end(actor=commissioner, contract=contract, ended_on=date(2020, 3, 31))
    contract.refresh_from_db()
    with pytest.raises(CommissioningError, match="has ended"):
        contract_meeting_schedule(actor=commissioner, contract=contract, date=date(2020, 4, 14))


def test_an_action_is_on_the_contract_log_with_its_deadline(contract, commissioner, provider_agency):
    meeting = contract_meeting_schedule(actor=commissioner, contract=contract, date=date(2020, 2, 10))
    meetings.meeting_start(actor=commissioner, meeting=meeting)
    item = ContractAgendaItem.objects.get(meeting=meeting)
    action = meetings.action_create(
        actor=commissioner,
        item=item,
        agency=provider_agency,
        description="Send the refuge waiting-list figures",
        due_date=date(2020, 3, 6),
    )
    action = ContractAction.objects.get(pk=action.pk)
    assert action.reference == f"{contract.reference} action {action.pk}"
    deadline = Deadline.objects.get(kind="contract_meeting_action", subject_id=action.pk)
    assert deadline.due_date == date(2020, 3, 6)
    assert deadline.label == f"{contract.reference} contract action for {provider_agency.name}"
    assert deadline.responsible_agency_id == provider_agency.pk


def test_papers_ready_goes_only_to_the_people_the_meeting_needs(
    contract, commissioner, council_team, provider_agency, mailoutbox
):
    """The council is an invited agency, so "every commissioning reader of the invited agencies"
    was every commissioning and community safety officer. The papers go to the contract manager
    (Cora), the chair, and the owners of the actions agreed at the meeting or coming back to it,
    where they may read commissioning records."""
    from commissioning.permissions import meeting_paper_recipients
    from somerset_safety.accounts.roles import Role
    from somerset_safety.meetings.notices import papers_ready_send
    from tests.factories import UserFactory

    chair = UserFactory(agency=council_team, roles=[Role.OFFICER], email="chair@example.invalid")
    owner = UserFactory(
        agency=council_team, roles=[Role.COMMISSIONING_OFFICER], email="owner@example.invalid"
    )
    UserFactory(agency=council_team, roles=[Role.COMMISSIONING_OFFICER], email="bystander@example.invalid")
    UserFactory(agency=council_team, roles=[Role.OFFICER], email="other-officer@example.invalid")
    gone = UserFactory(agency=council_team, roles=[Role.COMMISSIONING_OFFICER], email="gone@example.invalid")
    provider_rep = UserFactory(agency=provider_agency, roles=[Role.AGENCY_REP], email="rep@example.invalid")

    first = contract_meeting_schedule(actor=commissioner, contract=contract, date=date(2020, 2, 10))
    meetings.meeting_start(actor=commissioner, meeting=first)
    item = ContractAgendaItem.objects.get(meeting=first)
    for who, agency in ((owner, council_team), (gone, council_team), (provider_rep, provider_agency)):
        meetings.action_create(
            actor=commissioner,
            item=item,
            agency=agency,
            owner=who,
            description="Synthetic",
            due_date=date(2020, 3, 6),
        )
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    assert set(meeting_paper_recipients(first).values_list("email", flat=True)) == {
        commissioner.email,
        owner.email,
    }

    second = contract_meeting_schedule(
        actor=commissioner, contract=contract, date=date(2020, 5, 12), chair=chair
    )
    # The owner's action comes back to the second meeting; the provider's representative cannot
    # sign in to commissioning records and the one who left is inactive.
    assert papers_ready_send(meeting_id=second.pk, papers="agenda") == 3
    assert sorted(m.to[0] for m in mailoutbox) == sorted([commissioner.email, chair.email, owner.email])
    assert all("Sign in to read them" in m.body and "Synthetic" not in m.body for m in mailoutbox)
    # A third meeting reviews nothing of the first's: only Cora is told.
    third = contract_meeting_schedule(actor=commissioner, contract=contract, date=date(2020, 8, 11))
    assert list(meeting_paper_recipients(third).values_list("email", flat=True)) == [commissioner.email]


def test_a_commissioner_runs_a_meeting_through_the_pages(contract, commissioner, as_user, provider_agency):
    client = as_user(commissioner)
    response = client.post(
        f"/commissioning/contracts/{contract.pk}/meetings/new/",
        {"date_0": "10", "date_1": "2", "date_2": "2020", "start_time": "10:00", "venue": "County Hall"},
    )
    meeting = ContractMeeting.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/commissioning/meetings/{meeting.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Return for 2019-20 Q3" in page and "County Hall" in page

    attendance = meeting.attendances.order_by("agency__name")
    post = {}
    for row in attendance:
        post[f"status_{row.agency_id}"] = AttendanceStatus.PRESENT
        post[f"rep_{row.agency_id}"] = "Synthetic representative"
    assert client.post(f"/commissioning/meetings/{meeting.pk}/attendance/", post).status_code == 302
    assert client.post(f"/commissioning/meetings/{meeting.pk}/start/").status_code == 302
    item = ContractAgendaItem.objects.get(meeting=meeting)
    assert (
        client.post(
            f"/commissioning/meetings/items/{item.pk}/", {"minutes": "Engagement above target."}
        ).status_code
        == 302
    )
    response = client.post(
        f"/commissioning/meetings/actions/new/{item.pk}/",
        {
            "agency": provider_agency.pk,
            "description": "Send the refuge waiting-list figures",
            "due_date_0": "6",
            "due_date_1": "3",
            "due_date_2": "2020",
        },
    )
    assert response.status_code == 302
    action = ContractAction.objects.get()
    page = client.get(f"/commissioning/meetings/actions/{action.pk}/").content.decode()
    assert "Send the refuge waiting-list figures" in page and "Back to the contract" in page
    assert client.post(f"/commissioning/meetings/{meeting.pk}/conclude/").status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "concluded"
    contract_page = client.get(f"/commissioning/contracts/{contract.pk}/").content.decode()
    assert "Send the refuge waiting-list figures" in contract_page
    assert action.status == ActionStatus.OPEN


def test_readers_see_meetings_but_cannot_run_them_and_others_get_404(
    contract, commissioner, officer, partnership_lead, as_user
):
    meeting = contract_meeting_schedule(actor=commissioner, contract=contract, date=date(2020, 2, 10))
    reader = as_user(officer)
    assert reader.get(f"/commissioning/meetings/{meeting.pk}/").status_code == 200
    for url in (
        f"/commissioning/meetings/{meeting.pk}/details/",
        f"/commissioning/meetings/{meeting.pk}/start/",
        f"/commissioning/meetings/{meeting.pk}/agenda/",
        f"/commissioning/contracts/{contract.pk}/meetings/new/",
    ):
        assert reader.get(url).status_code == 403, url
    assert reader.post(f"/commissioning/meetings/{meeting.pk}/start/").status_code == 403
    meeting.refresh_from_db()
    assert meeting.status == "scheduled"
    lead = as_user(partnership_lead)
    assert lead.get(f"/commissioning/meetings/{meeting.pk}/").status_code == 404
    assert lead.get(f"/commissioning/meetings/{meeting.pk}/details/").status_code == 404


# --- A corrected date received and the agendas ---------------------------------------------------
# The rule (agenda_returns): a meeting takes the returns received on or before its own date that
# no meeting that has started or been held took, and that were received after the contract's
# previous meeting or recorded after it (a later local day); the first meeting takes the latest
# return received by then. The fixture's returns: 2019-20 Q2 received 21 October 2019, Q3
# received 20 January 2020, each recorded the day it was received.


def _received(contract, commissioner, quarter: Quarter, received_on: date):
    """Correct only the date a return was received (its figures stay as they are)."""
    quarterly_return = contract.returns.get(year=quarter.year, quarter=quarter.number)
    return services.return_correct(
        actor=commissioner,
        quarterly_return=quarterly_return,
        received_on=received_on,
        figures=[services.ReturnFigure(r.kpi_id, r.value) for r in quarterly_return.results.all()],
    )


def _record_q4(contract, commissioner):
    services.return_record(
        actor=commissioner,
        contract=contract,
        quarter=Quarter(2019, 4),
        received_on=date(2020, 4, 20),
        figures=[services.ReturnFigure(contract.kpi.pk, "68")],
    )
    _recorded_at(contract, Quarter(2019, 4), date(2020, 4, 20))


Q2, Q3, Q4 = "Return for 2019-20 Q2", "Return for 2019-20 Q3", "Return for 2019-20 Q4"
PERFORMANCE = ContractSection.PERFORMANCE


def test_a_corrected_date_received_moves_a_return_between_meetings_not_yet_started(contract, commissioner):
    from somerset_safety.audit.models import AuditEvent

    first = contract_meeting_schedule(actor=commissioner, contract=contract, date=date(2020, 2, 10))
    _record_q4(contract, commissioner)
    second = contract_meeting_schedule(actor=commissioner, contract=contract, date=date(2020, 5, 12))
    assert (_agenda(first), _agenda(second)) == ([(1, PERFORMANCE, Q3)], [(1, PERFORMANCE, Q4)])

    # Q4 received on the day of the second meeting (Tuesday 12 May) is still taken at it ...
    assert _received(contract, commissioner, Quarter(2019, 4), date(2020, 5, 12)) == ["received_on"]
    assert _agenda(second) == [(1, PERFORMANCE, Q4)]
    # ... received the day after, it is not: no meeting is held after 13 May to take it.
    _received(contract, commissioner, Quarter(2019, 4), date(2020, 5, 13))
    assert (_agenda(first), _agenda(second)) == ([(1, PERFORMANCE, Q3)], [])
    q4 = contract.returns.get(year=2019, quarter=4)
    removals = AuditEvent.objects.filter(object_id=str(second.pk), detail__has_key="removed")
    assert [e.detail for e in removals] == [{"removed": f"{_type_id()}:{q4.pk}"}]
    # Back to 20 April: the second meeting takes it again.
    _received(contract, commissioner, Quarter(2019, 4), date(2020, 4, 20))
    assert _agenda(second) == [(1, PERFORMANCE, Q4)]

    # Q3 received on the day of the first meeting (Monday 10 February) stays at the first.
    _received(contract, commissioner, Quarter(2019, 3), date(2020, 2, 10))
    assert _agenda(first) == [(1, PERFORMANCE, Q3)]
    # Received on Tuesday 11 February, after the first meeting: the second takes it (after Q4,
    # already there), and the first, its first meeting, takes the latest return received by
    # 10 February instead, Q2 (21 October 2019).
    _received(contract, commissioner, Quarter(2019, 3), date(2020, 2, 11))
    assert _agenda(first) == [(1, PERFORMANCE, Q2)]
    assert _agenda(second) == [(1, PERFORMANCE, Q4), (2, PERFORMANCE, Q3)]


def _type_id() -> int:
    from django.contrib.contenttypes.models import ContentType

    from commissioning.models import QuarterlyReturn

    return ContentType.objects.get_for_model(QuarterlyReturn).pk


def test_a_held_meeting_keeps_the_returns_it_reviewed(contract, commissioner):
    first = contract_meeting_schedule(actor=commissioner, contract=contract, date=date(2020, 2, 10))
    meetings.meeting_start(actor=commissioner, meeting=first)
    for item in ContractAgendaItem.objects.filter(meeting=first):
        meetings.agenda_item_record(actor=commissioner, item=item, minutes="Engagement above target.")
    meetings.meeting_conclude(actor=commissioner, meeting=first)
    _record_q4(contract, commissioner)
    second = contract_meeting_schedule(actor=commissioner, contract=contract, date=date(2020, 5, 12))
    assert (_agenda(first), _agenda(second)) == ([(1, PERFORMANCE, Q3)], [(1, PERFORMANCE, Q4)])

    # Q3 now received on 11 February, the day after the first meeting: the first keeps it as
    # reviewed, and the second does not take it again.
    _received(contract, commissioner, Quarter(2019, 3), date(2020, 2, 11))
    assert (_agenda(first), _agenda(second)) == ([(1, PERFORMANCE, Q3)], [(1, PERFORMANCE, Q4)])
    # Q2 was never taken (the first meeting took only the latest). Received on 11 February, it
    # came in after the first meeting: the second takes it.
    _received(contract, commissioner, Quarter(2019, 2), date(2020, 2, 11))
    assert _agenda(second) == [(1, PERFORMANCE, Q4), (2, PERFORMANCE, Q2)]
    # Received on 10 February, the day of the first meeting: not since it, so off the second;
    # the held meeting's agenda is not changed.
    _received(contract, commissioner, Quarter(2019, 2), date(2020, 2, 10))
    assert (_agenda(first), _agenda(second)) == ([(1, PERFORMANCE, Q3)], [(1, PERFORMANCE, Q4)])
    # Recorded on 10 February, the first meeting's day, it could have been reviewed there: still
    # not taken. Recorded on Tuesday 11 February, after the first meeting, it could not have been
    # reviewed: the second takes it when its agenda is updated.
    _recorded_at(contract, Quarter(2019, 2), date(2020, 2, 10), time(23, 59))
    assert contract_meeting_build_agenda(actor=commissioner, meeting=second) == 0
    _recorded_at(contract, Quarter(2019, 2), date(2020, 2, 11), time(0, 0))
    assert contract_meeting_build_agenda(actor=commissioner, meeting=second) == 1
    assert (_agenda(first), _agenda(second)) == (
        [(1, PERFORMANCE, Q3)],
        [(1, PERFORMANCE, Q4), (2, PERFORMANCE, Q2)],
    )


def _hold(meeting, commissioner):
    meetings.meeting_start(actor=commissioner, meeting=meeting)
    for item in ContractAgendaItem.objects.filter(meeting=meeting):
        meetings.agenda_item_record(actor=commissioner, item=item, minutes="Engagement above target.")
    meetings.meeting_conclude(actor=commissioner, meeting=meeting)


def test_a_return_recorded_after_a_meeting_was_held_goes_on_the_next_agenda(contract, commissioner):
    # Tuesday 12 May 2020 (British Summer Time), the first meeting: Q3 is the latest return then.
    first = contract_meeting_schedule(actor=commissioner, contract=contract, date=date(2020, 5, 12))
    _hold(first, commissioner)
    # Q4, received on 20 April, before the first meeting, is recorded only at 11.30pm on 12 May,
    # the first meeting's day: it is not after that meeting, so the next does not take it.
    _record_q4(contract, commissioner)
    _recorded_at(contract, Quarter(2019, 4), date(2020, 5, 12), time(23, 30))
    second = contract_meeting_schedule(actor=commissioner, contract=contract, date=date(2020, 8, 11))
    assert (_agenda(first), _agenda(second)) == ([(1, PERFORMANCE, Q3)], [])
    # Recorded at 12.30am on Wednesday 13 May (still 12 May in UTC): the day after the first
    # meeting, which could not have reviewed it, so the second takes it. Q2 (received and
    # recorded 21 October 2019) stays off: the first meeting could have taken it.
    _recorded_at(contract, Quarter(2019, 4), date(2020, 5, 13), time(0, 30))
    assert contract_meeting_build_agenda(actor=commissioner, meeting=second) == 1
    assert (_agenda(first), _agenda(second)) == ([(1, PERFORMANCE, Q3)], [(1, PERFORMANCE, Q4)])


def test_a_meeting_in_progress_keeps_its_agenda(contract, commissioner):
    first = contract_meeting_schedule(actor=commissioner, contract=contract, date=date(2020, 2, 10))
    meetings.meeting_start(actor=commissioner, meeting=first)
    # After the meeting's date, but the meeting has started: its agenda is its own.
    assert _received(contract, commissioner, Quarter(2019, 3), date(2020, 2, 11)) == ["received_on"]
    assert _agenda(first) == [(1, PERFORMANCE, Q3)]


def test_a_correction_through_the_page_moves_the_return(contract, commissioner, as_user):
    from somerset_safety.core.edits import record_version

    first = contract_meeting_schedule(actor=commissioner, contract=contract, date=date(2020, 2, 10))
    second = contract_meeting_schedule(actor=commissioner, contract=contract, date=date(2020, 5, 12))
    q3 = contract.returns.get(year=2019, quarter=3)
    client = as_user(commissioner)
    detail = f"/commissioning/contracts/{contract.pk}/returns/{q3.pk}/"
    page = client.get(detail).content.decode()
    assert (
        f'href="/commissioning/meetings/{first.pk}/">Contract meeting on 10 February 2020</a> (scheduled)'
        in page
    )
    assert f"/commissioning/meetings/{second.pk}/" not in page
    response = client.post(
        f"/commissioning/contracts/{contract.pk}/returns/{q3.pk}/correct/",
        {
            "received_on_0": "11",
            "received_on_1": "2",
            "received_on_2": "2020",
            f"value_{contract.kpi.pk}": "72",
            f"note_{contract.kpi.pk}": "",
            "provider_commentary": "",
            "expected_version": record_version(q3),
        },
    )
    assert response.status_code == 302
    assert (_agenda(first), _agenda(second)) == ([(1, PERFORMANCE, Q2)], [(1, PERFORMANCE, Q3)])
    assert Q3 in client.get(f"/commissioning/meetings/{second.pk}/").content.decode()
    page = client.get(detail).content.decode()
    assert (
        f'href="/commissioning/meetings/{second.pk}/">Contract meeting on 12 May 2020</a> (scheduled)' in page
    )
    assert f"/commissioning/meetings/{first.pk}/" not in page
    # Q4 is not yet on any agenda.
    _record_q4(contract, commissioner)
    q4 = contract.returns.get(year=2019, quarter=4)
    page = client.get(f"/commissioning/contracts/{contract.pk}/returns/{q4.pk}/").content.decode()
    assert "Not on a contract meeting's agenda" in page


def test_a_return_corrected_within_its_meetings_span_stays_where_it_is(contract, commissioner):
    # Wednesday 15 April 2020, the first meeting: Q3 is the latest return received by then.
    first = contract_meeting_schedule(actor=commissioner, contract=contract, date=date(2020, 4, 15))
    services.return_record(
        actor=commissioner,
        contract=contract,
        quarter=Quarter(2019, 4),
        received_on=date(2020, 4, 14),
        figures=[services.ReturnFigure(contract.kpi.pk, "68")],
    )
    contract_meeting_build_agenda(actor=commissioner, meeting=first)
    assert _agenda(first) == [(1, PERFORMANCE, Q3), (2, PERFORMANCE, Q4)]
    # Q3 received a day later is no longer the latest, but still before the meeting: it stays.
    _received(contract, commissioner, Quarter(2019, 3), date(2020, 1, 21))
    assert _agenda(first) == [(1, PERFORMANCE, Q3), (2, PERFORMANCE, Q4)]
    # Q4 received on the day of the meeting stays; the day after, it comes off.
    _received(contract, commissioner, Quarter(2019, 4), date(2020, 4, 15))
    assert _agenda(first) == [(1, PERFORMANCE, Q3), (2, PERFORMANCE, Q4)]
    _received(contract, commissioner, Quarter(2019, 4), date(2020, 4, 16))
    assert _agenda(first) == [(1, PERFORMANCE, Q3)]


# --- A meeting's new date and the agendas ----------------------------------------------------------


def _move(meeting, commissioner, day: date):
    return meetings.meeting_update_details(actor=commissioner, meeting=meeting, values={"date": day})


def test_a_new_date_redoes_the_agendas_of_the_meetings_not_yet_started(contract, commissioner):
    first = contract_meeting_schedule(actor=commissioner, contract=contract, date=date(2020, 2, 10))
    _record_q4(contract, commissioner)
    second = contract_meeting_schedule(actor=commissioner, contract=contract, date=date(2020, 5, 12))
    _risk(contract, commissioner, "Refuge capacity", date(2020, 5, 1))
    contract_meeting_build_agenda(actor=commissioner, meeting=second)
    assert _agenda(second) == [(1, PERFORMANCE, Q4), (2, ContractSection.RISKS, "Refuge capacity")]

    # The second moved earlier, to Tuesday 14 April, before Q4 was received (20 April): Q4 comes
    # off; the risk stays.
    _move(second, commissioner, date(2020, 4, 14))
    assert _agenda(second) == [(1, ContractSection.RISKS, "Refuge capacity")]
    # Later again, to Monday 20 April, the day Q4 was received: it goes back on, at the end of
    # "Performance" (numbered before "Risks").
    _move(second, commissioner, date(2020, 4, 20))
    assert _agenda(second) == [(1, PERFORMANCE, Q4), (2, ContractSection.RISKS, "Refuge capacity")]
    assert _agenda(first) == [(1, PERFORMANCE, Q3)]

    # The first moved earlier, to Sunday 19 January, before Q3 was received (20 January): Q3
    # comes off it and, received after the first meeting now, goes on the second; the first, the
    # contract's first meeting, takes the latest return received by 19 January, Q2.
    _move(first, commissioner, date(2020, 1, 19))
    assert _agenda(first) == [(1, PERFORMANCE, Q2)]
    assert [row[2] for row in _agenda(second)] == [Q4, Q3, "Refuge capacity"]
    # Later again, to Monday 20 January: Q3 is received on its day, so back on the first (after
    # Q2, which stays: received before it) and off the second, received and recorded by then.
    _move(first, commissioner, date(2020, 1, 20))
    assert _agenda(first) == [(1, PERFORMANCE, Q2), (2, PERFORMANCE, Q3)]
    assert [row[2] for row in _agenda(second)] == [Q4, "Refuge capacity"]


def test_a_started_meeting_keeps_its_date_and_agenda(contract, commissioner):
    first = contract_meeting_schedule(actor=commissioner, contract=contract, date=date(2020, 2, 10))
    meetings.meeting_start(actor=commissioner, meeting=first)
    with pytest.raises(MeetingError, match="The date cannot change once the papers have gone out"):
        _move(first, commissioner, date(2020, 1, 19))
    first.refresh_from_db()
    assert (first.date, _agenda(first)) == (date(2020, 2, 10), [(1, PERFORMANCE, Q3)])


def test_changing_only_the_venue_leaves_the_agenda(contract, commissioner):
    first = contract_meeting_schedule(actor=commissioner, contract=contract, date=date(2020, 2, 10))
    ContractAgendaItem.objects.filter(meeting=first).delete()
    meetings.meeting_update_details(actor=commissioner, meeting=first, values={"venue": "County Hall"})
    assert _agenda(first) == []


def test_a_new_date_through_the_details_page_redoes_the_agenda(contract, commissioner, as_user):
    from somerset_safety.core.edits import record_version

    contract_meeting_schedule(actor=commissioner, contract=contract, date=date(2020, 2, 10))
    _record_q4(contract, commissioner)
    second = contract_meeting_schedule(actor=commissioner, contract=contract, date=date(2020, 5, 12))
    assert _agenda(second) == [(1, PERFORMANCE, Q4)]
    second.refresh_from_db()
    response = as_user(commissioner).post(
        f"/commissioning/meetings/{second.pk}/details/",
        {
            "date_0": "14",
            "date_1": "4",
            "date_2": "2020",
            "start_time": "",
            "end_time": "",
            "venue": "",
            "online_link": "",
            "chair": "",
            "expected_version": record_version(second),
        },
    )
    assert response.status_code == 302
    second.refresh_from_db()
    # Tuesday 14 April is before Q4 was received (20 April): it comes off.
    assert (second.date, _agenda(second)) == (date(2020, 4, 14), [])
