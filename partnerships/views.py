import datetime as dt
import functools

from django.contrib import messages
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db.models import BooleanField, Count, ExpressionWrapper, OuterRef, Prefetch, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from somerset_safety.accounts.roles import Role
from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.reads import record_view
from somerset_safety.audit.services import audit_list, audit_record
from somerset_safety.core.dates import today as local_today
from somerset_safety.core.exports import csv_response
from somerset_safety.core.forms import errors_on
from somerset_safety.core.pagination import paginate
from somerset_safety.meetings import selectors as meeting_selectors
from somerset_safety.meetings.pages import MeetingPages, schedule_page
from somerset_safety.records import restriction
from somerset_safety.records import views as records_views
from somerset_safety.reports.disclosure import shown
from somerset_safety.reports.permissions import can_see_small_counts

from . import conf, selectors, services
from .exceptions import ImportRejected, MaracError
from .filters import ActionFilter, ReferralFilter
from .forms import (
    ActionForm,
    CaseDetailsForm,
    DuplicateForm,
    HandlingForm,
    ImportForm,
    InviteForm,
    MeetingForm,
    MinutesForm,
    PersonForm,
    ReasonForm,
    ReferralForm,
    ResearchAccessForm,
    ResearchReturnForm,
    ReturnForm,
    TransferForm,
)
from .imports import COLUMNS, import_job_confirm, import_job_create
from .models import (
    Action,
    ActionStatus,
    AgendaCase,
    AgendaItem,
    AgendaSection,
    ImportJob,
    ImportStatus,
    MaracArea,
    Meeting,
    MeetingAttendance,
    MeetingStatus,
    PersonRole,
    Referral,
    ReferralStatus,
)
from .permissions import (
    MANAGE_ROLES,
    MARAC_ROLES,
    RESTRICTION_KEY,
    RETURN_CSV_ROLES,
    RETURN_ROLES,
    actions_visible_to,
    can_complete_action,
    get_action_for_user_or_404,
    get_agenda_item_for_user_or_404,
    get_meeting_for_user_or_404,
    get_referral_for_user_or_404,
    identity_visible,
    is_coordinator,
    may_restrict,
    meetings_visible_to,
    referrals_visible_to,
    require_any_role,
    research_meetings,
    visible_among,
    visible_referrals_count,
)
from .reporting import return_declaration
from .states import REFERRAL_MOVES


def _can_view_audit(user) -> bool:
    return user.has_role(Role.MARAC_COORDINATOR, Role.AUDITOR)


# --- Home ------------------------------------------------------------------------------------


def marac_home(request):
    require_any_role(request.user, MARAC_ROLES | RETURN_ROLES)
    if not request.user.has_role(*MARAC_ROLES):
        return redirect("partnerships:data_return")
    today = local_today()
    meetings = (
        _with_area(meetings_visible_to(request.user))
        .filter(date__gte=today)
        .exclude(status=MeetingStatus.CANCELLED)
        .annotate(cases=Count("agenda_items"))
        .order_by("date")[:5]
    )
    actions = actions_visible_to(request.user)
    if request.user.has_role(Role.AGENCY_REP) and not is_coordinator(request.user):
        actions = actions.filter(agency_id=request.user.agency_id)
    counts = {
        "awaiting": referrals_visible_to(request.user).filter(status=ReferralStatus.REFERRED).count(),
        "overdue": meeting_selectors.overdue(actions, today).count(),
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
            "representation": selectors.representation_figures(today),
        },
    )


def area_list(request):
    require_any_role(request.user, MARAC_ROLES | RETURN_ROLES)
    areas = selectors.areas_with_schedule(local_today())
    sort = request.GET.get("sort", "")
    if sort in {"population", "-population"}:
        areas = areas.order_by(sort.replace("population", "adult_female_population"), "name")
    page = paginate(request, areas)
    bodies = selectors.area_bodies([area.pk for area in page])
    for area in page:
        area.body = bodies.get(area.pk)
    return render(
        request,
        "partnerships/area_list.html",
        {"page": page, "sort": sort, "is_coordinator": is_coordinator(request.user)},
    )


