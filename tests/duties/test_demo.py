"""The duties demo: synthetic, labelled evidence for the register, the ASB case review
(Community Trigger) duty's three obligations included, loaded once however often it runs."""

import datetime as dt

import pytest

from duties.demo import MARKER, load_demo
from duties.models import Duty, DutyStatus, EvidenceItem, Obligation
from duties.selectors import with_duty_status, with_obligation_status

pytestmark = pytest.mark.django_db

ASB = ["asb-case-review-procedure", "asb-case-reviews-held", "asb-case-review-numbers-published"]


def test_the_asb_case_review_obligations_have_synthetic_evidence_once(reference_data, officer, today_is):
    today_is(dt.date(2026, 11, 1))
    load_demo({"officer": officer})
    load_demo({"officer": officer})

    evidence = EvidenceItem.objects.filter(obligation__code__in=ASB)
    assert sorted(evidence.values_list("obligation__code", flat=True)) == sorted(ASB)  # one each
    assert all(item.summary.endswith(MARKER) for item in evidence)
    # Met 7, 2 and 8 months before 1 November 2026, each on a 12-month cycle: all met, none due soon.
    assert {item.obligation.code: item.met_on for item in evidence} == {
        "asb-case-review-procedure": dt.date(2026, 4, 1),
        "asb-case-reviews-held": dt.date(2026, 9, 1),
        "asb-case-review-numbers-published": dt.date(2026, 3, 1),
    }
    statuses = with_obligation_status(Obligation.objects.filter(code__in=ASB), dt.date(2026, 11, 1))
    assert {o.computed_status for o in statuses} == {DutyStatus.MET}
    duty = with_duty_status(Duty.objects.filter(code="asbcpa-s104"), dt.date(2026, 11, 1)).get()
    assert duty.computed_status == DutyStatus.MET


def test_a_demo_loaded_before_the_asb_evidence_existed_gets_it(reference_data, officer, today_is):
    today_is(dt.date(2026, 11, 1))
    load_demo({"officer": officer})
    EvidenceItem.objects.filter(obligation__code__in=ASB).delete()
    others = EvidenceItem.objects.exclude(obligation__code__in=ASB).count()

    load_demo({"officer": officer})

    assert EvidenceItem.objects.filter(obligation__code__in=ASB).count() == 3
    assert EvidenceItem.objects.exclude(obligation__code__in=ASB).count() == others  # nothing twice
