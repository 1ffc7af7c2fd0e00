"""Issue 14 point 11: every message in the service's own words (one place, core.messages), error
summary links that land on the first input of a date or radio group, and cross-date refusals
shown beside the field they are about as well as in the summary."""

import importlib
import inspect
import pkgutil
import re
from datetime import date

import pytest
from django import forms
from django.urls import reverse

from reviews import services
from reviews.forms import DecisionForm, NotificationForm
from somerset_safety.accounts.models import Agency
from somerset_safety.core.exceptions import DomainError
from somerset_safety.core.forms import DateField, GdsFormMixin, PlainMessages, error_links, errors_on

PACKAGES = ["reviews", "duties", "partnerships", "commissioning", "somerset_safety"]


def _project_form_classes():
    classes = set()
    for package_name in PACKAGES:
        package = importlib.import_module(package_name)
        for module_info in pkgutil.walk_packages(package.__path__, f"{package_name}."):
            if ".migrations" in module_info.name or ".management" in module_info.name:
                continue
            module = importlib.import_module(module_info.name)
            for name, cls in vars(module).items():
                if (
                    inspect.isclass(cls)
                    and issubclass(cls, forms.BaseForm)
                    and cls.__module__ == module.__name__
                    and not name.startswith("_")
                ):
                    classes.add(cls)
    return classes


def test_every_form_of_the_product_gives_plain_messages():
    classes = _project_form_classes()
    assert len(classes) > 50  # the walk found the product's forms
    without = sorted(
        f"{cls.__module__}.{cls.__name__}" for cls in classes if not issubclass(cls, PlainMessages)
    )
    assert without == []


class _Everything(GdsFormMixin, forms.Form):
    when = DateField(label="Referral date")
    age = forms.IntegerField(label="Victim's age", min_value=16, max_value=120)
    amount = forms.DecimalField(label="Annual value", max_digits=6, decimal_places=2)
    sex = forms.ChoiceField(
        label="Victim's sex", choices=[("f", "Female"), ("m", "Male")], widget=forms.RadioSelect
    )
    kinds = forms.MultipleChoiceField(
        label="Kinds of abuse", choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple
    )
    name = forms.CharField(label="Name", max_length=5)
    email = forms.EmailField(label="Email address")
    sure = forms.BooleanField(label="I have checked the details")
    disabled = forms.ChoiceField(label="Is the victim disabled?", choices=[("yes", "Yes")])


def _bound(**data) -> _Everything:
    form = _Everything(data)
    form.is_valid()
    return form


def test_the_issues_example_and_each_kind_of_mistake_in_plain_words():
    form = _bound(
        when_0="31",
        when_1="2",
        when_2="2026",
        age="15",
        amount="123.456",
        sex="x",
        kinds=["z"],
        name="Too long",
        email="not an email",
    )
    assert {name: [str(e) for e in errors] for name, errors in form.errors.items()} == {
        "when": ["The referral date must be a real date"],
        "age": ["The victim's age must be 16 or more"],
        "amount": ["The annual value can have at most 2 decimal places"],
        "sex": ["Select one of the options given for the victim's sex"],
        "kinds": ["Select one of the options given for the kinds of abuse"],
        "name": ["The name must be 5 characters or fewer"],
        "email": ["Enter an email address in the correct format, like name@example.gov.uk"],
        "sure": ["Tick “I have checked the details” to continue"],
        "disabled": ["Answer “Is the victim disabled?”"],
    }
    form = _bound(age="121", amount="lots", when_0="x", when_1="3", when_2="2026")
    assert form.errors["age"] == ["The victim's age must be 120 or less"]
    assert form.errors["amount"] == ["The annual value must be a number"]
    assert form.errors["when"] == ["The referral date must be a real date"]
    assert _bound(age="sixteen").errors["age"] == ["The victim's age must be a whole number"]
    assert _bound().errors["sex"] == ["Select the victim's sex"]
    assert _bound().errors["name"] == ["Enter the name"]


def test_a_forms_own_message_is_kept():
    class Own(GdsFormMixin, forms.Form):
        age = forms.IntegerField(label="Age", min_value=0, error_messages={"min_value": "Ages start at 0"})

    form = Own({"age": "-1"})
    assert form.errors["age"] == ["Ages start at 0"]


def test_number_inputs_are_text_inputs_as_wide_as_their_largest_number():
    form = _Everything()
    age, amount = form.fields["age"].widget, form.fields["amount"].widget
    assert isinstance(age, forms.TextInput) and age.attrs["inputmode"] == "numeric"
    assert age.attrs["class"] == "govuk-input--width-3"  # 120: three digits
    assert amount.attrs == {"inputmode": "decimal", "spellcheck": "false", "class": "govuk-input--width-10"}


def test_error_summary_links_go_to_the_first_input_of_each_group():
    form = _bound(when_0="", when_1="", when_2="")
    links = dict((message, input_id) for input_id, message in error_links(form))
    assert links["Enter the referral date"] == "id_when_0"  # the day
    assert links["Select the victim's sex"] == "id_sex_1"  # crispy-forms-gds numbers radios from 1
    assert links["Select the kinds of abuse"] == "id_kinds_1"
    assert links["Enter the name"] == "id_name"
    # A date whose month alone is wrong is linked to the month.
    form = _bound(when_0="3", when_1="x", when_2="2026")
    assert ("id_when_1", "The referral date must be a real date") in error_links(form)


def test_the_inputs_the_links_name_are_on_the_page():
    form = _bound(sex="", when_0="", when_1="", when_2="")
    from crispy_forms.utils import render_crispy_form

    html = render_crispy_form(form)
    for input_id, _message in error_links(form):
        assert re.search(rf'<(input|select)[^>]*id="{input_id}"', html), input_id


