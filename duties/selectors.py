"""Reads for the duties pages. Status is computed in the database from the obligations' dates,
so the register can be filtered and sorted by it without loading every obligation."""

from datetime import date, timedelta

from django.db.models import (
    Case,
    CharField,
    Count,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from .models import (
    AgeGroup,
    Duty,
    DutyStatus,
    EvidenceItem,
    NotificationStatus,
    Obligation,
    Route,
    SlaveryNotification,
)
from .models.register import STATUS_BY_RANK, STATUS_RANK, due_soon_days
from .permissions import obligations_visible_to, register_duties


def _obligation_conditions(today: date, prefix: str = "") -> dict[str, Q]:
    soon = today + timedelta(days=due_soon_days())
    active = Q(**{f"{prefix}active": True})
    met_before = Q(**{f"{prefix}last_met_on__isnull": False})
    return {
        "active": active,
        "overdue": active & met_before & Q(**{f"{prefix}next_due_on__lt": today}),
        "no_evidence": active & Q(**{f"{prefix}last_met_on__isnull": True}),
        "due_soon": active
        & met_before
        & Q(**{f"{prefix}next_due_on__gte": today, f"{prefix}next_due_on__lte": soon}),
    }


def with_duty_status(queryset: QuerySet[Duty], today: date) -> QuerySet[Duty]:
    """Annotates each duty with its obligations counted by status, its earliest next due date,
    `computed_status` (its worst obligation's status; no evidence if it has none) and
    `status_rank` for sorting, worst first."""
    c = _obligation_conditions(today, prefix="obligations__")
    queryset = queryset.annotate(
        obligation_count=Count("obligations", filter=c["active"]),
        overdue_count=Count("obligations", filter=c["overdue"]),
        no_evidence_count=Count("obligations", filter=c["no_evidence"]),
        due_soon_count=Count("obligations", filter=c["due_soon"]),
        next_due=Min("obligations__next_due_on", filter=c["active"]),
    )
    whens = [
        (Q(overdue_count__gt=0), DutyStatus.OVERDUE),
        (Q(no_evidence_count__gt=0) | Q(obligation_count=0), DutyStatus.NO_EVIDENCE),
        (Q(due_soon_count__gt=0), DutyStatus.DUE_SOON),
    ]
    return queryset.annotate(
        computed_status=Case(
            *[When(cond, then=Value(status.value)) for cond, status in whens],
            default=Value(DutyStatus.MET.value),
            output_field=CharField(),
        ),
        status_rank=Case(
            *[When(cond, then=Value(STATUS_RANK[status])) for cond, status in whens],
            default=Value(STATUS_RANK[DutyStatus.MET]),
            output_field=IntegerField(),
        ),
    )


def register_queryset(duties: QuerySet[Duty], today: date) -> QuerySet[Duty]:
    return with_duty_status(duties, today).order_by("-status_rank", "display_order", "title")


def status_counts(duties: QuerySet[Duty]) -> dict[str, int]:
    """How many duties are at each status: one query over the annotated register."""
    counts = {status.value: 0 for status in DutyStatus}
    for status in duties.order_by().values_list("computed_status", flat=True):
        counts[status] += 1
    return counts


# Worst first, as the register page lists them.
STATUS_ORDER = [DutyStatus.OVERDUE, DutyStatus.NO_EVIDENCE, DutyStatus.DUE_SOON, DutyStatus.MET]


def evidence_description(evidence: EvidenceItem | None) -> str:
    """What the latest evidence shows, from reference data only: the obligation it meets and
    the kind of evidence. The officer's free-text summary is left out, so no name typed into
    it can reach a report, a dashboard or an export."""
    if evidence is None:
        return "None recorded"
    if evidence.assessment_id:
        kind = "section 17 or equality assessment"
    elif evidence.document:
        kind = "document"
    else:
        kind = "link"
    return f"{evidence.obligation.title} ({kind})"


def register_rows(duties: QuerySet[Duty]) -> list[dict]:
    """Each duty of an annotated register (`register_queryset`) with its latest current
    evidence, in the queryset's order: two queries whatever the number of duties."""
    latest = EvidenceItem.objects.filter(
        obligation__duty=OuterRef("pk"),
        obligation__active=True,
        withdrawn_at__isnull=True,
    ).order_by("-met_on", "-recorded_at", "-pk")
    duty_list = list(duties.annotate(latest_evidence_id=Subquery(latest.values("pk")[:1])))
    evidence = EvidenceItem.objects.select_related("obligation").in_bulk(
        [d.latest_evidence_id for d in duty_list if d.latest_evidence_id]
    )
    labels = dict(DutyStatus.choices)
    rows = []
    for duty in duty_list:
        item = evidence.get(duty.latest_evidence_id)
        rows.append(
            {
                "label": duty.title,
                "act": duty.act,
                "section": duty.section,
                "owner": duty.owner,
                "partnership_body": duty.partnership_body,
                "status": duty.computed_status,
                "status_label": labels[duty.computed_status],
                "next_due": duty.next_due.isoformat() if duty.next_due else None,
                "evidence_date": item.met_on.isoformat() if item else None,
                "evidence": evidence_description(item),
            }
        )
    return rows


def _counts_by_status(counts: dict[str, int]) -> list[dict]:
    labels = dict(DutyStatus.choices)
    return [{"status": s.value, "label": labels[s.value], "count": counts[s.value]} for s in STATUS_ORDER]


def duties_appendix(as_of: date) -> dict:
    """Appendix 1 of the Executive report: every duty in the register, in the council's order,
    with its Act and section, owner, partnership body, status on `as_of` and latest evidence.
    Duties, posts and boards only: no personal data."""
    annotated = with_duty_status(register_duties(), as_of)
    rows = register_rows(annotated.order_by("display_order", "title"))
    counts = {s.value: 0 for s in DutyStatus}
    for row in rows:
        counts[row["status"]] += 1
    return {
        "as_of": as_of.isoformat(),
        "total": len(rows),
        "due_soon_days": due_soon_days(),
        "counts": _counts_by_status(counts),
        "duties": rows,
    }


def duties_status_panel(as_of: date) -> dict:
    """The dashboard's count of duties by status on `as_of`: one query."""
    counts = status_counts(with_duty_status(register_duties(), as_of))
    by_status = _counts_by_status(counts)
    described = ", ".join(f"{c['label'].lower()} {c['count']}" for c in by_status)
    return {
        "as_of": as_of.isoformat(),
        "total": sum(counts.values()),
        "counts": by_status,
        "chart_labels": [c["label"] for c in by_status],
        "chart_series": {"Duties": [c["count"] for c in by_status]},
        "chart_alt": f"Bar chart of statutory duties by status: {described}.",
    }


def duty_detail(duty: Duty, user, today: date) -> dict:
    """The duty with its obligations (each with its status) and the history of evidence,
    withdrawn evidence included and marked."""
    obligations = list(
        obligations_visible_to(user)
        .filter(duty=duty)
        .select_related("lead_officer")
        .order_by("display_order", "title")
    )
    evidence = list(
        EvidenceItem.objects.filter(obligation__in=obligations)
        .select_related("obligation", "recorded_by", "withdrawn_by", "assessment")
        .order_by("-met_on", "-recorded_at")
    )
    rows = [(o, o.status(today)) for o in obligations]
    worst = max((STATUS_RANK[s] for _, s in rows), default=STATUS_RANK[DutyStatus.NO_EVIDENCE])
    return {"obligations": rows, "evidence": evidence, "status": STATUS_BY_RANK[worst]}


def prevent_checklist(user, today: date) -> list[tuple[Obligation, DutyStatus, EvidenceItem | None]]:
    """The Prevent duty's areas of local delivery with their status and latest evidence."""
    latest = EvidenceItem.objects.filter(withdrawn_at__isnull=True).order_by("-met_on", "-recorded_at")
    obligations = (
        obligations_visible_to(user)
        .exclude(prevent_area="")
        .select_related("duty", "lead_officer")
        .prefetch_related(Prefetch("evidence", queryset=latest, to_attr="current_evidence"))
        .order_by("display_order", "title")
    )
    return [(o, o.status(today), o.current_evidence[0] if o.current_evidence else None) for o in obligations]


def slavery_summary(queryset: QuerySet[SlaveryNotification], today: date) -> dict[str, int]:
    """Counts for the top of the modern slavery list, one query."""
    return queryset.aggregate(
        total=Count("pk"),
        nrm=Count("pk", filter=Q(route=Route.NRM)),
        ms1=Count("pk", filter=Q(route=Route.MS1)),
        children=Count("pk", filter=Q(age_group=AgeGroup.CHILD)),
        awaiting_rg=Count("pk", filter=Q(status=NotificationStatus.AWAITING_RG)),
        rg_late=Count("pk", filter=Q(status=NotificationStatus.AWAITING_RG, rg_expected_on__lt=today)),
    )
