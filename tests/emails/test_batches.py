"""Notification e-mails: what the person asked for, a few minutes' worth in one e-mail, never twice, never about
what they may not see, never in their quiet hours."""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from datetime import UTC, time, timedelta
from typing import Any

import pytest
from django.core.mail import EmailMessage
from django.utils import timezone

from essaim.accounts.models import User
from essaim.emails import batches
from essaim.notifications import services as notification_services
from essaim.notifications.models import Channel, Notification, PendingEmail
from essaim.spaces.models import Membership, Space
from essaim.stream import services as stream_services
from tests.accounts.factories import UserFactory
from tests.emails.conftest import FailingConnection, Inbox, html_of, text_of
from tests.spaces.factories import SpaceFactory, member

Kind = Notification.Kind


def later(minutes: float = 5) -> Any:
    return timezone.now() + timedelta(minutes=minutes)


@pytest.fixture
def mention(employee: User, colleague: User, drain_outbox: Callable[[], int]) -> Callable[[str], None]:
    """``mention(text)``: Léa posts ``text`` mentioning Éloïse, and the outbox is drained."""

    def post(text: str = "Peux-tu relire, @eloise.dupre ?") -> None:
        stream_services.post_create(actor=employee, body=text)
        drain_outbox()

    return post


@pytest.fixture
def mentioned_then_answered(
    mention: Callable[[str], None], employee: User, colleague: User, drain_outbox: Callable[[], int]
) -> None:
    """Léa mentions Éloïse, then answers Éloïse's comment on her own question: two notifications, two kinds."""
    mention("Bonjour @eloise.dupre")
    question = stream_services.post_create(actor=colleague, body="Ma question")
    comment = stream_services.comment_create(actor=colleague, post=question, body="Précision")
    stream_services.comment_create(actor=employee, post=question, body="Ma réponse", parent=comment)
    drain_outbox()


class TestWhatIsQueued:
    def test_a_mention_waits_for_the_batch_window_then_goes_out_as_one_email(
        self, mention: Callable[[str], None], colleague: User, mailoutbox: list[EmailMessage]
    ) -> None:
        mention("Peux-tu relire, @eloise.dupre ?")
        assert PendingEmail.objects.filter(recipient=colleague).count() == 1
        assert batches.send_due() == 0, "not before the window has passed"
        assert batches.send_due(now=later()) == 1
        [sent] = mailoutbox
        assert sent.to == [colleague.email]
        assert sent.subject == "Léa Martin mentioned you in a post"
        assert "Peux-tu relire" in text_of(sent)
        assert not PendingEmail.objects.exists()
        assert batches.send_due(now=later(10)) == 0, "once"

    def test_a_post_behind_a_content_warning_is_told_by_its_warning_never_its_text(
        self, employee: User, colleague: User, drain_outbox: Callable[[], int], mailoutbox: list[EmailMessage]
    ) -> None:
        stream_services.post_create(
            actor=employee, body="@eloise.dupre la fin : le majordome", spoiler_text="Fin du film"
        )
        drain_outbox()
        assert batches.send_due(now=later()) == 1
        [sent] = mailoutbox
        assert "Fin du film" in text_of(sent)
        assert "majordome" not in text_of(sent)
        assert "majordome" not in html_of(sent)

    def test_kinds_the_person_keeps_in_the_app_are_not_emailed(
        self, mention: Callable[[str], None], colleague: User, employee: User
    ) -> None:
        notification_services.notification_settings_update(actor=colleague, channels={Kind.MENTION: Channel.APP})
        mention("Bonjour @eloise.dupre")
        question = stream_services.post_create(actor=colleague, body="Une question")
        stream_services.comment_create(actor=employee, post=question, body="Une réponse")
        assert Notification.objects.filter(recipient=colleague).exists()
        assert not PendingEmail.objects.exists(), "mentions are off by e-mail; comments are in the app by default"

    def test_reactions_asked_by_email_are_grouped_into_the_latest_count(
        self, employee: User, colleague: User, drain_outbox: Callable[[], int], mailoutbox: list[EmailMessage]
    ) -> None:
        notification_services.notification_settings_update(
            actor=employee, channels={Kind.REACTION: Channel.APP_AND_EMAIL}
        )
        post = stream_services.post_create(actor=employee, body="Nouveau local")
        stream_services.reaction_add(actor=colleague, post=post, emoji="👍")
        stream_services.reaction_add(actor=UserFactory(first_name="Paul", last_name="Petit"), post=post, emoji="🎉")
        drain_outbox()
        assert batches.send_due(now=later()) == 1
        [sent] = mailoutbox
        assert sent.subject == "Paul Petit and 1 other person reacted to your post"


