"""The disclosure bundle of a subject access request: PDF (through the one PDF module) and CSV
with the records disclosed and none withheld, logged as a disclosure; the response then meets its
deadline."""

import datetime as dt
import shutil
import subprocess

import pytest
from django.urls import reverse

from somerset_safety.accounts.roles import Role
from somerset_safety.audit.models import AuditAction, AuditEvent
from somerset_safety.deadlines.models import Deadline, DeadlineStatus
from somerset_safety.records import services
from somerset_safety.records.models import ItemDecision, Regime
from tests.conftest import verified_client
from tests.duties.factories import make_notification as make_slavery_record
from tests.factories import UserFactory
from tests.partnerships.factories import PersonFactory, ReferralFactory
from tests.reviews.factories import NotificationFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2027, 2, 10)
BORN = dt.date(1990, 4, 12)


@pytest.fixture(autouse=True)
def _today(today_is):
    return today_is(TODAY)


@pytest.fixture
def searcher(council_team):
    return UserFactory(
        agency=council_team, roles=[Role.OFFICER, Role.MARAC_COORDINATOR], full_name="Sue Searcher"
    )


@pytest.fixture
def decided(searcher, officer):
    """A request whose search found the person in DHR, MARAC and modern slavery records: the DHR
    notification withheld, the other two disclosed."""
    dhr = NotificationFactory(victim_name="Zoë O'Brien", date_of_death=dt.date(2026, 1, 20))
    person = PersonFactory(full_name="Zoe O'Brien", date_of_birth=BORN, address="1 Test Street (synthetic)")
    ReferralFactory(victim=person, reference="MR-2027-000001")
    slavery = make_slavery_record(
        officer, person_name="Zoe OBrien", date_of_birth=BORN, nrm_reference="NRM-TEST-1"
    )
    sar = services.sar_create(
        actor=searcher,
        regime=Regime.UK_GDPR,
        received_on=dt.date(2027, 2, 1),
        subject_name="Zoe O'Brien",
        date_of_birth=BORN,
        handler=searcher,
    )
    services.sar_search(actor=searcher, sar=sar)
    items = {item.source: item for item in sar.items.all()}
    services.sar_item_decide(
        actor=searcher,
        item=items["dhr_notification"],
        decision=ItemDecision.WITHHOLD,
        withhold_reason="Another person's record",
    )
    for key in ("marac_person", "slavery_record"):
        services.sar_item_decide(actor=searcher, item=items[key], decision=ItemDecision.DISCLOSE)
    return sar, {"dhr_notification": dhr, "marac_person": person, "slavery_record": slavery}


def test_the_csv_holds_the_records_disclosed_and_not_the_one_withheld(searcher, decided):
    sar, held = decided
    response = verified_client(searcher).get(reverse("records:sar_bundle_csv", args=[sar.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "1 Test Street (synthetic)" in body and "NRM-TEST-1" in body and "MR-2027-000001" in body
    assert held["dhr_notification"].reference not in body
    assert "20 January 2026" not in body  # the withheld notification's date of death
    assert body.splitlines()[1] == "Record,What it is,Item,Value"


def test_each_download_is_logged_as_a_disclosure_naming_what_was_disclosed_and_withheld(searcher, decided):
    sar, held = decided
    response = verified_client(searcher).get(reverse("records:sar_bundle_pdf", args=[sar.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    event = AuditEvent.objects.get(action=AuditAction.DISCLOSE, object_id=str(sar.pk))
    assert event.object_type == "records.subjectaccessrequest"
    assert event.detail["format"] == "pdf"
    assert event.detail["recipients"] == ["the requester"]
    assert sorted(event.detail["disclosed"]) == [
        f"marac_person:{held['marac_person'].pk}",
        f"slavery_record:{held['slavery_record'].pk}",
    ]
    assert event.detail["withheld"] == [f"dhr_notification:{held['dhr_notification'].pk}"]
    # Metadata only: no name in the event.
    assert "Zoe" not in str(event.detail)


def test_the_pdf_shows_the_data_disclosed(searcher, decided, tmp_path):
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils is not installed")
    sar, held = decided
    pdf = tmp_path / "bundle.pdf"
    pdf.write_bytes(verified_client(searcher).get(reverse("records:sar_bundle_pdf", args=[sar.pk])).content)
    text = " ".join(
        subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    assert "The information we hold about Zoe O'Brien" in text
    assert "1 Test Street (synthetic)" in text and "NRM-TEST-1" in text
    assert held["dhr_notification"].reference not in text
    assert "Some information has been withheld" in text


def test_no_bundle_while_a_record_is_still_to_review(searcher, decided):
    sar, _held = decided
    item = sar.items.get(source="slavery_record")
    item.decision = ItemDecision.PENDING
    item.save(update_fields=["decision"])
    response = verified_client(searcher).get(reverse("records:sar_bundle_csv", args=[sar.pk]), follow=True)
    assert "Decide on every record found first: 1 still to review." in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.DISCLOSE).exists()


def test_someone_who_may_not_see_a_record_disclosed_cannot_make_the_bundle(officer, decided):
    sar, held = decided
    response = verified_client(officer).get(reverse("records:sar_bundle_pdf", args=[sar.pk]), follow=True)
    assert (
        f"You may not see {held['marac_person'].reference}, which is to be disclosed. Ask Sue Searcher to produce the bundle."
        in response.content.decode()
    )
    assert not AuditEvent.objects.filter(action=AuditAction.DISCLOSE).exists()


def test_the_auditor_reads_the_request_but_makes_no_bundle(auditor, decided):
    sar, _held = decided
    client = verified_client(auditor)
    assert client.get(sar.get_absolute_url()).status_code == 200
    assert client.get(reverse("records:sar_bundle_csv", args=[sar.pk])).status_code == 403


def test_recording_the_response_as_sent_meets_the_deadline_and_keeps_the_decisions(searcher, decided):
    sar, held = decided
    client = verified_client(searcher)
    response = client.post(
        reverse("records:sar_change", args=[sar.pk, "complete"]),
        {"completed_on_0": "10", "completed_on_1": "2", "completed_on_2": "2027"},
    )
    assert response.status_code == 302
    deadline = Deadline.objects.get(subject_type="records.subjectaccessrequest", subject_id=sar.pk)
    assert (deadline.status, deadline.met_on) == (DeadlineStatus.MET, TODAY)
    kept = dict(sar.items.values_list("source", "decision"))
    assert kept == {
        "dhr_notification": ItemDecision.WITHHOLD,
        "marac_person": ItemDecision.DISCLOSE,
        "slavery_record": ItemDecision.DISCLOSE,
    }
    page = client.get(sar.get_absolute_url()).content.decode()
    assert "Met 10 February 2027" in page and "Another person&#x27;s record" in page