@require_http_methods(["GET", "POST"])
def area_schedule(request, code: str):
    """The area's meeting pattern and the year's meetings proposed from it, for the coordinator
    to confirm."""
    require_any_role(request.user, MANAGE_ROLES)
    area = get_object_or_404(MaracArea, code=code)
    from somerset_safety.accounts.models import Agency

    return schedule_page(
        request,
        body=selectors.area_bodies([area.pk]).get(area.pk),
        save_pattern=functools.partial(services.area_update_pattern, actor=request.user, area=area),
        schedule_dates=lambda dates: services.meetings_schedule_year(
            actor=request.user, area=area, dates=dates, agencies=Agency.objects.filter(code__in=CORE_AGENCIES)
        ),
        caption=area.name,
        who="the MARAC",
        invited="the core agencies",
        back_url=reverse("partnerships:area_list"),
        back_label="Back to MARAC areas",
    )


# --- Referrals -------------------------------------------------------------------------------


def referral_list(request, cases: bool = False):
    require_any_role(request.user, MARAC_ROLES)
    queryset = Referral.objects.all()
    if cases:
        queryset = queryset.filter(status__in=[ReferralStatus.LISTED, ReferralStatus.HEARD])
    referral_filter = ReferralFilter(
        request.GET, queryset=selectors.referral_list(queryset), meetings=meetings_visible_to(request.user)
    )
    # The filters first, then what the user may see: counted apart, so the count uses indexes.
    filtered = referral_filter.qs
    page = paginate(
        request,
        visible_among(request.user, filtered),
        keyset=True,
        count=lambda cap: visible_referrals_count(request.user, filtered, cap),
    )
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


@require_http_methods(["GET", "POST"])
def referral_create(request):
    require_any_role(request.user, MANAGE_ROLES)
    if request.method != "POST":
        return render(request, "partnerships/referral_form.html", {"form": ReferralForm()})
    form = ReferralForm(request.POST, user=request.user)
    if form.is_valid():
        with errors_on(form):
            referral = services.referral_create(actor=request.user, **form.cleaned_data)
            messages.success(
                request,
                f"Referral {referral.reference} saved"
                + (" as a repeat" if referral.is_repeat else "")
                + f" with a checklist score of {referral.dash_score}.",
            )
            for meeting, number in services.agenda_places(referral):
                messages.warning(
                    request,
                    f"Victim {referral.victim.reference} is already item {number} on the agenda of the meeting of "
                    f"{meeting.date:%-d %B %Y}. Generate that agenda again to list this referral under the same item.",
                )
            return redirect(referral)
    return render(request, "partnerships/referral_form.html", {"form": form})


def referral_detail(request, pk: int):
    require_any_role(request.user, MARAC_ROLES)
    referral = get_referral_for_user_or_404(request.user, pk)
    show_identity = identity_visible(request.user, referral)
    today = local_today()
    actions = list(
        meeting_selectors.with_state(
            actions_visible_to(request.user)
            .filter(subject_id=referral.pk)
            .select_related("agency", "owner", "meeting__body", "carried_from__meeting"),
            today,
        )
    )
    for action in actions:
        action.state = meeting_selectors.action_state(action)
    agenda = (
        AgendaCase.objects.filter(referral=referral, item__meeting__in=meetings_visible_to(request.user))
        .select_related("item__meeting__body")
        .prefetch_related("item__meeting__body__owner")
        .order_by("item__meeting__date")
    )
    for case in agenda:
        case.item.__class__ = AgendaItem
        case.item.meeting.__class__ = Meeting
    from .models import RiskQuestion

    answered = selectors.checklist_answers(
        referral.dash_answers, {str(q.number): q for q in RiskQuestion.objects.all()}
    )
    return render(
        request,
        "partnerships/referral_detail.html",
        {
            "referral": referral,
            "show_identity": show_identity,
            "actions": actions,
            "agenda": agenda,
            "questions_yes": answered["yes"],
            "questions_not_known": answered["not_known"],
            "questions_declined": answered["declined"],
            "is_coordinator": is_coordinator(request.user),
            "can_withdraw": REFERRAL_MOVES.refusal(referral, "withdraw") is None,
            "merged_referrals": list(referral.merged_referrals.all()),
            "transfers": list(referral.transfers.select_related("from_area", "to_area")),
            "can_view_audit": _can_view_audit(request.user),
            "threshold": conf.high_risk_threshold(),
            "victim_restriction": _open_restriction(referral.victim),
            "perpetrator_restriction": _open_restriction(referral.perpetrator),
            "may_restrict_victim": may_restrict(request.user, referral.victim),
            "may_restrict_perpetrator": referral.perpetrator is not None
            and may_restrict(request.user, referral.perpetrator),
        },
    )


