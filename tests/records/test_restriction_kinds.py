"""Issue 18 point 6 beyond MARAC: the one restriction mechanism (records.restriction) for modern
slavery records and the Disruption Panel's group members and people exploited. For each kind:
hidden from another officer's list, seen by the record's owner, lifting brings it back, a subject
access search still finds it, restricting is audited, and the Restrictions page lists it with no
personal data, in a fixed number of queries."""

import datetime as dt

import pytest
from django.urls import reverse

from duties.evidence import RESTRICTED
from duties.exceptions import DutiesError
from duties.models import Obligation
from duties.permissions import slavery_notifications_visible_to
from duties.selectors import nrm_links
from partnerships.disruption import services as panel
from partnerships.models import ExploitedPersonRestriction, GroupType, NominalRestriction
from somerset_safety.accounts.roles import Role
from somerset_safety.audit.models import AuditAction, AuditEvent
from somerset_safety.core import duty_evidence
from somerset_safety.records import restriction
from somerset_safety.records import services as records
from somerset_safety.records.models import Regime
from tests.duties.factories import make_ms1, make_notification
from tests.factories import UserFactory
from tests.partnerships.factories import PersonFactory, ReferralFactory, make_group

pytestmark = pytest.mark.django_db

BORN = dt.date(1990, 6, 15)
REASON = "Contests the accuracy of the record; being checked (synthetic)."
LIFTED = "Checked and corrected (synthetic)."


@pytest.fixture
def records_manager(council_team):
    return UserFactory(agency=council_team, roles=[Role.RECORDS_MANAGER], full_name="Rita Records")


@pytest.fixture
def recorder(council_team):
    return UserFactory(agency=council_team, roles=[Role.OFFICER], full_name="Rae Recorder")


@pytest.fixture
def colleague(council_team):
    return UserFactory(agency=council_team, roles=[Role.OFFICER], full_name="Cal Colleague")


@pytest.fixture
def slavery(recorder):
    """Two NRM referrals recorded by the same officer: Sam's, to be restricted, and another."""
    sam = make_notification(recorder, person_name="Sam Slavery (synthetic)", date_of_birth=BORN)
    other = make_notification(recorder, person_name="Olu Other (synthetic)")
    return sam, other


def _sar(user, name, born=None):
    sar = records.sar_create(
        actor=user,
        regime=Regime.UK_GDPR,
        received_on=dt.date.today() - dt.timedelta(days=1),
        handler=user,
        subject_name=name,
        date_of_birth=born,
    )
    records.sar_search(actor=user, sar=sar)
    return sar


# --- Modern slavery records --------------------------------------------------------------------


def test_a_restricted_slavery_record_leaves_other_officers_lists_but_not_its_recorders(
    slavery, recorder, colleague, records_manager, as_user
):
    sam, other = slavery
    list_url = reverse("duties:slavery_list")
    restriction.restrict(actor=recorder, key="slavery_record", obj=sam, reason=REASON)

    assert set(slavery_notifications_visible_to(colleague)) == {other}
    assert set(slavery_notifications_visible_to(recorder)) == {sam, other}
    page = as_user(colleague).get(list_url).content.decode()
    assert other.reference in page and sam.reference not in page
    assert as_user(colleague).get(sam.get_absolute_url()).status_code == 404
    assert sam.reference in as_user(recorder).get(list_url).content.decode()
    shown = as_user(recorder).get(sam.get_absolute_url()).content.decode()
    since = dt.date.today().strftime("%-d %B %Y")
    assert f"Processing restricted since {since} — {REASON}" in shown
    assert f"Lift the restriction of processing of {sam.reference}" in shown
    # The panel's NRM reference to it is given without its link to anyone but the recorder.
    assert nrm_links(colleague, [sam.reference]) == {sam.reference: {}}
    assert nrm_links(recorder, [sam.reference])[sam.reference]["url"] == sam.get_absolute_url()

    # A records manager lifts it: every officer sees it again.
    restriction.lift(actor=records_manager, key="slavery_record", obj=sam, reason=LIFTED)
    assert set(slavery_notifications_visible_to(colleague)) == {sam, other}
    assert sam.reference in as_user(colleague).get(list_url).content.decode()
    assert "Processing restricted since" not in as_user(recorder).get(sam.get_absolute_url()).content.decode()


