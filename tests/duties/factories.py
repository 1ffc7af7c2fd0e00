"""Factories for the duties app. Records with rules go through the services, so every
factory-made record is one the service could have made."""

from datetime import timedelta

import factory

from duties import services
from duties.models import (
    AgeGroup,
    AssessmentKind,
    AssessmentOutcome,
    Consent,
    Duty,
    ExploitationType,
    Obligation,
    Route,
)
from somerset_safety.accounts.models import Agency
from somerset_safety.core.dates import today


class DutyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Duty

    code = factory.Sequence(lambda n: f"test-duty-{n}")
    title = factory.Sequence(lambda n: f"Test duty {n}")
    act = "Test Act 2020"
    section = "Section 1"
    summary = "A duty for tests."
    owner = "Head of Community Safety"
    partnership_body = "Safer Somerset Partnership"


class ObligationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Obligation

    duty = factory.SubFactory(DutyFactory)
    code = factory.Sequence(lambda n: f"test-obligation-{n}")
    title = factory.Sequence(lambda n: f"Test obligation {n}")
    cycle_months = 12


def record_evidence(obligation, actor, met_on=None, link="https://www.example.invalid/evidence"):
    return services.evidence_record(
        actor=actor,
        obligation=obligation,
        met_on=met_on or today(),
        summary="Done (synthetic)",
        link=link,
    )


def make_assessment(actor, **overrides):
    values = {
        "title": "Test policy (synthetic)",
        "kind": AssessmentKind.POLICY,
        "decision_body": "The Executive",
        "decision_date": None,
        "assessed_on": today() - timedelta(days=3),
        "assessor": "A. Assessor, Community Safety",
        "covers_crime_and_disorder": True,
        "covers_equality": False,
        "crime_disorder_implications": "None found.",
        "equality_impact": "",
        "mitigations": "",
        "outcome": AssessmentOutcome.NO_CHANGE,
    }
    values.update(overrides)
    return services.assessment_create(actor=actor, **values)


def make_notification(actor, **overrides):
    """An NRM referral for a consenting adult, submitted 2 days ago, unless overridden."""
    values = {
        "encounter_date": today() - timedelta(days=3),
        "age_group": AgeGroup.ADULT,
        "consent": Consent.YES,
        "route": Route.NRM,
        "exploitation_types": [ExploitationType.LABOUR],
        "person_name": "Synthetic Person",
        "first_responder": Agency.objects.get(code="CST"),
        "submitted_on": today() - timedelta(days=2),
    }
    values.update(overrides)
    return services.slavery_notification_create(actor=actor, **values)


def make_ms1(actor, **overrides):
    values = {"age_group": AgeGroup.ADULT, "consent": Consent.NO, "route": Route.MS1, "person_name": ""}
    values.update(overrides)
    return make_notification(actor, **values)
