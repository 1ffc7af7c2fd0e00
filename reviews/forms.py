"""Input shape only: explicit fields (S10), GOV.UK layouts. Rules live in services.py."""

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import HTML, Field
from django import forms

from somerset_safety.accounts.models import Agency, User
from somerset_safety.accounts.roles import Role
from somerset_safety.core.forms import DateField, GdsFormMixin, VersionedForm
from somerset_safety.core.uploads import ACCEPT_ATTRIBUTE, HUMAN_TYPES, validate_upload

from .models import (
    Consent,
    Decision,
    DocumentKind,
    Meeting,
    Notification,
    ParallelReview,
    PauseReason,
    QaOutcome,
    RecommendationScope,
    ReportType,
    RequestEnd,
)
from .services.notifications import NOTIFICATION_FIELDS


class GdsForm(GdsFormMixin):
    """Lays each field out with the GOV.UK component that fits its widget."""

    def gds_fields(self):
        layout = []
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(field, DateInputField):
                layout.append(Field(name))
            elif isinstance(widget, forms.RadioSelect):
                layout.append(Field.radios(name, legend_size="s"))
            elif isinstance(widget, forms.CheckboxSelectMultiple):
                layout.append(Field.checkboxes(name, legend_size="s"))
            elif isinstance(widget, forms.CheckboxInput):
                layout.append(Field.checkbox(name))
            elif isinstance(widget, forms.Select):
                layout.append(Field.select(name))
            elif isinstance(widget, forms.Textarea):
                layout.append(Field.textarea(name, rows=4))
            elif isinstance(widget, forms.ClearableFileInput | forms.FileInput):
                layout.append(Field(name))
            elif isinstance(field, forms.IntegerField):
                layout.append(Field.text(name, field_width=3))
            else:
                layout.append(Field.text(name))
        return layout


def _agencies():
    return Agency.objects.filter(active=True).order_by("name")


def _reviewers():
    return User.objects.filter(is_active=True, groups__name=Role.REVIEW_CHAIR.label).order_by("full_name")


def upload_field(label: str = "Upload the document") -> forms.FileField:
    return forms.FileField(
        label=label,
        help_text=f"{HUMAN_TYPES}. Documents are stored privately and every download is recorded.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
        error_messages={"required": "Select a file to upload"},
    )


def clean_upload(form, name: str):
    uploaded = form.cleaned_data.get(name)
    if uploaded:
        validate_upload(uploaded)
    return uploaded


