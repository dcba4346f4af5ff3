"""Polite answers to a person whose e-mail was not posted: in their language, to their account's
own address (never to a ``From`` that may be forged), marked ``Auto-Submitted: auto-replied`` (RFC 3834) so
that no automatic reply answers them back."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from essaim.accounts.models import User
from essaim.network import site

CODES = {"expired", "gone", "empty", "not_allowed", "invalid"}


def send(
    person: User, code: str, *, subject: str, details: list[str], post_id: int | None, in_reply_to: str = ""
) -> None:
    """Tell ``person`` what became of their e-mail ``subject`` (``code``: one of ``CODES``)."""
    assert code in CODES, code
    post_url = site.absolute_url(reverse("stream:post-detail", kwargs={"post_id": post_id})) if post_id else ""
    with translation.override(person.language or settings.LANGUAGE_CODE):
        context = {
            **site.mail_context(),
            "person": person,
            "code": code,
            "subject": subject,
            "details": details,
            "post_url": post_url,
        }
        title = translation.gettext("Your e-mail was not posted")
        body = render_to_string("mailgate/notice.txt", context)
    headers = {"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"}
    if in_reply_to:
        headers |= {"In-Reply-To": in_reply_to, "References": in_reply_to}
    EmailMessage(subject=title, body=body, from_email=site.sender(), to=[person.email], headers=headers).send()
