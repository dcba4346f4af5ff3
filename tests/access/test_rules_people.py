"""Who sees whom: employees see every active person; guests only themselves and their co-members."""

import pytest

from essaim import access
from essaim.access import Action
from essaim.accounts.models import User
from essaim.people.models import Profile
from essaim.spaces.models import Membership, Space


@pytest.fixture
def shared_space(db):
    return Space.objects.create(name="Projet Atlas", slug="projet-atlas", visibility=Space.Visibility.SECRET)


def test_a_guest_sees_co_members_of_their_spaces(guest, employee, colleague, shared_space):
    Membership.objects.create(space=shared_space, user=guest)
    Membership.objects.create(space=shared_space, user=employee)
    assert set(access.visible(guest, User.objects.all())) == {guest, employee}
    assert set(access.visible(guest, Profile.objects.all()).values_list("user", flat=True)) == {guest.pk, employee.pk}
    assert access.can(guest, Action.VIEW, employee)
    assert not access.can(guest, Action.VIEW, colleague)


def test_a_guest_does_not_see_members_of_other_spaces(guest, employee, colleague, shared_space):
    other = Space.objects.create(name="Autre", slug="autre", visibility=Space.Visibility.PUBLIC)
    Membership.objects.create(space=shared_space, user=guest)
    Membership.objects.create(space=shared_space, user=employee)
    Membership.objects.create(space=other, user=colleague)
    assert set(access.visible(guest, User.objects.all())) == {guest, employee}
    assert access.visible_among(guest, [guest, employee, colleague]) == [guest, employee]
    assert not access.can(guest, Action.VIEW, colleague)


def test_a_guest_does_not_see_deactivated_co_members(guest, employee, shared_space):
    Membership.objects.create(space=shared_space, user=guest)
    Membership.objects.create(space=shared_space, user=employee)
    employee.is_active = False
    employee.save()
    assert list(access.visible(guest, User.objects.all())) == [guest]
    assert not access.can(guest, Action.VIEW, employee)


def test_a_guest_never_follows_anyone(guest, employee, shared_space):
    Membership.objects.create(space=shared_space, user=guest)
    Membership.objects.create(space=shared_space, user=employee)
    assert not access.can(guest, Action.FOLLOW, employee)


def test_visible_people_is_one_query(guest, django_assert_num_queries):
    with django_assert_num_queries(1):
        list(access.visible(guest, User.objects.all()))


class TestPeopleSuggestions:
    """``/people/suggestions`` (mentions, people pickers) and the pickers' fields answer only visible people."""

    def options(self, client, actor, query):
        client.force_login(actor)
        return client.get("/people/suggestions", {"q": query}).content.decode()

    def test_a_guest_is_offered_co_members_only(self, client, guest, employee, colleague, shared_space):
        Membership.objects.create(space=shared_space, user=guest)
        Membership.objects.create(space=shared_space, user=employee)
        assert "@lea.martin" in self.options(client, guest, "lea")
        assert "@eloise.dupre" not in self.options(client, guest, "eloise")
        assert "@eloise.dupre" not in self.options(client, guest, colleague.email)

    def test_deactivated_people_are_offered_to_nobody(self, client, employee, colleague, network_admin):
        colleague.is_active = False
        colleague.save()
        assert "@eloise.dupre" not in self.options(client, employee, "eloise")
        assert "@eloise.dupre" not in self.options(client, network_admin, "eloise")

    def test_mention_suggestions_follow_the_same_rule(self, client, guest, colleague):
        client.force_login(guest)
        assert "@eloise.dupre" not in client.get("/stream/mentions", {"q": "eloise"}).content.decode()


class TestANetworkAdminAndADeactivatedPerson:
    """A network administrator sees a deactivated person (to reactivate them) but follows nobody inactive."""

    @pytest.fixture
    def departed(self, colleague):
        colleague.is_active = False
        colleague.save()
        return colleague

    def test_the_admin_sees_them_but_may_not_follow_them(self, network_admin, departed):
        assert access.can(network_admin, Action.VIEW, departed)
        assert not access.can(network_admin, Action.FOLLOW, departed)

    def test_the_follow_service_refuses_with_403(self, network_admin, departed):
        from django.core.exceptions import PermissionDenied

        from essaim.people import services
        from essaim.people.models import Follow

        with pytest.raises(PermissionDenied):
            services.follow_create(actor=network_admin, user=departed)
        assert not Follow.objects.exists()

    def test_the_follow_button_answers_403(self, client, network_admin, departed):
        from essaim.people.models import Follow

        client.force_login(network_admin)
        assert client.post(f"/@{departed.handle}/follow").status_code == 403
        assert not Follow.objects.exists()

    def test_once_reactivated_they_may_be_followed(self, network_admin, departed):
        departed.is_active = True
        departed.save()
        assert access.can(network_admin, Action.FOLLOW, departed)