class NotificationForm(VersionedForm, GdsForm, forms.ModelForm):
    """The notification's details: the fields are services.NOTIFICATION_FIELDS (one list), each
    declared here with its GOV.UK label, hint and messages."""

    submit_label = "Save notification"
    DEFAULTS = {
        "victim_sex": "not_known",
        "perpetrator_sex": "not_known",
        "statutory_basis": "dvcva_2004_s9",
        "criminal_justice_status": "none",
        "inquest_status": "not_known",
    }

    notified_on = DateField(label="Date notified", not_future=True)
    notifying_agency = forms.ModelChoiceField(
        queryset=_agencies(),
        label="Notifying agency",
        error_messages={"required": "Select the notifying agency"},
    )
    case_officer = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True, groups__name=Role.OFFICER.label).order_by("full_name"),
        label="Community safety officer running this notification",
        required=False,
    )
    date_of_death = DateField(label="Date of death", not_future=True)
    area = forms.ChoiceField(
        choices=[("", "Select an area"), *Notification._meta.get_field("area").choices], label="Area"
    )
    victim_name = forms.CharField(
        label="Victim's full name",
        max_length=200,
        help_text="Seen only by council officers and the independent chair.",
        error_messages={"required": "Enter the victim's full name"},
    )
    victim_pseudonym = forms.CharField(
        label="Pseudonym (if agreed)",
        max_length=100,
        required=False,
        help_text="Agree the pseudonym with the family. Everyone else, and every published document, sees only this.",
    )
    victim_age = forms.IntegerField(
        label="Victim's age",
        min_value=16,
        max_value=120,
        required=False,
        help_text="Reviews cover deaths of people aged 16 or over.",
    )
    victim_sex = forms.ChoiceField(
        choices=Notification._meta.get_field("victim_sex").choices,
        label="Victim's sex",
        widget=forms.RadioSelect,
    )
    victim_ethnicity = forms.TypedChoiceField(
        choices=Notification._meta.get_field("victim_ethnicity").choices,
        label="Victim's ethnicity",
        help_text="2021 census ethnic groups. Leave as not known if it has not been recorded.",
        required=False,
        empty_value="not_known",
        initial="not_known",
    )
    victim_other_characteristics = forms.CharField(
        label="Victim's other protected characteristics",
        required=False,
        widget=forms.Textarea,
        help_text="For example disability, religion, sexual orientation, pregnancy.",
    )
    perpetrator_age = forms.IntegerField(
        label="Perpetrator's age", min_value=10, max_value=120, required=False
    )
    perpetrator_sex = forms.ChoiceField(
        choices=Notification._meta.get_field("perpetrator_sex").choices,
        label="Perpetrator's sex",
        widget=forms.RadioSelect,
    )
    perpetrator_ethnicity = forms.TypedChoiceField(
        choices=Notification._meta.get_field("perpetrator_ethnicity").choices,
        label="Perpetrator's ethnicity",
        required=False,
        empty_value="not_known",
        initial="not_known",
    )
    perpetrator_other_characteristics = forms.CharField(
        label="Perpetrator's other protected characteristics", required=False, widget=forms.Textarea
    )
    relationship = forms.ChoiceField(
        choices=Notification._meta.get_field("relationship").choices,
        label="Relationship of the perpetrator to the victim",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the relationship"},
    )
    death_type = forms.ChoiceField(
        choices=Notification._meta.get_field("death_type").choices,
        label="Type of death",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of death"},
    )
    criminal_justice_status = forms.ChoiceField(
        choices=Notification._meta.get_field("criminal_justice_status").choices,
        label="Criminal justice status",
    )
    trial_date = DateField(label="Trial date", help_text="If known. For example, 14 9 2026", required=False)
    verdict = forms.CharField(label="Verdict", max_length=200, required=False)
    sentence = forms.CharField(label="Sentence", max_length=200, required=False)
    inquest_status = forms.ChoiceField(
        choices=Notification._meta.get_field("inquest_status").choices, label="Inquest status"
    )
    parallel_reviews = forms.MultipleChoiceField(
        choices=ParallelReview.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Parallel reviews",
        help_text="Select all that apply.",
    )
    statutory_basis = forms.ChoiceField(
        choices=Notification._meta.get_field("statutory_basis").choices,
        label="Statutory basis",
        widget=forms.RadioSelect,
    )

    different_death_confirmed = forms.BooleanField(
        label="This is a different death",
        required=False,
        help_text="Tick this only when you have checked that the notification already recorded is "
        "not of this death.",
    )

    class Meta:
        model = Notification
        fields = NOTIFICATION_FIELDS

    def __init__(self, *args, **kwargs):
        if kwargs.get("instance") is None:
            kwargs["initial"] = {**self.DEFAULTS, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        self.fields["area"].error_messages["required"] = "Select the area"
        # The notifications the service found of the same death (set by the view): only then
        # does the form show them and ask the officer to confirm, at its top.
        self.duplicates = []

    def gds_fields(self):
        layout = super().gds_fields()
        confirm = layout.pop(list(self.fields).index("different_death_confirmed"))
        if not self.duplicates:
            return layout
        return [HTML('{% include "reviews/_possible_duplicates.html" %}'), confirm, *layout]

    def clean(self):
        cleaned = super().clean()
        death, notified = cleaned.get("date_of_death"), cleaned.get("notified_on")
        if death and notified and death > notified:
            self.add_error("date_of_death", "The date of death must be on or before the date notified")
        trial = cleaned.get("trial_date")
        if death and trial and trial <= death:
            self.add_error("trial_date", "The trial date must be after the date of death")
        return cleaned


class DecisionForm(GdsForm, forms.Form):
    submit_label = "Record decision"

    decision = forms.ChoiceField(
        choices=[(Decision.REVIEW, "Hold a review"), (Decision.NO_REVIEW, "Do not hold a review")],
        widget=forms.RadioSelect,
        label="Decision",
        error_messages={"required": "Select whether to hold a review"},
    )
    decision_maker = forms.CharField(
        label="Who made the decision",
        max_length=200,
        help_text="Name and role, for example the chair of the Safer Somerset Partnership.",
        error_messages={"required": "Enter who made the decision"},
    )
    rationale = forms.CharField(
        label="Reasons for the decision",
        widget=forms.Textarea,
        help_text="Kept with the notification, including when no review follows.",
        error_messages={"required": "Enter the reasons for the decision"},
    )

    decision_date = DateField(label="Decision date", not_future=True)
    home_office_told_on = DateField(
        label="Date the Home Office was told",
        help_text="Leave blank if not yet told.",
        required=False,
        not_future=True,
    )
    field_order = ["decision", "decision_date", "decision_maker", "rationale", "home_office_told_on"]

    def clean(self):
        cleaned = super().clean()
        decided, told = cleaned.get("decision_date"), cleaned.get("home_office_told_on")
        if decided and told and told < decided:
            self.add_error(
                "home_office_told_on",
                "The date the Home Office was told must be on or after the decision date",
            )
        return cleaned


class HomeOfficeToldForm(GdsForm, forms.Form):
    submit_label = "Save date"

    told_on = DateField(label="Date the Home Office was told", not_future=True)


class FamilyToldForm(VersionedForm, GdsForm, forms.Form):
    """When, by whom and how the family was told of the decision (the form opens on the
    notification, so a change made meanwhile by someone else is not overwritten)."""

    submit_label = "Save"

    told_on = DateField(label="Date the family was told", not_future=True)
    told_by = forms.CharField(
        label="Who told them",
        max_length=200,
        help_text="Name and role, for example the case officer or the police family liaison officer.",
        error_messages={"required": "Enter who told the family"},
    )
    method = forms.CharField(
        label="How they were told",
        max_length=200,
        help_text="For example: home visit, letter, phone call. Do not include the family's names.",
        error_messages={"required": "Enter how the family was told"},
    )


class QaRecordForm(VersionedForm, GdsForm, forms.Form):
    submit_label = "Save"

    qa_reference = forms.CharField(
        label="Home Office quality assurance panel reference (optional)",
        max_length=50,
        required=False,
        help_text="The reference the Home Office gave the review when it was submitted.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20"}),
    )
    changes_after_qa = forms.CharField(
        label="Changes made after quality assurance",
        required=False,
        widget=forms.Textarea,
        help_text="What was changed in the report after the panel's letter, or that no changes were "
        "needed. Required before publication. Do not include the victim's name.",
    )


