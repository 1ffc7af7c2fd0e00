"""The Disruption Panel's own lists kept on its pages, as the tactics library is (issue 15): group
types, tactic targets and disruption gradings. Who may keep them, the refusals in the service's
words with what was typed kept, a name in use kept, and a retired item not offered for new records
but kept and shown on old ones."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from partnerships.disruption import services
from partnerships.disruption.forms import GroupForm, OutcomeForm, TacticForm
from partnerships.exceptions import DisruptionError
from partnerships.models import DisruptionGrading, GroupType, OrganisedCrimeGroup, Tactic, TacticTarget
from somerset_safety.accounts.roles import Role
from somerset_safety.audit.models import AuditEvent
from tests.factories import UserFactory
from tests.partnerships.factories import make_group

pytestmark = pytest.mark.django_db

MODELS = {"group-types": GroupType, "tactic-targets": TacticTarget, "gradings": DisruptionGrading}


@pytest.fixture(autouse=True)
def _today(today_is):
    return today_is(dt.date(2026, 3, 1))


@pytest.fixture
def member(police):
    return UserFactory(agency=police, roles=[Role.PANEL_MEMBER], full_name="Pat Panel")


@pytest.fixture
def other_member(council_team):
    return UserFactory(agency=council_team, roles=[Role.PANEL_MEMBER], full_name="Mo Member")


def _url(name, kind, *args):
    return reverse(f"partnerships:{name}", args=[kind, *args])


def _outcome(group, member, grading_code, **overrides):
    values = dict(
        outcome_type="arrest",
        strand="pursue",
        occurred_on=dt.date(2026, 2, 10),
        agency=member.agency,
        grading=DisruptionGrading.objects.get(code=grading_code),
        number=1,
        value=None,
        line_type="",
        description="",
    )
    return services.outcome_record(actor=member, group=group, **(values | overrides))


def _version(page) -> str:
    return page.content.decode().split('name="expected_version" value="')[1].split('"')[0]


# --- Adding ----------------------------------------------------------------------------------------


def test_a_panel_member_adds_a_group_type_and_it_is_offered_last_at_once(as_user, member):
    client = as_user(member)
    listing = client.get(reverse("partnerships:ocg_list")).content.decode()
    assert _url("panel_list", "group-types") in listing and _url("panel_list", "gradings") in listing
    page = client.get(_url("panel_list", "group-types")).content.decode()
    assert "County Line" in page and "Acquisitive crime" in page and "5 group types" in page

    response = client.post(
        _url("panel_list_add", "group-types"), {"name": "  Modern   slavery ", "is_county_line": "on"}
    )
    assert response.status_code == 302 and response.url == _url("panel_list", "group-types")
    added = GroupType.objects.get(name="Modern slavery")
    # The five reference types are ordered 0 to 4: the new one comes after them.
    assert (added.code, added.is_county_line, added.active, added.order) == ("modern-slavery", True, True, 5)
    assert list(GroupType.objects.all())[-1] == added
    assert added in GroupForm().fields["group_type"].queryset
    event = AuditEvent.objects.get(object_type="partnerships.grouptype", object_id=str(added.pk))
    assert (event.action, event.actor_id, event.changed_fields) == (
        "create",
        member.pk,
        ["is_county_line", "name"],
    )


def test_a_target_and_a_grading_are_added_and_offered(as_user, member):
    client = as_user(member)
    assert client.post(_url("panel_list_add", "tactic-targets"), {"name": "Weapons"}).status_code == 302
    weapons = TacticTarget.objects.get(name="Weapons")
    assert (weapons.code, weapons.order) == ("weapons", 6)  # after the six reference targets, 0 to 5
    assert weapons in TacticForm().fields["target"].queryset
    assert (
        _url("panel_list", "tactic-targets")
        in client.get(reverse("partnerships:tactic_list")).content.decode()
    )

    response = client.post(
        _url("panel_list_add", "gradings"),
        {"name": "Critical", "rank": "1", "description": "The group is dismantled (synthetic)."},
    )
    assert response.status_code == 302
    critical = DisruptionGrading.objects.get(name="Critical")
    assert (critical.rank, critical.description, critical.active) == (
        1,
        "The group is dismantled (synthetic).",
        True,
    )
    assert critical in OutcomeForm().fields["grading"].queryset
    # Critical and Major both have rank 1, so those two are listed by name.
    assert [g.name for g in DisruptionGrading.objects.all()] == ["Critical", "Major", "Moderate", "Minor"]


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        ("group-types", {"name": "  "}, "Enter the name of the group type"),
        ("group-types", {"name": "county LINE"}, "“county LINE” is already a group type in the list."),
        ("tactic-targets", {"name": ""}, "Enter the name of the target"),
        ("tactic-targets", {"name": "FINANCE"}, "“FINANCE” is already a target in the list."),
        ("gradings", {"name": "Severe", "rank": ""}, "Enter the rank, 1 for the greatest disruption"),
        ("gradings", {"name": "Severe", "rank": "two"}, "Enter the rank as a whole number, for example 2"),
        ("gradings", {"name": "Severe", "rank": "0"}, "The rank must be 1 or more"),
        ("gradings", {"name": "major", "rank": "4"}, "“major” is already a grading in the list."),
    ],
)
def test_a_bad_item_is_refused_with_what_was_typed_kept_and_nothing_added(
    as_user, member, kind, data, message
):
    before = MODELS[kind].objects.count()
    response = as_user(member).post(_url("panel_list_add", kind), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page and "govuk-error-summary" in page
    if data["name"].strip():
        assert f'value="{data["name"]}"' in page
    if data.get("rank"):
        assert f'value="{data["rank"]}"' in page
    assert MODELS[kind].objects.count() == before


def test_a_name_that_is_retired_is_to_be_reinstated_not_added_again(member):
    spec = services.PANEL_LISTS["group-types"]
    acquisitive = GroupType.objects.get(code="acquisitive")
    services.panel_list_set_active(actor=member, spec=spec, item=acquisitive, active=False)
    with pytest.raises(DisruptionError, match="retired: reinstate it rather than adding it again"):
        services.panel_list_add(actor=member, spec=spec, name="ACQUISITIVE crime", is_county_line=False)
    assert GroupType.objects.filter(name__iexact="acquisitive crime").count() == 1


# --- Changing ------------------------------------------------------------------------------------


def test_a_group_type_in_use_keeps_its_name_and_deal_line_and_an_unused_one_can_be_renamed(as_user, member):
    from tests.platform.test_stale_edits import _form_on

    make_group(member)  # a County Line
    county_line = GroupType.objects.get(code="county_line")
    client = as_user(member)
    url = _url("panel_list_edit", "group-types", county_line.pk)
    form = _form_on(client.get(url))
    assert "Groups are recorded with this type" in client.get(url).content.decode()
    for change in ({"name": ["County Lines"]}, {"is_county_line": []}):
        refused = client.post(url, form | change)
        assert refused.status_code == 200
        assert "so its name and whether it runs a deal line stay as they were" in refused.content.decode()
    county_line.refresh_from_db()
    assert (county_line.name, county_line.is_county_line) == ("County Line", True)

    other = GroupType.objects.get(code="other")
    url = _url("panel_list_edit", "group-types", other.pk)
    form = _form_on(client.get(url))
    assert client.post(url, form | {"name": ["Other kind of group"]}).status_code == 302
    other.refresh_from_db()
    assert other.name == "Other kind of group"
    event = AuditEvent.objects.filter(object_type="partnerships.grouptype", object_id=str(other.pk)).get()
    assert (event.action, event.changed_fields) == ("change", ["name"])


def test_a_grading_in_use_keeps_its_name_but_its_rank_and_meaning_may_be_corrected(as_user, member):
    from tests.platform.test_stale_edits import _form_on

    _outcome(make_group(member), member, "major")
    major = DisruptionGrading.objects.get(code="major")
    client = as_user(member)
    url = _url("panel_list_edit", "gradings", major.pk)
    form = _form_on(client.get(url))
    refused = client.post(url, form | {"name": ["Significant"]})
    assert "Disruptions are graded with it, so its name stays as it was" in refused.content.decode()
    assert 'value="Significant"' in refused.content.decode()
    assert (
        client.post(url, form | {"description": ["The group cannot operate (synthetic)."]}).status_code == 302
    )
    major.refresh_from_db()
    assert (major.name, major.description) == ("Major", "The group cannot operate (synthetic).")


def test_a_target_in_use_keeps_its_name(member):
    spec = services.PANEL_LISTS["tactic-targets"]
    finance = TacticTarget.objects.get(code="finance")  # benefits review and asset recovery have it
    with pytest.raises(DisruptionError, match="Tactics in the library have this target"):
        services.panel_list_change(actor=member, spec=spec, item=finance, name="Money")
    weapons = services.panel_list_add(actor=member, spec=spec, name="Weapons")
    assert services.panel_list_change(actor=member, spec=spec, item=weapons, name="Weapons and knives") == [
        "name"
    ]


def test_a_grading_saved_over_a_colleagues_newer_change_is_refused(as_user, member, other_member):
    from tests.platform.test_stale_edits import _form_on

    minor = DisruptionGrading.objects.get(code="minor")
    url = _url("panel_list_edit", "gradings", minor.pk)
    client = as_user(member)
    form = _form_on(client.get(url))
    services.panel_list_change(
        actor=other_member,
        spec=services.PANEL_LISTS["gradings"],
        item=minor,
        name="Minor",
        rank=4,
        description="",
    )
    refused = client.post(url, form | {"description": ["Short-lived (synthetic)."]})
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "Someone else changed this record at" in page and "They changed: Description, rank" in page
    minor.refresh_from_db()
    assert (minor.rank, minor.description) == (4, "")
    # The page is now based on the grading as it stands: saving again is a deliberate choice.
    again = _version(refused)
    assert (
        client.post(
            url, form | {"description": ["Short-lived (synthetic)."], "expected_version": [again]}
        ).status_code
        == 302
    )
    minor.refresh_from_db()
    assert (minor.rank, minor.description) == (3, "Short-lived (synthetic).")


# --- Retiring ------------------------------------------------------------------------------------


def test_a_retired_group_type_is_not_offered_for_new_groups_and_old_ones_keep_it(as_user, member):
    group = make_group(member, group_type="drugs_supply", line_type="", line_names="")
    drugs = GroupType.objects.get(code="drugs_supply")
    client = as_user(member)
    retire = _url("panel_list_move", "group-types", drugs.pk, "retire")
    assert "The groups recorded with it keep it and still show it." in client.get(retire).content.decode()
    assert client.post(retire).status_code == 302
    drugs.refresh_from_db()
    assert drugs.active is False
    listing = client.get(_url("panel_list", "group-types")).content.decode()
    assert "Retired" in listing and _url("panel_list_move", "group-types", drugs.pk, "reinstate") in listing

    assert drugs not in GroupForm().fields["group_type"].queryset
    assert drugs in GroupForm(instance=group).fields["group_type"].queryset
    with pytest.raises(DisruptionError, match="That group type has been retired"):
        make_group(member, name="New (synthetic)", group_type="drugs_supply", line_type="")
    # The group keeps its type when its details are changed, and its page still shows it.
    group = OrganisedCrimeGroup.objects.get(pk=group.pk)  # its type as stored now: retired
    values = {name: getattr(group, name) for name in services.GROUP_FIELDS} | {"areas": "Yeovil"}
    assert services.group_update(actor=member, group=group, **values) == ["areas"]
    assert "Disruption Panel · Drugs supply" in client.get(group.get_absolute_url()).content.decode()
    # Another group cannot be moved onto it.
    blue = make_group(member)
    moved = {name: getattr(blue, name) for name in services.GROUP_FIELDS} | {
        "group_type": drugs,
        "line_type": "",
    }
    with pytest.raises(DisruptionError, match="That group type has been retired"):
        services.group_update(actor=member, group=blue, **moved)

    assert "already retired" in client.post(retire).content.decode()
    assert client.post(_url("panel_list_move", "group-types", drugs.pk, "reinstate")).status_code == 302
    drugs.refresh_from_db()
    assert drugs.active is True
    assert client.get(_url("panel_list_move", "group-types", drugs.pk, "delete")).status_code == 404
    events = AuditEvent.objects.filter(object_type="partnerships.grouptype", object_id=str(drugs.pk))
    assert list(events.values_list("changed_fields", flat=True)) == [["active"], ["active"]]


def test_a_retired_grading_is_not_offered_for_new_disruptions_and_old_ones_show_it(as_user, member):
    group = make_group(member)
    _outcome(group, member, "minor")
    minor = DisruptionGrading.objects.get(code="minor")
    client = as_user(member)
    assert client.post(_url("panel_list_move", "gradings", minor.pk, "retire")).status_code == 302
    assert minor not in OutcomeForm().fields["grading"].queryset
    with pytest.raises(DisruptionError, match="That grading has been retired"):
        _outcome(group, member, "minor")
    page = client.get(group.get_absolute_url()).content.decode()
    assert '<td class="govuk-table__cell">Minor</td>' in page


def test_a_retired_target_is_not_offered_for_new_tactics_and_its_tactics_keep_it(as_user, member):
    transport = TacticTarget.objects.get(code="transport")
    vehicles = Tactic.objects.get(code="vehicle_seizure")
    client = as_user(member)
    assert client.post(_url("panel_list_move", "tactic-targets", transport.pk, "retire")).status_code == 302
    transport.refresh_from_db()
    assert transport not in TacticForm().fields["target"].queryset
    assert transport in TacticForm(instance=vehicles).fields["target"].queryset
    with pytest.raises(DisruptionError, match="That target has been retired"):
        services.tactic_create(
            actor=member, name="Fuel card checks", target=transport, legal_basis="", used_by="Police"
        )
    library = client.get(reverse("partnerships:tactic_list")).content.decode()
    assert 'Transport <strong class="govuk-tag govuk-tag--grey">Retired target</strong>' in library
    assert "Vehicle checks and seizure" in library


def test_the_last_item_offered_cannot_be_retired(as_user, member):
    spec = services.PANEL_LISTS["gradings"]
    for code in ("major", "moderate"):
        services.panel_list_set_active(
            actor=member, spec=spec, item=DisruptionGrading.objects.get(code=code), active=False
        )
    minor = DisruptionGrading.objects.get(code="minor")
    url = _url("panel_list_move", "gradings", minor.pk, "retire")
    client = as_user(member)
    refusal = "This is the only grading offered for new disruptions: add another before retiring it."
    assert refusal in client.get(url).content.decode()
    assert refusal in client.post(url).content.decode()
    minor.refresh_from_db()
    assert minor.active is True


# --- Who sees them -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(MODELS))
@pytest.mark.parametrize("persona", ["agency_rep", "officer", "partnership_lead"])
def test_only_panel_members_see_and_keep_the_lists(request, as_user, kind, persona):
    client = as_user(request.getfixturevalue(persona))
    item = MODELS[kind].objects.order_by("pk").first()
    before = (MODELS[kind].objects.count(), item.name, item.active)
    for url in (
        _url("panel_list", kind),
        _url("panel_list_add", kind),
        _url("panel_list_edit", kind, item.pk),
        _url("panel_list_move", kind, item.pk, "retire"),
    ):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"name": "Changed (synthetic)", "rank": "1"}).status_code == 403, url
    item.refresh_from_db()
    assert (MODELS[kind].objects.count(), item.name, item.active) == before


def test_an_unknown_list_is_not_found(as_user, member):
    assert as_user(member).get(_url("panel_list", "bands")).status_code == 404


def test_a_list_counts_only_the_records_the_member_may_see(as_user, member, other_member):
    """A restricted Exploitation group not naming the member is not counted for them."""
    make_group(
        other_member, name="Hidden (synthetic)", group_type="exploitation", line_type="", restricted=True
    )
    make_group(member, name="Seen (synthetic)", group_type="exploitation", line_type="")

    def count_shown(user) -> str:
        page = as_user(user).get(_url("panel_list", "group-types")).content.decode()
        row = re.search(r"Exploitation</td>(.*?)</tr>", page, re.DOTALL).group(1)
        return re.findall(r'govuk-table__cell--numeric">(\d+)<', row)[0]

    assert (count_shown(member), count_shown(other_member)) == ("1", "2")
    # The rule that keeps a name in use still counts the hidden group.
    assert services.PANEL_LISTS["group-types"].uses(GroupType.objects.get(code="exploitation")) == 2


def test_the_admin_keeps_a_used_items_name_too(rf, admin_user, member):
    from django.contrib import admin

    request = rf.get("/admin/")
    request.user = admin_user
    type_admin = admin.site._registry[GroupType]
    county_line = GroupType.objects.get(code="county_line")
    assert set(type_admin.get_readonly_fields(request, county_line)) == {"code"}
    make_group(member)
    assert set(type_admin.get_readonly_fields(request, county_line)) == {"code", "name", "is_county_line"}
    assert "name" in type_admin.get_form(request, None).base_fields


def test_a_group_type_used_only_by_a_group_hidden_from_the_member_is_kept_in_neutral_words(
    as_user, member, other_member
):
    """A restricted Exploitation group not naming the member: its type still keeps its name (the
    rule counts every group), but the member is not told that groups are recorded with it."""
    from tests.platform.test_stale_edits import _form_on

    make_group(
        other_member, name="Hidden (synthetic)", group_type="exploitation", line_type="", restricted=True
    )
    exploitation = GroupType.objects.get(code="exploitation")
    url = _url("panel_list_edit", "group-types", exploitation.pk)
    neutral = "This group type&#x27;s name and whether it runs a deal line cannot be changed now"
    client = as_user(member)
    page = client.get(url).content.decode()
    assert neutral in page
    assert "Groups are recorded with this type" not in page and "Nothing is recorded" not in page
    refused = client.post(url, _form_on(client.get(url)) | {"name": ["Exploitation groups"]}).content.decode()
    assert neutral in refused and "Groups are recorded with this type" not in refused
    exploitation.refresh_from_db()
    assert exploitation.name == "Exploitation"
    # The member the group names (its recorder) sees it, so is told why.
    assert "Groups are recorded with this type" in as_user(other_member).get(url).content.decode()
