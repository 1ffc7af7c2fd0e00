"""Disruption Panel register: the access matrix, the group's moves, the band's review cycle, a
child's safeguarding referral and the NRM link through the duties app."""

import datetime as dt
import functools

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from partnerships.disruption import services
from partnerships.disruption.permissions import groups_visible_to
from partnerships.exceptions import DisruptionError
from partnerships.models import GroupStatus, GroupType, OrganisedCrimeGroup, ThreatBand
from somerset_safety.accounts.roles import Role
from somerset_safety.audit.models import AuditEvent
from somerset_safety.deadlines.models import Deadline
from somerset_safety.meetings import models as platform
from tests.factories import UserFactory
from tests.partnerships import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(police):
    return UserFactory(agency=police, roles=[Role.PANEL_MEMBER], full_name="Pat Panel")


@pytest.fixture
def other_member(council_team):
    return UserFactory(agency=council_team, roles=[Role.PANEL_MEMBER], full_name="Mo Member")


@pytest.fixture
def make_group(member):
    """The Blue Line, recorded by the member (the shared factory), with any value changed."""
    return functools.partial(factories.make_group, member)


def _task(group, agency):
    """A 4P action for `agency` on the group, as a panel meeting would agree it."""
    from partnerships.models import DisruptionPanel

    panel = DisruptionPanel.objects.get()
    from somerset_safety.meetings.services import body_for

    body = body_for(panel)
    meeting = platform.Meeting.objects.filter(body=body).first() or platform.Meeting.objects.create(
        body=body, date=dt.date(2026, 2, 1)
    )
    return platform.Action.objects.create(
        meeting=meeting,
        subject_type=ContentType.objects.get_for_model(group),
        subject_id=group.pk,
        agency=agency,
        description="Visit the address",
        due_date=dt.date(2026, 3, 1),
    )


def test_references_are_numbered_per_referral_year(make_group):
    first, second = make_group(), make_group(referred_on=dt.date(2025, 12, 1))
    third = make_group()
    assert (first.reference, second.reference, third.reference) == (
        "OCG-2026-0001",
        "OCG-2025-0001",
        "OCG-2026-0002",
    )


def test_a_county_line_needs_its_line_type(make_group):
    with pytest.raises(DisruptionError, match="outside the area or within"):
        make_group(line_type="")


def test_access_matrix(
    as_user, make_group, member, other_member, agency_rep, other_agency_rep, officer, partnership_lead, police
):
    group = make_group()
    restricted = make_group(restricted=True)
    _task(group, police)
    _task(restricted, police)
    url, restricted_url = group.get_absolute_url(), restricted.get_absolute_url()
    # Panel members see the group with its line names; the restricted one only its named people.
    page = as_user(member).get(url)
    assert page.status_code == 200 and "BLUE 07700 900000" in page.content.decode()
    assert as_user(member).get(restricted_url).status_code == 200  # named: they restricted it
    assert as_user(other_member).get(restricted_url).status_code == 404
    # The tasked agency sees the group, without line names; not the restricted one.
    tasked = as_user(agency_rep).get(url)
    assert tasked.status_code == 200 and "BLUE 07700" not in tasked.content.decode()
    assert as_user(agency_rep).get(restricted_url).status_code == 404
    assert as_user(agency_rep).get(reverse("partnerships:ocg_edit", args=[group.pk])).status_code == 403
    # Everyone else: nothing exists.
    for user in (other_agency_rep, officer, partnership_lead):
        assert as_user(user).get(url).status_code == 404
    assert as_user(partnership_lead).get(reverse("partnerships:ocg_list")).status_code == 403
    listed = as_user(other_agency_rep).get(reverse("partnerships:ocg_list")).content.decode()
    assert group.reference not in listed
    assert list(groups_visible_to(other_member)) == [group]


def test_every_view_of_a_group_is_audited(as_user, make_group, member):
    group = make_group()
    as_user(member).get(group.get_absolute_url())
    assert AuditEvent.objects.filter(action="view", object_id=str(group.pk)).count() == 1


def test_moves_need_a_reason_and_follow_the_table(make_group, member):
    group = make_group()
    with pytest.raises(DisruptionError, match="reason"):
        services.group_move(actor=member, group=group, move="adopt", reason=" ", on=dt.date(2026, 1, 6))
    with pytest.raises(DisruptionError):
        services.group_move(
            actor=member, group=group, move="reduce", reason="Fewer sales", on=dt.date(2026, 1, 6)
        )
    group = services.group_move(
        actor=member, group=group, move="adopt", reason="Meets threshold", on=dt.date(2026, 1, 6)
    )
    group = services.group_move(
        actor=member, group=group, move="activate", reason="Plan agreed", on=dt.date(2026, 1, 7)
    )
    group = services.group_move(
        actor=member, group=group, move="reduce", reason="Line closed", on=dt.date(2026, 2, 7)
    )
    assert (group.status, group.status_reason) == (GroupStatus.REDUCED, "Line closed")


