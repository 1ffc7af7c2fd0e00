"""The retention schedule: default rules, changing a rule, and what is due for review."""

import datetime

import pytest
from django.urls import reverse

from somerset_safety.accounts.roles import Role
from somerset_safety.audit.models import AuditAction, AuditEvent
from somerset_safety.records import registry, selectors, services
from somerset_safety.records.exceptions import RecordsError
from somerset_safety.records.models import RetentionAction, RetentionRule, RetentionTrigger
from tests.conftest import verified_client
from tests.factories import UserFactory
from tests.partnerships.factories import PersonFactory, ReferralFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def records_manager(council_team):
    return UserFactory(agency=council_team, roles=[Role.RECORDS_MANAGER], full_name="Rita Records")


def marac_rule():
    return RetentionRule.objects.get(record_type="marac_person")


def test_every_registered_type_has_its_default_rule_after_migrate():
    keys = {t.key for t in registry.record_types()}
    assert {
        "dhr_notification",
        "dhr_review",
        "marac_person",
        "modern_slavery",
        "s17_assessment",
        "contract",
    } <= keys
    assert set(RetentionRule.objects.values_list("record_type", flat=True)) == keys
    rule = marac_rule()
    assert (rule.period_months, rule.trigger, rule.action) == (72, "last_referral", "anonymise")
    assert rule.period_label == "6 years"
    assert RetentionRule.objects.get(record_type="s17_assessment").period_months == 180


def test_loading_defaults_again_keeps_a_changed_rule(records_manager):
    services.rule_update(
        actor=records_manager,
        rule=marac_rule(),
        period_months=30,
        trigger="created",
        action="destroy",
        notes="",
    )
    assert services.rules_load_defaults() == 0
    rule = marac_rule()
    assert (rule.period_months, rule.trigger, rule.action, rule.updated_by) == (
        30,
        "created",
        "destroy",
        records_manager,
    )
    assert rule.period_label == "2 years 6 months"


def test_rule_change_is_audited_by_field_name(records_manager):
    notes = marac_rule().notes
    changed = services.rule_update(
        actor=records_manager,
        rule=marac_rule(),
        period_months=84,
        trigger="last_referral",
        action="anonymise",
        notes=notes,
    )
    assert changed == ["period_months"]
    event = AuditEvent.objects.filter(action=AuditAction.CHANGE, object_type="records.retentionrule").get()
    assert event.changed_fields == ["period_months"]
    # Saving the same values again changes and audits nothing.
    again = services.rule_update(
        actor=records_manager,
        rule=marac_rule(),
        period_months=84,
        trigger="last_referral",
        action="anonymise",
        notes=notes,
    )
    assert again == []


def test_a_trigger_the_record_type_does_not_have_is_refused(records_manager):
    with pytest.raises(RecordsError, match="cannot be kept from “contract end”"):
        services.rule_update(
            actor=records_manager,
            rule=marac_rule(),
            period_months=72,
            trigger="contract_end",
            action="review",
            notes="",
        )
    assert marac_rule().trigger == "last_referral"


def _person_referred_on(*days, role="victim"):
    person = PersonFactory(role=role)
    for day in days:
        if role == "victim":
            ReferralFactory(victim=person, referral_date=day)
        else:
            ReferralFactory(perpetrator=person, referral_date=day)
    return person


def test_a_person_is_due_six_calendar_months_after_the_last_referral_counted_back_from_today():
    rule = marac_rule()
    rule.period_months = 6
    rule.save()
    marac = registry.record_type("marac_person")
    # Today 31 August 2026: six months back is 28 February 2026 (no 31 February).
    today = datetime.date(2026, 8, 31)
    on_cutoff = _person_referred_on(datetime.date(2025, 1, 1), datetime.date(2026, 2, 28))
    day_after = _person_referred_on(datetime.date(2026, 3, 1))
    older_but_referred_again = _person_referred_on(datetime.date(2020, 1, 1), datetime.date(2026, 6, 1))
    perpetrator = _person_referred_on(datetime.date(2025, 12, 1), role="perpetrator")
    assert selectors.cutoff_for(rule, today) == datetime.date(2026, 2, 28)
    due = list(selectors.due_records(marac, rule, today))
    # The perpetrator's victim (made by the factory) was referred on the same day: both due.
    assert on_cutoff in due and perpetrator in due
    assert day_after not in due and older_but_referred_again not in due
    assert [p.trigger_date for p in due] == sorted(p.trigger_date for p in due)


