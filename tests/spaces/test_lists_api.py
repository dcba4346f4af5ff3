"""Mastodon's lists are the spaces one belongs to (``essaim/spaces/lists_api.py``), and a status reaches a space by
mentioning its handle (``essaim/stream/space_mentions.py``)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from essaim.accounts.models import User
from essaim.spaces.models import Membership, Space
from essaim.stream import services as stream_services
from essaim.stream.models import Post
from tests.accounts.factories import GuestFactory, UserFactory
from tests.api.conftest import TokenClient, token_client_for
from tests.api.test_oauth import authorise, register, token_for
from tests.spaces.factories import MembershipFactory, SpaceFactory, member

Role = Membership.Role
Visibility = Space.Visibility


@pytest.fixture
def me(employee: User, space: Space) -> User:
    MembershipFactory(space=space, user=employee, role=Role.MEMBER)
    return employee


@pytest.fixture
def api(me: User) -> TokenClient:
    return token_client_for(me)


def post_in(space: Space, body: str = "Bonjour") -> Post:
    author = member(space, Role.MEMBER).user
    return stream_services.post_create(actor=author, body=body, space=space)


class TestLists:
    def test_the_spaces_i_belong_to_are_my_lists_by_name(self, api: TokenClient, me: User, space: Space) -> None:
        zephyr = SpaceFactory(name="Zéphyr", visibility=Visibility.SECRET)
        MembershipFactory(space=zephyr, user=me)
        SpaceFactory(name="Autre")  # public, not mine: not a list
        lists = api.get("/api/v1/lists").json()
        assert [entry["title"] for entry in lists] == ["Projet Atlas", "Zéphyr"]
        assert lists[0] == {
            "id": str(space.pk),
            "title": "Projet Atlas",
            "replies_policy": "list",
            "exclusive": False,
            "essaim": {"handle": "projet-atlas", "url": "http://testserver/spaces/projet-atlas/", "archived": False},
        }

    def test_one_list_and_a_space_that_is_not_mine_is_missing(self, api: TokenClient, space: Space) -> None:
        assert api.get(f"/api/v1/lists/{space.pk}").json()["title"] == "Projet Atlas"
        other = SpaceFactory()
        for path in (f"/api/v1/lists/{other.pk}", "/api/v1/lists/999999", "/api/v1/lists/abc"):
            response = api.get(path)
            assert response.status_code == 404
            assert response.json()["error"] == "Record not found"

    def test_a_guest_sees_no_list_of_a_space_closed_to_it(self, space: Space) -> None:
        guest = GuestFactory()
        secret = SpaceFactory(visibility=Visibility.SECRET)
        MembershipFactory(space=secret, user=guest)
        response = token_client_for(guest).get("/api/v1/lists")
        assert [entry["id"] for entry in response.json()] == [str(secret.pk)]

    def test_lists_are_not_changed_in_apps(self, api: TokenClient, space: Space) -> None:
        answers = [
            api.post("/api/v1/lists", {"title": "Amis"}),
            api.put(f"/api/v1/lists/{space.pk}", json.dumps({"title": "x"}), content_type="application/json"),
            api.delete(f"/api/v1/lists/{space.pk}"),
            api.post(f"/api/v1/lists/{space.pk}/accounts", {"account_ids[]": ["1"]}),
            api.delete(f"/api/v1/lists/{space.pk}/accounts"),
        ]
        for response in answers:
            assert response.status_code == 422, response.content
            assert response.json()["error"] == "Lists are spaces"
        assert Space.objects.filter(pk=space.pk).exists()
        assert api.delete(f"/api/v1/lists/{SpaceFactory().pk}").status_code == 404

    def test_the_members_read_only(self, api: TokenClient, me: User, space: Space) -> None:
        other = member(space, Role.ADMIN, first_name="Albert", last_name="Aubry").user
        accounts = api.get(f"/api/v1/lists/{space.pk}/accounts").json()
        assert [a["id"] for a in accounts] == [str(other.pk), str(me.pk)]


class TestListTimeline:
    def test_the_space_feed_newest_first_with_mastodon_pages(self, api: TokenClient, space: Space) -> None:
        posts = [post_in(space, f"Message {n}") for n in range(3)]
        post_in(SpaceFactory())  # another space's: not in it
        response = api.get(f"/api/v1/timelines/list/{space.pk}?limit=2")
        assert response.status_code == 200
        assert [s["id"] for s in response.json()] == [str(posts[2].pk), str(posts[1].pk)]
        assert f"max_id={posts[1].pk}" in response["Link"]
        older = api.get(f"/api/v1/timelines/list/{space.pk}?max_id={posts[1].pk}").json()
        assert [s["id"] for s in older] == [str(posts[0].pk)]
        newer = api.get(f"/api/v1/timelines/list/{space.pk}?min_id={posts[0].pk}&limit=1").json()
        assert [s["id"] for s in newer] == [str(posts[1].pk)]
        assert api.get(f"/api/v1/timelines/list/{space.pk}?limit=0").status_code == 400

    def test_hidden_posts_follow_the_space_rules(self, api: TokenClient, space: Space) -> None:
        shown, hidden = post_in(space, "Visible"), post_in(space, "Caché")
        moderator = member(space, Role.MODERATOR).user
        stream_services.post_hide(actor=moderator, post=hidden)
        ids = [s["id"] for s in api.get(f"/api/v1/timelines/list/{space.pk}").json()]
        assert ids == [str(shown.pk)]
        moderated = token_client_for(moderator).get(f"/api/v1/timelines/list/{space.pk}").json()
        assert {s["id"] for s in moderated} == {str(shown.pk), str(hidden.pk)}

    def test_not_a_member_answers_404(self, space: Space) -> None:
        outsider = token_client_for(UserFactory())
        assert outsider.get(f"/api/v1/timelines/list/{space.pk}").status_code == 404

    def test_a_constant_number_of_queries(self, api: TokenClient, space: Space) -> None:
        post_in(space)
        api.get(f"/api/v1/timelines/list/{space.pk}")  # the token's first use, the network's settings cached
        with CaptureQueriesContext(connection) as few:
            api.get(f"/api/v1/timelines/list/{space.pk}")
        for n in range(5):
            post_in(space, f"Encore {n}")
        with CaptureQueriesContext(connection) as more:
            api.get(f"/api/v1/timelines/list/{space.pk}")
        assert len(more) == len(few)

    def test_needs_read_lists(self, client: Client, me: User, space: Space) -> None:
        app = register(client, scopes="read:statuses read:lists")
        statuses_only = TokenClient(token_for(app, authorise(me, app, scope="read:statuses"))["access_token"])
        assert statuses_only.get(f"/api/v1/timelines/list/{space.pk}").status_code == 403
        assert statuses_only.get("/api/v1/lists").status_code == 403
        lists = TokenClient(token_for(app, authorise(me, app, scope="read:lists"))["access_token"])
        assert lists.get(f"/api/v1/timelines/list/{space.pk}").status_code == 200
        assert lists.get("/api/v1/lists").status_code == 200


def create(client: TokenClient, **data: Any) -> Any:
    return client.post("/api/v1/statuses", json.dumps(data), content_type="application/json")


class TestPostingByMention:
    def test_a_mention_of_the_space_handle_posts_there(self, api: TokenClient, space: Space) -> None:
        response = create(api, status="Point d'étape pour @projet-atlas")
        assert response.status_code == 200, response.content
        assert response.json()["space_id"] == str(space.pk)
        post = Post.objects.get(pk=response.json()["id"])
        assert post.space_id == space.pk
        assert 'href="/spaces/projet-atlas/"' in post.body_html

    def test_a_person_s_handle_wins(self, api: TokenClient, space: Space) -> None:
        UserFactory(handle="projet-atlas")
        response = create(api, status="Bonjour @projet-atlas")
        assert response.status_code == 200
        assert response.json()["space_id"] is None

    def test_a_space_i_may_not_post_in_is_refused_with_a_clear_422(self, space: Space) -> None:
        reader = member(space, Role.READER).user
        response = create(token_client_for(reader), status="Salut @projet-atlas")
        assert response.status_code == 422
        assert "projet-atlas" in response.json()["error"]
        assert not Post.objects.exists()

    def test_a_secret_space_i_cannot_see_is_nobody(self, api: TokenClient) -> None:
        SpaceFactory(slug="cellule", visibility=Visibility.SECRET)
        response = create(api, status="Salut @cellule")
        assert response.status_code == 422
        assert "Nobody is called @cellule" in response.json()["error"]
        assert not Post.objects.exists()

    def test_two_spaces_are_refused(self, api: TokenClient, me: User, space: Space) -> None:
        MembershipFactory(space=SpaceFactory(slug="atelier"), user=me)
        response = create(api, status="@projet-atlas et @atelier")
        assert response.status_code == 422
        assert not Post.objects.exists()

    def test_a_private_visibility_is_refused_in_a_space(self, api: TokenClient, space: Space) -> None:
        response = create(api, status="@projet-atlas", visibility="private")
        assert response.status_code == 422

    def test_editing_keeps_the_space_mention(self, api: TokenClient, space: Space) -> None:
        status = create(api, status="Salut @projet-atlas").json()
        edited = api.put(
            f"/api/v1/statuses/{status['id']}",
            json.dumps({"status": "Bonsoir @projet-atlas"}),
            content_type="application/json",
        )
        assert edited.status_code == 200, edited.content
