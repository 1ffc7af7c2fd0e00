"""Reads for the duties pages. Status is computed in the database from the obligations' dates,
so the register can be filtered and sorted by it without loading every obligation."""

import functools
from datetime import date

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
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

from somerset_safety.core import duty_evidence
from somerset_safety.core.compiled import Statement, compile_once
from somerset_safety.deadlines.models import OUTSTANDING, Deadline, DeadlineStatus
from somerset_safety.deadlines.registry import kinds as deadline_kinds
from somerset_safety.deadlines.selectors import deadlines_of
from somerset_safety.deadlines.state import State, clock_state, with_clock_state

from .deadlines import OBLIGATION_DUE
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


def _obligations_in_state(state: str, today: date):
    """Ids of obligations whose open cycle is in `state` on `today` (the stored deadlines)."""
    cycles = Deadline.objects.filter(
        subject_type=Obligation._meta.label_lower, kind=OBLIGATION_DUE, status__in=OUTSTANDING
    )
    return with_clock_state(cycles, today).filter(clock_state=state).values("subject_id")


def _obligations_last_met_late():
    """Ids of obligations whose latest met cycle was met after its due date."""
    met = Deadline.objects.filter(
        subject_type=Obligation._meta.label_lower, kind=OBLIGATION_DUE, status=DeadlineStatus.MET
    )
    later = met.filter(subject_id=OuterRef("subject_id"), due_date__gt=OuterRef("due_date"))
    return met.filter(~Exists(later), met_on__gt=F("due_date")).values("subject_id")


def _obligation_conditions(today: date, prefix: str = "") -> dict[str, Q]:
    active = Q(**{f"{prefix}active": True})
    pk_in = f"{prefix}pk__in"
    return {
        "active": active,
        "overdue": active & Q(**{pk_in: _obligations_in_state(State.OVERDUE, today)}),
        "due_soon": active & Q(**{pk_in: _obligations_in_state(State.DUE_SOON, today)}),
        "no_evidence": active & Q(**{f"{prefix}last_met_on__isnull": True}),
        "met_late": active
        & Q(**{f"{prefix}last_met_on__isnull": False})
        & Q(**{pk_in: _obligations_last_met_late()}),
    }


def _status_cases(whens: list[tuple[Q, DutyStatus]]) -> dict:
    return {
        "computed_status": Case(
            *[When(cond, then=Value(status.value)) for cond, status in whens],
            default=Value(DutyStatus.MET.value),
            output_field=CharField(),
        ),
        "status_rank": Case(
            *[When(cond, then=Value(STATUS_RANK[status])) for cond, status in whens],
            default=Value(STATUS_RANK[DutyStatus.MET]),
            output_field=IntegerField(),
        ),
    }


def with_obligation_status(queryset: QuerySet[Obligation], today: date) -> QuerySet[Obligation]:
    """Annotates each obligation with `computed_status` from its stored deadlines: overdue or
    due soon (DUTIES_DUE_SOON_DAYS) by its open cycle, evidenced or not (one never evidenced is
    due on its first due date); otherwise no evidence yet, met but late when its latest cycle
    was met after its due date, or met."""
    c = _obligation_conditions(today)
    return queryset.annotate(
        **_status_cases(
            [
                (c["overdue"], DutyStatus.OVERDUE),
                (c["due_soon"], DutyStatus.DUE_SOON),
                (c["no_evidence"], DutyStatus.NO_EVIDENCE),
                (c["met_late"], DutyStatus.MET_LATE),
            ]
        )
    )


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
        met_late_count=Count("obligations", filter=c["met_late"]),
        next_due=Min("obligations__next_due_on", filter=c["active"]),
    )
    return queryset.annotate(
        **_status_cases(
            [
                (Q(overdue_count__gt=0), DutyStatus.OVERDUE),
                (Q(due_soon_count__gt=0), DutyStatus.DUE_SOON),
                (Q(no_evidence_count__gt=0) | Q(obligation_count=0), DutyStatus.NO_EVIDENCE),
                (Q(met_late_count__gt=0), DutyStatus.MET_LATE),
            ]
        )
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
STATUS_ORDER = [
    DutyStatus.OVERDUE,
    DutyStatus.DUE_SOON,
    DutyStatus.NO_EVIDENCE,
    DutyStatus.MET_LATE,
    DutyStatus.MET,
]


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
    held = latest_held_evidence()
    labels = dict(DutyStatus.choices)
    rows = []
    for duty in duty_list:
        item = evidence.get(duty.latest_evidence_id)
        evidence_date, described = (
            (item.met_on, evidence_description(item)) if item else (None, "None recorded")
        )
        held_date, held_described = held.get(duty.pk, (None, ""))
        if held_date is not None and (evidence_date is None or held_date > evidence_date):
            evidence_date, described = held_date, held_described
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
                "evidence_date": evidence_date.isoformat() if evidence_date else None,
                "evidence": described,
            }
        )
    return rows


