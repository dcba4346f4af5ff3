"""Mastodon's statuses, timelines and tags, and Essaim's reactions and announcements, over the API."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.test import Client
from django.utils import timezone

from essaim.accounts.models import User
from essaim.people.services import follow_create
from essaim.stream import services
from essaim.stream.models import Comment, Post, Tag, Visibility
from tests.accounts.factories import UserFactory
from tests.api.conftest import TokenClient, token_client_for

MakePost = Callable[..., Post]


@pytest.fixture
def api_client(employee: User) -> TokenClient:
    """Acts as ``employee`` through a personal token."""
    return token_client_for(employee)


def post_json(client: Client, url: str, data: dict[str, object], method: str = "post") -> object:
    return getattr(client, method)(url, json.dumps(data), content_type="application/json")


class TestStatusCreate:
    def test_publishes_a_company_post_from_json(self, api_client: TokenClient, employee: User) -> None:
        response = post_json(api_client, "/api/v1/statuses", {"status": "Bonjour **tous**", "visibility": "public"})
        assert response.status_code == 200  # type: ignore[attr-defined]
        data = response.json()  # type: ignore[attr-defined]
        post = Post.objects.get(pk=int(data["id"]))
        assert post.author == employee
        assert post.visibility == Visibility.COMPANY
        assert data["visibility"] == "public"
        assert "<strong>tous</strong>" in data["content"]
        assert data["account"]["id"] == str(employee.pk)

    def test_form_encoded_bodies_work_as_in_mastodon(self, api_client: TokenClient) -> None:
        response = api_client.post("/api/v1/statuses", {"status": "Form post", "visibility": "private"})
        assert response.status_code == 200
        assert Post.objects.get(pk=int(response.json()["id"])).visibility == Visibility.FOLLOWERS

    def test_a_reply_becomes_a_comment(self, api_client: TokenClient, colleague: User, make_post: MakePost) -> None:
        post = make_post(colleague, "Question ?")
        data = post_json(api_client, "/api/v1/statuses", {"status": "Réponse", "in_reply_to_id": str(post.pk)}).json()  # type: ignore[attr-defined]
        comment = Comment.objects.get(pk=int(data["id"]))
        assert comment.post == post
        assert data["in_reply_to_id"] == str(post.pk)
        assert data["in_reply_to_account_id"] == str(colleague.pk)

    def test_an_empty_post_is_refused_with_a_message(self, api_client: TokenClient) -> None:
        response = post_json(api_client, "/api/v1/statuses", {"status": "   "})
        assert response.status_code == 422  # type: ignore[attr-defined]
        assert "empty" in response.json()["error"]  # type: ignore[attr-defined]
        assert not Post.objects.exists()

    def test_a_post_over_20000_characters_is_refused(self, api_client: TokenClient) -> None:
        response = post_json(api_client, "/api/v1/statuses", {"status": "a" * 20_001})
        assert response.status_code == 422  # type: ignore[attr-defined]
        assert "20000" in response.json()["error"].replace(",", "").replace("\u202f", "")  # type: ignore[attr-defined]

    def test_an_unknown_visibility_is_refused(self, api_client: TokenClient) -> None:
        response = post_json(api_client, "/api/v1/statuses", {"status": "x", "visibility": "secret"})
        assert response.status_code == 422  # type: ignore[attr-defined]

    def test_media_ids_are_refused_clearly_until_uploads_exist(self, api_client: TokenClient) -> None:
        response = post_json(api_client, "/api/v1/statuses", {"status": "x", "media_ids": ["1"]})
        assert response.status_code == 422  # type: ignore[attr-defined]
        assert not Post.objects.exists()

    def test_a_reply_with_an_unknown_visibility_is_refused(
        self, api_client: TokenClient, colleague: User, make_post: MakePost
    ) -> None:
        post = make_post(colleague, "Bonjour")
        response = post_json(
            api_client, "/api/v1/statuses", {"status": "Re", "in_reply_to_id": str(post.pk), "visibility": "bogus"}
        )
        assert response.status_code == 422  # type: ignore[attr-defined]
        assert not Comment.objects.exists()

    def test_an_empty_in_reply_to_id_is_a_missing_status_not_a_new_post(self, api_client: TokenClient) -> None:
        response = post_json(api_client, "/api/v1/statuses", {"status": "Re", "in_reply_to_id": ""})
        assert response.status_code == 404  # type: ignore[attr-defined]
        assert not Post.objects.exists()

    @pytest.mark.parametrize("text", ["a\x00b", "a\ud800b"])
    def test_text_that_cannot_be_stored_is_a_bad_request(self, api_client: TokenClient, text: str) -> None:
        body = json.dumps({"status": text})  # JSON escapes both: \u0000, \ud800
        response = api_client.post("/api/v1/statuses", body, content_type="application/json")
        assert response.status_code == 400
        assert "NUL" in response.json()["error_description"]
        assert not Post.objects.exists()

    def test_a_nul_character_in_a_form_field_is_a_bad_request(self, api_client: TokenClient) -> None:
        assert api_client.post("/api/v1/statuses", {"status": "a\x00b"}).status_code == 400
        assert not Post.objects.exists()

    def test_malformed_json_is_422(self, api_client: TokenClient) -> None:
        response = api_client.post("/api/v1/statuses", "{oops", content_type="application/json")
        assert response.status_code == 422

    def test_a_body_over_the_size_limit_is_413(self, api_client: TokenClient, settings: object) -> None:
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000  # type: ignore[attr-defined]
        response = post_json(api_client, "/api/v1/statuses", {"status": "a" * 5000})
        assert response.status_code == 413  # type: ignore[attr-defined]
        assert set(response.json()) == {"error", "error_description"}  # type: ignore[attr-defined]

    def test_a_guest_may_not_post_to_the_company(self, guest: User) -> None:
        response = post_json(token_client_for(guest), "/api/v1/statuses", {"status": "Hello"})
        assert response.status_code == 403  # type: ignore[attr-defined]

    def test_anonymous_gets_401(self, client: Client, db: None) -> None:
        assert post_json(client, "/api/v1/statuses", {"status": "Hello"}).status_code == 401  # type: ignore[attr-defined]

    def test_a_session_post_without_csrf_is_refused(self, employee: User) -> None:
        client = Client(enforce_csrf_checks=True)
        client.force_login(employee)
        assert post_json(client, "/api/v1/statuses", {"status": "Hello"}).status_code == 403  # type: ignore[attr-defined]
        assert not Post.objects.exists()


class TestStatusReadEditDelete:
    def test_reads_a_visible_post_with_string_ids(
        self, api_client: TokenClient, colleague: User, make_post: MakePost
    ) -> None:
        post = make_post(colleague, "Bonjour #atlas")
        data = api_client.get(f"/api/v1/statuses/{post.pk}").json()
        assert data["id"] == str(post.pk)
        assert isinstance(data["account"]["id"], str)
        assert data["url"].endswith(f"/posts/{post.pk}/")
        assert 'href="http://testserver/tags/atlas/' in data["content"]

    def test_an_invisible_post_is_404_like_a_missing_one(
        self, api_client: TokenClient, colleague: User, make_post: MakePost
    ) -> None:
        post = make_post(colleague, "Pour mes abonnés", visibility=Visibility.FOLLOWERS)
        invisible = api_client.get(f"/api/v1/statuses/{post.pk}")
        missing = api_client.get("/api/v1/statuses/1234")
        assert invisible.status_code == missing.status_code == 404
        assert invisible.json() == missing.json()

    def test_the_author_edits_and_the_history_keeps_both_versions(
        self, api_client: TokenClient, employee: User, make_post: MakePost
    ) -> None:
        post = make_post(employee, "Première version")
        response = post_json(api_client, f"/api/v1/statuses/{post.pk}", {"status": "Seconde version"}, method="put")
        assert response.status_code == 200  # type: ignore[attr-defined]
        assert response.json()["edited_at"] is not None  # type: ignore[attr-defined]
        history = api_client.get(f"/api/v1/statuses/{post.pk}/history").json()
        assert ["Première" in v["content"] for v in history] == [True, False]

    def test_an_edit_may_be_form_encoded_as_in_mastodon(
        self, api_client: TokenClient, employee: User, make_post: MakePost
    ) -> None:
        post = make_post(employee, "Première version")
        body = "status=Seconde+version"
        response = api_client.put(f"/api/v1/statuses/{post.pk}", body, content_type="application/x-www-form-urlencoded")
        assert response.status_code == 200
        post.refresh_from_db()
        assert post.body == "Seconde version"

    def test_someone_else_may_not_edit(self, api_client: TokenClient, colleague: User, make_post: MakePost) -> None:
        post = make_post(colleague, "À moi")
        response = post_json(api_client, f"/api/v1/statuses/{post.pk}", {"status": "Piraté"}, method="put")
        assert response.status_code == 403  # type: ignore[attr-defined]

    def test_the_author_deletes_and_gets_the_text_back(
        self, api_client: TokenClient, employee: User, make_post: MakePost
    ) -> None:
        post = make_post(employee, "Oups")
        response = api_client.delete(f"/api/v1/statuses/{post.pk}")
        assert response.status_code == 200
        assert response.json()["text"] == "Oups"
        assert not Post.objects.filter(pk=post.pk).exists()

    def test_someone_else_may_not_delete(self, api_client: TokenClient, colleague: User, make_post: MakePost) -> None:
        post = make_post(colleague, "À moi")
        assert api_client.delete(f"/api/v1/statuses/{post.pk}").status_code == 403
        assert Post.objects.filter(pk=post.pk).exists()

    def test_context_lists_comments_as_descendants(
        self, api_client: TokenClient, employee: User, colleague: User, make_post: MakePost
    ) -> None:
        post = make_post(colleague, "Question")
        first = services.comment_create(actor=employee, post=post, body="Un")
        reply = services.comment_create(actor=colleague, post=post, body="Deux", parent=first)
        data = api_client.get(f"/api/v1/statuses/{post.pk}/context").json()
        assert data["ancestors"] == []
        assert [d["id"] for d in data["descendants"]] == [str(first.pk), str(reply.pk)]
        assert data["descendants"][1]["in_reply_to_id"] == str(first.pk)
        of_reply = api_client.get(f"/api/v1/statuses/{reply.pk}/context").json()
        assert [a["id"] for a in of_reply["ancestors"]] == [str(post.pk), str(first.pk)]

    @pytest.mark.parametrize("status_id", ["²", "0", "9" * 19])
    def test_ids_that_are_not_64_bit_numbers_are_404(self, api_client: TokenClient, status_id: str) -> None:
        assert api_client.get(f"/api/v1/statuses/{status_id}").status_code == 404


class TestFavourite:
    def test_favourite_is_a_thumbs_up_reaction(
        self, api_client: TokenClient, colleague: User, make_post: MakePost
    ) -> None:
        post = make_post(colleague, "Bravo")
        data = api_client.post(f"/api/v1/statuses/{post.pk}/favourite").json()
        assert (data["favourited"], data["favourites_count"]) == (True, 1)
        assert data["reactions"] == [{"name": "👍", "count": 1, "me": True}]
        data = api_client.post(f"/api/v1/statuses/{post.pk}/unfavourite").json()
        assert (data["favourited"], data["favourites_count"]) == (False, 0)

    def test_favouriting_an_invisible_post_is_404(
        self, api_client: TokenClient, colleague: User, make_post: MakePost
    ) -> None:
        post = make_post(colleague, "Privé", visibility=Visibility.FOLLOWERS)
        assert api_client.post(f"/api/v1/statuses/{post.pk}/favourite").status_code == 404


class TestTimelines:
    def test_public_timeline_pages_with_link_headers(
        self, api_client: TokenClient, colleague: User, make_post: MakePost
    ) -> None:
        posts = [make_post(colleague, f"Post {n}") for n in range(5)]
        first = api_client.get("/api/v1/timelines/public", {"limit": 2})
        assert [s["id"] for s in first.json()] == [str(posts[4].pk), str(posts[3].pk)]
        assert f'max_id={posts[3].pk}>; rel="next"' in first["Link"]
        assert f'min_id={posts[4].pk}>; rel="prev"' in first["Link"]
        assert "limit=2" in first["Link"]
        second = api_client.get("/api/v1/timelines/public", {"limit": 2, "max_id": posts[3].pk})
        assert [s["id"] for s in second.json()] == [str(posts[2].pk), str(posts[1].pk)]
        newer = api_client.get("/api/v1/timelines/public", {"min_id": posts[2].pk})
        assert [s["id"] for s in newer.json()] == [str(posts[4].pk), str(posts[3].pk)]

    @pytest.mark.parametrize("params", [{"max_id": "abc"}, {"limit": "0"}, {"limit": "-1"}, {"since_id": "-3"}])
    def test_bad_pagination_is_400(self, api_client: TokenClient, params: dict[str, str]) -> None:
        response = api_client.get("/api/v1/timelines/public", params)
        assert response.status_code == 400
        assert response.json()["error"] == "Invalid pagination"

    def test_a_limit_over_forty_is_forty_as_mastodon_answers(
        self, api_client: TokenClient, colleague: User, make_post: MakePost
    ) -> None:
        for n in range(42):
            make_post(colleague, f"Post {n}")
        response = api_client.get("/api/v1/timelines/public", {"limit": "80"})
        assert response.status_code == 200
        assert len(response.json()) == 40

    def test_query_count_does_not_grow_with_the_page(
        self, api_client: TokenClient, colleague: User, make_post: MakePost, django_assert_max_num_queries: object
    ) -> None:
        for n in range(3):
            post = make_post(UserFactory(), f"Post {n}")
            services.comment_create(actor=colleague, post=post, body="Vu")
            services.reaction_add(actor=colleague, post=post, emoji="👍")
        api_client.get("/api/v1/timelines/public")  # warm the token's last-use write
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as small:
            assert len(api_client.get("/api/v1/timelines/public").json()) == 3
        for n in range(12):
            post = make_post(UserFactory(), f"More {n}")
            services.comment_create(actor=colleague, post=post, body="Vu")
            services.reaction_add(actor=colleague, post=post, emoji="👍")
        with CaptureQueriesContext(connection) as large:
            assert len(api_client.get("/api/v1/timelines/public").json()) == 15
        assert len(large.captured_queries) == len(small.captured_queries)
        with django_assert_max_num_queries(10):  # type: ignore[operator]
            api_client.get("/api/v1/timelines/public")

    def test_home_timeline_shows_followed_people(
        self, api_client: TokenClient, employee: User, colleague: User, make_post: MakePost
    ) -> None:
        follow_create(actor=employee, user=colleague)
        services.timeline_rebuild(user=employee)
        post = make_post(colleague, "Pour mes abonnés", visibility=Visibility.FOLLOWERS)
        ids = [s["id"] for s in api_client.get("/api/v1/timelines/home").json()]
        assert str(post.pk) in ids

    def test_tag_timeline_and_unknown_tags(self, api_client: TokenClient, colleague: User, make_post: MakePost) -> None:
        post = make_post(colleague, "Lancement #Atlas")
        make_post(colleague, "Sans tag")
        assert [s["id"] for s in api_client.get("/api/v1/timelines/tag/atlas").json()] == [str(post.pk)]
        assert api_client.get("/api/v1/timelines/tag/nothing").json() == []

    def test_account_statuses(self, api_client: TokenClient, colleague: User, make_post: MakePost) -> None:
        post = make_post(colleague, "Le mien")
        data = api_client.get(f"/api/v1/accounts/{colleague.pk}/statuses").json()
        assert [s["id"] for s in data] == [str(post.pk)]
        assert api_client.get(f"/api/v1/accounts/{colleague.pk}").json()["statuses_count"] == 1

    def test_timelines_need_authentication(self, client: Client, db: None) -> None:
        assert client.get("/api/v1/timelines/public").status_code == 401

    def test_timeline_json_is_exactly_what_the_status_schema_gives(
        self, api_client: TokenClient, employee: User, colleague: User, make_post: MakePost
    ) -> None:
        """Timelines skip the per-item validation: their JSON must equal the documented schema's."""
        from ninja.responses import NinjaJSONEncoder
        from pydantic import TypeAdapter

        from essaim.stream.schemas import Status

        post = make_post(colleague, "Avec @lea.martin et #Atlas")
        services.comment_create(actor=employee, post=post, body="Bravo")
        services.reaction_add(actor=employee, post=post, emoji="👍")
        services.reaction_add(actor=colleague, post=post, emoji="🎉")
        make_post(colleague, "Un autre", visibility=Visibility.FOLLOWERS)
        response = api_client.get("/api/v1/timelines/public")
        assert response["Content-Type"].startswith("application/json")
        served = response.json()
        validated = TypeAdapter(list[Status]).validate_python(served)
        as_ninja_renders = json.dumps([s.model_dump() for s in validated], cls=NinjaJSONEncoder)
        assert json.loads(as_ninja_renders) == served
        assert served[0]["favourited"] is True
        assert served[0]["reactions"] == [
            {"name": "👍", "count": 1, "me": True},
            {"name": "🎉", "count": 1, "me": False},
        ]
        assert served[0]["created_at"].endswith("Z")


