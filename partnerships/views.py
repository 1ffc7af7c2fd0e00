from django.contrib import messages
from django.db.models import Count, Max, Min, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from somerset_safety.accounts.roles import Role
from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_list, audit_record
from somerset_safety.core.dates import today as local_today
from somerset_safety.core.exports import csv_response
from somerset_safety.core.pagination import paginate
from somerset_safety.reports.permissions import can_see_small_counts

from . import conf, selectors, services
from .exceptions import ImportRejected, MaracError
from .filters import ActionFilter, ReferralFilter
from .forms import (
    NEW_PERSON,
    ActionForm,
    AttendanceForm,
    CarryForwardForm,
    CompleteActionForm,
    HandlingForm,
    ImportForm,
    InviteForm,
    MeetingForm,
    MinutesForm,
    PersonForm,
    ReasonForm,
    ReferralForm,
    ReturnForm,
)
from .imports import COLUMNS, import_referrals
from .models import (
    Action,
    ActionStatus,
    AgendaItem,
    AgendaSection,
    MaracArea,
    Meeting,
    MeetingStatus,
    PersonRole,
    Referral,
    ReferralStatus,
)
from .permissions import (
    MANAGE_ROLES,
    MARAC_ROLES,
    RETURN_CSV_ROLES,
    RETURN_ROLES,
    actions_visible_to,
    can_complete_action,
    get_action_for_user_or_404,
    get_meeting_for_user_or_404,
    get_referral_for_user_or_404,
    identity_visible,
    is_coordinator,
    meetings_visible_to,
    referrals_visible_to,
    require_any_role,
)


def _can_view_audit(user) -> bool:
    return user.has_role(Role.MARAC_COORDINATOR, Role.AUDITOR)


# --- Home ------------------------------------------------------------------------------------


def marac_home(request):
    require_any_role(request.user, MARAC_ROLES | RETURN_ROLES)
    if not request.user.has_role(*MARAC_ROLES):
        return redirect("partnerships:data_return")
    today = local_today()
    meetings = (
        meetings_visible_to(request.user)
        .filter(date__gte=today)
        .select_related("area")
        .annotate(cases=Count("agenda_items"))
        .order_by("date")[:5]
    )
    actions = actions_visible_to(request.user)
    if request.user.has_role(Role.AGENCY_REP) and not is_coordinator(request.user):
        actions = actions.filter(agency_id=request.user.agency_id)
    counts = {
        "awaiting": referrals_visible_to(request.user).filter(status=ReferralStatus.REFERRED).count(),
        "overdue": actions.filter(status=ActionStatus.OPEN, due_date__lt=today).count(),
        "open_actions": actions.filter(status=ActionStatus.OPEN).count(),
    }
    return render(
        request,
        "partnerships/marac_home.html",
        {
            "meetings": meetings,
            "counts": counts,
            "is_coordinator": is_coordinator(request.user),
            "can_see_return": request.user.has_role(*RETURN_ROLES),
        },
    )


def area_list(request):
    require_any_role(request.user, MARAC_ROLES | RETURN_ROLES)
    today = local_today()
    areas = MaracArea.objects.annotate(
        next_meeting=Min("meetings__date", filter=Q(meetings__date__gte=today)),
        last_meeting=Max("meetings__date", filter=Q(meetings__date__lt=today)),
    ).order_by("name")
    sort = request.GET.get("sort", "")
    if sort in {"population", "-population"}:
        areas = areas.order_by(sort.replace("population", "adult_female_population"), "name")
    return render(
        request,
        "partnerships/area_list.html",
        {"page": paginate(request, areas), "sort": sort},
    )


# --- Referrals -------------------------------------------------------------------------------


def referral_list(request, cases: bool = False):
    require_any_role(request.user, MARAC_ROLES)
    queryset = referrals_visible_to(request.user)
    if cases:
        queryset = queryset.filter(status__in=[ReferralStatus.LISTED, ReferralStatus.HEARD])
    referral_filter = ReferralFilter(
        request.GET, queryset=selectors.referral_list(queryset), meetings=meetings_visible_to(request.user)
    )
    page = paginate(request, referral_filter.qs, keyset=True)
    audit_list(actor=request.user, model=Referral, ids=[r.pk for r in page])
    return render(
        request,
        "partnerships/referral_list.html",
        {
            "filter": referral_filter,
            "page": page,
            "cases": cases,
            "is_coordinator": is_coordinator(request.user),
        },
    )


