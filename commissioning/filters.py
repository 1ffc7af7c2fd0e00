"""Filters narrow a queryset that permissions.py has already scoped."""

import django_filters
from django.db.models import Q

from .models import Contract, ContractStatus, Grant, GrantStatus, Regime, ServiceType


class ContractFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="search")
    status = django_filters.ChoiceFilter(
        label="Status", choices=ContractStatus.choices, empty_label="Any status"
    )
    service_type = django_filters.ChoiceFilter(
        label="Service type", choices=ServiceType.choices, empty_label="Any service"
    )
    regime = django_filters.ChoiceFilter(
        label="Procurement regime", choices=Regime.choices, empty_label="Any regime"
    )
    sort = django_filters.OrderingFilter(
        label="Sort by",
        empty_label="End date, soonest first",
        fields=(("reference", "reference"), ("title", "title"), ("latest_end_date", "latest_end_date")),
        field_labels={"reference": "Reference", "title": "Title", "latest_end_date": "Latest possible end"},
    )

    class Meta:
        model = Contract
        fields: list[str] = []

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(reference__icontains=value) | Q(title__icontains=value) | Q(provider__name__icontains=value)
        )


class GrantFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="search")
    status = django_filters.ChoiceFilter(
        label="Status", choices=GrantStatus.choices, empty_label="Any status"
    )

    class Meta:
        model = Grant
        fields: list[str] = []

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(funder__icontains=value)
            | Q(scheme__icontains=value)
            | Q(partner__icontains=value)
            | Q(locality__icontains=value)
            | Q(partnership_body__icontains=value)
        )
