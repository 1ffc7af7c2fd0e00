from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = "Partnerships, MARAC and the Disruption Panel"

    def ready(self) -> None:
        from .records import load_records_demo, register_records

        register_records()
        from .subject_access import register_sources

        register_sources()
        from somerset_safety.core import demo, navigation

        from . import deadlines
        from .demo import load_demo
        from .permissions import MARAC_ROLES, RETURN_ROLES

        _register_references()

        navigation.register(
            label="MARAC",
            url_name="partnerships:marac_home",
            roles=MARAC_ROLES,
            description="Referrals of high-risk domestic abuse victims, meetings, agendas and actions.",
            order=30,
        )
        navigation.register(
            label="MARAC data return",
            url_name="partnerships:data_return",
            roles=RETURN_ROLES - MARAC_ROLES,
            description="The SafeLives data return and MARAC figures by area and period. No personal data.",
            order=31,
        )
        deadlines.register()
        self._register_meetings()
        self._register_boards()
        self._register_disruption()
        _register_break_glass()
        demo.register("MARAC (synthetic)", load_demo, order=40)
        demo.register(
            "Records management: MARAC people past their period (synthetic)", load_records_demo, order=41
        )

        from somerset_safety.reports.registry import (
            Attachment,
            DashboardPanel,
            ReportSection,
            as_at,
            register_dashboard_panel,
            register_report_section,
        )

        from .reporting import areas_csv, marac_declaration, representation_declaration
        from .selectors import marac_figures, representation_figures

        # One build and one template serve the paper's section and the dashboard panel.
        register_report_section(
            ReportSection(
                key="marac",
                title="MARAC",
                build=as_at(marac_figures),
                template="partnerships/report_section.html",
                order=20,
                declare=marac_declaration,
                attachments=(
                    Attachment("MARAC figures for every area", "marac-areas.csv", make=areas_csv),
                    Attachment(
                        "MARAC figures for every area (PDF)",
                        "marac-areas.pdf",
                        pdf_template="partnerships/pdf/areas_appendix.html",
                        optional=True,
                    ),
                ),
            )
        )
        register_dashboard_panel(
            DashboardPanel(
                key="marac",
                title="MARAC against the SafeLives benchmarks",
                build=as_at(marac_figures),
                template="partnerships/report_section.html",
                order=20,
                declare=marac_declaration,
            )
        )
        register_dashboard_panel(
            DashboardPanel(
                key="marac_representation",
                title="MARAC: representation by agency",
                build=as_at(representation_figures),
                template="partnerships/representation_panel.html",
                order=21,
                declare=representation_declaration,
            )
        )

    @staticmethod
    def _register_meetings() -> None:
        from somerset_safety.meetings import registry

        from .models import (
            Action,
            AgendaItem,
            AgendaSection,
            MaracArea,
            Meeting,
            MeetingAttendance,
            Person,
            Referral,
        )
        from .permissions import meeting_paper_recipients

        registry.register(
            registry.MeetingKind(
                owner_model=MaracArea,
                meeting_model=Meeting,
                attendance_model=MeetingAttendance,
                item_model=AgendaItem,
                action_model=Action,
                sections=AgendaSection,
                other_business=AgendaSection.ANY_OTHER_BUSINESS,
                noun="MARAC",
                paper_recipients=meeting_paper_recipients,
                subject_models=(Person, Referral),
            )
        )

    @staticmethod
    def _register_boards() -> None:
        from somerset_safety.core import demo, navigation
        from somerset_safety.meetings import registry

        from .boards import deadlines, permissions
        from .boards import demo as boards_demo
        from .models import (
            Board,
            BoardAction,
            BoardAgendaItem,
            BoardAttendance,
            BoardMeeting,
            BoardPaper,
            BoardSection,
        )
        from .performance import reporting

        registry.register(
            registry.MeetingKind(
                owner_model=Board,
                meeting_model=BoardMeeting,
                attendance_model=BoardAttendance,
                item_model=BoardAgendaItem,
                action_model=BoardAction,
                sections=BoardSection,
                other_business=BoardSection.ANY_OTHER_BUSINESS,
                noun="board",
                paper_recipients=permissions.meeting_paper_recipients,
                subject_models=(BoardPaper,),
            )
        )
        deadlines.register()
        reporting.register()
        demo.register("Partnership boards and performance (synthetic)", boards_demo.load_demo, order=45)
        navigation.register(
            label="Partnership boards",
            url_name="partnerships:board_list",
            roles=permissions.BOARD_ROLES,
            description="The partnership's boards: members, forward plans, meetings, papers, decisions and action logs.",
            order=33,
        )
        navigation.register(
            label="Partnership performance",
            url_name="partnerships:performance_home",
            roles=permissions.PERFORMANCE_ROLES,
            description="Each board's performance framework: priorities, indicators, RAG ratings and trends.",
            order=34,
        )
        from somerset_safety.core import demo
        from somerset_safety.reports.registry import (
            DashboardPanel,
            ReportSection,
            as_at,
            register_dashboard_panel,
            register_report_section,
        )

        from .disruption.demo import load_demo
        from .disruption.reporting import disruption_declaration, disruption_figures

        demo.register("Disruption Panel (synthetic)", load_demo, order=46)

        for register, kind, title in (
            (register_report_section, ReportSection, "Disruption Panel"),
            (register_dashboard_panel, DashboardPanel, "Disruption Panel: organised crime and County Lines"),
        ):
            register(
                kind(
                    key="disruption",
                    title=title,
                    build=as_at(disruption_figures),
                    template="partnerships/disruption/report_section.html",
                    order=25,
                    declare=disruption_declaration,
                )
            )

    @staticmethod
    def _register_disruption() -> None:
        from somerset_safety.core import navigation, references
        from somerset_safety.meetings import registry

        from .disruption import deadlines, permissions
        from .disruption.services import REFERENCE_KIND
        from .models import (
            DisruptionPanel,
            OrganisedCrimeGroup,
            PanelAction,
            PanelAgendaItem,
            PanelAttendance,
            PanelMeeting,
            PanelSection,
        )

        registry.register(
            registry.MeetingKind(
                owner_model=DisruptionPanel,
                meeting_model=PanelMeeting,
                attendance_model=PanelAttendance,
                item_model=PanelAgendaItem,
                action_model=PanelAction,
                sections=PanelSection,
                other_business=PanelSection.ANY_OTHER_BUSINESS,
                noun="Disruption Panel",
                paper_recipients=permissions.panel_paper_recipients,
                subject_models=(OrganisedCrimeGroup,),
            )
        )

        references.register(
            REFERENCE_KIND,
            "OCG-{year}-{number:04d}",
            yearly=True,
            seed=lambda year: references.highest_number(
                OrganisedCrimeGroup.objects, "reference", f"OCG-{year}-"
            ),
        )
        deadlines.register()
        navigation.register(
            label="Disruption Panel",
            url_name="partnerships:ocg_list",
            roles=permissions.NAVIGATION_ROLES,
            description="Organised crime groups and County Lines: assessments, the people exploited and 4P disruption.",
            order=34,
        )