def _matches(form_data, prefix: str, role: str):
    form = ReferralForm(form_data)
    form.is_valid()
    name = form.cleaned_data.get(f"{prefix}_name") or ""
    dob = form.cleaned_data.get(f"{prefix}_dob")
    return list(selectors.possible_matches(role=role, full_name=name, date_of_birth=dob))


@require_http_methods(["GET", "POST"])
def referral_create(request):
    require_any_role(request.user, MANAGE_ROLES)
    if request.method != "POST":
        return render(request, "partnerships/referral_form.html", {"form": ReferralForm()})
    victim_matches = _matches(request.POST, "victim", PersonRole.VICTIM)
    perpetrator_matches = _matches(request.POST, "perpetrator", PersonRole.PERPETRATOR)
    form = ReferralForm(request.POST, victim_matches=victim_matches, perpetrator_matches=perpetrator_matches)
    if form.is_valid():
        data = form.cleaned_data
        victim = form.chosen("victim_match") if data.get("victim_match") != NEW_PERSON else None
        perpetrator = (
            form.chosen("perpetrator_match") if data.get("perpetrator_match") != NEW_PERSON else None
        )
        try:
            referral = services.referral_create(
                actor=request.user,
                area=data["area"],
                referral_date=data["referral_date"],
                incident_date=data["incident_date"],
                referring_agency=data["referring_agency"],
                dash_answers={number: "yes" for number in data["dash_yes"]},
                professional_judgement=data["professional_judgement"],
                professional_judgement_reasons=data["professional_judgement_reasons"],
                incidents_in_period=data["incidents_in_period"],
                children_in_household=data["children_in_household"],
                victim=victim,
                victim_details=None
                if victim
                else {
                    "full_name": data["victim_name"],
                    "date_of_birth": data["victim_dob"],
                    "address": data["victim_address"],
                },
                perpetrator=perpetrator,
                perpetrator_details=None
                if perpetrator
                else {
                    "full_name": data["perpetrator_name"],
                    "date_of_birth": data["perpetrator_dob"],
                    "address": data["perpetrator_address"],
                },
                victim_sex=data["victim_sex"],
                victim_age=data["victim_age"],
                victim_ethnicity=data["victim_ethnicity"],
                victim_disabled=data["victim_disabled"],
                victim_lgbt=data["victim_lgbt"],
                perpetrator_age=data["perpetrator_age"],
                idva_allocated=data["idva_allocated"],
                restricted=data["restricted"],
                review_at_12_months=data["review_at_12_months"],
            )
        except MaracError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"Referral {referral.reference} saved"
                + (" as a repeat" if referral.is_repeat else "")
                + f" with a checklist score of {referral.dash_score}.",
            )
            return redirect(referral)
    return render(request, "partnerships/referral_form.html", {"form": form})


def referral_detail(request, pk: int):
    require_any_role(request.user, MARAC_ROLES)
    referral = get_referral_for_user_or_404(request.user, pk)
    show_identity = identity_visible(request.user, referral)
    audit_record(
        actor=request.user, action=AuditAction.VIEW, obj=referral, detail={"restricted_fields": show_identity}
    )
    actions = (
        actions_visible_to(request.user)
        .filter(referral=referral)
        .select_related("agency", "meeting__area", "carried_from__meeting")
    )
    agenda = (
        referral.agenda_items.filter(meeting__in=meetings_visible_to(request.user))
        .select_related("meeting__area")
        .order_by("meeting__date")
    )
    from .models import RiskQuestion

    answered_yes = {k for k, v in referral.dash_answers.items() if v == "yes"}
    questions = [q for q in RiskQuestion.objects.all() if str(q.number) in answered_yes]
    return render(
        request,
        "partnerships/referral_detail.html",
        {
            "referral": referral,
            "show_identity": show_identity,
            "actions": actions,
            "agenda": agenda,
            "questions_yes": questions,
            "is_coordinator": is_coordinator(request.user),
            "can_view_audit": _can_view_audit(request.user),
            "threshold": conf.high_risk_threshold(),
        },
    )


