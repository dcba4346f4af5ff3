"""A new notification reaches the apps that subscribed, as Mastodon pushes it: encrypted for the app alone
(RFC 8291), signed with the network's VAPID key (RFC 8292), through a real push service on loopback that decrypts
each push; only the types and people the app asked for, never during quiet hours nor about what the person may no
longer read; a subscription the push service says is gone is deleted; a failing push service is tried again, a
bounded number of times."""

from __future__ import annotations

from collections.abc import Callable
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


def mention(capture: Capture, *, actor: User, recipient: User, post: Post, source: str = "m:1") -> Notification:
    """``actor`` mentions ``recipient`` about ``post``; the pushes owed are sent once it commits."""
    with capture(execute=True):
        notifications.notify(
            recipient_ids=[recipient.pk], kind=Kind.MENTION, source=source, actor_id=actor.pk, post_id=post.pk
        )
    return Notification.objects.get(recipient=recipient, source=source)


class TestWhatIsPushed:
    def test_a_mention_arrives_decrypted_with_mastodons_payload(
        self, push: PushService, colleague: User, employee: User, post: Post, django_capture_on_commit_callbacks: Capture
    ) -> None:
        User.objects.filter(pk=colleague.pk).update(language="fr")
        app = app_client(colleague)
        subscribe(app, push)
        token = app.raw_token  # type: ignore[attr-defined]
        notification = mention(django_capture_on_commit_callbacks, actor=employee, recipient=colleague, post=post)
        [sent] = push.pushes
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

    def test_the_push_is_signed_with_the_networks_vapid_key_for_the_push_services_origin(
        self, push: PushService, colleague: User, employee: User, post: Post, django_capture_on_commit_callbacks: Capture
    ) -> None:
        subscribe(app_client(colleague), push)
        mention(django_capture_on_commit_callbacks, actor=employee, recipient=colleague, post=post)
        [sent] = push.pushes
        assert sent.vapid_key == keys.public_key()
        assert sent.claims["aud"] == push.server.url("/").rstrip("/")
        assert sent.claims["sub"] == "mailto:essaim@localhost"
        assert sent.claims["exp"] > timezone.now().timestamp()
        assert sent.seen.headers["content-encoding"] == "aes128gcm"
        assert int(sent.seen.headers["ttl"]) > 0

    def test_english_for_who_reads_english(
        self, push: PushService, colleague: User, employee: User, post: Post, django_capture_on_commit_callbacks: Capture
    ) -> None:
        User.objects.filter(pk=colleague.pk).update(language="en")
        subscribe(app_client(colleague), push)
        mention(django_capture_on_commit_callbacks, actor=employee, recipient=colleague, post=post)
        [sent] = push.pushes
        assert (sent.payload["preferred_locale"], sent.payload["title"]) == ("en", "Léa Martin mentioned you in a post")

    def test_each_app_of_the_person_gets_its_own_push_with_its_own_token(
        self, push: PushService, colleague: User, employee: User, post: Post, django_capture_on_commit_callbacks: Capture
    ) -> None:
        subscribe(app_client(colleague), push, device="device-1")
        subscribe(app_client(colleague), push, device="device-2")
        mention(django_capture_on_commit_callbacks, actor=employee, recipient=colleague, post=post)
        assert sorted(p.seen.path for p in push.pushes) == ["/push/device-1", "/push/device-2"]
        assert len({p.payload["access_token"] for p in push.pushes}) == 2


