"""The Disruption Panel's register pages: fetch with authorisation (a 404 for anything out of
scope), validate, call one service, redirect. Every view of a group or its people is audited."""

import functools
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from somerset_safety.accounts.permissions import require_any_role
from somerset_safety.audit.reads import record_view
from somerset_safety.audit.services import audit_list
from somerset_safety.core.dates import today as local_today
from somerset_safety.core.forms import errors_on
from somerset_safety.core.pagination import paginate
from somerset_safety.meetings import selectors as meeting_selectors
from somerset_safety.meetings import services as meetings
from somerset_safety.meetings.forms import (
    InviteForm,
    MeetingDetailsForm,
    MinutesForm,
)
from somerset_safety.meetings.models import Body
from somerset_safety.meetings.pages import MeetingPages, confirm_page, form_page, on, schedule_page

from ..exceptions import DisruptionError
from ..models import (
    DisruptionPlan,
    ExploitedPerson,
    Location,
    MappingAssessment,
    MorileAssessment,
    Nominal,
    OrganisedCrimeGroup,
    PanelAction,
    PanelAttendance,
    Strand,
    Tactic,
)
from ..selectors import trend_quarters
from ..states import GROUP_MOVES
from . import selectors, services
from .forms import (
    ActionFilterForm,
    AsAtForm,
    DisruptionGradingForm,
    ExploitedPersonForm,
    GroupForm,
    GroupTypeForm,
    LinksForm,
    LocationForm,
    MappingForm,
    MorileForm,
    MoveForm,
    NominalForm,
    OutcomeForm,
    PlanActionForm,
    PlanForm,
    ProfileVersionForm,
    TacticForm,
    TacticTargetForm,
)
from .permissions import (
    NAVIGATION_ROLES,
    PANEL_ROLES,
    can_record_progress,
    get_group_for_user_or_404,
    get_group_person_for_user_or_404,
    get_panel_action_for_user_or_404,
    get_panel_item_for_user_or_404,
    get_panel_meeting_for_user_or_404,
    get_profile_for_user_or_404,
    group_people_visible_to,
    groups_visible_to,
    is_panel_member,
    outcomes_visible_to,
    panel_actions_visible_to,
    panel_meetings_visible_to,
    profiles_visible_to,
)


def group_list(request):
    require_any_role(request.user, NAVIGATION_ROLES)
    queryset = groups_visible_to(request.user).select_related("group_type", "lead_agency")
    status = request.GET.get("status", "")
    if status:
        queryset = queryset.filter(status=status)
    page = paginate(request, queryset)
    audit_list(actor=request.user, model=OrganisedCrimeGroup, ids=[g.pk for g in page])
    return render(
        request,
        "partnerships/disruption/group_list.html",
        {
            "page": page,
            "is_member": is_panel_member(request.user),
            "statuses": OrganisedCrimeGroup._meta.get_field("status").choices,
            "status": status,
            "bands": selectors.current_bands([g.pk for g in page]),
        },
    )


@require_http_methods(["GET", "POST"])
def group_create(request):
    require_any_role(request.user, PANEL_ROLES)
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            group = services.group_create(actor=request.user, **form.cleaned_data)
            messages.success(request, f"Group {group.reference} has been recorded as referred to the panel.")
            return redirect(group)
    return form_page(
        request,
        form=form,
        caption="Disruption Panel",
        heading="Record a group referred to the panel",
        cancel_url=reverse("partnerships:ocg_list"),
    )