@require_http_methods(["GET", "POST"])
def referral_handling(request, pk: int):
    referral = get_referral_for_user_or_404(request.user, pk, action="change")
    initial = {k: getattr(referral, k) for k in ("idva_allocated", "restricted", "review_at_12_months")}
    form = HandlingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.referral_update_handling(actor=request.user, referral=referral, **form.cleaned_data)
        messages.success(request, "The case handling has been updated.")
        return redirect(referral)
    return render(request, "partnerships/referral_handling.html", {"referral": referral, "form": form})


@require_http_methods(["GET", "POST"])
def person_edit(request, pk: int, role: str):
    if role not in PersonRole.values:
        raise Http404
    referral = get_referral_for_user_or_404(request.user, pk, action="change")
    person = referral.victim if role == PersonRole.VICTIM else referral.perpetrator
    if person is None:
        raise Http404
    initial = {
        "full_name": person.full_name,
        "date_of_birth": person.date_of_birth,
        "address": person.address,
    }
    form = PersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(actor=request.user, person=person, **form.cleaned_data)
        except MaracError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"The details of {person.reference} have been saved.")
            return redirect(referral)
    return render(
        request,
        "partnerships/person_form.html",
        {"referral": referral, "person": person, "form": form, "role": PersonRole(role).label.lower()},
    )


@require_http_methods(["GET", "POST"])
def referral_withdraw(request, pk: int):
    referral = get_referral_for_user_or_404(request.user, pk, action="withdraw")
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_withdraw(
                actor=request.user, referral=referral, reason=form.cleaned_data["reason"]
            )
        except MaracError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Referral {referral.reference} has been withdrawn.")
            return redirect(referral)
    return render(request, "partnerships/referral_withdraw.html", {"referral": referral, "form": form})


# --- Meetings --------------------------------------------------------------------------------