class TestWhatIsNot:
    def test_a_type_the_app_did_not_ask_for(
        self, push: PushService, colleague: User, employee: User, post: Post, django_capture_on_commit_callbacks: Capture
    ) -> None:
        subscribe(app_client(colleague), push, alerts={"mention": False, "follow": True})
        mention(django_capture_on_commit_callbacks, actor=employee, recipient=colleague, post=post)
        assert push.pushes == []

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
    def test_the_policy_says_from_whom(
        self,
        push: PushService,
        colleague: User,
        employee: User,
        post: Post,
        django_capture_on_commit_callbacks: Capture,
        policy: str,
        follows: str,
        pushed: bool,
    ) -> None:
        if follows in {"recipient follows actor", "both"}:
            Follow.objects.create(follower=colleague, followed=employee)
        if follows in {"actor follows recipient", "both"}:
            Follow.objects.create(follower=employee, followed=colleague)
        subscribe(app_client(colleague), push, policy=policy)
        mention(django_capture_on_commit_callbacks, actor=employee, recipient=colleague, post=post)
        assert len(push.pushes) == int(pushed)

    def test_a_kind_turned_off_in_the_settings_makes_no_notification_so_no_push(
        self, push: PushService, colleague: User, employee: User, post: Post, django_capture_on_commit_callbacks: Capture
    ) -> None:
        notifications.notification_settings_update(actor=colleague, channels={Kind.MENTION: "nothing"})
        subscribe(app_client(colleague), push)
        with django_capture_on_commit_callbacks(execute=True):
            notifications.notify(
                recipient_ids=[colleague.pk], kind=Kind.MENTION, source="m:1", actor_id=employee.pk, post_id=post.pk
            )
        assert push.pushes == []

    def test_nothing_during_quiet_hours_then_again_after(
        self, push: PushService, colleague: User, employee: User, post: Post, django_capture_on_commit_callbacks: Capture
    ) -> None:
        User.objects.filter(pk=colleague.pk).update(timezone="Europe/Paris")
        EmailPreferences.objects.create(user=colleague, quiet_from=time(22, 0), quiet_until=time(7, 0))
        subscribe(app_client(colleague), push)
        night = datetime(2026, 12, 7, 23, 30, tzinfo=timezone.get_fixed_timezone(60))
        with override_now(night):
            mention(django_capture_on_commit_callbacks, actor=employee, recipient=colleague, post=post, source="m:1")
        assert push.pushes == []
        with override_now(night.replace(hour=9)):
            mention(django_capture_on_commit_callbacks, actor=employee, recipient=colleague, post=post, source="m:2")
        assert len(push.pushes) == 1

    def test_nothing_about_a_post_hidden_since(
        self, push: PushService, colleague: User, employee: User, post: Post
    ) -> None:
        subscribe(app_client(colleague), push)
        notification = Notification.objects.create(recipient=colleague, kind=Kind.MENTION, actor=employee, post=post)
        Post.objects.filter(pk=post.pk).update(hidden_at=timezone.now())
        assert [r.outcome for r in delivery.deliver(notification_id=notification.pk)] == [delivery.Outcome.SKIPPED]
        assert push.pushes == []

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
    def test_a_subscription_the_service_no_longer_knows_is_deleted(
        self,
        push: PushService,
        colleague: User,
        employee: User,
        post: Post,
        django_capture_on_commit_callbacks: Capture,
        status: int,
    ) -> None:
        subscribe(app_client(colleague), push)
        push.script = [status]
        mention(django_capture_on_commit_callbacks, actor=employee, recipient=colleague, post=post)
        assert len(push.pushes) == 1
        assert not PushSubscription.objects.exists()

    def test_a_server_error_is_tried_again_until_it_passes(
        self, push: PushService, colleague: User, employee: User, post: Post, django_capture_on_commit_callbacks: Capture
    ) -> None:
        subscribe(app_client(colleague), push)
        push.script = [503, 500]
        mention(django_capture_on_commit_callbacks, actor=employee, recipient=colleague, post=post)
        assert len(push.pushes) == 3
        assert len({p.payload["notification_id"] for p in push.pushes}) == 1
        assert PushSubscription.objects.exists()

    def test_retries_are_bounded(
        self, push: PushService, colleague: User, employee: User, post: Post, django_capture_on_commit_callbacks: Capture
    ) -> None:
        subscribe(app_client(colleague), push)
        push.script = [503] * 20
        mention(django_capture_on_commit_callbacks, actor=employee, recipient=colleague, post=post)
        assert len(push.pushes) == delivery.MAX_ATTEMPTS
        assert PushSubscription.objects.exists()  # a service down is not a subscription gone

    def test_a_refusal_is_not_tried_again(
        self, push: PushService, colleague: User, employee: User, post: Post, django_capture_on_commit_callbacks: Capture
    ) -> None:
        subscribe(app_client(colleague), push)
        push.script = [400]
        mention(django_capture_on_commit_callbacks, actor=employee, recipient=colleague, post=post)
        assert len(push.pushes) == 1

    def test_a_push_service_that_cannot_be_reached_is_tried_again(
        self, push: PushService, colleague: User, employee: User, post: Post
    ) -> None:
        subscribe(app_client(colleague), push)
        PushSubscription.objects.update(endpoint="http://127.0.0.1:9/push/nobody")  # the discard port: refused
        notification = Notification.objects.create(recipient=colleague, kind=Kind.MENTION, actor=employee, post=post)
        results = delivery.deliver(notification_id=notification.pk, attempt=delivery.MAX_ATTEMPTS)
        assert [r.outcome for r in results] == [delivery.Outcome.FAILED]
        assert delivery.judge(None, "connection") == delivery.Outcome.RETRY
        assert delivery.judge(None, "timeout") == delivery.Outcome.RETRY
        assert delivery.judge(None, "blocked_address") == delivery.Outcome.FAILED

    @override_settings(TASKS={"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}})
    def test_where_the_worker_can_wait_a_retry_waits(
        self, push: PushService, colleague: User, employee: User, post: Post
    ) -> None:
        subscribe(app_client(colleague), push)
        push.script = [503]
        notification = Notification.objects.create(recipient=colleague, kind=Kind.MENTION, actor=employee, post=post)
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