def test_who_may_restrict_a_slavery_record(slavery, recorder, colleague, records_manager, coordinator):
    sam, _ = slavery
    may = [restriction.may_restrict(u, "slavery_record", sam) for u in (recorder, records_manager)]
    assert may == [True, True]
    assert [restriction.may_restrict(u, "slavery_record", sam) for u in (colleague, coordinator)] == [
        False
    ] * 2
    # The recorder's account closed: every officer is its owner, so it cannot be lost.
    recorder.is_active = False
    recorder.save(update_fields=["is_active"])
    assert restriction.may_restrict(colleague, "slavery_record", sam) is True


def test_the_slavery_record_restriction_page(slavery, recorder, colleague, records_manager, as_user):
    sam, _ = slavery
    url = reverse("records:restriction", args=["slavery_record", sam.pk])
    assert as_user(colleague).get(url).status_code == 404
    assert as_user(records_manager).get(url).status_code == 200
    client = as_user(recorder)
    page = client.get(url).content.decode()
    assert "Restrict the processing of this person's record" in page
    assert "except for the officer who recorded it and records managers" in page
    assert f'href="{sam.get_absolute_url()}"' in page  # the recorder's way back
    assert "Enter the reason for restricting processing" in client.post(url, {"reason": " "}).content.decode()
    assert not sam.processing_restrictions.exists()
    response = client.post(url, {"reason": REASON})
    assert (response.status_code, response["Location"]) == (302, url)
    page = client.get(url).content.decode()
    assert "Lift the restriction of processing" in page and REASON in page
    client.post(url, {"reason": LIFTED})
    page = client.get(url).content.decode()
    assert "Earlier restrictions" in page and f"Lifted by Rae Recorder: {LIFTED}" in page


def test_a_subject_access_search_still_finds_a_restricted_slavery_record(
    slavery, recorder, colleague, as_user
):
    sam, _ = slavery
    restriction.restrict(actor=recorder, key="slavery_record", obj=sam, reason=REASON)
    sar = _sar(colleague, "Sam Slavery", BORN)
    (item,) = sar.items.filter(source="slavery_record")
    assert item.reference == sam.reference
    # The colleague reviews it (its data read afresh), with no link to a page not there for them.
    page = as_user(colleague).get(reverse("records:sar_item", args=[sar.pk, item.pk])).content.decode()
    assert "Sam Slavery (synthetic)" in page and "Open the record" not in page
    sar = _sar(recorder, "Sam Slavery", BORN)
    item = sar.items.get(source="slavery_record")
    page = as_user(recorder).get(reverse("records:sar_item", args=[sar.pk, item.pk])).content.decode()
    assert f'href="{sam.get_absolute_url()}">Open the record' in page


def test_restricting_a_slavery_record_is_audited_and_refused_twice(slavery, recorder):
    sam, _ = slavery
    with pytest.raises(DutiesError, match="Enter the reason for restricting processing."):
        restriction.restrict(actor=recorder, key="slavery_record", obj=sam, reason="")
    with pytest.raises(DutiesError, match="not restricted"):
        restriction.lift(actor=recorder, key="slavery_record", obj=sam, reason=LIFTED)
    placed = restriction.restrict(actor=recorder, key="slavery_record", obj=sam, reason=REASON)
    with pytest.raises(DutiesError, match="already restricted"):
        restriction.restrict(actor=recorder, key="slavery_record", obj=sam, reason=REASON)
    restriction.lift(actor=recorder, key="slavery_record", obj=sam, reason=LIFTED)
    events = AuditEvent.objects.filter(object_type="duties.slaveryrestriction", object_id=str(placed.pk))
    assert [(e.action, e.detail) for e in events.order_by("pk")] == [
        (AuditAction.CREATE, {"notification": sam.pk}),
        (AuditAction.CHANGE, {"notification": sam.pk}),
    ]
    assert all(REASON not in str(e.detail) for e in events)


