"""Deadline rules for contracts and grants, registered with the platform in the app's ready().

Pure functions of the record (no "today"): the stored deadline rows are the one truth that
pages, counts and reminders read. Labels carry references and titles only (S14).

Decisions the council makes (whether to extend, when to start re-procuring) have two clocks,
one for each lead time: the council's own approval (the contract's approval time before the
formal date) and the formal date itself (for an extension, the provider's notice period
before the end date in force).
"""

from datetime import timedelta

from somerset_safety.deadlines.registry import DeadlineKind, DeadlineSpec, register
from somerset_safety.meetings.deadlines import action_deadline

from . import clocks, conf, schedule
from .models import (
    RUNNING_STATUSES,
    SIGNED_STATUSES,
    Contract,
    ContractAction,
    ContractStatus,
    Grant,
    GrantStatus,
    NoticeKind,
    OptionStatus,
)
from .permissions import (
    actions_visible_to,
    contracts_managed_by,
    contracts_visible_to,
    grants_managed_by,
    grants_visible_to,
    managed_by,
)
from .services.contracts import needs_transparency_notice
from .services.performance import return_quarters

EXTENSION_APPROVAL = "contract_extension_approval"
EXTENSION_DECISION = "contract_extension_decision"
REPROCUREMENT_APPROVAL = "contract_reprocurement_approval"
REPROCUREMENT_START = "contract_reprocurement_start"
STANDSTILL_END = "contract_standstill_end"
RETURN_DUE = "contract_return_due"
DETAILS_NOTICE = "contract_details_notice"
PERFORMANCE_NOTICE = "contract_performance_notice"
FINAL_PERFORMANCE_NOTICE = "contract_final_performance_notice"
CHANGE_NOTICE = "contract_change_notice"
CONTRACT_ACTION = "contract_meeting_action"
TERMINATION_NOTICE = "contract_termination_notice"
TRANSPARENCY_NOTICE = "contract_transparency_notice"
GRANT_BID = "grant_bid_deadline"
GRANT_REPORT = "grant_report_due"

CONTRACT_KINDS = {
    EXTENSION_APPROVAL: "Council approval for a contract extension decision",
    EXTENSION_DECISION: "Contract extension decision (provider's notice)",
    REPROCUREMENT_APPROVAL: "Council approval to re-procure a contract",
    REPROCUREMENT_START: "Re-procurement must start",
    STANDSTILL_END: "Standstill ends",
    RETURN_DUE: "Quarterly performance return due",
    DETAILS_NOTICE: "Contract details notice (Procurement Act 2023)",
    PERFORMANCE_NOTICE: "Contract performance notice (Procurement Act 2023)",
    FINAL_PERFORMANCE_NOTICE: "Contract performance notice at termination (Procurement Act 2023)",
    CHANGE_NOTICE: "Contract change notice (Procurement Act 2023)",
    TERMINATION_NOTICE: "Contract termination notice (Procurement Act 2023)",
    TRANSPARENCY_NOTICE: "Modification transparency notice (Provider Selection Regime)",
}
STATUTORY_KINDS = frozenset(
    {
        DETAILS_NOTICE,
        PERFORMANCE_NOTICE,
        FINAL_PERFORMANCE_NOTICE,
        CHANGE_NOTICE,
        TERMINATION_NOTICE,
        TRANSPARENCY_NOTICE,
    }
)
GRANT_KINDS = {GRANT_BID: "Funding bid deadline", GRANT_REPORT: "Grant report due to the funder"}


def _first(dates):
    dates = sorted(d for d in dates if d is not None)
    return dates[0] if dates else None