class TestTags:
    def test_follow_read_and_unfollow_a_tag(
        self, api_client: TokenClient, colleague: User, make_post: MakePost
    ) -> None:
        make_post(colleague, "Point d'étape #Atlas")  # a tag is read through a post one may read
        followed = api_client.post("/api/v1/tags/atlas/follow")
        assert followed.status_code == 200
        assert followed.json()["following"] is True
        assert api_client.get("/api/v1/tags/atlas").json()["following"] is True
        assert api_client.post("/api/v1/tags/atlas/unfollow").json()["following"] is False

    def test_an_unknown_tag_is_404(self, api_client: TokenClient) -> None:
        assert api_client.get("/api/v1/tags/nothing").status_code == 404

    def test_a_tag_followed_before_anyone_used_it_can_be_unfollowed(self, api_client: TokenClient) -> None:
        assert api_client.post("/api/v1/tags/Demain/follow").json()["name"] == "Demain"
        assert api_client.get("/api/v1/tags/demain").status_code == 404  # no post to read yet
        unfollowed = api_client.post("/api/v1/tags/demain/unfollow")
        assert unfollowed.status_code == 200
        assert unfollowed.json()["following"] is False
        assert api_client.post("/api/v1/tags/demain/unfollow").status_code == 404

    @pytest.mark.parametrize("name", ["a b", "!!!", "12", "-atlas", "atlas-", "#", "a" * 51])
    def test_a_name_that_cannot_be_a_hashtag_is_refused_and_no_tag_is_made(
        self, api_client: TokenClient, name: str
    ) -> None:
        response = api_client.post(f"/api/v1/tags/{quote(name)}/follow")
        assert response.status_code == 422
        assert not Tag.objects.exists()

    @pytest.mark.parametrize("name", ["été", "#Atlas", "rse-2026", "a"])
    def test_any_hashtag_may_be_followed(self, api_client: TokenClient, name: str) -> None:
        assert api_client.post(f"/api/v1/tags/{quote(name)}/follow").status_code == 200

    def test_guests_may_not_follow_tags(self, guest: User) -> None:
        assert token_client_for(guest).post("/api/v1/tags/atlas/follow").status_code == 403


