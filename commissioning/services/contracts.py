"""Providers, contracts and their state machine, extension options and extensions, the
standstill, modifications, published notices, risks and documents."""

from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max

from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_record
from somerset_safety.core import references
from somerset_safety.core.transitions import transition
from somerset_safety.deadlines.services import deadlines_sync

from .. import clocks, conf, schedule
from ..exceptions import CommissioningError
from ..models import (
    Contract,
    ContractDocument,
    ContractFunding,
    ContractStatus,
    EndingReason,
    Extension,
    ExtensionOption,
    KpiRating,
    Modification,
    ModificationKind,
    NoticeKind,
    OptionStatus,
    PerformanceRating,
    Provider,
    PublishedNotice,
    Regime,
    Representation,
    Risk,
    RiskStatus,
)
from ..states import CONTRACT_MOVES
from ._common import audit_created, long_date, not_future, require_text, save_changes

# CON-0001, CON-0002, …: one counter whatever the prefix (COMMISSIONING_REFERENCE_PREFIX).
REFERENCE_KIND = "commissioning_contract"

PROVIDER_FIELDS = ["name", "agency", "notes"]
CONTRACT_FIELDS = [
    "title",
    "provider",
    "service_type",
    "regime",
    "start_date",
    "initial_end_date",
    "annual_value",
    "total_value",
    "notice_period_months",
    "approval_lead_days",
    "contract_manager",
    "description",
]
RISK_FIELDS = ["title", "description", "likelihood", "impact", "owner", "mitigation", "raised_on"]


# --- Providers -----------------------------------------------------------------------------------


@transaction.atomic
def provider_create(*, actor, name: str, agency=None, notes: str = "") -> Provider:
    """Add a provider. Raises CommissioningError if one of that name exists."""
    name = require_text(name, "Enter the provider's name.")
    if Provider.objects.filter(name__iexact=name).exists():
        raise CommissioningError(f"There is already a provider called {name}.")
    provider = Provider.objects.create(name=name, agency=agency, notes=notes.strip())
    audit_created(provider, actor, PROVIDER_FIELDS)
    return provider


@transaction.atomic
def provider_update(*, actor, provider: Provider, expected_version: str = "", **values) -> list[str]:
    provider = Provider.objects.select_for_update().get(pk=provider.pk)
    name = require_text(values.get("name", provider.name), "Enter the provider's name.")
    if Provider.objects.filter(name__iexact=name).exclude(pk=provider.pk).exists():
        raise CommissioningError(f"There is already a provider called {name}.")
    return save_changes(provider, {**values, "name": name}, actor, expected_version=expected_version)


# --- Contracts -----------------------------------------------------------------------------------


def _check_terms(values: dict) -> None:
    if values["initial_end_date"] <= values["start_date"]:
        raise CommissioningError("The initial end date must be after the start date.")
    if (
        values["total_value"] < values["annual_value"]
        and (values["initial_end_date"] - values["start_date"]).days > 366
    ):
        raise CommissioningError(
            "The total value cannot be less than one year's value for a contract of over a year."
        )


@transaction.atomic
def contract_create(
    *,
    actor,
    option_count: int = 0,
    option_months: int | None = None,
    signed_on: date | None = None,
    **values,
) -> Contract:
    """Set up a contract with `option_count` extension options of `option_months` each (more,
    of other lengths, can be added later). A contract already in force is set up as live by
    giving the date it was signed; otherwise it starts as planned.

    Guarantees its end dates and deadlines are stored in the same transaction. Raises
    CommissioningError for dates out of order or options without a length.
    """
    values = {name: values[name] for name in CONTRACT_FIELDS if name in values}
    values["title"] = require_text(values.get("title", ""), "Enter the contract title.")
    _check_terms(values)
    if option_count and not option_months:
        raise CommissioningError("Enter the length of each extension option in months.")
    not_future(signed_on, "date the contract was signed", field="signed_on")
    contract = Contract(
        **values,
        status=ContractStatus.LIVE if signed_on else ContractStatus.PLANNED,
        signed_on=signed_on,
        current_end_date=values["initial_end_date"],
        latest_end_date=values["initial_end_date"],
        created_by=actor,
    )
    reference = references.next_reference(REFERENCE_KIND)
    contract.number, contract.reference = reference.number, reference.text
    contract.save()
    for number in range(1, (option_count or 0) + 1):
        ExtensionOption.objects.create(contract=contract, number=number, months=option_months)
    audit_created(contract, actor, [*values, "status"] + (["signed_on"] if signed_on else []))
    return contract_refresh(contract=contract)


