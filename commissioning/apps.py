from django.apps import AppConfig


class CommissioningConfig(AppConfig):
    name = "commissioning"
    verbose_name = "Commissioned services"

    def ready(self) -> None:
        from .records import register_records

        register_records()
        from somerset_safety.accounts.roles import Role
        from somerset_safety.core import demo, navigation

        from .deadlines import register_rules
        from .demo import load_demo
        from .reporting import register_reporting

        navigation.register(
            label="Commissioned services",
            url_name="commissioning:contract_list",
            roles={Role.COMMISSIONING_OFFICER, Role.OFFICER},
            description="Contracts with their extension and re-procurement clocks, KPIs and quarterly "
            "returns, the partnership's pooled budget, and grants and funding bids.",
            order=70,
        )
        _register_meetings()
        register_rules()
        _register_references()
        register_reporting()
        demo.register(
            "Commissioned services (synthetic contracts, returns, budget and bids)", load_demo, order=70
        )


def _register_meetings() -> None:
    """Contract management meetings are the platform's meetings, with the contract as the body."""
    from somerset_safety.meetings import registry

    from .models import (
        Contract,
        ContractAction,
        ContractAgendaItem,
        ContractAttendance,
        ContractMeeting,
        ContractSection,
        QuarterlyReturn,
        Risk,
    )
    from .permissions import meeting_paper_recipients
    from .services.meetings import contract_meeting_date_changed

    registry.register(
        registry.MeetingKind(
            owner_model=Contract,
            meeting_model=ContractMeeting,
            attendance_model=ContractAttendance,
            item_model=ContractAgendaItem,
            action_model=ContractAction,
            sections=ContractSection,
            other_business=ContractSection.ANY_OTHER_BUSINESS,
            noun="contract meeting",
            paper_recipients=meeting_paper_recipients,
            subject_models=(QuarterlyReturn, Risk),
            date_changed=contract_meeting_date_changed,
        )
    )


def _register_references() -> None:
    """CON-0001, CON-0002, …: the counter starts after the highest number contracts already
    have (made before it existed), and does not change when the prefix does."""
    from somerset_safety.core import references

    from . import conf
    from .models import Contract
    from .services.contracts import REFERENCE_KIND

    references.register(
        REFERENCE_KIND,
        lambda number, year: f"{conf.reference_prefix()}-{number:04d}",
        yearly=False,
        seed=lambda year: Contract.objects.order_by("-number").values_list("number", flat=True).first() or 0,
    )
