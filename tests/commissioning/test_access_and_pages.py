"""Who reaches which page (S6–S8), and fixed query counts on lists and the contract page."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commissioning import services
from commissioning.clocks import Quarter
from commissioning.models import ContractDocument, Direction

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def records(sidas, commissioner, today):
    kpi = services.kpi_create(
        actor=commissioner,
        contract=sidas,
        name="Engagement",
        definition="Synthetic",
        unit="%",
        direction=Direction.HIGHER,
        target=Decimal("70"),
        tolerance=Decimal("5"),
        frequency="quarterly",
        benchmark=None,
        counts_people=False,
        set_on=date(2017, 3, 1),
    )
    quarterly_return = services.return_record(
        actor=commissioner,
        contract=sidas,
        quarter=Quarter(2019, 3),
        received_on=date(2020, 1, 20),
        figures=[services.ReturnFigure(kpi.pk, "72")],
    )
    document = ContractDocument(contract=sidas, title="Signed contract", file_name="contract.pdf")
    document.file.save("contract.pdf", ContentFile(PDF), save=False)
    document.save()
    grant = services.grant_create(
        actor=commissioner,
        funder="Fund",
        scheme="Scheme",
        partner="Partner",
        amount_requested=Decimal("100"),
        bid_deadline=date(2026, 5, 1),
    )
    c = sidas.pk
    return {
        "lists": [
            "/commissioning/",
            "/commissioning/providers/",
            "/commissioning/pooled-budget/",
            "/commissioning/grants/",
        ],
        "records": [
            f"/commissioning/contracts/{c}/",
            f"/commissioning/contracts/{c}/returns/{quarterly_return.pk}/",
            f"/commissioning/providers/{sidas.provider_id}/",
            f"/commissioning/grants/{grant.pk}/",
            f"/commissioning/contracts/{c}/documents/{document.pk}/download/",
            f"/commissioning/contracts/{c}/returns/template.csv",
        ],
        "manage": [
            f"/commissioning/contracts/{c}/edit/",
            f"/commissioning/contracts/{c}/kpis/new/",
            f"/commissioning/contracts/{c}/move/begin_ending/",
            f"/commissioning/contracts/{c}/returns/new/",
            f"/commissioning/contracts/{c}/returns/upload/",
            f"/commissioning/grants/{grant.pk}/edit/",
            f"/commissioning/contracts/{c}/returns/{quarterly_return.pk}/sign-off/",
            f"/commissioning/contracts/{c}/returns/{quarterly_return.pk}/correct/",
        ],
        "create": [
            "/commissioning/contracts/new/",
            "/commissioning/providers/new/",
            "/commissioning/pooled-budget/contributions/new/",
            "/commissioning/grants/new/",
        ],
    }


PERSONAS = [
    ("commissioner", {"lists": 200, "records": 200, "manage": 200, "create": 200}),
    ("officer", {"lists": 200, "records": 200, "manage": 403, "create": 403}),
    ("partnership_lead", {"lists": 403, "records": 404, "manage": 404, "create": 403}),
    ("agency_rep", {"lists": 403, "records": 404, "manage": 404, "create": 403}),
    ("review_chair", {"lists": 403, "records": 404, "manage": 404, "create": 403}),
    # Without any role the platform refuses everything before the app is asked.
    ("no_role_user", {"lists": 403, "records": 403, "manage": 403, "create": 403}),
]


@pytest.mark.parametrize(("persona", "expected"), PERSONAS, ids=[p for p, _ in PERSONAS])
def test_each_persona_gets_what_it_is_owed(request, records, as_user, persona, expected):
    client = as_user(request.getfixturevalue(persona))
    for group, status in expected.items():
        for url in records[group]:
            assert client.get(url).status_code == status, (persona, url)


def test_anonymous_visitors_are_sent_to_sign_in(client, records):
    for group in records.values():
        for url in group:
            response = client.get(url)
            assert response.status_code == 302, url


def test_a_reader_sees_no_management_links(records, as_user, officer, commissioner, sidas):
    page = as_user(officer).get(f"/commissioning/contracts/{sidas.pk}/").content.decode()
    assert "Change the contract's details" not in page and "Add a KPI" not in page
    page = as_user(commissioner).get(f"/commissioning/contracts/{sidas.pk}/").content.decode()
    assert "Change the contract's details" in page and "Add a KPI" in page


def test_posts_by_readers_change_nothing(records, as_user, officer, sidas):
    response = as_user(officer).post(
        f"/commissioning/contracts/{sidas.pk}/move/begin_ending/",
        {"reason": "expiry", "decided_on_0": "1", "decided_on_1": "9", "decided_on_2": "2019"},
    )
    assert response.status_code == 403
    sidas.refresh_from_db()
    assert sidas.status == "live"


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_list_and_contract_page_query_counts_do_not_grow(
    make_contract, commissioner, as_user, records, sidas
):
    client = as_user(commissioner)
    counts = {
        url: _queries(client, url)
        for url in [
            "/commissioning/",
            f"/commissioning/contracts/{sidas.pk}/",
            "/commissioning/grants/",
            "/commissioning/providers/",
        ]
    }
    for n in range(3):
        contract = make_contract(
            title=f"Another {n}", option_count=2, option_months=12, signed_on=date(2017, 3, 1)
        )
        services.risk_create(
            actor=commissioner,
            contract=contract,
            title="Risk",
            likelihood=3,
            impact=4,
            owner="Manager",
            raised_on=date(2026, 1, 1),
        )
        services.grant_create(
            actor=commissioner,
            funder="Fund",
            scheme=f"Scheme {n}",
            partner="Partner",
            amount_requested=Decimal("100"),
            bid_deadline=date(2026, 5, 1),
        )
    services.risk_create(
        actor=commissioner,
        contract=sidas,
        title="Risk",
        likelihood=3,
        impact=4,
        owner="M",
        raised_on=date(2026, 1, 1),
    )
    for url, before in counts.items():
        assert _queries(client, url) == before, url
    assert counts["/commissioning/"] <= 12
