"""Filters narrow a queryset that permissions.py has already scoped; their choice lists are
built from that same scoped queryset."""

import django_filters
from django.db.models import Q

from .models import (
    AgeGroup,
    AssessmentKind,
    AssessmentOutcome,
    Duty,
    DutyStatus,
    ExploitationType,
    ImpactAssessment,
    NotificationStatus,
    Route,
    SlaveryNotification,
)


def _distinct(queryset, field: str) -> list[tuple[str, str]]:
    values = queryset.order_by(field).values_list(field, flat=True).distinct()
    return [(value, value) for value in values if value]


def _years(queryset, field: str) -> list[tuple[int, str]]:
    return [(d.year, str(d.year)) for d in queryset.dates(field, "year", order="DESC")]


class DutyFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label="Status", field_name="computed_status", choices=DutyStatus.choices, empty_label="Any status"
    )
    act = django_filters.ChoiceFilter(label="Act", empty_label="Any Act")
    owner = django_filters.ChoiceFilter(label="Owner", empty_label="Any owner")
    body = django_filters.ChoiceFilter(
        label="Partnership body", field_name="partnership_body", empty_label="Any body"
    )
    sort = django_filters.OrderingFilter(
        label="Sort by",
        empty_label="Most urgent first",
        fields=(("title", "title"), ("act", "act"), ("next_due", "next_due")),
        field_labels={"title": "Duty", "act": "Act", "next_due": "Next due"},
    )

    class Meta:
        model = Duty
        fields: list[str] = []

    def __init__(self, *args, scoped=None, **kwargs):
        super().__init__(*args, **kwargs)
        scoped = scoped if scoped is not None else self.queryset
        self.filters["act"].extra["choices"] = _distinct(scoped, "act")
        self.filters["owner"].extra["choices"] = _distinct(scoped, "owner")
        self.filters["body"].extra["choices"] = _distinct(scoped, "partnership_body")


class AssessmentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="search")
    kind = django_filters.ChoiceFilter(
        label="What was assessed", choices=AssessmentKind.choices, empty_label="Any"
    )
    covers = django_filters.ChoiceFilter(
        label="Assessment",
        choices=[("s17", "Section 17 (crime and disorder)"), ("equality", "Equality impact")],
        empty_label="Either",
        method="filter_covers",
    )
    outcome = django_filters.ChoiceFilter(
        label="Outcome", choices=AssessmentOutcome.choices, empty_label="Any outcome"
    )
    year = django_filters.ChoiceFilter(
        label="Year assessed", field_name="assessed_on__year", empty_label="Any year"
    )
    sort = django_filters.OrderingFilter(
        label="Sort by",
        empty_label="Newest first",
        fields=(("assessed_on", "assessed_on"), ("title", "title"), ("decision_date", "decision_date")),
        field_labels={
            "assessed_on": "Date assessed (oldest first)",
            "-assessed_on": "Date assessed (newest first)",
            "title": "Title",
            "decision_date": "Decision date",
        },
    )

    class Meta:
        model = ImpactAssessment
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["year"].extra["choices"] = _years(self.queryset, "assessed_on")

    def search(self, queryset, name, value):
        words = value.split()[:8]
        for word in words:
            queryset = queryset.filter(
                Q(reference__icontains=word)
                | Q(title__icontains=word)
                | Q(decision_body__icontains=word)
                | Q(assessor__icontains=word)
                | Q(crime_disorder_implications__icontains=word)
                | Q(equality_impact__icontains=word)
                | Q(mitigations__icontains=word)
            )
        return queryset

    def filter_covers(self, queryset, name, value):
        if value == "s17":
            return queryset.filter(covers_crime_and_disorder=True)
        return queryset.filter(covers_equality=True)


class SlaveryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Reference", method="search")
    route = django_filters.ChoiceFilter(label="Route", choices=Route.choices, empty_label="Either route")
    age_group = django_filters.ChoiceFilter(
        label="Child or adult", choices=AgeGroup.choices, empty_label="Either"
    )
    status = django_filters.ChoiceFilter(
        label="Status", choices=NotificationStatus.choices, empty_label="Any status"
    )
    exploitation = django_filters.ChoiceFilter(
        label="Exploitation type",
        field_name="exploitations__exploitation_type",
        choices=ExploitationType.choices,
        empty_label="Any type",
        distinct=True,
    )
    year = django_filters.ChoiceFilter(
        label="Year submitted", field_name="submitted_on__year", empty_label="Any year"
    )
    sort = django_filters.OrderingFilter(
        label="Sort by",
        empty_label="Newest first",
        fields=(
            ("submitted_on", "submitted_on"),
            ("encounter_date", "encounter_date"),
            ("rg_expected_on", "rg_expected_on"),
        ),
        field_labels={
            "submitted_on": "Date submitted (oldest first)",
            "-submitted_on": "Date submitted (newest first)",
            "encounter_date": "Encounter date",
            "rg_expected_on": "Decision expected",
        },
    )

    class Meta:
        model = SlaveryNotification
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["year"].extra["choices"] = _years(self.queryset, "submitted_on")

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(reference__icontains=value) | Q(nrm_reference__icontains=value))
