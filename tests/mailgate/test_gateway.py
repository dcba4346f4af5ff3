"""Reply and post by e-mail end to end: real LMTP (and SMTP) conversations with ``manage.py mailgate``'s server,
then the task worker's consumer; every refusal, drop and polite answer of the issue."""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from django.core.mail import EmailMessage as DjangoEmail
from django.utils import timezone

from essaim.accounts.models import User
from essaim.emails import batches
from essaim.events.models import OutboxItem
from essaim.mailgate import addresses, services
from essaim.mailgate.management.commands.mailgate import start
from essaim.mailgate.models import InboundMail
from essaim.spaces.models import Membership, Space
from essaim.stream import services as stream_services
from essaim.stream.models import Attachment, Comment, Post
from tests.emails.conftest import free_port
from tests.mailgate.conftest import message
from tests.spaces.factories import SpaceFactory
from tests.stream.factories import image_upload

pytestmark = pytest.mark.django_db(transaction=True)  # the gateway's thread writes, the test reads


@dataclass
class Gate:
    """The gateway as a test uses it: ``send`` a message (LMTP), ``drain`` the outbox as the worker would,
    and read the ``outbox`` of what Essaim sent."""

    send: Callable[..., dict[str, tuple[int, bytes]]]
    drain: Callable[[], int]
    outbox: list[DjangoEmail]


@pytest.fixture
def gate(lmtp: Callable[..., Any], drain_outbox: Callable[[], int], mailoutbox: list[DjangoEmail]) -> Gate:
    return Gate(lmtp, drain_outbox, mailoutbox)


@pytest.fixture
def post(employee: User) -> Post:
    return stream_services.post_create(actor=employee, body="Qui relit la note de rentrée ?")


@pytest.fixture
def reply_to(post: Post, colleague: User, mail_domain: str) -> str:
    return addresses.reply_address(user_id=colleague.pk, post_id=post.pk)


@pytest.fixture
def space(colleague: User) -> Space:
    space = SpaceFactory(name="Atelier vélo", visibility=Space.Visibility.PUBLIC)
    Membership.objects.create(space=space, user=colleague, role=Membership.Role.MEMBER)
    return space


def image_bytes() -> bytes:
    """A real JPEG, as a phone attaches a photo."""
    return image_upload().read()


def _states() -> list[tuple[str, str]]:
    return list(InboundMail.objects.order_by("pk").values_list("state", "reason"))


class TestReplyByEmail:
    def test_a_reply_becomes_a_comment_by_its_sender_without_the_quoted_message(
        self,
        gate: Gate,
        reply_to: str,
        post: Post,
        colleague: User,
    ) -> None:
        body = (
            "Moi, je relis demain matin.\n\n"
            "Le lun. 7 déc. 2026 à 09:12, Essaim <essaim@localhost> a écrit :\n> Qui relit ?\n"
        )
        assert gate.send(message(sender=colleague.email, to=reply_to, body=body)) == {}
        assert _states() == [("received", "")], "kept before the 250, handled by the worker"
        gate.drain()
        [comment] = Comment.objects.filter(post=post)
        assert (comment.author, comment.body) == (colleague, "Moi, je relis demain matin.")
        assert _states() == [("posted", "comment")]
        assert InboundMail.objects.get().raw in (b"", memoryview(b""))
        assert gate.outbox == [], "nothing to answer"

    def test_the_reply_address_of_a_notification_email_answers_in_its_thread(
        self,
        gate: Gate,
        employee: User,
        colleague: User,
    ) -> None:
        question = stream_services.post_create(actor=colleague, body="Où est la clé du local vélo ?")
        comment = stream_services.comment_create(actor=colleague, post=question, body="Je la cherche aussi")
        stream_services.comment_create(actor=employee, post=question, body="À l'accueil", parent=comment)
        gate.drain()
        batches.send_due(now=timezone.now() + timedelta(minutes=10))
        [sent] = gate.outbox
        assert sent.reply_to
        assert sent.reply_to[0].startswith("reply-")
        assert "Reply to this e-mail to comment" in str(sent.body)
        gate.send(message(sender=colleague.email, to=sent.reply_to[0], body="Merci, trouvée !"))
        gate.drain()
        reply = Comment.objects.get(body="Merci, trouvée !")
        assert (reply.author_id, reply.post_id, reply.parent_id) == (colleague.pk, question.pk, comment.pk)

    def test_through_smtp_as_well(
        self, mail_domain: str, reply_to: str, colleague: User, post: Post, drain_outbox: Callable[[], int]
    ) -> None:
        port = free_port()
        controller = start(host="127.0.0.1", port=port, lmtp=False)
        try:
            with smtplib.SMTP("127.0.0.1", port) as client:
                client.send_message(message(sender=colleague.email, to=reply_to, body="Par SMTP"))
        finally:
            controller.stop()
        drain_outbox()
        assert Comment.objects.filter(post=post, body="Par SMTP", author=colleague).exists()


