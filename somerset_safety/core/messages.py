"""Every message a form field gives, in the service's own words: the one place that replaces
Django's defaults ("This field is required.", "Ensure this value is greater than or equal to
16.") with GOV.UK-style messages made from the field's own label.

`core.forms.PlainMessages` applies it to every form (GdsFormMixin includes it). A message a
form gives a field itself is kept; only Django's defaults are replaced.
"""

from django import forms
from django.core import validators
from django.forms.utils import pretty_name

# The messages Django's validators give, keyed by the code the field looks up (run_validators
# swaps a validator's message for the field's own when the field has one for that code).
_VALIDATOR_DEFAULTS = {
    "max_length": validators.MaxLengthValidator.message,
    "min_length": validators.MinLengthValidator.message,
    "max_value": validators.MaxValueValidator.message,
    "min_value": validators.MinValueValidator.message,
    "step_size": validators.StepValueValidator.message,
    "max_digits": validators.DecimalValidator.messages["max_digits"],
    "max_decimal_places": validators.DecimalValidator.messages["max_decimal_places"],
    "max_whole_digits": validators.DecimalValidator.messages["max_whole_digits"],
}


def lower_first(text: str) -> str:
    return text[0].lower() + text[1:] if text else text


def _django_defaults(field: forms.Field) -> dict[str, str]:
    defaults = {code: str(message) for code, message in _VALIDATOR_DEFAULTS.items()}
    for cls in reversed(type(field).__mro__):
        for code, message in getattr(cls, "default_error_messages", {}).items():
            defaults[code] = str(message)
    return defaults


def field_messages(field: forms.Field, label: str) -> dict[str, str]:
    """The service's message for each thing that can be wrong with `field`, named by `label`
    ("Victim's age" → "The victim's age must be 16 or more")."""
    name = lower_first(label)
    choosing = isinstance(field, forms.ChoiceField | forms.ModelChoiceField)
    messages = {
        "required": f"Select the {name}" if choosing else f"Enter the {name}",
        "max_length": f"The {name} must be %(limit_value)d characters or fewer",
        "min_length": f"The {name} must be at least %(limit_value)d characters",
        "invalid": f"Enter the {name} in the form shown",
    }
    if choosing:
        messages["invalid_choice"] = f"Select one of the options given for the {name}"
        messages["invalid_list"] = f"Select one or more of the options given for the {name}"
        messages["invalid_pk_value"] = messages["invalid_choice"]
    if label.endswith("?"):
        messages["required"] = f"Answer “{label}”"
    if isinstance(field, forms.BooleanField):
        messages["required"] = f"Tick “{label}” to continue"
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        whole = not isinstance(field, forms.DecimalField | forms.FloatField)
        messages |= {
            "invalid": f"The {name} must be a {'whole number' if whole else 'number'}",
            "min_value": f"The {name} must be %(limit_value)s or more",
            "max_value": f"The {name} must be %(limit_value)s or less",
            "step_size": f"The {name} must be a multiple of %(limit_value)s",
            "max_digits": f"The {name} is too large",
            "max_whole_digits": f"The {name} is too large",
            "max_decimal_places": f"The {name} can have at most %(max)s decimal places",
        }
    if isinstance(field, forms.EmailField):
        messages["invalid"] = "Enter an email address in the correct format, like name@example.gov.uk"
    if isinstance(field, forms.URLField):
        messages["invalid"] = "Enter a web address in the correct format, like https://www.example.gov.uk"
    if isinstance(field, forms.DateField):
        messages["invalid"] = f"The {name} must be a real date, for example 27 3 2026"
    if isinstance(field, forms.TimeField):
        messages["invalid"] = f"Enter the {name} as hours and minutes, for example 14:30"
    if isinstance(field, forms.FileField):
        messages |= {
            "required": f"Select the file for “{label}”",
            "invalid": "The selected file could not be read",
            "missing": "The selected file could not be read",
            "empty": "The selected file is empty",
            "max_length": "The name of the selected file must be %(max)d characters or fewer",
            "contradiction": "Either select a file or remove the one chosen, not both",
        }
    if isinstance(field, forms.MultiValueField):
        messages["incomplete"] = f"Enter all of the {name}"
    return messages


def plain_messages(fields) -> None:
    """Give every field of a form (its `fields` mapping) the service's messages wherever it
    still has Django's own."""
    for field_name, field in fields.items():
        label = str(field.label or pretty_name(field_name))
        defaults = _django_defaults(field)
        for code, message in field_messages(field, label).items():
            current = field.error_messages.get(code)
            if current is None or str(current) == defaults.get(code):
                field.error_messages[code] = message
