"""Subject access requests in the Disruption Panel's records (issue 18 point 5): members of
organised crime groups and the people they exploit are found for a panel member, only in the
groups that member may see, matched by the one rule (name; date of birth and surname; a reference
given); the bundle discloses what was marked to disclose and leaves out what was withheld."""

import datetime as dt

import pytest

from partnerships.models import ExploitedPerson, Nominal
from somerset_safety.accounts.roles import Role
from somerset_safety.records import selectors, services
from somerset_safety.records.models import ItemDecision, Regime
from tests.factories import UserFactory
from tests.partnerships.factories import make_group

pytestmark = pytest.mark.django_db

TODAY = dt.date(2027, 2, 10)
BORN = dt.date(1999, 2, 3)


@pytest.fixture(autouse=True)
def _today(today_is):
    return today_is(TODAY)


@pytest.fixture
def member(police):
    """A community safety officer who sits on the Disruption Panel: answers requests and sees the
    panel's people."""
    return UserFactory(agency=police, roles=[Role.OFFICER, Role.PANEL_MEMBER], full_name="Pat Panel")


@pytest.fixture
def held(member, police):
    """Dean Dealer (born 3 February 1999) in the Blue Line as a dealer and, written "D Dealer",
    in the Red Line, a restricted group that does not name the member; a person the Blue Line
    exploits under another name whose NRM reference the requester gave; and others who are not
    him: a Dean Dealer with another date of birth (a match on the name alone) and Ann Other."""
    blue = make_group(member)
    restricter = UserFactory(agency=police, roles=[Role.PANEL_MEMBER])  # named on it; the member is not
    red = make_group(restricter, name="Red Line (synthetic)", restricted=True)
    return {
        "blue": blue,
        "nominal": Nominal.objects.create(
            group=blue, role="dealer", full_name="Dean DEALER", date_of_birth=BORN, vulnerabilities=["debt"]
        ),
        "namesake": Nominal.objects.create(
            group=blue, role="runner", full_name="Dean Dealer", date_of_birth=dt.date(2001, 5, 6)
        ),
        "other": Nominal.objects.create(group=blue, role="runner", full_name="Ann Other", date_of_birth=BORN),
        "hidden": Nominal.objects.create(group=red, role="dealer", full_name="D Dealer", date_of_birth=BORN),
        "exploited": ExploitedPerson.objects.create(
            group=blue,
            age_group="adult",
            full_name="Danny Dee",
            exploitation_types=["criminal", "cuckooing"],
            nrm_reference="MS-2026-0007",
        ),
    }


def _sar(actor):
    return services.sar_create(
        actor=actor,
        regime=Regime.UK_GDPR,
        received_on=dt.date(2027, 2, 1),
        handler=actor,
        subject_name="Dean Dealer",
        date_of_birth=BORN,
        known_references="ms-2026-0007",
    )


def test_a_panel_member_finds_the_person_in_the_groups_they_may_see(member, held):
    sar = _sar(member)
    search = services.sar_search(actor=member, sar=sar)
    found = {(item.source, item.object_id): item.matched_on for item in sar.items.all()}
    assert found == {
        ("ocg_nominal", str(held["nominal"].pk)): "name and date of birth",
        ("ocg_nominal", str(held["namesake"].pk)): "name",
        ("ocg_exploited_person", str(held["exploited"].pk)): "a reference given",
    }
    assert {"ocg_nominal", "ocg_exploited_person"} <= set(search.sources)
    # The request keeps references and fixed words, never the names found.
    nominal = sar.items.get(source="ocg_nominal", object_id=str(held["nominal"].pk))
    assert (nominal.reference, nominal.description) == (
        f"{held['blue'].reference} member {held['nominal'].pk}",
        "Disruption Panel: member of an organised crime group",
    )


def test_an_officer_not_on_the_panel_searches_none_of_its_records(officer, held):
    sar = _sar(officer)
    search = services.sar_search(actor=officer, sar=sar)
    assert {"ocg_nominal", "ocg_exploited_person"} <= set(search.not_searched)
    assert not sar.items.filter(source__startswith="ocg_").exists()


def test_the_bundle_discloses_what_was_marked_and_leaves_out_what_was_withheld(member, held):
    sar = _sar(member)
    services.sar_search(actor=member, sar=sar)
    items = {(item.source, item.object_id): item for item in sar.items.all()}
    services.sar_item_decide(
        actor=member, item=items["ocg_nominal", str(held["nominal"].pk)], decision=ItemDecision.DISCLOSE
    )
    services.sar_item_decide(
        actor=member,
        item=items["ocg_nominal", str(held["namesake"].pk)],
        decision=ItemDecision.WITHHOLD,
        withhold_reason="Another person with the same name, not the requester",
    )
    services.sar_item_decide(
        actor=member,
        item=items["ocg_exploited_person", str(held["exploited"].pk)],
        decision=ItemDecision.WITHHOLD,
        withhold_reason="Third-party information: the person exploited",
    )
    bundle = selectors.sar_bundle(member, sar)
    assert bundle.refusal is None
    [(item, data)] = bundle.disclosed
    assert (item.source, item.object_id) == ("ocg_nominal", str(held["nominal"].pk))
    assert data.fields == (
        ("Group", held["blue"].reference),
        ("Role in the group", "Street dealer"),
        ("Name", "Dean DEALER"),
        ("Date of birth", "3 February 1999"),
        ("Age", ""),
        ("Vulnerabilities", "Debt bondage"),
        ("Also exploited by the group", "No"),
    )
    assert sorted((item.source, item.object_id) for item in bundle.withheld) == [
        ("ocg_exploited_person", str(held["exploited"].pk)),
        ("ocg_nominal", str(held["namesake"].pk)),
    ]
    assert "Blue Line" not in repr(data.fields) and "Danny" not in repr(bundle.disclosed)


def test_the_exploited_persons_record_holds_what_the_panel_keeps(member, held):
    from somerset_safety.records import subjects

    [found] = subjects.source("ocg_exploited_person").fetch(member, [str(held["exploited"].pk)])
    assert found.fields == (
        ("Group", held["blue"].reference),
        ("Name", "Danny Dee"),
        ("Date of birth", ""),
        ("Age group", "Adult"),
        ("Exploitation", "Criminal exploitation, Cuckooing"),
        ("Safeguarding referral made", "No"),
        ("NRM reference", "MS-2026-0007"),
        ("Missing episodes", "0"),
    )
    # A member who may not see the group (restricted, not naming them) is given nothing.
    outsider = UserFactory(roles=[Role.PANEL_MEMBER])
    red = held["hidden"].group
    assert list(subjects.source("ocg_nominal").fetch(outsider, [str(held["hidden"].pk)])) == []
    assert red.restricted