def test_a_restricted_slavery_record_still_evidences_the_duty_as_a_number(
    slavery, recorder, officer, as_user
):
    """The duty to notify's held evidence counts every record; a restricted one without its
    reference or link, so the duty's page names no record the officer may not see."""
    sam, other = slavery
    (source,) = duty_evidence.sources_for("msa-s52-notifications")
    restriction.restrict(actor=recorder, key="slavery_record", obj=sam, reason=REASON)
    items = sorted((i.reference, i.url) for i in source.evidence())
    assert items == sorted([(other.reference, other.get_absolute_url()), (RESTRICTED, "")])
    obligation = Obligation.objects.get(code="msa-s52-notifications")
    page = as_user(officer).get(reverse("duties:duty_detail", args=[obligation.duty_id])).content.decode()
    assert "2 records, 2 counted" in page and sam.reference not in page and other.reference in page
    restriction.lift(actor=recorder, key="slavery_record", obj=sam, reason=LIFTED)
    assert sorted(i.reference for i in source.evidence()) == sorted([sam.reference, other.reference])


def test_an_anonymous_ms1_notification_cannot_be_found_to_restrict(recorder, records_manager, as_user):
    ms1 = make_ms1(recorder)
    response = as_user(records_manager).post(reverse("records:restrictions"), {"reference": ms1.reference})
    assert f"No person with the reference {ms1.reference} is held" in response.content.decode()
    assert "Restrict the processing of" not in as_user(recorder).get(ms1.get_absolute_url()).content.decode()


# --- Disruption Panel: group members and people exploited -------------------------------------


@pytest.fixture
def owner(police):
    """The group's senior responsible officer."""
    return UserFactory(agency=police, roles=[Role.PANEL_MEMBER], full_name="Sian Senior")


@pytest.fixture
def member(council_team):
    return UserFactory(agency=council_team, roles=[Role.PANEL_MEMBER], full_name="Mo Member")


@pytest.fixture
def group(owner, police):
    return make_group(
        owner,
        operation_name="",
        referring_agency=police,
        lead_agency=police,
        senior_responsible_officer=owner,
        line_names="",
    )


def _nominal(actor, group, name):
    return panel.nominal_save(
        actor=actor,
        group=group,
        role="runner",
        full_name=name,
        date_of_birth=BORN,
        age=None,
        vulnerabilities=[],
        also_victim=False,
    )


def _exploited(actor, group, name):
    return panel.exploited_person_save(
        actor=actor,
        group=group,
        age_group="adult",
        full_name=name,
        date_of_birth=BORN,
        exploitation_types=["criminal"],
        safeguarding_referral_made=False,
        safeguarding_referral_to=None,
        safeguarding_referral_on=None,
        no_referral_reason="",
        nrm_reference="",
        missing_episodes=0,
        last_missing_on=None,
    )


@pytest.mark.parametrize("key", ["ocg_nominal", "ocg_exploited_person"])
def test_a_restricted_group_person_leaves_other_members_page_but_not_the_owners(
    key, group, owner, member, records_manager, as_user
):
    make = _nominal if key == "ocg_nominal" else _exploited
    kind = "members" if key == "ocg_nominal" else "exploited"
    rory = make(owner, group, "Rory Restricted (synthetic)")
    make(owner, group, "Sid Shown (synthetic)")
    page_url = reverse("partnerships:ocg_detail", args=[group.pk])
    edit_url = reverse("partnerships:ocg_person_edit", args=[group.pk, kind, rory.pk])
    restriction.restrict(actor=owner, key=key, obj=rory, reason=REASON)

    page = as_user(member).get(page_url).content.decode()
    assert "Sid Shown" in page and "Rory Restricted" not in page and rory.reference not in page
    assert "1 person's record in this group is restricted and not shown to you." in page
    assert as_user(member).get(edit_url).status_code == 404
    page = as_user(owner).get(page_url).content.decode()
    assert "Rory Restricted" in page and "Processing restricted" in page
    assert reverse("records:restriction", args=[key, rory.pk]) in page
    assert "not shown to you" not in page
    assert as_user(owner).get(edit_url).status_code == 200
    assert [restriction.may_restrict(u, key, rory) for u in (owner, records_manager, member)] == [
        True,
        True,
        False,
    ]

    restriction.lift(actor=owner, key=key, obj=rory, reason=LIFTED)
    page = as_user(member).get(page_url).content.decode()
    assert "Rory Restricted" in page and "and not shown" not in page
    assert as_user(member).get(edit_url).status_code == 200


