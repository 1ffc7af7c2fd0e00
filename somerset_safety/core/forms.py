from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout


class GdsFormMixin:
    """A GOV.UK layout with one submit button. Render with templates/includes/form_page.html,
    which adds the error summary and the <form> tag.

    Override `gds_fields()` to choose widgets (Field.text, Field.radios, Field.textarea …) and
    `submit_label` for the button text.
    """

    submit_label = "Continue"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*self.gds_fields(), Button("submit", self.submit_label))

    def gds_fields(self):
        return [Field(name) for name in self.fields]
