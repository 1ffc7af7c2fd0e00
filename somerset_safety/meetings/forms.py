"""The forms of the meetings mechanism, for every body's pages: when and where a meeting is held,
attendance, minutes, other business, actions (agree, complete, carry forward, progress, owner),
the body's pattern and the year's meetings. Input shape only; the services hold the rules."""

from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms

from somerset_safety.accounts.models import Agency, User
from somerset_safety.core.forms import DateField, GdsFormMixin, PlainMessages, VersionedForm

from .models import AttendanceStatus, CarryReason, Frequency, Meeting, Weekday, WeekOfMonth


def _time(label: str, example: str, help_text: str = "") -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=False,
        input_formats=["%H:%M", "%H.%M"],
        help_text=help_text or f"24-hour clock, for example {example}.",
        error_messages={"invalid": f"Enter the {label.lower()} as hours and minutes, for example {example}"},
        widget=forms.TimeInput(format="%H:%M"),
    )


def _people() -> forms.ModelChoiceField:
    field = forms.ModelChoiceField(queryset=User.objects.none(), required=False)
    field.label_from_instance = (
        lambda u: f"{u.full_name or u.email} ({u.agency.name})" if u.agency_id else (u.full_name or u.email)
    )
    return field


class MeetingDetailsForm(VersionedForm, GdsFormMixin, forms.Form):
    """When and where a meeting is held, and who chairs it."""

    submit_label = "Save details"
    date = DateField(label="Meeting date")
    start_time = _time(
        "Start time", "09:30", "24-hour clock, for example 09:30. Item time slots are worked out from it."
    )
    end_time = _time("End time", "13:00")
    venue = forms.CharField(
        label="Venue", required=False, max_length=300, help_text="Leave blank for an online meeting."
    )
    online_link = forms.URLField(
        label="Online meeting link",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="Shown to invited agencies inside the service only.",
        error_messages={"invalid": "Enter the online meeting link as a web address starting https://"},
    )
    chair = forms.ModelChoiceField(
        queryset=User.objects.none(), label="Chair", required=False, empty_label="Not decided yet"
    )

    def __init__(self, *args, chairs=None, **kwargs):
        """`chairs`: the people who may chair this body's meetings (the app's rule); by default
        anyone with a role."""
        super().__init__(*args, **kwargs)
        if chairs is None:
            chairs = User.objects.filter(is_active=True, groups__isnull=False).distinct()
        self.fields["chair"].queryset = chairs.order_by("full_name", "pk")

    def detail_fields(self):
        return [
            Field("date"),
            Field.text("start_time", field_width=5),
            Field.text("end_time", field_width=5),
            Field.text("venue"),
            Field.text("online_link"),
            Field.select("chair"),
        ]

    def gds_fields(self):
        return self.detail_fields()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", "The end time must be after the start time")
        return cleaned


class ReasonForm(GdsFormMixin, forms.Form):
    """One reason, for a move that needs one (cancelling a meeting)."""

    submit_label = "Cancel the meeting"
    reason = forms.CharField(
        label="Why is the meeting cancelled?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Do not include names.",
        error_messages={"required": "Enter the reason for cancelling the meeting"},
    )

    def gds_fields(self):
        return [Field.textarea("reason")]


class OtherBusinessForm(GdsFormMixin, forms.Form):
    submit_label = "Add to the agenda"
    title = forms.CharField(
        label="What is the item about?",
        max_length=300,
        help_text="For example, a change to the information-sharing protocol. Do not include names.",
        error_messages={"required": "Enter what the item is about"},
    )

    def gds_fields(self):
        return [Field.text("title")]


class ApproveMinutesForm(GdsFormMixin, forms.Form):
    submit_label = "Approve the minutes"
    approved_on = DateField(
        label="Date approved",
        help_text="The day the chair, or the next meeting, agreed them as a true record.",
    )

    def gds_fields(self):
        return [Field("approved_on")]


