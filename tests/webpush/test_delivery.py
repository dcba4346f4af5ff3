"""A new notification reaches the apps that subscribed, as Mastodon pushes it: encrypted for the app alone
(RFC 8291), signed with the network's VAPID key (RFC 8292), through a real push service on loopback that decrypts
each push; only the types and people the app asked for, never during quiet hours nor about what the person may no
longer read; a subscription the push service says is gone is deleted; a failing push service is tried again, a
bounded number of times."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

import pytest
from django.tasks import default_task_backend
from django.test import override_settings
from django.utils import timezone

from essaim.accounts.models import User
from essaim.notifications import services as notifications
from essaim.notifications.models import EmailPreferences, Notification
from essaim.people.models import Follow
from essaim.stream import services as stream_services
from essaim.stream.models import Post
from essaim.webpush import delivery, keys
from essaim.webpush.models import PushSubscription
from tests.webpush.conftest import app_client, subscribe
from tests.webpush.push_service import PushService

Kind = Notification.Kind
Capture = Callable[..., Any]


@pytest.fixture
def post(employee: User) -> Post:
    return stream_services.post_create(actor=employee, body="Le **plan** du projet Atlas est prêt")


@dataclass
class Scene:
    """Léa (``actor``) mentions Éloïse (``recipient``, whose apps subscribe to ``push``) about ``post``."""

    push: PushService
    actor: User
    recipient: User
    post: Post
    capture: Capture

    def mention(self, source: str = "m:1") -> Notification:
        """The notification, written as the consumer writes it; the pushes owed are sent once it commits."""
        with self.capture(execute=True):
            notifications.notify(
                recipient_ids=[self.recipient.pk],
                kind=Kind.MENTION,
                source=source,
                actor_id=self.actor.pk,
                post_id=self.post.pk,
            )
        return Notification.objects.get(recipient=self.recipient, source=source)


@pytest.fixture
def scene(
    push: PushService, employee: User, colleague: User, post: Post, django_capture_on_commit_callbacks: Capture
) -> Scene:
    return Scene(push, employee, colleague, post, django_capture_on_commit_callbacks)


class TestWhatIsPushed:
    def test_a_mention_arrives_decrypted_with_mastodons_payload(self, scene: Scene) -> None:
        User.objects.filter(pk=scene.recipient.pk).update(language="fr")
        app = app_client(scene.recipient)
        subscribe(app, scene.push)
        token = app.raw_token  # type: ignore[attr-defined]
        notification = scene.mention()
        [sent] = scene.push.pushes
        assert sent.payload == {
            "access_token": token,
            "preferred_locale": "fr",
            "notification_id": notification.pk,
            "notification_type": "mention",
            "icon": sent.payload["icon"],
            "title": "Léa Martin vous a mentionné dans une publication",
            "body": "Le plan du projet Atlas est prêt",
        }
        assert sent.payload["icon"].endswith("missing-avatar.png")

    def test_the_push_is_signed_with_the_networks_vapid_key_for_the_push_services_origin(self, scene: Scene) -> None:
        subscribe(app_client(scene.recipient), scene.push)
        scene.mention()
        [sent] = scene.push.pushes
        assert sent.vapid_key == keys.public_key()
        assert sent.claims["aud"] == scene.push.server.url("/").rstrip("/")
        assert sent.claims["sub"] == "mailto:essaim@localhost"
        assert sent.claims["exp"] > timezone.now().timestamp()
        assert sent.seen.headers["content-encoding"] == "aes128gcm"
        assert int(sent.seen.headers["ttl"]) > 0

    def test_english_for_who_reads_english(self, scene: Scene) -> None:
        User.objects.filter(pk=scene.recipient.pk).update(language="en")
        subscribe(app_client(scene.recipient), scene.push)
        scene.mention()
        [sent] = scene.push.pushes
        assert (sent.payload["preferred_locale"], sent.payload["title"]) == ("en", "Léa Martin mentioned you in a post")

    def test_each_app_of_the_person_gets_its_own_push_with_its_own_token(self, scene: Scene) -> None:
        subscribe(app_client(scene.recipient), scene.push, device="device-1")
        subscribe(app_client(scene.recipient), scene.push, device="device-2")
        scene.mention()
        assert sorted(p.seen.path for p in scene.push.pushes) == ["/push/device-1", "/push/device-2"]
        assert len({p.payload["access_token"] for p in scene.push.pushes}) == 2

    def test_a_reaction_is_a_favourite(self, scene: Scene) -> None:
        subscribe(app_client(scene.actor), scene.push)
        stream_services.reaction_add(actor=scene.recipient, post=scene.post, emoji="👍")
        with scene.capture(execute=True):
            notifications.notify_reaction(
                recipient_id=scene.actor.pk, actor_id=scene.recipient.pk, post_id=scene.post.pk
            )
        [sent] = scene.push.pushes
        assert sent.payload["notification_type"] == "favourite"
        assert sent.payload["title"] == "Éloïse Dupré reacted to your post"


class TestWhatIsNot:
    def test_a_type_the_app_did_not_ask_for(self, scene: Scene) -> None:
        subscribe(app_client(scene.recipient), scene.push, alerts={"mention": False, "follow": True})
        scene.mention()
        assert scene.push.pushes == []

    @pytest.mark.parametrize(
        ("policy", "follows", "pushed"),
        [
            ("all", "", True),
            ("none", "both", False),
            ("followed", "", False),
            ("followed", "recipient follows actor", True),
            ("followed", "actor follows recipient", False),
            ("follower", "", False),
            ("follower", "actor follows recipient", True),
        ],
    )
    def test_the_policy_says_from_whom(self, scene: Scene, policy: str, follows: str, pushed: bool) -> None:
        if follows in {"recipient follows actor", "both"}:
            Follow.objects.create(follower=scene.recipient, followed=scene.actor)
        if follows in {"actor follows recipient", "both"}:
            Follow.objects.create(follower=scene.actor, followed=scene.recipient)
        subscribe(app_client(scene.recipient), scene.push, policy=policy)
        scene.mention()
        assert len(scene.push.pushes) == int(pushed)

    def test_a_kind_turned_off_in_the_settings_makes_no_notification_so_no_push(self, scene: Scene) -> None:
        notifications.notification_settings_update(actor=scene.recipient, channels={Kind.MENTION: "nothing"})
        subscribe(app_client(scene.recipient), scene.push)
        with scene.capture(execute=True):
            notifications.notify(
                recipient_ids=[scene.recipient.pk],
                kind=Kind.MENTION,
                source="m:1",
                actor_id=scene.actor.pk,
                post_id=scene.post.pk,
            )
        assert scene.push.pushes == []

    def test_nothing_during_quiet_hours_then_again_after(self, scene: Scene) -> None:
        User.objects.filter(pk=scene.recipient.pk).update(timezone="Europe/Paris")
        EmailPreferences.objects.create(user=scene.recipient, quiet_from=time(22, 0), quiet_until=time(7, 0))
        subscribe(app_client(scene.recipient), scene.push)
        night = datetime(2026, 12, 7, 23, 30, tzinfo=timezone.get_fixed_timezone(60))
        with override_now(night):
            scene.mention(source="m:1")
        assert scene.push.pushes == []
        with override_now(night.replace(hour=9)):
            scene.mention(source="m:2")
        assert len(scene.push.pushes) == 1

    def test_nothing_about_a_post_hidden_since(self, scene: Scene) -> None:
        subscribe(app_client(scene.recipient), scene.push)
        notification = Notification.objects.create(
            recipient=scene.recipient, kind=Kind.MENTION, actor=scene.actor, post=scene.post
        )
        Post.objects.filter(pk=scene.post.pk).update(hidden_at=timezone.now())
        assert [r.outcome for r in delivery.deliver(notification_id=notification.pk)] == [delivery.Outcome.SKIPPED]
        assert scene.push.pushes == []

    def test_no_subscription_no_task(
        self, colleague: User, employee: User, post: Post, django_capture_on_commit_callbacks: Capture
    ) -> None:
        with django_capture_on_commit_callbacks() as callbacks:
            notifications.notify(
                recipient_ids=[colleague.pk], kind=Kind.MENTION, source="m:1", actor_id=employee.pk, post_id=post.pk
            )
        assert all("push" not in getattr(c, "__qualname__", "") for c in callbacks)


class TestPushServiceAnswers:
    @pytest.mark.parametrize("status", [404, 410])
    def test_a_subscription_the_service_no_longer_knows_is_deleted(self, scene: Scene, status: int) -> None:
        subscribe(app_client(scene.recipient), scene.push)
        scene.push.script = [status]
        scene.mention()
        assert len(scene.push.pushes) == 1
        assert not PushSubscription.objects.exists()

    def test_a_server_error_is_tried_again_until_it_passes(self, scene: Scene) -> None:
        subscribe(app_client(scene.recipient), scene.push)
        scene.push.script = [503, 500]
        scene.mention()
        assert len(scene.push.pushes) == 3
        assert len({p.payload["notification_id"] for p in scene.push.pushes}) == 1
        assert PushSubscription.objects.exists()

    def test_retries_are_bounded(self, scene: Scene) -> None:
        subscribe(app_client(scene.recipient), scene.push)
        scene.push.script = [503] * 20
        scene.mention()
        assert len(scene.push.pushes) == delivery.MAX_ATTEMPTS
        assert PushSubscription.objects.exists()  # a service down is not a subscription gone

    def test_a_refusal_is_not_tried_again(self, scene: Scene) -> None:
        subscribe(app_client(scene.recipient), scene.push)
        scene.push.script = [400]
        scene.mention()
        assert len(scene.push.pushes) == 1

    def test_a_push_service_that_cannot_be_reached_is_tried_again(self, scene: Scene) -> None:
        subscribe(app_client(scene.recipient), scene.push)
        PushSubscription.objects.update(endpoint="http://127.0.0.1:9/push/nobody")  # the discard port: refused
        notification = Notification.objects.create(
            recipient=scene.recipient, kind=Kind.MENTION, actor=scene.actor, post=scene.post
        )
        results = delivery.deliver(notification_id=notification.pk, attempt=delivery.MAX_ATTEMPTS)
        assert [r.outcome for r in results] == [delivery.Outcome.FAILED]
        assert delivery.judge(None, "connection") == delivery.Outcome.RETRY
        assert delivery.judge(None, "timeout") == delivery.Outcome.RETRY
        assert delivery.judge(None, "blocked_address") == delivery.Outcome.FAILED

    @override_settings(TASKS={"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}})
    def test_where_the_worker_can_wait_a_retry_waits(self, scene: Scene) -> None:
        subscribe(app_client(scene.recipient), scene.push)
        scene.push.script = [503]
        notification = Notification.objects.create(
            recipient=scene.recipient, kind=Kind.MENTION, actor=scene.actor, post=scene.post
        )
        before = timezone.now()
        assert [r.outcome for r in delivery.deliver(notification_id=notification.pk)] == [delivery.Outcome.RETRY]
        [retry] = default_task_backend.results  # type: ignore[attr-defined]  # the dummy backend keeps them
        assert retry.kwargs["attempt"] == 2
        assert retry.task.run_after >= before + timezone.timedelta(seconds=delivery.RETRY_DELAYS[0])
        default_task_backend.clear()  # type: ignore[attr-defined]


class override_now:  # noqa: N801 - used as a context manager, like override_settings
    """``timezone.now()`` is ``moment`` inside (quiet hours are decided on the clock)."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __enter__(self) -> None:
        self.original = timezone.now
        timezone.now = lambda: self.moment  # type: ignore[assignment]

    def __exit__(self, *exc: object) -> None:
        timezone.now = self.original  # type: ignore[assignment]
