"""Fetch with authorisation, validate, call one service, redirect (STYLE.md). Each move is a
confirmation page (GET) and an action (POST)."""

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from somerset_safety.audit.reads import record_view
from somerset_safety.core.dates import today as local_today
from somerset_safety.core.exports import MARKING
from somerset_safety.core.forms import errors_on
from somerset_safety.core.pagination import paginate
from somerset_safety.core.uploads import private_file_response

from . import returns_io, selectors, services
from .clocks import Quarter, financial_year_label, financial_year_of
from .exceptions import CommissioningError
from .filters import ContractFilter, GrantFilter
from .forms import (
    AbandonForm,
    BeginEndingForm,
    ConfirmForm,
    ContractCreateForm,
    ContractForm,
    ContributionForm,
    DocumentForm,
    EndForm,
    ExtensionForm,
    FundingForm,
    GrantDecisionForm,
    GrantForm,
    GrantReportForm,
    GrantReportSubmitForm,
    GrantSubmitForm,
    IntentionForm,
    KpiForm,
    ModificationForm,
    NoticeForm,
    OptionAddForm,
    OptionAgreeForm,
    OptionDeclineForm,
    ProviderForm,
    ReDecisionForm,
    RepresentationForm,
    ReprocurementForm,
    ReturnCorrectionForm,
    ReturnEntryForm,
    ReturnQuarterForm,
    ReturnUploadForm,
    RiskCloseForm,
    RiskForm,
    SignForm,
    SignOffForm,
    SpendForm,
)
from .models import (
    BudgetContribution,
    BudgetSpend,
    ContractFunding,
    ExtensionOption,
    GrantReport,
    Kpi,
    Representation,
    Risk,
)
from .permissions import (
    can_manage,
    contracts_visible_to,
    get_budget_line_for_user_or_404,
    get_contract_for_user_or_404,
    get_document_for_user_or_404,
    get_grant_for_user_or_404,
    get_provider_for_user_or_404,
    get_return_for_user_or_404,
    grants_visible_to,
    providers_visible_to,
    require_manager,
    require_reader,
)
from .states import CONTRACT_MOVES


def _action(
    request,
    *,
    form,
    call: Callable[[dict], object],
    success: str,
    done_url: str | Callable[[object], str],
    title: str,
    caption: str,
    back_url: str,
    intro: list[str] | None = None,
    refusal: str | None = None,
    multipart: bool = False,
):
    """A confirmation page with its form; on a valid POST, one service call. A domain error
    becomes a form error and nothing typed is lost. `done_url` may be worked out from what the
    service returned."""
    if request.method == "POST" and refusal is None and form.is_valid():
        with errors_on(form):
            result = call(form.cleaned_data)
            messages.success(request, success)
            return redirect(done_url(result) if callable(done_url) else done_url)
    return render(
        request,
        "commissioning/action.html",
        {
            "form": form,
            "title": title,
            "caption": caption,
            "back_url": back_url,
            "intro": intro or [],
            "refusal": refusal,
            "multipart": multipart,
        },
    )


def _contract_action(request, pk: int, **kwargs):
    contract = get_contract_for_user_or_404(request.user, pk, action="manage")
    return contract, {
        "caption": f"{contract.reference} {contract.title}",
        "back_url": contract.get_absolute_url(),
    }


# --- Contracts ---------------------------------------------------------------------------------


def contract_list(request):
    require_reader(request.user)
    scoped = contracts_visible_to(request.user)
    contract_filter = ContractFilter(request.GET, queryset=selectors.contract_list(scoped))
    page = paginate(request, contract_filter.qs)
    return render(
        request,
        "commissioning/contract_list.html",
        {
            "filter": contract_filter,
            "page": page,
            "counts": selectors.status_counts(scoped),
            "can_manage": can_manage(request.user),
        },
    )


def contract_create(request):
    require_manager(request.user)
    return _action(
        request,
        form=ContractCreateForm(request.POST or None),
        call=lambda d: services.contract_create(actor=request.user, **d),
        success="Contract set up.",
        done_url=lambda contract: contract.get_absolute_url(),
        title="Set up a contract",
        caption="Commissioned services",
        back_url=reverse("commissioning:contract_list"),
        intro=[
            "Enter the contract's terms. Extension options of other lengths, KPIs, funding and documents "
            "are added on the contract's page afterwards."
        ],
    )


