"""The pooled budget, and grants and funding bids."""

from datetime import date
from decimal import Decimal

from django.db import transaction

from somerset_safety.deadlines.services import deadlines_sync

from ..clocks import financial_year_of
from ..exceptions import CommissioningError
from ..models import DHR_CATEGORIES, BudgetContribution, BudgetSpend, Grant, GrantReport, GrantStatus
from ._common import audit_created, not_future, require_text, save_changes

GRANT_FIELDS = [
    "funder",
    "scheme",
    "purpose",
    "partner",
    "partnership_body",
    "locality",
    "amount_requested",
    "bid_deadline",
    "decision_expected_on",
    "owner",
]


def _linkable_reviews() -> set[str]:
    from reviews.selectors import review_references

    return set(review_references())


def _check_amount(amount: Decimal | None, what: str) -> Decimal:
    if amount is None:
        raise CommissioningError(f"Enter the {what}.")
    if amount < 0:
        raise CommissioningError(f"The {what} cannot be negative.")
    return amount


CONTRIBUTION_FIELDS = ["year", "partner", "amount", "received_on", "notes"]
SPEND_FIELDS = ["spent_on", "category", "description", "amount", "dhr_reference"]


def _check_contribution(values: dict) -> dict:
    _check_amount(values.get("amount"), "amount")
    not_future(values.get("received_on"), "date it was received", field="received_on")
    values["notes"] = (values.get("notes") or "").strip()
    return values


def _check_spend(values: dict) -> dict:
    """A spending line's rules, for recording and changing one alike. DHR costs name a review
    on record; other kinds name none. Its financial year is that of its date."""
    _check_amount(values.get("amount"), "amount")
    values["description"] = require_text(
        values.get("description", ""), "Describe what the money was spent on."
    )
    reference = (values.get("dhr_reference") or "").strip()
    if values.get("category") in DHR_CATEGORIES:
        if not reference:
            raise CommissioningError("Select the review this cost is for.", field="dhr_reference")
        if reference not in _linkable_reviews():
            raise CommissioningError(
                f"There is no review with the reference {reference}.", field="dhr_reference"
            )
    else:
        reference = ""
    values["dhr_reference"] = reference
    values["year"] = financial_year_of(values["spent_on"])
    return values


@transaction.atomic
def contribution_record(
    *, actor, year: int, partner, amount: Decimal, received_on: date | None = None, notes: str = ""
) -> BudgetContribution:
    """A partner's contribution to the pooled budget for the financial year starting in April `year`."""
    values = _check_contribution(
        {"year": year, "partner": partner, "amount": amount, "received_on": received_on, "notes": notes}
    )
    contribution = BudgetContribution.objects.create(recorded_by=actor, **values)
    audit_created(contribution, actor, CONTRIBUTION_FIELDS)
    return contribution


@transaction.atomic
def contribution_update(
    *, actor, contribution: BudgetContribution, expected_version: str = "", **values
) -> list[str]:
    """Change a contribution (a wrong amount, partner or year, the date it came in). The budget's
    totals are worked out from the lines each time they are shown, so they follow at once."""
    contribution = BudgetContribution.objects.select_for_update().get(pk=contribution.pk)
    merged = _check_contribution(
        {
            **{f: getattr(contribution, f) for f in CONTRIBUTION_FIELDS},
            **{f: values[f] for f in CONTRIBUTION_FIELDS if f in values},
        }
    )
    return save_changes(contribution, merged, actor, expected_version=expected_version)


@transaction.atomic
def spend_record(
    *, actor, spent_on: date, category: str, description: str, amount: Decimal, dhr_reference: str = ""
) -> BudgetSpend:
    """A spending line against the pooled budget, in the financial year of its date. DHR costs
    name the review by its reference, which must be a review on record."""
    values = _check_spend(
        {
            "spent_on": spent_on,
            "category": category,
            "description": description,
            "amount": amount,
            "dhr_reference": dhr_reference,
        }
    )
    spend = BudgetSpend.objects.create(recorded_by=actor, **values)
    audit_created(spend, actor, SPEND_FIELDS)
    return spend


@transaction.atomic
def spend_update(*, actor, spend: BudgetSpend, expected_version: str = "", **values) -> list[str]:
    """Change a spending line under the rules it was recorded by; a new date in another
    financial year moves the line to that year."""
    spend = BudgetSpend.objects.select_for_update().get(pk=spend.pk)
    merged = _check_spend(
        {
            **{f: getattr(spend, f) for f in SPEND_FIELDS},
            **{f: values[f] for f in SPEND_FIELDS if f in values},
        }
    )
    return save_changes(spend, merged, actor, expected_version=expected_version)


# --- Grants and funding bids ------------------------------------------------------------------