@require_http_methods(["GET", "POST"])
def referral_handling(request, pk: int):
    referral = get_referral_for_user_or_404(request.user, pk, action="change")
    initial = {k: getattr(referral, k) for k in ("idva_allocated", "restricted", "review_at_12_months")}
    form = HandlingForm(request.POST or None, initial=initial, record=referral)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
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
    form = PersonForm(request.POST or None, initial=initial, record=person)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.person_update(actor=request.user, person=person, **form.cleaned_data)
            messages.success(request, f"The details of {person.reference} have been saved.")
            return redirect(referral)
    return render(
        request,
        "partnerships/person_form.html",
        {"referral": referral, "person": person, "form": form, "role": PersonRole(role).label.lower()},
    )


def _open_restriction(person):
    return restriction.open_restriction(RESTRICTION_KEY, person)


@require_http_methods(["GET", "POST"])
def person_restriction(request, pk: int):
    """Restrict the processing of a person's record, or lift the restriction (a records manager, or
    the coordinator of an area the person was referred in; for anyone else the page is not there):
    the records management page for every kind of restrictable record, at MARAC's address."""
    return records_views.restriction(request, key=RESTRICTION_KEY, object_id=pk)


@require_http_methods(["GET", "POST"])
def referral_withdraw(request, pk: int):
    referral = get_referral_for_user_or_404(request.user, pk, action="withdraw")
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.referral_withdraw(
                actor=request.user, referral=referral, reason=form.cleaned_data["reason"]
            )
            messages.success(request, f"Referral {referral.reference} has been withdrawn.")
            return redirect(referral)
    return render(request, "partnerships/referral_withdraw.html", {"referral": referral, "form": form})


@require_http_methods(["GET", "POST"])
def referral_details(request, pk: int):
    referral = get_referral_for_user_or_404(request.user, pk, action="change")
    initial = {name: getattr(referral, name) for name in services.DETAIL_FIELDS}
    form = CaseDetailsForm(request.POST or None, initial=initial, record=referral)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.referral_update_details(actor=request.user, referral=referral, **form.cleaned_data)
            messages.success(request, f"The case details of {referral.reference} have been saved.")
            return redirect(referral)
    return render(request, "partnerships/referral_details.html", {"referral": referral, "form": form})


@require_http_methods(["GET", "POST"])
def referral_transfer(request, pk: int):
    referral = get_referral_for_user_or_404(request.user, pk, action="transfer")
    form = TransferForm(request.POST or None, current=referral.area)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            transfer = services.referral_transfer(actor=request.user, referral=referral, **form.cleaned_data)
            messages.success(
                request,
                f"Referral {referral.reference} has moved to {transfer.to_area.name}; its coordinators have been told.",
            )
            return redirect(referral)
    return render(request, "partnerships/referral_transfer.html", {"referral": referral, "form": form})


@require_http_methods(["GET", "POST"])
def referral_duplicates(request, pk: int):
    referral = get_referral_for_user_or_404(request.user, pk, action="merge")
    others = list(services.same_day_referrals(referral).select_related("referring_agency"))
    if not others:
        messages.info(
            request, f"Referral {referral.reference} has no other referral of its victim on that date."
        )
        return redirect(referral)
    form = DuplicateForm(request.POST or None, others=others)
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        with errors_on(form):
            if decision == "separate":
                services.referral_confirm_separate(actor=request.user, referral=referral)
                messages.success(request, "The referrals are recorded as separate referrals.")
                return redirect(referral)
            into = next(o for o in others if decision == f"merge:{o.pk}")
            services.referral_merge(actor=request.user, duplicate=referral, into=into)
            messages.success(request, f"Referral {referral.reference} has been merged into {into.reference}.")
            return redirect(into)
    return render(
        request,
        "partnerships/referral_duplicates.html",
        {"referral": referral, "others": others, "form": form},
    )


# --- Meetings --------------------------------------------------------------------------------


def _with_area(meetings):
    return meetings.select_related("body").prefetch_related("body__owner")