class TestPostByEmail:
    def test_mail_to_ones_space_address_becomes_a_post_with_its_subject_and_files(
        self, gate: Gate, space: Space, colleague: User
    ) -> None:
        mail = message(
            sender=f"Éloïse Dupré <{colleague.email}>",
            to=addresses.post_address(user_id=colleague.pk, space_id=space.pk),
            subject="Sortie du samedi",
            body="Départ 9 h devant l'atelier.\n\n-- \nÉloïse",
        )
        mail.add_attachment(b"km;lieu\n42;Loire\n", maintype="text", subtype="csv", filename="parcours.csv")
        assert gate.send(mail) == {}
        gate.drain()
        post = Post.objects.get(space=space)
        assert post.author == colleague
        assert post.body == "**Sortie du samedi**\n\nDépart 9 h devant l'atelier."
        assert [a.original_name for a in post.attachments.all()] == ["parcours.csv"]


class TestFilesOfAReplyByEmail:
    def test_a_reply_with_a_pdf_and_an_image_becomes_a_comment_with_both_files(
        self, gate: Gate, reply_to: str, colleague: User, post: Post
    ) -> None:
        mail = message(sender=colleague.email, to=reply_to, body="Relu : mes notes et une photo du tableau.")
        mail.add_attachment(b"%PDF-1.4 notes", maintype="application", subtype="pdf", filename="notes.pdf")
        mail.add_attachment(image_bytes(), maintype="image", subtype="jpeg", filename="tableau.jpg")
        gate.send(mail)
        gate.drain()
        assert _states() == [("posted", "comment")]
        comment = Comment.objects.get(post=post)
        assert comment.body == "Relu : mes notes et une photo du tableau."
        files = sorted(comment.attachments.all(), key=lambda a: a.original_name)
        assert [(a.original_name, a.is_image, a.post_id) for a in files] == [
            ("notes.pdf", False, post.pk),
            ("tableau.jpg", True, post.pk),
        ]
        assert files[1].thumbnail.name, "an image re-encoded with its thumbnail, as on the site"
        assert comment.attachment_count == 2
        assert gate.outbox == [], "all of it was kept: nothing to tell"

    def test_the_space_page_shows_ones_own_posting_address(
        self, client: Any, space: Space, colleague: User, mail_domain: str
    ) -> None:
        client.force_login(colleague)
        page = client.get(space.get_absolute_url()).text
        assert addresses.post_address(user_id=colleague.pk, space_id=space.pk) in page


class TestRefusedAtTheDoor:
    @pytest.mark.parametrize(
        "recipient",
        [
            "someone@rse.example.com",
            "reply-abcdef@rse.example.com",
            "post-aaaaaaaaaaaaaaaaaaaaaaaaaaaa@rse.example.com",
            "x@elsewhere.example.com",
        ],
        ids=["unknown", "made up", "forged", "another domain"],
    )
    def test_an_address_that_is_not_ours_is_refused_with_550(self, gate: Gate, colleague: User, recipient: str) -> None:
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            gate.send(message(sender=colleague.email, to=recipient, body="Bonjour"))
        assert refused.value.recipients[recipient][0] == 550
        assert not InboundMail.objects.exists()

    def test_a_forged_signature_is_refused(self, gate: Gate, reply_to: str, colleague: User) -> None:
        local, domain = reply_to.split("@")
        forged = local[:-2] + ("aa" if not local.endswith("aa") else "bb") + "@" + domain
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            gate.send(message(sender=colleague.email, to=forged, body="Bonjour"))

    def test_an_oversized_message_is_refused_with_552(
        self, settings: Any, mail_domain: str, reply_to: str, colleague: User
    ) -> None:
        settings.MAIL_IN_MAX_BYTES = 2000
        port = free_port()
        controller = start(host="127.0.0.1", port=port, lmtp=True)
        try:
            with smtplib.LMTP("127.0.0.1", port) as client, pytest.raises(smtplib.SMTPException) as refused:
                client.send_message(message(sender=colleague.email, to=reply_to, body="x" * 5000))
        finally:
            controller.stop()
        assert "552" in str(refused.value) or getattr(refused.value, "smtp_code", 0) == 552
        assert not InboundMail.objects.exists()

    def test_a_sender_over_the_hourly_limit_is_asked_to_try_later(
        self, settings: Any, gate: Gate, reply_to: str, colleague: User
    ) -> None:
        settings.MAIL_IN_PER_HOUR = 2
        for _time in range(2):
            assert gate.send(message(sender=colleague.email, to=reply_to, body="Encore")) == {}
        with pytest.raises(smtplib.SMTPDataError) as deferred:
            gate.send(message(sender=colleague.email, to=reply_to, body="Encore"))
        assert deferred.value.smtp_code == 451
        assert InboundMail.objects.count() == 2