def contract_rule(contract: Contract) -> list[DeadlineSpec]:
    specs: list[DeadlineSpec] = []
    owner = [contract.contract_manager] if contract.contract_manager_id else []
    name = f"{contract.reference} {contract.title}"

    def add(kind, due, *, key="", met_on=None, what=""):
        specs.append(
            DeadlineSpec(
                kind=kind,
                label=f"{what or CONTRACT_KINDS[kind]}: {name}"[:200],
                due_date=due,
                key=key,
                responsible_users=owner,
                met_on=met_on,
            )
        )

    if contract.status == ContractStatus.STANDSTILL:
        end = schedule.standstill_end(contract)
        if end is not None:
            add(STANDSTILL_END, end)
    elif contract.status in SIGNED_STATUSES and contract.intention_notice_on:
        end = schedule.standstill_end(contract)
        if end is not None:
            add(STANDSTILL_END, end, met_on=end)
    if contract.status not in SIGNED_STATUSES:
        return specs

    dates = schedule.contract_dates(contract)
    notice = contract.notice_period_months
    lead = contract.approval_lead_days
    for extension in sorted(contract.extensions.all(), key=lambda e: (e.decided_on, e.pk)):
        due = clocks.extension_decision_due(extension.previous_end_date, notice)
        key = extension.previous_end_date.isoformat()
        add(EXTENSION_APPROVAL, clocks.approval_due(due, lead), key=key, met_on=extension.decided_on)
        add(EXTENSION_DECISION, due, key=key, met_on=extension.decided_on)
    key = dates.current_end.isoformat()
    if contract.status in RUNNING_STATUSES and dates.extension_decision_due:
        add(EXTENSION_APPROVAL, dates.extension_approval_due, key=key)
        add(EXTENSION_DECISION, dates.extension_decision_due, key=key)
    else:
        declined = [o.declined_on for o in contract.options.all() if o.status == OptionStatus.DECLINED]
        if declined:
            due = clocks.extension_decision_due(dates.current_end, notice)
            add(EXTENSION_APPROVAL, clocks.approval_due(due, lead), key=key, met_on=max(declined))
            add(EXTENSION_DECISION, due, key=key, met_on=max(declined))

    if contract.status != ContractStatus.ENDED or contract.reprocurement_started_on:
        last_end = contract.final_end_date or dates.latest_end
        start_by = clocks.reprocurement_start_by(last_end, conf.reprocurement_lead_months())
        started = contract.reprocurement_started_on
        add(REPROCUREMENT_APPROVAL, clocks.approval_due(start_by, lead), met_on=started)
        add(REPROCUREMENT_START, start_by, met_on=started)

    received = {(r.year, r.quarter): r.received_on for r in contract.returns.all()}
    for quarter in return_quarters(contract):
        add(
            RETURN_DUE,
            clocks.return_due(quarter, conf.return_working_days()),
            key=quarter.label,
            met_on=received.get((quarter.year, quarter.number)),
            what=f"Quarterly return {quarter.label}",
        )

    notices = list(contract.notices.all())
    if contract.is_notifiable:
        signed = contract.signed_on
        end = contract.end_in_force
        details = _first(n.published_on for n in notices if n.kind == NoticeKind.CONTRACT_DETAILS)
        add(DETAILS_NOTICE, signed + timedelta(days=conf.contract_details_notice_days()), met_on=details)
        regular = [
            n.published_on for n in notices if n.kind == NoticeKind.PERFORMANCE and not n.at_termination
        ]
        rows = clocks.periodic_notices_due(
            signed, regular, every_months=conf.performance_notice_months(), until=end
        )
        for number, (due, published) in enumerate(rows, start=1):
            add(PERFORMANCE_NOTICE, due, key=str(number), met_on=published)
        after_end = end + timedelta(days=conf.termination_notice_days())
        final = _first(
            n.published_on for n in notices if n.kind == NoticeKind.PERFORMANCE and n.at_termination
        )
        add(FINAL_PERFORMANCE_NOTICE, after_end, met_on=final)
        termination = _first(n.published_on for n in notices if n.kind == NoticeKind.TERMINATION)
        add(TERMINATION_NOTICE, after_end, met_on=termination)
    for modification in contract.modifications.all():
        published = {
            kind: _first(
                n.published_on for n in notices if n.modification_id == modification.pk and n.kind == kind
            )
            for kind in (NoticeKind.CHANGE, NoticeKind.TRANSPARENCY)
        }
        key = f"modification-{modification.pk}"
        if contract.is_notifiable:
            add(
                CHANGE_NOTICE,
                modification.takes_effect_on - timedelta(days=1),
                key=key,
                met_on=published[NoticeKind.CHANGE],
            )
        if needs_transparency_notice(contract, modification):
            add(
                TRANSPARENCY_NOTICE,
                modification.agreed_on + timedelta(days=conf.psr_transparency_notice_days()),
                key=key,
                met_on=published[NoticeKind.TRANSPARENCY],
            )
    return specs


def grant_rule(grant: Grant) -> list[DeadlineSpec]:
    specs = []
    owner = [grant.owner] if grant.owner_id else []
    name = f"{grant.scheme} ({grant.funder})"
    withdrawn = grant.status == GrantStatus.WITHDRAWN and not grant.submitted_on
    specs.append(
        DeadlineSpec(
            kind=GRANT_BID,
            label=f"Funding bid deadline: {name}"[:200],
            due_date=grant.bid_deadline,
            responsible_users=owner,
            met_on=grant.submitted_on,
            closed_reason="Bid withdrawn" if withdrawn else "",
        )
    )
    for report in grant.reports.all():
        specs.append(
            DeadlineSpec(
                kind=GRANT_REPORT,
                label=f"{report.description}: {name}"[:200],
                due_date=report.due_on,
                key=f"report-{report.pk}",
                responsible_users=owner,
                met_on=report.submitted_on,
            )
        )
    return specs


def _kinds(names: dict[str, str]) -> list[DeadlineKind]:
    return [
        DeadlineKind(key, name, statutory=key in STATUTORY_KINDS, due_soon_days=conf.due_soon_days)
        for key, name in names.items()
    ]


def contract_action_rule(action: ContractAction):
    return action_deadline(
        action,
        kind=CONTRACT_ACTION,
        label=f"{action.meeting.body.owner.reference} contract action for {action.agency.name}",
    )


def register_rules() -> None:
    register(
        model=Contract,
        rule=contract_rule,
        visible_to=contracts_visible_to,
        manageable_by=contracts_managed_by,
        kinds=_kinds(CONTRACT_KINDS),
    )
    register(
        model=ContractAction,
        rule=contract_action_rule,
        visible_to=actions_visible_to,
        manageable_by=managed_by(ContractAction),
        kinds=[DeadlineKind(CONTRACT_ACTION, "Contract meeting action", due_soon_days=conf.due_soon_days)],
    )
    register(
        model=Grant,
        rule=grant_rule,
        visible_to=grants_visible_to,
        manageable_by=grants_managed_by,
        kinds=_kinds(GRANT_KINDS),
    )
