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


def test_a_services_future_date_refusal_names_its_field_and_shows_beside_it(today_is):
    """refuse_future names the input the date came from, so errors_on puts the message beside
    that field (not only at the top) and the error summary links to the date's day box."""
    from somerset_safety.core.dates import refuse_future
    from somerset_safety.core.exceptions import DomainError
    from somerset_safety.core.forms import error_links, errors_on

    today_is(dt.date(2026, 3, 1))
    form = _Form(
        {"when_0": "2", "when_1": "3", "when_2": "2026", "needed_0": "1", "needed_1": "2", "needed_2": "2026"}
    )
    assert form.is_valid()  # the form itself does not refuse a future date here: the service does
    with errors_on(form):
        refuse_future(form.cleaned_data["when"], "The referral date", DomainError, field="when")
    assert form.errors["when"] == ["The referral date must be today or in the past."]
    assert form.non_field_errors() == []
    assert ("id_when_0", "The referral date must be today or in the past.") in error_links(form)


def test_a_real_service_names_the_field_of_the_date_it_refuses(today_is, officer):
    """One service through the app's wrapper: a DHR pause starting tomorrow."""
    from reviews import services
    from reviews.exceptions import ReviewError
    from tests.reviews.factories import make_review

    today_is(dt.date(2026, 11, 1))
    review = make_review(officer)
    with pytest.raises(ReviewError, match="The pause start date must be today or in the past") as refused:
        services.pause_start(actor=officer, review=review, reason="inquest", started_on=dt.date(2026, 11, 2))
    assert refused.value.field == "started_on"