def latest_held_evidence() -> dict[int, tuple[date, str]]:
    """Duty id -> (date, description) of the latest counted evidence other records hold for its
    active obligations: the obligation and the source, never the record's own words."""
    by_code = {s.obligation: s for s in duty_evidence.sources()}
    latest: dict[int, tuple[date, str]] = {}
    for obligation in Obligation.objects.filter(code__in=list(by_code), active=True).only(
        "code", "duty_id", "title"
    ):
        source = by_code[obligation.code]
        dates = [item.met_on for item in source.items() if item.counts]
        if dates and (obligation.duty_id not in latest or max(dates) > latest[obligation.duty_id][0]):
            latest[obligation.duty_id] = (max(dates), f"{obligation.title} ({source.label} record)")
    return latest


def held_evidence_of(obligations, user, shown: int = 10) -> list[dict]:
    """For the duty page: each obligation's evidence held in other records, beside what officers
    recorded — the latest `shown` items, how many there are and how many count, and whether
    this user may follow the links."""
    panels = []
    for obligation in obligations:
        for source in duty_evidence.sources_for(obligation.code):
            items = source.evidence()
            panels.append(
                {
                    "obligation": obligation,
                    "source": source,
                    "items": items[:shown],
                    "total": len(items),
                    "counted": sum(1 for item in items if item.counts),
                    "can_open": source.can_open(user),
                }
            )
    return panels


# How each status reads in a sentence of the paper: met on time and met late apart.
_PHRASES = {DutyStatus.MET: "met on time", DutyStatus.MET_LATE: "met but late last time"}


def _counts_by_status(counts: dict[str, int]) -> list[dict]:
    labels = dict(DutyStatus.choices)
    return [
        {
            "status": s.value,
            "label": labels[s.value],
            "phrase": _PHRASES.get(s, labels[s.value].lower()),
            "count": counts[s.value],
        }
        for s in STATUS_ORDER
    ]


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


@functools.lru_cache(maxsize=16)
def _status_statement(vendor: str, due_soon: tuple) -> Statement:
    """status_counts(with_duty_status(register_duties(), day))'s statement, compiled once
    (core.compiled): compiling the clock states' expression cost Django about 70 ms a dashboard,
    where PostgreSQL counts in under one. `due_soon` (each clock's due-soon days) is part of the
    key only: the expression reads the settings."""
    del vendor, due_soon
    return compile_once(
        lambda stand_in: with_duty_status(register_duties(), stand_in["day"])
        .order_by()
        .values_list("computed_status"),
        days=["day"],
    )


def status_counts_on(day: date) -> dict[str, int]:
    """status_counts(with_duty_status(register_duties(), day)), the same statement, compiled
    once: one query."""
    statement = _status_statement(
        connection.vendor, tuple((kind.key, kind.due_soon()) for kind in deadline_kinds())
    )
    counts = {status.value: 0 for status in DutyStatus}
    for (status,) in statement.run(days={"day": day})[1]:
        counts[status] += 1
    return counts


def duties_status_panel(as_of: date) -> dict:
    """The dashboard's count of duties by status on `as_of`: one query, compiled once."""
    counts = status_counts_on(as_of)
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
    """The duty with its obligations (each with its status and its latest six cycles, newest
    first, from the stored deadlines) and the history of evidence, withdrawn evidence included
    and marked."""
    obligations = list(
        with_obligation_status(obligations_visible_to(user).filter(duty=duty), today)
        .select_related("lead_officer")
        .order_by("display_order", "title")
    )
    evidence = list(
        EvidenceItem.objects.filter(obligation__in=obligations)
        .select_related("obligation", "recorded_by", "withdrawn_by", "assessment")
        .order_by("-met_on", "-recorded_at")
    )
    cycles = deadlines_of(Obligation, [o.pk for o in obligations])
    rows = [
        (
            o,
            DutyStatus(o.computed_status),
            [(d, clock_state(d, today)) for d in reversed(cycles.get(o.pk, []))][:6],
            obligation_explanation(o, o.computed_status, cycles.get(o.pk, []), today),
        )
        for o in obligations
    ]
    worst = max((STATUS_RANK[row[1]] for row in rows), default=STATUS_RANK[DutyStatus.NO_EVIDENCE])
    return {
        "obligations": rows,
        "evidence": evidence,
        "held": held_evidence_of(obligations, user),
        "status": STATUS_BY_RANK[worst],
    }


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _in_days(days: int) -> str:
    return {0: "today", 1: "tomorrow"}.get(days, f"in {days} days")


def _days(days: int) -> str:
    return f"{days} day{'s' if days != 1 else ''}"