def contract_detail(request, pk: int):
    contract = selectors.contract_for_page(contracts_visible_to(request.user), pk)
    if contract is None:
        raise Http404
    record_view(request.user, contract)
    today = local_today()
    return render(
        request,
        "commissioning/contract_detail.html",
        {
            "contract": contract,
            **selectors.contract_detail(contract, today),
            "can_manage": can_manage(request.user),
            "today": today,
        },
    )


def contract_edit(request, pk: int):
    contract, page = _contract_action(request, pk)
    form = ContractForm(request.POST or None, instance=contract)
    return _action(
        request,
        form=form,
        call=lambda data: services.contract_update(actor=request.user, contract=contract, **data),
        success="Contract details saved. Its dates and clocks have been worked out again.",
        done_url=contract.get_absolute_url(),
        title="Change the contract's details",
        **page,
    )


MOVE_FORMS = {
    "start_procurement": (ConfirmForm, "Procurement started."),
    "issue_intention": (IntentionForm, "Standstill started."),
    "sign": (SignForm, "Contract recorded as signed: it is live."),
    "begin_ending": (BeginEndingForm, "The contract is recorded as ending."),
    "end": (EndForm, "The contract is recorded as ended."),
    "abandon": (AbandonForm, "The procurement is recorded as abandoned."),
}
MOVE_INTROS = {
    "issue_intention": "The standstill runs from the next working day after the notice.",
    "sign": "The contract can be signed once the standstill has ended.",
    "begin_ending": "Extension options still open will be recorded as not used.",
    "end": "Under the Procurement Act 2023 a termination notice is due within 30 days of any ending.",
}


def _move_call(name: str, request, contract) -> Callable[[dict], object]:
    actor = request.user
    calls = {
        "start_procurement": lambda d: services.contract_start_procurement(actor=actor, contract=contract),
        "issue_intention": lambda d: services.contract_record_intention(actor=actor, contract=contract, **d),
        "sign": lambda d: services.contract_sign(actor=actor, contract=contract, **d),
        "begin_ending": lambda d: services.contract_begin_ending(actor=actor, contract=contract, **d),
        "end": lambda d: services.contract_end(actor=actor, contract=contract, **d),
        "abandon": lambda d: services.contract_abandon(actor=actor, contract=contract, **d),
    }
    return calls[name]


def contract_move(request, pk: int, name: str):
    if name not in MOVE_FORMS:
        raise Http404
    contract, page = _contract_action(request, pk)
    form_class, success = MOVE_FORMS[name]
    form = form_class(request.POST or None)
    return _action(
        request,
        form=form,
        call=_move_call(name, request, contract),
        success=success,
        done_url=contract.get_absolute_url(),
        title=CONTRACT_MOVES[name].label,
        intro=[MOVE_INTROS[name]] if name in MOVE_INTROS else [],
        refusal=CONTRACT_MOVES.refusal(contract, name),
        **page,
    )


def reprocurement_start(request, pk: int):
    contract, page = _contract_action(request, pk)
    return _action(
        request,
        form=ReprocurementForm(request.POST or None),
        call=lambda d: services.contract_record_reprocurement(actor=request.user, contract=contract, **d),
        success="Re-procurement recorded as started.",
        done_url=contract.get_absolute_url(),
        title="Record that re-procurement has started",
        **page,
    )


def _option(contract, option_pk: int) -> ExtensionOption:
    return get_object_or_404(ExtensionOption, pk=option_pk, contract=contract)


def option_add(request, pk: int):
    contract, page = _contract_action(request, pk)
    return _action(
        request,
        form=OptionAddForm(request.POST or None),
        call=lambda d: services.option_add(actor=request.user, contract=contract, **d),
        success="Extension option added.",
        done_url=contract.get_absolute_url(),
        title="Add an extension option",
        **page,
    )


def option_agree(request, pk: int, option_pk: int):
    contract, page = _contract_action(request, pk)
    option = _option(contract, option_pk)
    return _action(
        request,
        form=OptionAgreeForm(request.POST or None),
        call=lambda d: services.option_agree(actor=request.user, option=option, **d),
        success=f"Option {option.number} recorded as agreed.",
        done_url=contract.get_absolute_url(),
        title=f"Record option {option.number} ({option.months} months) as agreed",
        **page,
    )