@transaction.atomic
def contract_update(*, actor, contract: Contract, expected_version: str = "", **values) -> list[str]:
    """Change the contract's terms. The end dates and every clock follow."""
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    values = {name: values[name] for name in CONTRACT_FIELDS if name in values}
    values["title"] = require_text(values.get("title", contract.title), "Enter the contract title.")
    _check_terms({f: values.get(f, getattr(contract, f)) for f in CONTRACT_FIELDS})
    changed = save_changes(contract, values, actor, expected_version=expected_version)
    if changed:
        contract_refresh(contract=contract)
    return changed


@transaction.atomic
def contract_refresh(*, contract: Contract) -> Contract:
    """Recompute the stored end dates (and each extension's from and to dates) from the
    options and extensions, and bring the deadlines into line. Idempotent."""
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    end = contract.initial_end_date
    for extension in contract.extensions.select_related("option").order_by("decided_on", "pk"):
        new_end = clocks.add_months(end, extension.option.months)
        if (extension.previous_end_date, extension.new_end_date) != (end, new_end):
            extension.previous_end_date, extension.new_end_date = end, new_end
            extension.save(update_fields=["previous_end_date", "new_end_date"])
        end = new_end
    dates = schedule.contract_dates(contract)
    if (contract.current_end_date, contract.latest_end_date) != (dates.current_end, dates.latest_end):
        contract.current_end_date, contract.latest_end_date = dates.current_end, dates.latest_end
        contract.save(update_fields=["current_end_date", "latest_end_date"])
    deadlines_sync(subject=contract)
    return contract


def funding_set(*, actor, contract: Contract, stream, annual_amount: Decimal) -> ContractFunding:
    """Record (or change) how much a funding stream puts into the contract each year."""
    if annual_amount < 0:
        raise CommissioningError("The amount cannot be negative.")
    with transaction.atomic():
        funding, created = ContractFunding.objects.select_for_update().get_or_create(
            contract=contract, stream=stream, defaults={"annual_amount": annual_amount}
        )
        if created:
            audit_created(funding, actor, ["stream", "annual_amount"])
        else:
            save_changes(funding, {"annual_amount": annual_amount}, actor)
    return funding


@transaction.atomic
def funding_remove(*, actor, funding: ContractFunding) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=funding.contract,
        changed_fields=["funding"],
        detail={"removed_stream": funding.stream_id},
    )
    funding.delete()


# --- The contract's moves: one service each, all made through CONTRACT_MOVES ---------------------


def _move(contract: Contract, name: str, *, actor, updates: dict) -> Contract:
    """Make one of CONTRACT_MOVES (refused with the reason the page shows), then bring the end
    dates and clocks into line."""
    contract = transition(contract, name, machine=CONTRACT_MOVES, actor=actor, values=updates)
    return contract_refresh(contract=contract)


@transaction.atomic
def contract_start_procurement(*, actor, contract: Contract) -> Contract:
    """Planned → procuring."""
    return _move(contract, "start_procurement", actor=actor, updates={})


@transaction.atomic
def contract_record_intention(*, actor, contract: Contract, notice_on: date) -> Contract:
    """Procuring → standstill, from the date the intention-to-award notice was published.
    The standstill end becomes a deadline."""
    not_future(notice_on, "date the notice was published", field="notice_on")
    return _move(contract, "issue_intention", actor=actor, updates={"intention_notice_on": notice_on})