def test_a_restricted_child_with_no_safeguarding_referral_is_still_warned_of_as_a_number(
    group, owner, member, as_user
):
    child = panel.exploited_person_save(
        actor=owner,
        group=group,
        age_group="child",
        full_name="Cody Child (synthetic)",
        date_of_birth=None,
        exploitation_types=["criminal"],
        safeguarding_referral_made=False,
        safeguarding_referral_to=None,
        safeguarding_referral_on=None,
        no_referral_reason="Being arranged with children's services (synthetic).",
        nrm_reference="",
        missing_episodes=0,
        last_missing_on=None,
    )
    page_url = reverse("partnerships:ocg_detail", args=[group.pk])
    warning = f"{child.reference} is a child with no safeguarding referral yet: make one."
    assert warning in as_user(member).get(page_url).content.decode()
    restriction.restrict(actor=owner, key="ocg_exploited_person", obj=child, reason=REASON)
    page = as_user(member).get(page_url).content.decode()
    assert child.reference not in page and "Cody" not in page
    assert (
        "1 of the restricted records is of a child with no safeguarding referral yet. The group's senior "
        "responsible officer can see it and must make the referral." in page
    )
    page = as_user(owner).get(page_url).content.decode()
    assert warning in page and "of the restricted records" not in page


def test_with_no_senior_responsible_officer_every_member_owns_the_groups_people(group, owner, member):
    rory = _nominal(owner, group, "Rory Restricted (synthetic)")
    assert restriction.may_restrict(member, "ocg_nominal", rory) is False
    type(group).objects.filter(pk=group.pk).update(senior_responsible_officer=None)
    assert restriction.may_restrict(member, "ocg_nominal", rory) is True


def test_a_subject_access_search_still_finds_restricted_group_people(group, owner, council_team):
    """An officer who is also a panel member (so searches the panel's people) answers the request."""
    searcher = UserFactory(agency=council_team, roles=[Role.OFFICER, Role.PANEL_MEMBER])
    rory = _nominal(owner, group, "Rory Restricted (synthetic)")
    erin = _exploited(owner, group, "Rory Restricted (synthetic)")
    restriction.restrict(actor=owner, key="ocg_nominal", obj=rory, reason=REASON)
    restriction.restrict(actor=owner, key="ocg_exploited_person", obj=erin, reason=REASON)
    sar = _sar(searcher, "Rory Restricted", BORN)
    found = set(sar.items.values_list("source", "object_id"))
    assert found == {("ocg_nominal", str(rory.pk)), ("ocg_exploited_person", str(erin.pk))}


def test_anonymising_a_group_drops_its_peoples_restriction_reasons(group, owner):
    from partnerships.records import REMOVED, anonymise_group

    rory = _nominal(owner, group, "Rory Restricted (synthetic)")
    erin = _exploited(owner, group, "Erin Exploited (synthetic)")
    restriction.restrict(actor=owner, key="ocg_nominal", obj=rory, reason=REASON)
    restriction.restrict(actor=owner, key="ocg_exploited_person", obj=erin, reason=REASON)
    restriction.lift(actor=owner, key="ocg_exploited_person", obj=erin, reason=LIFTED)
    for scrub in anonymise_group(group):
        scrub.rows.update(**scrub.values)
    assert set(NominalRestriction.objects.values_list("reason", "lift_reason")) == {(REMOVED, "")}
    assert set(ExploitedPersonRestriction.objects.values_list("reason", "lift_reason")) == {
        (REMOVED, REMOVED)
    }


