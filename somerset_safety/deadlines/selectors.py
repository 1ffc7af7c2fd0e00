from datetime import date, timedelta

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from somerset_safety.accounts.roles import Role

from .models import Deadline, DeadlineStatus
from .registry import registrations

DUE_SOON_DAYS = 14


def deadlines_visible_to(user) -> QuerySet[Deadline]:
    """Deadlines whose subject the user may see, by each app's own access policy (S7)."""
    condition = Q(pk__in=[])
    for registration in registrations():
        visible = registration.visible_to(user).values("pk")
        condition |= Q(subject_type=registration.subject_type, subject_id__in=visible)
    return Deadline.objects.filter(condition)


def with_urgency(queryset: QuerySet[Deadline], today: date) -> QuerySet[Deadline]:
    """Orders overdue first, then due soon, then the rest, each by due date."""
    return queryset.annotate(
        urgency=Case(
            When(status=DeadlineStatus.OPEN, due_date__lt=today, then=Value(0)),
            When(
                status=DeadlineStatus.OPEN, due_date__lte=today + timedelta(days=DUE_SOON_DAYS), then=Value(1)
            ),
            When(status=DeadlineStatus.OPEN, then=Value(2)),
            default=Value(3),
            output_field=IntegerField(),
        )
    ).order_by("urgency", "due_date", "id")


def my_deadlines(user, today: date) -> QuerySet[Deadline]:
    """Mine and my agency's, within what I may see."""
    responsible = Q(responsible_user=user)
    if user.agency_id:
        responsible |= Q(responsible_agency_id=user.agency_id)
    return with_urgency(
        deadlines_visible_to(user)
        .filter(responsible)
        .select_related("responsible_agency", "responsible_user"),
        today,
    )


def team_counts(user, today: date) -> list[dict]:
    """Open deadlines by kind: overdue, due within 14 days, later; and met and waived. One query."""
    base = Deadline.objects.all() if user.has_role(Role.PARTNERSHIP_LEAD) else deadlines_visible_to(user)
    soon = today + timedelta(days=DUE_SOON_DAYS)
    return list(
        base.values("kind")
        .annotate(
            overdue=Count("pk", filter=Q(status=DeadlineStatus.OPEN, due_date__lt=today)),
            due_soon=Count(
                "pk", filter=Q(status=DeadlineStatus.OPEN, due_date__gte=today, due_date__lte=soon)
            ),
            later=Count("pk", filter=Q(status=DeadlineStatus.OPEN, due_date__gt=soon)),
            met=Count("pk", filter=Q(status=DeadlineStatus.MET)),
            waived=Count("pk", filter=Q(status=DeadlineStatus.WAIVED)),
        )
        .order_by("kind")
    )


def deadline_state(deadline: Deadline, today: date) -> str:
    """on track, due within 14 days, overdue, met, waived — as shown on pages."""
    if deadline.status == DeadlineStatus.MET:
        return "met"
    if deadline.status == DeadlineStatus.WAIVED:
        return "waived"
    if deadline.due_date < today:
        return "overdue"
    if deadline.due_date <= today + timedelta(days=DUE_SOON_DAYS):
        return "due_soon"
    return "on_track"


def overdue_by_kind(today: date) -> dict:
    """For the partnership dashboard: open deadlines past their date, by kind (one query)."""
    from .registry import kind_names

    names = kind_names()
    rows = (
        Deadline.objects.filter(status=DeadlineStatus.OPEN, due_date__lt=today)
        .values("kind")
        .annotate(n=Count("pk"))
        .order_by("kind")
    )
    kinds = [{"label": names.get(r["kind"], r["kind"]), "overdue": r["n"]} for r in rows]
    return {"kinds": kinds, "total": sum(k["overdue"] for k in kinds)}
