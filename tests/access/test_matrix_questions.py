"""The questions and polls permission matrix: voting an answer up, accepting one, following a question,
voting in a poll, for each kind of reader and where the post is.

"ok" = allowed; 403 = the post is readable but the action is not the reader's; 404 = the post is not
readable (answered as a missing one). The table is stated once and checked against ``access`` and
against each surface: the question pages' forms, the poll's vote form, and the API's poll votes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse

from essaim import access
from essaim.access import Action
from essaim.api.services import personal_token_create
from essaim.polls.models import Poll
from essaim.spaces.models import Membership, Space
from essaim.stream import services as stream
from essaim.stream.models import Comment, Post, PostKind
from tests.access.conftest import assert_answer, read_table, sign_in_as, world_for_module
from tests.accounts.factories import AdminFactory, GuestFactory, UserFactory

READERS = ["anonymous", "guest", "employee", "member", "asker", "moderator", "network_admin"]
ACTIONS = {
    "vote_answer": Action.VOTE_ANSWER,
    "accept": Action.ACCEPT_ANSWER,
    "follow": Action.FOLLOW_QUESTION,
    "vote_poll": Action.VOTE_POLL,
}
PLACES = ["company", "public", "secret"]

TABLE = """
                        anon guest employee member asker moderator netadm
    company.vote_answer 404  404   ok       ok     ok    ok        ok
    company.accept      404  404   403      403    ok    403       403
    company.follow      404  404   ok       ok     ok    ok        ok
    company.vote_poll   404  404   ok       ok     ok    ok        ok
    public.vote_answer  404  404   403      ok     ok    ok        403
    public.accept       404  404   403      403    ok    ok        403
    public.follow       404  404   ok       ok     ok    ok        ok
    public.vote_poll    404  404   403      ok     ok    ok        403
    secret.vote_answer  404  404   404      ok     ok    ok        404
    secret.accept       404  404   404      403    ok    ok        404
    secret.follow       404  404   404      ok     ok    ok        404
    secret.vote_poll    404  404   404      ok     ok    ok        404
"""
EXPECTED = read_table(TABLE, READERS, header=True)


@dataclass
class World:
    readers: dict[str, Any]
    questions: dict[str, Post]
    answers: dict[str, Comment]
    polls: dict[str, Poll]
    tokens: dict[str, str]


def _build() -> World:
    readers: dict[str, Any] = {
        "anonymous": AnonymousUser(),
        "guest": GuestFactory(),
        "employee": UserFactory(),
        "member": UserFactory(),
        "asker": UserFactory(),
        "moderator": UserFactory(),
        "network_admin": AdminFactory(),
    }
    answerer = UserFactory()
    spaces = {
        place: Space.objects.create(name=place, slug=f"qm-{place}", visibility=place) for place in ("public", "secret")
    }
    for space in spaces.values():
        Membership.objects.create(space=space, user=readers["asker"])
        Membership.objects.create(space=space, user=readers["member"])
        Membership.objects.create(space=space, user=answerer)
        Membership.objects.create(space=space, user=readers["moderator"], role=Membership.Role.MODERATOR)
    questions, answers, polls = {}, {}, {}
    for place in PLACES:
        space = spaces.get(place)
        question = stream.post_create(actor=readers["asker"], body="Qui sait ?", space=space, kind=PostKind.QUESTION)
        questions[place] = question
        answers[place] = stream.comment_create(actor=answerer, post=question, body="Moi")
        poll_post = stream.post_create(
            actor=readers["asker"],
            body="Quel jour ?",
            space=space,
            kind=PostKind.POLL,
            kind_data={"options": ["Lundi", "Mardi"]},
        )
        polls[place] = Poll.objects.get(post=poll_post)
    tokens = {role: personal_token_create(actor=user, name="t")[1] for role, user in readers.items() if user.pk}
    return World(readers=readers, questions=questions, answers=answers, polls=polls, tokens=tokens)


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    yield from world_for_module(django_db_blocker, _build)


CELLS = [
    pytest.param(place, action, reader, id=f"{place}-{action}-{reader}")
    for place in PLACES
    for action in ACTIONS
    for reader in READERS
]


def _target(world: World, place: str, action: str) -> Post:
    return world.polls[place].post if action == "vote_poll" else world.questions[place]


@pytest.mark.parametrize(("place", "action", "reader"), CELLS)
def test_policy(world: World, db: None, place: str, action: str, reader: str) -> None:
    actor, answer = world.readers[reader], EXPECTED[f"{place}.{action}", reader]
    post = Post.objects.select_related("space", "author").get(pk=_target(world, place, action).pk)
    assert access.can(actor, ACTIONS[action], post) is (answer == "ok")
    assert access.can(actor, Action.VIEW, post) is (answer != "404")


def test_every_action_applies_to_its_own_kind_only(world: World, db: None) -> None:
    asker = world.readers["asker"]
    question = Post.objects.select_related("space").get(pk=world.questions["company"].pk)
    poll_post = Post.objects.select_related("space").get(pk=world.polls["company"].post_id)
    assert not access.can(asker, Action.VOTE_POLL, question)
    for action in (Action.VOTE_ANSWER, Action.ACCEPT_ANSWER, Action.FOLLOW_QUESTION):
        assert not access.can(asker, action, poll_post)


def _page_request(client: Client, world: World, place: str, action: str) -> Any:
    question, answer = world.questions[place], world.answers[place]
    match action:
        case "vote_answer":
            url = reverse("questions:answer-vote", kwargs={"post_id": question.pk, "answer_id": answer.pk})
            return client.post(url, {"up": "0"})  # taking back a vote never given: allowed or not, changes nothing
        case "accept":
            return client.post(reverse("questions:answer-accept", kwargs={"post_id": question.pk}), {"answer": ""})
        case "follow":
            return client.post(reverse("questions:question-follow", kwargs={"post_id": question.pk}), {"follow": "0"})
        case _:
            poll = world.polls[place]
            return client.post(reverse("polls:vote", kwargs={"post_id": poll.post_id}), {"choices": ["0"]})


@pytest.mark.usefixtures("db")
@pytest.mark.parametrize(("place", "action", "reader"), CELLS)
def test_pages(world: World, module_client: Client, place: str, action: str, reader: str) -> None:
    answer = EXPECTED[f"{place}.{action}", reader]
    sign_in_as(module_client, world.readers[reader])
    response = _page_request(module_client, world, place, action)
    assert_answer(response, "login" if reader == "anonymous" else answer)


@pytest.mark.parametrize(
    ("place", "reader"), [pytest.param(p, r, id=f"{p}-{r}") for p in PLACES for r in READERS if r != "anonymous"]
)
def test_api_poll_votes(world: World, db: None, place: str, reader: str) -> None:
    answer = EXPECTED[f"{place}.vote_poll", reader]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {world.tokens[reader]}")
    poll = world.polls[place]
    response = client.post(f"/api/v1/polls/{poll.pk}/votes", {"choices": [0]}, content_type="application/json")
    assert response.status_code == (200 if answer == "ok" else int(answer))
    shown = client.get(f"/api/v1/polls/{poll.pk}")
    assert shown.status_code == (404 if answer == "404" else 200)