def meeting_list(request):
    require_any_role(request.user, MARAC_ROLES)
    meetings = (
        _with_area(meetings_visible_to(request.user))
        .select_related("chair")
        .annotate(cases=Count("agenda_items", distinct=True))
        .order_by("-date", "body_id")
    )
    area_code = request.GET.get("area", "")
    when = request.GET.get("when", "")
    today = local_today()
    if area_code:
        meetings = meetings.filter(body__owner_id__in=MaracArea.objects.filter(code=area_code).values("pk"))
    if when == "upcoming":
        meetings = meetings.filter(date__gte=today).order_by("date")
    elif when == "past":
        meetings = meetings.filter(date__lt=today)
    sort = request.GET.get("sort", "")
    if sort in {"date", "-date"}:
        meetings = meetings.order_by(sort, "body_id")
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


CORE_AGENCIES = ["POLICE", "IDVA", "CSC", "HOUSING", "HEALTH", "PROBATION", "CST"]


@require_http_methods(["GET", "POST"])
def meeting_create(request):
    require_any_role(request.user, MANAGE_ROLES)
    from somerset_safety.accounts.models import Agency

    core = Agency.objects.filter(code__in=CORE_AGENCIES)
    form = MeetingForm(
        request.POST or None, initial={"agencies": list(core)}, chairs=selectors.marac_chairs()
    )
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            meeting = services.meeting_create(actor=request.user, **form.cleaned_data)
            messages.success(request, f"The meeting on {meeting.date:%-d %B %Y} has been scheduled.")
            return redirect(meeting)
    return render(request, "partnerships/meeting_form.html", {"form": form})


def _agenda_rows(user, meeting):
    """The numbered agenda grouped by section. Under each victim's item: the referrals the user
    may see, the actions that come back to this meeting and those agreed at it. An item whose
    referrals the user may not see shows as Restricted."""
    items = list(
        AgendaItem.objects.filter(meeting=meeting).prefetch_related(
            Prefetch("cases", queryset=AgendaCase.objects.select_related("referral__referring_agency"))
        )
    )
    referral_ids = {case.referral_id for item in items for case in item.cases.all()}
    visible = set(referrals_visible_to(user).filter(pk__in=referral_ids).values_list("pk", flat=True))
    last = meeting_selectors.previous_meeting(meeting)
    today = local_today()
    actions = meeting_selectors.with_state(
        actions_visible_to(user)
        .filter(meeting_selectors.reviewed_at_condition(meeting, last) | Q(meeting=meeting))
        .select_related("agency", "owner", "meeting")
        .order_by("due_date", "id"),
        today,
    )
    by_referral: dict[int, dict[str, list]] = {}
    for action in actions:
        action.state = meeting_selectors.action_state(action)
        if meeting_selectors.is_reviewed_at(action, meeting, last):
            key = "reviewed"
        elif action.carried_from_id is None:
            key = "agreed"
        else:
            continue  # carried on at this meeting: its original shows, as carried forward
        by_referral.setdefault(action.subject_id, {"reviewed": [], "agreed": []})[key].append(action)
    rows_by_item = {}
    for row in meeting_selectors.agenda(meeting, items):
        cases = [case for case in row.item.cases.all() if case.referral_id in visible]
        hidden = len(row.item.cases.all()) - len(cases)
        reviewed_actions, agreed = [], []
        for case in row.item.cases.all():
            found = by_referral.pop(case.referral_id, None)
            if found:
                reviewed_actions += found["reviewed"]
                agreed += found["agreed"]
        rows_by_item[row.item.pk] = {
            "row": row,
            "item": row.item,
            "cases": cases,
            "hidden": hidden,
            "visible": bool(cases) or not row.item.subject_id,
            "carried": reviewed_actions,
            "agreed": agreed,
        }
    sections = []
    for section in AgendaSection:
        rows = [r for r in rows_by_item.values() if r["item"].section == section]
        sections.append({"section": section, "rows": rows})
    return sections, sorted(visible)