class TakenDownForm(VersionedForm, GdsForm, forms.Form):
    submit_label = "Save date"

    taken_down_on = DateField(label="Date the published report came down", not_future=True)

    def __init__(self, *args, online_until=None, **kwargs):
        super().__init__(*args, **kwargs)
        if online_until is not None:
            from .deadlines import online_months

            self.fields["taken_down_on"].help_text = (
                f"It must stay online until {online_until:%-d %B %Y} at least ({online_months()} months "
                f"after publication). For example, {online_until:%-d %-m %Y}"
            )


class TeamForm(VersionedForm, GdsForm, forms.Form):
    submit_label = "Save chair and author"

    chair = forms.ModelChoiceField(
        queryset=_reviewers(),
        label="Independent chair",
        error_messages={"required": "Select the independent chair"},
        help_text="Only people with an independent reviewer account are listed.",
    )
    author = forms.ModelChoiceField(
        queryset=_reviewers(),
        label="Overview report author",
        required=False,
        help_text="Leave blank if the chair writes the report.",
    )
    appointed_on = DateField(
        label="Date of the appointment",
        help_text="The date the chair was appointed, which may be before today.",
        not_future=True,
    )


class PanelMemberForm(GdsForm, forms.Form):
    submit_label = "Add panel member"

    agency = forms.ModelChoiceField(
        queryset=_agencies(), label="Agency", error_messages={"required": "Select the agency"}
    )
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter the panel member's name"}
    )
    role = forms.CharField(
        label="Role",
        max_length=200,
        help_text="For example, Detective Inspector, Safeguarding Lead.",
        error_messages={"required": "Enter the panel member's role"},
    )
    email = forms.EmailField(
        label="Email address",
        required=False,
        error_messages={"invalid": "Enter an email address like name@example.gov.uk"},
    )
    is_agency_contact = forms.BooleanField(
        label="This person is the agency's contact for report requests", required=False
    )