class TestBatching:
    def test_notifications_of_a_few_minutes_make_one_email_that_stops_all_notification_emails(
        self, mentioned_then_answered: None, mailoutbox: list[EmailMessage]
    ) -> None:
        assert batches.send_due(now=later()) == 1
        [sent] = mailoutbox
        assert sent.subject == "2 new notifications on Essaim"
        text = text_of(sent)
        assert text.index("Léa Martin replied to your comment") < text.index("Léa Martin mentioned you in a post")
        assert "Stop notification e-mails:" in text

    def test_the_window_starts_at_the_first_notification_waiting(
        self, mention: Callable[[str], None], colleague: User, settings: Any
    ) -> None:
        settings.EMAIL_BATCH_S = 120
        mention("Un @eloise.dupre")
        first = PendingEmail.objects.get()
        assert batches.send_due(now=first.created_at + timedelta(seconds=119)) == 0
        assert batches.send_due(now=first.created_at + timedelta(seconds=120)) == 1


class TestWhatIsNotSent:
    def test_a_notification_read_in_the_app_meanwhile_is_not_emailed(
        self, mention: Callable[[str], None], colleague: User, mailoutbox: list[EmailMessage]
    ) -> None:
        mention("Bonjour @eloise.dupre")
        notification_services.notifications_read_all(actor=colleague)
        assert batches.send_due(now=later()) == 0
        assert mailoutbox == []
        assert not PendingEmail.objects.exists()

    def test_a_post_hidden_since_is_not_emailed(
        self, mention: Callable[[str], None], network_admin: User, mailoutbox: list[EmailMessage]
    ) -> None:
        mention("Bonjour @eloise.dupre")
        post = Notification.objects.get().post
        assert post is not None
        stream_services.post_hide(actor=network_admin, post=post)
        assert batches.send_due(now=later()) == 0
        assert mailoutbox == []

    def test_a_secret_space_mention_emails_its_members_only(
        self, employee: User, drain_outbox: Callable[[], int], mailoutbox: list[EmailMessage]
    ) -> None:
        space = SpaceFactory(visibility=Space.Visibility.SECRET)
        Membership.objects.create(space=space, user=employee, role=Membership.Role.ADMIN)
        inside = member(space, handle="dedans").user
        outside = UserFactory(handle="dehors")
        stream_services.post_create(actor=employee, body="Projet X : @dedans et @dehors", space=space)
        drain_outbox()
        batches.send_due(now=later())
        assert [m.to for m in mailoutbox] == [[inside.email]]
        assert not Notification.objects.filter(recipient=outside).exists()

    def test_nothing_for_a_deactivated_account(
        self, mention: Callable[[str], None], colleague: User, mailoutbox: list[EmailMessage]
    ) -> None:
        mention("Bonjour @eloise.dupre")
        User.objects.filter(pk=colleague.pk).update(is_active=False)
        assert batches.send_due(now=later()) == 0
        assert not PendingEmail.objects.exists()


class TestQuietHours:
    def test_emails_wait_for_the_end_of_quiet_hours_on_the_persons_clock(
        self, mention: Callable[[str], None], colleague: User, mailoutbox: list[EmailMessage]
    ) -> None:
        User.objects.filter(pk=colleague.pk).update(timezone="America/Montreal")
        notification_services.email_preferences_update(
            actor=colleague, digest="weekly", quiet_from=time(22), quiet_until=time(7)
        )
        mention("Bonjour @eloise.dupre")
        tomorrow = (timezone.now() + timedelta(days=1)).astimezone(UTC)
        night = tomorrow.replace(hour=4, minute=30)  # 23:30 in Montréal in winter (00:30 in summer)
        assert batches.send_due(now=night) == 0
        assert PendingEmail.objects.count() == 1
        assert batches.send_due(now=night.replace(hour=12)) == 1, "07:30 in Montréal (08:30 in summer)"


@pytest.fixture
def five_waiting(employee: User, drain_outbox: Callable[[], int]) -> list[User]:
    people = [UserFactory(handle=f"lecteur{i}") for i in range(5)]
    stream_services.post_create(actor=employee, body=" ".join(f"@{p.handle}" for p in people))
    drain_outbox()
    return people