@transaction.atomic
def contract_sign(*, actor, contract: Contract, signed_on: date) -> Contract:
    """Standstill → live. Refused while the standstill runs (a representation awaiting
    re-decision holds it open), for a date inside it, and — Procurement Act 2023 over £5
    million — with fewer than three KPIs set."""
    not_future(signed_on, "date the contract was signed", field="signed_on")
    end = schedule.standstill_end(contract)
    if end is not None and signed_on <= end:
        raise CommissioningError(
            f"The contract cannot be signed before the standstill ends on {long_date(end)}."
        )
    return _move(contract, "sign", actor=actor, updates={"signed_on": signed_on})


@transaction.atomic
def contract_begin_ending(
    *, actor, contract: Contract, reason: str, decided_on: date, ends_on: date | None = None
) -> Contract:
    """Live or in extension → ending. On expiry it ends at the end date in force; an early
    termination gives its own date. Options still open are marked not to be used, which is
    the decision the extension clock was waiting for."""
    not_future(decided_on, "date of the decision", field="decided_on")
    if reason == EndingReason.EXPIRY:
        ends_on = contract.current_end_date
    elif reason == EndingReason.TERMINATION:
        if ends_on is None:
            raise CommissioningError("Enter the date the contract will end.")
        if not contract.start_date < ends_on <= contract.current_end_date:
            raise CommissioningError(
                f"An early termination must end after the start date and by the end date in force, "
                f"{long_date(contract.current_end_date)}."
            )
    else:
        raise CommissioningError("Select why the contract is ending.")
    for option in contract.options.select_for_update().filter(
        status__in=[OptionStatus.ENVISAGED, OptionStatus.AGREED]
    ):
        option.status, option.declined_on = OptionStatus.DECLINED, decided_on
        option.declined_reason = "Not used: the contract is ending."
        option.save(update_fields=["status", "declined_on", "declined_reason"])
    return _move(
        contract,
        "begin_ending",
        actor=actor,
        updates={"ending_reason": reason, "final_end_date": ends_on, "ending_decided_on": decided_on},
    )


@transaction.atomic
def contract_end(*, actor, contract: Contract, ended_on: date) -> Contract:
    """Ending → ended. The termination notice (Procurement Act 2023) runs from this date."""
    not_future(ended_on, "date the contract ended", field="ended_on")
    if ended_on < contract.start_date:
        raise CommissioningError("The contract cannot end before it started.")
    return _move(contract, "end", actor=actor, updates={"final_end_date": ended_on})


@transaction.atomic
def contract_abandon(*, actor, contract: Contract, abandoned_on: date) -> Contract:
    """Planned, procuring or in standstill → ended, without a contract being signed."""
    not_future(abandoned_on, "date the procurement was abandoned", field="abandoned_on")
    return _move(
        contract,
        "abandon",
        actor=actor,
        updates={
            "ending_reason": EndingReason.ABANDONED,
            "final_end_date": abandoned_on,
            "ending_decided_on": abandoned_on,
        },
    )


@transaction.atomic
def contract_record_reprocurement(*, actor, contract: Contract, started_on: date) -> Contract:
    """Record the date re-procurement of the service started (meets its clock)."""
    not_future(started_on, "date re-procurement started", field="started_on")
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    save_changes(contract, {"reprocurement_started_on": started_on}, actor)
    return contract_refresh(contract=contract)


# --- Extension options and extensions --------------------------------------------------------


def _lock_option(option: ExtensionOption) -> ExtensionOption:
    return ExtensionOption.objects.select_for_update().select_related("contract").get(pk=option.pk)


def _check_contract_open_for_options(contract: Contract) -> None:
    if contract.status in (ContractStatus.ENDING, ContractStatus.ENDED):
        raise CommissioningError("This contract is ending: its extension options can no longer change.")