class TransitionForm(GdsForm, forms.Form):
    """A stage move: its date (labelled by the move), what the move adds (declared by a
    subclass), then a note for the timeline."""

    submit_label = "Confirm"

    on = DateField(label="Date", not_future=True)
    note = forms.CharField(
        label="Note for the timeline (optional)",
        required=False,
        max_length=200,
        help_text="Do not include the victim's name.",
    )

    def __init__(self, *args, move=None, **kwargs):
        self.move = move
        super().__init__(*args, **kwargs)
        if move is not None:
            self.fields["on"] = DateField(label=move.date_label, not_future=True)

    def order_fields(self, field_order):
        super().order_fields(["on", *(n for n in self.fields if n not in ("on", "note")), "note"])


class AgreeTorForm(TransitionForm):
    scope_start = DateField(label="Scope period from", not_future=True)
    scope_end = DateField(label="Scope period to")
    key_lines_of_enquiry = forms.CharField(
        label="Key lines of enquiry",
        widget=forms.Textarea,
        error_messages={"required": "Enter the key lines of enquiry"},
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("scope_start"), cleaned.get("scope_end")
        if start and end and start > end:
            self.add_error("scope_end", "The end of the scope period must be after its start")
        return cleaned


class QaOutcomeForm(TransitionForm):
    submit_label = "Record outcome"

    outcome = forms.ChoiceField(
        choices=QaOutcome.choices,
        widget=forms.RadioSelect,
        label="Outcome in the quality assurance letter",
        error_messages={"required": "Select the outcome"},
        help_text="Upload the letter under Documents as the Home Office quality assurance letter.",
    )


class PauseForm(GdsForm, forms.Form):
    submit_label = "Pause the review"

    reason = forms.ChoiceField(
        choices=PauseReason.choices,
        widget=forms.RadioSelect,
        label="Why is the review paused?",
        error_messages={"required": "Select why the review is paused"},
    )
    started_on = DateField(label="Date the pause started", not_future=True)
    detail = forms.CharField(
        label="More detail (optional)",
        widget=forms.Textarea,
        required=False,
        help_text="For example, the trial listing. Do not include the victim's name.",
    )


class PauseEndForm(GdsForm, forms.Form):
    submit_label = "End the pause"

    ended_on = DateField(label="Date the pause ended", not_future=True)


class ReportRequestForm(GdsForm, forms.Form):
    submit_label = "Add request"

    agency = forms.ModelChoiceField(
        queryset=_agencies(), label="Agency", error_messages={"required": "Select the agency"}
    )
    report_type = forms.ChoiceField(
        choices=ReportType.choices,
        widget=forms.RadioSelect,
        label="Type of report",
        error_messages={"required": "Select the type of report"},
    )
    requested_on = DateField(label="Date requested", not_future=True)
    due_on = DateField(label="Date due")
    contact_name = forms.CharField(label="Agency contact (optional)", max_length=200, required=False)
    notes = forms.CharField(label="Notes (optional)", widget=forms.Textarea, required=False)

    def __init__(self, *args, **kwargs):
        from .deadlines import agency_report_weeks

        super().__init__(*args, **kwargs)
        self.fields[
            "due_on"
        ].help_text = f"Usually {agency_report_weeks()} weeks after the request. For example, 27 3 2026"

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("requested_on")
            and cleaned.get("due_on")
            and cleaned["due_on"] < cleaned["requested_on"]
        ):
            self.add_error("due_on", "The due date must be on or after the date requested")
        return cleaned


