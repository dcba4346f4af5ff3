"""Outgoing webhooks end to end: a service's event, the durable fan-out, a real signed HTTP delivery to a
loopback receiver that verifies it with the ``standardwebhooks`` library; retries, disabling, reading rights."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from essaim.accounts.models import User
from essaim.spaces.models import Membership, Space
from essaim.spaces.services.memberships import membership_join
from essaim.stream import services as stream
from essaim.webhooks import deliveries, jobs, services
from essaim.webhooks.models import Delivery, Endpoint
from tests.accounts.factories import UserFactory
from tests.core.loopback import LoopbackServer
from tests.spaces.factories import SpaceFactory, member
from tests.webhooks.receiver import Receiver, start


@pytest.fixture
def receiver(settings: object) -> Iterator[Receiver]:
    settings.FETCH_ALLOW = ["127.0.0.1"]  # type: ignore[attr-defined]
    with LoopbackServer() as server:
        yield start(server)


def subscribe(actor: User, space: Space | None, receiver: Receiver, events: list[str]) -> Endpoint:
    endpoint = services.endpoint_create(actor=actor, space=space, url=receiver.url(), events=events)
    receiver.secret = endpoint.secret
    return endpoint


def test_a_post_reaches_the_receiver_signed(
    receiver: Receiver, space: Space, space_admin: User, drain_outbox: Callable[[], int]
) -> None:
    endpoint = subscribe(space_admin, space, receiver, ["post.created"])
    assert endpoint.secret.startswith("whsec_")
    author = member(space).user
    post = stream.post_create(actor=author, body="Bonjour **tous**", space=space)
    drain_outbox()
    assert receiver.refused == 0
    [body] = receiver.verified
    assert body["type"] == "post.created"
    assert body["data"]["post"]["id"] == str(post.pk)
    assert body["data"]["post"]["text"] == "Bonjour **tous**"
    assert body["data"]["post"]["space"]["slug"] == space.slug
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.status_code, delivery.msg_id) == ("delivered", 200, receiver.ids[0])
    assert delivery.response_excerpt == '{"thanks": true}'
    assert delivery.latency_ms is not None


def test_only_the_chosen_events_and_the_space_s_own(
    receiver: Receiver, space: Space, space_admin: User, drain_outbox: Callable[[], int]
) -> None:
    subscribe(space_admin, space, receiver, ["member.joined", "comment.created"])
    other = SpaceFactory()
    stream.post_create(actor=member(other).user, body="ailleurs", space=other)
    author = UserFactory()
    membership_join(actor=author, space=space)  # member.joined
    post = stream.post_create(actor=author, body="ici", space=space)
    stream.comment_create(actor=author, post=post, body="un commentaire")
    drain_outbox()
    assert [body["type"] for body in receiver.verified] == ["member.joined", "comment.created"]
    assert receiver.verified[1]["data"]["comment"]["text"] == "un commentaire"


def test_a_failure_is_retried_with_the_same_id(
    receiver: Receiver, space: Space, space_admin: User, drain_outbox: Callable[[], int]
) -> None:
    subscribe(space_admin, space, receiver, ["post.created"])
    receiver.status = 503
    stream.post_create(actor=member(space).user, body="x", space=space)
    drain_outbox()
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.status_code) == ("pending", 1, 503)
    assert timedelta(seconds=4) < delivery.next_attempt_at - timezone.now() <= timedelta(seconds=5)
    receiver.status = 200
    assert jobs.retry_due() == 0  # not due yet
    Delivery.objects.update(next_attempt_at=timezone.now())
    assert jobs.retry_due() == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("delivered", 2)
    assert receiver.ids == [delivery.msg_id, delivery.msg_id]


def test_a_delivery_given_up_disables_the_endpoint_and_tells_its_owner(
    receiver: Receiver,
    space: Space,
    space_admin: User,
    drain_outbox: Callable[[], int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(deliveries, "RETRY_DELAYS", (0, 0))
    endpoint = subscribe(space_admin, space, receiver, ["post.created"])
    receiver.status = 500
    stream.post_create(actor=member(space).user, body="x", space=space)
    drain_outbox()  # attempt 1
    jobs.retry_due()  # 2
    jobs.retry_due()  # 3: given up
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("failed", 3)
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert "500" in endpoint.disabled_reason
    [message] = mail.outbox
    assert message.to == [space_admin.email]
    assert receiver.url() in message.body
    stream.post_create(actor=member(space).user, body="y", space=space)
    drain_outbox()
    assert Delivery.objects.count() == 1  # a disabled endpoint gets nothing new


def test_an_unreachable_endpoint_is_disabled_after_failures_in_a_row(
    space: Space, space_admin: User, drain_outbox: Callable[[], int], monkeypatch: pytest.MonkeyPatch, settings: object
) -> None:
    settings.FETCH_ALLOW = ["127.0.0.1"]  # type: ignore[attr-defined]
    monkeypatch.setattr(deliveries, "DISABLE_AFTER", 2)
    with LoopbackServer() as server:
        url = server.url("/gone")
    endpoint = services.endpoint_create(actor=space_admin, space=space, url=url, events=["post.created"])
    author = member(space).user
    stream.post_create(actor=author, body="1", space=space)
    stream.post_create(actor=author, body="2", space=space)
    drain_outbox()
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert {d.error for d in Delivery.objects.exclude(attempts=0)} == {"connection"}
    assert "could not be reached" in endpoint.disabled_reason


def test_a_loopback_address_is_refused_without_the_allow_list(
    space: Space, space_admin: User, drain_outbox: Callable[[], int]
) -> None:
    with LoopbackServer() as server:
        endpoint = services.endpoint_create(
            actor=space_admin, space=space, url=server.url("/hook"), events=["post.created"]
        )
        stream.post_create(actor=member(space).user, body="x", space=space)
        drain_outbox()
        assert server.requests == []
    assert Delivery.objects.get(endpoint=endpoint).error == "blocked_address"


def test_nothing_its_owner_may_not_read(
    receiver: Receiver, network_admin: User, drain_outbox: Callable[[], int]
) -> None:
    subscribe(network_admin, None, receiver, ["post.created"])
    secret = SpaceFactory(visibility=Space.Visibility.SECRET)
    public = SpaceFactory()
    stream.post_create(actor=member(secret).user, body="secret", space=secret)
    stream.post_create(actor=member(public).user, body="public", space=public)
    drain_outbox()
    assert [body["data"]["post"]["text"] for body in receiver.verified] == ["public"]
    assert sorted(Delivery.objects.values_list("state", flat=True)) == ["delivered", "skipped"]


def test_a_post_hidden_before_its_delivery_is_not_sent(
    receiver: Receiver, space: Space, space_admin: User, drain_outbox: Callable[[], int]
) -> None:
    subscribe(space_admin, space, receiver, ["post.created"])
    author = member(space).user
    post = stream.post_create(actor=author, body="x", space=space)
    stream.post_delete(actor=author, post=post)
    drain_outbox()
    assert receiver.verified == []
    assert Delivery.objects.get().state == "skipped"


def test_send_again(
    receiver: Receiver,
    space: Space,
    space_admin: User,
    drain_outbox: Callable[[], int],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    subscribe(space_admin, space, receiver, ["post.created"])
    stream.post_create(actor=member(space).user, body="x", space=space)
    drain_outbox()
    delivery = Delivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.delivery_resend(actor=space_admin, delivery=delivery)
    assert receiver.ids == [delivery.msg_id, delivery.msg_id]
    delivery.refresh_from_db()
    assert delivery.state == "delivered"


def test_only_admins_subscribe(space: Space) -> None:
    reader = member(space, role=Membership.Role.MEMBER).user
    with pytest.raises(Exception, match="not allowed"):
        services.endpoint_create(actor=reader, space=space, url="https://x.example/", events=["post.created"])
    with pytest.raises(Exception, match="not allowed"):
        services.endpoint_create(actor=reader, space=None, url="https://x.example/", events=["post.created"])


@pytest.mark.parametrize(
    ("url", "events", "field"),
    [
        ("ftp://x.example/", ["post.created"], "url"),
        ("https://x.example/", [], "events"),
        ("https://x.example/", ["nope"], "events"),
    ],
)
def test_bad_subscriptions_say_why(space: Space, space_admin: User, url: str, events: list[str], field: str) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.endpoint_create(actor=space_admin, space=space, url=url, events=events)
    assert field in error.value.message_dict


def test_a_sender_signs_each_and_keeps_its_connections(
    receiver: Receiver, space: Space, space_admin: User, drain_outbox: Callable[[], int]
) -> None:
    """Three batches' worth of rows, sent on at most ``SENDERS`` connections kept open, each signed, each in
    the log; the posts of a batch are read at once."""
    endpoint = subscribe(space_admin, space, receiver, ["post.created"])
    author = member(space).user
    posts = [stream.post_create(actor=author, body=f"n°{n}", space=space) for n in range(3)]
    drain_outbox()
    receiver.verified.clear()
    receiver.ports.clear()
    Delivery.objects.all().delete()
    Delivery.objects.bulk_create(
        Delivery(endpoint=endpoint, msg_id=f"msg_{n}", event_type="post.created",
                 event={"post_id": posts[n % 3].pk, "space_id": space.pk})
        for n in range(2 * deliveries.CLAIM + 10)
    )  # fmt: skip
    assert deliveries.send_due(endpoint.pk) == 2 * deliveries.CLAIM + 10
    assert receiver.refused == 0
    assert len(receiver.verified) == 2 * deliveries.CLAIM + 10
    assert len(set(receiver.ports)) <= deliveries.SENDERS
    assert set(Delivery.objects.values_list("state", "status_code", "claimed_by")) == {("delivered", 200, "")}
    assert not Delivery.objects.filter(latency_ms__isnull=True).exists()


def test_an_endpoint_disabled_in_the_middle_of_a_batch_leaves_the_rest_due(
    receiver: Receiver, space: Space, space_admin: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(deliveries, "DISABLE_AFTER", 5)
    endpoint = subscribe(space_admin, space, receiver, ["post.created"])
    receiver.status = 500
    post = stream.post_create(actor=member(space).user, body="x", space=space)
    Delivery.objects.all().delete()
    Delivery.objects.bulk_create(
        Delivery(endpoint=endpoint, msg_id=f"msg_{n}", event_type="post.created",
                 event={"post_id": post.pk, "space_id": space.pk})
        for n in range(2 * deliveries.CLAIM)
    )  # fmt: skip
    assert deliveries.send_due(endpoint.pk) == 5
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert endpoint.failure_streak == 5
    failed = Delivery.objects.filter(attempts=1)
    assert failed.count() == 5
    assert set(failed.values_list("status_code", "state")) == {(500, "pending")}  # retried once enabled
    waiting = Delivery.objects.filter(attempts=0)
    assert waiting.count() == 2 * deliveries.CLAIM - 5
    assert set(waiting.values_list("state", "claimed_by", "status_code")) == {("pending", "", None)}
