"""The access matrix: personas x MARAC pages. Not visible = 404; visible but not allowed = 403."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from partnerships.models import AgendaSection, MeetingStatus
from somerset_safety.accounts.models import Agency
from somerset_safety.audit.models import AuditEvent

from .factories import (
    ActionFactory,
    AgendaItemFactory,
    AttendanceFactory,
    MeetingFactory,
    PersonFactory,
    ReferralFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(area):
    health, housing = Agency.objects.get(code="HEALTH"), Agency.objects.get(code="HOUSING")
    meeting = MeetingFactory(area=area, date=dt.date(2024, 7, 1))
    AttendanceFactory(meeting=meeting, agency=Agency.objects.get(code="POLICE"))
    open_case = ReferralFactory(
        area=area,
        referring_agency=health,
        reference="OPEN1",
        status="listed",
        victim=PersonFactory(full_name="Olga Open (synthetic)"),
    )
    restricted = ReferralFactory(
        area=area,
        referring_agency=health,
        reference="RESTR1",
        restricted=True,
        status="listed",
        victim=PersonFactory(full_name="Rita Restricted (synthetic)"),
    )
    elsewhere = ReferralFactory(
        area=area,
        referring_agency=Agency.objects.get(code="CSC"),
        reference="ELSE1",
        victim=PersonFactory(full_name="Elsie Elsewhere (synthetic)"),
    )
    AgendaItemFactory(meeting=meeting, referral=open_case, section=AgendaSection.NEW_WITH_CHILDREN)
    AgendaItemFactory(meeting=meeting, referral=restricted, section=AgendaSection.NEW_WITHOUT_CHILDREN)
    action_open = ActionFactory(
        referral=open_case, meeting=meeting, agency=health, description="Health visit"
    )
    action_housing = ActionFactory(referral=elsewhere, meeting=meeting, agency=housing, description="Locks")
    return {
        "meeting": meeting,
        "open": open_case,
        "restricted": restricted,
        "elsewhere": elsewhere,
        "action_open": action_open,
        "action_housing": action_housing,
    }


PERSONAS = [
    "coordinator",
    "officer",
    "agency_rep",
    "other_agency_rep",
    "partnership_lead",
    "review_chair",
    "auditor",
    "admin_user",
    "no_role_user",
]

# persona -> expected status for: open case, restricted case, elsewhere case, meeting, housing action
EXPECTED = {
    "coordinator": (200, 200, 200, 200, 200),
    "officer": (200, 404, 200, 200, 200),
    "agency_rep": (200, 404, 404, 200, 404),
    "other_agency_rep": (404, 404, 200, 404, 200),
    "partnership_lead": (403, 403, 403, 403, 403),
    "review_chair": (403, 403, 403, 403, 403),
    "auditor": (403, 403, 403, 403, 403),
    "admin_user": (403, 403, 403, 403, 403),
    "no_role_user": (403, 403, 403, 403, 403),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_detail_pages(request, as_user, world, persona):
    client = as_user(request.getfixturevalue(persona))
    urls = [
        reverse("partnerships:referral_detail", args=[world["open"].pk]),
        reverse("partnerships:referral_detail", args=[world["restricted"].pk]),
        reverse("partnerships:referral_detail", args=[world["elsewhere"].pk]),
        reverse("partnerships:meeting_detail", args=[world["meeting"].pk]),
        reverse("partnerships:action_detail", args=[world["action_housing"].pk]),
    ]
    assert tuple(client.get(url).status_code for url in urls) == EXPECTED[persona]


@pytest.mark.parametrize(
    ("persona", "shown", "hidden"),
    [
        ("coordinator", {"OPEN1", "RESTR1", "ELSE1"}, set()),
        ("officer", {"OPEN1", "ELSE1"}, {"RESTR1"}),
        ("agency_rep", {"OPEN1"}, {"RESTR1", "ELSE1"}),
        ("other_agency_rep", {"ELSE1"}, {"OPEN1", "RESTR1"}),
    ],
)
def test_referral_list_never_shows_an_out_of_scope_row(request, as_user, world, persona, shown, hidden):
    client = as_user(request.getfixturevalue(persona))
    for name in ("partnerships:referral_list", "partnerships:case_list"):
        body = client.get(reverse(name)).content.decode()
        for reference in hidden:
            assert reference not in body
    response = client.get(reverse("partnerships:referral_list"))
    body = response.content.decode()
    for reference in shown:
        assert reference in body
    assert response.context["page"].count == len(shown)


@pytest.mark.parametrize("persona", ["coordinator", "officer", "agency_rep", "other_agency_rep"])
def test_the_list_counts_the_rows_it_shows(request, as_user, world, persona, area, settings):
    """The count is worked out apart from the rows (an agency's own referrals and the others it
    sees, counted separately so the database can use its indexes): it is the number of rows
    the pages walk, a referral the agency both referred and holds an action on or saw on an
    agenda counted once, and capped at LIST_COUNT_CAP."""
    from partnerships.permissions import referrals_visible_to

    user = request.getfixturevalue(persona)
    police, housing = Agency.objects.get(code="POLICE"), Agency.objects.get(code="HOUSING")
    # Police's own referrals: one with a police action, one on the agenda police attended, one
    # restricted; and housing's own, one of them with a housing action too.
    with_action = ReferralFactory(area=area, referring_agency=police, reference="POL1")
    ActionFactory(referral=with_action, meeting=world["meeting"], agency=police)
    on_agenda = ReferralFactory(area=area, referring_agency=police, reference="POL2")
    AgendaItemFactory(meeting=world["meeting"], referral=on_agenda, section=AgendaSection.NEW_WITH_CHILDREN)
    ReferralFactory(area=area, referring_agency=police, reference="POL3", restricted=True)
    housing_own = ReferralFactory(area=area, referring_agency=housing, reference="HOU1")
    ActionFactory(referral=housing_own, meeting=world["meeting"], agency=housing)
    ReferralFactory(area=area, referring_agency=housing, reference="HOU2")
    expected = {
        "coordinator": {"OPEN1", "RESTR1", "ELSE1", "POL1", "POL2", "POL3", "HOU1", "HOU2"},
        "officer": {"OPEN1", "ELSE1", "POL1", "POL2", "HOU1", "HOU2"},
        "agency_rep": {"OPEN1", "POL1", "POL2", "POL3"},
        "other_agency_rep": {"ELSE1", "HOU1", "HOU2"},
    }[persona]
    assert set(referrals_visible_to(user).values_list("reference", flat=True)) == expected
    client = as_user(user)
    settings.LIST_PAGE_SIZE = 2
    walked, url = [], reverse("partnerships:referral_list")
    query = ""
    while query is not None:
        page = client.get(url + query).context["page"]
        assert page.count == len(expected) and not page.capped
        walked += [referral.reference for referral in page]
        query = page.next_url if page.has_next else None
    assert sorted(walked) == sorted(expected)
    settings.LIST_COUNT_CAP = 2
    page = client.get(reverse("partnerships:referral_list")).context["page"]
    assert page.capped and page.count_display == "More than 2"


def test_agency_not_attending_sees_none_of_the_meetings_cases(as_user, other_agency_rep, world):
    client = as_user(other_agency_rep)
    assert client.get(reverse("partnerships:meeting_detail", args=[world["meeting"].pk])).status_code == 404
    body = client.get(reverse("partnerships:meeting_list")).content.decode()
    assert "1 July 2024" not in body
    body = client.get(
        reverse("partnerships:referral_list") + f"?meeting={world['meeting'].pk}"
    ).content.decode()
    assert "OPEN1" not in body and "RESTR1" not in body
    actions = client.get(reverse("partnerships:action_list")).content.decode()
    assert "Health visit" not in actions and "Locks" in actions


def test_restricted_case_shows_as_restricted_on_the_agenda(as_user, agency_rep, coordinator, world):
    body = (
        as_user(agency_rep)
        .get(reverse("partnerships:meeting_detail", args=[world["meeting"].pk]))
        .content.decode()
    )
    assert "OPEN1" in body and "RESTR1" not in body and "Restricted" in body
    body = (
        as_user(coordinator)
        .get(reverse("partnerships:meeting_detail", args=[world["meeting"].pk]))
        .content.decode()
    )
    assert "RESTR1" in body


@pytest.mark.parametrize(
    ("persona", "case", "sees_identity"),
    [
        ("coordinator", "open", True),
        ("officer", "open", False),
        ("agency_rep", "open", False),  # attends the meeting but is not on the case
        ("other_agency_rep", "elsewhere", True),  # holds an action on the case
    ],
)
def test_restricted_fields_only_for_coordinator_and_agencies_on_the_case(
    request, as_user, world, persona, case, sees_identity
):
    referral = world[case]
    body = (
        as_user(request.getfixturevalue(persona))
        .get(reverse("partnerships:referral_detail", args=[referral.pk]))
        .content.decode()
    )
    assert (referral.victim.full_name in body) is sees_identity
    assert referral.victim.reference in body
    event = AuditEvent.objects.filter(
        action="view", object_type="partnerships.referral", object_id=str(referral.pk)
    ).first()
    assert event.detail["restricted_fields"] is sees_identity


@pytest.mark.parametrize("persona", ["officer", "agency_rep", "other_agency_rep"])
def test_only_the_coordinator_changes_records(request, as_user, world, persona):
    client = as_user(request.getfixturevalue(persona))
    visible_case = world["elsewhere"] if persona == "other_agency_rep" else world["open"]
    posts = [
        reverse("partnerships:referral_create"),
        reverse("partnerships:referral_import"),
        reverse("partnerships:meeting_create"),
        reverse("partnerships:referral_withdraw", args=[visible_case.pk]),
        reverse("partnerships:referral_handling", args=[visible_case.pk]),
    ]
    if persona != "other_agency_rep":
        posts += [
            reverse("partnerships:meeting_step", args=[world["meeting"].pk, "start"]),
            reverse("partnerships:meeting_attendance", args=[world["meeting"].pk]),
        ]
    for url in posts:
        assert client.post(url, {"reason": "x"}).status_code == 403, url
    world["meeting"].refresh_from_db()
    assert world["meeting"].status == MeetingStatus.SCHEDULED


def test_agency_rep_completes_own_agency_action_only(as_user, other_agency_rep, agency_rep, world):
    url = reverse("partnerships:action_complete", args=[world["action_housing"].pk])
    assert as_user(agency_rep).get(url).status_code == 404
    assert as_user(other_agency_rep).get(url).status_code == 200
    carry = reverse("partnerships:action_carry_forward", args=[world["action_housing"].pk])
    assert as_user(other_agency_rep).get(carry).status_code == 403


def test_anonymous_is_sent_to_sign_in(world):
    for url in [
        reverse("partnerships:marac_home"),
        reverse("partnerships:referral_detail", args=[world["open"].pk]),
        reverse("partnerships:data_return"),
    ]:
        response = Client().get(url)
        assert response.status_code == 302 and "/sign-in/" in response["Location"]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 200),
        ("officer", 200),
        ("partnership_lead", 200),
        ("agency_rep", 403),
        ("review_chair", 403),
        ("no_role_user", 403),
    ],
)
def test_data_return_access(request, as_user, world, persona, status):
    client = as_user(request.getfixturevalue(persona))
    assert client.get(reverse("partnerships:data_return")).status_code == status
