import datetime as dt

import pytest
from django import forms

from somerset_safety.core.forms import DateField


class _Form(forms.Form):
    when = DateField(label="Referral date", required=False)
    needed = DateField(label="Meeting date")


def _errors(day, month, year, needed=("1", "2", "2026")):
    data = {"when_0": day, "when_1": month, "when_2": year}
    data.update({"needed_0": needed[0], "needed_1": needed[1], "needed_2": needed[2]})
    form = _Form(data)
    form.is_valid()
    return form


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("31", "2", "2026"), "The referral date must be a real date"),
        (("1", "13", "2026"), "The referral date must be a real date"),
        (("1", "", ""), "The referral date must include a day, month and year"),
        (("", "3", "2026"), "The referral date must include a day, month and year"),
        (("1", "3", "26"), "The referral date must have a 4-digit year"),
        (("a", "3", "2026"), "The referral date must be a real date"),
    ],
)
def test_bad_dates_get_plain_messages(parts, message):
    form = _errors(*parts)
    assert message in form.errors["when"]


def test_blank_optional_date_is_none_and_required_date_is_asked_for():
    form = _errors("", "", "", needed=("", "", ""))
    assert "when" not in form.errors
    assert form.errors["needed"] == ["Enter the meeting date"]


def test_good_date():
    form = _errors("29", "2", "2028")
    assert form.is_valid()
    assert form.cleaned_data["when"] == dt.date(2028, 2, 29)