def _check_grant(values: dict) -> dict:
    for name, what in (("funder", "funder"), ("scheme", "scheme"), ("partner", "organisation bidding")):
        values[name] = require_text(values.get(name, ""), f"Enter the {what}.")
    _check_amount(values.get("amount_requested"), "amount requested")
    if values.get("decision_expected_on") and values["decision_expected_on"] < values["bid_deadline"]:
        raise CommissioningError("The decision cannot be expected before the bid deadline.")
    return values


@transaction.atomic
def grant_create(*, actor, **values) -> Grant:
    values = _check_grant({name: values[name] for name in GRANT_FIELDS if name in values})
    grant = Grant.objects.create(recorded_by=actor, **values)
    audit_created(grant, actor, values)
    deadlines_sync(subject=grant)
    return grant


def _lock(grant: Grant) -> Grant:
    return Grant.objects.select_for_update().get(pk=grant.pk)


@transaction.atomic
def grant_update(*, actor, grant: Grant, expected_version: str = "", **values) -> list[str]:
    grant = _lock(grant)
    values = {name: values[name] for name in GRANT_FIELDS if name in values}
    merged = _check_grant({**{f: getattr(grant, f) for f in GRANT_FIELDS}, **values})
    changed = save_changes(
        grant, {name: merged[name] for name in values}, actor, expected_version=expected_version
    )
    deadlines_sync(subject=grant)
    return changed


def _require_status(grant: Grant, allowed: set, doing: str) -> None:
    if grant.status not in allowed:
        raise CommissioningError(f"This bid is {grant.get_status_display().lower()}: it cannot be {doing}.")


@transaction.atomic
def grant_submit(*, actor, grant: Grant, submitted_on: date) -> Grant:
    """Preparing → submitted. Meets the bid deadline (late if after it)."""
    grant = _lock(grant)
    _require_status(grant, {GrantStatus.PREPARING}, "submitted")
    not_future(submitted_on, "date the bid was submitted", field="submitted_on")
    save_changes(grant, {"status": GrantStatus.SUBMITTED, "submitted_on": submitted_on}, actor)
    deadlines_sync(subject=grant)
    return grant


@transaction.atomic
def grant_decide(
    *,
    actor,
    grant: Grant,
    awarded: bool,
    decided_on: date,
    amount_awarded: Decimal | None = None,
    conditions: str = "",
) -> Grant:
    """Submitted → awarded (with the amount and any conditions) or unsuccessful."""
    grant = _lock(grant)
    _require_status(grant, {GrantStatus.SUBMITTED}, "decided")
    not_future(decided_on, "date of the funder's decision", field="decided_on")
    if decided_on < grant.submitted_on:
        raise CommissioningError("The decision cannot be before the bid was submitted.")
    values = {"status": GrantStatus.UNSUCCESSFUL, "decided_on": decided_on}
    if awarded:
        amount = _check_amount(amount_awarded, "amount awarded")
        if amount == 0:
            raise CommissioningError("An award must be more than £0. Record an unsuccessful bid instead.")
        values.update(
            status=GrantStatus.AWARDED, amount_awarded=amount, conditions=(conditions or "").strip()
        )
    save_changes(grant, values, actor)
    deadlines_sync(subject=grant)
    return grant


@transaction.atomic
def grant_withdraw(*, actor, grant: Grant) -> Grant:
    """Preparing or submitted → withdrawn. Its bid deadline closes."""
    grant = _lock(grant)
    _require_status(grant, {GrantStatus.PREPARING, GrantStatus.SUBMITTED}, "withdrawn")
    save_changes(grant, {"status": GrantStatus.WITHDRAWN}, actor)
    deadlines_sync(subject=grant)
    return grant


@transaction.atomic
def grant_report_add(*, actor, grant: Grant, description: str, due_on: date) -> GrantReport:
    """A report the funder asks for: a deadline until it is sent."""
    grant = _lock(grant)
    _require_status(grant, {GrantStatus.AWARDED}, "given reporting dates until it is awarded")
    report = GrantReport.objects.create(
        grant=grant,
        description=require_text(description, "Describe the report the funder asks for."),
        due_on=due_on,
    )
    audit_created(report, actor, ["description", "due_on"])
    deadlines_sync(subject=grant)
    return report


@transaction.atomic
def grant_report_submit(*, actor, report: GrantReport, submitted_on: date) -> GrantReport:
    report = GrantReport.objects.select_for_update().select_related("grant").get(pk=report.pk)
    if report.submitted_on:
        raise CommissioningError("This report has already been sent.")
    not_future(submitted_on, "date the report was sent", field="submitted_on")
    save_changes(report, {"submitted_on": submitted_on}, actor)
    deadlines_sync(subject=report.grant)
    return report
