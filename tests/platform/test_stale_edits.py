"""Optimistic concurrency (S22, issue 19.4): two people edit the same record; the second save is
refused with when and what the first changed, keeps what the second typed, and saving again is
then a deliberate choice that goes through.

Each edit page is driven as a browser would: the form is read from the page as drawn (hidden
version included), one field is typed over, and it is posted back.
"""

from html.parser import HTMLParser

import pytest
import time_machine
from django.urls import reverse

from somerset_safety.accounts.roles import Role
from somerset_safety.core.edits import save_changes

from ..conftest import verified_client
from ..factories import UserFactory

pytestmark = pytest.mark.django_db


class _FormReader(HTMLParser):
    """The values a browser would post from the page's one POST form."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, list[str]] = {}
        self._in_form = False
        self._select = None
        self._option = None
        self._textarea = None

    def _add(self, name, value):
        self.values.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method", "").lower() == "post":
            self._in_form = True
        if not self._in_form or "name" not in attrs and tag not in ("option",):
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self._add(attrs["name"], attrs.get("value", "on"))
            elif kind not in ("submit", "button", "file"):
                self._add(attrs["name"], attrs.get("value", ""))
        elif tag == "select":
            self._select, self._option = attrs["name"], None
        elif tag == "option" and self._select and "selected" in attrs:
            self._add(self._select, attrs.get("value", ""))
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self._add(self._textarea, "")

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            if self._textarea:
                self.values[self._textarea][-1] = self.values[self._textarea][-1].lstrip("\n")
            self._textarea = None


def _form_on(response) -> dict:
    reader = _FormReader()
    reader.feed(response.content.decode())
    reader.values.pop("csrfmiddlewaretoken", None)
    return reader.values


def _dhr_notification(officer):
    from tests.reviews.factories import make_notification

    record = make_notification(officer)
    return record, reverse("reviews:edit", args=[record.pk])


def _marac_victim(coordinator):
    from tests.partnerships.factories import ReferralFactory

    referral = ReferralFactory()
    return referral.victim, reverse("partnerships:person_edit", args=[referral.pk, "victim"])


def _marac_handling(coordinator):
    from tests.partnerships.factories import ReferralFactory

    referral = ReferralFactory()
    return referral, reverse("partnerships:referral_handling", args=[referral.pk])


def _marac_case_details(coordinator):
    from tests.partnerships.factories import ReferralFactory

    referral = ReferralFactory()
    return referral, reverse("partnerships:referral_details", args=[referral.pk])


def _dhr_report_request(officer):
    import datetime as dt

    from reviews import services
    from somerset_safety.accounts.models import Agency
    from tests.reviews.factories import make_review

    review = make_review(officer)
    request = services.report_request_create(
        actor=officer,
        review=review,
        agency=Agency.objects.get(code="HOUSING"),
        report_type="chronology",
        requested_on=dt.date(2026, 3, 1),
        due_on=dt.date(2026, 4, 1),
    )
    return request, reverse("reviews:request_change_due", args=[review.notification.pk, request.pk])


def _slavery_record(officer):
    from tests.duties.factories import make_notification

    record = make_notification(officer)
    return record, reverse("duties:slavery_edit", args=[record.pk])


def _commissioning_contract(commissioner):
    from commissioning import services
    from commissioning.models import Provider
    from tests.commissioning.conftest import contract_terms

    provider = Provider.objects.create(name="Synthetic Refuge Ltd")
    contract = services.contract_create(actor=commissioner, **contract_terms(provider))
    return contract, reverse("commissioning:contract_edit", args=[contract.pk])


def _budget_spend(commissioner):
    import datetime as dt
    from decimal import Decimal

    from commissioning import services

    spend = services.spend_record(
        actor=commissioner,
        spent_on=dt.date(2026, 6, 1),
        category="training",
        description="Training day (synthetic)",
        amount=Decimal("250"),
    )
    return spend, reverse("commissioning:spend_edit", args=[spend.pk])


def _performance_indicator(officer):
    import datetime as dt
    from decimal import Decimal

    from partnerships.models import Board
    from partnerships.performance import services

    framework = services.framework_create(
        actor=officer,
        board=Board.objects.get(code="ssp"),
        title="Partnership plan (synthetic)",
        period_start=dt.date(2025, 4, 1),
        period_end=dt.date(2028, 3, 31),
    )
    priority = services.priority_add(actor=officer, framework=framework, title="Reduce violence (synthetic)")
    indicator = services.indicator_create(
        actor=officer,
        framework=framework,
        values={
            "priority": priority,
            "code": "VC1",
            "name": "Violent crimes",
            "definition": "Synthetic definition.",
            "source": "police_recorded_crime",
            "unit": "number",
            "polarity": "lower",
            "target": Decimal("1000"),
            "tolerance_pct": Decimal("5"),
            "frequency": "quarterly",
        },
    )
    return indicator, reverse("partnerships:indicator_edit", args=[indicator.pk])


def _executive_report(officer):
    from somerset_safety.reports.services import report_create
    from tests.reports.test_pdf_production import REPORT

    report = report_create(actor=officer, data=REPORT)
    return report, reverse("reports:report_edit", args=[report.pk])


def _retention_rule(manager):
    from somerset_safety.records.models import RetentionRule

    RetentionRule.objects.filter(record_type="marac_person").update(period_months=72, notes="")
    rule = RetentionRule.objects.get(record_type="marac_person")
    return rule, reverse("records:rule_edit", args=["marac_person"])


def _marac_meeting(coordinator):
    from tests.partnerships.factories import MeetingFactory

    meeting = MeetingFactory()
    return meeting, reverse("partnerships:meeting_edit", args=[meeting.pk])


def _dhr_action(officer):
    import datetime as dt

    from reviews import services
    from somerset_safety.accounts.models import Agency
    from tests.reviews.factories import make_review

    review = make_review(officer)
    recommendation = services.recommendation_add(
        actor=officer,
        review=review,
        scope="local",
        owning_agency=Agency.objects.get(code="POLICE"),
        text="Train staff.",
    )
    action = services.action_add(
        actor=officer,
        recommendation=recommendation,
        description="Deliver training",
        lead_officer="Lead",
        target_date=dt.date(2026, 12, 1),
    )
    return action, reverse("reviews:action_change", args=[recommendation.pk, action.pk])


# (make the record, the role of the two editors, what the first saves, the label the refusal
# names, what the second types, the field where it lands, how to read the stored value)
CASES = {
    "DHR notification": (
        _dhr_notification,
        Role.OFFICER,
        {"victim_age": 41},
        "victim age",
        ("victim_age", "39"),
        lambda r: r.victim_age,
        (41, 39),
    ),
    "MARAC victim's details": (
        _marac_victim,
        Role.MARAC_COORDINATOR,
        {"address": "2 Other Road (synthetic)"},
        "address",
        ("full_name", "Typed Second (synthetic)"),
        lambda r: (r.full_name == "Typed Second (synthetic)", r.address),
        # Saving again is the second editor's choice: their form, as they left it, is saved.
        ((False, "2 Other Road (synthetic)"), (True, "")),
    ),
    "MARAC case handling": (
        _marac_handling,
        Role.MARAC_COORDINATOR,
        {"restricted": True},
        "restricted",
        ("idva_allocated", "on"),
        lambda r: (r.restricted, r.idva_allocated),
        ((True, False), (False, True)),
    ),
    "MARAC case details": (
        _marac_case_details,
        Role.MARAC_COORDINATOR,
        {"victim_views": "Wants to stay in the area (synthetic)"},
        "victim views",
        ("referrer_name", "Rita Referrer (synthetic)"),
        lambda r: (r.referrer_name, r.victim_views),
        (("", "Wants to stay in the area (synthetic)"), ("Rita Referrer (synthetic)", "")),
    ),
    "DHR agency report request": (
        _dhr_report_request,
        Role.OFFICER,
        {"contact_name": "Dee Contact (synthetic)"},
        "contact name",
        ("due_on_0", "15"),
        lambda r: (r.due_on.isoformat(), r.contact_name),
        (("2026-04-01", "Dee Contact (synthetic)"), ("2026-04-15", "Dee Contact (synthetic)")),
    ),
    "modern slavery record": (
        _slavery_record,
        Role.OFFICER,
        {"notes": "Noted by the first officer (synthetic)"},
        "notes",
        ("notes", "Noted by the second officer (synthetic)"),
        lambda r: r.notes,
        ("Noted by the first officer (synthetic)", "Noted by the second officer (synthetic)"),
    ),
    "commissioned service contract": (
        _commissioning_contract,
        Role.COMMISSIONING_OFFICER,
        {"description": "Changed by the first officer (synthetic)"},
        "description",
        ("title", "Typed by the second officer (synthetic)"),
        lambda r: (r.title, r.description),
        (
            ("Somerset Integrated Domestic Abuse Service", "Changed by the first officer (synthetic)"),
            ("Typed by the second officer (synthetic)", ""),
        ),
    ),
    "pooled budget spending line": (
        _budget_spend,
        Role.COMMISSIONING_OFFICER,
        {"description": "Changed by the first officer (synthetic)"},
        "description",
        ("amount", "300.00"),
        lambda r: (str(r.amount), r.description),
        (
            ("250.00", "Changed by the first officer (synthetic)"),
            ("300.00", "Training day (synthetic)"),
        ),
    ),
    "partnership performance indicator": (
        _performance_indicator,
        Role.OFFICER,
        {"definition": "Recorded violence against the person (synthetic)."},
        "definition",
        ("name", "Violence against the person"),
        lambda r: (r.name, r.definition),
        (
            ("Violent crimes", "Recorded violence against the person (synthetic)."),
            ("Violence against the person", "Synthetic definition."),
        ),
    ),
    "Executive report": (
        _executive_report,
        Role.OFFICER,
        {"cabinet_member": "Cabinet member for resources (synthetic)"},
        "cabinet member",
        ("lead_officer", "Chief executive (synthetic)"),
        lambda r: (r.lead_officer, r.cabinet_member),
        (
            ("Director of Public Health (synthetic)", "Cabinet member for resources (synthetic)"),
            ("Chief executive (synthetic)", "Cabinet member for communities (synthetic)"),
        ),
    ),
    "retention rule": (
        _retention_rule,
        Role.RECORDS_MANAGER,
        {"notes": "Line 12 of the council's retention schedule (synthetic)"},
        "notes",
        ("period_months", "84"),
        lambda r: (r.period_months, r.notes),
        ((72, "Line 12 of the council's retention schedule (synthetic)"), (84, "")),
    ),
    "meeting details": (
        _marac_meeting,
        Role.MARAC_COORDINATOR,
        {"venue": "Taunton Library (synthetic)"},
        "venue",
        ("online_link", "https://meet.example.org/marac"),
        lambda r: (r.venue, r.online_link),
        (("Taunton Library (synthetic)", ""), ("", "https://meet.example.org/marac")),
    ),
    "DHR action": (
        _dhr_action,
        Role.OFFICER,
        {"lead_officer": "Head of Housing (synthetic)"},
        "lead officer",
        ("description", "Deliver training to every housing officer"),
        lambda r: (r.description, r.lead_officer),
        (
            ("Deliver training", "Head of Housing (synthetic)"),
            ("Deliver training to every housing officer", "Lead"),
        ),
    ),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_the_second_save_over_a_newer_version_is_refused_keeping_what_was_typed(case, council_team):
    make, role, first_saves, label, (field, typed), stored, (after_refusal, after_second_save) = CASES[case]
    first = UserFactory(agency=council_team, roles=[role], full_name="First Editor")
    second = UserFactory(agency=council_team, roles=[role], full_name="Second Editor")
    with time_machine.travel("2026-11-02 10:40 +00:00", tick=False):
        record, url = make(first)
        second_client = verified_client(second)
        form = _form_on(second_client.get(url))
    assert form["expected_version"][0], "the edit form carries the version it was opened on"

    with time_machine.travel("2026-11-02 10:42 +00:00", tick=False):
        locked = type(record).objects.get(pk=record.pk)
        assert save_changes(locked, first_saves, first)

    form[field] = [typed]
    with time_machine.travel("2026-11-02 10:45 +00:00", tick=False):
        refused = second_client.post(url, form)
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Someone else changed this record at 10:42" in page
    assert f"They changed: {label[:1].upper() + label[1:]}" in page
    assert typed in page or (typed == "on" and 'name="idva_allocated"' in page)
    record.refresh_from_db()
    assert stored(record) == after_refusal

    again = _form_on(refused)
    assert again[field] == [typed], "what the second editor typed is still in the form"
    assert again["expected_version"] != form["expected_version"]
    with time_machine.travel("2026-11-02 10:46 +00:00", tick=False):
        saved = second_client.post(url, again)
    assert saved.status_code == 302
    record.refresh_from_db()
    assert stored(record) == after_second_save


def test_a_save_with_no_one_else_in_between_goes_through(coordinator):
    from tests.partnerships.factories import ReferralFactory

    referral = ReferralFactory()
    url = reverse("partnerships:person_edit", args=[referral.pk, "victim"])
    client = verified_client(coordinator)
    form = _form_on(client.get(url))
    form["address"] = ["3 Quiet Lane (synthetic)"]
    assert client.post(url, form).status_code == 302
    referral.victim.refresh_from_db()
    assert referral.victim.address == "3 Quiet Lane (synthetic)"