class TestReactions:
    def test_reaction_groups_json_is_exactly_what_the_schema_gives(
        self, api_client: TokenClient, colleague: User, make_post: MakePost
    ) -> None:
        from ninja.responses import NinjaJSONEncoder
        from pydantic import TypeAdapter

        from essaim.stream.schemas import ReactionGroup

        # Sign-up times with whole milliseconds: the served ".000Z" of a time like
        # 09:30:00.000123 comes back from the schema as "09:30:00Z", a spelling apart.
        User.objects.update(date_joined=timezone.now().replace(microsecond=123000))
        post = make_post(colleague, "Réagissez")
        services.reaction_add(actor=colleague, post=post, emoji="❤️")
        response = api_client.put(f"/api/v1/essaim/statuses/{post.pk}/reactions/👍")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/json")
        served = response.json()
        validated = TypeAdapter(list[ReactionGroup]).validate_python(served)
        assert json.loads(json.dumps([g.model_dump() for g in validated], cls=NinjaJSONEncoder)) == served
        assert [(g["emoji"], g["count"], g["me"]) for g in served if g["count"]] == [("👍", 1, True), ("❤️", 1, False)]
        assert served[0]["accounts"][0]["username"] == "lea.martin"

    def test_react_list_and_take_back(self, api_client: TokenClient, colleague: User, make_post: MakePost) -> None:
        post = make_post(colleague, "Fête")
        groups = api_client.put(f"/api/v1/essaim/statuses/{post.pk}/reactions/🎉").json()
        tada = next(g for g in groups if g["emoji"] == "🎉")
        assert (tada["count"], tada["me"]) == (1, True)
        assert [a["username"] for a in tada["accounts"]] == ["lea.martin"]
        listed = api_client.get(f"/api/v1/essaim/statuses/{post.pk}/reactions").json()
        assert [g["emoji"] for g in listed] == ["👍", "❤️", "🎉", "😄", "😮", "🙏"]
        groups = api_client.delete(f"/api/v1/essaim/statuses/{post.pk}/reactions/🎉").json()
        assert next(g for g in groups if g["emoji"] == "🎉")["count"] == 0

    def test_a_reaction_answers_with_the_latest_people_and_the_rest_come_page_by_page(
        self, api_client: TokenClient, colleague: User, make_post: MakePost
    ) -> None:
        post = make_post(colleague, "Bravo l'équipe")
        fans = [UserFactory(handle=f"fan.{n:02d}") for n in range(10)]
        for fan in fans:
            services.reaction_add(actor=fan, post=post, emoji="🎉")
        tada = next(g for g in api_client.put(f"/api/v1/essaim/statuses/{post.pk}/reactions/🎉").json() if g["count"])
        assert (tada["count"], tada["me"], len(tada["accounts"])) == (11, True, 8)
        assert tada["accounts"][0]["username"] == "lea.martin", "the latest first"
        first = api_client.get(f"/api/v1/essaim/statuses/{post.pk}/reactions/🎉/accounts?limit=6")
        assert first.status_code == 200
        assert [a["username"] for a in first.json()] == ["lea.martin", *(f"fan.{n:02d}" for n in range(9, 4, -1))]
        next_url = first["Link"].split(">;")[0].lstrip("<")
        assert "limit=6" in next_url
        assert "max_id=" in next_url
        rest = api_client.get(next_url)
        assert [a["username"] for a in rest.json()] == [f"fan.{n:02d}" for n in range(4, -1, -1)]
        assert 'rel="next"' not in rest.get("Link", "")

    def test_the_people_of_a_reaction_refuse_bad_input(
        self, api_client: TokenClient, colleague: User, make_post: MakePost
    ) -> None:
        post = make_post(colleague, "Fête")
        assert api_client.get(f"/api/v1/essaim/statuses/{post.pk}/reactions/💩/accounts").status_code == 422
        garbage = api_client.get(f"/api/v1/essaim/statuses/{post.pk}/reactions/🎉/accounts?max_id=abc")
        assert garbage.status_code == 400
        assert "max_id" in garbage.json()["error_description"] + garbage.json()["error"]
        hidden = make_post(colleague, "Privé", visibility=Visibility.FOLLOWERS)
        assert api_client.get(f"/api/v1/essaim/statuses/{hidden.pk}/reactions/🎉/accounts").status_code == 404

    def test_an_unknown_emoji_is_refused_with_the_choices(
        self, api_client: TokenClient, colleague: User, make_post: MakePost
    ) -> None:
        post = make_post(colleague, "Fête")
        response = api_client.put(f"/api/v1/essaim/statuses/{post.pk}/reactions/💩")
        assert response.status_code == 422
        assert "👍" in response.json()["error"]

    def test_reacting_to_an_invisible_post_is_404(
        self, api_client: TokenClient, colleague: User, make_post: MakePost
    ) -> None:
        post = make_post(colleague, "Privé", visibility=Visibility.FOLLOWERS)
        assert api_client.put(f"/api/v1/essaim/statuses/{post.pk}/reactions/👍").status_code == 404


