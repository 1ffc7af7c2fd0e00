"""Changing a pooled-budget line and correcting a quarterly return: the rules they were recorded
by, the budget's sums after a change (worked out by hand), a save over a newer change refused
with nothing written, the audit, and who may."""

from datetime import date
from decimal import Decimal

import pytest

from commissioning import selectors, services
from commissioning.exceptions import CommissioningError
from commissioning.models import BudgetContribution, BudgetSpend
from somerset_safety.accounts.models import Agency
from somerset_safety.audit.models import AuditAction, AuditEvent
from somerset_safety.core.edits import StaleEdit, record_version
from tests.reviews.factories import make_review

pytestmark = pytest.mark.django_db


def _position(year: int) -> tuple:
    p = selectors.budget_position(year)
    return p["brought_forward"], p["contributions"], p["spent"], p["balance"]


def _changes(obj) -> list[list[str]]:
    return [
        e.changed_fields
        for e in AuditEvent.objects.filter(
            object_type=obj._meta.label_lower, object_id=str(obj.pk), action=AuditAction.CHANGE
        ).order_by("id")
    ]


@pytest.fixture
def lines(commissioner, today):
    council, police = Agency.objects.get(code="CST"), Agency.objects.get(code="POLICE")
    return {
        "council": services.contribution_record(
            actor=commissioner, year=2024, partner=council, amount=Decimal("2000")
        ),
        "police": services.contribution_record(
            actor=commissioner,
            year=2025,
            partner=police,
            amount=Decimal("1500"),
            received_on=date(2025, 5, 1),
        ),
        # 31 March 2025 is the last day of 2024-25.
        "training": services.spend_record(
            actor=commissioner,
            spent_on=date(2025, 3, 31),
            category="training",
            description="Training day",
            amount=Decimal("300"),
        ),
        "room": services.spend_record(
            actor=commissioner,
            spent_on=date(2025, 6, 1),
            category="other",
            description="Room hire",
            amount=Decimal("120"),
        ),
    }


def test_the_lines_as_recorded(lines):
    # 2024-25: 2,000 in, 300 out. 2025-26: 2,000 − 300 = 1,700 brought forward, 1,500 in, 120 out.
    assert _position(2024) == (Decimal("0"), Decimal("2000"), Decimal("300"), Decimal("1700"))
    assert _position(2025) == (Decimal("1700"), Decimal("1500"), Decimal("120"), Decimal("3080"))


def test_changing_a_contribution_works_the_totals_out_again(commissioner, lines):
    police, council = lines["police"], lines["council"]
    changed = services.contribution_update(
        actor=commissioner, contribution=police, amount=Decimal("1750"), notes="  Corrected  "
    )
    assert changed == ["amount", "notes"]
    police.refresh_from_db()
    assert (police.amount, police.notes) == (Decimal("1750"), "Corrected")
    # 1,700 brought forward + 1,750 − 120 = 3,330.
    assert _position(2025) == (Decimal("1700"), Decimal("1750"), Decimal("120"), Decimal("3330"))

    # The council's 2,000 was for 2025-26 after all: 2024-25 now has 0 in and 300 out, so
    # 2025-26 starts at −300 and takes 1,750 + 2,000 = 3,750; the balance is still 3,330.
    assert services.contribution_update(actor=commissioner, contribution=council, year=2025) == ["year"]
    assert _position(2024) == (Decimal("0"), Decimal("0"), Decimal("300"), Decimal("-300"))
    assert _position(2025) == (Decimal("-300"), Decimal("3750"), Decimal("120"), Decimal("3330"))
    assert _changes(police) == [["amount", "notes"]]
    assert _changes(council) == [["year"]]

    # Saving what is already there changes nothing and audits nothing.
    assert services.contribution_update(actor=commissioner, contribution=council, year=2025) == []
    assert _changes(council) == [["year"]]


def test_a_new_date_moves_a_spending_line_to_its_financial_year(commissioner, lines):
    training = lines["training"]
    changed = services.spend_update(actor=commissioner, spend=training, spent_on=date(2025, 4, 1))
    assert changed == ["spent_on", "year"]
    training.refresh_from_db()
    assert training.year == 2025
    # 2024-25: 2,000 in, nothing out. 2025-26: 2,000 brought forward, 1,500 in, 300 + 120 out.
    assert _position(2024) == (Decimal("0"), Decimal("2000"), Decimal("0"), Decimal("2000"))
    assert _position(2025) == (Decimal("2000"), Decimal("1500"), Decimal("420"), Decimal("3080"))
    assert [(r["label"], r["total"]) for r in selectors.budget_position(2025)["by_category"]] == [
        ("Training", Decimal("300")),
        ("Other", Decimal("120")),
    ]
    assert _changes(training) == [["spent_on", "year"]]