# --- The Restrictions page: every kind, no personal data, a fixed number of queries ------------


def test_the_restrictions_page_lists_every_kind_with_no_personal_data(
    slavery, recorder, group, owner, records_manager, as_user
):
    sam, _ = slavery
    rory = _nominal(owner, group, "Rory Restricted (synthetic)")
    erin = _exploited(owner, group, "Erin Exploited (synthetic)")
    rhea = PersonFactory(full_name="Rhea Restricted (synthetic)")
    ReferralFactory(victim=rhea)
    for key, obj in (
        ("slavery_record", sam),
        ("ocg_nominal", rory),
        ("ocg_exploited_person", erin),
        ("marac_person", rhea),
    ):
        restriction.restrict(actor=records_manager, key=key, obj=obj, reason=REASON)
    page = as_user(records_manager).get(reverse("records:restrictions")).content.decode()
    assert "4 records restricted now" in page
    for reference, words, url in (
        (
            sam.reference,
            "Modern slavery record (NRM referral)",
            ("records:restriction", "slavery_record", sam.pk),
        ),
        (
            rory.reference,
            "Disruption Panel: member of a group",
            ("records:restriction", "ocg_nominal", rory.pk),
        ),
        (
            erin.reference,
            "Disruption Panel: person exploited",
            ("records:restriction", "ocg_exploited_person", erin.pk),
        ),
        (rhea.reference, "MARAC victim", ("partnerships:person_restriction", rhea.pk)),
    ):
        assert reference in page and words in page
        assert f'href="{reverse(url[0], args=url[1:])}"' in page
    for personal in ("Sam Slavery", "Rory", "Erin", "Rhea", REASON):
        assert personal not in page
    listed = AuditEvent.objects.filter(action=AuditAction.LIST, detail__purpose="restriction")
    assert {(e.object_type, tuple(e.detail["ids"])) for e in listed} == {
        ("duties.slaverynotification", (str(sam.pk),)),
        ("partnerships.nominal", (str(rory.pk),)),
        ("partnerships.exploitedperson", (str(erin.pk),)),
        ("partnerships.person", (str(rhea.pk),)),
    }


def test_a_records_manager_finds_each_kind_by_its_reference(slavery, group, owner, records_manager, as_user):
    sam, _ = slavery
    rory = _nominal(owner, group, "Rory Restricted (synthetic)")
    erin = _exploited(owner, group, "Erin Exploited (synthetic)")
    client = as_user(records_manager)
    for typed, key, obj in (
        (sam.reference.lower(), "slavery_record", sam),
        (rory.reference, "ocg_nominal", rory),
        (f" {erin.reference.lower()} ", "ocg_exploited_person", erin),
    ):
        response = client.post(reverse("records:restrictions"), {"reference": typed})
        assert response["Location"] == reverse("records:restriction", args=[key, obj.pk])
    response = client.post(reverse("records:restrictions"), {"reference": "N999999"})
    assert "No person with the reference N999999 is held" in response.content.decode()


