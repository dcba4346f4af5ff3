from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from essaim.accounts.models import User
from essaim.spaces import services
from essaim.spaces.models import Membership, Space, SpacePin
from essaim.spaces.services.pins import PIN_LIMIT
from essaim.stream import services as stream_services
from tests.spaces.factories import SpaceFactory, member

Role = Membership.Role


class TestSpacePinAdd:
    @pytest.mark.parametrize("role", [Role.MODERATOR, Role.ADMIN, Role.OWNER])
    def test_moderators_admins_and_owners_pin(self, space: Space, space_member: User, role: str) -> None:
        post = stream_services.post_create(actor=space_member, body="Règles", space=space)
        pin = services.space_pin_add(actor=member(space, role).user, space=space, post=post)
        assert pin.space == space
        assert pin.post == post

    @pytest.mark.parametrize("role", [Role.MEMBER, Role.READER])
    def test_members_and_readers_are_refused(self, space: Space, space_member: User, role: str) -> None:
        post = stream_services.post_create(actor=space_member, body="Règles", space=space)
        with pytest.raises(PermissionDenied):
            services.space_pin_add(actor=member(space, role).user, space=space, post=post)

    def test_an_outsider_of_a_secret_space_gets_404(self, employee: User) -> None:
        secret = SpaceFactory(visibility=Space.Visibility.SECRET)
        post = stream_services.post_create(actor=member(secret).user, body="Caché", space=secret)
        with pytest.raises(Http404):
            services.space_pin_add(actor=employee, space=secret, post=post)

    def test_only_posts_of_the_space_are_pinned(self, space: Space, space_member: User) -> None:
        other = SpaceFactory()
        post = stream_services.post_create(actor=member(other).user, body="Ailleurs", space=other)
        with pytest.raises(ValidationError, match="published in this space"):
            services.space_pin_add(actor=member(space, Role.MODERATOR).user, space=space, post=post)

    def test_pinning_twice_changes_nothing(self, space: Space, space_member: User) -> None:
        post = stream_services.post_create(actor=space_member, body="Deux fois", space=space)
        moderator = member(space, Role.MODERATOR).user
        first = services.space_pin_add(actor=moderator, space=space, post=post)
        assert services.space_pin_add(actor=moderator, space=space, post=post) == first
        assert SpacePin.objects.count() == 1

    def test_the_number_of_pins_is_limited(self, space: Space, space_member: User) -> None:
        moderator = member(space, Role.MODERATOR).user
        for n in range(PIN_LIMIT):
            post = stream_services.post_create(actor=space_member, body=f"Pin {n}", space=space)
            services.space_pin_add(actor=moderator, space=space, post=post)
        extra = stream_services.post_create(actor=space_member, body="De trop", space=space)
        with pytest.raises(ValidationError, match="unpin one first"):
            services.space_pin_add(actor=moderator, space=space, post=extra)

    def test_nothing_is_pinned_in_an_archived_space(self, space: Space, space_member: User) -> None:
        post = stream_services.post_create(actor=space_member, body="Archivé", space=space)
        moderator = member(space, Role.MODERATOR).user
        services.space_archive(actor=member(space, Role.OWNER).user, space=space)
        with pytest.raises(PermissionDenied):
            services.space_pin_add(actor=moderator, space=space, post=post)


class TestSpacePinRemove:
    def test_unpinning_keeps_the_post(self, space: Space, space_member: User) -> None:
        post = stream_services.post_create(actor=space_member, body="Gardé", space=space)
        moderator = member(space, Role.MODERATOR).user
        services.space_pin_add(actor=moderator, space=space, post=post)
        assert services.space_pin_remove(actor=moderator, space=space, post=post) is True
        assert services.space_pin_remove(actor=moderator, space=space, post=post) is False
        post.refresh_from_db()

    def test_a_member_cannot_unpin(self, space: Space, space_member: User) -> None:
        post = stream_services.post_create(actor=space_member, body="Épinglé", space=space)
        services.space_pin_add(actor=member(space, Role.MODERATOR).user, space=space, post=post)
        with pytest.raises(PermissionDenied):
            services.space_pin_remove(actor=space_member, space=space, post=post)
