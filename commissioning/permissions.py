"""Who may see and do what in the commissioning app (S7).

- Commissioning officers manage contracts, returns, the pooled budget and grants.
- Community safety officers read all of it.
- Partnership leads see only the aggregate panel on the partnership dashboard and the
  Executive report section; contract pages are a 404 to them, as to everyone else.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from somerset_safety.accounts.roles import Role
from somerset_safety.audit.reads import audited_read

from .models import Contract, ContractDocument, Grant, Provider, QuarterlyReturn

MANAGE_ROLES = frozenset({Role.COMMISSIONING_OFFICER})
READ_ROLES = MANAGE_ROLES | {Role.OFFICER}


def can_read(user) -> bool:
    return user.is_authenticated and user.has_role(*READ_ROLES)


def can_manage(user) -> bool:
    return user.is_authenticated and user.has_role(*MANAGE_ROLES)


def require_reader(user) -> None:
    """For list pages: a 403 for a signed-in user whose role cannot read commissioning records."""
    if not can_read(user):
        raise PermissionDenied


def require_manager(user) -> None:
    """For create pages: readers who may not manage get a 403."""
    require_reader(user)
    if not can_manage(user):
        raise PermissionDenied


def contracts_visible_to(user) -> QuerySet[Contract]:
    return Contract.objects.all() if can_read(user) else Contract.objects.none()


def contracts_managed_by(user) -> QuerySet[Contract]:
    return Contract.objects.all() if can_manage(user) else Contract.objects.none()


def providers_visible_to(user) -> QuerySet[Provider]:
    return Provider.objects.all() if can_read(user) else Provider.objects.none()


def grants_visible_to(user) -> QuerySet[Grant]:
    return Grant.objects.all() if can_read(user) else Grant.objects.none()


def grants_managed_by(user) -> QuerySet[Grant]:
    return Grant.objects.all() if can_manage(user) else Grant.objects.none()


def _get_or_404(queryset: QuerySet, pk: int, user, action: str):
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404
    if action != "view" and not can_manage(user):
        raise PermissionDenied
    return obj


def get_contract_for_user_or_404(user, pk: int, action: str = "view") -> Contract:
    return _get_or_404(
        contracts_visible_to(user).select_related("provider", "contract_manager"), pk, user, action
    )


def get_provider_for_user_or_404(user, pk: int, action: str = "view") -> Provider:
    return _get_or_404(providers_visible_to(user), pk, user, action)


def get_return_for_user_or_404(user, contract: Contract, pk: int, action: str = "view") -> QuarterlyReturn:
    queryset = QuarterlyReturn.objects.filter(contract=contract).select_related(
        "signed_off_by", "recorded_by"
    )
    return _get_or_404(queryset, pk, user, action)


def get_document_for_user_or_404(user, contract: Contract, pk: int) -> ContractDocument:
    return _get_or_404(ContractDocument.objects.filter(contract=contract), pk, user, "view")


def get_grant_for_user_or_404(user, pk: int, action: str = "view") -> Grant:
    return _get_or_404(grants_visible_to(user).select_related("owner"), pk, user, action)


def get_budget_line_for_user_or_404(user, model, pk: int, action: str = "view"):
    """A pooled-budget line (a BudgetContribution or a BudgetSpend): readers see the budget,
    commissioning officers change it."""
    return _get_or_404(model.objects.all() if can_read(user) else model.objects.none(), pk, user, action)


# --- Contract management meetings ----------------------------------------------------------------
# Readers see every contract's meetings and actions; commissioning officers run them. An action's
# named owner may record its progress and complete it.


def managed_by(model):
    """For the deadlines registry: every row of `model` for a commissioning officer, none otherwise."""

    def rows(user):
        return model.objects.all() if can_manage(user) else model.objects.none()

    return rows


def meetings_visible_to(user):
    from .models import ContractMeeting

    return ContractMeeting.objects.all() if can_read(user) else ContractMeeting.objects.none()


def actions_visible_to(user):
    from .models import ContractAction

    return ContractAction.objects.all() if can_read(user) else ContractAction.objects.none()


@audited_read()
def get_meeting_for_user_or_404(user, pk: int, action: str = "view"):
    return _get_or_404(meetings_visible_to(user).select_related("body", "chair"), pk, user, action)


@audited_read()
def get_item_for_user_or_404(user, pk: int, action: str = "view"):
    from .models import ContractAgendaItem

    item = ContractAgendaItem.objects.select_related("meeting").filter(pk=pk).first()
    if item is None:
        raise Http404
    item.meeting = get_meeting_for_user_or_404(user, item.meeting_id, action)
    return item


def can_update_action(user, action) -> bool:
    return can_manage(user) or (action.owner_id is not None and action.owner_id == user.pk)


@audited_read()
def get_action_for_user_or_404(user, pk: int, action: str = "view"):
    found = (
        actions_visible_to(user)
        .select_related("meeting__body", "agency", "owner", "carried_from__meeting", "review_at", "item")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    if action == "view" or can_manage(user) or (action == "update" and can_update_action(user, found)):
        return found
    raise PermissionDenied


def meeting_paper_recipients(meeting):
    """Who is told a contract meeting's papers (its agenda, then its minutes) are ready: the people
    the meeting needs, not every commissioning reader of the invited agencies (the council is one
    of them, so that was every officer). They are the contract manager, the meeting's chair and
    the named owners of the contract's actions agreed at the meeting or coming back to it, each
    only while active and able to read commissioning records (the papers are behind sign-in)."""
    from django.db.models import Q

    from somerset_safety.accounts.models import User
    from somerset_safety.meetings.selectors import reviewed_at

    from .models import ContractAction

    contract = meeting.body.owner
    actions = reviewed_at(meeting, ContractAction.objects.all()) | ContractAction.objects.filter(
        meeting=meeting
    )
    owners = actions.filter(owner__isnull=False).values("owner_id")
    needed = Q(pk__in=owners)
    for person_id in (contract.contract_manager_id, meeting.chair_id):
        if person_id is not None:
            needed |= Q(pk=person_id)
    readers = User.objects.filter(is_active=True, groups__name__in=[r.label for r in READ_ROLES])
    return User.objects.filter(pk__in=readers.filter(needed).values("pk"))