def test_the_current_band_sets_the_review_date_and_its_deadline(make_group, member):
    group = make_group()
    services.group_move(
        actor=member, group=group, move="adopt", reason="Meets threshold", on=dt.date(2026, 1, 6)
    )
    band1, band3 = ThreatBand.objects.get(code="1"), ThreatBand.objects.get(code="3")
    services.mapping_assessment_record(
        actor=member,
        group=group,
        band=band3,
        supplied_by="ROCU",
        supplied_on=dt.date(2026, 1, 10),
        rationale="x",
    )
    group.refresh_from_db()
    assert group.review_date == dt.date(2026, 4, 10)  # band 3: quarterly
    services.mapping_assessment_record(
        actor=member,
        group=group,
        band=band1,
        supplied_by="ROCU",
        supplied_on=dt.date(2026, 1, 20),
        rationale="y",
    )
    group.refresh_from_db()
    assert group.review_date == dt.date(2026, 2, 20)  # band 1: monthly
    deadline = Deadline.objects.get(kind="disruption_group_review", subject_id=group.pk)
    assert deadline.due_date == dt.date(2026, 2, 20) and "OCG-2026-0001" in deadline.label
    # Reviewed at a meeting on 15 February: the next review is a band-1 cycle on.
    services.group_refresh_review_date(group=group, actor=member, reviewed_on=dt.date(2026, 2, 15))
    group.refresh_from_db()
    assert group.review_date == dt.date(2026, 3, 15)
    assert len(group.mapping_assessments.all()) == 2  # history kept


def _exploited(**overrides):
    values = dict(
        age_group="child",
        full_name="",
        date_of_birth=None,
        exploitation_types=["criminal"],
        safeguarding_referral_made=False,
        safeguarding_referral_to=None,
        safeguarding_referral_on=None,
        no_referral_reason="",
        nrm_reference="",
        missing_episodes=0,
        last_missing_on=None,
    )
    return values | overrides


def test_a_child_needs_a_safeguarding_referral_or_the_reason(make_group, member, council_team):
    group = make_group()
    with pytest.raises(DisruptionError, match="safeguarding referral"):
        services.exploited_person_save(actor=member, group=group, **_exploited())
    person = services.exploited_person_save(
        actor=member,
        group=group,
        **_exploited(
            safeguarding_referral_made=True,
            safeguarding_referral_to=council_team,
            safeguarding_referral_on=dt.date(2026, 1, 2),
        ),
    )
    assert person.reference.startswith("E")
    adult = services.exploited_person_save(actor=member, group=group, **_exploited(age_group="adult"))
    assert adult.pk


def test_the_nrm_link_goes_through_the_duties_selector(make_group, member, monkeypatch):
    group = make_group()
    seen = []

    def exists(reference):
        seen.append(reference)
        return reference == "MS-2026-0001"

    monkeypatch.setattr("duties.selectors.nrm_referral_exists", exists)
    with pytest.raises(DisruptionError, match="no NRM referral MS-2026-0009"):
        services.exploited_person_save(
            actor=member, group=group, **_exploited(age_group="adult", nrm_reference="MS-2026-0009")
        )
    person = services.exploited_person_save(
        actor=member, group=group, **_exploited(age_group="adult", nrm_reference="MS-2026-0001")
    )
    assert person.nrm_reference == "MS-2026-0001" and seen == ["MS-2026-0009", "MS-2026-0001"]


def test_history_keeps_no_line_names(make_group, member):
    group = make_group()
    fields = {f.name for f in OrganisedCrimeGroup.history.model._meta.fields}
    assert "line_names" not in fields and "status" in fields
    assert group.history.count() == 1


def test_panel_member_records_a_group_through_the_page(as_user, member, police):
    response = as_user(member).post(
        reverse("partnerships:ocg_create"),
        {
            "name": "Red Line (synthetic)",
            "group_type": GroupType.objects.get(code="drugs_supply").pk,
            "areas": "Yeovil",
            "referred_on_0": "5",
            "referred_on_1": "1",
            "referred_on_2": "2026",
            "referring_agency": police.pk,
            "lead_agency": police.pk,
        },
    )
    group = OrganisedCrimeGroup.objects.get()
    assert response.status_code == 302 and response["Location"] == group.get_absolute_url()
    bad = as_user(member).post(reverse("partnerships:ocg_create"), {"name": "Only a name"})
    assert bad.status_code == 200 and "Only a name" in bad.content.decode()
    assert OrganisedCrimeGroup.objects.count() == 1


def test_list_query_count_is_fixed(as_user, make_group, member, django_assert_max_num_queries):
    for _ in range(6):
        make_group()
    client = as_user(member)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("partnerships:ocg_list"))
    assert page.content.decode().count("OCG-2026-") == 6


def _outcome(group, member, police, **overrides):
    from partnerships.models import DisruptionGrading

    values = dict(
        outcome_type="arrest",
        strand="pursue",
        occurred_on=dt.date(2026, 2, 10),
        agency=police,
        grading=DisruptionGrading.objects.get(code="major"),
        number=1,
        value=None,
        line_type="",
        description="",
    )
    return services.outcome_record(actor=member, group=group, **(values | overrides))