def option_decline(request, pk: int, option_pk: int):
    contract, page = _contract_action(request, pk)
    option = _option(contract, option_pk)
    return _action(
        request,
        form=OptionDeclineForm(request.POST or None),
        call=lambda d: services.option_decline(actor=request.user, option=option, **d),
        success=f"Option {option.number} recorded as not to be used.",
        done_url=contract.get_absolute_url(),
        title=f"Record that option {option.number} will not be used",
        **page,
    )


def extension_take(request, pk: int, option_pk: int):
    contract, page = _contract_action(request, pk)
    option = _option(contract, option_pk)
    from .clocks import add_months

    new_end = add_months(contract.current_end_date, option.months)
    refusal = CONTRACT_MOVES.refusal(contract, "extend")
    if refusal is None and option.status != "agreed":
        refusal = f"Option {option.number} is {option.get_status_display().lower()}: only an agreed option can be taken."
    return _action(
        request,
        form=ExtensionForm(request.POST or None),
        call=lambda d: services.extension_take(actor=request.user, option=option, **d),
        success=f"Extension taken: the contract now ends on {new_end:%-d %B %Y}.",
        done_url=contract.get_absolute_url(),
        title=f"Take option {option.number}: extend by {option.months} months",
        intro=[
            f"The end date in force moves from {contract.current_end_date:%-d %B %Y} to {new_end:%-d %B %Y}."
        ],
        refusal=refusal,
        **page,
    )


def representation_add(request, pk: int):
    contract, page = _contract_action(request, pk)
    return _action(
        request,
        form=RepresentationForm(request.POST or None),
        call=lambda d: services.representation_record(actor=request.user, contract=contract, **d),
        success="Representation recorded. The standstill stays open until the re-decision.",
        done_url=contract.get_absolute_url(),
        title="Record a provider's representation",
        intro=[
            "The standstill does not end until the council has made its re-decision, and then runs 5 more working days."
        ],
        **page,
    )


def representation_decide(request, pk: int, representation_pk: int):
    contract, page = _contract_action(request, pk)
    representation = get_object_or_404(Representation, pk=representation_pk, contract=contract)
    return _action(
        request,
        form=ReDecisionForm(request.POST or None),
        call=lambda d: services.representation_decide(actor=request.user, representation=representation, **d),
        success="Re-decision recorded. The standstill runs a further 5 working days.",
        done_url=contract.get_absolute_url(),
        title=f"Record the re-decision on {representation.provider_name}'s representation",
        **page,
    )


def modification_add(request, pk: int):
    contract, page = _contract_action(request, pk)
    intro = []
    if contract.regime == "psr":
        headroom = services.psr_headroom(contract)
        intro.append(
            f"Council-initiated changes must stay below £{headroom.limit:,.0f} in total. "
            f"Remaining headroom: £{headroom.remaining:,.2f}."
        )
    return _action(
        request,
        form=ModificationForm(request.POST or None),
        call=lambda d: services.modification_record(actor=request.user, contract=contract, **d),
        success="Modification recorded.",
        done_url=contract.get_absolute_url(),
        title="Record a modification",
        intro=intro,
        **page,
    )


def notice_add(request, pk: int):
    contract, page = _contract_action(request, pk)
    kpis = list(contract.kpis.filter(active=True).order_by("order", "pk"))
    form = NoticeForm(request.POST or None, contract=contract, kpis=kpis)
    return _action(
        request,
        form=form,
        call=lambda d: services.notice_publish(
            actor=request.user, contract=contract, **form.service_values()
        ),
        success="Notice recorded.",
        done_url=contract.get_absolute_url(),
        title="Record a published notice",
        intro=[
            "A contract performance notice rates each KPI on the Procurement Act's scale: good, approaching "
            "target, requires improvement, inadequate or other. This is separate from our own red, amber "
            "and green."
        ],
        **page,
    )


def risk_add(request, pk: int):
    contract, page = _contract_action(request, pk)
    return _action(
        request,
        form=RiskForm(request.POST or None, initial={"raised_on": local_today()}),
        call=lambda d: services.risk_create(actor=request.user, contract=contract, **d),
        success="Risk added.",
        done_url=contract.get_absolute_url() + "#risks",
        title="Add a risk",
        **page,
    )