class AttendanceForm(PlainMessages, forms.Form):
    """One row per invited agency; rendered by hand as a table."""

    def __init__(self, *args, attendances=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for row in attendances:
            status = forms.ChoiceField(
                choices=AttendanceStatus.choices, initial=row.status, label=f"Attendance of {row.agency.name}"
            )
            representative = forms.CharField(
                required=False,
                max_length=200,
                initial=row.representative,
                label=f"Representative of {row.agency.name}",
            )
            self.fields[f"status_{row.agency_id}"] = status
            self.fields[f"rep_{row.agency_id}"] = representative
            self.rows.append((row, self[f"status_{row.agency_id}"], self[f"rep_{row.agency_id}"]))

    def entries(self) -> dict[int, tuple[str, str]]:
        return {
            row.agency_id: (
                self.cleaned_data[f"status_{row.agency_id}"],
                self.cleaned_data[f"rep_{row.agency_id}"],
            )
            for row, _status, _rep in self.rows
        }


class InviteForm(GdsFormMixin, forms.Form):
    submit_label = "Invite agency"
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.filter(active=True),
        label="Agency to invite",
        empty_label="Choose an agency",
        error_messages={"required": "Choose an agency"},
    )

    def gds_fields(self):
        return [Field.select("agency")]


class MinutesForm(GdsFormMixin, forms.Form):
    submit_label = "Save minutes"
    minutes = forms.CharField(
        label="Minutes for this case",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        help_text="The information shared and the risks discussed. Actions are added separately.",
        error_messages={"required": "Enter the minutes for this case"},
    )

    def __init__(self, *args, label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["minutes"].label = label

    def gds_fields(self):
        return [Field.textarea("minutes")]


class ActionForm(GdsFormMixin, forms.Form):
    """An action for one agency and, where known, the named person in it who will do it."""

    submit_label = "Add action"
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.filter(active=True),
        label="Agency responsible",
        empty_label="Choose the agency",
        error_messages={"required": "Choose the agency responsible"},
    )
    description = forms.CharField(
        label="Action",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        error_messages={"required": "Describe the action"},
    )
    owner = _people()
    due_date = DateField(label="Due date")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        owner.label = "Named owner"
        owner.empty_label = "Not named yet"
        owner.help_text = (
            "The person in the agency who will do it. They get the reminders; their agency's lead is told "
            "if it becomes overdue."
        )
        owner.queryset = (
            User.objects.filter(is_active=True, agency__isnull=False)
            .select_related("agency")
            .order_by("agency__name", "full_name", "email")
        )

    def extra_fields(self):
        return []

    def gds_fields(self):
        return [
            Field.select("agency"),
            Field.textarea("description"),
            Field.select("owner"),
            *self.extra_fields(),
            Field("due_date"),
        ]

    def clean(self):
        cleaned = super().clean()
        owner, agency = cleaned.get("owner"), cleaned.get("agency")
        if owner and agency and owner.agency_id != agency.pk:
            self.add_error("owner", f"Choose someone who works for {agency.name}, or leave the owner blank")
        return cleaned


class CompleteActionForm(GdsFormMixin, forms.Form):
    submit_label = "Mark as complete"
    outcome = forms.CharField(
        label="Outcome",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text="What was done and what difference it made.",
        error_messages={"required": "Describe the outcome of the action"},
    )
    completed_on = DateField(label="Date completed")

    def gds_fields(self):
        return [Field.textarea("outcome"), Field("completed_on")]


class CarryForwardForm(GdsFormMixin, forms.Form):
    """Where an open action goes next: the meeting reviewing it now offers "the next meeting after
    this one"; later meetings are offered by date (see selectors.carry_targets)."""

    submit_label = "Carry forward"
    reason = forms.ChoiceField(
        label="Why is the action not complete?",
        choices=CarryReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why the action is not complete"},
    )
    to_meeting = forms.ModelChoiceField(
        queryset=Meeting.objects.none(),
        label="Carry forward to",
        empty_label="Choose the meeting",
        help_text="It comes up on that meeting's agenda with the reason.",
        error_messages={"required": "Choose the meeting"},
    )
    due_date = DateField(
        label="New due date", required=False, help_text="Leave blank to keep the current due date."
    )

    def __init__(self, *args, targets=None, **kwargs):
        super().__init__(*args, **kwargs)
        if targets is not None:
            ids = ([targets.current.pk] if targets.current else []) + [m.pk for m in targets.later]
            field = self.fields["to_meeting"]
            field.queryset = Meeting.objects.filter(pk__in=ids).order_by("date")
            current = targets.current.pk if targets.current else None
            field.label_from_instance = lambda m: (
                "The next meeting after this one" if m.pk == current else f"The meeting of {m.date:%-d %B %Y}"
            )

    def gds_fields(self):
        return [Field.radios("reason", legend_size=Size.SMALL), Field.select("to_meeting"), Field("due_date")]


