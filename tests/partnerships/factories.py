"""MARAC factories. Referrals are built directly (no service) so tests can set up any history;
tests of the rules go through the services."""

import datetime

import factory

from partnerships.models import (
    Action,
    AgendaItem,
    AgendaSection,
    MaracArea,
    Meeting,
    MeetingAttendance,
    Person,
    PersonRole,
    Referral,
)
from somerset_safety.accounts.models import Agency


class MaracAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MaracArea
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"AREA{n}")
    name = factory.Sequence(lambda n: f"Test MARAC area {n}")
    adult_female_population = 10000


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    role = PersonRole.VICTIM
    full_name = factory.Sequence(lambda n: f"Test Victim {n} (synthetic)")
    date_of_birth = datetime.date(1990, 1, 1)


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    reference = factory.Sequence(lambda n: f"TR{n:06d}")
    area = factory.SubFactory(MaracAreaFactory)
    victim = factory.SubFactory(PersonFactory)
    referral_date = datetime.date(2024, 6, 1)
    referring_agency = factory.LazyFunction(lambda: Agency.objects.get(code="POLICE"))
    dash_score = 15
    visible_high_risk = True
    victim_sex = "female"
    victim_ethnicity = "white_british"
    victim_disabled = "no"
    victim_lgbt = "no"


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    area = factory.SubFactory(MaracAreaFactory)
    date = datetime.date(2024, 7, 1)


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingAttendance

    meeting = factory.SubFactory(MeetingFactory)
    agency = factory.LazyFunction(lambda: Agency.objects.get(code="POLICE"))


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    referral = factory.SubFactory(ReferralFactory)
    section = AgendaSection.NEW_WITHOUT_CHILDREN
    position = factory.Sequence(lambda n: n + 1)


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    referral = factory.SubFactory(ReferralFactory)
    meeting = factory.SubFactory(MeetingFactory)
    agency = factory.LazyFunction(lambda: Agency.objects.get(code="HOUSING"))
    description = "Check the locks (synthetic)"
    due_date = datetime.date(2024, 7, 15)
