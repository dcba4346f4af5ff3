"""Posting into a space through Mastodon's ``POST /api/v1/statuses`` with Essaim's ``space_id``.

The same rules as the space page's composer: a space you cannot see answers 404 like a missing one, a
visible one you may not post in 403 with the page's message, a malformed id 422. A ``space_id`` is never
ignored: a post meant for a space must not land in the company feed.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.utils import timezone

from essaim.accounts.models import User
from essaim.spaces.models import Membership, Space
from essaim.stream import services as stream_services
from essaim.stream.models import Comment, Post, Visibility
from tests.api.conftest import TokenClient, token_client_for
from tests.spaces.factories import SpaceFactory, member

Role = Membership.Role

NOT_ALLOWED = "You are not allowed to do this."


def publish(user: User, data: dict[str, Any], **headers: str) -> Any:
    client: TokenClient = token_client_for(user)
    return client.post("/api/v1/statuses", json.dumps(data), content_type="application/json", headers=headers)


def in_space(space: Space, **extra: Any) -> dict[str, Any]:
    return {"status": "Point d'étape du projet", "space_id": str(space.pk), **extra}


class TestMembersPost:
    def test_a_member_posts_into_the_space_and_the_status_says_so(self, space: Space, space_member: User) -> None:
        response = publish(space_member, in_space(space))
        assert response.status_code == 200  # Mastodon answers a new status with 200
        data = response.json()
        post = Post.objects.get(pk=int(data["id"]))
        assert post.space == space
        assert post.visibility == Visibility.COMPANY  # as the page's composer stores it
        assert data["space_id"] == str(space.pk)
        assert data["text"] == "Point d'étape du projet"

    def test_the_post_reaches_the_space_feed_and_members_homes_but_not_the_company_feed(
        self, space: Space, space_member: User, employee: User, django_capture_on_commit_callbacks: Any
    ) -> None:
        Space.objects.filter(pk=space.pk).update(visibility=Space.Visibility.PRIVATE)
        other_member = member(space).user
        with django_capture_on_commit_callbacks(execute=True):
            status_id = publish(space_member, in_space(space)).json()["id"]
        reader = token_client_for(other_member)
        assert [s["id"] for s in reader.get(f"/api/v1/spaces/{space.pk}/statuses").json()] == [status_id]
        home = reader.get("/api/v1/timelines/home").json()
        assert [(s["id"], s["space_id"]) for s in home] == [(status_id, str(space.pk))]
        outsider = token_client_for(employee)
        assert outsider.get("/api/v1/timelines/public").json() == []
        assert outsider.get(f"/api/v1/statuses/{status_id}").status_code == 404

    def test_visibility_public_or_unlisted_is_accepted_and_stored_as_in_the_composer(
        self, space: Space, space_member: User
    ) -> None:
        for visibility in ("public", "unlisted"):
            response = publish(space_member, in_space(space, visibility=visibility))
            assert response.status_code == 200, visibility
        assert set(Post.objects.values_list("visibility", "space")) == {(Visibility.COMPANY, space.pk)}

    @pytest.mark.parametrize("visibility", ["private", "direct"])
    def test_a_narrower_visibility_is_refused_rather_than_widened_to_the_space(
        self, space: Space, space_member: User, visibility: str
    ) -> None:
        response = publish(space_member, in_space(space, visibility=visibility, status="Pour @lea.martin"))
        assert response.status_code == 422
        assert "In a space, the space decides who sees the post" in response.json()["error"]
        assert not Post.objects.exists()

    def test_a_guest_posts_in_their_space(self, space: Space, guest: User) -> None:
        Membership.objects.create(space=space, user=guest, role=Role.MEMBER)
        response = publish(guest, in_space(space))
        assert response.status_code == 200
        assert Post.objects.get().space == space

    def test_form_encoded_bodies_carry_the_space_too(self, space: Space, space_member: User) -> None:
        response = token_client_for(space_member).post(
            "/api/v1/statuses", {"status": "Par formulaire", "space_id": str(space.pk)}
        )
        assert response.status_code == 200
        assert Post.objects.get().space == space

    def test_without_space_id_the_post_stays_a_company_post(self, employee: User) -> None:
        data = publish(employee, {"status": "Pour tous"}).json()
        assert data["space_id"] is None
        assert Post.objects.get().space is None


class TestRefusals:
    def test_an_outsider_of_a_secret_space_gets_404_like_a_missing_space(self, employee: User) -> None:
        secret = SpaceFactory(visibility=Space.Visibility.SECRET)
        member(secret)
        hidden = publish(employee, in_space(secret))
        missing = publish(employee, {"status": "x", "space_id": "987654321"})
        assert hidden.status_code == missing.status_code == 404
        assert hidden.json() == missing.json()
        assert not Post.objects.exists()

    def test_a_guest_gets_404_for_a_public_space_they_are_not_in(self, space: Space, guest: User) -> None:
        assert publish(guest, in_space(space)).status_code == 404

    def test_a_read_only_member_gets_403_with_the_pages_message(self, space: Space) -> None:
        reader = member(space, Role.READER).user
        response = publish(reader, in_space(space))
        assert response.status_code == 403
        assert response.json()["error"] == NOT_ALLOWED
        assert not Post.objects.exists()

    def test_nobody_posts_in_an_archived_space_not_even_its_owner(self, space: Space, owner: User) -> None:
        Space.objects.filter(pk=space.pk).update(archived_at=timezone.now())
        response = publish(owner, in_space(space))
        assert response.status_code == 403
        assert response.json()["error"] == NOT_ALLOWED
        assert not Post.objects.exists()

    @pytest.mark.parametrize("visibility", [Space.Visibility.PUBLIC, Space.Visibility.PRIVATE])
    def test_a_colleague_who_sees_the_space_but_is_not_a_member_gets_403(self, employee: User, visibility: str) -> None:
        listed = SpaceFactory(visibility=visibility)
        assert publish(employee, in_space(listed)).status_code == 403
        assert not Post.objects.exists()

    @pytest.mark.parametrize("space_id", ["atlas", "", " 12", "-3", "1.5", "²"])
    def test_a_malformed_space_id_is_422_and_nothing_is_posted(self, employee: User, space_id: str) -> None:
        response = publish(employee, {"status": "x", "space_id": space_id})
        assert response.status_code == 422
        assert "This is not a space id" in response.json()["error"]
        assert not Post.objects.exists()

    @pytest.mark.parametrize("space_id", ["0", "9" * 20])
    def test_digits_that_name_no_space_are_404_and_nothing_is_posted(self, employee: User, space_id: str) -> None:
        assert publish(employee, {"status": "x", "space_id": space_id}).status_code == 404
        assert not Post.objects.exists()

    def test_a_numeric_space_id_is_refused_like_other_ids_which_are_strings(self, space: Space, owner: User) -> None:
        response = publish(owner, {"status": "x", "space_id": space.pk})
        assert response.status_code == 422
        assert "space_id" in response.json()["error"]
        assert not Post.objects.exists()

    def test_messages_come_in_the_readers_language(self, space: Space, employee: User) -> None:
        malformed = publish(employee, {"status": "x", "space_id": "atlas"}, **{"Accept-Language": "fr"})
        assert malformed.status_code == 422
        assert "identifiant d’espace" in malformed.json()["error"]
        refused = publish(employee, in_space(space), **{"Accept-Language": "fr"})
        assert refused.status_code == 403
        assert refused.json()["error"] != NOT_ALLOWED
        narrower = publish(member(space).user, in_space(space, visibility="direct"), **{"Accept-Language": "fr"})
        assert "Dans un espace" in narrower.json()["error"]


class TestReplies:
    def test_a_reply_in_a_space_carries_the_space_and_may_name_it(self, space: Space, space_member: User) -> None:
        post = stream_services.post_create(actor=space_member, body="Question", space=space)
        data = in_space(space, status="Réponse", in_reply_to_id=str(post.pk))
        response = publish(member(space).user, data)
        assert response.status_code == 200
        assert response.json()["space_id"] == str(space.pk)
        assert Comment.objects.get().post == post

    def test_a_reply_naming_another_space_is_refused(self, space: Space, space_member: User) -> None:
        post = stream_services.post_create(actor=space_member, body="Question", space=space)
        elsewhere = SpaceFactory()
        Membership.objects.create(space=elsewhere, user=space_member, role=Role.MEMBER)
        response = publish(space_member, in_space(elsewhere, in_reply_to_id=str(post.pk)))
        assert response.status_code == 422
        assert "A reply goes into its post's space" in response.json()["error"]
        assert not Comment.objects.exists()


class TestOpenApi:
    def test_the_document_shows_space_id_on_the_request_and_the_status(self, client: Any, db: None) -> None:
        document = client.get("/api/openapi.json").json()
        body = document["paths"]["/api/v1/statuses"]["post"]["requestBody"]["content"]["application/json"]["schema"]
        assert "space_id" in body["properties"]
        assert "space" in body["properties"]["space_id"]["description"]
        assert "space_id" in document["components"]["schemas"]["Status"]["properties"]
