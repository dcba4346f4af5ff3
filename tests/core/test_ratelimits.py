"""How often one person may post, comment, react, follow, invite, ask to join, upload: each limit counted by every
process together, refused before anything is written, and answered 429 with ``Retry-After`` and a sentence in
the reader's language — on a page, to htmx, and in the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from essaim.accounts import services as accounts
from essaim.accounts.models import User
from essaim.core import ratelimits
from essaim.core.ratelimits import Limit, RateLimited, parse, take
from essaim.people import services as people
from essaim.spaces import services as spaces
from essaim.spaces.models import Membership, Space
from essaim.stream import services as stream
from essaim.stream.models import Post
from tests.accounts.factories import AdminFactory, UserFactory
from tests.spaces.factories import SpaceFactory, member


@pytest.fixture(autouse=True)
def limits_on(settings: Any) -> None:
    settings.RATE_LIMITS = ""  # the defaults (the tests' environment turns them off)
    caches["ratelimit"].clear()


class TestTheSetting:
    def test_empty_means_the_defaults(self) -> None:
        assert parse("") == ratelimits.DEFAULTS

    def test_one_limit_changed_and_one_turned_off(self) -> None:
        found = parse("post=10/60, comment=off")
        assert (found["post"], found["comment"], found["reaction"]) == (Limit(10, 60), None, Limit(300, 600))

    def test_off_turns_every_one_off(self) -> None:
        assert set(parse("off").values()) == {None}

    @pytest.mark.parametrize("text", ["posts=10/60", "post=ten/60", "post=10/minute"])
    def test_a_mistake_is_refused_by_name(self, text: str) -> None:
        with pytest.raises(ValueError, match="ESSAIM_RATE_LIMITS"):
            parse(text)

    def test_manage_py_check_says_what_is_wrong(self, settings: Any) -> None:
        settings.RATE_LIMITS = "posts=1/60"
        (error,) = ratelimits.check_rate_limits(None)
        assert error.id == "essaim.E010"
        assert "no limit is called 'posts'" in error.msg


class TestTaking:
    def test_the_limit_then_refused_with_the_seconds_to_wait(self, settings: Any) -> None:
        settings.RATE_LIMITS = "post=3/600"
        for _ in range(3):
            take("post", 7)
        with pytest.raises(RateLimited) as refused:
            take("post", 7)
        assert 0 < refused.value.retry_after <= 600
        take("post", 8)  # someone else's budget is their own

    def test_a_limit_turned_off_counts_nothing(self, settings: Any) -> None:
        settings.RATE_LIMITS = "post=off"
        for _ in range(100):
            take("post", 7)

    def test_the_message_names_what_and_how_long(self) -> None:
        assert RateLimited("comment", 61).message() == (
            "Too many comments in a short time: wait 2 min and try again. Nothing was lost: go back."
        )


# Each service that takes a turn, with what it needs: (limit's name, a call made twice by the same person).
def _post(person: User) -> Callable[[], Any]:
    return lambda: stream.post_create(actor=person, body="Un point d’étape")


def _comment(person: User) -> Callable[[], Any]:
    post = stream.post_create(actor=UserFactory(), body="Sujet")
    return lambda: stream.comment_create(actor=person, post=post, body="Réponse")


def _reaction(person: User) -> Callable[[], Any]:
    posts = iter(stream.post_create(actor=UserFactory(), body=f"Sujet {i}") for i in range(2))
    return lambda: stream.reaction_add(actor=person, post=next(posts), emoji="👍")


def _follow(person: User) -> Callable[[], Any]:
    return lambda: people.follow_create(actor=person, user=UserFactory())


def _invitation(person: User) -> Callable[[], Any]:
    admin = AdminFactory()
    addresses = iter(["a@example.com", "b@example.com"])
    return lambda: accounts.invitation_send(actor=admin, email=next(addresses))


def _space_invitation(person: User) -> Callable[[], Any]:
    space = SpaceFactory()
    owner = member(space, Membership.Role.OWNER).user
    return lambda: spaces.invitation_create(actor=owner, space=space, user=UserFactory())


def _join_request(person: User) -> Callable[[], Any]:
    private = iter(SpaceFactory(visibility=Space.Visibility.PRIVATE) for _ in range(2))
    return lambda: spaces.join_request_create(actor=person, space=next(private))


def _upload(person: User) -> Callable[[], Any]:
    return lambda: stream.media_upload(
        actor=person, upload=SimpleUploadedFile("notes.txt", b"notes", content_type="text/plain")
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("post", _post),
        ("comment", _comment),
        ("reaction", _reaction),
        ("follow", _follow),
        ("invitation", _invitation),
        ("space_invitation", _space_invitation),
        ("join_request", _join_request),
        ("upload", _upload),
    ],
)
def test_every_service_takes_its_turn_before_writing(
    settings: Any, mailoutbox: list[Any], name: str, make: Callable[[User], Callable[[], Any]]
) -> None:
    settings.RATE_LIMITS = f"{name}=1/600"
    call = make(UserFactory())
    call()
    with pytest.raises(RateLimited) as refused:
        call()
    assert refused.value.action == name


@pytest.mark.django_db
class TestAnswers:
    @pytest.fixture
    def person(self, client: Client) -> User:
        person = UserFactory(language="en")
        client.force_login(person)
        return person

    def test_a_page_answers_429_with_the_reason_and_writes_nothing(
        self, client: Client, person: User, settings: Any
    ) -> None:
        settings.RATE_LIMITS = "post=1/600"
        assert client.post("/posts/new", {"body": "Premier", "visibility": "company"}).status_code == 302
        refused = client.post("/posts/new", {"body": "Second", "visibility": "company"})
        assert refused.status_code == 429
        assert 0 < int(refused["Retry-After"]) <= 600
        assert "Too many posts in a short time" in refused.text
        assert list(Post.objects.values_list("body", flat=True)) == ["Premier"]

    def test_in_french(self, client: Client, person: User, settings: Any) -> None:
        person.language = "fr"
        person.save(update_fields=["language"])
        settings.RATE_LIMITS = "post=0/600"
        refused = client.post("/posts/new", {"body": "Premier", "visibility": "company"})
        assert refused.status_code == 429
        assert "Limite atteinte pour les publications" in refused.text

    def test_htmx_gets_the_sentence_alone(self, client: Client, person: User, settings: Any) -> None:
        post = stream.post_create(actor=UserFactory(), body="Sujet")
        settings.RATE_LIMITS = "reaction=0/600"
        refused = client.post(f"/posts/{post.pk}/react", {"emoji": "👍"}, headers={"HX-Request": "true"})
        assert refused.status_code == 429
        assert refused["Content-Type"].startswith("text/plain")
        assert refused.text.startswith("Too many reactions in a short time")

    def test_the_api_answers_its_json_error(self, settings: Any) -> None:
        from tests.api.conftest import token_client_for

        api = token_client_for(UserFactory())
        settings.RATE_LIMITS = "post=0/600"
        refused = api.post("/api/v1/statuses", {"status": "Bonjour"}, content_type="application/json")
        assert refused.status_code == 429
        assert refused.json()["error"] == "Too many requests"
        assert refused.json()["error_description"].startswith("Too many posts")
        assert int(refused["Retry-After"]) > 0