def test_created_trigger_uses_the_day_the_record_was_made(today_is):
    today_is(datetime.date(2020, 5, 10))
    person = PersonFactory()
    rule = marac_rule()
    rule.trigger = RetentionTrigger.CREATED
    rule.period_months = 12
    rule.save()
    marac = registry.record_type("marac_person")
    assert list(selectors.due_records(marac, rule, datetime.date(2021, 5, 9))) == []
    assert list(selectors.due_records(marac, rule, datetime.date(2021, 5, 10))) == [person]


def test_a_record_whose_trigger_has_not_happened_is_never_due():
    PersonFactory()  # never referred: no last referral date
    rule = marac_rule()
    assert (
        list(selectors.due_records(registry.record_type("marac_person"), rule, datetime.date(2099, 1, 1)))
        == []
    )


def test_schedule_counts_what_is_due(records_manager):
    _person_referred_on(datetime.date(2010, 1, 1))
    lines = {line.record_type.key: line for line in selectors.schedule(datetime.date(2026, 1, 1))}
    # The referral's victim is one person; due six years after 1 January 2010.
    assert lines["marac_person"].due_count == 1
    assert lines["dhr_review"].due_count == 0


# --- Pages and access ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona, schedule_status, edit_status",
    [
        ("records_manager", 200, 200),
        ("auditor", 200, 403),
        ("admin_user", 200, 200),
        ("officer", 403, 403),
        ("coordinator", 403, 403),
    ],
)
def test_access(request, persona, schedule_status, edit_status):
    client = verified_client(request.getfixturevalue(persona))
    assert client.get(reverse("records:schedule")).status_code == schedule_status
    assert client.get(reverse("records:due", args=["marac_person"])).status_code == schedule_status
    assert client.get(reverse("records:rule_edit", args=["marac_person"])).status_code == edit_status
    assert client.post(
        reverse("records:rule_edit", args=["marac_person"]),
        {"period_months": "1", "trigger": "created", "action": "destroy"},
    ).status_code == (302 if edit_status == 200 else edit_status)


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("records:schedule"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_unknown_record_type_is_not_found(records_manager):
    client = verified_client(records_manager)
    assert client.get(reverse("records:due", args=["nothing"])).status_code == 404
    assert client.get(reverse("records:rule_edit", args=["nothing"])).status_code == 404


def test_schedule_page_shows_rules_and_links_to_what_is_due(records_manager):
    _person_referred_on(datetime.date(2010, 1, 1))
    page = verified_client(records_manager).get(reverse("records:schedule")).content.decode()
    assert (
        "MARAC referral and person" in page and "6 years" in page and "Last referral for the person" in page
    )
    assert reverse("records:due", args=["marac_person"]) in page


def test_due_page_lists_references_not_names_and_audits_the_ids(records_manager):
    person = _person_referred_on(datetime.date(2010, 1, 1))
    page = (
        verified_client(records_manager).get(reverse("records:due", args=["marac_person"])).content.decode()
    )
    assert person.reference in page and person.full_name not in page
    event = AuditEvent.objects.filter(action=AuditAction.LIST, object_type="partnerships.person").latest("id")
    assert str(person.pk) in event.detail["ids"]


def test_rule_form_keeps_what_was_typed_on_an_error(records_manager):
    response = verified_client(records_manager).post(
        reverse("records:rule_edit", args=["marac_person"]),
        {"period_months": "0", "trigger": "created", "action": "destroy", "notes": "Line 12 of the schedule"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "The retention period must be at least 1 month" in page and "Line 12 of the schedule" in page
    assert marac_rule().period_months == 72


def test_rule_form_offers_only_the_triggers_of_the_record_type(records_manager):
    page = (
        verified_client(records_manager).get(reverse("records:rule_edit", args=["contract"])).content.decode()
    )
    assert "Contract end" in page and "Last referral for the person" not in page
    response = verified_client(records_manager).post(
        reverse("records:rule_edit", args=["contract"]),
        {"period_months": "180", "trigger": "contract_end", "action": RetentionAction.DESTROY},
    )
    assert response.status_code == 302
    assert RetentionRule.objects.get(record_type="contract").period_months == 180
