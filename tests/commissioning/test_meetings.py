"""Contract management meetings on the platform meetings mechanism: who is invited, the agenda
built from the returns received since the last meeting and the open risks (each once), actions on
the contract's action log with their deadline, the shared meeting and action pages, and access.
Expected values worked out by hand from the dates below."""

from datetime import date
from decimal import Decimal

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
    sidas.kpi = kpi
    return sidas


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
