"""Contract management meetings on the platform meetings mechanism: schedule one for a contract
(its provider's agency and the contract manager's agency invited) and build its agenda from the
quarterly returns received since the last meeting and the contract's open risks, and keep the
agendas of meetings not yet started in step when a return's date received is corrected.
Everything else (attendance, minutes, actions, carry-forward, papers) is the platform's."""

from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from somerset_safety.meetings import selectors as meeting_selectors
from somerset_safety.meetings import services as meetings
from somerset_safety.meetings.models import MeetingStatus

from ..exceptions import CommissioningError
from ..models import (
    Contract,
    ContractAgendaItem,
    ContractMeeting,
    ContractSection,
    ContractStatus,
    QuarterlyReturn,
    RiskStatus,
)


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


def _returns_on_agendas(meetings_of_body) -> QuerySet:
    return ContractAgendaItem.objects.filter(
        meeting__in=meetings_of_body, subject_type=ContentType.objects.get_for_model(QuarterlyReturn)
    ).values("subject_id")


def _span(meeting, previous) -> Q:
    """The one statement of which returns fall in `meeting`'s span: received on or before its
    date and, when the contract met before (`previous`), received after that meeting's date or
    recorded after it (on a later local day: the previous meeting could not have reviewed it)."""
    span = Q(received_on__lte=meeting.date)
    if previous is not None:
        day_after = timezone.make_aware(datetime.combine(previous.date + timedelta(days=1), time.min))
        span &= Q(received_on__gt=previous.date) | Q(recorded_at__gte=day_after)
    return span


def agenda_returns(meeting) -> list[QuarterlyReturn]:
    """The returns to take at `meeting`: those in its span (_span) that no meeting that has
    started or been held took (a corrected date received, or a return recorded late, can put
    such a return in a later meeting's span); before the contract's first meeting, the latest
    return received by its date."""
    contract = meeting.body.owner
    taken = ContractMeeting.objects.filter(
        body_id=meeting.body_id, status__in=[MeetingStatus.IN_PROGRESS, MeetingStatus.CONCLUDED]
    ).exclude(pk=meeting.pk)
    previous = meeting_selectors.previous_meeting(meeting)
    returns = (
        QuarterlyReturn.objects.filter(_span(meeting, previous), contract=contract)
        .exclude(pk__in=_returns_on_agendas(taken))
        .order_by("-year", "-quarter")
    )
    return list(returns[:1] if previous is None else returns)


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


def _in_span(meeting, return_ids) -> set[int]:
    """Which of `return_ids` fall in `meeting`'s span (the rule of _span)."""
    previous = meeting_selectors.previous_meeting(meeting)
    return set(
        QuarterlyReturn.objects.filter(_span(meeting, previous), pk__in=return_ids).values_list(
            "pk", flat=True
        )
    )


def _agendas_follow(*, actor, contract_id: int) -> None:
    """The agendas of the contract's meetings that have not started follow the rule: a return
    outside a meeting's span comes off its agenda, and each meeting takes what agenda_returns
    gives it now and does not have, at the end of "Performance", as "Update the agenda" would.
    Other items stay. A meeting that has started or been held keeps the returns it took: its
    record of what it reviewed."""
    return_type = ContentType.objects.get_for_model(QuarterlyReturn)
    not_started = ContractMeeting.objects.filter(
        body__owner_id=contract_id, status=MeetingStatus.SCHEDULED
    ).order_by("date", "pk")
    for meeting in not_started:
        on_agenda = {
            item.subject_id: item
            for item in ContractAgendaItem.objects.filter(meeting=meeting, subject_type=return_type)
        }
        inside = _in_span(meeting, list(on_agenda))
        for return_id in sorted(set(on_agenda) - inside):
            meetings.agenda_item_remove(actor=actor, item=on_agenda.pop(return_id))
        missing = sorted(
            (r for r in agenda_returns(meeting) if r.pk not in on_agenda), key=lambda r: (r.year, r.quarter)
        )
        if missing:
            meetings.agenda_add(
                actor=actor,
                meeting=meeting,
                entries=[
                    meetings.AgendaEntry(section=ContractSection.PERFORMANCE, subject=r) for r in missing
                ],
            )


@transaction.atomic
def contract_agendas_follow_return(*, actor, quarterly_return: QuarterlyReturn) -> None:
    """After the date a return was received is corrected, the agendas of its contract's meetings
    that have not started follow it (_agendas_follow): it comes off the agenda of a meeting
    whose span the new date is outside, and goes on the one whose span it is now in (or, for a
    first meeting, the latest return does)."""
    _agendas_follow(actor=actor, contract_id=quarterly_return.contract_id)


@transaction.atomic
def contract_meeting_date_changed(*, actor, meeting) -> None:
    """The platform's hook (MeetingKind.date_changed), called in the same transaction after a
    contract meeting's date changed before its papers went out: the contract's agendas follow
    the new date (_agendas_follow), so returns outside its span come off and those now in it go
    on, here and at the meeting after it, whose span starts from this one."""
    _agendas_follow(actor=actor, contract_id=meeting.body.owner_id)