class TestNeverTwice:
    def test_a_worker_killed_mid_batch_sends_nothing_twice_after_restart(
        self, five_waiting: list[User], mailoutbox: list[EmailMessage], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(
            batches, "mailers", type("M", (), {"default": FailingConnection(3, SystemExit("killed"))})()
        )
        with pytest.raises(SystemExit):
            batches.send_due(now=later())
        assert len(mailoutbox) == 2
        monkeypatch.undo()
        assert batches.send_due(now=later()) == 2, "the two not yet tried; not the one in flight when killed"
        recipients = [m.to[0] for m in mailoutbox]
        assert len(recipients) == len(set(recipients)) == 4

    def test_a_mail_server_that_fails_gets_the_rest_again_at_the_next_run(
        self, five_waiting: list[User], mailoutbox: list[EmailMessage], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        failing = FailingConnection(3, smtplib.SMTPServerDisconnected("gone"))
        monkeypatch.setattr(batches, "mailers", type("M", (), {"default": failing})())
        with pytest.raises(smtplib.SMTPServerDisconnected):
            batches.send_due(now=later())
        monkeypatch.undo()
        assert batches.send_due(now=later()) == 3
        assert sorted(m.to[0] for m in mailoutbox) == sorted(p.email for p in five_waiting)

    def test_an_address_the_server_refuses_does_not_hold_up_the_others(
        self, five_waiting: list[User], mailoutbox: list[EmailMessage], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        failing = FailingConnection(2, smtplib.SMTPRecipientsRefused({"x@example.com": (550, b"no such user")}))
        monkeypatch.setattr(batches, "mailers", type("M", (), {"default": failing})())
        assert batches.send_due(now=later()) == 4
        assert not PendingEmail.objects.exists()


class TestThroughARealSmtpServer:
    def test_the_email_carries_one_click_unsubscribe_and_auto_submitted_headers(
        self, mention: Callable[[str], None], colleague: User, smtp_server: Inbox
    ) -> None:
        mention("Bonjour @eloise.dupre")
        assert batches.send_due(now=later()) == 1
        [received] = smtp_server.to(colleague.email)
        assert received["List-Unsubscribe"].startswith("<http://")
        assert "/emails/unsubscribe/" in received["List-Unsubscribe"]
        assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert received["Auto-Submitted"] == "auto-generated"
        assert received["From"].addresses[0].display_name == "Essaim"
        assert "Léa Martin mentioned you in a post" in html_of(received)

    def test_in_the_persons_language(self, mention: Callable[[str], None], colleague: User, smtp_server: Inbox) -> None:
        User.objects.filter(pk=colleague.pk).update(language="fr")
        mention("Bonjour @eloise.dupre")
        batches.send_due(now=later())
        [received] = smtp_server.to(colleague.email)
        assert received["Subject"] == "Léa Martin vous a mentionné dans une publication"
        assert text_of(received).startswith("Bonjour Éloïse,")


ENGLISH = """Hello Éloïse,

* Léa Martin replied to your comment
  « Ma réponse »
  SITE/notifications/ID/

* Léa Martin mentioned you in a post
  « Bonjour @eloise.dupre »
  SITE/notifications/ID/

All your notifications: SITE/notifications/

--\x20
Essaim — SITE
Choose what reaches you by e-mail: SITE/notifications/settings/
Stop notification e-mails: SITE/emails/unsubscribe/TOKEN/
"""

FRENCH = """Bonjour Éloïse,

* Léa Martin vous a mentionné dans une publication
  « Bonjour @eloise.dupre »
  SITE/notifications/ID/

Répondez à cet e-mail pour commenter (au-dessus du message cité).
Toutes vos notifications\u00a0: SITE/notifications/

--\x20
Essaim — SITE
Choisir ce que vous recevez par e-mail\u00a0: SITE/notifications/settings/
Ne plus recevoir d’e-mails comme celui-ci\u00a0: SITE/emails/unsubscribe/TOKEN/
"""


class TestTheText:
    """The plain text of a notification e-mail, whole, in both languages (links normalised)."""

    @staticmethod
    def _normalised(message: EmailMessage) -> str:
        import re

        from django.conf import settings

        return re.sub(r"/notifications/\d+/", "/notifications/ID/", text_of(message)).replace(settings.SITE_URL, "SITE")

    def test_a_batch_in_english(self, mentioned_then_answered: None, mailoutbox: list[EmailMessage]) -> None:
        batches.send_due(now=later())
        assert self._normalised(mailoutbox[0]) == ENGLISH

    def test_one_notification_in_french_says_a_reply_comments(
        self, mention: Callable[[str], None], colleague: User, mailoutbox: list[EmailMessage], settings: Any
    ) -> None:
        settings.MAIL_IN_DOMAIN = "reply.rse.example.com"
        User.objects.filter(pk=colleague.pk).update(language="fr")
        mention("Bonjour @eloise.dupre")
        batches.send_due(now=later())
        [sent] = mailoutbox
        assert sent.reply_to[0].endswith("@reply.rse.example.com")
        assert self._normalised(sent) == FRENCH
