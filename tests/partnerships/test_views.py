import csv
import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partnerships.models import Person, Referral
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
from .test_import import GOOD, to_csv

pytestmark = pytest.mark.django_db


def split(name: str, day: dt.date) -> dict:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def referral_post(area, **extra) -> dict:
    data = {
        "area": area.pk,
        **split("referral_date", dt.date(2024, 6, 1)),
        "referring_agency": Agency.objects.get(code="POLICE").pk,
        "victim_name": "Vera Victim (synthetic)",
        **split("victim_dob", dt.date(1990, 5, 1)),
        "victim_sex": "female",
        "victim_age": "34",
        "victim_ethnicity": "white_british",
        "victim_disabled": "no",
        "victim_lgbt": "no",
        "dash_yes": [str(n) for n in range(1, 15)],
        "children_in_household": "1",
    }
    data.update(extra)
    return data


def test_referral_form_saves_and_redirects(as_user, coordinator, area):
    response = as_user(coordinator).post(reverse("partnerships:referral_create"), referral_post(area))
    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == referral.get_absolute_url()
    assert referral.dash_score == 14 and referral.victim.full_name == "Vera Victim (synthetic)"


def test_referral_form_keeps_input_and_explains_refusal(as_user, coordinator, area):
    response = as_user(coordinator).post(
        reverse("partnerships:referral_create"), referral_post(area, dash_yes=["1", "2"], victim_age="34")
    )
    body = response.content.decode()
    assert response.status_code == 200 and "meets none of the MARAC criteria" in body
    assert 'value="Vera Victim (synthetic)"' in body
    assert Referral.objects.count() == 0


def test_professional_judgement_without_reasons_is_a_field_error(as_user, coordinator, area):
    response = as_user(coordinator).post(
        reverse("partnerships:referral_create"), referral_post(area, professional_judgement="on")
    )
    assert "Give the reasons for referring on professional judgement" in response.content.decode()
    assert Referral.objects.count() == 0


def test_possible_match_must_be_chosen_then_repeat_recorded_against_same_person(as_user, coordinator, area):
    existing = PersonFactory(full_name="Vera Victim (synthetic)", date_of_birth=dt.date(1990, 5, 1))
    ReferralFactory(victim=existing, area=area, referral_date=dt.date(2024, 1, 1))
    client = as_user(coordinator)
    response = client.post(reverse("partnerships:referral_create"), referral_post(area))
    body = response.content.decode()
    assert response.status_code == 200
    assert existing.reference in body and "No, this is a new person" in body
    assert Referral.objects.count() == 1
    response = client.post(
        reverse("partnerships:referral_create"),
        referral_post(area, victim_match=str(existing.pk), dash_yes=[]),
    )
    assert response.status_code == 302
    new = Referral.objects.latest("id")
    assert new.victim == existing and new.is_repeat is True
    assert Person.objects.filter(role="victim").count() == 1


def test_choosing_new_person_creates_one(as_user, coordinator, area):
    existing = PersonFactory(full_name="Vera Victim (synthetic)", date_of_birth=dt.date(1990, 5, 1))
    as_user(coordinator).post(
        reverse("partnerships:referral_create"), referral_post(area, victim_match="new")
    )
    assert Referral.objects.get().victim != existing


def test_referral_list_query_count_is_fixed_and_ids_audited(
    as_user, coordinator, area, django_assert_max_num_queries
):
    client = as_user(coordinator)
    for n in range(3):
        ReferralFactory(area=area, reference=f"L{n}")
    url = reverse("partnerships:referral_list") + "?sort=-score&repeat=no"
    client.get(url)
    with django_assert_max_num_queries(22) as few:
        client.get(url)
    for n in range(3, 30):
        ReferralFactory(area=area, reference=f"L{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200 and "Page 1 of 2" in response.content.decode()
    event = AuditEvent.objects.filter(action="list", object_type="partnerships.referral").first()
    assert len(event.detail["ids"]) == 25


def test_action_and_meeting_lists_fixed_queries(
    as_user, coordinator, agency_rep, area, django_assert_max_num_queries
):
    meeting = MeetingFactory(area=area)
    AttendanceFactory(meeting=meeting)
    for _ in range(3):
        referral = ReferralFactory(area=area)
        AgendaItemFactory(meeting=meeting, referral=referral)
        ActionFactory(meeting=meeting, referral=referral)
    for persona in (coordinator, agency_rep):
        client = as_user(persona)
        for name in (
            "partnerships:action_list",
            "partnerships:meeting_list",
            "partnerships:marac_home",
            "partnerships:case_list",
        ):
            client.get(reverse(name))
            with django_assert_max_num_queries(22):
                assert client.get(reverse(name) + "?overdue=yes").status_code == 200
        with django_assert_max_num_queries(28):
            assert client.get(reverse("partnerships:meeting_detail", args=[meeting.pk])).status_code == 200
    for _ in range(20):
        referral = ReferralFactory(area=area)
        AgendaItemFactory(meeting=meeting, referral=referral)
        ActionFactory(meeting=meeting, referral=referral)
    client = as_user(coordinator)
    with django_assert_max_num_queries(22):
        client.get(reverse("partnerships:action_list"))
    with django_assert_max_num_queries(28):
        client.get(reverse("partnerships:meeting_detail", args=[meeting.pk]))


def test_empty_states(as_user, coordinator):
    client = as_user(coordinator)
    assert (
        "There are no referrals you can see"
        in client.get(reverse("partnerships:referral_list")).content.decode()
    )
    assert "There are no meetings" in client.get(reverse("partnerships:meeting_list")).content.decode()
    assert "There are no actions" in client.get(reverse("partnerships:action_list")).content.decode()


def test_import_page_reports_each_bad_row(as_user, coordinator, area, django_capture_on_commit_callbacks):
    client = as_user(coordinator)
    bad = to_csv([GOOD, GOOD | {"referral_id": "X2", "victim_sex": "x", "dash_score": "99"}])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("partnerships:referral_import"), {"file": SimpleUploadedFile("r.csv", bad)}
        )
    body = client.get(response["Location"]).content.decode()
    assert "Nothing has been saved" in body and "victim_sex" in body and "dash_score" in body
    assert Referral.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("partnerships:referral_import"), {"file": SimpleUploadedFile("r.csv", to_csv([GOOD]))}
        )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"])
    assert Referral.objects.count() == 1
    response = client.post(
        reverse("partnerships:referral_import"), {"file": SimpleUploadedFile("r.txt", b"x")}
    )
    assert "must be a CSV file" in response.content.decode()


