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
        register_rules()
        register_reporting()
        demo.register(
            "Commissioned services (synthetic contracts, returns, budget and bids)", load_demo, order=70
        )