class TestAnnouncements:
    def test_the_communication_team_pins_and_unpins(
        self, communication: User, employee: User, make_post: MakePost
    ) -> None:
        post = make_post(communication, "Séminaire vendredi")
        comms = token_client_for(communication)
        expires = (timezone.now() + timedelta(days=3)).isoformat()
        created = post_json(comms, "/api/v1/essaim/announcements", {"status_id": str(post.pk), "expires_at": expires})
        assert created.status_code == 200  # type: ignore[attr-defined]
        listed = token_client_for(employee).get("/api/v1/essaim/announcements").json()
        assert [a["id"] for a in listed] == [str(post.pk)]
        assert listed[0]["status"]["pinned"] is True
        assert comms.delete(f"/api/v1/essaim/announcements/{post.pk}").status_code == 204
        assert token_client_for(employee).get("/api/v1/essaim/announcements").json() == []

    def test_an_employee_may_not_announce(self, api_client: TokenClient, employee: User, make_post: MakePost) -> None:
        post = make_post(employee, "Moi aussi")
        expires = (timezone.now() + timedelta(days=3)).isoformat()
        response = post_json(
            api_client, "/api/v1/essaim/announcements", {"status_id": str(post.pk), "expires_at": expires}
        )
        assert response.status_code == 403  # type: ignore[attr-defined]

    def test_an_end_date_in_the_past_is_refused(self, communication: User, make_post: MakePost) -> None:
        post = make_post(communication, "Trop tard")
        expires = (timezone.now() - timedelta(days=1)).isoformat()
        response = post_json(
            token_client_for(communication),
            "/api/v1/essaim/announcements",
            {"status_id": str(post.pk), "expires_at": expires},
        )
        assert response.status_code == 422  # type: ignore[attr-defined]