def test_return_page_csv_and_disclosure(
    as_user, partnership_lead, coordinator, area, django_assert_max_num_queries
):
    ReferralFactory(area=area, status="heard", heard_date=dt.date(2024, 2, 1))
    lead = as_user(partnership_lead)
    query = f"?area={area.code}&start=2024-01-01&end=2024-03-31"
    with django_assert_max_num_queries(12):
        body = lead.get(reverse("partnerships:data_return") + query).content.decode()
    assert "National 31%" in body and "Cases discussed" in body
    assert "fewer than 5" in body  # one case: a small count, suppressed for leads
    assert "Download the return as CSV" not in body
    assert lead.get(reverse("partnerships:data_return_csv") + query).status_code == 403
    client = as_user(coordinator)
    assert (
        "Download the return as CSV"
        in client.get(reverse("partnerships:data_return") + query).content.decode()
    )
    response = client.get(reverse("partnerships:data_return_csv") + query)
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert response["Content-Disposition"].startswith("attachment")
    assert rows[1][:4] == [area.code, "2024-01-01", "2024-03-31", "1"]
    assert AuditEvent.objects.filter(action="disclose", object_type="partnerships.datareturn").count() == 1
    body = lead.get(reverse("partnerships:data_return") + "?start=2024-03-01&end=2024-01-01").content.decode()
    assert "The last day must be on or after the first day" in body


def test_a_refused_meeting_shows_the_services_words_beside_the_date(as_user, coordinator, area):
    """A second meeting of the area on one day: the service's refusal (through errors_on) is on
    the date field, so the error summary links to the date's first input, and nothing is saved."""
    client = as_user(coordinator)
    data = {
        "area": area.pk,
        **split("date", dt.date(2024, 7, 1)),
        "agencies": [Agency.objects.get(code="POLICE").pk],
    }
    assert client.post(reverse("partnerships:meeting_create"), data).status_code == 302
    refused = client.post(reverse("partnerships:meeting_create"), data)
    assert refused.status_code == 200
    message = f"{area.name} already has a meeting on 1 July 2024."
    assert refused.context["form"].errors["date"] == [message]
    assert 'href="#id_date_0"' in refused.content.decode()
    assert area.meetings.count() == 1


def test_meeting_journey_through_views(as_user, coordinator, area):
    client = as_user(coordinator)
    response = client.post(
        reverse("partnerships:meeting_create"),
        {
            "area": area.pk,
            **split("date", dt.date(2024, 7, 1)),
            "agencies": [Agency.objects.get(code="POLICE").pk],
        },
    )
    meeting = area.meetings.get()
    assert response.status_code == 302
    ReferralFactory(area=area, referral_date=dt.date(2024, 6, 1))
    client.post(reverse("partnerships:meeting_step", args=[meeting.pk, "generate_agenda"]))
    client.post(reverse("partnerships:meeting_step", args=[meeting.pk, "start"]))
    item = meeting.agenda_items.get()
    client.post(reverse("partnerships:agenda_item", args=[item.pk]), {"minutes": "Discussed (synthetic)"})
    response = client.post(
        reverse("partnerships:action_create", args=[item.pk]),
        {
            "agency": Agency.objects.get(code="HOUSING").pk,
            "description": "Locks",
            **split("due_date", dt.date(2024, 7, 20)),
        },
    )
    assert response.status_code == 302
    response = client.post(reverse("partnerships:meeting_step", args=[meeting.pk, "conclude"]))
    meeting.refresh_from_db()
    assert meeting.status == "concluded"
    referral = item.cases.get().referral
    assert referral.heard_date == dt.date(2024, 7, 1)
    body = client.get(reverse("partnerships:meeting_step", args=[meeting.pk, "conclude"])).content.decode()
    assert "Conclude the meeting?" in body
    response = client.post(reverse("partnerships:meeting_step", args=[meeting.pk, "conclude"]))
    assert "Only a meeting in progress can be concluded" in response.content.decode()