def meeting_detail(request, pk: int):
    require_any_role(request.user, MARAC_ROLES)
    meeting = get_meeting_for_user_or_404(request.user, pk)
    sections, shown = _agenda_rows(request.user, meeting)
    audit_list(actor=request.user, model=Referral, ids=shown, meeting=meeting.pk)
    return render(
        request,
        "partnerships/meeting_detail.html",
        {
            "meeting": meeting,
            "sections": sections,
            "attendances": MeetingAttendance.objects.filter(meeting=meeting).select_related("agency"),
            "is_coordinator": is_coordinator(request.user),
            "can_view_audit": _can_view_audit(request.user),
            "several": services.several_referrals(meeting) if is_coordinator(request.user) else [],
            "papers": {name: _papers_ready(request.user, meeting, name) for name in PAPERS},
        },
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


def _generated(request, result) -> None:
    messages.success(request, "The agenda has been generated.")
    for number, victim, count in result.several_referrals:
        messages.warning(
            request,
            f"Victim {victim} has {count} referrals on this agenda: they are heard together under item {number}.",
        )


# --- Research before the meeting -------------------------------------------------------------


def _research_stage(meeting) -> dict:
    """When the meeting's research stage opens and closes, for the page to say."""
    closes = meeting.date + dt.timedelta(days=conf.research_days_after())
    today = local_today()
    is_open = (
        meeting.agenda_sent_on is not None
        and meeting.status != MeetingStatus.CANCELLED
        and meeting.agenda_sent_on <= today <= closes
    )
    return {"opens": meeting.agenda_sent_on, "closes": closes, "open": is_open}


def meeting_research(request, pk: int):
    require_any_role(request.user, MARAC_ROLES)
    meeting = get_meeting_for_user_or_404(request.user, pk)
    coordinator = is_coordinator(request.user)
    stage = _research_stage(meeting)
    if not coordinator and not (
        request.user.agency_id
        and request.user.has_role(Role.AGENCY_REP)
        and research_meetings(request.user.agency_id).filter(pk=meeting.pk).exists()
    ):
        return render(request, "partnerships/research_closed.html", {"meeting": meeting, "stage": stage})
    rows = selectors.research_list(request.user, meeting)
    shown = [case.referral for row in rows for case in row.cases if case.shown]
    for referral in shown:
        record_view(request.user, referral, restricted_fields=True, research_list=meeting.pk)
    return render(
        request,
        "partnerships/research_list.html",
        {
            "meeting": meeting,
            "rows": rows,
            "stage": stage,
            "is_coordinator": coordinator,
            "by_agency": selectors.research_returns_by_agency(meeting) if coordinator else [],
            "can_return": meeting.status in (MeetingStatus.SCHEDULED, MeetingStatus.IN_PROGRESS)
            and not coordinator,
        },
    )


def _research_case(request, pk: int, referral_pk: int):
    meeting = get_meeting_for_user_or_404(request.user, pk)
    case = (
        AgendaCase.objects.filter(item__meeting_id=meeting.pk, referral_id=referral_pk)
        .select_related("referral__victim", "item")
        .first()
    )
    if case is None:
        raise Http404
    return meeting, case.referral


@require_http_methods(["GET", "POST"])
def research_return(request, pk: int, referral_pk: int):
    require_any_role(request.user, {Role.AGENCY_REP})
    meeting, referral = _research_case(request, pk, referral_pk)
    allowed = selectors.research_referral_ids(request.user, meeting)
    if allowed is not None and referral.pk not in allowed:
        raise Http404
    from .models import ResearchReturn

    existing = ResearchReturn.objects.filter(
        meeting_id=meeting.pk, referral=referral, agency_id=request.user.agency_id
    ).first()
    initial = {"researched_on": local_today()}
    if existing is not None:
        initial = {
            "information_held": "yes" if existing.information_held else "no",
            "summary": existing.summary,
            "risks": existing.risks,
            "researched_on": existing.researched_on,
        }
    form = ResearchReturnForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.research_return_record(
                actor=request.user, meeting=meeting, referral=referral, **form.cleaned_data
            )
            messages.success(request, f"Your research return on {referral.reference} has been saved.")
            return redirect("partnerships:meeting_research", meeting.pk)
    return render(
        request,
        "partnerships/research_return.html",
        {"meeting": meeting, "referral": referral, "form": form},
    )


@require_http_methods(["GET", "POST"])
def research_access(request, pk: int, referral_pk: int):
    meeting = get_meeting_for_user_or_404(request.user, pk, action="change")
    meeting, referral = _research_case(request, pk, referral_pk)
    from somerset_safety.accounts.models import Agency

    from .models import ResearchAccess

    invited = Agency.objects.filter(
        pk__in=MeetingAttendance.objects.filter(meeting=meeting).values("agency_id")
    ).order_by("name")
    current = ResearchAccess.objects.filter(meeting_id=meeting.pk, referral=referral).values_list(
        "agency_id", flat=True
    )
    form = ResearchAccessForm(request.POST or None, invited=invited, initial={"agencies": list(current)})
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.research_access_set(
                actor=request.user, meeting=meeting, referral=referral, agencies=form.cleaned_data["agencies"]
            )
            messages.success(request, f"Who may research {referral.reference} has been saved.")
            return redirect("partnerships:meeting_research", meeting.pk)
    return render(
        request,
        "partnerships/research_access.html",
        {"meeting": meeting, "referral": referral, "form": form},
    )


# --- Papers as PDFs ----------------------------------------------------------------------------

PAPERS = ("agenda", "research", "minutes")


def _papers_ready(user, meeting, papers: str) -> bool:
    """The coordinator has every paper once it exists. Others who may see the meeting (its invited
    agencies, officers): the agenda once it is sent, the research list in the research stage (its
    invited agencies only), the minutes once approved."""
    if papers == "agenda":
        return meeting.agenda_generated_at is not None and (
            is_coordinator(user) or meeting.agenda_sent_on is not None
        )
    if papers == "minutes":
        return meeting.status == MeetingStatus.CONCLUDED and (
            is_coordinator(user) or meeting.minutes_approved_on is not None
        )
    if is_coordinator(user):
        return meeting.agenda_generated_at is not None
    return bool(
        user.agency_id
        and user.has_role(Role.AGENCY_REP)
        and research_meetings(user.agency_id).filter(pk=meeting.pk).exists()
    )


def meeting_papers_pdf(request, pk: int, papers: str):
    """A meeting's agenda, research list or minutes as an A4 PDF marked OFFICIAL-SENSITIVE, for
    those who may see the meeting (404 for an agency not invited, and before the papers are
    ready); each download is logged as a disclosure."""
    from django.http import HttpResponse
    from django.template.loader import render_to_string

    from somerset_safety.core.exports import MARKING
    from somerset_safety.pdf.render import PdfRenderError, render_pdf

    require_any_role(request.user, MARAC_ROLES)
    if papers not in PAPERS:
        raise Http404
    meeting = get_meeting_for_user_or_404(request.user, pk)
    if not _papers_ready(request.user, meeting, papers):
        raise Http404
    context = {
        "meeting": meeting,
        "marking": MARKING,
        "today": local_today(),
        "attendances": MeetingAttendance.objects.filter(meeting=meeting).select_related("agency"),
    }
    shown: list[int] = []
    if papers == "research":
        context["rows"] = selectors.research_list(request.user, meeting)
        shown = [case.referral.pk for row in context["rows"] for case in row.cases if case.shown]
    else:
        context["sections"], shown = _agenda_rows(request.user, meeting)
    try:
        body = render_pdf(render_to_string(f"partnerships/pdf/{papers}.html", context))
    except PdfRenderError as exc:
        messages.error(request, f"The {papers} PDF could not be made. {exc}")
        return redirect(meeting)
    filename = f"{MARKING}-marac-{meeting.area.code}-{meeting.date:%Y%m%d}-{papers}.pdf"
    audit_record(
        actor=request.user,
        action=AuditAction.DISCLOSE,
        obj=meeting,
        detail={"format": "pdf", "papers": papers, "file": filename, "referrals": shown},
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Protective-Marking"] = MARKING
    return response


def _item_for(request, pk: int, action: str) -> AgendaItem:
    item = get_agenda_item_for_user_or_404(request.user, pk, action=action)
    item.meeting.__class__ = Meeting
    return item


def _item_cases(item: AgendaItem):
    return list(
        AgendaCase.objects.filter(item=item).select_related("referral__referring_agency", "referral__victim")
    )


@require_http_methods(["GET", "POST"])
def agenda_item_minutes(request, pk: int):
    item = _item_for(request, pk, "change")
    form = MinutesForm(
        request.POST or None,
        initial={"minutes": item.minutes},
        label="" if item.subject_id else "Minutes for this item",
    )
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.agenda_item_record(actor=request.user, item=item, minutes=form.cleaned_data["minutes"])
            messages.success(request, f"Minutes saved for item {_item_number(item)}.")
            return redirect(item.meeting)
    today = local_today()
    actions = list(
        meeting_selectors.with_state(
            Action.objects.filter(item=item).select_related("agency", "owner").prefetch_related("subject"),
            today,
        )
    )
    for action in actions:
        action.state = meeting_selectors.action_state(action)
    table = selectors.case_at_the_table(item) if item.subject_id else {"cases": [], "history": []}
    for case in table["cases"]:
        record_view(request.user, case.referral, restricted_fields=False, agenda_item=item.pk)
    return render(
        request,
        "partnerships/agenda_item.html",
        {
            "item": item,
            "number": _item_number(item),
            "cases": _item_cases(item),
            "table": table,
            "form": form,
            "actions": actions,
        },
    )


def _item_number(item: AgendaItem) -> int:
    rows = meeting_selectors.agenda(item.meeting, list(AgendaItem.objects.filter(meeting_id=item.meeting_id)))
    return next(row.number for row in rows if row.item.pk == item.pk)


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
            messages.success(
                request, f"Item {item.victim_reference or item.title} has been taken off the agenda."
            )
            return redirect(item.meeting)
    return render(
        request,
        "partnerships/agenda_item_remove.html",
        {"item": item, "cases": _item_cases(item), "error": error},
    )


@require_http_methods(["GET", "POST"])
def action_create(request, pk: int):
    item = _item_for(request, pk, "change")
    cases = _item_cases(item)
    form = ActionForm(request.POST or None, referrals=[case.referral for case in cases])
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.action_create(actor=request.user, item=item, **form.cleaned_data)
            messages.success(request, f"Action added for {form.cleaned_data['agency'].name}.")
            return redirect("partnerships:agenda_item", pk=item.pk)
    return render(
        request,
        "partnerships/action_form.html",
        {"item": item, "number": _item_number(item), "cases": cases, "form": form},
    )


# --- Actions ---------------------------------------------------------------------------------


def action_list(request):
    require_any_role(request.user, MARAC_ROLES)
    visible = ExpressionWrapper(Q(pk__in=referrals_visible_to(request.user).values("pk")), BooleanField())
    today = local_today()
    queryset = meeting_selectors.with_state(
        actions_visible_to(request.user)
        .select_related("agency", "owner", "meeting")
        .annotate(
            area_name=Subquery(
                MaracArea.objects.filter(pk=OuterRef("meeting__body__owner_id")).values("name")
            )
        )
        .prefetch_related(GenericPrefetch("subject", [Referral.objects.annotate(visible=visible)])),
        today,
    )
    action_filter = ActionFilter(request.GET, queryset=queryset, meetings=meetings_visible_to(request.user))
    page = paginate(request, action_filter.qs, keyset=True)
    audit_list(actor=request.user, model=Action, ids=[a.pk for a in page])
    visible_referrals = {a.subject_id for a in page if a.subject_id and a.subject.visible}
    for action in page:
        action.state = meeting_selectors.action_state(action)
    return render(
        request,
        "partnerships/action_list.html",
        {
            "filter": action_filter,
            "page": page,
            "visible_referrals": visible_referrals,
        },
    )


# --- Import and data return ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def import_view(request):
    require_any_role(request.user, MANAGE_ROLES)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            job = import_job_create(actor=request.user, upload=form.cleaned_data["file"])
        except ImportRejected as exc:
            errors = exc.errors
            form.add_error("file", errors[0][2] if len(errors) == 1 else str(exc))
        else:
            return redirect(job)
    jobs = ImportJob.objects.select_related("batch")[:10]
    return render(
        request,
        "partnerships/import.html",
        {"form": form, "errors": errors, "columns": COLUMNS, "jobs": jobs},
    )


def _import_job(request, pk: int) -> ImportJob:
    require_any_role(request.user, MANAGE_ROLES)
    return get_object_or_404(ImportJob.objects.select_related("batch", "uploaded_by"), pk=pk)


@require_http_methods(["GET", "POST"])
def import_job(request, pk: int):
    job = _import_job(request, pk)
    if request.method == "POST":
        try:
            import_job_confirm(actor=request.user, job=job)
        except MaracError as exc:
            messages.error(request, str(exc))
        return redirect(job)
    running = job.status in (ImportStatus.CHECKING, ImportStatus.IMPORTING)
    return render(request, "partnerships/import_job.html", {"job": job, "running": running})


def import_job_progress(request, pk: int):
    """The job's progress for the page's script to show (no personal data)."""
    from django.http import JsonResponse

    job = _import_job(request, pk)
    return JsonResponse(
        {
            "status": job.status,
            "label": job.get_status_display(),
            "checked": job.rows_checked,
            "total": job.rows_total,
            "percent": job.percent,
        }
    )


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
    suppress = not can_see_small_counts(request.user)
    rows = shown({"rows": rows}, return_declaration, suppress=suppress)["rows"]
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
            "suppress": suppress,
            "can_download": request.user.has_role(*RETURN_CSV_ROLES),
            "presets": selectors.return_presets(local_today()),
            "area_code": request.GET.get("area", ""),
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


# --- The shared meeting and action pages ---------------------------------------------------------


def _get_action(user, pk: int, action: str = "view") -> Action:
    if action == "view":
        require_any_role(user, MARAC_ROLES)
    return get_action_for_user_or_404(user, pk, action=action)


def _action_context(request, action) -> dict:
    """The action's case, linked where the user may see the referral."""
    return {
        "referral_visible": action.subject_id is not None
        and referrals_visible_to(request.user).filter(pk=action.subject_id).exists()
    }


# Details, attendance (with a form to invite another agency), cancel, other business, approving the
# minutes, MARAC's own steps (generate and send the agenda, start with the confidentiality
# statement, conclude) and an action's page, completion, progress, owner and carrying forward: the
# platform's pages with MARAC's services (a cancelled meeting's new cases go back to waiting) and
# words. Adding an action is MARAC's own page (it chooses which of the victim's referrals it is on).
pages = MeetingPages(
    namespace="partnerships",
    name_prefix="",
    get_meeting=get_meeting_for_user_or_404,
    app_services=services,
    papers_go_to="the invited agencies",
    sent_papers="the agenda",
    attendance_empty="No agencies have been invited yet. Invite one below.",
    invite_url_name="meeting_invite",
    chairs=lambda meeting: selectors.marac_chairs(keep=meeting.chair),
    without_steps=("send_papers",),
    extra_steps={
        "generate_agenda": (
            services.meeting_generate_agenda,
            "Generate the agenda?",
            "Adds cases with incomplete actions from the last meeting, actions carried forward to this meeting, "
            "new cases (with children first), and flagged cases where 12 months have passed since their last "
            "MARAC. Each victim is one item, with all their referrals under it. Cases already on the agenda keep "
            "their place.",
            "Generate agenda",
            _generated,
        ),
        "send_agenda": (
            services.meeting_send_agenda,
            "Record that the agenda has been sent?",
            "Records today as the date the agenda went to the invited agencies. This meets the papers deadline "
            "and opens the research stage. Their representatives get an email saying only that papers are ready.",
            "Record agenda as sent",
            "The agenda has been recorded as sent.",
        ),
        "start": (
            services.meeting_start,
            "Start the meeting",
            "Read the confidentiality statement to everyone present. Information shared at MARAC is confidential, "
            "is shared only to protect the victim and children, and must not be passed on without the agreement of "
            "the agency that shared it. Confirm that everyone present has agreed to it.",
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
    },
    words={
        "meeting_edit": "The date can change only until the agenda has gone out. Item time slots follow the start "
        "time.",
        "meeting_cancel": "New cases on its agenda go back to the referrals waiting for a meeting. Actions carried "
        "forward to it come up at the next meeting instead.",
        "meeting_approve": "Once approved as a true record the minutes cannot change, and the invited agencies get "
        "an email saying only that they are ready.",
        "action_progress": "Do not include names of the victim or anyone else: the case reference is enough.",
        "carry_nowhere": "Schedule the next meeting of this MARAC first: there is none to carry it to.",
    },
    get_action=_get_action,
    rights={"complete": "complete", "progress": "complete", "assign": "complete"},
    can_update_action=can_complete_action,
    can_carry=is_coordinator,
    action_back=lambda action: (reverse("partnerships:action_list"), "Back to actions"),
    action_template="partnerships/action_detail.html",
    action_context=_action_context,
)
