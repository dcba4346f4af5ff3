"""The e-mails themselves: a batch of notifications or a digest, as plain text and HTML, in the person's language
and time zone, under the network's name, logo and colour, with a one-click unsubscribe (RFC 8058) from exactly
the setting that sent it and a link to the settings page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from essaim.accounts.models import User
from essaim.emails import tokens
from essaim.mailgate.addresses import reply_address
from essaim.network import site
from essaim.network.selectors import network_settings
from essaim.notifications.models import Notification
from essaim.notifications.quiet_hours import zone
from essaim.spaces.models import Space
from essaim.stream.models import Post

EXCERPT_WORDS = 40


@dataclass
class Digest:
    """What a digest tells one person about ``period_label`` (each list may be empty)."""

    discussed: list[Post] = field(default_factory=list)
    announcements: list[Post] = field(default_factory=list)
    unanswered: list[Post] = field(default_factory=list)
    new_members: list[tuple[Space, list[User]]] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not (self.discussed or self.announcements or self.unanswered or self.new_members)

    def sections(self) -> list[tuple[str, list[Post], bool]]:
        """The sections with posts, in the e-mail's order: (title, posts, whether to count comments)."""
        found = [
            (gettext("Announcements"), self.announcements, False),
            (gettext("Most discussed"), self.discussed, True),
            (gettext("Waiting for an answer"), self.unanswered, False),
        ]
        return [section for section in found if section[1]]


def _branding() -> dict[str, Any]:
    network = network_settings()
    logo = site.absolute_url(network.logo.url) if network.logo else ""
    return {"network_name": network.name, "accent": network.accent_color, "logo_url": logo, "site_url": site.site_url()}


def _message(
    person: User,
    *,
    subject: str,
    template: str,
    context: dict[str, Any],
    unsubscribe: str,
    bulk: bool = False,
    reply_to: str = "",
) -> EmailMultiAlternatives:
    """One e-mail to ``person`` from ``template`` (``.txt`` and ``.html``), unsubscribing from ``unsubscribe``."""
    unsubscribe_url = site.absolute_url(
        reverse("emails:unsubscribe", kwargs={"token": tokens.make(person.pk, unsubscribe)})
    )
    context = {
        **_branding(),
        **context,
        "person": person,
        "subject": subject,
        "unsubscribe_url": unsubscribe_url,
        "unsubscribe": unsubscribe,
        "settings_url": site.absolute_url(reverse("notifications:settings")),
    }
    text = render_to_string(f"emails/{template}.txt", context)
    html = render_to_string(f"emails/{template}.html", context)
    headers = {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",  # RFC 3834: no out-of-office reply to this
        "X-Auto-Response-Suppress": "All",
    }
    if bulk:
        headers["Precedence"] = "bulk"
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=site.sender(),
        to=[person.email],
        headers=headers,
        reply_to=[reply_to] if reply_to else None,
    )
    message.attach_alternative(html, "text/html")
    return message


def _in_their_language(person: User) -> translation.override:
    return translation.override(person.language or settings.LANGUAGE_CODE)


def notifications_email(person: User, notifications: Sequence[Notification]) -> EmailMultiAlternatives:
    """One e-mail telling ``person`` of ``notifications`` (newest first): one, or a batch of a few minutes'.
    Its unsubscribe link turns off e-mails of their kind, or all notification e-mails if they mixed kinds."""
    kinds = {n.kind for n in notifications}
    unsubscribe = tokens.for_kind(next(iter(kinds))) if len(kinds) == 1 else tokens.ALL
    with _in_their_language(person), timezone.override(zone(person.timezone)):
        items = [
            {
                "notification": n,
                "url": site.absolute_url(reverse("notifications:open", kwargs={"notification_id": n.pk})),
                "excerpt": (n.comment.excerpt if n.comment else n.post.excerpt if n.post else ""),
            }
            for n in notifications
        ]
        if len(items) == 1:
            subject = render_to_string("emails/includes/sentence.txt", {"n": notifications[0]}).strip()
        else:
            subject = ngettext(
                "%(count)d new notification on %(network)s", "%(count)d new notifications on %(network)s", len(items)
            ) % {"count": len(items), "network": network_settings().name}
        reply_to = _reply_address(person, notifications)
        return _message(
            person,
            subject=" ".join(subject.split()),
            template="notifications",
            context={"items": items, "all_url": site.absolute_url(reverse("notifications:list")), "reply_to": reply_to},
            unsubscribe=unsubscribe,
            reply_to=reply_to,
        )


def _reply_address(person: User, notifications: Sequence[Notification]) -> str:
    """Where a reply to this e-mail goes (``mailgate``): when it is about one post, a comment on it (in the
    thread of the newest comment it tells of); else nowhere (``""``)."""
    posts = {n.post_id for n in notifications}
    if len(posts) != 1 or None in posts:
        return ""
    newest = notifications[0]
    assert newest.post_id is not None
    return reply_address(user_id=person.pk, post_id=newest.post_id, parent_id=newest.comment_id)


def digest_email(person: User, digest: Digest, *, weekly: bool) -> EmailMultiAlternatives:
    """``person``'s daily or weekly digest."""
    with _in_their_language(person), timezone.override(zone(person.timezone)):
        network = network_settings().name
        subject = (
            translation.gettext("Your week on %(network)s")
            if weekly
            else translation.gettext("Your day on %(network)s")
        ) % {"network": network}
        return _message(
            person,
            subject=subject,
            template="digest",
            context={
                "digest": digest,
                "sections": digest.sections(),
                "weekly": weekly,
                "read_and_answer": translation.gettext("Read and answer"),
            },
            unsubscribe=tokens.DIGEST,
            bulk=True,
        )