class ChaseForm(GdsForm, forms.Form):
    submit_label = "Record chase"

    chased_on = DateField(label="Date chased", not_future=True)
    method = forms.CharField(
        label="How",
        max_length=100,
        help_text="For example: email, phone call, letter.",
        error_messages={"required": "Enter how the agency was chased"},
    )
    note = forms.CharField(label="Note (optional)", widget=forms.Textarea, required=False)


class RequestEndForm(GdsForm, forms.Form):
    submit_label = "Close the request"

    ended = forms.ChoiceField(
        label="Why is the report no longer wanted?",
        choices=RequestEnd.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the request is withdrawn or the report is not needed"},
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea,
        help_text="Kept in the review's record and the audit log. Do not name the victim or family.",
        error_messages={"required": "Enter the reason the report is no longer wanted"},
    )


class RequestReinstateForm(GdsForm, forms.Form):
    submit_label = "Reinstate the request"

    reason = forms.CharField(
        label="Why is the report wanted after all?",
        widget=forms.Textarea,
        help_text="Kept in the review's record and the audit log. Do not name the victim or family.",
        error_messages={"required": "Enter the reason the report is wanted after all"},
    )


class ReceiveForm(GdsForm, forms.Form):
    submit_label = "Upload report"

    received_on = DateField(label="Date received", not_future=True)
    document = upload_field("Upload the agency's report")

    def clean_document(self):
        return clean_upload(self, "document")


class FamilyContactForm(GdsForm, forms.Form):
    submit_label = "Record contact"

    contacted_on = DateField(label="Date of contact", not_future=True)
    contact_relationship = forms.CharField(
        label="Relationship to the victim",
        max_length=100,
        help_text="For example: mother, sister, friend.",
        error_messages={"required": "Enter the relationship to the victim"},
    )
    method = forms.CharField(
        label="How",
        max_length=100,
        help_text="For example: meeting, phone call, letter.",
        error_messages={"required": "Enter how the contact was made"},
    )
    advocate_organisation = forms.CharField(
        label="Advocate organisation (optional)",
        max_length=200,
        required=False,
        help_text="A specialist advocate, for example AAFDA.",
    )
    consent = forms.ChoiceField(
        choices=Consent.choices,
        widget=forms.RadioSelect,
        label="Consent to take part",
        initial=Consent.NOT_ASKED,
    )
    pseudonym_agreed = forms.CharField(
        label="Pseudonym agreed (optional)",
        max_length=100,
        required=False,
        help_text="If the family agreed a pseudonym at this contact, enter it. It replaces the current one.",
    )
    leaflet_given = forms.BooleanField(label="Home Office leaflet given", required=False)
    note = forms.CharField(label="Note (optional)", widget=forms.Textarea, required=False)