class TestMedia:
    """Mastodon's two steps: upload to /api/v2/media, then publish a status with its id."""

    def test_upload_then_publish_with_media_ids(self, api_client: TokenClient, employee: User) -> None:
        from tests.stream.factories import image_upload

        uploaded = api_client.post("/api/v2/media", {"file": image_upload("equipe.jpg"), "description": "L'équipe"})
        assert uploaded.status_code == 200
        media = uploaded.json()
        assert media["type"] == "image"
        assert media["description"] == "L'équipe"
        response = post_json(api_client, "/api/v1/statuses", {"status": "Photo d'équipe", "media_ids": [media["id"]]})
        assert response.status_code == 200  # type: ignore[attr-defined]
        status = response.json()  # type: ignore[attr-defined]
        assert [m["id"] for m in status["media_attachments"]] == [media["id"]]
        assert api_client.get(status["media_attachments"][0]["url"].replace("http://testserver", "")).status_code == 200

    def test_a_pending_upload_is_private_to_its_uploader(self, api_client: TokenClient, colleague: User) -> None:
        uploaded = api_client.post("/api/v1/media", {"file": _text_file()}).json()
        other = token_client_for(colleague)
        assert other.get(f"/attachments/{uploaded['id']}/").status_code == 404
        response = post_json(other, "/api/v1/statuses", {"status": "Je prends", "media_ids": [uploaded["id"]]})
        assert response.status_code == 422  # type: ignore[attr-defined]
        assert "pending uploads" in response.json()["error"]  # type: ignore[attr-defined]

    def test_an_upload_is_taken_once(self, api_client: TokenClient) -> None:
        uploaded = api_client.post("/api/v2/media", {"file": _text_file()}).json()
        first = post_json(api_client, "/api/v1/statuses", {"status": "Un", "media_ids": [uploaded["id"]]})
        again = post_json(api_client, "/api/v1/statuses", {"status": "Deux", "media_ids": [uploaded["id"]]})
        assert first.status_code == 200  # type: ignore[attr-defined]
        assert again.status_code == 422  # type: ignore[attr-defined]
        assert Post.objects.count() == 1

    def test_garbage_media_ids_and_fake_images_are_refused(self, api_client: TokenClient) -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        bad_ids = post_json(api_client, "/api/v1/statuses", {"status": "x", "media_ids": ["abc"]})
        assert bad_ids.status_code == 422  # type: ignore[attr-defined]
        fake = SimpleUploadedFile("photo.png", b"<html>not an image</html>", content_type="image/png")
        assert api_client.post("/api/v2/media", {"file": fake}).status_code == 422

    def test_an_alt_text_over_500_characters_is_refused(self, api_client: TokenClient) -> None:
        response = api_client.post("/api/v2/media", {"file": _text_file(), "description": "a" * 501})
        assert response.status_code == 422
        assert "description" in response.json()["error"]

    def test_a_field_sent_twice_is_refused(self, api_client: TokenClient) -> None:
        response = api_client.post("/api/v2/media", {"file": _text_file(), "description": ["Un", "Deux"]})
        assert response.status_code == 422
        assert "description" in response.json()["error"]

    def test_a_nul_character_in_the_alt_text_is_a_bad_request(self, api_client: TokenClient) -> None:
        assert api_client.post("/api/v2/media", {"file": _text_file(), "description": "a\x00"}).status_code == 400

    def test_anonymous_cannot_upload(self, client: Client) -> None:
        assert client.post("/api/v2/media", {"file": _text_file()}).status_code == 401


