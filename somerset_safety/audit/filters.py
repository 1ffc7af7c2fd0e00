import django_filters

from .models import AuditAction, AuditEvent


class AuditEventFilter(django_filters.FilterSet):
    action = django_filters.ChoiceFilter(choices=AuditAction.choices, empty_label="Any action")
    object_type = django_filters.CharFilter(label="Record type (e.g. reviews.review)")
    object_id = django_filters.CharFilter(label="Record id")
    actor_label = django_filters.CharFilter(label="User email", lookup_expr="iexact")
    occurred_from = django_filters.DateFilter(
        field_name="occurred_at", lookup_expr="date__gte", label="From (YYYY-MM-DD)"
    )
    occurred_to = django_filters.DateFilter(
        field_name="occurred_at", lookup_expr="date__lte", label="To (YYYY-MM-DD)"
    )

    class Meta:
        model = AuditEvent
        fields = ["action", "object_type", "object_id", "actor_label"]