def test_a_spending_line_keeps_the_dhr_rule(commissioner, officer, lines):
    review = make_review(officer)
    room = lines["room"]
    assert services.spend_update(
        actor=commissioner, spend=room, category="dhr_author", dhr_reference=review.reference
    ) == ["category", "dhr_reference"]
    room.refresh_from_db()
    assert (room.category, room.dhr_reference) == ("dhr_author", review.reference)
    # Back to a cost that is not a DHR's: it names no review.
    services.spend_update(actor=commissioner, spend=room, category="other")
    room.refresh_from_db()
    assert (room.category, room.dhr_reference) == ("other", "")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"amount": Decimal("-1")}, "The amount cannot be negative."),
        ({"amount": None}, "Enter the amount."),
        ({"description": "   "}, "Describe what the money was spent on."),
        ({"category": "dhr_chair"}, "Select the review this cost is for."),
        (
            {"category": "dhr_chair", "dhr_reference": "DHR-9999"},
            "There is no review with the reference DHR-9999.",
        ),
    ],
)
def test_a_bad_change_to_a_spending_line_changes_nothing(commissioner, lines, values, message):
    room = lines["room"]
    with pytest.raises(CommissioningError) as refused:
        services.spend_update(actor=commissioner, spend=room, **{"amount": Decimal("99"), **values})
    assert str(refused.value) == message
    room.refresh_from_db()
    assert (room.amount, room.description, room.category, room.dhr_reference) == (
        Decimal("120"),
        "Room hire",
        "other",
        "",
    )
    assert _changes(room) == []


def test_a_bad_change_to_a_contribution_changes_nothing(commissioner, lines, today):
    police = lines["police"]
    with pytest.raises(CommissioningError, match="The date it was received must be today or in the past"):
        services.contribution_update(
            actor=commissioner, contribution=police, amount=Decimal("1"), received_on=date(2026, 3, 2)
        )
    with pytest.raises(CommissioningError, match="The amount cannot be negative"):
        services.contribution_update(actor=commissioner, contribution=police, amount=Decimal("-5"))
    police.refresh_from_db()
    assert (police.amount, police.received_on) == (Decimal("1500"), date(2025, 5, 1))
    assert _changes(police) == []


def test_a_save_over_a_newer_change_is_refused(commissioner, lines):
    room = lines["room"]
    opened_on = record_version(room)
    services.spend_update(actor=commissioner, spend=room, description="Room hire, Taunton")
    with pytest.raises(StaleEdit, match="They changed: Description"):
        services.spend_update(
            actor=commissioner, spend=room, amount=Decimal("80"), expected_version=opened_on
        )
    room.refresh_from_db()
    assert (room.amount, room.description) == (Decimal("120"), "Room hire, Taunton")

    police = lines["police"]
    opened_on = record_version(police)
    services.contribution_update(actor=commissioner, contribution=police, notes="Paid by BACS")
    with pytest.raises(StaleEdit):
        services.contribution_update(
            actor=commissioner, contribution=police, amount=Decimal("1"), expected_version=opened_on
        )
    police.refresh_from_db()
    assert police.amount == Decimal("1500")


# --- The pages ------------------------------------------------------------------------------


def _edit_urls(lines) -> list[str]:
    return [
        f"/commissioning/pooled-budget/contributions/{lines['police'].pk}/edit/",
        f"/commissioning/pooled-budget/spending/{lines['room'].pk}/edit/",
    ]


@pytest.mark.parametrize(
    ("persona", "status"),
    [("commissioner", 200), ("officer", 403), ("partnership_lead", 404), ("agency_rep", 404)],
)
def test_who_may_open_the_edit_pages(request, as_user, lines, persona, status):
    client = as_user(request.getfixturevalue(persona))
    for url in _edit_urls(lines):
        assert client.get(url).status_code == status, url


def test_anonymous_visitors_are_sent_to_sign_in(client, lines):
    for url in _edit_urls(lines):
        assert client.get(url).status_code == 302