class TestDroppedWithoutAnswer:
    @pytest.mark.parametrize(
        ("headers", "envelope", "reason"),
        [
            ({"Auto-Submitted": "auto-replied"}, None, "an automatic message (Auto-Submitted)"),
            ({"Precedence": "bulk"}, None, "an automatic message (Precedence)"),
            ({"X-Autoreply": "yes"}, None, "an automatic reply"),
            ({}, "", "a bounce (empty envelope sender)"),
        ],
        ids=["out of office", "bulk", "auto-reply header", "bounce"],
    )
    def test_automatic_mail_and_bounces(  # noqa: PLR0917 - parametrized cells
        self,
        gate: Gate,
        reply_to: str,
        colleague: User,
        headers: dict[str, str],
        envelope: str | None,
        reason: str,
    ) -> None:
        gate.send(
            message(sender=colleague.email, to=reply_to, body="Je suis absente.", headers=headers),
            envelope_from=envelope,
        )
        gate.drain()
        assert _states() == [("dropped", reason)]
        assert not Comment.objects.exists()
        assert gate.outbox == []

    def test_a_loop_from_essaims_own_address(self, gate: Gate, reply_to: str) -> None:
        gate.send(message(sender="essaim@localhost", to=reply_to, body="Bonjour"), envelope_from="bounces@localhost")
        gate.drain()
        assert _states() == [("dropped", "a mail loop")]
        assert gate.outbox == []

    def test_a_sender_who_is_not_the_addresss_owner(self, gate: Gate, reply_to: str, employee: User) -> None:
        gate.send(message(sender="intrus@example.org", to=reply_to, body="Je me fais passer pour Éloïse"))
        gate.send(message(sender=employee.email, to=reply_to, body="Moi aussi"))
        gate.drain()
        assert _states() == [("dropped", "the sender is not the address's owner")] * 2
        assert not Comment.objects.exists()
        assert gate.outbox == [], "no answer to an address that may not have written"

    def test_a_closed_account(self, gate: Gate, reply_to: str, colleague: User) -> None:
        User.objects.filter(pk=colleague.pk).update(is_active=False)
        gate.send(message(sender=colleague.email, to=reply_to, body="Bonjour"))
        gate.drain()
        assert _states() == [("dropped", "closed or unknown account")]