@transaction.atomic
def option_add(*, actor, contract: Contract, months: int) -> ExtensionOption:
    """Add an extension option the contract allows (numbered after the others)."""
    _check_contract_open_for_options(contract)
    if not months or months < 1:
        raise CommissioningError("Enter the option's length in whole months.")
    Contract.objects.select_for_update().get(pk=contract.pk)
    number = (contract.options.aggregate(n=Max("number"))["n"] or 0) + 1
    option = ExtensionOption.objects.create(contract=contract, number=number, months=months)
    audit_created(option, actor, ["number", "months"])
    contract_refresh(contract=contract)
    return option


@transaction.atomic
def option_agree(*, actor, option: ExtensionOption, agreed_on: date) -> ExtensionOption:
    """Envisaged → agreed with the provider."""
    option = _lock_option(option)
    _check_contract_open_for_options(option.contract)
    if option.status != OptionStatus.ENVISAGED:
        raise CommissioningError(
            f"Option {option.number} is {option.get_status_display().lower()}, not envisaged."
        )
    not_future(agreed_on, "date the option was agreed", field="agreed_on")
    save_changes(option, {"status": OptionStatus.AGREED, "agreed_on": agreed_on}, actor)
    return option


@transaction.atomic
def option_decline(*, actor, option: ExtensionOption, declined_on: date, reason: str) -> ExtensionOption:
    """Decide not to use an option. The extension clock moves on (or stops, if none is left)."""
    option = _lock_option(option)
    _check_contract_open_for_options(option.contract)
    if not option.is_open:
        raise CommissioningError(f"Option {option.number} is already {option.get_status_display().lower()}.")
    not_future(declined_on, "date of the decision", field="declined_on")
    reason = require_text(reason, "Enter why the option will not be used.")
    save_changes(
        option,
        {"status": OptionStatus.DECLINED, "declined_on": declined_on, "declined_reason": reason},
        actor,
    )
    contract_refresh(contract=option.contract)
    return option


@transaction.atomic
def extension_take(
    *, actor, option: ExtensionOption, decided_on: date, approver: str, reason: str
) -> Extension:
    """Exercise an agreed option: the end date in force moves on by its months (month ends
    kept) and the contract is in extension. Raises CommissioningError unless the option is
    agreed and the contract live or already in extension."""
    option = _lock_option(option)
    contract = option.contract
    CONTRACT_MOVES.check(contract, "extend")
    if option.status != OptionStatus.AGREED:
        raise CommissioningError(f"Option {option.number} has not been agreed. Record it as agreed first.")
    not_future(decided_on, "date of the decision", field="decided_on")
    if option.agreed_on and decided_on < option.agreed_on:
        raise CommissioningError("The decision cannot be dated before the option was agreed.")
    approver = require_text(approver, "Enter who approved the extension.")
    reason = require_text(reason, "Enter the reason for the extension.")
    extension = Extension.objects.create(
        contract=contract,
        option=option,
        decided_on=decided_on,
        approver=approver,
        reason=reason,
        previous_end_date=contract.current_end_date,
        new_end_date=clocks.add_months(contract.current_end_date, option.months),
        recorded_by=actor,
    )
    option.status = OptionStatus.EXERCISED
    option.save(update_fields=["status"])
    audit_created(extension, actor, ["option", "decided_on", "approver", "reason"])
    _move(contract, "extend", actor=actor, updates={})
    return extension


# --- Standstill representations (Provider Selection Regime) ---------------------------------


@transaction.atomic
def representation_record(
    *, actor, contract: Contract, provider_name: str, received_on: date
) -> Representation:
    """A provider's representation during a Provider Selection Regime standstill. The
    standstill stays open until the council's re-decision."""
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if contract.regime != Regime.PSR:
        raise CommissioningError("Representations are part of the Provider Selection Regime standstill only.")
    if contract.status != ContractStatus.STANDSTILL:
        raise CommissioningError("A representation can be recorded only while the contract is in standstill.")
    not_future(received_on, "date the representation was received", field="received_on")
    end = schedule.standstill_end(contract)
    if received_on < contract.intention_notice_on or (end is not None and received_on > end):
        raise CommissioningError("A representation must be received during the standstill.")
    representation = Representation.objects.create(
        contract=contract,
        provider_name=require_text(provider_name, "Enter the provider that made the representation."),
        received_on=received_on,
        recorded_by=actor,
    )
    audit_created(representation, actor, ["provider_name", "received_on"])
    contract_refresh(contract=contract)
    return representation