def test_a_line_not_on_record_is_not_found(as_user, commissioner, lines):
    client = as_user(commissioner)
    gone = BudgetSpend.objects.order_by("pk").last().pk + 1
    assert client.get(f"/commissioning/pooled-budget/spending/{gone}/edit/").status_code == 404


def test_the_budget_page_links_each_line_to_its_edit_page_for_officers_who_manage(
    as_user, officer, commissioner, lines
):
    managing = as_user(commissioner).get("/commissioning/pooled-budget/?year=2025").content.decode()
    reading = as_user(officer).get("/commissioning/pooled-budget/?year=2025").content.decode()
    for url in _edit_urls(lines):
        assert url in managing
        assert url not in reading


def test_a_reader_posting_changes_nothing(as_user, officer, lines):
    room = lines["room"]
    response = as_user(officer).post(
        f"/commissioning/pooled-budget/spending/{room.pk}/edit/",
        {
            "spent_on_0": "1",
            "spent_on_1": "6",
            "spent_on_2": "2025",
            "category": "other",
            "description": "Room hire",
            "amount": "1",
        },
    )
    assert response.status_code == 403
    room.refresh_from_db()
    assert room.amount == Decimal("120")


def _spend_post(room, **overrides) -> dict:
    values = {
        "spent_on_0": "1",
        "spent_on_1": "6",
        "spent_on_2": "2025",
        "category": "other",
        "description": "Room hire",
        "amount": "120.00",
        "dhr_reference": "",
        "expected_version": record_version(room),
    }
    return {**values, **overrides}


def test_an_officer_changes_a_spending_line_on_its_page(as_user, commissioner, lines):
    room, url = lines["room"], f"/commissioning/pooled-budget/spending/{lines['room'].pk}/edit/"
    client = as_user(commissioner)
    page = client.get(url).content.decode()
    assert "Change the spending line: Room hire" in page and 'name="expected_version"' in page

    refused = client.post(url, _spend_post(room, amount="-4"))
    assert refused.status_code == 200
    assert refused.context["form"].errors["amount"] == ["The amount in pounds must be 0 or more"]
    refused = client.post(url, _spend_post(room, category="dhr_chair"))
    assert "Select the review this cost is for." in refused.content.decode()
    room.refresh_from_db()
    assert (room.amount, room.category) == (Decimal("120"), "other")

    # Moved into 2024-25 by its date: the page goes back to that year.
    saved = client.post(url, _spend_post(room, amount="95.50", spent_on_1="3", spent_on_2="2025"))
    assert saved.status_code == 302 and saved["Location"] == "/commissioning/pooled-budget/?year=2024"
    room.refresh_from_db()
    assert (room.amount, room.spent_on, room.year) == (Decimal("95.50"), date(2025, 3, 1), 2024)
    assert _changes(room) == [["amount", "spent_on", "year"]]


def test_a_stale_page_is_refused_keeping_what_was_typed(as_user, commissioner, lines):
    police = lines["police"]
    url = f"/commissioning/pooled-budget/contributions/{police.pk}/edit/"
    opened_on = record_version(police)
    services.contribution_update(actor=commissioner, contribution=police, notes="Paid by BACS")
    response = as_user(commissioner).post(
        url,
        {
            "year": "2025",
            "partner": str(police.partner_id),
            "amount": "1600.00",
            "received_on_0": "1",
            "received_on_1": "5",
            "received_on_2": "2025",
            "notes": "",
            "expected_version": opened_on,
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else changed this record" in page and "They changed: Notes" in page
    assert 'value="1600.00"' in page
    police.refresh_from_db()
    assert (police.amount, police.notes) == (Decimal("1500"), "Paid by BACS")
    assert BudgetContribution.objects.count() == 2 and BudgetSpend.objects.count() == 2


def test_recording_a_dhr_cost_without_its_review_says_so_in_plain_words(as_user, commissioner, lines):
    response = as_user(commissioner).post(
        "/commissioning/pooled-budget/spending/new/",
        {
            "spent_on_0": "1",
            "spent_on_1": "6",
            "spent_on_2": "2025",
            "category": "dhr_chair",
            "description": "Chair's fee",
            "amount": "500",
            "dhr_reference": "",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Select the review this cost is for." in page and "Constraint" not in page
    assert BudgetSpend.objects.count() == 2
