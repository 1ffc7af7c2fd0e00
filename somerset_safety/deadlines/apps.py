from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "somerset_safety.deadlines"
    label = "deadlines"
    verbose_name = "Deadlines and reminders"

    def ready(self) -> None:
        from somerset_safety.accounts.roles import Role
        from somerset_safety.accounts.services import follow_access_changes
        from somerset_safety.core import navigation
        from somerset_safety.reports.registry import (
            DashboardPanel,
            ReportSection,
            as_at,
            register_dashboard_panel,
            register_report_section,
        )

        from .permissions import LIST_ROLES, TEAM_ROLES
        from .selectors import deadline_declaration, deadline_figures
        from .services import deadlines_follow_account

        # Clocks owned by whoever holds a role follow a change of roles at once.
        follow_access_changes(deadlines_follow_account)

        navigation.register(
            label="My deadlines",
            url_name="deadlines:mine",
            roles=LIST_ROLES,
            description="Everything due for you and your agency, overdue first.",
            order=10,
        )
        navigation.register(
            label="Team deadlines",
            url_name="deadlines:team",
            roles=TEAM_ROLES - {Role.OFFICER, Role.MARAC_COORDINATOR},
            description="Counts of deadlines by kind and status across the partnership.",
            order=800,
        )
        # One build and one template serve the dashboard panel and the paper's section.
        register_dashboard_panel(
            DashboardPanel(
                key="deadlines",
                title="Deadlines",
                build=as_at(deadline_figures),
                declare=deadline_declaration,
                template="deadlines/report_section.html",
                order=90,
            )
        )
        register_report_section(
            ReportSection(
                key="deadlines",
                title="Deadlines and statutory clocks",
                build=as_at(deadline_figures),
                declare=deadline_declaration,
                template="deadlines/report_section.html",
                order=90,
            )
        )