def test_the_restrictions_page_takes_the_same_queries_for_one_record_of_each_kind_as_for_three(
    recorder, group, owner, records_manager, as_user
):
    """The page read each listed person again (two queries a row); now one query a kind lists
    them and one audit event a kind records the list, whatever their number: with one record of
    each of the four kinds restricted, then three of each, the page takes the same queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(records_manager)
    url = reverse("records:restrictions")

    def restrict_one_of_each(n):
        rhea = PersonFactory(full_name=f"Rhea Restricted {n} (synthetic)")
        ReferralFactory(victim=rhea)
        for key, obj in (
            ("slavery_record", make_notification(recorder, person_name=f"Person {n} (synthetic)")),
            ("ocg_nominal", _nominal(owner, group, f"Nia Nominal {n} (synthetic)")),
            ("ocg_exploited_person", _exploited(owner, group, f"Erin Exploited {n} (synthetic)")),
            ("marac_person", rhea),
        ):
            restriction.restrict(actor=records_manager, key=key, obj=obj, reason=REASON)

    restrict_one_of_each(1)
    client.get(url)  # the session's first writes
    with CaptureQueriesContext(connection) as few:
        assert "4 records restricted now" in client.get(url).content.decode()
    restrict_one_of_each(2)
    restrict_one_of_each(3)
    client.get(url)
    with CaptureQueriesContext(connection) as many:
        assert "12 records restricted now" in client.get(url).content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)


# --- The restriction page only within what the user may see (review of issue 18) ---------------


@pytest.mark.parametrize("key", ["ocg_nominal", "ocg_exploited_person"])
def test_a_restricted_groups_person_is_not_there_for_a_member_the_group_does_not_name(
    key, owner, member, as_user
):
    """A restricted group with no senior responsible officer: every panel member owns its people's
    restrictions, but only within the groups they see; a member it does not name sees no group,
    so the restriction page is 404 to read and to lift, and nothing changes."""
    hidden = panel.group_create(
        actor=owner,
        name="Red Line (synthetic)",
        operation_name="",
        group_type=GroupType.objects.get(code="county_line"),
        areas="Taunton",
        referred_on=dt.date(2026, 1, 5),
        referring_agency=owner.agency,
        lead_agency=owner.agency,
        senior_responsible_officer=None,
        line_type="imported",
        line_names="",
        restricted=True,
        named_people=[owner],
    )
    make = _nominal if key == "ocg_nominal" else _exploited
    rory = make(owner, hidden, "Rory Restricted (synthetic)")
    placed = restriction.restrict(actor=owner, key=key, obj=rory, reason=REASON)
    url = reverse("records:restriction", args=[key, rory.pk])

    assert as_user(member).get(reverse("partnerships:ocg_detail", args=[hidden.pk])).status_code == 404
    response = as_user(member).get(url)
    assert response.status_code == 404 and REASON not in response.content.decode()
    assert as_user(member).post(url, {"reason": LIFTED}).status_code == 404
    placed.refresh_from_db()
    assert (placed.lifted_at, placed.lift_reason) == (None, "")
    assert restriction.may_restrict(member, key, rory) is False
    assert restriction.url_for(member, key, rory.pk) == ""
    # The group names the owner: the owner (with no SRO, a panel member) still has the page.
    assert as_user(owner).get(url).status_code == 200
    assert restriction.url_for(owner, key, rory.pk) == url


def test_an_anonymous_ms1_notification_has_no_restriction_page(recorder, records_manager, as_user):
    ms1 = make_ms1(recorder)
    url = reverse("records:restriction", args=["slavery_record", ms1.pk])
    assert as_user(records_manager).get(url).status_code == 404
    assert as_user(records_manager).post(url, {"reason": REASON}).status_code == 404
    assert as_user(recorder).get(url).status_code == 404
    assert not ms1.processing_restrictions.exists()
    assert restriction.url_for(records_manager, "slavery_record", ms1.pk) == ""


def test_reading_the_restriction_page_is_audited_as_a_view_once(slavery, recorder, colleague, as_user):
    """The page shows the reasons: each GET writes exactly one view event of the record (its
    page and purpose, no reason); a POST is audited by the service, with no view; a user the
    page is not there for writes none."""
    sam, _ = slavery
    url = reverse("records:restriction", args=["slavery_record", sam.pk])
    restriction.restrict(actor=recorder, key="slavery_record", obj=sam, reason=REASON)

    def views():
        return AuditEvent.objects.filter(
            action=AuditAction.VIEW, object_type="duties.slaverynotification", object_id=str(sam.pk)
        )

    as_user(colleague).get(url)
    assert views().count() == 0
    client = as_user(recorder)
    client.get(url)
    assert [(e.actor, e.detail) for e in views()] == [
        (recorder, {"page": "records:restriction", "purpose": "restriction"})
    ]
    client.get(url)
    assert views().count() == 2
    client.post(url, {"reason": LIFTED})
    assert views().count() == 2
    assert all(REASON not in str(e.detail) for e in views())