def risk_edit(request, pk: int, risk_pk: int):
    contract, page = _contract_action(request, pk)
    risk = get_object_or_404(Risk, pk=risk_pk, contract=contract)
    return _action(
        request,
        form=RiskForm(request.POST or None, instance=risk),
        call=lambda d: services.risk_update(actor=request.user, risk=risk, **d),
        success="Risk saved.",
        done_url=contract.get_absolute_url() + "#risks",
        title=f"Change the risk: {risk.title}",
        **page,
    )


def risk_close(request, pk: int, risk_pk: int):
    contract, page = _contract_action(request, pk)
    risk = get_object_or_404(Risk, pk=risk_pk, contract=contract)
    return _action(
        request,
        form=RiskCloseForm(request.POST or None),
        call=lambda d: services.risk_close(actor=request.user, risk=risk, **d),
        success="Risk closed.",
        done_url=contract.get_absolute_url() + "#risks",
        title=f"Close the risk: {risk.title}",
        **page,
    )


def document_add(request, pk: int):
    contract, page = _contract_action(request, pk)
    return _action(
        request,
        form=DocumentForm(request.POST or None, request.FILES or None),
        call=lambda d: services.document_upload(actor=request.user, contract=contract, **d),
        success="Document uploaded.",
        done_url=contract.get_absolute_url() + "#documents",
        title="Upload a document",
        multipart=True,
        **page,
    )


def document_download(request, pk: int, document_pk: int):
    contract = get_contract_for_user_or_404(request.user, pk)
    document = get_document_for_user_or_404(request.user, contract, document_pk)
    services.document_disclose(actor=request.user, document=document)
    return private_file_response(document.file, document.file_name)


def funding_set(request, pk: int):
    contract, page = _contract_action(request, pk)
    return _action(
        request,
        form=FundingForm(request.POST or None),
        call=lambda d: services.funding_set(actor=request.user, contract=contract, **d),
        success="Funding saved.",
        done_url=contract.get_absolute_url() + "#funding",
        title="Add or change a funding stream",
        intro=["Choosing a stream already on the contract changes its amount."],
        **page,
    )


def funding_remove(request, pk: int, funding_pk: int):
    contract, page = _contract_action(request, pk)
    funding = get_object_or_404(
        ContractFunding.objects.select_related("stream"), pk=funding_pk, contract=contract
    )
    return _action(
        request,
        form=ConfirmForm(request.POST or None),
        call=lambda d: services.funding_remove(actor=request.user, funding=funding),
        success=f"{funding.stream} removed from the contract's funding.",
        done_url=contract.get_absolute_url() + "#funding",
        title=f"Remove {funding.stream} from the contract's funding",
        **page,
    )


# --- KPIs and returns --------------------------------------------------------------------------


def kpi_add(request, pk: int):
    contract, page = _contract_action(request, pk)
    return _action(
        request,
        form=KpiForm(request.POST or None, initial={"set_on": local_today(), "frequency": "quarterly"}),
        call=lambda d: services.kpi_create(actor=request.user, contract=contract, **d),
        success="KPI added.",
        done_url=contract.get_absolute_url() + "#kpis",
        title="Add a KPI",
        **page,
    )


def kpi_edit(request, pk: int, kpi_pk: int):
    contract, page = _contract_action(request, pk)
    kpi = get_object_or_404(Kpi, pk=kpi_pk, contract=contract)
    return _action(
        request,
        form=KpiForm(request.POST or None, instance=kpi),
        call=lambda d: services.kpi_update(actor=request.user, kpi=kpi, **d),
        success="KPI saved.",
        done_url=contract.get_absolute_url() + "#kpis",
        title=f"Change the KPI: {kpi.name}",
        intro=["Results already recorded are rated against the target as it now stands."],
        **page,
    )


def kpi_retire(request, pk: int, kpi_pk: int):
    contract, page = _contract_action(request, pk)
    kpi = get_object_or_404(Kpi, pk=kpi_pk, contract=contract)
    return _action(
        request,
        form=ConfirmForm(request.POST or None),
        call=lambda d: services.kpi_retire(actor=request.user, kpi=kpi),
        success=f"{kpi.name} retired: later returns will not ask for it.",
        done_url=contract.get_absolute_url() + "#kpis",
        title=f"Retire the KPI: {kpi.name}",
        intro=["Its results stay on record."],
        **page,
    )


