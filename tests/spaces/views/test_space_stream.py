"""The space page's stream: posting from the page, pinned posts, moderators' delete menus, sub-spaces' posts.

The composer posts to ``stream:post-create`` (essaim/stream/views.py) with the space's id; the page itself
is ``spaces.views.pages.space_page``.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from essaim.accounts.models import User
from essaim.spaces.models import Membership, Space, SpacePin
from essaim.stream import services as stream_services
from essaim.stream.models import Post
from tests.accounts.factories import GuestFactory
from tests.spaces.factories import MembershipFactory, SpaceFactory, member

Role = Membership.Role


def _post(author: User, space: Space, body: str) -> Post:
    return stream_services.post_create(actor=author, body=body, space=space)


class TestComposerOnTheSpacePage:
    @pytest.mark.parametrize(
        ("role", "shown"), [(Role.MEMBER, True), (Role.MODERATOR, True), (Role.OWNER, True), (Role.READER, False)]
    )
    def test_the_composer_shows_for_those_who_may_post(
        self, client: Client, space: Space, role: str, shown: bool
    ) -> None:
        client.force_login(member(space, role).user)
        html = client.get(space.get_absolute_url()).content.decode()
        assert (reverse("stream:post-create") in html) is shown
        if shown:
            assert f'name="space" value="{space.pk}"' in html
            assert 'name="visibility"' not in html  # the space's members decide who reads it

    def test_no_composer_for_an_outsider_of_a_public_space_nor_in_an_archived_space(
        self, client: Client, space: Space, space_member: User, employee: User
    ) -> None:
        client.force_login(employee)
        assert reverse("stream:post-create") not in client.get(space.get_absolute_url()).content.decode()
        Space.objects.filter(pk=space.pk).update(archived_at=timezone.now())
        client.force_login(space_member)
        assert reverse("stream:post-create") not in client.get(space.get_absolute_url()).content.decode()

    def test_a_member_posts_into_the_space_and_comes_back_to_it(
        self, client: Client, space: Space, space_member: User
    ) -> None:
        client.force_login(space_member)
        response = client.post(
            reverse("stream:post-create"), {"body": "Réunion lundi", "space": str(space.pk), "visibility": "mentioned"}
        )
        assert response.status_code == 302
        assert response.url == space.get_absolute_url()
        post = Post.objects.get(body="Réunion lundi")
        assert post.space == space
        assert post.visibility == "company"  # the visibility choice does not apply inside a space
        assert "Réunion lundi" in client.get(space.get_absolute_url()).content.decode()

    def test_the_space_may_be_named_by_its_address(self, client: Client, space: Space, space_member: User) -> None:
        client.force_login(space_member)
        assert (
            client.post(reverse("stream:post-create"), {"body": "Par adresse", "space": space.slug}).status_code == 302
        )
        assert Post.objects.get(body="Par adresse").space == space

    def test_an_error_renders_the_space_page_again_with_what_was_typed(
        self, client: Client, space: Space, space_member: User
    ) -> None:
        client.force_login(space_member)
        response = client.post(reverse("stream:post-create"), {"body": "Bonjour @personne.inconnue", "space": space.pk})
        assert response.status_code == 400
        html = response.content.decode()
        assert "Nobody is called @personne.inconnue" in html
        assert "Bonjour @personne.inconnue</textarea>" in html
        assert "Projet Atlas" in html  # the space's page, not the home feed

    def test_a_reader_is_refused_with_403(self, client: Client, space: Space) -> None:
        client.force_login(member(space, Role.READER).user)
        response = client.post(reverse("stream:post-create"), {"body": "Je lis seulement", "space": space.pk})
        assert response.status_code == 403
        assert not Post.objects.filter(body="Je lis seulement").exists()

    @pytest.mark.parametrize("ref", ["999999", "espace-inconnu", "secret"])
    def test_a_missing_or_invisible_space_is_404(self, client: Client, employee: User, ref: str) -> None:
        SpaceFactory(slug="secret", visibility=Space.Visibility.SECRET)
        client.force_login(employee)
        response = client.post(reverse("stream:post-create"), {"body": "Fuite", "space": ref})
        assert response.status_code == 404
        assert not Post.objects.exists()

    def test_a_guest_member_posts_into_their_space(self, client: Client, space: Space) -> None:
        guest = GuestFactory()
        MembershipFactory(space=space, user=guest)
        client.force_login(guest)
        assert client.post(reverse("stream:post-create"), {"body": "Invité", "space": space.pk}).status_code == 302
        assert Post.objects.get(body="Invité").space == space


class TestPinnedPosts:
    def test_a_moderator_pins_a_post_on_top_and_unpins_it(
        self, client: Client, space: Space, space_member: User
    ) -> None:
        moderator = member(space, Role.MODERATOR).user
        old = _post(space_member, space, "Charte de l'espace")
        _post(space_member, space, "Nouvelle récente")
        client.force_login(moderator)
        page = client.get(space.get_absolute_url()).content.decode()
        assert "Pin on top" in page
        assert (
            client.post(reverse("spaces:post-pin", kwargs={"slug": space.slug, "post_id": old.pk})).status_code == 302
        )
        html = client.get(space.get_absolute_url()).content.decode()
        assert html.index("Charte de l'espace") < html.index("Nouvelle récente")
        assert html.count(f'id="post-{old.pk}"') == 1  # pinned on top, not repeated below
        assert "Unpin" in html
        assert "Announcement" not in html  # a space pin is not a company announcement
        response = client.post(reverse("spaces:post-unpin", kwargs={"slug": space.slug, "post_id": old.pk}))
        assert response.status_code == 302
        assert not SpacePin.objects.exists()

    def test_a_member_sees_the_pin_but_cannot_pin(self, client: Client, space: Space, space_member: User) -> None:
        post = _post(space_member, space, "Épinglée")
        SpacePin.objects.create(space=space, post=post)
        client.force_login(space_member)
        html = client.get(space.get_absolute_url()).content.decode()
        assert "Pinned" in html
        assert "Pin on top" not in html
        assert "Unpin" not in html
        url = reverse("spaces:post-pin", kwargs={"slug": space.slug, "post_id": post.pk})
        assert client.post(url).status_code == 403

    def test_the_page_stays_at_a_constant_number_of_queries(
        self, client: Client, space: Space, space_member: User, django_assert_max_num_queries
    ) -> None:
        moderator = member(space, Role.MODERATOR).user
        posts = [_post(space_member, space, f"Message {n}") for n in range(15)]
        for post in posts[:3]:
            SpacePin.objects.create(space=space, post=post)
        client.force_login(moderator)
        with django_assert_max_num_queries(30):
            assert client.get(space.get_absolute_url()).status_code == 200


class TestModeratorsDeleteContent:
    def test_moderators_get_the_delete_menu_on_the_space_posts(
        self, client: Client, space: Space, space_member: User
    ) -> None:
        post = _post(space_member, space, "À modérer")
        client.force_login(member(space, Role.MODERATOR).user)
        html = client.get(space.get_absolute_url()).content.decode()
        assert reverse("stream:post-delete", kwargs={"post_id": post.pk}) in html
        assert client.post(reverse("stream:post-delete", kwargs={"post_id": post.pk})).status_code == 302
        assert not Post.objects.filter(pk=post.pk).exists()

    def test_plain_members_get_no_delete_menu_on_others_posts(
        self, client: Client, space: Space, space_member: User
    ) -> None:
        post = _post(space_member, space, "Pas à toi")
        client.force_login(member(space).user)
        assert (
            reverse("stream:post-delete", kwargs={"post_id": post.pk})
            not in client.get(space.get_absolute_url()).content.decode()
        )


class TestSubSpacePosts:
    @pytest.fixture
    def family(self, space: Space, space_member: User) -> tuple[Space, Space, Space]:
        open_child = SpaceFactory(parent=space, slug="atlas-equipe", name="Équipe Atlas")
        secret_child = SpaceFactory(parent=space, slug="atlas-secret", visibility=Space.Visibility.SECRET)
        MembershipFactory(space=open_child, user=space_member)
        insider = member(secret_child).user
        _post(space_member, space, "Dans le parent")
        _post(space_member, open_child, "Dans l'équipe")
        _post(insider, secret_child, "Dans le secret")
        return space, open_child, secret_child

    def test_off_by_default(self, client: Client, family: tuple[Space, Space, Space], employee: User) -> None:
        client.force_login(employee)
        html = client.get(family[0].get_absolute_url()).content.decode()
        assert "Dans le parent" in html
        assert "Dans l'équipe" not in html

    def test_when_on_the_parent_shows_the_sub_spaces_posts_the_reader_may_read(
        self, client: Client, family: tuple[Space, Space, Space], employee: User, django_assert_max_num_queries
    ) -> None:
        parent, _open_child, secret_child = family
        Space.objects.filter(pk=parent.pk).update(include_subspace_posts=True)
        client.force_login(employee)
        with django_assert_max_num_queries(25):
            html = client.get(parent.get_absolute_url()).content.decode()
        assert "Dans le parent" in html
        assert "Dans l&#x27;équipe" in html or "Dans l'équipe" in html
        assert "Dans le secret" not in html
        client.force_login(secret_child.memberships.get().user)
        assert "Dans le secret" in client.get(parent.get_absolute_url()).content.decode()

    def test_a_moderator_pins_and_deletes_only_the_spaces_own_posts_in_the_streams_order(
        self, client: Client, family: tuple[Space, Space, Space], space_member: User
    ) -> None:
        parent, open_child, _secret_child = family
        Space.objects.filter(pk=parent.pk).update(include_subspace_posts=True)
        newest = _post(space_member, parent, "Encore le parent")
        own, child = (Post.objects.get(body=body) for body in ("Dans le parent", "Dans l'équipe"))
        client.force_login(member(parent, Role.MODERATOR).user)
        html = client.get(parent.get_absolute_url()).content.decode()

        def pin(post: Post) -> str:
            return reverse("spaces:post-pin", kwargs={"slug": parent.slug, "post_id": post.pk})

        def delete(post: Post) -> str:
            return reverse("stream:post-delete", kwargs={"post_id": post.pk})

        cards = [html.index(f'id="post-{post.pk}"') for post in (newest, child, own)]
        assert cards == sorted(cards)  # newest first, the sub-space's post in its place
        assert cards[0] < html.index(pin(newest)) < cards[1] < cards[2] < html.index(pin(own))
        assert pin(child) not in html
        assert reverse("spaces:post-pin", kwargs={"slug": open_child.slug, "post_id": child.pk}) not in html
        assert delete(newest) in html
        assert delete(own) in html
        assert delete(child) not in html  # a sub-space's own moderators decide there
        assert html.count('name="csrfmiddlewaretoken"') >= 2

    def test_the_owner_turns_it_on_in_the_settings(self, client: Client, space: Space, owner: User) -> None:
        client.force_login(owner)
        settings_url = reverse("spaces:space-settings", kwargs={"slug": space.slug})
        assert 'name="include_subspace_posts"' in client.get(settings_url).content.decode()
        data = {"name": space.name, "visibility": space.visibility, "include_subspace_posts": "on"}
        assert client.post(settings_url, data).status_code == 302
        space.refresh_from_db()
        assert space.include_subspace_posts is True

    def test_a_sub_space_settings_page_has_no_such_option(self, client: Client, space: Space) -> None:
        child = SpaceFactory(parent=space, slug="enfant")
        client.force_login(member(child, Role.OWNER).user)
        html = client.get(reverse("spaces:space-settings", kwargs={"slug": child.slug})).content.decode()
        assert "include_subspace_posts" not in html
