"""Partnership configuration in the admin: audited, archived rather than deleted. Cases,
referrals and meetings are changed only through the service's own pages."""

from django.contrib import admin
from django.contrib.contenttypes.admin import GenericStackedInline
from simple_history.admin import SimpleHistoryAdmin

from somerset_safety.accounts.models import User
from somerset_safety.accounts.roles import Role
from somerset_safety.core.admin import AuditedAdmin, ServiceFormsAdmin
from somerset_safety.meetings.models import Body

from .deadlines import area_deadlines_sync
from .models import (
    AssessmentScale,
    Board,
    DisruptionGrading,
    DisruptionPanel,
    GroupType,
    MaracArea,
    PartnershipBody,
    Priority,
    ProblemProfile,
    RiskQuestion,
    Tactic,
    TacticTarget,
    ThreatBand,
)


@admin.register(PartnershipBody)
class PartnershipBodyAdmin(AuditedAdmin):
    list_display = ["name", "short_name", "parent", "active"]


@admin.register(Priority)
class PriorityAdmin(AuditedAdmin):
    list_display = ["number", "title", "body", "period_start", "period_end"]
    list_filter = ["body"]


class MeetingPatternInline(ServiceFormsAdmin, GenericStackedInline):
    """The area's meetings: their usual pattern (from which the year's meetings are proposed),
    time, venue, link and the agencies invited to every meeting."""

    model = Body
    ct_field = "owner_type"
    ct_fk_field = "owner_id"
    max_num = 1
    extra = 1
    can_delete = False
    verbose_name = "meetings"
    verbose_name_plural = "meetings"
    fields = [
        "frequency",
        "weekday",
        "week_of_month",
        "first_date",
        "start_time",
        "venue",
        "online_link",
        "item_minutes",
        "standing_agencies",
    ]


@admin.register(MaracArea)
class MaracAreaAdmin(AuditedAdmin, SimpleHistoryAdmin):
    """MARAC areas are configuration: population for the rate per 10,000, and the meeting pattern."""

    list_display = ["code", "name", "adult_female_population", "active"]
    list_filter = ["active"]
    search_fields = ["code", "name"]
    inlines = [MeetingPatternInline]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "coordinators":
            kwargs["queryset"] = User.objects.filter(
                is_active=True, groups__name=Role.MARAC_COORDINATOR.label
            ).order_by("full_name")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if "coordinators" in form.changed_data:
            area_deadlines_sync(form.instance)


@admin.register(RiskQuestion)
class RiskQuestionAdmin(AuditedAdmin):
    """Load the council's licensed checklist wording into `wording`; the topic label stays as a
    short name for lists."""

    list_display = ["number", "topic", "active"]
    fields = ["number", "topic", "wording", "active"]
    readonly_fields = ["number"]

    def has_add_permission(self, request):
        return False


class BoardMeetingPatternInline(MeetingPatternInline):
    """The quorum is shown, not changed, here: officers set it on the board's page in the service
    (Set the quorum), which checks it against the members' agencies and audits it."""

    fields = [*MeetingPatternInline.fields, "quorum"]
    readonly_fields = ["quorum"]


@admin.register(Board)
class BoardAdmin(AuditedAdmin, SimpleHistoryAdmin):
    """A partnership body that holds board meetings: its code (the start of its decision numbers)
    and its usual meeting pattern. Its quorum, members, papers, decisions and actions are kept on
    the service's own pages."""

    list_display = ["code", "body", "active"]
    list_filter = ["active"]
    search_fields = ["code", "body__name"]
    inlines = [BoardMeetingPatternInline]


# --- Disruption Panel configuration -----------------------------------------------------------


@admin.register(DisruptionPanel)
class DisruptionPanelAdmin(AuditedAdmin):
    """The panel: its usual meeting pattern, time, venue and the agencies invited to every meeting.
    Groups, meetings and 4P actions are kept on the service's own pages."""

    list_display = ["name", "body"]
    inlines = [MeetingPatternInline]


class PanelListAdmin(AuditedAdmin):
    """One of the panel's lists (group types, tactic targets, disruption gradings). Panel members
    keep them on the panel's own pages; here, as there, an item that records name keeps its name
    (and a group type whether it runs a deal line)."""

    list_key = ""

    def get_readonly_fields(self, request, obj=None):
        from .disruption.services import PANEL_LISTS

        spec = PANEL_LISTS[self.list_key]
        fixed = [] if obj is None else ["code", *spec.fixed_when_used] if spec.uses(obj) else ["code"]
        return [*super().get_readonly_fields(request, obj), *fixed]


@admin.register(GroupType)
class GroupTypeAdmin(PanelListAdmin):
    list_key = "group-types"
    list_display = ["name", "code", "is_county_line", "order", "active"]
    list_filter = ["active", "is_county_line"]


class ThreatBandInline(ServiceFormsAdmin, admin.StackedInline):
    """A scale's bands; `review_months` is how often the panel reviews a group in the band.
    Stacked, so each input has its own label (a tabular inline has only column headings)."""

    model = ThreatBand
    extra = 0
    fields = ["code", "label", "rank", "review_months"]


@admin.register(AssessmentScale)
class AssessmentScaleAdmin(AuditedAdmin):
    """OCG mapping and MoRiLE scales as the police supply them: each with its method and version.
    A new version is a new scale, so earlier assessments keep the one they were made on."""

    list_display = ["name", "kind", "version", "score_max", "active"]
    list_filter = ["kind", "active"]
    inlines = [ThreatBandInline]


@admin.register(TacticTarget)
class TacticTargetAdmin(PanelListAdmin):
    list_key = "tactic-targets"
    list_display = ["name", "code", "order", "active"]
    list_filter = ["active"]


@admin.register(Tactic)
class TacticAdmin(AuditedAdmin):
    """The tactics library: each power or tactic, what part of a group's activity it targets, its
    legal basis and which agency can use it. Panel members keep it on the panel's Tactics library
    pages; here, as there, a tactic that 4P actions name keeps its name and target."""

    list_display = ["name", "target", "legal_basis", "used_by", "active"]
    list_filter = ["target", "active"]
    search_fields = ["name", "legal_basis", "used_by"]

    def get_readonly_fields(self, request, obj=None):
        from .disruption.services import tactic_uses

        fixed = [] if obj is None else ["code", "name", "target"] if tactic_uses(obj) else ["code"]
        return [*super().get_readonly_fields(request, obj), *fixed]


@admin.register(DisruptionGrading)
class DisruptionGradingAdmin(PanelListAdmin):
    list_key = "gradings"
    list_display = ["name", "code", "rank", "active"]
    list_filter = ["active"]


@admin.register(ProblemProfile)
class ProblemProfileAdmin(AuditedAdmin):
    """A problem profile the panel works from. Its versions are recorded on the panel's Problem
    profiles page, where each refresh date becomes a deadline."""

    list_display = ["title", "kind"]