class TestRepliesWithMedia:
    """A reply takes ``media_ids`` as a status does, and shows its files in ``media_attachments`` wherever a
    comment is a status."""

    def test_upload_then_reply_with_media_ids(
        self, api_client: TokenClient, employee: User, colleague: User, make_post: MakePost
    ) -> None:
        from tests.stream.factories import image_upload

        post = make_post(colleague, "Des photos de la sortie ?")
        image = api_client.post("/api/v2/media", {"file": image_upload("sortie.jpg"), "description": "Le col"}).json()
        notes = api_client.post("/api/v2/media", {"file": _text_file()}).json()
        response = post_json(
            api_client,
            "/api/v1/statuses",
            {"status": "Les voici", "in_reply_to_id": str(post.pk), "media_ids": [image["id"], notes["id"]]},
        )
        assert response.status_code == 200  # type: ignore[attr-defined]
        reply = response.json()  # type: ignore[attr-defined]
        assert reply["in_reply_to_id"] == str(post.pk)
        shown = reply["media_attachments"]
        assert [(m["id"], m["type"], m["description"]) for m in shown] == [
            (image["id"], "image", "Le col"),
            (notes["id"], "unknown", None),
        ]
        comment = Comment.objects.get(pk=reply["id"])
        assert sorted(a.pk for a in comment.attachments.all()) == sorted(int(m["id"]) for m in shown)
        reader = token_client_for(colleague)
        assert reader.get(shown[0]["url"].replace("http://testserver", "")).status_code == 200

    def test_a_replys_files_show_in_its_status_and_in_the_posts_context(
        self, api_client: TokenClient, employee: User, colleague: User, make_post: MakePost
    ) -> None:
        from tests.stream.factories import image_upload

        post = make_post(colleague, "Question", attachments=[image_upload("question.jpg")])
        comment = services.comment_create(actor=employee, post=post, body="Réponse", attachments=[image_upload()])
        [file] = comment.attachments.all()
        status = api_client.get(f"/api/v1/statuses/{comment.pk}").json()
        assert [m["id"] for m in status["media_attachments"]] == [str(file.pk)]
        context = api_client.get(f"/api/v1/statuses/{post.pk}/context").json()
        assert [m["id"] for m in context["descendants"][0]["media_attachments"]] == [str(file.pk)]
        of_post = api_client.get(f"/api/v1/statuses/{post.pk}").json()
        assert str(file.pk) not in [m["id"] for m in of_post["media_attachments"]], "the post shows its own files"

    def test_someone_elses_upload_is_refused_and_nothing_is_written(
        self, api_client: TokenClient, colleague: User, make_post: MakePost
    ) -> None:
        post = make_post(colleague, "Question")
        theirs = token_client_for(colleague).post("/api/v2/media", {"file": _text_file()}).json()
        response = post_json(
            api_client,
            "/api/v1/statuses",
            {"status": "Re", "in_reply_to_id": str(post.pk), "media_ids": [theirs["id"]]},
        )
        assert response.status_code == 422  # type: ignore[attr-defined]
        assert "pending uploads" in response.json()["error"]  # type: ignore[attr-defined]
        assert not Comment.objects.exists()


