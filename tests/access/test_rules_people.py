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
