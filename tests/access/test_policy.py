"""The dispatcher itself: 404 for what cannot be seen, 403 for what cannot be done."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from essaim import access
from essaim.access import Action
from essaim.accounts.models import User


class TestRequire:
    def test_a_person_you_cannot_see_answers_404_even_for_other_actions(self, guest, employee):
        with pytest.raises(Http404):
            access.require(guest, Action.FOLLOW, employee)

    def test_a_visible_person_you_may_not_edit_answers_403(self, employee, colleague):
        with pytest.raises(PermissionDenied):
            access.require(employee, Action.EDIT, colleague)

    def test_network_actions_answer_403(self, employee):
        with pytest.raises(PermissionDenied):
            access.require(employee, Action.ADMINISTER_NETWORK)

    def test_viewing_what_you_cannot_see_answers_404_not_403(self, guest, employee):
        with pytest.raises(Http404):
            access.require(guest, Action.VIEW, employee)

    def test_allowed_actions_pass(self, network_admin, colleague):
        access.require(network_admin, Action.EDIT, colleague)
        access.require(network_admin, Action.ADMINISTER_NETWORK)


class TestVisible:
    def test_anonymous_sees_nobody(self, employee):
        assert not access.visible(AnonymousUser(), User.objects.all()).exists()

    def test_a_guest_sees_only_themselves_without_spaces(self, guest, employee):
        assert list(access.visible(guest, User.objects.all())) == [guest]

    def test_employees_do_not_see_deactivated_people(self, employee, colleague):
        colleague.is_active = False
        colleague.save()
        assert list(access.visible(employee, User.objects.all())) == [employee]


def test_a_model_without_a_policy_is_an_error_not_an_open_door(employee):
    from essaim.people.models import Department

    with pytest.raises(LookupError):
        access.visible(employee, Department.objects.all())


def test_a_lazy_request_user_is_judged_like_the_user(employee):
    from django.utils.functional import SimpleLazyObject

    lazy = SimpleLazyObject(lambda: employee)
    assert access.can(employee, Action.EDIT, lazy)
    access.require(lazy, Action.EDIT, lazy)


class TestRoles:
    """Who someone is: the flags are read in ``access.roles`` only, and a few combinations are easy to get wrong."""

    def test_a_superuser_is_a_network_admin_without_the_flag(self, db):
        from tests.accounts.factories import UserFactory

        assert access.can(UserFactory(is_superuser=True, is_network_admin=False), Action.ADMINISTER_NETWORK)

    def test_a_deactivated_person_is_no_one(self, colleague):
        colleague.is_active = False
        colleague.save()
        assert not access.can(colleague, Action.VIEW_DIRECTORY)
        assert not access.can(colleague, Action.VIEW, colleague)
        assert not access.visible(colleague, User.objects.all()).exists()

    def test_a_guest_holds_no_employee_flag(self, db):
        """The communication team's and the compliance officer's rights are employees': a guest given
        the flag by mistake reads no space it is not in and announces nothing."""
        from essaim.spaces.models import Membership, Space
        from essaim.stream import services
        from tests.accounts.factories import GuestFactory, UserFactory

        guest = GuestFactory(is_communication_team=True, is_compliance_officer=True)
        secret = Space.objects.create(name="Projet X", slug="projet-x", visibility=Space.Visibility.SECRET)
        assert not access.visible(guest, Space.objects.filter(pk=secret.pk)).exists()
        public = Space.objects.create(name="Atelier", slug="atelier", visibility=Space.Visibility.PUBLIC)
        author = UserFactory()
        for person in (guest, author):
            Membership.objects.create(space=public, user=person)
        post = services.post_create(actor=author, body="Pour toute l'entreprise", space=public)
        assert access.can(guest, Action.VIEW, post)  # the guest reads it, as a member
        assert not access.can(guest, Action.ANNOUNCE, post)


def test_a_draft_is_its_authors_only(employee, colleague):
    """An unsaved post (asked before posting) is seen by its author only: anyone else is told it does not exist."""
    from essaim.stream.models import Post

    assert access.can(employee, Action.VIEW, Post(author=employee))
    assert not access.can(colleague, Action.VIEW, Post(author=employee))
    with pytest.raises(Http404):
        access.require(colleague, Action.CREATE_POST, Post(author=employee))


class TestRulesNobodyAsks:
    """Rules no surface asks were removed; the policy answers "no" rather than keep a second, untested
    encoding of a right that lives elsewhere."""

    def test_posting_is_asked_of_the_network_or_of_a_draft_not_of_the_post_class(self, employee) -> None:
        from essaim.stream.models import Post

        assert access.can(employee, Action.CREATE_POST)
        assert access.can(employee, Action.CREATE_POST, Post(author=employee))
        assert not access.can(employee, Action.CREATE_POST, Post)

    def test_following_tags_is_asked_of_the_network_not_of_a_tag(self, employee) -> None:
        from essaim.stream import services

        assert access.can(employee, Action.FOLLOW_TAG)
        assert not access.can(employee, Action.FOLLOW_TAG, services.tag_get_or_create(name="velo"))


@pytest.mark.parametrize(
    "action", [Action.VIEW_DIRECTORY, Action.VIEW_COMPANY_FEED, Action.CREATE_POST, Action.FOLLOW_TAG]
)
def test_the_companys_network_rights_are_employees_only(guest, employee, action):
    assert access.can(employee, action)
    assert not access.can(guest, action)
    assert not access.can(AnonymousUser(), action)