class TestRefusedPolitely:
    def test_an_expired_reply_address_is_answered_in_the_owners_language(
        self,
        gate: Gate,
        post: Post,
        colleague: User,
        mail_domain: str,
    ) -> None:
        User.objects.filter(pk=colleague.pk).update(language="fr")
        old = addresses.reply_address(
            user_id=colleague.pk, post_id=post.pk, today=timezone.localdate() - timedelta(days=31)
        )
        gate.send(message(sender=colleague.email, to=old, body="Trop tard ?", subject="Re: la note"))
        gate.drain()
        assert _states() == [("refused", "expired reply address")]
        [notice] = gate.outbox
        assert notice.to == [colleague.email]
        assert notice.subject == "Votre e-mail n’a pas été publié"
        assert notice.extra_headers["Auto-Submitted"] == "auto-replied"
        assert notice.extra_headers["In-Reply-To"] == "<m1@client.example.com>"
        assert "«\u00a0Re: la note\u00a0»" in str(notice.body)
        assert f"/posts/{post.pk}/" in str(notice.body)

    def test_a_space_one_left_is_refused_and_said_so(self, gate: Gate, space: Space, colleague: User) -> None:
        space.visibility = Space.Visibility.PRIVATE
        space.save()
        address = addresses.post_address(user_id=colleague.pk, space_id=space.pk)
        Membership.objects.filter(space=space, user=colleague).delete()
        gate.send(message(sender=colleague.email, to=address, body="Je poste quand même", subject="Hello"))
        gate.drain()
        assert _states() == [("refused", "may not post in the space")]
        assert not Post.objects.filter(space=space).exists()
        assert "You may not write there any more" in str(gate.outbox[0].body)

    def test_nothing_written_above_the_quote(self, gate: Gate, reply_to: str, colleague: User) -> None:
        gate.send(
            message(sender=colleague.email, to=reply_to, body="\n\nOn Mon, Dec 7, 2026, Essaim wrote:\n> Qui relit ?\n")
        )
        gate.drain()
        assert _states() == [("refused", "nothing written")]
        assert "We found nothing written above the quoted message" in str(gate.outbox[0].body)

    def test_a_file_the_upload_checks_refuse(self, settings: Any, gate: Gate, space: Space, colleague: User) -> None:
        settings.UPLOAD_MAX_BYTES = 100
        mail = message(
            sender=colleague.email, to=addresses.post_address(user_id=colleague.pk, space_id=space.pk), body="Le plan"
        )
        mail.add_attachment(b"x" * 500, maintype="application", subtype="pdf", filename="plan.pdf")
        gate.send(mail)
        gate.drain()
        assert _states() == [("refused", "refused by the checks")]
        assert not Post.objects.exists()
        assert "It could not be posted:" in str(gate.outbox[0].body)

    def test_a_reply_with_a_file_the_checks_refuse_posts_nothing_and_says_why(
        self, settings: Any, gate: Gate, reply_to: str, colleague: User, post: Post
    ) -> None:
        settings.UPLOAD_MAX_BYTES = 1000
        mail = message(sender=colleague.email, to=reply_to, body="Voici mes notes et le plan")
        mail.add_attachment(b"ok", maintype="text", subtype="plain", filename="notes.txt")
        mail.add_attachment(b"%PDF-1.4 " + b"x" * 5000, maintype="application", subtype="pdf", filename="plan.pdf")
        gate.send(mail)
        gate.drain()
        assert _states() == [("refused", "refused by the checks")]
        assert not Comment.objects.exists(), "not even the text"
        assert not Attachment.objects.exists()
        [notice] = gate.outbox
        assert notice.subject == "Your e-mail was not posted"
        assert "It could not be posted:" in str(notice.body)
        assert "plan.pdf" in str(notice.body), "the notice names the file refused"

    def test_a_reply_with_only_files_is_refused_as_empty(self, gate: Gate, reply_to: str, colleague: User) -> None:
        """A comment needs text, as a post does: files alone make no comment."""
        mail = message(sender=colleague.email, to=reply_to, body="")
        mail.add_attachment(b"%PDF-1.4 plan", maintype="application", subtype="pdf", filename="plan.pdf")
        gate.send(mail)
        gate.drain()
        assert _states() == [("refused", "nothing written")]
        assert not Attachment.objects.exists()
        assert "We found nothing written above the quoted message" in str(gate.outbox[0].body)


class TestNothingAcceptedIsLost:
    def test_what_was_accepted_waits_in_the_database_and_is_handled_once(
        self, gate: Gate, reply_to: str, post: Post, colleague: User
    ) -> None:
        gate.send(message(sender=colleague.email, to=reply_to, body="Reçu ?"))
        mail = InboundMail.objects.get()
        assert bytes(mail.raw).startswith(b"From: ") or b"Re\xc3\xa7u" in bytes(mail.raw) or len(bytes(mail.raw)) > 0
        assert OutboxItem.objects.filter(consumer="mailgate.inbound").count() == 1, (
            "owed, whatever happens to the gateway"
        )
        gate.drain()
        services.mail_handle(mail_id=mail.pk)  # a worker that died before it could say it was done
        assert Comment.objects.filter(post=post).count() == 1


def test_the_command_needs_a_mail_domain(settings: Any) -> None:
    from django.core.management import CommandError, call_command

    settings.MAIL_IN_DOMAIN = ""
    with pytest.raises(CommandError, match="ESSAIM_MAIL_IN_DOMAIN"):
        call_command("mailgate")


def test_unused_message_helper_builds_a_valid_message() -> None:
    assert isinstance(message(sender="a@b.c", to="d@e.f", body="x"), EmailMessage)


def test_accepting_a_message_emits_one_event_per_recipient(capture_events: list[Any], mail_domain: str) -> None:
    from essaim.events.types import MailReceived

    first = addresses.post_address(user_id=1, space_id=2)
    second = addresses.post_address(user_id=3, space_id=4)
    assert services.mail_accept("lea@example.com", [first, second], b"Subject: x\r\n\r\nHello\r\n") == services.ACCEPTED
    kept = list(InboundMail.objects.order_by("pk").values_list("pk", flat=True))
    assert capture_events == [MailReceived(actor_id=None, mail_id=pk) for pk in kept]