def meeting_list(request):
    require_any_role(request.user, MARAC_ROLES)
    meetings = (
        meetings_visible_to(request.user)
        .select_related("area", "chair")
        .annotate(cases=Count("agenda_items", distinct=True))
        .order_by("-date", "area__name")
    )
    area_code = request.GET.get("area", "")
    when = request.GET.get("when", "")
    today = local_today()
    if area_code:
        meetings = meetings.filter(area__code=area_code)
    if when == "upcoming":
        meetings = meetings.filter(date__gte=today).order_by("date")
    elif when == "past":
        meetings = meetings.filter(date__lt=today)
    sort = request.GET.get("sort", "")
    if sort in {"date", "-date"}:
        meetings = meetings.order_by(sort, "area__name")
    page = paginate(request, meetings)
    audit_list(actor=request.user, model=Meeting, ids=[m.pk for m in page])
    return render(
        request,
        "partnerships/meeting_list.html",
        {
            "page": page,
            "areas": MaracArea.objects.all(),
            "area_code": area_code,
            "when": when,
            "sort": sort,
            "is_coordinator": is_coordinator(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def meeting_create(request):
    require_any_role(request.user, MANAGE_ROLES)
    from somerset_safety.accounts.models import Agency

    core = Agency.objects.filter(code__in=["POLICE", "IDVA", "CSC", "HOUSING", "HEALTH", "PROBATION", "CST"])
    form = MeetingForm(request.POST or None, initial={"agencies": list(core)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_create(
                actor=request.user,
                area=data["area"],
                date=data["date"],
                chair=data["chair"],
                agencies=data["agencies"],
            )
        except MaracError as exc:
            form.add_error("date", str(exc))
        else:
            messages.success(request, f"The meeting on {meeting.date:%-d %B %Y} has been scheduled.")
            return redirect(meeting)
    return render(request, "partnerships/meeting_form.html", {"form": form})


def _agenda_rows(user, meeting):
    """Agenda items grouped by section; a case the user may not see shows as Restricted."""
    items = list(
        meeting.agenda_items.select_related("referral__referring_agency").prefetch_related(
            Prefetch(
                "referral__actions",
                queryset=Action.objects.filter(meeting=meeting).select_related("agency").order_by("id"),
                to_attr="meeting_actions",
            )
        )
    )
    visible = set(
        referrals_visible_to(user).filter(pk__in=[i.referral_id for i in items]).values_list("pk", flat=True)
    )
    last = services.previous_meeting(meeting)
    carried = {}
    if last is not None:
        for action in actions_visible_to(user).filter(meeting=last).select_related("agency", "carried_to"):
            carried.setdefault(action.referral_id, []).append(action)
    sections = []
    for section in AgendaSection:
        rows = [
            {
                "item": item,
                "visible": item.referral_id in visible,
                "carried": carried.get(item.referral_id, []),
            }
            for item in items
            if item.section == section
        ]
        sections.append({"section": section, "rows": rows})
    return sections, [i.referral_id for i in items if i.referral_id in visible]


def meeting_detail(request, pk: int):
    require_any_role(request.user, MARAC_ROLES)
    meeting = get_meeting_for_user_or_404(request.user, pk)
    sections, shown = _agenda_rows(request.user, meeting)
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=meeting)
    audit_list(actor=request.user, model=Referral, ids=shown, meeting=meeting.pk)
    later = Meeting.objects.filter(area=meeting.area, date__gt=meeting.date).order_by("date").first()
    return render(
        request,
        "partnerships/meeting_detail.html",
        {
            "meeting": meeting,
            "sections": sections,
            "attendances": meeting.attendances.select_related("agency"),
            "is_coordinator": is_coordinator(request.user),
            "can_view_audit": _can_view_audit(request.user),
            "next_meeting": later,
        },
    )


@require_http_methods(["GET", "POST"])
def meeting_attendance(request, pk: int):
    meeting = get_meeting_for_user_or_404(request.user, pk, action="change")
    attendances = list(meeting.attendances.select_related("agency"))
    form = AttendanceForm(request.POST or None, attendances=attendances)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_record_attendance(actor=request.user, meeting=meeting, entries=form.entries())
        except MaracError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Attendance has been saved.")
            return redirect(meeting)
    invite = InviteForm()
    invite.fields["agency"].queryset = invite.fields["agency"].queryset.exclude(
        pk__in=[a.agency_id for a in attendances]
    )
    return render(
        request, "partnerships/meeting_attendance.html", {"meeting": meeting, "form": form, "invite": invite}
    )


@require_http_methods(["POST"])
def meeting_invite(request, pk: int):
    meeting = get_meeting_for_user_or_404(request.user, pk, action="change")
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_invite_agency(
                actor=request.user, meeting=meeting, agency=form.cleaned_data["agency"]
            )
        except MaracError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"{form.cleaned_data['agency'].name} has been invited.")
    else:
        messages.error(request, "Choose an agency to invite.")
    return redirect("partnerships:meeting_attendance", pk=meeting.pk)


MEETING_STEPS = {
    "generate_agenda": (
        services.meeting_generate_agenda,
        "Generate the agenda?",
        "Adds cases with incomplete actions from the last meeting, new cases (with children first), and flagged "
        "cases where 12 months have passed since their last MARAC. Cases already on the agenda keep their place.",
        "Generate agenda",
        "The agenda has been generated.",
    ),
    "send_agenda": (
        services.meeting_send_agenda,
        "Record that the agenda has been sent?",
        "Records today as the date the agenda went to the invited agencies. This meets the papers deadline.",
        "Record agenda as sent",
        "The agenda has been recorded as sent.",
    ),
    "start": (
        services.meeting_start,
        "Start the meeting",
        "Read the confidentiality statement to everyone present. Information shared at MARAC is confidential, is "
        "shared only to protect the victim and children, and must not be passed on without the agreement of the "
        "agency that shared it. Confirm that everyone present has agreed to it.",
        "Everyone present has agreed to the confidentiality statement",
        "The meeting has started.",
    ),
    "conclude": (
        services.meeting_conclude,
        "Conclude the meeting?",
        "After this, minutes and attendance cannot be changed.",
        "Conclude meeting",
        "The meeting has concluded.",
    ),
}


@require_http_methods(["GET", "POST"])
def meeting_step(request, pk: int, step: str):
    if step not in MEETING_STEPS:
        raise Http404
    meeting = get_meeting_for_user_or_404(request.user, pk, action="change")
    service, heading, explanation, button, done = MEETING_STEPS[step]
    error = None
    if request.method == "POST":
        try:
            service(actor=request.user, meeting=meeting)
        except MaracError as exc:
            error = str(exc)
        else:
            messages.success(request, done)
            return redirect(meeting)
    return render(
        request,
        "partnerships/meeting_step.html",
        {
            "meeting": meeting,
            "heading": heading,
            "explanation": explanation,
            "button": button,
            "error": error,
            "step": step,
        },
    )


def _item_for(request, pk: int, action: str) -> AgendaItem:
    item = get_object_or_404(AgendaItem.objects.select_related("meeting__area", "referral"), pk=pk)
    get_meeting_for_user_or_404(request.user, item.meeting_id, action=action)
    return item


@require_http_methods(["GET", "POST"])
def agenda_item_minutes(request, pk: int):
    item = _item_for(request, pk, "change")
    if request.method == "GET":
        audit_record(actor=request.user, action=AuditAction.VIEW, obj=item)
    form = MinutesForm(request.POST or None, initial={"minutes": item.minutes})
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_record(actor=request.user, item=item, minutes=form.cleaned_data["minutes"])
        except MaracError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Minutes saved for {item.referral.reference}.")
            return redirect(item.meeting)
    action_form = ActionForm(prefix="action")
    return render(
        request,
        "partnerships/agenda_item.html",
        {
            "item": item,
            "form": form,
            "action_form": action_form,
            "actions": item.referral.actions.filter(meeting=item.meeting).select_related("agency"),
        },
    )


@require_http_methods(["GET", "POST"])
def agenda_item_remove(request, pk: int):
    item = _item_for(request, pk, "change")
    error = None
    if request.method == "POST":
        try:
            services.agenda_item_remove(actor=request.user, item=item)
        except MaracError as exc:
            error = str(exc)
        else:
            messages.success(request, f"{item.referral.reference} has been taken off the agenda.")
            return redirect(item.meeting)
    return render(request, "partnerships/agenda_item_remove.html", {"item": item, "error": error})


@require_http_methods(["GET", "POST"])
def action_create(request, pk: int):
    item = _item_for(request, pk, "change")
    form = ActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_create(actor=request.user, item=item, **form.cleaned_data)
        except MaracError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Action added for {form.cleaned_data['agency'].name}.")
            return redirect("partnerships:agenda_item", pk=item.pk)
    return render(request, "partnerships/action_form.html", {"item": item, "form": form})


# --- Actions ---------------------------------------------------------------------------------


def action_list(request):
    require_any_role(request.user, MARAC_ROLES)
    queryset = actions_visible_to(request.user).select_related("agency", "meeting__area", "referral")
    action_filter = ActionFilter(request.GET, queryset=queryset, meetings=meetings_visible_to(request.user))
    page = paginate(request, action_filter.qs, keyset=True)
    audit_list(actor=request.user, model=Action, ids=[a.pk for a in page])
    visible_referrals = set(
        referrals_visible_to(request.user)
        .filter(pk__in=[a.referral_id for a in page])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "partnerships/action_list.html",
        {
            "filter": action_filter,
            "page": page,
            "today": local_today(),
            "visible_referrals": visible_referrals,
        },
    )


def action_detail(request, pk: int):
    require_any_role(request.user, MARAC_ROLES)
    action = get_action_for_user_or_404(request.user, pk)
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=action)
    referral_visible = referrals_visible_to(request.user).filter(pk=action.referral_id).exists()
    return render(
        request,
        "partnerships/action_detail.html",
        {
            "action": action,
            "referral_visible": referral_visible,
            "can_complete": action.status == ActionStatus.OPEN and can_complete_action(request.user, action),
            "can_carry": action.status == ActionStatus.OPEN and is_coordinator(request.user),
            "today": local_today(),
        },
    )


@require_http_methods(["GET", "POST"])
def action_complete(request, pk: int):
    action = get_action_for_user_or_404(request.user, pk, action="complete")
    form = CompleteActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_complete(actor=request.user, action=action, **form.cleaned_data)
        except MaracError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The action has been marked as complete.")
            return redirect(action)
    return render(request, "partnerships/action_complete.html", {"action": action, "form": form})


@require_http_methods(["GET", "POST"])
def action_carry_forward(request, pk: int):
    action = get_action_for_user_or_404(request.user, pk, action="carry")
    meetings = (
        Meeting.objects.filter(area_id=action.meeting.area_id, date__gt=action.meeting.date)
        .exclude(status=MeetingStatus.CONCLUDED)
        .select_related("area")
        .order_by("date")
    )
    form = CarryForwardForm(request.POST or None, meetings=meetings)
    if request.method == "POST" and form.is_valid():
        try:
            carried = services.action_carry_forward(
                actor=request.user,
                action=action,
                to_meeting=form.cleaned_data["to_meeting"],
                reason=form.cleaned_data["reason"],
                due_date=form.cleaned_data["due_date"],
            )
        except MaracError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"The action has been carried forward to {carried.meeting}.")
            return redirect(carried)
    return render(
        request,
        "partnerships/action_carry.html",
        {"action": action, "form": form, "has_meetings": meetings.exists()},
    )


# --- Import and data return ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def import_view(request):
    require_any_role(request.user, MANAGE_ROLES)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = import_referrals(actor=request.user, data=upload.read(), file_name=upload.name)
        except ImportRejected as exc:
            errors = exc.errors
            form.add_error("file", str(exc))
        else:
            messages.success(
                request, f"{result.created} referrals imported ({result.repeats} of them repeats)."
            )
            return redirect("partnerships:referral_list")
    return render(request, "partnerships/import.html", {"form": form, "errors": errors, "columns": COLUMNS})


def _return_rows(request):
    form = ReturnForm(request.GET or None)
    rows = []
    if form.is_valid():
        area = form.cleaned_data["area"]
        areas = [area] if area else list(MaracArea.objects.all())
        rows = selectors.data_return(
            areas=areas, start=form.cleaned_data["start"], end=form.cleaned_data["end"]
        )
    return form, rows


def data_return(request):
    require_any_role(request.user, RETURN_ROLES)
    form, rows = _return_rows(request)
    bench = conf.benchmarks()
    tables = []
    for row in rows:
        figures = [
            {"label": label, "value": row[key], "benchmark": bench.get(key, "")}
            for key, label in selectors.RETURN_LABELS.items()
        ]
        tables.append({"row": row, "figures": figures})
    return render(
        request,
        "partnerships/data_return.html",
        {
            "form": form,
            "tables": tables,
            "query": request.GET.urlencode(),
            "submitted": bool(request.GET),
            "suppress": not can_see_small_counts(request.user),
            "can_download": request.user.has_role(*RETURN_CSV_ROLES),
        },
    )


def data_return_csv(request):
    require_any_role(request.user, RETURN_CSV_ROLES)
    form, rows = _return_rows(request)
    if not form.is_valid():
        messages.error(request, "Choose the period before downloading the return.")
        return redirect(reverse("partnerships:data_return") + "?" + request.GET.urlencode())
    return csv_response(
        actor=request.user,
        filename="marac-data-return",
        header=selectors.RETURN_COLUMNS,
        rows=([selectors.csv_value(row[c]) for c in selectors.RETURN_COLUMNS] for row in rows),
        object_type="partnerships.datareturn",
        detail={
            "areas": [r["marac_area"] for r in rows],
            "start": rows[0]["period_start"] if rows else "",
            "end": rows[0]["period_end"] if rows else "",
        },
        # The SafeLives return is a fixed machine-readable format: the marking travels in the
        # file name and a response header instead of a first row.
        marking_row=False,
    )
