from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "somerset_safety.reports"
    label = "reports"
    verbose_name = "Dashboards and Executive reports"

    def ready(self) -> None:
        from somerset_safety.core import navigation

        from .permissions import DASHBOARD_ROLES, READ_ROLES
        from .records import register_records

        navigation.register(
            label="Dashboard",
            url_name="reports:dashboard",
            roles=DASHBOARD_ROLES,
            description="Live partnership figures: reviews, recommendations, MARAC, duties and deadlines.",
            order=5,
        )
        navigation.register(
            label="Executive reports",
            url_name="reports:report_list",
            roles=READ_ROLES,
            description="Write the community safety paper to the Executive and generate frozen, versioned PDFs.",
            order=700,
        )
        register_records()