def _register_break_glass() -> None:
    """Restricted MARAC cases and restricted organised crime groups can be opened in an
    emergency (somerset_safety.audit.breakglass): their owners are told."""
    from somerset_safety.accounts.roles import Role
    from somerset_safety.audit import breakglass

    from .deadlines import coordinators_of
    from .disruption.permissions import groups_visible_to, is_panel_member
    from .models import OrganisedCrimeGroup, Referral
    from .permissions import referrals_visible_to

    breakglass.register(
        breakglass.Kind(
            key="marac_case",
            label="A restricted MARAC case",
            model=Referral,
            find=lambda reference: Referral.objects.filter(reference=reference).first(),
            may_ask=lambda user: user.has_role(Role.OFFICER, Role.AGENCY_REP)
            and not user.has_role(Role.MARAC_COORDINATOR),
            sees_already=lambda user, referral: referrals_visible_to(user).filter(pk=referral.pk).exists(),
            owners=lambda referral: coordinators_of(referral.area),
            reference_of=lambda referral: referral.reference,
            paths=("/partnerships/marac/referrals/",),
        )
    )

    def group_owners(group):
        owners = list(group.named_people.filter(is_active=True))
        if group.senior_responsible_officer_id:
            owners.append(group.senior_responsible_officer)
        return owners

    breakglass.register(
        breakglass.Kind(
            key="organised_crime_group",
            label="A restricted organised crime group",
            model=OrganisedCrimeGroup,
            find=lambda reference: OrganisedCrimeGroup.objects.filter(reference=reference).first(),
            may_ask=is_panel_member,
            sees_already=lambda user, group: groups_visible_to(user).filter(pk=group.pk).exists(),
            owners=group_owners,
            reference_of=lambda group: group.reference,
            paths=("/partnerships/disruption/groups/",),
        )
    )


def _register_references() -> None:
    """MR-2026-000001: numbered per year of the referral date. Referrals made before the counter
    (random numbers) keep their references; the counter starts after the highest of that year."""
    from somerset_safety.core import references

    from .models import Referral
    from .services import REFERENCE_KIND

    references.register(
        REFERENCE_KIND,
        "MR-{year}-{number:06d}",
        yearly=True,
        seed=lambda year: references.highest_number(Referral.objects, "reference", f"MR-{year}-"),
    )
