"""The subject access request's response deadline, registered with the platform in
RecordsConfig.ready() (the same shape as every app's deadlines.py).

The law (UK GDPR Article 12 and 12A; Data Protection Act 2018 s45 and s54, as the Data (Use and
Access) Act 2025 amended them): one calendar month from the **relevant time** — the day the
request arrived or, if proof of identity was asked for, the day it arrived. While clarification
of what is asked for is awaited the clock stops: the days from asking to the answer, both
included, do not count (towards the month, the extension or the deadline for telling the
requester of an extension). A complex request may be extended by up to two further months, if the
requester is told, with the reasons, within the first month.
"""

from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings

from somerset_safety.core.dates import add_months
from somerset_safety.deadlines.registry import DeadlineKind, DeadlineSpec, register

from .models import PauseReason, SarStatus, SubjectAccessRequest

SAR_RESPONSE_DUE = "sar_response_due"

# (reason, date asked, date received or None while it is awaited)
Pause = tuple[str, date, date | None]


def relevant_time(received_on: date, pauses: Iterable[Pause]) -> date:
    """The day the month counts from: the request's arrival, or the latest day proof of identity
    arrived after it."""
    start = received_on
    for reason, _started, ended in pauses:
        if reason == PauseReason.IDENTITY and ended is not None:
            start = max(start, ended)
    return start


def clarification_days(pauses: Iterable[Pause], *, since: date) -> int:
    """Days of ended clarification pauses on or after `since`, both ends included, each day
    once. A pause still open is not counted yet: while it lasts the clock is paused."""
    days: set[date] = set()
    for reason, started, ended in pauses:
        if reason != PauseReason.CLARIFICATION or ended is None:
            continue
        day = max(started, since)
        while day <= ended:
            days.add(day)
            day += timedelta(days=1)
    return len(days)


def response_due(received_on: date, pauses: Iterable[Pause], extension_months: int = 0) -> date:
    """One calendar month (plus any extension) from the relevant time, plus the clarification
    days: received 31 January → due 28 February (29 in a leap year)."""
    pauses = list(pauses)
    start = relevant_time(received_on, pauses)
    return add_months(start, 1 + extension_months) + timedelta(days=clarification_days(pauses, since=start))


def first_month_ends(received_on: date, pauses: Iterable[Pause]) -> date:
    """The last day the requester can be told of an extension: the unextended due date."""
    return response_due(received_on, pauses, 0)


def pauses_of(sar: SubjectAccessRequest) -> list[Pause]:
    return [(p.reason, p.started_on, p.ended_on) for p in sar.pauses.all()]


def sar_rule(sar: SubjectAccessRequest) -> list[DeadlineSpec]:
    """One statutory clock: met when the response is sent; paused while the requester is asked
    for identity or clarification; closed if the request is withdrawn."""
    pauses = pauses_of(sar)
    open_pause = next((started for _reason, started, ended in pauses if ended is None), None)
    return [
        DeadlineSpec(
            kind=SAR_RESPONSE_DUE,
            label=f"{sar.reference}: respond to the subject access request",
            due_date=response_due(sar.received_on, pauses, sar.extension_months),
            responsible_users=[sar.handler],
            responsible_agency=sar.handler.agency,
            met_on=sar.completed_on if sar.status == SarStatus.COMPLETED else None,
            paused_since=open_pause,
            closed_reason="Request withdrawn" if sar.status == SarStatus.WITHDRAWN else "",
        )
    ]


def register_rules() -> None:
    from .permissions import sars_managed_by, sars_visible_to

    register(
        model=SubjectAccessRequest,
        rule=sar_rule,
        visible_to=sars_visible_to,
        manageable_by=sars_managed_by,
        kinds=[
            DeadlineKind(
                SAR_RESPONSE_DUE,
                "Subject access request response due",
                statutory=True,
                due_soon_days=lambda: getattr(settings, "SAR_DUE_SOON_DAYS", 7),
            )
        ],
    )