class MeetingForm(GdsForm, forms.Form):
    submit_label = "Record meeting"

    held_on = DateField(label="Date of meeting", not_future=True)
    agencies = forms.ModelMultipleChoiceField(
        queryset=_agencies(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Agencies attending",
    )
    attendees = forms.CharField(label="Attendees (names and roles)", widget=forms.Textarea, required=False)
    apologies = forms.CharField(label="Apologies", widget=forms.Textarea, required=False)
    minutes = forms.CharField(
        label="Summary of decisions",
        widget=forms.Textarea,
        required=False,
        help_text="Upload the full minutes under Documents.",
    )


class DocumentForm(GdsForm, forms.Form):
    submit_label = "Upload document"

    kind = forms.ChoiceField(
        choices=[("", "Select the kind of document"), *DocumentKind.choices],
        label="Kind of document",
        error_messages={"required": "Select the kind of document"},
    )
    document = upload_field()
    meeting = forms.ModelChoiceField(
        queryset=Meeting.objects.none(),
        required=False,
        label="Meeting (for papers and minutes)",
        empty_label="Not for a meeting",
    )
    note = forms.CharField(
        label="Note (optional)",
        max_length=300,
        required=False,
        help_text="For example, what changed in this version.",
    )

    def __init__(self, *args, review=None, **kwargs):
        super().__init__(*args, **kwargs)
        if review is not None:
            self.fields["meeting"].queryset = review.meetings.all()

    def clean_document(self):
        return clean_upload(self, "document")


class RecommendationForm(GdsForm, forms.Form):
    submit_label = "Add recommendation"

    scope = forms.ChoiceField(
        choices=RecommendationScope.choices,
        widget=forms.RadioSelect,
        label="Scope",
        error_messages={"required": "Select the scope"},
    )
    owning_agency = forms.ModelChoiceField(
        queryset=_agencies(),
        label="Owning agency",
        error_messages={"required": "Select the owning agency"},
    )
    text = forms.CharField(
        label="Recommendation",
        widget=forms.Textarea,
        error_messages={"required": "Enter the recommendation"},
    )


class ActionForm(GdsForm, forms.Form):
    submit_label = "Add action"

    description = forms.CharField(
        label="Action", widget=forms.Textarea, error_messages={"required": "Enter the action"}
    )
    lead_officer = forms.CharField(
        label="Lead officer",
        max_length=200,
        help_text="Name and job title.",
        error_messages={"required": "Enter the lead officer"},
    )
    target_date = DateField(label="Target date")


class ActionChangeForm(VersionedForm, ActionForm):
    submit_label = "Save changes"


class ActionProgressForm(GdsForm, forms.Form):
    submit_label = "Post update"

    note = forms.CharField(
        label="Progress update",
        widget=forms.Textarea,
        help_text="What has been done since the last update, and what comes next. Do not include "
        "the victim's name.",
        error_messages={"required": "Enter the progress update"},
    )


def evidence_description_field() -> forms.CharField:
    return forms.CharField(
        label="What the file shows (optional)",
        required=False,
        max_length=200,
        help_text="For example: audit of 50 case files, March 2026.",
        error_messages={"max_length": "What the file shows must be 200 characters or fewer"},
    )


class ActionEvidenceForm(GdsForm, forms.Form):
    submit_label = "Upload evidence"

    document = upload_field("Upload a file of evidence")
    description = evidence_description_field()

    def clean_document(self):
        return clean_upload(self, "document")


class ActionSubmitForm(GdsForm, forms.Form):
    """Mark the action complete: the date, the evidence of outcome in words and, optionally, a
    file that shows it."""

    submit_label = "Mark complete and send the evidence"

    completed_on = DateField(label="Date the action was completed", not_future=True)
    evidence_of_outcome = forms.CharField(
        label="Evidence of outcome",
        widget=forms.Textarea,
        help_text="What changed and how you know: for example an audit result, a revised policy in use, "
        "training attendance figures.",
        error_messages={
            "required": "Enter the evidence of outcome. An action is complete only when its outcome is shown"
        },
    )
    document = forms.FileField(
        label="Upload a file of evidence (optional)",
        required=False,
        help_text=f"{HUMAN_TYPES}. Stored privately; every download is recorded.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )
    description = evidence_description_field()

    def clean_document(self):
        return clean_upload(self, "document")


class ActionAcceptForm(GdsForm, forms.Form):
    submit_label = "Accept the evidence"

    note = forms.CharField(
        label="Note for the agency (optional)", widget=forms.Textarea, required=False, max_length=1000
    )


class ActionReturnForm(GdsForm, forms.Form):
    submit_label = "Return the evidence"

    reason = forms.CharField(
        label="What the agency needs to add or change",
        widget=forms.Textarea,
        max_length=1000,
        error_messages={"required": "Enter what the agency needs to add or change"},
    )


class ActionReopenForm(GdsForm, forms.Form):
    submit_label = "Reopen the action"

    reason = forms.CharField(
        label="Why the action is reopened",
        widget=forms.Textarea,
        max_length=1000,
        error_messages={"required": "Enter the reason the action is reopened"},
    )


ACTION_MOVE_FORMS = {
    "submit": ActionSubmitForm,
    "accept": ActionAcceptForm,
    "return": ActionReturnForm,
    "reopen": ActionReopenForm,
}


class DueDateForm(VersionedForm, GdsForm, forms.Form):
    submit_label = "Change due date"

    due_on = DateField(label="New due date")