def group_detail(request, pk: int):
    group = get_group_for_user_or_404(request.user, pk)
    detail = is_panel_member(request.user)
    context = {
        "group": group,
        "detail": detail,
        "plan": DisruptionPlan.objects.filter(group=group)
        .select_related("owning_agency", "profile_version__profile")
        .first(),
        "actions": selectors.group_actions(panel_actions_visible_to(request.user), group, local_today()),
        "outcomes": outcomes_visible_to(request.user).filter(group=group).select_related("agency", "grading"),
    }
    if detail:
        people = list(
            group_people_visible_to(request.user, ExploitedPerson, group).select_related(
                "safeguarding_referral_to"
            )
        )
        nominals = list(group_people_visible_to(request.user, Nominal, group))
        moriles = list(MorileAssessment.objects.filter(group=group).select_related("scale"))
        audit_list(actor=request.user, model=ExploitedPerson, ids=[p.pk for p in people], group=group.pk)
        context.update(
            {
                "moves": GROUP_MOVES.options(group),
                "mappings": MappingAssessment.objects.filter(group=group).select_related("band", "scale"),
                "moriles": moriles,
                "morile_chart": selectors.morile_chart(group, moriles),
                "nominals": nominals,
                "restricted": selectors.people_restrictions(request.user, group, people, nominals),
                "locations": Location.objects.filter(group=group),
                "exploited": people,
                "nrm": selectors.nrm_links_for(request.user, people),
                "linked": group.linked_groups.filter(pk__in=groups_visible_to(request.user).values("pk")),
                "named": group.named_people.all() if group.restricted else [],
            }
        )
    return render(request, "partnerships/disruption/group_detail.html", context)