def _text_file() -> object:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("notes.txt", b"compte rendu", content_type="text/plain")


class TestContentWarnings:
    def test_a_status_carries_its_warning_from_json_and_returns_it(self, api_client: TokenClient) -> None:
        data = post_json(
            api_client,
            "/api/v1/statuses",
            {"status": "La fin du film", "spoiler_text": "Divulgâcheur", "sensitive": True},
        ).json()  # type: ignore[attr-defined]
        assert (data["spoiler_text"], data["sensitive"]) == ("Divulgâcheur", True)
        post = Post.objects.get(pk=int(data["id"]))
        assert (post.spoiler_text, post.sensitive) == ("Divulgâcheur", True)
        again = api_client.get(f"/api/v1/statuses/{post.pk}").json()
        assert (again["spoiler_text"], again["sensitive"]) == ("Divulgâcheur", True)

    def test_form_encoded_as_mastodon_py_sends_it_and_a_reply_keeps_its_own(
        self, api_client: TokenClient, colleague: User, make_post: MakePost
    ) -> None:
        post = make_post(colleague, "Question")
        response = api_client.post(
            "/api/v1/statuses",
            {"status": "Réponse", "in_reply_to_id": str(post.pk), "spoiler_text": "Attention", "sensitive": "1"},
        )
        assert response.status_code == 200
        comment = Comment.objects.get(pk=int(response.json()["id"]))
        assert (comment.spoiler_text, comment.sensitive) == ("Attention", True)
        assert response.json()["spoiler_text"] == "Attention"

    def test_too_long_a_warning_is_refused_with_422_and_nothing_written(self, api_client: TokenClient) -> None:
        response = post_json(api_client, "/api/v1/statuses", {"status": "Texte", "spoiler_text": "x" * 201})
        assert response.status_code == 422  # type: ignore[attr-defined]
        assert not Post.objects.exists()

    def test_a_form_encoded_edit_changes_the_warning_and_the_history_keeps_the_previous(
        self, api_client: TokenClient, employee: User
    ) -> None:
        post = services.post_create(actor=employee, body="Texte", spoiler_text="Avant")
        body = "status=Texte&spoiler_text=Apr%C3%A8s&sensitive=true"
        response = api_client.put(f"/api/v1/statuses/{post.pk}", body, content_type="application/x-www-form-urlencoded")
        assert response.status_code == 200
        assert (response.json()["spoiler_text"], response.json()["sensitive"]) == ("Après", True)
        history = api_client.get(f"/api/v1/statuses/{post.pk}/history").json()
        assert [v["spoiler_text"] for v in history] == ["Avant", "Après"]

    def test_an_edit_without_it_keeps_it(self, api_client: TokenClient, employee: User) -> None:
        post = services.post_create(actor=employee, body="Texte", spoiler_text="Garde")
        response = post_json(api_client, f"/api/v1/statuses/{post.pk}", {"status": "Autre"}, method="put")
        assert response.json()["spoiler_text"] == "Garde"  # type: ignore[attr-defined]


