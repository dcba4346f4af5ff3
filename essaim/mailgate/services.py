"""Mail in: keeping what the gateway accepted, then turning it into a comment or a post as its sender.

``mail_accept`` (the gateway, before it answers "250") keeps the message and records its event in one
transaction. ``mail_handle`` (the outbox's consumer, ``consumers``) decides, once per message:

- **dropped**, with a logged reason and no answer (answering would write to an address that did not
  write, or start a loop): automatic messages (RFC 3834 ``Auto-Submitted``, ``Precedence: bulk``,
  auto-reply headers), bounces (an empty envelope sender, delivery reports), loops (Essaim's own
  mail, too many ``Received`` lines), a ``From`` that is not the address's owner, a closed account;
- **refused**, the owner told why in their language (``notices``): an expired reply address, a
  post gone or hidden, a space or post they may no longer write in (``access``, through the same
  services as the site), nothing written, a file the upload checks refuse (then nothing is posted,
  not even the text);
- **posted**: the new text (quoted message and signature removed, ``cleaning``) as a comment in the
  thread the reply address names, or, to a space's address, as a post there (its subject in bold
  first); either way with its files, attached through the same checks as the site's forms.

Running it twice does nothing more: the message's row is locked and says it was handled.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from essaim.accounts.models import User
from essaim.core import counters
from essaim.events import emit
from essaim.events.types import MailReceived
from essaim.mailgate import addresses, cleaning, notices
from essaim.mailgate.models import InboundMail
from essaim.spaces.models import Space
from essaim.stream import selectors as stream_selectors
from essaim.stream import services as stream_services
from essaim.stream.models import Comment

logger = logging.getLogger(__name__)

TOO_MANY = "451 4.7.1 Too many messages from this sender: try again later"
ACCEPTED = "250 2.0.0 Accepted"
MAX_RECEIVED = 25  # more "Received:" lines than this: a loop between mail servers
State = InboundMail.State


def per_hour() -> int:
    return int(getattr(settings, "MAIL_IN_PER_HOUR", 30))


def mail_accept(envelope_from: str, recipients: list[str], raw: bytes) -> str:
    """Keep the message for each recipient with its event, or defer a sender over ``MAIL_IN_PER_HOUR``
    messages an hour; returns the SMTP reply to the DATA command."""
    sender = (envelope_from or "").strip("<>").lower()  # "<>": a bounce
    if sender and counters.hit(f"mailgate:{sender}", window=3600) > per_hour():
        logger.warning("Mail gateway: %s sent more than %d messages this hour; deferred", sender, per_hour())
        return TOO_MANY
    headers = message_from_bytes(raw, policy=policy.default)
    with transaction.atomic():
        kept = [
            InboundMail.objects.create(
                envelope_from=sender[:320],
                recipient=recipient[:320],
                message_id=str(headers.get("Message-ID", "") or "")[:998],
                subject=str(headers.get("Subject", "") or "")[:998],
                raw=raw,
            )
            for recipient in recipients
        ]
        emit(*(MailReceived(actor_id=None, mail_id=mail.pk) for mail in kept))
    return ACCEPTED


@dataclass
class Outcome:
    state: str
    reason: str
    notice: str = ""  # what the owner is told (``notices``), if anything
    details: list[str] = field(default_factory=list)
    post_id: int | None = None
    comment_id: int | None = None


def mail_handle(*, mail_id: int) -> None:
    """Turn the kept message ``mail_id`` into a comment or a post, or drop or refuse it (see the module)."""
    with transaction.atomic():
        mail = InboundMail.objects.select_for_update().filter(pk=mail_id, state=State.RECEIVED).first()
        if mail is None:
            return  # handled already
        message = message_from_bytes(bytes(mail.raw), policy=policy.default)
        assert isinstance(message, EmailMessage)
        person, outcome = _decide(mail, message)
        InboundMail.objects.filter(pk=mail.pk).update(
            state=outcome.state,
            reason=outcome.reason[:200],
            handled_at=timezone.now(),
            post_id=outcome.post_id,
            comment_id=outcome.comment_id,
            raw=b"",  # handled: the message itself is not kept
        )
    level = logging.INFO if outcome.state == State.POSTED else logging.WARNING
    logger.log(
        level, "Mail gateway: message %s from %s %s: %s", mail.pk, mail.envelope_from, outcome.state, outcome.reason
    )
    if outcome.notice and person is not None:
        notices.send(
            person,
            outcome.notice,
            subject=mail.subject,
            details=outcome.details,
            post_id=outcome.post_id,
            in_reply_to=mail.message_id,
        )


def _decide(mail: InboundMail, message: EmailMessage) -> tuple[User | None, Outcome]:
    automatic = _automatic(mail, message)
    if automatic:
        return None, Outcome(State.DROPPED, automatic)
    try:
        target = addresses.read(mail.recipient)
    except addresses.AddressError as error:
        return None, Outcome(State.DROPPED, f"address {error.code}")
    person = User.objects.filter(pk=target.user_id, is_active=True).first()
    if person is None:
        return None, Outcome(State.DROPPED, "closed or unknown account")
    sender = parseaddr(str(message.get("From", "")))[1].lower()
    if sender != person.email.lower():
        return None, Outcome(State.DROPPED, "the sender is not the address's owner")
    if addresses.expired(target):
        return person, Outcome(State.REFUSED, "expired reply address", notice="expired", post_id=target.post_id)
    text = cleaning.new_text(cleaning.body_text(message))
    files = cleaning.attachments(message)
    if target.kind == addresses.REPLY:
        return person, _comment(person, target, text, files)
    return person, _post(person, target, text, str(message.get("Subject", "") or ""), files)


def _automatic(mail: InboundMail, message: EmailMessage) -> str:
    """Why ``message`` must get no answer from a person (an empty string when it is a person's)."""
    if not mail.envelope_from:
        return "a bounce (empty envelope sender)"
    if str(message.get("Auto-Submitted", "no")).strip().lower() != "no":
        return "an automatic message (Auto-Submitted)"
    if str(message.get("Precedence", "")).strip().lower() in {"bulk", "junk", "list", "auto_reply"}:
        return "an automatic message (Precedence)"
    if any(message.get(name) for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress-Reply")):
        return "an automatic reply"
    if message.get_content_type() == "multipart/report":
        return "a delivery report"
    own = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower()
    if (
        parseaddr(str(message.get("From", "")))[1].lower() == own
        or len(message.get_all("Received") or []) > MAX_RECEIVED
    ):
        return "a mail loop"
    return ""


def _comment(person: User, target: addresses.Target, text: str, files: list[cleaning.Attached]) -> Outcome:
    """A reply: a comment with the message's files, or nothing at all (a comment, like a post, needs text)."""
    post = stream_selectors.post_unchecked(post_id=target.post_id or 0)
    if post is None or post.hidden_at is not None:
        return Outcome(State.REFUSED, "the post is gone", notice="gone")
    if not text:
        return Outcome(State.REFUSED, "nothing written", notice="empty", post_id=post.pk)
    parent = Comment.objects.filter(pk=target.parent_id, post_id=post.pk).first() if target.parent_id else None
    try:
        comment = stream_services.comment_create(
            actor=person, post=post, body=text, parent=parent, attachments=_uploads(files)
        )
    except (PermissionDenied, Http404):
        return Outcome(State.REFUSED, "may not comment", notice="not_allowed", post_id=post.pk)
    except ValidationError as invalid:
        return Outcome(State.REFUSED, "refused by the checks", notice="invalid", details=_messages(invalid))
    return Outcome(State.POSTED, "comment", post_id=post.pk, comment_id=comment.pk)


def _uploads(files: list[cleaning.Attached]) -> list[SimpleUploadedFile]:
    """The message's files as the site's forms hand them to the services."""
    return [SimpleUploadedFile(f.filename, f.content, content_type=f.content_type) for f in files]


def _post(person: User, target: addresses.Target, text: str, subject: str, files: list[cleaning.Attached]) -> Outcome:
    space = Space.objects.filter(pk=target.space_id or 0).first()
    if space is None:
        return Outcome(State.REFUSED, "the space is gone", notice="gone")
    subject = " ".join(subject.split())
    body = f"**{subject}**\n\n{text}".strip() if subject else text
    if not body and not files:
        return Outcome(State.REFUSED, "nothing written", notice="empty")
    try:
        post = stream_services.post_create(actor=person, body=body, space=space, attachments=_uploads(files))
    except (PermissionDenied, Http404):
        return Outcome(State.REFUSED, "may not post in the space", notice="not_allowed")
    except ValidationError as invalid:
        return Outcome(State.REFUSED, "refused by the checks", notice="invalid", details=_messages(invalid))
    return Outcome(State.POSTED, "post", post_id=post.pk)


def _messages(error: ValidationError) -> list[str]:
    found: Any = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    return [str(message) for messages in found.values() for message in messages]
