"""Pages of the performance framework: the performance page per framework (priorities →
indicators → RAG and direction), each indicator's history, the rules, and for officers the
framework, its priorities and indicators, a quarter's values, imports and releases."""

from datetime import date

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from somerset_safety.accounts.permissions import require_any_role
from somerset_safety.core.dates import today as local_today
from somerset_safety.core.forms import errors_on
from somerset_safety.reports.periods import financial_quarter_name
from somerset_safety.reports.permissions import can_see_small_counts

from ..boards import permissions
from ..boards.permissions import PERFORMANCE_ROLES, can_manage
from ..exceptions import BoardError, ImportRejected
from ..models import Board, IndicatorValue
from ..models.performance import COMPUTED_SOURCES
from ..states import VALUE_RELEASE_MOVES
from . import rules, selectors, services
from .forms import (
    FrameworkForm,
    ImportValuesForm,
    IndicatorForm,
    PriorityForm,
    QuarterValuesForm,
    quarter_choices,
)


def _form_page(request, *, form, caption, heading, cancel_url, intro="", multipart=False):
    return render(
        request,
        "meetings/form_page.html",
        {
            "form": form,
            "caption": caption,
            "heading": heading,
            "intro": intro,
            "cancel_url": cancel_url,
            "multipart": multipart,
        },
    )


def _quarter(request, framework) -> date:
    """The quarter asked for (?quarter=YYYY-MM-DD, one of the plan period), or the latest with values."""
    quarters = services.quarters_of(framework)
    asked = request.GET.get("quarter", "")
    for quarter in quarters:
        if quarter.isoformat() == asked:
            return quarter
    return selectors.default_quarter(framework, permissions.releases_visible_to(request.user), local_today())


def performance_home(request):
    require_any_role(request.user, PERFORMANCE_ROLES)
    frameworks = permissions.frameworks_visible_to(request.user).order_by(
        "board__body__name", "-period_start"
    )
    boards = permissions.boards_visible_to(request.user) if can_manage(request.user) else Board.objects.none()
    return render(
        request,
        "partnerships/performance/home.html",
        {"frameworks": frameworks, "boards": boards, "can_manage": can_manage(request.user)},
    )


def performance_rules(request):
    require_any_role(request.user, PERFORMANCE_ROLES)
    return render(request, "partnerships/performance/rules.html", {"stable_pct": rules.stable_pct()})


def framework_page(request, pk: int):
    framework = permissions.get_framework_for_user_or_404(request.user, pk)
    quarter = _quarter(request, framework)
    figures = selectors.framework_figures(
        framework,
        quarter,
        releases=permissions.releases_visible_to(request.user),
        suppress=not can_see_small_counts(request.user),
    )
    return render(
        request,
        "partnerships/performance/framework.html",
        {
            "framework": framework,
            "figures": figures,
            "quarter": quarter,
            "quarters": quarter_choices(services.quarters_of(framework)),
            "can_manage": can_manage(request.user),
            "has_computed": framework.indicators.filter(source__in=COMPUTED_SOURCES).exists(),
        },
    )


def indicator_page(request, pk: int):
    indicator = permissions.get_indicator_for_user_or_404(request.user, pk)
    history = selectors.indicator_history(
        indicator,
        releases=permissions.releases_visible_to(request.user),
        suppress=not can_see_small_counts(request.user),
    )
    manage = can_manage(request.user)
    for row in history["rows"]:
        row["moves"] = VALUE_RELEASE_MOVES.options(row["row"]) if manage and row["row"] else []
    return render(
        request,
        "partnerships/performance/indicator.html",
        {"indicator": indicator, "framework": indicator.framework, "history": history, "can_manage": manage},
    )


