from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from essaim.accounts.models import User

PASSWORD = "correct-horse-battery-staple"


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.Sequence(lambda n: f"person{n}@example.com")
    handle = factory.Sequence(lambda n: f"person.{n}")
    kind = User.Kind.EMPLOYEE
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def with_profile(obj: User, create: bool, extracted: object, **kwargs: object) -> None:  # noqa: N805
        if create:
            from essaim.people.models import Profile

            profile = Profile(user=obj)
            profile.refresh_keys()
            profile.save()


class GuestFactory(UserFactory):
    kind = User.Kind.GUEST


class AdminFactory(UserFactory):
    is_network_admin = True
