from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Domestic Homicide Reviews"

    def ready(self) -> None:
        from .records import register_records

        register_records()
        from .subject_access import register_sources

        register_sources()
        from somerset_safety.core import demo, navigation

        from . import deadlines
        from .demo import load_demo
        from .permissions import REGISTER_ROLES, TRACKER_ROLES

        deadlines.register()
        from .evidence import register_evidence

        register_evidence()
        _register_references()
        navigation.register(
            label="Reviews",
            url_name="reviews:tracker",
            roles=TRACKER_ROLES,
            description="Domestic Homicide Review notifications and reviews, with their stages and clocks.",
            order=20,
        )
        navigation.register(
            label="Recommendations",
            url_name="reviews:register",
            roles=REGISTER_ROLES,
            description="Every DHR recommendation and its actions, tracked to proven implementation.",
            order=21,
        )
        demo.register("Domestic Homicide Reviews", load_demo, order=30)
        _register_home_panels()

        from somerset_safety.reports.registry import (
            DashboardPanel,
            ReportSection,
            as_at,
            register_dashboard_panel,
            register_report_section,
        )

        from .reporting import dhr_declaration
        from .selectors import dhr_position
        from .views import display_name

        # One build and one template serve the paper's section and the dashboard panel.
        register_report_section(
            ReportSection(
                key="dhr",
                title=display_name(),
                build=as_at(dhr_position),
                template="reviews/report_section.html",
                order=10,
                declare=dhr_declaration,
            )
        )
        register_dashboard_panel(
            DashboardPanel(
                key="dhr",
                title=display_name(),
                build=as_at(dhr_position),
                template="reviews/report_section.html",
                order=10,
                declare=dhr_declaration,
            )
        )


def _register_home_panels() -> None:
    """What waits on the home page: for an agency, its report requests, the actions it owns and
    evidence returned to it; for officers, evidence to accept or return."""
    from somerset_safety.core import navigation

    from .home import agency_panel, officer_panel

    navigation.register_home_panel(
        navigation.HomePanel(
            key="dhr_agency", template="reviews/home_agency.html", build=agency_panel, order=20
        )
    )
    navigation.register_home_panel(
        navigation.HomePanel(
            key="dhr_officer", template="reviews/home_officer.html", build=officer_panel, order=21
        )
    )


def _register_references() -> None:
    """DHR-0001, DHR-0002, …: one counter whatever the prefix (DHR_REFERENCE_PREFIX), so
    changing the prefix never reuses a number."""
    from somerset_safety.core import references

    from .models import Notification
    from .services._common import REFERENCE_KIND, reference_prefix

    references.register(
        REFERENCE_KIND,
        lambda number, year: f"{reference_prefix()}{number:04d}",
        yearly=False,
        seed=lambda year: Notification.objects.order_by("-number").values_list("number", flat=True).first()
        or 0,
    )