class TestBookmarks:
    def test_bookmark_then_list_then_unbookmark(
        self, api_client: TokenClient, employee: User, colleague: User, make_post: MakePost
    ) -> None:
        first, second = make_post(colleague, "Un"), make_post(colleague, "Deux")
        assert api_client.get(f"/api/v1/statuses/{first.pk}").json()["bookmarked"] is False
        assert api_client.post(f"/api/v1/statuses/{second.pk}/bookmark").json()["bookmarked"] is True
        assert api_client.post(f"/api/v1/statuses/{first.pk}/bookmark").json()["bookmarked"] is True
        listed = api_client.get("/api/v1/bookmarks")
        assert [s["id"] for s in listed.json()] == [str(first.pk), str(second.pk)]  # the last saved first
        assert all(s["bookmarked"] for s in listed.json())
        page = api_client.get("/api/v1/bookmarks", {"limit": "1"})
        assert [s["id"] for s in page.json()] == [str(first.pk)]
        assert 'rel="next"' in page["Link"]
        next_url = page["Link"].split(">")[0].lstrip("<")
        assert [s["id"] for s in api_client.get(next_url).json()] == [str(second.pk)]
        assert api_client.post(f"/api/v1/statuses/{first.pk}/unbookmark").json()["bookmarked"] is False
        assert [s["id"] for s in api_client.get("/api/v1/bookmarks").json()] == [str(second.pk)]
        flags = {s["id"]: s["bookmarked"] for s in api_client.get("/api/v1/timelines/public").json()}
        assert flags == {str(first.pk): False, str(second.pk): True}

    def test_a_status_one_may_not_read_answers_404_and_a_comment_422(
        self, api_client: TokenClient, colleague: User, make_post: MakePost
    ) -> None:
        hidden = make_post(colleague, "Abonnés", visibility=Visibility.FOLLOWERS)
        assert api_client.post(f"/api/v1/statuses/{hidden.pk}/bookmark").status_code == 404
        post = make_post(colleague, "Public")
        comment = services.comment_create(actor=colleague, post=post, body="Commentaire")
        assert api_client.post(f"/api/v1/statuses/{comment.pk}/bookmark").status_code == 422

    def test_the_scopes_are_enforced(
        self, client: Client, employee: User, colleague: User, make_post: MakePost
    ) -> None:
        from tests.api.test_oauth import authorise, register, token_for

        post = make_post(colleague, "Public")
        app = register(client, scopes="read write")
        statuses_only = TokenClient(
            token_for(app, authorise(employee, app, scope="read:statuses write:statuses"))["access_token"]
        )
        assert statuses_only.post(f"/api/v1/statuses/{post.pk}/bookmark").status_code == 403
        assert statuses_only.get("/api/v1/bookmarks").status_code == 403
        saving = TokenClient(
            token_for(app, authorise(employee, app, scope="read:bookmarks write:bookmarks"))["access_token"]
        )
        assert saving.post(f"/api/v1/statuses/{post.pk}/bookmark").status_code == 200
        assert saving.get("/api/v1/bookmarks").status_code == 200
