"""Deadline rules of partnership boards (registered in PartnershipsConfig.ready): each action of a
board's action log is due on its due date. Labels carry no personal data."""

from somerset_safety.deadlines import registry
from somerset_safety.deadlines.registry import DeadlineKind, DeadlineSpec
from somerset_safety.meetings.deadlines import action_deadline

from .. import conf
from ..models import BoardAction, Indicator, IndicatorValue

KIND_BOARD_ACTION = "board_action"
KIND_INDICATOR_RETURN = "indicator_return"


def action_rule(action: BoardAction):
    return action_deadline(
        action,
        kind=KIND_BOARD_ACTION,
        label=f"{action.meeting.body.owner.code} board action for {action.agency.name}",
    )


def return_days() -> int:
    """Days after the end of a quarter by which each indicator's value for it is due."""
    from django.conf import settings

    return getattr(settings, "PERFORMANCE_RETURN_DAYS", 42)


def indicator_rule(indicator: Indicator):
    """One clock per quarter of the plan period: the value is due `return_days()` after the
    quarter ends, and met on the day it was first recorded."""
    from datetime import timedelta

    from somerset_safety.core.dates import add_months
    from somerset_safety.reports.periods import financial_quarter_name

    from ..performance.services import quarter_refusal, quarters_of

    recorded = {
        row.period_start: row.entered_at.date()
        for row in IndicatorValue.objects.filter(indicator=indicator).only("period_start", "entered_at")
    }
    specs = []
    for start in quarters_of(indicator.framework):
        if quarter_refusal(indicator, start):
            continue
        specs.append(
            DeadlineSpec(
                kind=KIND_INDICATOR_RETURN,
                key=start.isoformat(),
                label=f"Indicator {indicator.code}: value for {financial_quarter_name(start)}",
                due_date=add_months(start, 3) - timedelta(days=1) + timedelta(days=return_days()),
                met_on=recorded.get(start),
            )
        )
    return specs


def register() -> None:
    from . import permissions as perms

    registry.register(
        model=BoardAction,
        rule=action_rule,
        visible_to=perms.actions_visible_to,
        manageable_by=perms.managed_by(BoardAction),
        kinds=[DeadlineKind(KIND_BOARD_ACTION, "Partnership board action", due_soon_days=conf.due_soon_days)],
    )
    registry.register(
        model=Indicator,
        rule=indicator_rule,
        visible_to=perms.indicators_visible_to,
        manageable_by=perms.managed_by(Indicator),
        kinds=[DeadlineKind(KIND_INDICATOR_RETURN, "Performance indicator value", due_soon_days=14)],
    )
