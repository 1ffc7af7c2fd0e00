"""Synthetic demo data for the partnership boards and the performance framework: members of the
Safer Somerset Partnership board, a concluded meeting with a paper, a decision and an open action,
the next meeting, and a framework with five indicators and four quarters of values. Idempotent;
everything is labelled (synthetic)."""

from datetime import timedelta
from decimal import Decimal

from django.core.files.base import ContentFile

from somerset_safety.core.dates import add_months, today
from somerset_safety.meetings import services as meetings
from somerset_safety.reports.periods import quarter_start

from ..models import Board, Framework, IndicatorValue
from ..performance import services as performance
from . import services

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

INDICATORS = [
    # code, name, source, unit, polarity, target, people, values oldest first, priority index
    (
        "SV1",
        "Serious violence offences (synthetic)",
        "serious_violence_duty",
        "number",
        "lower",
        "420",
        False,
        ["450", "438", "415", "428"],
        0,
    ),
    (
        "KC1",
        "Knife crime offences (synthetic)",
        "knife_crime",
        "number",
        "lower",
        "60",
        False,
        ["71", "66", "58", "64"],
        0,
    ),
    (
        "ASB1",
        "ASB incidents per 1,000 people (synthetic)",
        "asb_incidents",
        "rate_per_1000",
        "lower",
        "9.5",
        False,
        ["10.4", "10.1", "9.6", "9.2"],
        0,
    ),
    (
        "DA1",
        "Domestic abuse incidents recorded (synthetic)",
        "domestic_abuse_incidents",
        "number",
        "higher",
        "1900",
        True,
        ["1820", "1875", "1930", "1890"],
        1,
    ),
    (
        "RO1",
        "Proven re-offending rate (synthetic)",
        "proven_reoffending",
        "percent",
        "lower",
        "24",
        False,
        ["26.1", "25.4", "25.0", "23.8"],
        1,
    ),
]


def load_demo(users: dict) -> None:
    officer = users["officer"]
    board = Board.objects.get(code="ssp")
    if board.members.exists():
        return
    now = today()
    members = [
        services.board_member_add(
            actor=officer, board=board, user=officer, role="officer", joined_on=now - timedelta(days=400)
        )
    ]
    for key, role in (("police_rep", "chair"), ("housing_rep", "member"), ("lead", "member")):
        if key in users and users[key].agency_id:
            members.append(
                services.board_member_add(
                    actor=officer,
                    board=board,
                    user=users[key],
                    role=role,
                    joined_on=now - timedelta(days=400),
                )
            )
    past = services.board_meeting_schedule(
        actor=officer, board=board, date=now - timedelta(days=35), venue="County Hall, Taunton (synthetic)"
    )
    services.board_paper_add(
        actor=officer,
        meeting=past,
        title="Community safety strategy refresh (synthetic)",
        author="Demo Community Safety Officer (synthetic)",
        author_agency=officer.agency,
        purpose="decision",
        summary="The board is asked to approve the refreshed strategy (synthetic).",
        document=ContentFile(PDF, name="strategy-synthetic.pdf"),
    )
    meetings.meeting_send_papers(actor=officer, meeting=past, sent_on=past.date - timedelta(days=7))
    meetings.meeting_start(actor=officer, meeting=past)
    item = past.agenda_items.get()
    meetings.agenda_item_record(
        actor=officer, item=item, minutes="The board discussed the refreshed strategy (synthetic)."
    )
    services.decision_record(
        actor=officer,
        item=item,
        wording="The board approves the refreshed strategy (synthetic).",
        proposed_by=members[-1],
    )
    meetings.action_create(
        actor=officer,
        item=item,
        agency=members[1].agency if len(members) > 1 else officer.agency,
        description="Bring the delivery plan for the strategy to the next meeting (synthetic).",
        due_date=now + timedelta(days=20),
    )
    meetings.meeting_conclude(actor=officer, meeting=past)
    services.board_meeting_schedule(
        actor=officer, board=board, date=now + timedelta(days=30), venue="County Hall, Taunton (synthetic)"
    )
    _framework(officer, board, now)


def _framework(officer, board, now) -> None:
    if Framework.objects.filter(board=board).exists():
        return
    latest = add_months(quarter_start(now), -3)
    first = add_months(latest, -9)
    start = add_months(first, -((first.month - 4) % 12))  # the financial year it falls in
    framework = performance.framework_create(
        actor=officer,
        board=board,
        title="Safer Somerset Partnership plan (synthetic)",
        period_start=start,
        period_end=add_months(start, 36) - timedelta(days=1),
    )
    priorities = [
        performance.priority_add(
            actor=officer, framework=framework, title="Reduce serious violence (synthetic)"
        ),
        performance.priority_add(
            actor=officer, framework=framework, title="Protect people from domestic abuse (synthetic)"
        ),
    ]
    for code, name, source, unit, polarity, target, people, values, priority in INDICATORS:
        indicator = performance.indicator_create(
            actor=officer,
            framework=framework,
            values={
                "priority": priorities[priority],
                "code": code,
                "name": name,
                "definition": f"{name}: a synthetic figure for the demonstration.",
                "source": source,
                "unit": unit,
                "polarity": polarity,
                "counts_people": people,
                "target": Decimal(target),
                "tolerance_pct": Decimal("5"),
                "frequency": "quarterly",
            },
        )
        for index, value in enumerate(values):
            quarter = add_months(first, 3 * index)
            if performance.quarter_refusal(indicator, quarter):
                continue
            performance.values_record_quarter(
                actor=officer,
                framework=framework,
                period_start=quarter,
                entries={indicator.pk: (Decimal(value), None)},
            )
            row = IndicatorValue.objects.get(indicator=indicator, period_start=quarter)
            performance.value_release(
                actor=officer, value=row, move="publish" if index < 3 else "provisional"
            )