def _open_quarters(contract) -> list[Quarter]:
    recorded = {(r.year, r.quarter) for r in contract.returns.all()}
    return [
        q
        for q in services.return_quarters(contract)
        if (q.year, q.number) not in recorded and q.end <= local_today()
    ]


def return_enter(request, pk: int):
    """Step one picks the quarter (GET ?quarter=); step two takes its figures."""
    contract, page = _contract_action(request, pk)
    quarters = _open_quarters(contract)
    chosen = request.GET.get("quarter", "")
    quarter = next((q for q in quarters if q.label == chosen), None)
    if quarter is None:
        form = ReturnQuarterForm(request.GET if chosen else None, quarters=quarters)
        if chosen:
            form.is_valid()
        return render(
            request,
            "commissioning/return_quarter.html",
            {"form": form, "contract": contract, "quarters": quarters, **page},
        )
    kpis = services.kpis_for_quarter(contract, quarter)
    form = ReturnEntryForm(request.POST or None, kpis=kpis, initial={"received_on": local_today()})
    return _action(
        request,
        form=form,
        call=lambda d: services.return_record(
            actor=request.user,
            contract=contract,
            quarter=quarter,
            received_on=d["received_on"],
            provider_commentary=d["provider_commentary"],
            figures=form.figures(),
        ),
        success=f"Return for {quarter.label} recorded.",
        done_url=contract.get_absolute_url() + "#returns",
        title=f"Enter the return for {quarter.label}",
        intro=[f"{quarter.start:%-d %B %Y} to {quarter.end:%-d %B %Y}."],
        refusal=None
        if kpis
        else f"No KPI of this contract is reported in {quarter.label}. Add its KPIs first.",
        **page,
    )


def return_upload(request, pk: int):
    contract, page = _contract_action(request, pk)
    form = ReturnUploadForm(
        request.POST or None, request.FILES or None, initial={"received_on": local_today()}
    )
    problems = []
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        data = uploaded.read()
        uploaded.seek(0)
        try:
            parsed = returns_io.parse(contract, uploaded.name, data)
            quarterly_return = services.return_record(
                actor=request.user,
                contract=contract,
                quarter=parsed.quarter,
                received_on=form.cleaned_data["received_on"],
                provider_commentary=parsed.provider_commentary,
                figures=parsed.figures,
                source="uploaded",
                upload=uploaded,
            )
        except returns_io.ReturnFileRejected as exc:
            problems = exc.problems
            form.add_error("file", "The file has problems, listed below. Nothing has been recorded.")
        except CommissioningError as exc:
            form.add_error("file", f"{exc} Nothing has been recorded.")
        else:
            messages.success(request, f"Return for {quarterly_return.period.label} uploaded and recorded.")
            return redirect(contract.get_absolute_url() + "#returns")
    quarters = _open_quarters(contract)
    return render(
        request,
        "commissioning/return_upload.html",
        {
            "form": form,
            "contract": contract,
            "problems": problems,
            "next_quarter": quarters[0] if quarters else None,
            **page,
        },
    )


