"""Filters narrow a queryset already scoped by permissions; their choice lists are scoped too."""

import django_filters
from django.db.models import Exists, Q

from somerset_safety.accounts.models import Agency
from somerset_safety.core import dates

from .models import Area, NotificationStatus, RecommendationScope, Stage
from .selectors import REGISTER_STATUSES, stage_clock_overdue

TRACKER_SORTS = {
    "reference": ("number",),
    "-reference": ("-number",),
    "notified": ("notified_on", "number"),
    "-notified": ("-notified_on", "-number"),
    "stage": ("review__stage", "number"),
    "next_due": ("next_due", "number"),
}


class TrackerFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=NotificationStatus.choices, empty_label="Any status", label="Status"
    )
    stage = django_filters.ChoiceFilter(
        field_name="review__stage", choices=Stage.choices, empty_label="Any stage", label="Stage"
    )
    area = django_filters.ChoiceFilter(choices=Area.choices, empty_label="Any area", label="Area")
    clock = django_filters.ChoiceFilter(
        choices=[
            ("overdue", "Something overdue"),
            ("stage_overdue", "Decision or completion overdue"),
            ("paused", "Paused"),
        ],
        empty_label="Any",
        label="Clocks",
        method="filter_clock",
    )
    sort = django_filters.ChoiceFilter(
        choices=[
            ("reference", "Oldest reference first"),
            ("-notified", "Most recently notified"),
            ("notified", "Earliest notified"),
            ("stage", "Stage"),
            ("next_due", "Next deadline"),
        ],
        empty_label="Newest reference first",
        label="Sort by",
        method="sort_by",
    )

    def filter_clock(self, queryset, name, value):
        if value == "overdue":
            return queryset.filter(has_overdue=True)
        if value == "stage_overdue":
            return queryset.filter(Exists(stage_clock_overdue(dates.today())))
        if value == "paused":
            return queryset.filter(is_paused=True)
        return queryset

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*TRACKER_SORTS.get(value, ("-number",)))


class RegisterFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=[(key, label) for key, (label, _condition) in REGISTER_STATUSES.items()],
        empty_label="Any status",
        label="Status",
        method="filter_status",
    )
    owning_agency = django_filters.ModelChoiceFilter(
        queryset=Agency.objects.none(), empty_label="Any agency", label="Agency"
    )
    scope = django_filters.ChoiceFilter(
        choices=RecommendationScope.choices, empty_label="Any scope", label="Scope"
    )
    overdue = django_filters.ChoiceFilter(
        choices=[("yes", "With an overdue action")],
        empty_label="Overdue or not",
        label="Overdue",
        method="filter_overdue",
    )
    review = django_filters.ChoiceFilter(
        choices=[], empty_label="Any review", label="Review", field_name="review__notification__reference"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        base = self.queryset
        agency_ids = base.values("owning_agency")
        self.filters["owning_agency"].queryset = Agency.objects.filter(pk__in=agency_ids).order_by("name")
        references = (
            base.order_by("-review__notification__number")
            .values_list("review__notification__reference", flat=True)
            .distinct()
        )
        self.filters["review"].extra["choices"] = [(r, r) for r in references]

    def filter_status(self, queryset, name, value):
        if value in REGISTER_STATUSES:
            return queryset.filter(REGISTER_STATUSES[value][1])
        return queryset

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(has_overdue_action=True) if value == "yes" else queryset.filter(Q())
