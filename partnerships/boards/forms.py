"""Forms of partnership boards: input shape only, the services hold the rules. Meetings,
attendance, minutes and actions use the platform meetings forms (somerset_safety.meetings.forms)."""

from crispy_forms_gds.layout import Field, Size
from django import forms

from somerset_safety.accounts.models import Agency, User
from somerset_safety.core.forms import DateField, GdsFormMixin, PlainMessages, VersionedForm
from somerset_safety.core.uploads import ACCEPT_ATTRIBUTE, HUMAN_TYPES, validate_upload

from ..models import BoardMember, BoardPaper, ForwardPlanItem, ForwardPlanStatus, MemberRole, PaperPurpose


def _member_label(member: BoardMember) -> str:
    return f"{member.user.full_name or member.user.email} ({member.agency.name})"


def _current_members(board):
    return BoardMember.objects.filter(board=board, left_on__isnull=True).select_related("user", "agency")


class MemberForm(GdsFormMixin, forms.Form):
    submit_label = "Add member"
    user = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label="Person",
        empty_label="Choose the person",
        help_text="They sit on the board for the agency they work for.",
        error_messages={"required": "Choose the person"},
    )
    role = forms.ChoiceField(
        label="Role on the board",
        choices=MemberRole.choices,
        initial=MemberRole.MEMBER,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose their role on the board"},
    )
    joined_on = DateField(label="Date they joined", not_future=True)

    def __init__(self, *args, board=None, **kwargs):
        super().__init__(*args, **kwargs)
        users = User.objects.filter(is_active=True, agency__isnull=False).select_related("agency")
        if board is not None:
            users = users.exclude(pk__in=_current_members(board).values("user_id"))
        field = self.fields["user"]
        field.queryset = users.order_by("agency__name", "full_name", "email")
        field.label_from_instance = lambda u: f"{u.full_name or u.email} ({u.agency.name})"

    def gds_fields(self):
        return [Field.select("user"), Field.radios("role", legend_size=Size.SMALL), Field("joined_on")]


class QuorumForm(VersionedForm, GdsFormMixin, forms.Form):
    """How many invited agencies must be present; blank for a board without a quorum. `record`
    is the board's meetings body (None until the board has one)."""

    submit_label = "Save the quorum"
    quorum = forms.IntegerField(
        label="Quorum (optional)",
        required=False,
        min_value=1,
        max_value=99,
        help_text="How many of the agencies invited to a meeting must be present, as a number. Leave it "
        "blank if the board has no quorum.",
        error_messages={
            "invalid": "Enter the quorum as a whole number, for example 3",
            "min_value": "The quorum must be at least 1 agency, or leave it blank",
            "max_value": "The quorum must be 99 agencies or fewer",
        },
    )


class LeaveForm(GdsFormMixin, forms.Form):
    submit_label = "Record that they left"
    left_on = DateField(label="Date they left", not_future=True)


