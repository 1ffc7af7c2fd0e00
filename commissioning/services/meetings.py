"""Contract management meetings on the platform meetings mechanism: schedule one for a contract
(its provider's agency and the contract manager's agency invited) and build its agenda from the
quarterly returns received since the last meeting and the contract's open risks. Everything else
(attendance, minutes, actions, carry-forward, papers) is the platform's."""

from datetime import date, time

from django.db import transaction

from somerset_safety.meetings import selectors as meeting_selectors
from somerset_safety.meetings import services as meetings

from ..exceptions import CommissioningError
from ..models import Contract, ContractMeeting, ContractSection, ContractStatus, QuarterlyReturn, RiskStatus


def invited_agencies(contract: Contract) -> list:
    """The provider's agency (where its staff use the service) and the contract manager's."""
    agencies = []
    if contract.provider.agency_id:
        agencies.append(contract.provider.agency)
    manager = contract.contract_manager
    if manager is not None and manager.agency_id and manager.agency_id != contract.provider.agency_id:
        agencies.append(manager.agency)
    return agencies


@transaction.atomic
def contract_meeting_schedule(
    *,
    actor,
    contract: Contract,
    date: date,
    chair=None,
    start_time: time | None = None,
    end_time: time | None = None,
    venue: str = "",
    online_link: str = "",
) -> ContractMeeting:
    """Schedule a contract management meeting and put the returns and open risks on its agenda.
    Raises CommissioningError for an ended contract, MeetingError (from the platform) if the
    contract already has a meeting that day."""
    if contract.status == ContractStatus.ENDED:
        raise CommissioningError("The contract has ended: there are no more contract meetings.")
    meeting = meetings.meeting_schedule(
        actor=actor,
        body=meetings.body_for(contract),
        date=date,
        agencies=invited_agencies(contract),
        chair=chair,
        start_time=start_time,
        end_time=end_time,
        venue=venue,
        online_link=online_link,
    )
    contract_meeting_build_agenda(actor=actor, meeting=meeting)
    return meeting


def agenda_returns(meeting) -> list[QuarterlyReturn]:
    """The returns to take at `meeting`: those received after the contract's previous meeting
    was held, or, before its first meeting, the latest return; never one received after the
    meeting itself."""
    contract = meeting.body.owner
    returns = QuarterlyReturn.objects.filter(contract=contract, received_on__lte=meeting.date).order_by(
        "-year", "-quarter"
    )
    previous = meeting_selectors.previous_meeting(meeting)
    if previous is None:
        return list(returns[:1])
    return list(returns.filter(received_on__gt=previous.date))


@transaction.atomic
def contract_meeting_build_agenda(*, actor, meeting) -> int:
    """Put the returns received since the last meeting and every open risk on the agenda, each
    once: safe to run again as returns arrive and risks are raised. Returns how many items were
    added. Raises MeetingError (from the platform) once the meeting has started."""
    contract = meeting.body.owner
    entries = [
        meetings.AgendaEntry(section=ContractSection.PERFORMANCE, subject=r)
        for r in sorted(agenda_returns(meeting), key=lambda r: (r.year, r.quarter))
    ]
    entries += [
        meetings.AgendaEntry(section=ContractSection.RISKS, subject=risk)
        for risk in contract.risks.filter(status=RiskStatus.OPEN).order_by("raised_on", "pk")
    ]
    return len(meetings.agenda_add(actor=actor, meeting=meeting, entries=entries).created)
