"""The DHR panels of the home page (registered with somerset_safety.core.navigation)."""

from somerset_safety.accounts.roles import Role
from somerset_safety.core.dates import today as local_today

from . import selectors

OFFICER_PANEL_ROWS = 10


def agency_panel(user) -> dict | None:
    """An agency representative's: what waits for their agency."""
    if not (user.has_role(Role.AGENCY_REP) and user.agency_id):
        return None
    return {"agency": user.agency, **selectors.agency_waiting(user.agency_id, local_today())}


def officer_panel(user) -> dict | None:
    """An officer's: evidence sent by agencies that waits for acceptance (nothing when none)."""
    if not user.has_role(Role.OFFICER):
        return None
    waiting = selectors.evidence_awaiting_acceptance()
    count = waiting.count()
    if not count:
        return None
    return {"count": count, "actions": list(waiting[:OFFICER_PANEL_ROWS])}
