"""Shared factory_boy factories. Domain apps add theirs in tests/<app>/factories.py."""

import factory
from django.contrib.auth.models import Group

from somerset_safety.accounts.models import Agency, AgencyType, User
from somerset_safety.accounts.roles import Role

TEST_PASSWORD = "correct horse battery staple 42"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"AGENCY{n}")
    name = factory.Sequence(lambda n: f"Test agency {n}")
    agency_type = AgencyType.OTHER


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.invalid")
    full_name = factory.Sequence(lambda n: f"Test User {n}")
    agency = factory.SubFactory(AgencyFactory)
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            self.groups.add(Group.objects.get_or_create(name=Role(role).label)[0])
        if create:
            self.save()
        self.__dict__.pop("role_names", None)