def return_template(request, pk: int, fmt: str):
    contract = get_contract_for_user_or_404(request.user, pk)
    quarter = None
    if request.GET.get("quarter"):
        try:
            quarter = Quarter.parse(request.GET["quarter"])
        except ValueError:
            quarter = None
    stem = f"{contract.reference}-return-{quarter.label.replace(' ', '-') if quarter else 'template'}"
    if fmt == "csv":
        response = HttpResponse(
            returns_io.template_csv(contract, quarter), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
    else:
        response = HttpResponse(
            returns_io.template_xlsx(contract, quarter),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
    response["X-Protective-Marking"] = MARKING
    return response


def return_detail(request, pk: int, return_pk: int):
    contract = get_contract_for_user_or_404(request.user, pk)
    quarterly_return = get_return_for_user_or_404(request.user, contract, return_pk)
    clocks = [
        c
        for c in selectors.clocks_of(contract, local_today())
        if c.deadline.key == quarterly_return.period.label
    ]
    return render(
        request,
        "commissioning/return_detail.html",
        {
            "contract": contract,
            "return": quarterly_return,
            "rows": selectors.return_detail(quarterly_return),
            "meetings": selectors.return_meetings(quarterly_return),
            "clock": clocks[0] if clocks else None,
            "can_manage": can_manage(request.user),
        },
    )


def return_correct(request, pk: int, return_pk: int):
    contract, page = _contract_action(request, pk)
    quarterly_return = get_return_for_user_or_404(request.user, contract, return_pk, action="manage")
    results = list(quarterly_return.results.select_related("kpi"))
    initial = {
        "received_on": quarterly_return.received_on,
        "provider_commentary": quarterly_return.provider_commentary,
    }
    for result in results:
        initial |= {f"value_{result.kpi_id}": f"{result.value:f}", f"note_{result.kpi_id}": result.note}
    form = ReturnCorrectionForm(
        request.POST or None, kpis=[r.kpi for r in results], record=quarterly_return, initial=initial
    )
    done = reverse("commissioning:return_detail", args=[contract.pk, quarterly_return.pk])
    return _action(
        request,
        form=form,
        call=lambda d: services.return_correct(
            actor=request.user,
            quarterly_return=quarterly_return,
            received_on=d["received_on"],
            provider_commentary=d["provider_commentary"],
            figures=form.figures(),
            expected_version=d.get("expected_version", ""),
        ),
        success=f"Return for {quarterly_return.period.label} corrected.",
        done_url=done,
        title=f"Correct the return for {quarterly_return.period.label}",
        intro=[
            "Correct the figures as the provider confirmed them. Each change is recorded in the audit "
            "log; an uploaded file is kept as it came in."
        ],
        refusal=services.return_correction_refusal(quarterly_return),
        caption=page["caption"],
        back_url=done,
    )


def return_sign_off(request, pk: int, return_pk: int):
    contract, page = _contract_action(request, pk)
    quarterly_return = get_return_for_user_or_404(request.user, contract, return_pk, action="sign_off")
    done = reverse("commissioning:return_detail", args=[contract.pk, quarterly_return.pk])
    return _action(
        request,
        form=SignOffForm(request.POST or None, initial={"signed_off_on": local_today()}),
        call=lambda d: services.return_sign_off(actor=request.user, quarterly_return=quarterly_return, **d),
        success=f"Return for {quarterly_return.period.label} signed off.",
        done_url=done,
        title=f"Review and sign off the return for {quarterly_return.period.label}",
        refusal="This return has already been signed off." if quarterly_return.signed_off_on else None,
        caption=page["caption"],
        back_url=done,
    )


def return_download(request, pk: int, return_pk: int):
    contract = get_contract_for_user_or_404(request.user, pk)
    quarterly_return = get_return_for_user_or_404(request.user, contract, return_pk)
    if not quarterly_return.upload:
        raise Http404
    services.return_disclose(actor=request.user, quarterly_return=quarterly_return)
    return private_file_response(quarterly_return.upload, quarterly_return.upload_name or "return")


# --- Providers -------------------------------------------------------------------------------


def provider_list(request):
    require_reader(request.user)
    from django.db.models import Count

    providers = (
        providers_visible_to(request.user).annotate(contract_count=Count("contracts")).order_by("name")
    )
    page = paginate(request, providers)
    return render(
        request,
        "commissioning/provider_list.html",
        {"page": page, "can_manage": can_manage(request.user)},
    )


def provider_create(request):
    require_manager(request.user)
    form = ProviderForm(request.POST or None)
    return _action(
        request,
        form=form,
        call=lambda d: services.provider_create(actor=request.user, **d),
        success="Provider added.",
        done_url=reverse("commissioning:provider_list"),
        title="Add a provider",
        caption="Commissioned services",
        back_url=reverse("commissioning:provider_list"),
    )


def provider_detail(request, pk: int):
    provider = get_provider_for_user_or_404(request.user, pk)
    contracts = selectors.contract_list(contracts_visible_to(request.user).filter(provider=provider))
    return render(
        request,
        "commissioning/provider_detail.html",
        {"provider": provider, "contracts": contracts, "can_manage": can_manage(request.user)},
    )


def provider_edit(request, pk: int):
    provider = get_provider_for_user_or_404(request.user, pk, action="manage")
    return _action(
        request,
        form=ProviderForm(request.POST or None, instance=provider),
        call=lambda d: services.provider_update(actor=request.user, provider=provider, **d),
        success="Provider saved.",
        done_url=provider.get_absolute_url(),
        title=f"Change {provider.name}",
        caption="Providers",
        back_url=provider.get_absolute_url(),
    )


# --- Pooled budget ---------------------------------------------------------------------------


def _budget_year(request) -> int:
    try:
        return int(request.GET.get("year", ""))
    except ValueError:
        return financial_year_of(local_today())


def _year_choices() -> list[int]:
    this_year = financial_year_of(local_today())
    return sorted(set(selectors.budget_years()) | {this_year, this_year + 1, this_year - 1}, reverse=True)


def budget(request):
    require_reader(request.user)
    year = _budget_year(request)
    return render(
        request,
        "commissioning/budget.html",
        {
            "position": selectors.budget_position(year),
            "year_label": financial_year_label(year),
            "years": [(y, financial_year_label(y)) for y in _year_choices()],
            "contributions": BudgetContribution.objects.filter(year=year).select_related("partner"),
            "spending": BudgetSpend.objects.filter(year=year),
            "can_manage": can_manage(request.user),
        },
    )


def contribution_add(request):
    require_manager(request.user)
    year = _budget_year(request)
    form = ContributionForm(request.POST or None, years=_year_choices(), initial={"year": year})
    return _action(
        request,
        form=form,
        call=lambda d: services.contribution_record(actor=request.user, **d),
        success="Contribution recorded.",
        done_url=lambda contribution: reverse("commissioning:budget") + f"?year={contribution.year}",
        title="Record a contribution to the pooled budget",
        caption="Pooled budget",
        back_url=reverse("commissioning:budget"),
    )


def spend_add(request):
    require_manager(request.user)
    from reviews.selectors import review_references

    return _action(
        request,
        form=SpendForm(request.POST or None, reviews=review_references()),
        call=lambda d: services.spend_record(actor=request.user, **d),
        success="Spending recorded.",
        done_url=lambda spend: reverse("commissioning:budget") + f"?year={spend.year}",
        title="Record spending from the pooled budget",
        caption="Pooled budget",
        back_url=reverse("commissioning:budget"),
        intro=["A DHR chair's or author's fee names the review it is for."],
    )


def _budget_url(year: int) -> str:
    return reverse("commissioning:budget") + f"?year={year}"


def contribution_edit(request, pk: int):
    contribution = get_budget_line_for_user_or_404(request.user, BudgetContribution, pk, action="manage")
    back = _budget_url(contribution.year)
    form = ContributionForm(request.POST or None, instance=contribution, years=_year_choices())
    return _action(
        request,
        form=form,
        call=lambda d: services.contribution_update(actor=request.user, contribution=contribution, **d),
        success="Contribution saved.",
        done_url=lambda _changed: _budget_url(form.cleaned_data["year"]),
        title=f"Change the contribution from {contribution.partner.name}",
        caption="Pooled budget",
        back_url=back,
        intro=["The budget's totals are worked out again from the lines as they now stand."],
    )


def spend_edit(request, pk: int):
    spend = get_budget_line_for_user_or_404(request.user, BudgetSpend, pk, action="manage")
    back = _budget_url(spend.year)
    from reviews.selectors import review_references

    form = SpendForm(request.POST or None, instance=spend, reviews=review_references())
    return _action(
        request,
        form=form,
        call=lambda d: services.spend_update(actor=request.user, spend=spend, **d),
        success="Spending line saved.",
        done_url=lambda _changed: _budget_url(financial_year_of(form.cleaned_data["spent_on"])),
        title=f"Change the spending line: {spend.description}",
        caption="Pooled budget",
        back_url=back,
        intro=[
            "A new date in another financial year moves the line to that year. The budget's totals "
            "are worked out again from the lines as they now stand."
        ],
    )


# --- Grants and funding bids -----------------------------------------------------------------


def grant_list(request):
    require_reader(request.user)
    grant_filter = GrantFilter(request.GET, queryset=selectors.grant_list(grants_visible_to(request.user)))
    page = paginate(request, grant_filter.qs)
    year = financial_year_of(local_today())
    return render(
        request,
        "commissioning/grant_list.html",
        {
            "filter": grant_filter,
            "page": page,
            "won": selectors.grants_won(grants_visible_to(request.user), year),
            "year_label": financial_year_label(year),
            "can_manage": can_manage(request.user),
        },
    )


def _bodies() -> list[str]:
    from partnerships.selectors import partnership_body_names

    return partnership_body_names()


def grant_create(request):
    require_manager(request.user)
    return _action(
        request,
        form=GrantForm(request.POST or None, bodies=_bodies()),
        call=lambda d: services.grant_create(actor=request.user, **d),
        success="Funding bid recorded.",
        done_url=lambda grant: grant.get_absolute_url(),
        title="Record a funding bid",
        caption="Grants and funding bids",
        back_url=reverse("commissioning:grant_list"),
    )


def grant_detail(request, pk: int):
    grant = get_grant_for_user_or_404(request.user, pk)
    return render(
        request,
        "commissioning/grant_detail.html",
        {
            "grant": grant,
            "reports": grant.reports.all(),
            "clocks": selectors.clocks_of(grant, local_today()),
            "can_manage": can_manage(request.user),
        },
    )


def _grant_action(request, pk: int):
    grant = get_grant_for_user_or_404(request.user, pk, action="manage")
    return grant, {
        "caption": str(grant),
        "back_url": grant.get_absolute_url(),
        "done_url": grant.get_absolute_url(),
    }


def grant_edit(request, pk: int):
    grant, page = _grant_action(request, pk)
    return _action(
        request,
        form=GrantForm(request.POST or None, instance=grant, bodies=_bodies()),
        call=lambda d: services.grant_update(actor=request.user, grant=grant, **d),
        success="Bid saved.",
        title="Change the bid",
        **page,
    )


def grant_submit(request, pk: int):
    grant, page = _grant_action(request, pk)
    return _action(
        request,
        form=GrantSubmitForm(request.POST or None),
        call=lambda d: services.grant_submit(actor=request.user, grant=grant, **d),
        success="Bid recorded as submitted.",
        title="Record the bid as submitted",
        refusal=None if grant.status == "preparing" else f"This bid is {grant.get_status_display().lower()}.",
        **page,
    )


def grant_decide(request, pk: int):
    grant, page = _grant_action(request, pk)

    def call(d):
        services.grant_decide(
            actor=request.user,
            grant=grant,
            awarded=d["outcome"] == "awarded",
            decided_on=d["decided_on"],
            amount_awarded=d.get("amount_awarded"),
            conditions=d.get("conditions", ""),
        )

    return _action(
        request,
        form=GrantDecisionForm(request.POST or None),
        call=call,
        success="Funder's decision recorded.",
        title="Record the funder's decision",
        refusal=None if grant.status == "submitted" else "Only a submitted bid can be decided.",
        **page,
    )


def grant_withdraw(request, pk: int):
    grant, page = _grant_action(request, pk)
    return _action(
        request,
        form=ConfirmForm(request.POST or None),
        call=lambda d: services.grant_withdraw(actor=request.user, grant=grant),
        success="Bid withdrawn.",
        title="Withdraw the bid",
        refusal=None
        if grant.status in ("preparing", "submitted")
        else f"This bid is {grant.get_status_display().lower()}.",
        **page,
    )


def grant_report_add(request, pk: int):
    grant, page = _grant_action(request, pk)
    return _action(
        request,
        form=GrantReportForm(request.POST or None),
        call=lambda d: services.grant_report_add(actor=request.user, grant=grant, **d),
        success="Reporting date added.",
        title="Add a reporting date",
        refusal=None if grant.status == "awarded" else "Reporting dates are added once a bid is awarded.",
        **page,
    )


def grant_report_sent(request, pk: int, report_pk: int):
    grant, page = _grant_action(request, pk)
    report = get_object_or_404(GrantReport, pk=report_pk, grant=grant)
    return _action(
        request,
        form=GrantReportSubmitForm(request.POST or None),
        call=lambda d: services.grant_report_submit(actor=request.user, report=report, **d),
        success="Report recorded as sent.",
        title=f"Record “{report.description}” as sent",
        refusal="This report has already been sent." if report.submitted_on else None,
        **page,
    )
