from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "somerset_safety.deadlines"
    label = "deadlines"
    verbose_name = "Deadlines and reminders"

    def ready(self) -> None:
        from somerset_safety.accounts.roles import Role
        from somerset_safety.core import navigation

        from .permissions import LIST_ROLES, TEAM_ROLES

        navigation.register(
            label="My deadlines",
            url_name="deadlines:mine",
            roles=LIST_ROLES,
            description="Everything due for you and your agency, overdue first.",
            order=10,
        )
        from somerset_safety.reports.registry import DashboardPanel, as_at, register_dashboard_panel

        from .selectors import overdue_by_kind

        register_dashboard_panel(
            DashboardPanel(
                key="deadlines",
                title="Deadlines overdue",
                build=as_at(overdue_by_kind),
                template="deadlines/dashboard_panel.html",
                order=90,
            )
        )
        navigation.register(
            label="Team deadlines",
            url_name="deadlines:team",
            roles=TEAM_ROLES - {Role.OFFICER, Role.MARAC_COORDINATOR},
            description="Counts of deadlines by kind and status across the partnership.",
            order=800,
        )