def obligation_explanation(obligation: Obligation, status: str, cycles: list[Deadline], today: date) -> str:
    """Why an obligation has its status, in a sentence: its next due date and, for a cycle met
    late, that cycle from its stored deadlines."""
    title = f"“{obligation.title}”"
    met = [d for d in cycles if d.status == DeadlineStatus.MET and d.met_on is not None]
    last_met = max(met, key=lambda d: (d.met_on, d.due_date), default=None)
    never = obligation.last_met_on is None
    due = obligation.next_due_on
    if not obligation.active or due is None:
        return f"{title} is not active, so it has no due date."
    if status == DutyStatus.OVERDUE:
        if never:
            return (
                f"{title} was first due on {_long(due)} and no evidence has been recorded: "
                f"{_days((today - due).days)} overdue."
            )
        return (
            f"{title} was due on {_long(due)}, a cycle after it was last met on "
            f"{_long(obligation.last_met_on)}: {_days((today - due).days)} overdue."
        )
    if status == DutyStatus.DUE_SOON:
        when = f"due {_in_days((due - today).days)} ({_long(due)})"
        if never:
            return f"{title} is first {when} and no evidence has been recorded yet."
        return f"{title} is {when}; it was last met on {_long(obligation.last_met_on)}."
    if status == DutyStatus.NO_EVIDENCE:
        return f"No evidence has been recorded for {title} yet; it is first due on {_long(due)}."
    if status == DutyStatus.MET_LATE and last_met is not None:
        return (
            f"{title} was due on {_long(last_met.due_date)} and met on {_long(last_met.met_on)}, "
            f"{_days((last_met.met_on - last_met.due_date).days)} late. Next due on {_long(due)}."
        )
    return f"{title} was last met on {_long(obligation.last_met_on)}, on time. Next due on {_long(due)}."


def status_explanations(duties, user, today: date) -> dict[int, str]:
    """Each duty's status explained in words: its most urgent obligation's explanation (or why
    it has none). Two queries whatever the number of duties."""
    duty_ids = [d.pk for d in duties]
    obligations = list(
        with_obligation_status(
            obligations_visible_to(user).filter(duty_id__in=duty_ids, active=True), today
        ).order_by("-status_rank", "next_due_on", "display_order", "title")
    )
    cycles = deadlines_of(Obligation, [o.pk for o in obligations])
    explained: dict[int, str] = {}
    for obligation in obligations:
        if obligation.duty_id not in explained:
            explained[obligation.duty_id] = obligation_explanation(
                obligation, obligation.computed_status, cycles.get(obligation.pk, []), today
            )
    for duty_id in duty_ids:
        explained.setdefault(
            duty_id, "This duty has no recurring obligations yet, so nothing shows it is met."
        )
    return explained


def prevent_checklist(user, today: date) -> list[tuple[Obligation, DutyStatus, EvidenceItem | None]]:
    """The Prevent duty's areas of local delivery with their status and latest evidence."""
    latest = EvidenceItem.objects.filter(withdrawn_at__isnull=True).order_by("-met_on", "-recorded_at")
    obligations = (
        with_obligation_status(obligations_visible_to(user).exclude(prevent_area=""), today)
        .select_related("duty", "lead_officer")
        .prefetch_related(Prefetch("evidence", queryset=latest, to_attr="current_evidence"))
        .order_by("display_order", "title")
    )
    return [
        (o, DutyStatus(o.computed_status), o.current_evidence[0] if o.current_evidence else None)
        for o in obligations
    ]


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


def evidence_recorded_from_app(obligation_code: str, link: str) -> bool:
    """Whether evidence with this link stands (not withdrawn) for the obligation with that code."""
    return EvidenceItem.objects.filter(
        obligation__code=obligation_code, link=link, withdrawn_at__isnull=True
    ).exists()


def nrm_referral_exists(reference: str) -> bool:
    """For other apps linking a person to the modern slavery record: is there an NRM referral
    with this reference? (MS1 notifications are anonymous and never linked.)"""
    return SlaveryNotification.objects.filter(reference=reference.strip(), route=Route.NRM).exists()


def nrm_links(user, references) -> dict[str, dict]:
    """For other apps: reference -> {"status", "url"} of the NRM referrals among `references`.
    The status and link are given only to users who may open modern slavery records; others get
    the reference alone (an empty dict for it)."""
    wanted = {r for r in references if r}
    if not wanted:
        return {}
    from .permissions import can_use_slavery_records, slavery_notifications_visible_to

    if not can_use_slavery_records(user):
        return {r: {} for r in wanted}
    # A record whose processing is restricted is not linked (records.restriction), but for its owner.
    found = (
        slavery_notifications_visible_to(user)
        .filter(reference__in=wanted, route=Route.NRM)
        .only("pk", "reference", "status")
    )
    # A reference not found (or restricted) is given alone, as to users who may not open the records.
    return {r: {} for r in wanted} | {
        n.reference: {"status": n.get_status_display(), "url": n.get_absolute_url()} for n in found
    }