@require_http_methods(["GET", "POST"])
def group_edit(request, pk: int):
    group = get_group_for_user_or_404(request.user, pk, action="change")
    form = GroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            data = dict(form.cleaned_data)
            services.group_update(actor=request.user, group=group, **data)
            messages.success(request, "The group's details have been saved.")
            return redirect(group)
    return form_page(
        request,
        form=form,
        caption=group.reference,
        heading="Change the group's details",
        cancel_url=group.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
def group_move(request, pk: int, move: str):
    group = get_group_for_user_or_404(request.user, pk, action="change")
    if move not in GROUP_MOVES:
        raise Http404
    form = MoveForm(request.POST or None, initial={"on": local_today()})
    refusal = GROUP_MOVES.refusal(group, move)
    if refusal:
        form.add_error(None, refusal) if request.method == "POST" else messages.error(request, refusal)
        if request.method == "GET":
            return redirect(group)
    if request.method == "POST" and not refusal and form.is_valid():
        with errors_on(form):
            services.group_move(actor=request.user, group=group, move=move, **form.cleaned_data)
            messages.success(request, f"{group.reference}: {GROUP_MOVES[move].label.lower()} — done.")
            return redirect(group)
    return form_page(
        request,
        form=form,
        caption=group.reference,
        heading=f"{GROUP_MOVES[move].label}?",
        intro="The reason is kept with the group's history.",
        cancel_url=group.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
def mapping_add(request, pk: int):
    group = get_group_for_user_or_404(request.user, pk, action="change")
    form = MappingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.mapping_assessment_record(actor=request.user, group=group, **form.cleaned_data)
            messages.success(
                request, "The OCG mapping band has been recorded and the review date set from it."
            )
            return redirect(group)
    return form_page(
        request,
        form=form,
        caption=group.reference,
        heading="Record the OCG mapping band",
        intro="The band is supplied by the regional organised crime unit: record it as supplied. "
        "The current band sets how often the panel reviews the group.",
        cancel_url=group.get_absolute_url(),
    )


PEOPLE = {
    "members": (Nominal, NominalForm, services.nominal_save, "nominal", "a member of the group"),
    "places": (Location, LocationForm, services.location_save, "location", "an address or premises"),
    "exploited": (
        ExploitedPerson,
        ExploitedPersonForm,
        services.exploited_person_save,
        "person",
        "a person exploited",
    ),
}


@require_http_methods(["GET", "POST"])
def person_save(request, pk: int, kind: str, item: int | None = None):
    if kind not in PEOPLE:
        raise Http404
    group = get_group_for_user_or_404(request.user, pk, action="change")
    model, form_class, service, argument, noun = PEOPLE[kind]
    instance = get_group_person_for_user_or_404(request.user, group, model, item) if item else None
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            service(actor=request.user, group=group, **{argument: instance}, **form.cleaned_data)
            messages.success(request, f"Saved {noun}.")
            return redirect(group)
    intro = ""
    if kind == "exploited":
        intro = "If the person is a child, make a safeguarding referral now if one has not been made."
    return form_page(
        request,
        form=form,
        caption=group.reference,
        heading=("Change " if instance else "Add ") + noun,
        intro=intro,
        cancel_url=group.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
def outcome_add(request, pk: int):
    group = get_group_for_user_or_404(request.user, pk, action="change")
    actions = panel_actions_visible_to(request.user).filter(subject_id=group.pk)
    initial = {"agency": group.lead_agency_id, "line_type": group.line_type}
    wanted = request.GET.get("action", "")
    source = actions.select_related("plan_detail").filter(pk=wanted).first() if wanted.isdigit() else None
    if source is not None:
        initial.update({"action": source.pk, "agency": source.agency_id})
        if hasattr(source, "plan_detail"):
            initial["strand"] = source.plan_detail.strand
    form = OutcomeForm(request.POST or None, initial=initial, actions=actions)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.outcome_record(actor=request.user, group=group, **form.cleaned_data)
            messages.success(request, "The disruption has been recorded.")
            return redirect(group)
    return form_page(
        request,
        form=form,
        caption=group.reference,
        heading="Record a disruption",
        intro="Lines closed, arrests and people safeguarded are counted as the national County Lines figures count them.",
        cancel_url=group.get_absolute_url(),
    )


# --- More on a group: MoRiLE, links, the 4P plan ----------------------------------------------


@require_http_methods(["GET", "POST"])
def morile_add(request, pk: int):
    group = get_group_for_user_or_404(request.user, pk, action="change")
    form = MorileForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.morile_assessment_record(actor=request.user, group=group, **form.cleaned_data)
            messages.success(request, "The MoRiLE assessment has been recorded.")
            return redirect(group)
    return form_page(
        request,
        form=form,
        caption=group.reference,
        heading="Record a MoRiLE assessment",
        intro="Score each measure on the scale chosen. The four scores are kept as they are: they are never "
        "added into one number, and never combined with the OCG mapping band.",
        cancel_url=group.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
def links_edit(request, pk: int):
    group = get_group_for_user_or_404(request.user, pk, action="change")
    visible = groups_visible_to(request.user).exclude(pk=group.pk)
    form = LinksForm(
        request.POST or None,
        choices=visible.order_by("reference"),
        initial={"linked": list(group.linked_groups.filter(pk__in=visible.values("pk")))},
        record=group,
    )
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            changed = services.group_links_set(
                actor=request.user,
                group=group,
                linked=form.cleaned_data["linked"],
                visible=visible,
                expected_version=form.cleaned_data["expected_version"],
            )
            messages.success(
                request, "The linked groups have been saved." if changed else "No links changed."
            )
            return redirect(group)
    return form_page(
        request,
        form=form,
        caption=group.reference,
        heading="Linked groups",
        intro="Links to groups you cannot see are kept as they are.",
        cancel_url=group.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
def plan_edit(request, pk: int):
    group = get_group_for_user_or_404(request.user, pk, action="change")
    plan = DisruptionPlan.objects.filter(group=group).first()
    form = PlanForm(
        request.POST or None, instance=plan, initial=None if plan else {"owning_agency": group.lead_agency_id}
    )
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            data = dict(form.cleaned_data)
            services.plan_save(actor=request.user, group=group, new=data.pop("new_plan"), **data)
            messages.success(request, "The 4P plan has been saved.")
            return redirect(group.get_absolute_url() + "#plan")
    return form_page(
        request,
        form=form,
        caption=group.reference,
        heading="Change the 4P plan" if plan else "Record the 4P plan",
        intro="Actions are tasked on the plan at panel meetings, each under one strand: Pursue, Prevent, "
        "Protect or Prepare.",
        cancel_url=group.get_absolute_url(),
    )


# --- Problem profiles -------------------------------------------------------------------------


def profile_list(request):
    require_any_role(request.user, PANEL_ROLES)
    today = local_today()
    profiles = list(profiles_visible_to(request.user).prefetch_related("versions__recorded_by"))
    for profile in profiles:
        versions = sorted(profile.versions.all(), key=lambda v: -v.number)
        profile.latest = versions[0] if versions else None
        profile.older = versions[1:]
        profile.overdue = profile.latest is not None and profile.latest.next_refresh_due < today
    return render(request, "partnerships/disruption/profiles.html", {"profiles": profiles, "today": today})


@require_http_methods(["GET", "POST"])
def profile_publish(request, pk: int):
    profile = get_profile_for_user_or_404(request.user, pk)
    form = ProfileVersionForm(request.POST or None, initial={"published_on": local_today()})
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            version = services.profile_version_publish(
                actor=request.user, profile=profile, **form.cleaned_data
            )
            messages.success(request, f"Version {version.number} of {profile.title} has been recorded.")
            return redirect("partnerships:profile_list")
    return form_page(
        request,
        form=form,
        caption=profile.title,
        heading="Record a new version",
        intro="It meets the refresh due for the version before it. Its own next refresh date goes on the panel's "
        "deadlines.",
        cancel_url=reverse("partnerships:profile_list"),
    )


# --- The tactics library ----------------------------------------------------------------------


def tactic_list(request):
    """The powers and tactics the panel tasks 4P actions with, grouped by what they target."""
    require_any_role(request.user, PANEL_ROLES)
    uses = services.tactic_uses_seen(request.user)
    tactics = list(Tactic.objects.select_related("target").order_by("target__order", "target__name", "name"))
    for tactic in tactics:
        tactic.uses = uses.get(tactic.pk, 0)
    return render(request, "partnerships/disruption/tactics.html", {"tactics": tactics})


def _tactics_url() -> str:
    return reverse("partnerships:tactic_list")


@require_http_methods(["GET", "POST"])
def tactic_add(request):
    require_any_role(request.user, PANEL_ROLES)
    form = TacticForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            tactic = services.tactic_create(actor=request.user, **form.cleaned_data)
            messages.success(request, f"“{tactic.name}” has been added to the tactics library.")
            return redirect(_tactics_url())
    return form_page(
        request,
        form=form,
        caption="Disruption Panel: tactics library",
        heading="Add a power or tactic",
        intro="It is offered at once when a 4P action is tasked.",
        cancel_url=_tactics_url(),
    )


@require_http_methods(["GET", "POST"])
def tactic_edit(request, pk: int):
    require_any_role(request.user, PANEL_ROLES)
    tactic = get_object_or_404(Tactic.objects.select_related("target"), pk=pk)
    used, name = (
        bool(services.tactic_uses(tactic)),
        tactic.name,
    )  # the form writes what is typed onto `tactic`
    form = TacticForm(request.POST or None, instance=tactic)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            data = dict(form.cleaned_data)
            changed = services.tactic_update(actor=request.user, tactic=tactic, **data)
            messages.success(
                request, f"“{data['name']}” has been saved." if changed else "Nothing was changed."
            )
            return redirect(_tactics_url())
    return form_page(
        request,
        form=form,
        caption="Disruption Panel: tactics library",
        heading=f"Change {name}",
        intro="4P actions name it, so its name and what it targets stay as they were agreed; its legal "
        "basis and agencies may be corrected."
        if used
        else "No 4P action names it yet.",
        cancel_url=_tactics_url(),
    )


@require_http_methods(["GET", "POST"])
def tactic_move(request, pk: int, move: str):
    require_any_role(request.user, PANEL_ROLES)
    if move not in services.TACTIC_MOVES:
        raise Http404
    tactic = get_object_or_404(Tactic, pk=pk)
    active = services.TACTIC_MOVES[move]
    error = None
    if request.method == "POST":
        try:
            services.tactic_set_active(actor=request.user, tactic=tactic, active=active)
        except DisruptionError as exc:
            error = str(exc)
        else:
            messages.success(
                request,
                f"“{tactic.name}” is offered again for new 4P actions."
                if active
                else f"“{tactic.name}” has been retired.",
            )
            return redirect(_tactics_url())
    refusal = services.tactic_move_refusal(tactic, active)
    return confirm_page(
        request,
        caption="Disruption Panel: tactics library",
        heading=f"{'Reinstate' if active else 'Retire'} {tactic.name}?",
        explanation="It is offered again when a 4P action is tasked."
        if active
        else "It is no longer offered for new 4P actions. The actions that name it keep it, and it stays in the "
        "library and the figures; you can reinstate it later.",
        button="Reinstate" if active else "Retire",
        error=error or refusal,
        refused=refusal is not None,
        cancel_url=_tactics_url(),
    )


# --- The panel's lists: group types, tactic targets, disruption gradings -----------------------
# The same pages as the tactics library's, for each list of services.PANEL_LISTS.


@dataclass(frozen=True)
class ListPage:
    form: type
    intro: str
    columns: tuple  # (heading, item -> text shown) after the name
    uses_heading: str
    uses_hidden: str  # the rest of the heading, for screen readers
    keeps: str  # what happens to the records that have an item retired
    back: tuple[str, str]  # (url name, label)


LIST_PAGES = {
    "group-types": ListPage(
        form=GroupTypeForm,
        intro="The kinds of group the panel records, and whether groups of each kind run a deal line (their "
        "line type is then recorded). A retired type is no longer offered for new groups; the groups "
        "recorded with it keep it.",
        columns=(("Runs a deal line", lambda item: "Yes" if item.is_county_line else "No"),),
        uses_heading="Groups",
        uses_hidden=" you can see recorded with it",
        keeps="The groups recorded with it keep it and still show it.",
        back=("partnerships:ocg_list", "Back to the organised crime groups"),
    ),
    "tactic-targets": ListPage(
        form=TacticTargetForm,
        intro="The parts of a group's activity the tactics library is grouped by. A retired target is no "
        "longer offered for new tactics; the tactics that have it keep it.",
        columns=(),
        uses_heading="Tactics",
        uses_hidden=" in the library with this target",
        keeps="The tactics that have it keep it and are still offered for 4P actions: retire them in the "
        "tactics library if they should not be.",
        back=("partnerships:tactic_list", "Back to the tactics library"),
    ),
    "gradings": ListPage(
        form=DisruptionGradingForm,
        intro="How much a disruption hurt the group, as the panel grades it, greatest first. A retired "
        "grading is no longer offered for new disruptions; those graded with it keep it.",
        columns=(("Rank", lambda item: str(item.rank)), ("What it means", lambda item: item.description)),
        uses_heading="Disruptions",
        uses_hidden=" on groups you can see graded with it",
        keeps="The disruptions graded with it keep it and still show it.",
        back=("partnerships:ocg_list", "Back to the organised crime groups"),
    ),
}


def _list_or_404(kind: str):
    spec = services.PANEL_LISTS.get(kind)
    if spec is None:
        raise Http404
    return spec, LIST_PAGES[kind]


def _list_url(spec) -> str:
    return reverse("partnerships:panel_list", args=[spec.key])


def panel_list(request, kind: str):
    """One of the panel's lists, in its order, with how many records the user may see name each."""
    require_any_role(request.user, PANEL_ROLES)
    spec, page = _list_or_404(kind)
    uses = spec.uses_seen(request.user)
    rows = [
        {
            "item": item,
            "cells": [column(item) for _, column in page.columns],
            "uses": uses.get(item.pk, 0),
        }
        for item in spec.model.objects.all()
    ]
    return render(
        request,
        "partnerships/disruption/panel_list.html",
        {
            "spec": spec,
            "page": page,
            "headings": [heading for heading, _ in page.columns],
            "rows": rows,
            "back_url": reverse(page.back[0]),
        },
    )


@require_http_methods(["GET", "POST"])
def panel_list_add(request, kind: str):
    require_any_role(request.user, PANEL_ROLES)
    spec, page = _list_or_404(kind)
    form = page.form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            item = services.panel_list_add(actor=request.user, spec=spec, **form.cleaned_data)
            messages.success(request, f"“{item.name}” has been added to the {spec.title.lower()}.")
            return redirect(_list_url(spec))
    return form_page(
        request,
        form=form,
        caption=f"Disruption Panel: {spec.title.lower()}",
        heading=f"Add a {spec.noun}",
        intro=f"It is offered at once for {spec.offered_for}.",
        cancel_url=_list_url(spec),
    )


@require_http_methods(["GET", "POST"])
def panel_list_edit(request, kind: str, pk: int):
    require_any_role(request.user, PANEL_ROLES)
    spec, page = _list_or_404(kind)
    item = get_object_or_404(spec.model, pk=pk)
    used, name = bool(spec.uses(item)), item.name  # the form writes what is typed onto `item`
    form = page.form(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            data = dict(form.cleaned_data)
            changed = services.panel_list_change(actor=request.user, spec=spec, item=item, **data)
            messages.success(
                request, f"“{data['name']}” has been saved." if changed else "Nothing was changed."
            )
            return redirect(_list_url(spec))
    return form_page(
        request,
        form=form,
        caption=f"Disruption Panel: {spec.title.lower()}",
        heading=f"Change {name}",
        intro=spec.fixed_words(request.user, item)
        if used
        else f"Nothing is recorded with this {spec.noun} yet.",
        cancel_url=_list_url(spec),
    )


@require_http_methods(["GET", "POST"])
def panel_list_move(request, kind: str, pk: int, move: str):
    require_any_role(request.user, PANEL_ROLES)
    spec, page = _list_or_404(kind)
    if move not in services.TACTIC_MOVES:
        raise Http404
    item = get_object_or_404(spec.model, pk=pk)
    active = services.TACTIC_MOVES[move]
    error = None
    if request.method == "POST":
        try:
            services.panel_list_set_active(actor=request.user, spec=spec, item=item, active=active)
        except DisruptionError as exc:
            error = str(exc)
        else:
            messages.success(
                request,
                f"“{item.name}” is offered again for {spec.offered_for}."
                if active
                else f"“{item.name}” has been retired.",
            )
            return redirect(_list_url(spec))
    refusal = services.panel_list_move_refusal(spec, item, active)
    return confirm_page(
        request,
        caption=f"Disruption Panel: {spec.title.lower()}",
        heading=f"{'Reinstate' if active else 'Retire'} {item.name}?",
        explanation=f"It is offered again for {spec.offered_for}."
        if active
        else f"It is no longer offered for {spec.offered_for}. {page.keeps} It stays in the list; you can "
        "reinstate it later.",
        button="Reinstate" if active else "Retire",
        error=error or refusal,
        refused=refusal is not None,
        cancel_url=_list_url(spec),
    )


# --- Panel meetings ---------------------------------------------------------------------------


def panel_meetings(request):
    require_any_role(request.user, PANEL_ROLES)
    page = paginate(
        request, panel_meetings_visible_to(request.user).select_related("chair").order_by("-date")
    )
    return render(request, "partnerships/disruption/meetings.html", {"page": page, "today": local_today()})


@require_http_methods(["GET", "POST"])
def panel_schedule(request):
    """The panel's meeting pattern and the year's meetings proposed from it, to confirm."""
    require_any_role(request.user, PANEL_ROLES)
    panel = services.the_panel()
    return schedule_page(
        request,
        body=Body.objects.filter(
            owner_type=ContentType.objects.get_for_model(panel), owner_id=panel.pk
        ).first(),
        save_pattern=functools.partial(services.panel_pattern_update, actor=request.user),
        schedule_dates=lambda dates: services.panel_meetings_schedule_dates(actor=request.user, dates=dates),
        caption="Disruption Panel",
        who="the panel",
        invited="the agencies of the panel's members and of open 4P actions",
        back_url=reverse("partnerships:panel_meetings"),
        back_label="Back to the panel meetings",
        saved="The panel's meeting pattern has been saved.",
        noun="panel meeting",
    )


@require_http_methods(["GET", "POST"])
def panel_meeting_create(request):
    require_any_role(request.user, PANEL_ROLES)
    form = MeetingDetailsForm(request.POST or None)
    form.submit_label = "Schedule meeting"
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            meeting = services.panel_meeting_schedule(actor=request.user, **form.cleaned_data)
            messages.success(request, f"The panel meeting on {on(meeting.date)} has been scheduled.")
            return redirect(meeting)
    return form_page(
        request,
        form=form,
        caption="Disruption Panel",
        heading="Schedule a panel meeting",
        intro="The agencies of the panel's members, and of open 4P actions, are invited. Generate the agenda "
        "once it is scheduled.",
        cancel_url=reverse("partnerships:panel_meetings"),
    )


def panel_meeting(request, pk: int):
    meeting = get_panel_meeting_for_user_or_404(request.user, pk)
    today = local_today()
    agenda = selectors.meeting_agenda(
        request.user,
        meeting,
        today,
        visible_groups=groups_visible_to(request.user),
        visible_actions=panel_actions_visible_to(request.user),
    )
    audit_list(actor=request.user, model=OrganisedCrimeGroup, ids=agenda.group_ids, meeting=meeting.pk)
    return render(
        request,
        "partnerships/disruption/meeting.html",
        {
            "meeting": meeting,
            "agenda": agenda,
            "attendances": PanelAttendance.objects.filter(meeting=meeting).select_related("agency"),
            "strand_labels": [s.label for s in Strand],
        },
    )


@require_http_methods(["GET", "POST"])
def panel_meeting_invite(request, pk: int):
    meeting = get_panel_meeting_for_user_or_404(request.user, pk, action="change")
    form = InviteForm(request.POST or None)
    form.fields["agency"].queryset = form.fields["agency"].queryset.exclude(
        pk__in=PanelAttendance.objects.filter(meeting=meeting).values("agency_id")
    )
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            meetings.meeting_invite_agency(
                actor=request.user, meeting=meeting, agency=form.cleaned_data["agency"]
            )
            messages.success(request, f"{form.cleaned_data['agency'].name} has been invited.")
            return redirect(meeting)
    return form_page(
        request,
        form=form,
        caption=str(meeting),
        heading="Invite another agency",
        intro="Invite an agency whose powers the panel may task. The email saying papers are ready goes to panel "
        "members only.",
        cancel_url=meeting.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
def panel_item(request, pk: int):
    item = get_panel_item_for_user_or_404(request.user, pk, action="change")
    meeting = get_panel_meeting_for_user_or_404(request.user, item.meeting_id)
    item.meeting = meeting
    group = (
        groups_visible_to(request.user).select_related("group_type").filter(pk=item.subject_id).first()
        if item.subject_id
        else None
    )
    form = MinutesForm(request.POST or None, initial={"minutes": item.minutes}, label="Minutes for this item")
    form.fields[
        "minutes"
    ].help_text = "What was shared and decided about the group. 4P actions are added separately."
    form.fields["minutes"].error_messages["required"] = "Enter the minutes for this item"
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.panel_item_record(actor=request.user, item=item, minutes=form.cleaned_data["minutes"])
            done = f"Minutes saved for item {meeting_selectors.item_number(item)}."
            if group is not None:
                done += " The group's next review date has been set from this meeting."
            messages.success(request, done)
            return redirect(meeting)
    if group is not None:
        record_view(request.user, group, meeting=meeting.pk)
    today = local_today()
    actions = list(
        meeting_selectors.with_state(
            PanelAction.objects.filter(item=item, carried_from__isnull=True).select_related(
                "agency", "owner", "plan_detail__tactic"
            ),
            today,
        )
    )
    for action in actions:
        action.state = meeting_selectors.action_state(action)
    return render(
        request,
        "partnerships/disruption/item.html",
        {
            "item": item,
            "meeting": meeting,
            "number": meeting_selectors.item_number(item),
            "group": group,
            "has_plan": group is not None and DisruptionPlan.objects.filter(group=group).exists(),
            "form": form,
            "actions": actions,
        },
    )


@require_http_methods(["GET", "POST"])
def plan_action_add(request, pk: int):
    item = get_panel_item_for_user_or_404(request.user, pk, action="change")
    meeting = get_panel_meeting_for_user_or_404(request.user, item.meeting_id)
    item.meeting = meeting
    if not item.subject_id:
        raise Http404
    form = PlanActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.plan_action_create(actor=request.user, item=item, **form.cleaned_data)
            messages.success(request, f"4P action tasked to {form.cleaned_data['agency'].name}.")
            return redirect("partnerships:panel_item", pk=item.pk)
    return form_page(
        request,
        form=form,
        caption=f"{meeting}, item {meeting_selectors.item_number(item)}",
        heading="Task a 4P action",
        intro="The action goes on the group's 4P plan and the agency's deadlines, and comes back at the next "
        "panel meeting.",
        cancel_url=reverse("partnerships:panel_item", args=[item.pk]),
    )


# --- 4P actions --------------------------------------------------------------------------------


def panel_actions(request):
    require_any_role(request.user, NAVIGATION_ROLES)
    today = local_today()
    visible = panel_actions_visible_to(request.user)
    from somerset_safety.accounts.models import Agency

    form = ActionFilterForm(
        request.GET or None,
        agencies=Agency.objects.filter(pk__in=visible.values("agency_id")).order_by("name"),
    )
    show, strand, agency, as_of, sort = "open", "", None, today, "due"
    if form.is_valid():
        show = form.cleaned_data["show"] or "open"
        strand = form.cleaned_data["strand"]
        agency = form.cleaned_data["agency"]
        as_of = form.cleaned_data["as_of"] or today
        sort = form.cleaned_data["sort"] or "due"
    queryset = selectors.action_list(
        visible, show=show, as_of=as_of, strand=strand, agency_id=agency.pk if agency else None, sort=sort
    )
    page = paginate(request, meeting_selectors.with_state(queryset, today))
    for action in page:
        action.state = meeting_selectors.action_state(action)
    audit_list(actor=request.user, model=PanelAction, ids=[a.pk for a in page])
    return render(
        request,
        "partnerships/disruption/actions.html",
        {"page": page, "form": form, "show": show, "as_of": as_of, "today": today},
    )


def panel_figures(request):
    require_any_role(request.user, PANEL_ROLES)
    today = local_today()
    form = AsAtForm(request.GET or None)
    as_of = today
    if form.is_valid() and form.cleaned_data["as_of"]:
        as_of = form.cleaned_data["as_of"]
    since = trend_quarters(as_of, 4)[0][0]
    rows, totals = selectors.figures_by_agency(
        panel_actions_visible_to(request.user), outcomes_visible_to(request.user), as_of=as_of, since=since
    )
    return render(
        request,
        "partnerships/disruption/figures.html",
        {
            "form": form,
            "rows": rows,
            "totals": totals,
            "as_of": as_of,
            "since": since,
            "strands": list(Strand),
        },
    )


def _action_context(request, action) -> dict:
    """The action's group, where the user may see it (the view audited), and whether they sit on
    the panel (who sees the check made before an action affecting a child)."""
    group = (
        groups_visible_to(request.user).filter(pk=action.subject_id).first() if action.subject_id else None
    )
    if group is not None:
        record_view(request.user, group)
    return {"group": group, "member": is_panel_member(request.user)}


# The shared meeting pages (details, attendance, cancel, other business, papers out, open, close,
# minutes approved), with the panel's own step: generating its agenda; and the shared 4P action
# pages, with the panel's words and its carry-forward service (a carried action keeps its strand
# and tactic). Tasking a 4P action is the panel's own page (strand, tactic, the child check).
pages = MeetingPages(
    namespace="partnerships",
    name_prefix="panel_",
    get_meeting=get_panel_meeting_for_user_or_404,
    get_action=get_panel_action_for_user_or_404,
    rights={"complete": "complete", "progress": "progress", "assign": "progress"},
    can_update_action=can_record_progress,
    can_carry=is_panel_member,
    carry_forward=services.plan_action_carry_forward,
    action_back=lambda action: (reverse("partnerships:panel_actions"), "Back to the 4P actions"),
    action_template="partnerships/disruption/action.html",
    action_context=_action_context,
    action_noun="4P action",
    words={
        "action_complete": "Record any disruption it achieved on the group's page, so it is counted.",
        "action_progress": "The panel sees this update with the action. Name no one who is not already on the "
        "group's record.",
        "action_carry": "It keeps its strand and tactic, with the reason, and comes up at the meeting you choose.",
        "carry_nowhere": "Schedule the panel's next meeting first: there is none to carry it to.",
        "assigned": "The owner has been saved. They get the action's reminders.",
    },
    papers_go_to="panel members",
    sent_papers="the agenda",
    attendance_empty="No agencies have been invited: give the panel's members their agencies first.",
    other_business_intro="Name no one in the title: it is shown on the agenda to every panel member.",
    extra_steps={
        "agenda": (
            services.panel_agenda_generate,
            "Generate the agenda?",
            "Adds, in order: groups due for review by their band's cycle on the meeting date, new referrals, then "
            "groups with 4P actions overdue or coming back to this meeting. Groups already on the agenda keep their "
            "place, so it is safe to generate it again.",
            "Generate the agenda",
            "The agenda has been generated.",
        ),
    },
)