def test_area_list_shows_schedule_with_fixed_queries(as_user, officer, area, django_assert_max_num_queries):
    MeetingFactory(area=area, date=dt.date(2020, 1, 6))
    MeetingFactory(area=area, date=dt.date.today() + dt.timedelta(days=3))
    client = as_user(officer)
    client.get(reverse("partnerships:area_list"))
    with django_assert_max_num_queries(12):
        body = client.get(reverse("partnerships:area_list") + "?sort=-population").content.decode()
    assert "Test MARAC (synthetic)" in body and "6 Jan 2020" in body and "20000" in body


def test_coordinator_corrects_restricted_details_with_audit(as_user, coordinator, officer, area):
    referral = ReferralFactory(area=area, perpetrator=PersonFactory(role="perpetrator"))
    url = reverse("partnerships:person_edit", args=[referral.pk, "victim"])
    assert as_user(officer).get(url).status_code == 403
    assert (
        as_user(coordinator)
        .get(reverse("partnerships:person_edit", args=[referral.pk, "nobody"]))
        .status_code
        == 404
    )
    response = as_user(coordinator).post(
        url,
        {
            "full_name": "Renamed (synthetic)",
            "address": "2 New Road (synthetic)",
            **split("date_of_birth", dt.date(1991, 2, 3)),
        },
    )
    assert response.status_code == 302
    referral.victim.refresh_from_db()
    assert referral.victim.full_name == "Renamed (synthetic)" and referral.victim.date_of_birth == dt.date(
        1991, 2, 3
    )
    assert referral.victim.normalised_name == "renamed synthetic"  # matched by its new name
    event = AuditEvent.objects.filter(action="change", object_type="partnerships.person").first()
    assert event.changed_fields == ["address", "date_of_birth", "full_name"]
    assert "Renamed" not in str(event.detail)
    response = as_user(coordinator).post(
        url, {"full_name": "X", **split("date_of_birth", dt.date(2999, 1, 1))}
    )
    assert "must be in the past" in response.content.decode()


def test_referral_list_search_by_reference(as_user, coordinator, area):
    ReferralFactory(area=area, reference="FINDME1")
    ReferralFactory(area=area, reference="OTHER22")
    body = (
        as_user(coordinator).get(reverse("partnerships:referral_list") + "?reference=findme").content.decode()
    )
    assert "FINDME1" in body and "OTHER22" not in body


def test_marac_home_links_to_the_return_only_for_those_who_may_open_it(as_user, agency_rep, coordinator):
    return_url = reverse("partnerships:data_return")
    assert return_url not in as_user(agency_rep).get(reverse("partnerships:marac_home")).content.decode()
    assert return_url in as_user(coordinator).get(reverse("partnerships:marac_home")).content.decode()


def test_return_page_hides_what_would_give_a_small_count_back(as_user, partnership_lead, coordinator, area):
    # 7 cases: 6 referred by the police, 1 by another agency. The 1 reads "fewer than 5"; the 6
    # would give it back (7 − 6), so it is not shown either, nor the percentages worked from
    # them. The 7 cases, and figures not in that sum, are shown.
    from tests.factories import AgencyFactory

    for day in range(1, 7):
        ReferralFactory(area=area, status="heard", heard_date=dt.date(2024, 2, day))
    ReferralFactory(
        area=area, status="heard", heard_date=dt.date(2024, 2, 9), referring_agency=AgencyFactory()
    )
    query = f"?area={area.code}&start=2024-01-01&end=2024-03-31"

    def figures(user):
        body = as_user(user).get(reverse("partnerships:data_return") + query).content.decode()
        rows = re.findall(
            r'<th scope="row" class="govuk-table__header">([^<]*)</th><td[^>]*>([^<]*)</td>', body
        )
        return dict(rows)

    lead = figures(partnership_lead)
    assert lead["Cases discussed"] == "7"
    assert lead["Referred by other agencies"] == "fewer than 5"
    assert lead["Referred by the police"] == "not shown"
    assert lead["Referred by other agencies (%)"] == "not shown"
    assert lead["Repeat cases"] == "0"
    coordinator_sees = figures(coordinator)
    assert coordinator_sees["Referred by the police"] == "6"
    assert coordinator_sees["Referred by other agencies"] == "1"
    assert coordinator_sees["Referred by other agencies (%)"] == "14.3"
