"""List filters. Each narrows a queryset already scoped by permissions; choice lists are scoped too."""

import django_filters
from django.db.models import Exists, OuterRef, Subquery

from somerset_safety.accounts.models import Agency
from somerset_safety.core.dates import today as local_today
from somerset_safety.meetings.selectors import overdue

from .models import Action, ActionStatus, AgendaCase, MaracArea, Referral, ReferralStatus

YES_NO = [("yes", "Yes"), ("no", "No")]
CRITERIA = [
    ("visible_high_risk", "Visible high risk"),
    ("professional_judgement", "Professional judgement"),
    ("potential_escalation", "Potential escalation"),
    ("is_repeat", "Repeat"),
]


def _meeting_choices(meetings) -> list[tuple[str, str]]:
    code = MaracArea.objects.filter(pk=OuterRef("body__owner_id")).values("code")[:1]
    rows = (
        meetings.annotate(area_code=Subquery(code))
        .order_by("-date")
        .values_list("pk", "area_code", "date")[:200]
    )
    return [(str(pk), f"{area_code} {day:%-d %b %Y}") for pk, area_code, day in rows]


class ReferralFilter(django_filters.FilterSet):
    reference = django_filters.CharFilter(label="Referral reference", lookup_expr="icontains")
    area = django_filters.ModelChoiceFilter(
        queryset=MaracArea.objects.all(), empty_label="Any area", label="Area"
    )
    meeting = django_filters.ChoiceFilter(
        choices=[], empty_label="Any meeting", label="Meeting", method="filter_meeting"
    )
    agency = django_filters.ModelChoiceFilter(
        field_name="referring_agency",
        queryset=Agency.objects.all(),
        empty_label="Any agency",
        label="Referring agency",
    )
    status = django_filters.ChoiceFilter(
        choices=ReferralStatus.choices, empty_label="Any status", label="Status"
    )
    repeat = django_filters.ChoiceFilter(
        choices=YES_NO, empty_label="Repeat or not", label="Repeat", method="filter_repeat"
    )
    criterion = django_filters.ChoiceFilter(
        choices=CRITERIA, empty_label="Any criterion", label="Criterion met", method="filter_criterion"
    )
    duplicate = django_filters.ChoiceFilter(
        choices=[("yes", "Possible duplicates only")],
        empty_label="Possible duplicate or not",
        label="Possible duplicate",
        method="filter_duplicate",
    )
    sort = django_filters.OrderingFilter(
        fields=(
            ("referral_date", "referral_date"),
            ("heard_date", "heard_date"),
            ("dash_score", "score"),
            ("reference", "reference"),
        ),
        field_labels={
            "referral_date": "Referral date (oldest first)",
            "-referral_date": "Referral date (newest first)",
            "heard_date": "Heard date (oldest first)",
            "-heard_date": "Heard date (newest first)",
            "score": "Score (lowest first)",
            "-score": "Score (highest first)",
            "reference": "Reference (A to Z)",
            "-reference": "Reference (Z to A)",
        },
        label="Sort by",
        empty_label="Newest referral first",
    )

    class Meta:
        model = Referral
        fields = []

    def __init__(self, *args, meetings=None, **kwargs):
        super().__init__(*args, **kwargs)
        if meetings is not None:
            self.filters["meeting"].extra["choices"] = _meeting_choices(meetings)

    def filter_meeting(self, queryset, name, value):
        return queryset.filter(
            Exists(AgendaCase.objects.filter(referral_id=OuterRef("pk"), item__meeting_id=value))
        )

    def filter_repeat(self, queryset, name, value):
        return queryset.filter(is_repeat=(value == "yes"))

    def filter_duplicate(self, queryset, name, value):
        return queryset.filter(possible_duplicate=True)

    def filter_criterion(self, queryset, name, value):
        return queryset.filter(**{value: True})


class ActionFilter(django_filters.FilterSet):
    area = django_filters.ModelChoiceFilter(
        queryset=MaracArea.objects.all(), empty_label="Any area", label="Area", method="filter_area"
    )
    meeting = django_filters.ChoiceFilter(choices=[], empty_label="Any meeting", label="Meeting")
    agency = django_filters.ModelChoiceFilter(
        queryset=Agency.objects.all(), empty_label="Any agency", label="Agency"
    )
    status = django_filters.ChoiceFilter(
        choices=ActionStatus.choices, empty_label="Any status", label="Status"
    )
    overdue = django_filters.ChoiceFilter(
        choices=[("yes", "Overdue only")],
        empty_label="Overdue or not",
        label="Overdue",
        method="filter_overdue",
    )
    sort = django_filters.OrderingFilter(
        fields=(("due_date", "due"), ("meeting__date", "meeting")),
        field_labels={
            "due": "Due date (soonest first)",
            "-due": "Due date (latest first)",
            "meeting": "Meeting (oldest first)",
            "-meeting": "Meeting (newest first)",
        },
        label="Sort by",
        empty_label="Due date (soonest first)",
    )

    class Meta:
        model = Action
        fields = []

    def __init__(self, *args, meetings=None, **kwargs):
        super().__init__(*args, **kwargs)
        if meetings is not None:
            self.filters["meeting"].extra["choices"] = _meeting_choices(meetings)

    def filter_area(self, queryset, name, value):
        return queryset.filter(meeting__body__owner_id=value.pk)

    def filter_overdue(self, queryset, name, value):
        return overdue(queryset, local_today())
