"""MARAC factories. Referrals are built directly (no service) so tests can set up any history;
tests of the rules go through the services. An organised crime group is recorded through the
Disruption Panel's service (`make_group`), so it has its reference, audit and deadlines."""

import datetime

import factory
from django.contrib.contenttypes.models import ContentType

from partnerships import summary
from partnerships.disruption import services as disruption
from partnerships.models import (
    Action,
    AgendaCase,
    AgendaItem,
    AgendaSection,
    GroupType,
    MaracArea,
    Meeting,
    MeetingAttendance,
    OrganisedCrimeGroup,
    Person,
    PersonRole,
    Referral,
)
from somerset_safety.accounts.models import Agency
from somerset_safety.core.names import normalise_name
from somerset_safety.meetings.services import body_for


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
    normalised_name = factory.LazyAttribute(lambda person: normalise_name(person.full_name))
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

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # A heard referral made directly counts in the monthly summary, as the services keep it.
        referral = super()._create(model_class, *args, **kwargs)
        summary.refresh([(referral.area_id, referral.heard_date)])
        return referral


class MeetingFactory(factory.django.DjangoModelFactory):
    """A MARAC meeting of `area` (the area's meetings body is made when first needed)."""

    class Meta:
        model = Meeting
        exclude = ["area"]

    area = factory.SubFactory(MaracAreaFactory)
    body = factory.LazyAttribute(lambda o: body_for(o.area))
    date = datetime.date(2024, 7, 1)


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingAttendance

    meeting = factory.SubFactory(MeetingFactory)
    agency = factory.LazyFunction(lambda: Agency.objects.get(code="POLICE"))


class AgendaItemFactory(factory.django.DjangoModelFactory):
    """The item of `referral`'s victim on a MARAC agenda, with the referral listed under it."""

    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    referral = factory.SubFactory(ReferralFactory)
    subject_type = factory.LazyFunction(lambda: ContentType.objects.get_for_model(Person))
    subject_id = factory.LazyAttribute(lambda o: o.referral.victim_id)
    section = AgendaSection.NEW_WITHOUT_CHILDREN
    position = factory.Sequence(lambda n: n + 1)

    @classmethod
    def _create(cls, model_class, *args, referral, **kwargs):
        item = super()._create(model_class, *args, **kwargs)
        AgendaCase.objects.create(item=item, referral=referral)
        return item


class ActionFactory(factory.django.DjangoModelFactory):
    """An action on `referral` agreed at `meeting`."""

    class Meta:
        model = Action
        exclude = ["referral"]

    referral = factory.SubFactory(ReferralFactory)
    subject_type = factory.LazyFunction(lambda: ContentType.objects.get_for_model(Referral))
    subject_id = factory.LazyAttribute(lambda o: o.referral.pk)
    meeting = factory.SubFactory(MeetingFactory)
    agency = factory.LazyFunction(lambda: Agency.objects.get(code="HOUSING"))
    description = "Check the locks (synthetic)"
    due_date = datetime.date(2024, 7, 15)


def make_group(actor, **overrides) -> OrganisedCrimeGroup:
    """An organised crime group referred to the Disruption Panel by `actor` (a panel member),
    recorded through the panel's service: the Blue Line, a County Line run from outside the area,
    referred on 5 January 2026 in Taunton by the actor's agency, which leads on it; not
    restricted. Any value of `services.group_create` can be given instead (`group_type` by its
    code or as a row)."""
    values = dict(
        actor=actor,
        name="Blue Line (synthetic)",
        operation_name="Operation Test",
        group_type="county_line",
        areas="Taunton",
        referred_on=datetime.date(2026, 1, 5),
        referring_agency=actor.agency,
        lead_agency=actor.agency,
        senior_responsible_officer=None,
        line_type="imported",
        line_names="BLUE 07700 900000",
        restricted=False,
    )
    values.update(overrides)
    if isinstance(values["group_type"], str):
        values["group_type"] = GroupType.objects.get(code=values["group_type"])
    return disruption.group_create(**values)