# --- Officers: the framework --------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def framework_create(request, code: str):
    board = permissions.get_board_for_user_or_404(request.user, code, action="change")
    form = FrameworkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            framework = services.framework_create(actor=request.user, board=board, **form.cleaned_data)
            messages.success(request, "The framework has been set up. Add its priorities and indicators.")
            return redirect(framework)
    return _form_page(
        request,
        form=form,
        caption=board.name,
        heading="Set up a performance framework",
        cancel_url=board.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
def framework_refresh(request, pk: int):
    framework = permissions.get_framework_for_user_or_404(request.user, pk, action="change")
    form = FrameworkForm(request.POST or None, initial={"title": framework.title})
    form.submit_label = "Copy to the new plan period"
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            new = services.framework_refresh(actor=request.user, framework=framework, **form.cleaned_data)
            messages.success(
                request, "The framework has been copied to the new plan period. Edit its targets."
            )
            return redirect(new)
    return _form_page(
        request,
        form=form,
        caption=str(framework),
        heading="Refresh the framework for a new plan period",
        intro="Its priorities and indicators (definitions, baselines, targets and tolerances) are copied for you "
        "to edit. This framework keeps its values as they are.",
        cancel_url=framework.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
def priority_add(request, pk: int):
    framework = permissions.get_framework_for_user_or_404(request.user, pk, action="change")
    form = PriorityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.priority_add(actor=request.user, framework=framework, title=form.cleaned_data["title"])
            messages.success(request, "The priority has been added.")
            return redirect(framework)
    return _form_page(
        request,
        form=form,
        caption=str(framework),
        heading="Add a priority",
        cancel_url=framework.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
def indicator_add(request, pk: int):
    framework = permissions.get_framework_for_user_or_404(request.user, pk, action="change")
    form = IndicatorForm(request.POST or None, framework=framework)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            indicator = services.indicator_create(
                actor=request.user, framework=framework, values=form.cleaned_data
            )
            messages.success(request, f"Indicator {indicator.code} has been added.")
            return redirect(framework)
    return _form_page(
        request,
        form=form,
        caption=str(framework),
        heading="Add an indicator",
        cancel_url=framework.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
def indicator_edit(request, pk: int):
    indicator = permissions.get_indicator_for_user_or_404(request.user, pk, action="change")
    form = IndicatorForm(request.POST or None, instance=indicator, framework=indicator.framework)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.indicator_update(
                actor=request.user,
                indicator=indicator,
                values=form.cleaned_data,
                expected_version=form.cleaned_data["expected_version"],
            )
            messages.success(request, f"Indicator {indicator.code} has been saved.")
            return redirect(indicator)
    return _form_page(
        request,
        form=form,
        caption=str(indicator.framework),
        heading=f"Change {indicator.code}",
        cancel_url=indicator.get_absolute_url(),
    )


# --- Officers: values -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def framework_values(request, pk: int):
    framework = permissions.get_framework_for_user_or_404(request.user, pk, action="change")
    quarter = _quarter(request, framework)
    indicators = [
        i
        for i in framework.indicators.select_related("priority")
        if not i.computed and not services.quarter_refusal(i, quarter)
    ]
    existing = {
        v.indicator_id: v
        for v in IndicatorValue.objects.filter(indicator__framework=framework, period_start=quarter)
    }
    form = QuarterValuesForm(request.POST or None, indicators=indicators, existing=existing)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            count = services.values_record_quarter(
                actor=request.user, framework=framework, period_start=quarter, entries=form.entries()
            )
            messages.success(
                request,
                f"{count} value{'s' if count != 1 else ''} saved for {financial_quarter_name(quarter)}. "
                "They stay restricted until approved.",
            )
            return redirect(f"{framework.get_absolute_url()}?quarter={quarter.isoformat()}")
    return render(
        request,
        "partnerships/performance/values.html",
        {
            "framework": framework,
            "form": form,
            "quarter": quarter,
            "quarter_name": financial_quarter_name(quarter),
            "quarters": quarter_choices(services.quarters_of(framework)),
        },
    )


@require_http_methods(["GET", "POST"])
def framework_import(request, pk: int):
    framework = permissions.get_framework_for_user_or_404(request.user, pk, action="change")
    form = ImportValuesForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            count = services.values_import(
                actor=request.user, framework=framework, data=upload.read(), file_name=upload.name
            )
        except ImportRejected as exc:
            errors = exc.errors
            form.add_error("file", str(exc))
        else:
            messages.success(
                request,
                f"{count} value{'s' if count != 1 else ''} imported. They stay restricted until approved.",
            )
            return redirect(framework)
    return render(
        request,
        "partnerships/performance/import.html",
        {"framework": framework, "form": form, "errors": errors, "columns": services.IMPORT_COLUMNS},
    )


@require_http_methods(["GET", "POST"])
def framework_compute(request, pk: int):
    framework = permissions.get_framework_for_user_or_404(request.user, pk, action="change")
    quarter = _quarter(request, framework)
    if request.method == "POST":
        count = services.values_compute(actor=request.user, framework=framework, period_start=quarter)
        messages.success(
            request,
            f"{count} value{'s' if count != 1 else ''} worked out for {financial_quarter_name(quarter)}.",
        )
        return redirect(f"{framework.get_absolute_url()}?quarter={quarter.isoformat()}")
    return render(
        request,
        "meetings/confirm.html",
        {
            "caption": str(framework),
            "heading": f"Work out the indicators from this service's records for {financial_quarter_name(quarter)}?",
            "explanation": "MARAC cases discussed and the repeat rate are counted from the records of every area, as "
            "in the SafeLives data return; a commissioned-service KPI takes its provider's figure from the "
            "quarter's return, once it is in. They replace any value recorded for the quarter and stay restricted "
            "until approved.",
            "button": "Work them out",
            "cancel_url": framework.get_absolute_url(),
        },
    )


@require_POST
def value_release(request, pk: int, move: str):
    value = get_object_or_404(IndicatorValue.objects.select_related("indicator"), pk=pk)
    indicator = permissions.get_indicator_for_user_or_404(request.user, value.indicator_id, action="change")
    if move not in VALUE_RELEASE_MOVES:
        raise Http404
    try:
        services.value_release(actor=request.user, value=value, move=move)
    except BoardError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"{indicator.code}, {financial_quarter_name(value.period_start)}: {VALUE_RELEASE_MOVES[move].label.lower()} – done.",
        )
    return redirect(indicator)
