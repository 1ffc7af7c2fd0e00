"""Deadline rules for the duties app, registered with the platform in DutiesConfig.ready().

Labels carry references and titles only, never a name (S14)."""

from datetime import date

from django.conf import settings

from somerset_safety.accounts.models import Agency
from somerset_safety.core.dates import add_months
from somerset_safety.deadlines.registry import DeadlineKind, DeadlineSpec, register

from .evidence import held_met_dates
from .models import Obligation, Route, SlaveryNotification
from .models.register import due_soon_days
from .permissions import obligations_managed_by, obligations_visible_to, slavery_notifications_visible_to

OBLIGATION_DUE = "duty_obligation_due"
SLAVERY_RG_CHECK = "modern_slavery_rg_check"


def obligation_cycles(obligation: Obligation) -> list[tuple[date, date | None]]:
    """Every cycle of an obligation as (due date, date met), from its current evidence: what
    officers recorded and what other records hold (`duties.evidence`).

    The first cycle is due on its first due date (the one set, or the register's rule);
    evidence met on a day meets the cycle then due, and the next cycle falls due its cycle of
    months later. The last cycle is the one still open: its due date is the obligation's next
    due date.
    """
    # Of the evidence other records hold (many a year: each DHR decided in time), the latest
    # meets the cycle: one met cycle for it, not one per record.
    held = held_met_dates(obligation)
    met_dates = sorted(
        set(obligation.evidence.filter(withdrawn_at__isnull=True).values_list("met_on", flat=True))
        | ({max(held)} if held else set())
    )
    cycles: dict[date, date | None] = {}
    due = obligation.first_due_date()
    for met in met_dates:
        cycles.setdefault(due, met)
        due = add_months(met, obligation.cycle_months)
    if due not in cycles:
        cycles[due] = None
    return sorted(cycles.items())


def obligation_rule(obligation: Obligation):
    """Each cycle of an active obligation is one statutory deadline (met on time or late, by its
    evidence), owned by its lead officer and the council's community safety team."""
    if not (obligation.active and obligation.duty.active):
        return []
    team = Agency.objects.filter(is_council_team=True).order_by("pk").first()
    label = f"{obligation.title} ({obligation.duty.title})"[:200]
    return [
        DeadlineSpec(
            kind=OBLIGATION_DUE,
            key=due.isoformat(),
            label=label,
            due_date=due,
            met_on=met,
            responsible_users=[obligation.lead_officer] if obligation.lead_officer_id else [],
            responsible_agency=team,
        )
        for due, met in obligation_cycles(obligation)
    ]


def slavery_rule(notification: SlaveryNotification):
    """An NRM referral's reasonable-grounds decision is expected a set number of working days
    after submission: check it has arrived. Met when the decision is recorded."""
    if notification.route != Route.NRM or notification.rg_expected_on is None:
        return []
    return [
        DeadlineSpec(
            kind=SLAVERY_RG_CHECK,
            label=f"Check for the reasonable-grounds decision on {notification.reference}",
            due_date=notification.rg_expected_on,
            responsible_users=[notification.recorded_by] if notification.recorded_by_id else [],
            responsible_agency=notification.first_responder,
            met_on=notification.rg_decision_on,
        )
    ]


def register_rules() -> None:
    # Both are statutory: a duty cycle is the law's (never waived, only met), and the modern
    # slavery check follows a duty to notify (Modern Slavery Act 2015 s52).
    register(
        model=Obligation,
        rule=obligation_rule,
        visible_to=obligations_visible_to,
        manageable_by=obligations_managed_by,
        kinds=[
            DeadlineKind(
                OBLIGATION_DUE, "Statutory duty obligation due", statutory=True, due_soon_days=due_soon_days
            )
        ],
    )
    register(
        model=SlaveryNotification,
        rule=slavery_rule,
        visible_to=slavery_notifications_visible_to,
        manageable_by=slavery_notifications_visible_to,
        kinds=[
            DeadlineKind(
                SLAVERY_RG_CHECK,
                "Modern slavery reasonable-grounds decision check",
                statutory=True,
                due_soon_days=lambda: getattr(settings, "DUTIES_RG_CHECK_DUE_SOON_DAYS", 2),
            )
        ],
    )