@transaction.atomic
def representation_decide(
    *, actor, representation: Representation, re_decision_on: date, outcome: str
) -> Representation:
    """The council's re-decision: the standstill runs a further 5 working days from it."""
    representation = (
        Representation.objects.select_for_update().select_related("contract").get(pk=representation.pk)
    )
    if representation.re_decision_on is not None:
        raise CommissioningError("The re-decision has already been recorded.")
    not_future(re_decision_on, "date of the re-decision", field="re_decision_on")
    if re_decision_on < representation.received_on:
        raise CommissioningError("The re-decision cannot be before the representation was received.")
    save_changes(
        representation,
        {
            "re_decision_on": re_decision_on,
            "outcome": require_text(outcome, "Enter the outcome of the re-decision."),
        },
        actor,
    )
    contract_refresh(contract=representation.contract)
    return representation


# --- Modifications -------------------------------------------------------------------------------


def psr_headroom(contract: Contract, *, extra: Decimal = Decimal(0)) -> clocks.Headroom:
    changes = [
        m.value_change for m in contract.modifications.all() if m.kind == ModificationKind.COUNCIL_INITIATED
    ]
    return clocks.psr_change_headroom(
        contract.total_value,
        [*changes, extra] if extra else changes,
        value_limit=conf.psr_change_value_limit(),
        share_limit=conf.psr_change_share_limit(),
        either=conf.psr_change_limits_either(),
    )


def needs_transparency_notice(contract: Contract, modification: Modification) -> bool:
    return (
        contract.regime == Regime.PSR and abs(modification.value_change) >= conf.psr_transparency_threshold()
    )


@transaction.atomic
def modification_record(
    *,
    actor,
    contract: Contract,
    kind: str,
    description: str,
    reason: str,
    value_change: Decimal,
    agreed_on: date,
    takes_effect_on: date,
) -> Modification:
    """A variation to a signed contract. Under the Provider Selection Regime a change the
    council decided on must keep the cumulative change below its limits (regulation 13);
    Procurement Act 2023 contracts over £5 million need a change notice before it takes effect."""
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if not contract.is_signed or contract.status == ContractStatus.ENDED:
        raise CommissioningError("Only a signed contract that has not ended can be modified.")
    not_future(agreed_on, "date the modification was agreed", field="agreed_on")
    if takes_effect_on < agreed_on:
        raise CommissioningError("The modification cannot take effect before it was agreed.")
    if contract.regime == Regime.PSR and kind == ModificationKind.COUNCIL_INITIATED:
        after = psr_headroom(contract, extra=value_change)
        if after.exceeded:
            before = psr_headroom(contract)
            raise CommissioningError(
                f"This change would take council-initiated changes to £{after.used:,.2f}, which is not below "
                f"the limit of £{after.limit:,.2f}. The remaining headroom is £{before.remaining:,.2f}: a larger "
                "change needs a new procurement."
            )
    modification = Modification.objects.create(
        contract=contract,
        kind=kind,
        description=require_text(description, "Describe the modification."),
        reason=require_text(reason, "Enter the reason for the modification."),
        value_change=value_change,
        agreed_on=agreed_on,
        takes_effect_on=takes_effect_on,
        recorded_by=actor,
    )
    audit_created(
        modification, actor, ["kind", "description", "reason", "value_change", "agreed_on", "takes_effect_on"]
    )
    contract_refresh(contract=contract)
    return modification


# --- Published notices -------------------------------------------------------------------------