def test_outcome_rules(make_group, member, police):
    group = make_group()
    with pytest.raises(DisruptionError, match="value of the assets"):
        _outcome(group, member, police, outcome_type="asset_seizure")
    line = _outcome(group, member, police, outcome_type="line_closed")
    assert line.line_type == "imported"  # the group's own line type
    with pytest.raises(DisruptionError, match="before the group was referred"):
        _outcome(group, member, police, occurred_on=dt.date(2025, 12, 31))


def test_figures_against_hand_worked_counts(make_group, member, police, today_is):
    from decimal import Decimal

    from partnerships.disruption.reporting import disruption_figures

    today_is(dt.date(2026, 1, 5))
    band1 = ThreatBand.objects.get(code="1")
    a, b, c = make_group(), make_group(), make_group()
    today_is(dt.date(2026, 3, 20))
    services.group_move(actor=member, group=a, move="adopt", reason="r", on=dt.date(2026, 1, 6))
    services.group_move(actor=member, group=c, move="archive", reason="r", on=dt.date(2026, 1, 6))
    services.mapping_assessment_record(
        actor=member, group=a, band=band1, supplied_by="ROCU", supplied_on=dt.date(2026, 1, 7), rationale="r"
    )
    _outcome(a, member, police, number=3)  # 3 arrests, Q1 2026
    _outcome(a, member, police, outcome_type="line_closed", strand="pursue")
    _outcome(b, member, police, outcome_type="safeguarded", strand="protect", number=2)
    _outcome(b, member, police, outcome_type="asset_seizure", value=Decimal("1500.50"), strand="pursue")
    data = disruption_figures(dt.date(2026, 3, 20))
    # Open groups: a adopted at band 1; b referred, not yet banded; c archived (not open).
    by_band = {row["band"]: row["counts"] for row in data["by_band"]}
    assert by_band["Band 1"] == [0, 1, 0, 0] and by_band["Not yet banded"] == [1, 0, 0, 0]
    assert data["open_groups"] == 2
    # Q1 2026 (Jan to Mar): pursue 3 records, protect 1.
    assert data["quarters"][-1]["counts"] == [3, 0, 1, 0] and data["disruptions"] == 4
    assert {m["key"]: m["count"] for m in data["measures"]} == {
        "lines_closed": 1,
        "arrests": 3,
        "safeguarded": 2,
    }
    assert data["seized_value"] == "1500.50"
    # As at 6 January, before the band and the archiving: the figures as they stood then.
    earlier = disruption_figures(dt.date(2026, 1, 5))
    assert earlier["open_groups"] == 3 and earlier["disruptions"] == 0


def test_figures_take_a_fixed_number_of_queries(make_group, member, police, django_assert_num_queries):
    from partnerships.disruption.reporting import disruption_figures

    def figures():
        # The groups as they stood with their bands, the band names with the overdue actions,
        # and the disruptions with their agencies.
        with django_assert_num_queries(3):
            return disruption_figures(dt.date.today())

    empty = figures()
    assert empty["open_groups"] == 0 and empty["actions_overdue"] == 0
    # The mapping scale's three bands (migration 0015), then groups with none.
    assert [row["band"] for row in empty["by_band"]] == ["Band 1", "Band 2", "Band 3", "Not yet banded"]
    for _ in range(3):
        group = make_group()
        _outcome(
            group, member, police, outcome_type="safeguarded", strand="protect", occurred_on=dt.date.today()
        )
    data = figures()
    assert data["open_groups"] == 3 and data["disruptions"] == 3


def test_dashboard_suppresses_small_counts_for_leads(as_user, make_group, member, police, partnership_lead):
    group = make_group()
    _outcome(group, member, police, outcome_type="safeguarded", strand="protect", number=2)
    page = as_user(partnership_lead).get(reverse("reports:dashboard")).content.decode()
    assert "Disruption Panel: organised crime and County Lines" in page
    assert "people safeguarded fewer than 5" in page
    assert group.reference not in page and "Blue Line" not in page


def test_demo_data_is_synthetic_and_idempotent(member):
    from partnerships.disruption.demo import load_demo
    from partnerships.models import DisruptionOutcome

    load_demo({"panel": member})
    load_demo({"panel": member})
    groups = OrganisedCrimeGroup.objects.all()
    assert groups.count() == 3 and all("(synthetic)" in g.name for g in groups)
    assert sorted(groups.values_list("status", flat=True)) == ["active", "adopted", "referred"]
    assert DisruptionOutcome.objects.count() == 4
    # A concluded meeting that tasked two 4P actions (one overdue now), and the next one.
    from partnerships.models import PanelAction, PanelMeeting
    from somerset_safety.meetings.selectors import overdue

    assert list(PanelMeeting.objects.order_by("date").values_list("status", flat=True)) == [
        "concluded",
        "scheduled",
    ]
    assert PanelAction.objects.count() == 2
    assert overdue(PanelAction.objects.all(), dt.date.today()).count() == 1
    from partnerships.disruption.reporting import disruption_figures

    assert disruption_figures(dt.date.today())["actions_overdue"] == 1  # read with the band names
