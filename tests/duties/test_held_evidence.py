"""Issue 14, point 6: duties whose work the product records take their evidence from that app's
records (DHR decisions and reviews in time, duty-to-notify records made), beside manual evidence;
the duties app never imports the reviews app."""

import ast
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from duties.models import Duty, DutyStatus, Obligation
from duties.selectors import duties_appendix, with_obligation_status
from reviews import services as review_services
from somerset_safety.core import duty_evidence
from somerset_safety.core.dates import today
from somerset_safety.deadlines.models import Deadline, DeadlineStatus
from tests.reviews.factories import make_notification as make_dhr_notification

from .factories import make_ms1, make_notification, record_evidence

pytestmark = pytest.mark.django_db


def _status(obligation, day):
    return with_obligation_status(Obligation.objects.filter(pk=obligation.pk), day).get().computed_status


def _decide(officer, notification, day):
    review_services.notification_decide(
        actor=officer,
        notification=notification,
        decision="review",
        decision_date=day,
        decision_maker="CSP chair (synthetic)",
        rationale="Criteria met (synthetic).",
    )


def test_dhr_decisions_in_time_evidence_the_s9_duty(officer):
    """Notified 31 January 2026, so the decision is due 28 February: decided 10 February counts
    (met that day); another notified the same day and decided 5 March, 5 days late, does not."""
    obligation = Obligation.objects.get(code="dvcva-s9-reviews-in-time")
    in_time = make_dhr_notification(officer)
    _decide(officer, in_time, date(2026, 2, 10))
    late = make_dhr_notification(officer, victim_name="Second Realname (synthetic)")
    _decide(officer, late, date(2026, 3, 5))

    obligation.refresh_from_db()
    assert obligation.last_met_on == date(2026, 2, 10)
    assert obligation.next_due_on == date(2027, 2, 10)
    open_cycle = Deadline.objects.get(
        subject_type="duties.obligation", subject_id=obligation.pk, status=DeadlineStatus.OPEN
    )
    assert open_cycle.due_date == date(2027, 2, 10)
    assert _status(obligation, date(2026, 6, 1)) == DutyStatus.MET

    (source,) = duty_evidence.sources_for("dvcva-s9-reviews-in-time")
    items = {(i.reference, i.counts, i.description) for i in source.evidence()}
    assert items == {
        (in_time.reference, True, "Decision whether to hold a review: in time (due 28 February 2026)"),
        (late.reference, False, "Decision whether to hold a review: 5 days late"),
    }


def test_the_duty_page_shows_held_evidence_beside_manual_evidence(as_user, officer, partnership_lead):
    notification = make_dhr_notification(officer)
    _decide(officer, notification, date(2026, 2, 10))
    duty = Duty.objects.get(code="dvcva-s9")
    record_evidence(duty.obligations.get(code="dvcva-s9-arrangements"), officer, met_on=today())

    page = as_user(officer).get(reverse("duties:duty_detail", args=[duty.pk])).content.decode()
    assert "Evidence from this service's records" in page
    assert "1 record, 1 counted" in page
    assert (
        f'<a class="govuk-link" href="{notification.get_absolute_url()}">{notification.reference}</a>' in page
    )
    assert "1 evidence item recorded by hand" in page
    assert "Victoria Realname" not in page

    # A partnership lead sees it too (the reviews app shows them the case without personal details).
    lead_page = as_user(partnership_lead).get(reverse("duties:duty_detail", args=[duty.pk])).content.decode()
    assert notification.reference in lead_page and "Victoria Realname" not in lead_page

    # Appendix 1 names the latest evidence by obligation and source when it is the newest.
    rows = {row["label"]: row for row in duties_appendix(today())["duties"]}
    assert rows["Domestic Homicide Reviews"]["evidence_date"] == today().isoformat()


def test_notifications_made_evidence_the_duty_to_notify(officer, as_user):
    obligation = Obligation.objects.get(code="msa-s52-notifications")
    nrm = make_notification(officer)
    ms1 = make_ms1(officer, submitted_on=today() - timedelta(days=1))
    obligation.refresh_from_db()
    assert nrm.submitted_on == today() - timedelta(days=2)
    assert obligation.last_met_on == today() - timedelta(days=1)  # the later of the two
    (source,) = duty_evidence.sources_for("msa-s52-notifications")
    assert [(i.reference, i.description) for i in source.evidence()] == [
        (ms1.reference, "Anonymous MS1 notification submitted to the Home Office"),
        (nrm.reference, "National Referral Mechanism referral submitted to the Home Office"),
    ]
    page = as_user(officer).get(reverse("duties:duty_detail", args=[obligation.duty_id])).content.decode()
    assert "2 records, 2 counted" in page and "Synthetic Person" not in page


def test_no_domain_app_imports_another_for_evidence():
    """duties/ never imports reviews/, and the platform registry imports no domain app."""
    root = Path(settings.BASE_DIR)

    def imported(path: Path) -> set[str]:
        names = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
        return names

    for path in (root / "duties").rglob("*.py"):
        assert "reviews" not in imported(path), path
    assert not imported(root / "somerset_safety/core/duty_evidence.py") & {
        "duties",
        "reviews",
        "partnerships",
        "commissioning",
    }