def test_a_refusal_naming_a_field_is_shown_beside_it():
    form = _bound()
    with errors_on(form):
        raise DomainError("The decision date must be on or after the date notified.", field="when")
    assert "The decision date must be on or after the date notified." in form.errors["when"]
    with errors_on(form):
        raise DomainError("Something about the whole form.")
    assert form.non_field_errors() == ["Something about the whole form."]


# --- Cross-date checks -----------------------------------------------------------------------


def _date(prefix: str, day: date) -> dict:
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


@pytest.mark.django_db
def test_trial_date_must_follow_the_death(today_is):
    today_is(date(2026, 11, 1))
    data = {
        **_date("notified_on", date(2026, 1, 31)),
        **_date("date_of_death", date(2026, 1, 20)),
        **_date("trial_date", date(2026, 1, 19)),
        "notifying_agency": str(Agency.objects.get(code="POLICE").pk),
        "area": "mendip",
        "victim_name": "Typed Name (synthetic)",
        "victim_sex": "female",
        "perpetrator_sex": "male",
        "relationship": "intimate_partner",
        "death_type": "homicide",
        "criminal_justice_status": "charge",
        "inquest_status": "opened",
        "statutory_basis": "dvcva_2004_s9",
    }
    form = NotificationForm(data)
    assert not form.is_valid()
    assert form.errors["trial_date"] == ["The trial date must be after the date of death"]
    assert NotificationForm({**data, **_date("trial_date", date(2026, 6, 1))}).is_valid()


@pytest.mark.django_db
def test_home_office_told_before_the_decision_is_refused_beside_the_field(today_is):
    today_is(date(2026, 11, 1))
    form = DecisionForm(
        {
            "decision": "review",
            **_date("decision_date", date(2026, 2, 20)),
            **_date("home_office_told_on", date(2026, 2, 19)),
            "decision_maker": "CSP chair",
            "rationale": "Criteria met.",
        }
    )
    assert not form.is_valid()
    assert form.errors["home_office_told_on"] == [
        "The date the Home Office was told must be on or after the decision date"
    ]


@pytest.mark.django_db
def test_decision_before_notification_is_shown_beside_the_decision_date(as_user, officer, today_is):
    today_is(date(2026, 11, 1))
    notification = services.notification_create(
        actor=officer,
        notified_on=date(2026, 1, 31),
        date_of_death=date(2026, 1, 20),
        notifying_agency=Agency.objects.get(code="POLICE"),
        area="mendip",
        victim_name="X (synthetic)",
        relationship="familial",
        death_type="suicide",
    )
    response = as_user(officer).post(
        reverse("reviews:decide", args=[notification.pk]),
        {
            "decision": "review",
            **_date("decision_date", date(2026, 1, 30)),
            "decision_maker": "CSP chair",
            "rationale": "Criteria met.",
        },
    )
    body = response.content.decode()
    message = "The decision date must be on or after the date notified (31 January 2026)."
    assert f'<a href="#id_decision_date_0">{message}</a>' in body  # in the summary, to the day
    assert re.search(
        rf'id="id_decision_date_1_error" class="govuk-error-message">\s*<span[^>]*>Error:</span> {re.escape(message)}',
        body,
    )
    assert 'value="CSP chair"' in body


@pytest.mark.django_db
def test_marac_referral_age_must_match_the_date_of_birth(today_is):
    from partnerships.forms import ReferralForm

    today_is(date(2026, 11, 1))
    form = ReferralForm(
        {
            **_date("referral_date", date(2026, 10, 1)),
            **_date("victim_dob", date(1990, 10, 2)),  # 35 on 1 October 2026: 36 the next day
            "victim_age": "36",
            **_date("perpetrator_dob", date(2026, 10, 2)),
        }
    )
    form.is_valid()
    assert form.errors["victim_age"] == [
        "The victim's age must match their date of birth: 35 on the referral date"
    ]
    assert form.errors["perpetrator_dob"] == [
        "The perpetrator's date of birth must be before the referral date"
    ]
    form = ReferralForm(
        {
            **_date("referral_date", date(2026, 10, 1)),
            **_date("victim_dob", date(1990, 10, 1)),
            "victim_age": "36",
        }
    )
    form.is_valid()
    assert "victim_age" not in form.errors


@pytest.mark.django_db
def test_every_form_of_the_admin_site_gives_plain_messages(rf, council_team):
    """The admin builds its forms at run time, so the walk above cannot see them: ask each
    registered page (and its inlines) for the form it would show to a superuser."""
    from django.contrib import admin

    from tests.factories import UserFactory

    request = rf.get("/admin/")
    request.user = UserFactory(agency=council_team, is_staff=True, is_superuser=True)
    editable = 0
    for model_admin in admin.site._registry.values():
        if not (model_admin.has_add_permission(request) or model_admin.has_change_permission(request)):
            continue
        editable += 1
        form = model_admin.get_form(request, None)
        assert issubclass(form, PlainMessages), type(model_admin).__name__
        for inline in model_admin.get_inline_instances(request):
            formset = inline.get_formset(request, None)
            assert issubclass(formset.form, PlainMessages), type(inline).__name__
    assert editable >= 15  # the walk found the configuration pages


@pytest.mark.django_db
def test_an_admin_form_says_what_is_wrong_in_plain_words(rf, council_team):
    from django.contrib import admin

    from partnerships.models import Tactic
    from tests.factories import UserFactory

    request = rf.get("/admin/")
    request.user = UserFactory(agency=council_team, is_staff=True, is_superuser=True)
    form = admin.site._registry[Tactic].get_form(request, None)({})
    assert not form.is_valid()
    messages = [message for errors in form.errors.values() for message in errors]
    assert messages and "This field is required." not in messages
    assert form.errors["name"] == ["Enter the name"]
