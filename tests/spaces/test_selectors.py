from __future__ import annotations

import pytest
from django.http import Http404

from essaim.accounts.models import User
from essaim.spaces import selectors
from essaim.spaces.models import Membership, Space, SpaceInvitation
from tests.accounts.factories import GuestFactory, UserFactory
from tests.spaces.factories import MembershipFactory, SpaceFactory


class TestSpaceGetFor:
    def test_carries_the_viewer_role_so_permission_checks_need_no_query(
        self, space: Space, space_admin: User, django_assert_num_queries
    ) -> None:
        from essaim import access
        from essaim.access import Action

        found = selectors.space_get_for(actor=space_admin, slug=space.slug)
        with django_assert_num_queries(0):
            assert access.can(space_admin, Action.EDIT_SETTINGS, found)
            assert not access.can(space_admin, Action.DELETE, found)

    def test_guest_outside_the_space_gets_404(self, space: Space, guest: User) -> None:
        with pytest.raises(Http404):
            selectors.space_get_for(actor=guest, slug=space.slug)


class TestMembers:
    def test_page_search_by_name_without_accents(self, space: Space) -> None:
        MembershipFactory(space=space, user=UserFactory(first_name="Zoé", last_name="Éluard"))
        MembershipFactory(space=space, user=UserFactory(first_name="Marc", last_name="Durand"))
        admin = MembershipFactory(space=space, role=Membership.Role.ADMIN).user
        page = selectors.membership_page_for(actor=admin, space=space, q="ELU", cursor=None)
        assert [m.user.first_name for m in page.items] == ["Zoé"]

    def test_private_member_list_is_refused_to_outsiders(self, employee: User) -> None:
        from django.core.exceptions import PermissionDenied

        private = SpaceFactory(visibility=Space.Visibility.PRIVATE)
        with pytest.raises(PermissionDenied):
            selectors.membership_page_for(actor=employee, space=private, cursor=None)


class TestMemberPreview:
    """The space page's few members: by role as spelled (admins first), then by name; the same rows
    whichever way a space's size makes the selector read them."""

    @pytest.fixture
    def crowd(self, space: Space) -> list[tuple[str, str]]:
        roles = [*[Membership.Role.MEMBER] * 8, Membership.Role.ADMIN, Membership.Role.OWNER]
        roles += [Membership.Role.MODERATOR, Membership.Role.READER, Membership.Role.ADMIN]
        names = ["Zola", "Abel", "Émile", "Durand", "Bérard", "Yann", "Carel", "Xavier", "Martin", "Lenoir", "Petit"]
        names += ["Nadal", "Ogier"]
        for role, name in zip(roles, names, strict=True):
            MembershipFactory(space=space, role=role, user=UserFactory(first_name="A", last_name=name))
        UserFactory.create_batch(3)  # people outside the space, met by the walk
        expected = Membership.objects.filter(space=space).order_by("role", "user__profile__sort_key")
        return [(m.role, m.user.last_name) for m in expected]

    @pytest.mark.parametrize("size", [1, 2, 3, 5, 12, 20])
    @pytest.mark.parametrize("member_count", [None, 10, selectors.WALK_MEMBERS_FROM])
    def test_by_role_then_name_whatever_the_space_size(
        self, space: Space, crowd: list[tuple[str, str]], size: int, member_count: int | None
    ) -> None:
        reader = space.memberships.filter(role=Membership.Role.MEMBER).first().user
        preview = selectors.membership_preview_for(actor=reader, space=space, size=size, member_count=member_count)
        assert [(m.role, m.user.last_name) for m in preview] == crowd[:size]
        assert all(m.user.profile.sort_key for m in preview)

    def test_nobody_for_who_may_not_see_the_members(self, employee: User) -> None:
        private = SpaceFactory(visibility=Space.Visibility.SECRET)
        MembershipFactory(space=private)
        assert selectors.membership_preview_for(actor=employee, space=private, member_count=5000) == []


class TestMyInvitations:
    def test_invitations_by_address_reach_the_new_account(self, space: Space) -> None:
        SpaceInvitation.objects.create(space=space, email="new@partner.example")
        newcomer = GuestFactory(email="new@partner.example")
        assert [i.space for i in selectors.my_invitation_list(actor=newcomer)] == [space]
        assert selectors.my_invitation_list(actor=UserFactory()) == []


class TestMySpaces:
    def test_lists_my_live_spaces_newest_membership_first_in_one_query(self, db, django_assert_num_queries) -> None:
        from django.utils import timezone

        from essaim.spaces.selectors import my_space_list
        from tests.accounts.factories import UserFactory
        from tests.spaces.factories import MembershipFactory, SpaceFactory

        me = UserFactory()
        older, newer, archived = SpaceFactory(), SpaceFactory(), SpaceFactory(archived_at=timezone.now())
        for space in (older, newer, archived):
            MembershipFactory(space=space, user=me)
        SpaceFactory()  # not mine
        with django_assert_num_queries(1):
            assert my_space_list(actor=me) == [newer, older]

    def test_the_home_feed_shows_my_spaces_in_the_side_column(self, db, client) -> None:
        from tests.accounts.factories import UserFactory
        from tests.spaces.factories import MembershipFactory, SpaceFactory

        me = UserFactory()
        MembershipFactory(space=SpaceFactory(name="Club photo"), user=me)
        client.force_login(me)
        html = client.get("/").text
        assert 'id="my-spaces-title"' in html
        assert "Club photo" in html

    def test_the_side_column_follows_a_renamed_space_and_a_new_membership(self, db, client) -> None:
        """The list is cached by what it shows (``core.fragments``): any change shows at once."""
        from tests.accounts.factories import UserFactory
        from tests.spaces.factories import MembershipFactory, SpaceFactory

        me = UserFactory()
        club = SpaceFactory(name="Club photo")
        MembershipFactory(space=club, user=me)
        client.force_login(me)
        assert "Club photo" in client.get("/").text
        club.name = "Club vidéo"
        club.save()
        MembershipFactory(space=SpaceFactory(name="Chorale"), user=me)
        html = client.get("/").text
        assert "Club vidéo" in html
        assert "Chorale" in html
        assert "Club photo" not in html