@transaction.atomic
def notice_publish(
    *,
    actor,
    contract: Contract,
    kind: str,
    published_on: date,
    summary: str,
    notice_reference: str = "",
    modification: Modification | None = None,
    at_termination: bool = False,
    ratings: dict | None = None,
) -> PublishedNotice:
    """Record a notice published about the contract. A contract performance notice rates
    every active KPI on the Act's five-point scale; change and transparency notices name the
    modification. Each meets its clock."""
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    not_future(published_on, "date the notice was published", field="published_on")
    summary = require_text(summary, "Enter a summary of the notice.")
    if kind in (NoticeKind.CHANGE, NoticeKind.TRANSPARENCY):
        if modification is None or modification.contract_id != contract.pk:
            raise CommissioningError("Select the modification the notice is about.")
    else:
        modification = None
    if kind != NoticeKind.PERFORMANCE:
        at_termination, ratings = False, None
    notice = PublishedNotice.objects.create(
        contract=contract,
        kind=kind,
        published_on=published_on,
        summary=summary,
        notice_reference=notice_reference.strip(),
        modification=modification,
        at_termination=at_termination,
        recorded_by=actor,
    )
    if kind == NoticeKind.PERFORMANCE:
        kpis = list(contract.kpis.filter(active=True))
        ratings = ratings or {}
        missing = [k.name for k in kpis if ratings.get(k.pk) not in PerformanceRating.values]
        if not kpis:
            raise CommissioningError("A performance notice rates the contract's KPIs: set them up first.")
        if missing:
            raise CommissioningError("Rate every KPI: " + ", ".join(missing) + ".")
        KpiRating.objects.bulk_create(KpiRating(notice=notice, kpi=k, rating=ratings[k.pk]) for k in kpis)
    audit_created(notice, actor, ["kind", "published_on", "summary", "notice_reference", "modification"])
    contract_refresh(contract=contract)
    return notice


# --- Risks and documents -------------------------------------------------------------------------


def _check_risk(values: dict) -> None:
    require_text(values.get("title", ""), "Enter the risk.")
    require_text(values.get("owner", ""), "Enter who owns the risk.")
    for name in ("likelihood", "impact"):
        if values.get(name) not in range(1, 6):
            raise CommissioningError(f"Choose the {name} from 1 to 5.")
    not_future(values.get("raised_on"), "date the risk was raised", field="raised_on")


@transaction.atomic
def risk_create(*, actor, contract: Contract, **values) -> Risk:
    values = {name: values[name] for name in RISK_FIELDS if name in values}
    _check_risk(values)
    risk = Risk.objects.create(contract=contract, **values)
    audit_created(risk, actor, values)
    return risk


@transaction.atomic
def risk_update(*, actor, risk: Risk, expected_version: str = "", **values) -> list[str]:
    risk = Risk.objects.select_for_update().get(pk=risk.pk)
    values = {name: values[name] for name in RISK_FIELDS if name in values}
    _check_risk({**{f: getattr(risk, f) for f in RISK_FIELDS}, **values})
    return save_changes(risk, values, actor, expected_version=expected_version)


@transaction.atomic
def risk_close(*, actor, risk: Risk, closed_on: date) -> Risk:
    risk = Risk.objects.select_for_update().get(pk=risk.pk)
    if risk.status == RiskStatus.CLOSED:
        raise CommissioningError("This risk is already closed.")
    not_future(closed_on, "date the risk was closed", field="closed_on")
    if closed_on < risk.raised_on:
        raise CommissioningError("A risk cannot be closed before it was raised.")
    save_changes(risk, {"status": RiskStatus.CLOSED, "closed_on": closed_on}, actor)
    return risk


@transaction.atomic
def document_upload(*, actor, contract: Contract, title: str, file: UploadedFile) -> ContractDocument:
    """Store a contract document through the private-upload service (checked by the form's
    validate_upload): outside the web root, under a random name."""
    document = ContractDocument(
        contract=contract,
        title=require_text(title, "Enter a title for the document."),
        file_name=file.name[:200],
        uploaded_by=actor,
    )
    document.file.save(file.name, file, save=False)
    document.save()
    audit_created(document, actor, ["title", "file"])
    return document


def document_disclose(*, actor, document: ContractDocument) -> None:
    audit_record(
        actor=actor, action=AuditAction.DISCLOSE, obj=document, detail={"download": "contract document"}
    )
