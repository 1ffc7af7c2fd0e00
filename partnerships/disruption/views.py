"""The Disruption Panel's register pages: fetch with authorisation (a 404 for anything out of
scope), validate, call one service, redirect. Every view of a group or its people is audited."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from somerset_safety.accounts.permissions import require_any_role
from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_list, audit_record
from somerset_safety.core.dates import today as local_today
from somerset_safety.core.forms import errors_on
from somerset_safety.core.pagination import paginate

from ..models import (
    ExploitedPerson,
    Location,
    MappingAssessment,
    MorileAssessment,
    Nominal,
    OrganisedCrimeGroup,
)
from ..states import GROUP_MOVES
from . import selectors, services
from .forms import (
    ExploitedPersonForm,
    GroupForm,
    LocationForm,
    MappingForm,
    MoveForm,
    NominalForm,
    OutcomeForm,
)
from .permissions import (
    NAVIGATION_ROLES,
    PANEL_ROLES,
    get_group_for_user_or_404,
    groups_visible_to,
    is_panel_member,
    outcomes_visible_to,
    panel_actions_visible_to,
)


def _form_page(request, *, form, caption: str, heading: str, cancel_url: str, intro: str = ""):
    return render(
        request,
        "meetings/form_page.html",
        {"form": form, "caption": caption, "heading": heading, "intro": intro, "cancel_url": cancel_url},
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
    return _form_page(
        request,
        form=form,
        caption="Disruption Panel",
        heading="Record a group referred to the panel",
        cancel_url=reverse("partnerships:ocg_list"),
    )


def group_detail(request, pk: int):
    group = get_group_for_user_or_404(request.user, pk)
    detail = is_panel_member(request.user)
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=group, detail={"restricted_fields": detail})
    context = {
        "group": group,
        "detail": detail,
        "actions": selectors.group_actions(panel_actions_visible_to(request.user), group, local_today()),
        "outcomes": outcomes_visible_to(request.user).filter(group=group).select_related("agency", "grading"),
    }
    if detail:
        people = list(ExploitedPerson.objects.filter(group=group).select_related("safeguarding_referral_to"))
        audit_list(actor=request.user, model=ExploitedPerson, ids=[p.pk for p in people], group=group.pk)
        context.update(
            {
                "moves": GROUP_MOVES.options(group),
                "mappings": MappingAssessment.objects.filter(group=group).select_related("band", "scale"),
                "moriles": MorileAssessment.objects.filter(group=group).select_related("scale"),
                "nominals": Nominal.objects.filter(group=group),
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
    return _form_page(
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
    return _form_page(
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
    return _form_page(
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
    instance = get_object_or_404(model, pk=item, group=group) if item else None
    if instance is not None and request.method == "GET":
        audit_record(actor=request.user, action=AuditAction.VIEW, obj=instance)
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            service(actor=request.user, group=group, **{argument: instance}, **form.cleaned_data)
            messages.success(request, f"Saved {noun}.")
            return redirect(group)
    intro = ""
    if kind == "exploited":
        intro = "If the person is a child, make a safeguarding referral now if one has not been made."
    return _form_page(
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
    form = OutcomeForm(
        request.POST or None, initial={"agency": group.lead_agency_id, "line_type": group.line_type}
    )
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.outcome_record(actor=request.user, group=group, **form.cleaned_data)
            messages.success(request, "The disruption has been recorded.")
            return redirect(group)
    return _form_page(
        request,
        form=form,
        caption=group.reference,
        heading="Record a disruption",
        intro="Lines closed, arrests and people safeguarded are counted as the national County Lines figures count them.",
        cancel_url=group.get_absolute_url(),
    )
