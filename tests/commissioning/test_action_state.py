"""A contract meeting action's status is read from its stored deadline (issue 10, issue 20 point
10), as every body's is: on the contract's page, the meeting that reviews it, the item and the
action's page. Contract actions are due soon 28 days before their due date
(COMMISSIONING_DUE_SOON_DAYS); due today is not overdue. Dates worked out by hand."""

from datetime import date

import pytest
from django.urls import reverse

from commissioning.models import ContractAction, Provider
from commissioning.services.meetings import contract_meeting_schedule
from somerset_safety.accounts.models import Agency
from somerset_safety.meetings import services as meetings
from tests.meetings.action_pages import (
    ACTION_TAGS,
    COMPLETED,
    DUE_SOON,
    MET_LATE,
    OPEN,
    OVERDUE,
    WAIVED,
    shows,
    unwaive,
    waive,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract_action(sidas, commissioner):
    """A contract meeting on 10 February 2020 (still open) agreed an action for the provider due
    Monday 20 April 2020; the next meeting, 12 May, reviews it."""
    provider_agency = Agency.objects.create(name="Synthetic Domestic Abuse Service (provider)", code="SDAS")
    Provider.objects.filter(pk=sidas.provider_id).update(agency=provider_agency)
    meeting = contract_meeting_schedule(actor=commissioner, contract=sidas, date=date(2020, 2, 10))
    item = meetings.agenda_add_other_business(actor=commissioner, meeting=meeting, title="Refuge capacity")
    meetings.meeting_start(actor=commissioner, meeting=meeting)
    action = meetings.action_create(
        actor=commissioner,
        item=item,
        agency=provider_agency,
        description="Send the refuge waiting-list figures",
        due_date=date(2020, 4, 20),
    )
    following = contract_meeting_schedule(actor=commissioner, contract=sidas, date=date(2020, 5, 12))
    return sidas, following, item, ContractAction.objects.get(pk=action.pk)


def on_contract_page(client, contract) -> str | None:
    """The status tag in the action's row of the contract's open actions (the page shows the
    contract's own clocks too, with their own tags)."""
    page = client.get(contract.get_absolute_url()).content.decode()
    row = '20 Apr 2020</td><td class="govuk-table__cell"><strong class="govuk-tag '
    if row not in page:
        return None
    (tag,) = [tag for tag in ACTION_TAGS if row + tag in page]
    return tag


def test_a_contract_action_reads_its_deadline_everywhere(as_user, commissioner, contract_action, today_is):
    """Due Monday 20 April 2020: 28 days before is 23 March. Open on 22 March (29 days to go), Due
    soon on 23 March and on 20 April, Overdue on 21 April. Waived: "Deadline waived" on every page;
    the waiver withdrawn: Overdue again. Completed on 24 April: Met late."""
    contract, following, item, action = contract_action
    pages = [
        following.get_absolute_url(),
        reverse("commissioning:contract_meeting_item", args=[item.pk]),
        action.get_absolute_url(),
    ]
    for day, tag in [
        (date(2020, 3, 22), OPEN),
        (date(2020, 3, 23), DUE_SOON),
        (date(2020, 4, 20), DUE_SOON),
        (date(2020, 4, 21), OVERDUE),
    ]:
        today_is(day)
        shows(as_user(commissioner), pages, tag)
        assert on_contract_page(as_user(commissioner), contract) == tag, day

    client = as_user(commissioner)
    waive(client, action)
    shows(client, pages, WAIVED)
    assert on_contract_page(client, contract) == WAIVED
    unwaive(client, action)
    shows(client, pages, OVERDUE)
    assert on_contract_page(client, contract) == OVERDUE

    today_is(date(2020, 4, 24))
    meetings.action_complete(
        actor=commissioner, action=action, outcome="Figures sent", completed_on=date(2020, 4, 24)
    )
    # Completed, it leaves the contract's list of open actions; the meeting and its page say Met late.
    shows(as_user(commissioner), pages, MET_LATE)
    assert on_contract_page(as_user(commissioner), contract) is None


def test_a_contract_action_completed_on_its_due_date_reads_completed(
    as_user, commissioner, contract_action, today_is
):
    _, following, _, action = contract_action
    today_is(date(2020, 4, 20))
    meetings.action_complete(
        actor=commissioner, action=action, outcome="Figures sent", completed_on=date(2020, 4, 20)
    )
    shows(as_user(commissioner), [following.get_absolute_url(), action.get_absolute_url()], COMPLETED)
