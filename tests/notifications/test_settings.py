"""A person's notification settings: a channel per kind, a level per space, muted threads. Defaults that a
new employee never has to touch; only what differs is stored; bad choices are refused whole."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from essaim.accounts.models import User
from essaim.notifications import selectors, services
from essaim.notifications.models import (
    Channel,
    Notification,
    NotificationSetting,
    SpaceLevel,
    SpaceNotificationLevel,
    ThreadMute,
)
from essaim.spaces.models import Membership, Space
from essaim.stream import services as stream_services
from tests.spaces.factories import SpaceFactory

Kind = Notification.Kind


def _join(user: User, space: Space) -> Space:
    Membership.objects.create(space=space, user=user, role=Membership.Role.MEMBER)
    return space


class TestDefaults:
    def test_everything_in_the_app_and_by_email_what_names_or_waits_for_them(self, employee: User) -> None:
        choices = selectors.notification_choices_for(actor=employee)
        emailed = {
            Kind.MENTION,
            Kind.REPLY,
            Kind.INVITATION,
            Kind.JOIN_REQUEST,
            Kind.JOIN_ANSWER,
            Kind.MODERATION,
            Kind.EVENT,
        }
        assert choices.channels == {
            kind: Channel.APP_AND_EMAIL if kind in emailed else Channel.APP for kind in Kind.values
        }

    def test_each_space_tells_mentions_only_and_spaces_are_listed_by_name(self, employee: User) -> None:
        zebra = _join(employee, SpaceFactory(name="Zèbre"))
        atlas = _join(employee, SpaceFactory(name="atlas"))
        SpaceFactory(name="Ailleurs")  # not theirs
        choices = selectors.notification_choices_for(actor=employee)
        assert choices.spaces == [(atlas, SpaceLevel.MENTIONS), (zebra, SpaceLevel.MENTIONS)]

    def test_a_new_person_has_no_rows(self, employee: User) -> None:
        assert not NotificationSetting.objects.exists()
        assert not SpaceNotificationLevel.objects.exists()


class TestNotificationSettingsUpdate:
    def test_keeps_only_what_differs_from_the_defaults(self, employee: User) -> None:
        space = _join(employee, SpaceFactory())
        channels = selectors.notification_choices_for(actor=employee).channels
        channels |= {Kind.REACTION: Channel.NOTHING, Kind.MENTION: Channel.APP}
        services.notification_settings_update(
            actor=employee, channels=channels, levels={space.pk: SpaceLevel.EVERY_POST}
        )
        assert set(NotificationSetting.objects.values_list("kind", "channel")) == {
            (Kind.REACTION, Channel.NOTHING),
            (Kind.MENTION, Channel.APP),
        }
        assert list(SpaceNotificationLevel.objects.values_list("space_id", "level")) == [(space.pk, "all")]
        choices = selectors.notification_choices_for(actor=employee)
        assert choices.channels[Kind.REACTION] == Channel.NOTHING
        assert choices.spaces == [(space, SpaceLevel.EVERY_POST)]

    def test_back_to_the_default_removes_the_row(self, employee: User) -> None:
        space = _join(employee, SpaceFactory())
        services.notification_settings_update(
            actor=employee, channels={Kind.FOLLOW: Channel.NOTHING}, levels={space.pk: SpaceLevel.NOTHING}
        )
        services.notification_settings_update(
            actor=employee, channels={Kind.FOLLOW: Channel.APP}, levels={space.pk: SpaceLevel.MENTIONS}
        )
        assert not NotificationSetting.objects.exists()
        assert not SpaceNotificationLevel.objects.exists()

    def test_ones_choices_are_ones_own(self, employee: User, colleague: User) -> None:
        services.notification_settings_update(actor=colleague, channels={Kind.FOLLOW: Channel.NOTHING})
        assert selectors.notification_choices_for(actor=employee).channels[Kind.FOLLOW] == Channel.APP

    @pytest.mark.parametrize(
        ("channels", "levels"),
        [
            ({"gossip": Channel.APP}, {}),
            ({Kind.FOLLOW: "pigeon"}, {}),
            ({}, {"own": "loud"}),
            ({}, {"other": SpaceLevel.NOTHING}),
        ],
        ids=["unknown kind", "unknown channel", "unknown level", "a space they are not in"],
    )
    def test_refuses_a_bad_choice_and_changes_nothing(
        self, employee: User, channels: dict[str, str], levels: dict[str, str]
    ) -> None:
        spaces = {"own": _join(employee, SpaceFactory()).pk, "other": SpaceFactory().pk}
        with pytest.raises(ValidationError):
            services.notification_settings_update(
                actor=employee,
                channels={Kind.REACTION: Channel.NOTHING, **channels},
                levels={spaces[name]: level for name, level in levels.items()},
            )
        assert not NotificationSetting.objects.exists()
        assert not SpaceNotificationLevel.objects.exists()

    def test_nobody_signed_in_chooses_nothing(self, db: None) -> None:
        from django.contrib.auth.models import AnonymousUser

        with pytest.raises(PermissionDenied):
            services.notification_settings_update(actor=AnonymousUser(), channels={})


class TestThreadMuteSet:
    def test_mute_then_unmute_each_twice_changes_nothing_more(self, employee: User, colleague: User) -> None:
        post = stream_services.post_create(actor=employee, body="Réunion")
        for _ in range(2):
            assert services.thread_mute_set(actor=colleague, post=post, muted=True)
        assert list(ThreadMute.objects.values_list("user_id", "post_id")) == [(colleague.pk, post.pk)]
        assert selectors.thread_muted_for(actor=colleague, post=post)
        assert not selectors.thread_muted_for(actor=employee, post=post)
        for _ in range(2):
            assert not services.thread_mute_set(actor=colleague, post=post, muted=False)
        assert not selectors.thread_muted_for(actor=colleague, post=post)

    def test_a_post_one_may_not_see_answers_404(self, employee: User, colleague: User) -> None:
        secret = _join(employee, SpaceFactory(visibility=Space.Visibility.SECRET))
        post = stream_services.post_create(actor=employee, body="Projet", space=secret)
        with pytest.raises(Http404):
            services.thread_mute_set(actor=colleague, post=post, muted=True)
        assert not ThreadMute.objects.exists()