class ProgressForm(GdsFormMixin, forms.Form):
    submit_label = "Save progress"
    text = forms.CharField(
        label="Progress made",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text="What has been done so far and what is left.",
        error_messages={"required": "Enter the progress made"},
    )

    def gds_fields(self):
        return [Field.textarea("text")]


class AssignForm(GdsFormMixin, forms.Form):
    submit_label = "Save owner"
    owner = _people()

    def __init__(self, *args, agency=None, **kwargs):
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        owner.label = "Named owner"
        owner.empty_label = "Not named yet"
        owner.help_text = f"Someone who works for {agency.name}." if agency else ""
        owner.queryset = (
            User.objects.filter(is_active=True, agency=agency)
            .select_related("agency")
            .order_by("full_name", "email")
        )

    def gds_fields(self):
        return [Field.select("owner")]


class PatternForm(VersionedForm, GdsFormMixin, forms.Form):
    """A body's usual pattern and the defaults for its meetings."""

    submit_label = "Save the pattern"
    frequency = forms.ChoiceField(
        label="How often it meets", choices=[("", "No regular pattern"), *Frequency.choices], required=False
    )
    weekday = forms.TypedChoiceField(
        label="Day of the week",
        choices=[("", "Choose the day"), *Weekday.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )
    week_of_month = forms.TypedChoiceField(
        label="Which week of the month",
        choices=[("", "Not needed (weekly or fortnightly)"), *WeekOfMonth.choices],
        coerce=int,
        required=False,
        empty_value=None,
        help_text="For monthly and quarterly meetings, for example the second Tuesday.",
    )
    first_date = DateField(
        label="A date it met or will meet",
        required=False,
        help_text="Fortnightly meetings are counted from it; quarterly ones take their months from it.",
    )
    start_time = _time("Usual start time", "09:30")
    venue = forms.CharField(label="Usual venue", required=False, max_length=300)
    online_link = forms.URLField(
        label="Usual online meeting link",
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages={"invalid": "Enter the online meeting link as a web address starting https://"},
    )
    item_minutes = forms.IntegerField(
        label="Minutes for each item",
        min_value=1,
        max_value=180,
        initial=15,
        help_text="For the time slots on the agenda.",
        error_messages={"required": "Enter the minutes allowed for each item"},
    )

    def gds_fields(self):
        return [
            Field.select("frequency"),
            Field.select("weekday"),
            Field.select("week_of_month"),
            Field("first_date"),
            Field.text("start_time", field_width=5),
            Field.text("venue"),
            Field.text("online_link"),
            Field.text("item_minutes", field_width=3),
        ]

    def clean(self):
        cleaned = super().clean()
        frequency = cleaned.get("frequency")
        if frequency and cleaned.get("weekday") is None:
            self.add_error("weekday", "Choose the day of the week it meets")
        if frequency in (Frequency.MONTHLY, Frequency.QUARTERLY) and cleaned.get("week_of_month") is None:
            self.add_error("week_of_month", "Choose which week of the month it meets")
        if frequency in (Frequency.FORTNIGHTLY, Frequency.QUARTERLY) and not cleaned.get("first_date"):
            if "first_date" not in self.errors:
                self.add_error("first_date", "Enter a date it met or will meet, to count from")
        return cleaned


class ConfirmDatesForm(PlainMessages, forms.Form):
    """The proposed dates the coordinator ticks to schedule; rendered by hand with the proposals."""

    dates = forms.MultipleChoiceField(
        choices=[],
        required=True,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Tick at least one date to schedule"},
    )

    def __init__(self, *args, proposals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dates"].choices = [
            (p.date.isoformat(), f"{p.date:%A %-d %B %Y}") for p in proposals if p.existing is None
        ]

    def chosen(self):
        from datetime import date

        return [date.fromisoformat(value) for value in self.cleaned_data["dates"]]


def layout_for(form) -> Layout:
    """Rebuild a form's GOV.UK layout after its fields changed in `__init__`."""
    return Layout(*form.gds_fields(), Button("submit", form.submit_label))
