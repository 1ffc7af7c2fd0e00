"""KPIs and quarterly returns: set up, entered in the browser or uploaded, reviewed and
signed off."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_record
from somerset_safety.deadlines.services import deadlines_sync

from ..clocks import Quarter, quarters_between
from ..exceptions import CommissioningError
from ..models import (
    SIGNED_STATUSES,
    Contract,
    Kpi,
    KpiResult,
    QuarterlyReturn,
    ReturnSource,
    ReturnStatus,
)
from ._common import audit_created, long_date, not_future, require_text, save_changes
from .meetings import contract_agendas_follow_return

KPI_FIELDS = [
    "name",
    "definition",
    "unit",
    "direction",
    "target",
    "tolerance",
    "frequency",
    "benchmark",
    "counts_people",
    "set_on",
]


def _check_kpi(contract: Contract, values: dict, *, exclude_pk: int | None = None) -> dict:
    values["name"] = require_text(values.get("name", ""), "Enter the KPI's name.")
    values["definition"] = require_text(values.get("definition", ""), "Enter how the KPI is measured.")
    values["unit"] = require_text(values.get("unit", ""), "Enter the KPI's unit, for example % or people.")
    if values.get("tolerance") is not None and values["tolerance"] < 0:
        raise CommissioningError("The amber tolerance cannot be negative.")
    not_future(values.get("set_on"), "date the KPI was set", field="set_on")
    clash = contract.kpis.filter(name__iexact=values["name"])
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise CommissioningError(f"This contract already has a KPI called {values['name']}.")
    return values


@transaction.atomic
def kpi_create(*, actor, contract: Contract, **values) -> Kpi:
    values = _check_kpi(contract, {name: values[name] for name in KPI_FIELDS if name in values})
    order = contract.kpis.count() + 1
    kpi = Kpi.objects.create(contract=contract, order=order, **values)
    audit_created(kpi, actor, values)
    return kpi


@transaction.atomic
def kpi_update(*, actor, kpi: Kpi, expected_version: str = "", **values) -> list[str]:
    """Change a KPI. Its past results are rated against the target as it now stands."""
    kpi = Kpi.objects.select_for_update().select_related("contract").get(pk=kpi.pk)
    values = {name: values[name] for name in KPI_FIELDS if name in values}
    merged = _check_kpi(
        kpi.contract, {**{f: getattr(kpi, f) for f in KPI_FIELDS}, **values}, exclude_pk=kpi.pk
    )
    return save_changes(
        kpi, {name: merged[name] for name in values}, actor, expected_version=expected_version
    )


@transaction.atomic
def kpi_retire(*, actor, kpi: Kpi) -> Kpi:
    """Stop asking for a KPI in returns; its results stay on record."""
    kpi = Kpi.objects.select_for_update().get(pk=kpi.pk)
    if not kpi.active:
        raise CommissioningError("This KPI has already been retired.")
    save_changes(kpi, {"active": False}, actor)
    return kpi


# --- Quarterly returns ----------------------------------------------------------------------


def return_quarters(contract: Contract) -> list[Quarter]:
    """The quarters a signed contract owes a return for: every one its term touches."""
    if contract.status not in SIGNED_STATUSES:
        return []
    return quarters_between(contract.start_date, contract.end_in_force)


def kpis_for_quarter(contract: Contract, quarter: Quarter) -> list[Kpi]:
    """Active KPIs set by the end of the quarter and reported in it (by their frequency)."""
    return [
        kpi
        for kpi in contract.kpis.filter(active=True, set_on__lte=quarter.end).order_by("order", "pk")
        if kpi.reported_in(quarter.number)
    ]


def kpi_value_problem(kpi: Kpi, raw) -> tuple[Decimal | None, str | None]:
    """Read one result as the KPI needs it: a number; a percentage from 0 to 100; a count of
    people a whole number, not negative. (value, None) or (None, the message)."""
    text = "" if raw is None else str(raw).strip()
    if text == "":
        return None, f"Enter the value for {kpi.name}"
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None, f"The value for {kpi.name} must be a number, like 72.5 (not “{text[:40]}”)"
    if not value.is_finite():
        return None, f"The value for {kpi.name} must be a number, like 72.5"
    if kpi.unit.strip() == "%" and not Decimal(0) <= value <= Decimal(100):
        return None, f"The value for {kpi.name} is a percentage: it must be from 0 to 100"
    if kpi.counts_people and (value < 0 or value != value.to_integral_value()):
        return None, f"The value for {kpi.name} is a count: it must be a whole number, 0 or more"
    if value.as_tuple().exponent < -2:
        return None, f"The value for {kpi.name} can have at most 2 decimal places"
    if abs(value) >= Decimal("1e12"):
        return None, f"The value for {kpi.name} is too large"
    return value, None


@dataclass(frozen=True)
class ReturnFigure:
    kpi_id: int
    value: object
    note: str = ""


def _received_problem(quarter: Quarter, received_on: date | None) -> str | None:
    if received_on is not None and received_on < quarter.end:
        return f"A return for {quarter.label} cannot be received before the quarter ends on {long_date(quarter.end)}."
    return None


def return_quarter_problem(contract: Contract, quarter: Quarter, received_on: date | None) -> str | None:
    if quarter not in return_quarters(contract):
        return (
            f"The contract does not owe a return for {quarter.label}: its term does not include that quarter."
        )
    if contract.returns.filter(year=quarter.year, quarter=quarter.number).exists():
        return f"A return for {quarter.label} has already been recorded."
    return _received_problem(quarter, received_on)


def _read_figures(expected: dict[int, Kpi], figures: list[ReturnFigure]) -> dict[int, tuple[Decimal, str]]:
    """A value (and note) for every KPI in `expected`, each read as the KPI needs it; any bad,
    stray or missing figure raises CommissioningError naming them all."""
    given = {}
    problems = []
    for figure in figures:
        kpi = expected.get(figure.kpi_id)
        if kpi is None:
            problems.append("A figure was given for a KPI that is not reported in this quarter")
            continue
        value, message = kpi_value_problem(kpi, figure.value)
        if message:
            problems.append(message)
        given[kpi.pk] = (value, (figure.note or "").strip())
    problems += [f"Enter the value for {kpi.name}" for pk, kpi in expected.items() if pk not in given]
    if problems:
        raise CommissioningError("; ".join(problems) + ".")
    return given


@transaction.atomic
def return_record(
    *,
    actor,
    contract: Contract,
    quarter: Quarter,
    received_on: date,
    figures: list[ReturnFigure],
    provider_commentary: str = "",
    source: str = ReturnSource.ENTERED,
    upload: UploadedFile | None = None,
) -> QuarterlyReturn:
    """Record a provider's return for one quarter, with a figure for every KPI reported in it.
    All or nothing: any bad or missing figure, a quarter outside the term or one already
    recorded raises CommissioningError and nothing is written. Meets the quarter's clock (late
    if received after it)."""
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    not_future(received_on, "date the return was received", field="received_on")
    problem = return_quarter_problem(contract, quarter, received_on)
    if problem:
        raise CommissioningError(problem)
    expected = {kpi.pk: kpi for kpi in kpis_for_quarter(contract, quarter)}
    if not expected:
        raise CommissioningError(
            f"No KPI of this contract is reported in {quarter.label}. Set up its KPIs first."
        )
    given = _read_figures(expected, figures)
    quarterly_return = QuarterlyReturn(
        contract=contract,
        year=quarter.year,
        quarter=quarter.number,
        received_on=received_on,
        source=source,
        provider_commentary=(provider_commentary or "").strip(),
        recorded_by=actor,
    )
    if upload is not None:
        quarterly_return.upload_name = upload.name[:200]
        quarterly_return.upload.save(upload.name, upload, save=False)
    quarterly_return.save()
    KpiResult.objects.bulk_create(
        KpiResult(quarterly_return=quarterly_return, kpi_id=pk, value=value, note=note)
        for pk, (value, note) in given.items()
    )
    audit_created(
        quarterly_return,
        actor,
        ["year", "quarter", "received_on", "source", "provider_commentary", "results"],
    )
    deadlines_sync(subject=contract)
    return quarterly_return


def return_correction_refusal(quarterly_return: QuarterlyReturn) -> str | None:
    """Why a return's figures cannot be corrected now, or None: once the officer has reviewed
    and signed it off, its figures are on record as reviewed."""
    if quarterly_return.status == ReturnStatus.SIGNED_OFF:
        return (
            f"This return was signed off on {long_date(quarterly_return.signed_off_on)}: its figures "
            "are on record as reviewed and cannot be corrected."
        )
    return None


@transaction.atomic
def return_correct(
    *,
    actor,
    quarterly_return: QuarterlyReturn,
    received_on: date,
    figures: list[ReturnFigure],
    provider_commentary: str = "",
    expected_version: str = "",
) -> list[str]:
    """Correct a return awaiting review: its figures and notes, the provider's commentary, the
    date it was received. A figure for every KPI in the return, read as when it was recorded;
    all or nothing. A new date received moves the quarter's clock (met, or met late) and the
    return between the agendas of contract meetings that have not started."""
    quarterly_return = (
        QuarterlyReturn.objects.select_for_update().select_related("contract").get(pk=quarterly_return.pk)
    )
    refusal = return_correction_refusal(quarterly_return)
    if refusal:
        raise CommissioningError(refusal)
    not_future(received_on, "date the return was received", field="received_on")
    problem = _received_problem(quarterly_return.period, received_on)
    if problem:
        raise CommissioningError(problem, field="received_on")
    results = {result.kpi_id: result for result in quarterly_return.results.select_related("kpi")}
    given = _read_figures({pk: result.kpi for pk, result in results.items()}, figures)
    corrected = [result for pk, result in results.items() if (result.value, result.note) != given[pk]]
    changed = save_changes(
        quarterly_return,
        {"received_on": received_on, "provider_commentary": (provider_commentary or "").strip()},
        actor,
        also_changed=["results"] if corrected else [],
        detail={"kpis": sorted(result.kpi_id for result in corrected)} if corrected else None,
        expected_version=expected_version,
    )
    for result in corrected:
        result.value, result.note = given[result.kpi_id]
    KpiResult.objects.bulk_update(corrected, ["value", "note"])
    if "received_on" in changed:
        deadlines_sync(subject=quarterly_return.contract)
        contract_agendas_follow_return(actor=actor, quarterly_return=quarterly_return)
    return changed


@transaction.atomic
def return_sign_off(
    *, actor, quarterly_return: QuarterlyReturn, review_notes: str, signed_off_on: date
) -> QuarterlyReturn:
    """The officer's review and sign-off of a received return."""
    quarterly_return = QuarterlyReturn.objects.select_for_update().get(pk=quarterly_return.pk)
    if quarterly_return.status == ReturnStatus.SIGNED_OFF:
        raise CommissioningError("This return has already been signed off.")
    not_future(signed_off_on, "date of sign-off", field="signed_off_on")
    if signed_off_on < quarterly_return.received_on:
        raise CommissioningError("A return cannot be signed off before it was received.")
    save_changes(
        quarterly_return,
        {
            "status": ReturnStatus.SIGNED_OFF,
            "review_notes": require_text(review_notes, "Enter your review of the return."),
            "signed_off_by": actor,
            "signed_off_on": signed_off_on,
        },
        actor,
    )
    return quarterly_return


def return_disclose(*, actor, quarterly_return: QuarterlyReturn) -> None:
    audit_record(
        actor=actor, action=AuditAction.DISCLOSE, obj=quarterly_return, detail={"download": "return file"}
    )
