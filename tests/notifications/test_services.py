"""Writing notifications: once per source, never to oneself or a deactivated account; reactions grouped;
marking read and dismissing one's own only."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from essaim.accounts.models import User
from essaim.notifications import services
from essaim.notifications.models import Notification, PendingEmail
from essaim.stream import services as stream_services
from tests.accounts.factories import UserFactory

Kind = Notification.Kind


class TestNotify:
    def test_once_per_source_never_the_actor_nor_a_deactivated_account(self, employee: User, colleague: User) -> None:
        gone = UserFactory(is_active=False)
        recipients = [employee.pk, colleague.pk, gone.pk]
        assert services.notify(recipient_ids=recipients, kind=Kind.FOLLOW, source="follow:1", actor_id=employee.pk) == 1
        services.notify(recipient_ids=recipients, kind=Kind.FOLLOW, source="follow:1", actor_id=employee.pk)
        assert list(Notification.objects.values_list("recipient_id", flat=True)) == [colleague.pk]

    def test_a_grouped_reaction_counts_the_other_people_once_each(self, employee: User, colleague: User) -> None:
        post = stream_services.post_create(actor=employee, body="Bonjour")
        for person in (colleague, colleague, UserFactory()):
            stream_services.reaction_add(actor=person, post=post, emoji="👍" if person != colleague else "🎉")
        stream_services.reaction_add(actor=colleague, post=post, emoji="👍")
        grouped = services.notify_reaction(recipient_id=employee.pk, actor_id=colleague.pk, post_id=post.pk)
        assert grouped is not None
        assert (grouped.actor, grouped.others) == (colleague, 1)
        assert Notification.objects.count() == 1
        assert services.notify_reaction(recipient_id=employee.pk, actor_id=employee.pk, post_id=post.pk) is None


class TestReading:
    def test_read_one_then_all_only_ones_own(self, employee: User, colleague: User) -> None:
        mine = [Notification.objects.create(recipient=employee, kind=Kind.FOLLOW) for _ in range(3)]
        theirs = Notification.objects.create(recipient=colleague, kind=Kind.FOLLOW)
        services.notification_read(actor=employee, notification=mine[0])
        assert Notification.objects.filter(recipient=employee, read_at=None).count() == 2
        with pytest.raises(Http404):
            services.notification_read(actor=employee, notification=theirs)
        assert services.notifications_read_all(actor=employee) == 2
        theirs.refresh_from_db()
        assert theirs.read_at is None

    def test_dismiss_and_clear(self, employee: User, colleague: User) -> None:
        mine = Notification.objects.create(recipient=employee, kind=Kind.FOLLOW)
        Notification.objects.create(recipient=employee, kind=Kind.FOLLOW)
        theirs = Notification.objects.create(recipient=colleague, kind=Kind.FOLLOW)
        with pytest.raises(Http404):
            services.notification_dismiss(actor=employee, notification=theirs)
        services.notification_dismiss(actor=employee, notification=mine)
        assert services.notifications_clear(actor=employee) == 1
        assert list(Notification.objects.all()) == [theirs]

    def test_a_deactivated_account_reads_nothing(self, employee: User) -> None:
        User.objects.filter(pk=employee.pk).update(is_active=False)
        employee.refresh_from_db()
        with pytest.raises(PermissionDenied):
            services.notifications_read_all(actor=employee)


class TestEmailsOwed:
    """``notify`` writes, with each notification, the e-mail its recipient's channel asks for (``emails``
    sends them)."""

    def test_a_kind_by_email_gets_a_pending_email_with_its_notification(self, employee: User, colleague: User) -> None:
        services.notify(recipient_ids=[colleague.pk], kind=Kind.MENTION, source="post:1", actor_id=employee.pk)
        notification = Notification.objects.get()
        assert list(PendingEmail.objects.values_list("notification_id", "recipient_id")) == [
            (notification.pk, colleague.pk)
        ]

    def test_a_kind_in_the_app_only_gets_none_unless_the_person_asked(self, employee: User, colleague: User) -> None:
        services.notification_settings_update(actor=colleague, channels={Kind.FOLLOW: "app_email"})
        services.notify(recipient_ids=[employee.pk, colleague.pk], kind=Kind.FOLLOW, source="f:1", actor_id=None)
        assert list(PendingEmail.objects.values_list("recipient_id", flat=True)) == [colleague.pk]

    def test_running_twice_owes_one_email(self, employee: User, colleague: User) -> None:
        for _run in range(2):
            services.notify(recipient_ids=[colleague.pk], kind=Kind.MENTION, source="post:1", actor_id=employee.pk)
        assert PendingEmail.objects.count() == 1