class PaperForm(GdsFormMixin, forms.ModelForm):
    """A paper for a meeting: its document, author, purpose and whether it is exempt."""

    submit_label = "Add paper"
    document = forms.FileField(
        label="Paper",
        help_text=f"{HUMAN_TYPES}. Do not upload papers that name victims.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE, "class": "govuk-file-upload"}),
        error_messages={"required": "Choose the file of the paper"},
    )
    plan_item = forms.ModelChoiceField(
        queryset=ForwardPlanItem.objects.none(),
        required=False,
        label="Item of the forward plan (optional)",
        empty_label="Not on the forward plan",
        help_text="The forward plan item this paper brings to the board; it is then shown as tabled.",
    )

    class Meta:
        model = BoardPaper
        fields = [
            "title",
            "author",
            "author_agency",
            "purpose",
            "summary",
            "exempt",
            "exempt_reason",
            "readers",
        ]
        labels = {
            "title": "Title",
            "author": "Author",
            "author_agency": "Author's agency",
            "purpose": "What is the board asked to do with it?",
            "summary": "Summary (optional)",
            "exempt": "This paper is exempt from publication",
            "exempt_reason": "Why it is exempt",
            "readers": "Members who may read it",
        }
        help_texts = {
            "exempt_reason": "For example: it contains police information not yet approved for release.",
            "readers": "Only for an exempt paper. Officers can always read it.",
        }
        error_messages = {
            "title": {"required": "Enter the title of the paper"},
            "author": {"required": "Enter who wrote the paper"},
            "author_agency": {"required": "Choose the author's agency"},
            "purpose": {"required": "Choose what the board is asked to do with the paper"},
        }
        widgets = {"purpose": forms.RadioSelect, "readers": forms.CheckboxSelectMultiple}

    def __init__(self, *args, board=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["author_agency"].queryset = Agency.objects.filter(active=True)
        self.fields["author_agency"].empty_label = "Choose the agency"
        self.fields["purpose"].choices = PaperPurpose.choices
        readers = self.fields["readers"]
        readers.queryset = _current_members(board) if board is not None else BoardMember.objects.none()
        readers.label_from_instance = _member_label
        if board is not None:
            self.fields["plan_item"].queryset = ForwardPlanItem.objects.filter(
                board=board, status__in=[ForwardPlanStatus.PLANNED, ForwardPlanStatus.DEFERRED]
            )

    def gds_fields(self):
        return [
            Field.text("title"),
            Field.text("author"),
            Field.select("author_agency"),
            Field.radios("purpose", legend_size=Size.SMALL),
            Field.textarea("summary", rows=3),
            Field("document"),
            Field.select("plan_item"),
            Field.checkbox("exempt"),
            Field.text("exempt_reason"),
            Field.checkboxes("readers", small=True, legend_size=Size.SMALL),
        ]

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if document:
            try:
                validate_upload(document)
            except forms.ValidationError as exc:
                raise forms.ValidationError(exc.messages) from exc
        return document

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("exempt") and not (cleaned.get("exempt_reason") or "").strip():
            self.add_error("exempt_reason", "Enter why the paper is exempt")
        if not cleaned.get("exempt") and cleaned.get("readers"):
            self.add_error(
                "readers", "Name readers only for an exempt paper: every member reads a public one"
            )
        return cleaned


class DecisionForm(GdsFormMixin, forms.Form):
    submit_label = "Record decision"
    wording = forms.CharField(
        label="Decision",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text="The words agreed, for example: The board approves the refreshed performance framework.",
        error_messages={"required": "Enter the wording of the decision"},
    )
    proposed_by = forms.ModelChoiceField(
        queryset=BoardMember.objects.none(),
        label="Proposed by",
        empty_label="Choose the member",
        error_messages={"required": "Choose the member who proposed it"},
    )
    seconded_by = forms.ModelChoiceField(
        queryset=BoardMember.objects.none(),
        label="Seconded by (optional)",
        required=False,
        empty_label="No seconder",
    )

    def __init__(self, *args, board=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("proposed_by", "seconded_by"):
            self.fields[name].queryset = _current_members(board)
            self.fields[name].label_from_instance = _member_label

    def gds_fields(self):
        return [Field.textarea("wording"), Field.select("proposed_by"), Field.select("seconded_by")]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("seconded_by") and cleaned.get("seconded_by") == cleaned.get("proposed_by"):
            self.add_error("seconded_by", "Choose someone other than the proposer, or no seconder")
        return cleaned


class ForwardPlanForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Add to the forward plan"
    planned_for = DateField(
        label="Planned for",
        help_text="The date of the meeting it is planned for, or the first of that month.",
    )

    class Meta:
        model = ForwardPlanItem
        fields = ["title", "purpose", "planned_for", "lead_agency"]
        labels = {"title": "What the board will consider", "purpose": "For", "lead_agency": "Lead agency"}
        error_messages = {
            "title": {"required": "Enter what the board will consider"},
            "purpose": {"required": "Choose what the board is asked to do"},
            "lead_agency": {"required": "Choose the lead agency"},
        }
        widgets = {"purpose": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purpose"].choices = PaperPurpose.choices
        self.fields["lead_agency"].queryset = Agency.objects.filter(active=True)
        self.fields["lead_agency"].empty_label = "Choose the agency"

    def gds_fields(self):
        return [
            Field.text("title"),
            Field.radios("purpose", legend_size=Size.SMALL, inline=True),
            Field("planned_for"),
            Field.select("lead_agency"),
        ]


class DecisionSearchForm(PlainMessages, forms.Form):
    q = forms.CharField(label="Words in the decision", required=False, max_length=200)
    year = forms.TypedChoiceField(label="Year", required=False, coerce=int, empty_value=None, choices=())

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "Any year"), *[(y, str(y)) for y in years]]
