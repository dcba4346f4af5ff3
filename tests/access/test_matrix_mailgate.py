"""Reply and post by e-mail never let anyone write where the site would not, generated from the policy's world.

The world is ``test_visible_among``'s: a post of every kind in every kind of space (archived and
sub-spaces included; hidden or not) and people of every kind. Each person replies by e-mail to every
post (with their own reply address, from their own address) and posts by e-mail into every space:
a comment appears exactly where ``access`` lets them comment, a post exactly where it lets them post,
and everywhere else the message is refused (their account open) or dropped (closed). A reply address
used by someone else, from their own address, writes nothing.
"""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

import pytest
from django.core import mail

from essaim import access
from essaim.access import Action
from essaim.accounts.models import User
from essaim.mailgate import addresses, services
from essaim.mailgate.models import InboundMail
from essaim.spaces.models import Space
from essaim.stream.models import Comment, Post
from tests.access import test_visible_among
from tests.access.test_visible_among import World

world = test_visible_among.world  # the fixture, shared


@pytest.fixture
def people(world: World, settings: Any) -> list[User]:
    settings.MAIL_IN_DOMAIN = "rse.example.com"
    settings.MAIL_IN_PER_HOUR = 100_000
    return list(User.objects.order_by("pk"))


def _deliver(sender: User, recipient: str, text: str) -> InboundMail:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender.email, recipient, "test"
    message.set_content(text)
    assert services.mail_accept(sender.email, [recipient], message.as_bytes()) == services.ACCEPTED
    kept = InboundMail.objects.latest("pk")
    services.mail_handle(mail_id=kept.pk)
    kept.refresh_from_db()
    return kept


def test_a_reply_by_email_comments_exactly_where_the_site_lets_its_sender(world: World, people: list[User]) -> None:
    kinds: dict[tuple[Any, ...], Post] = {}  # one post of each kind: in a space, one author stands for all
    for post in Post.objects.select_related("space", "author").order_by("pk"):
        author = post.author_id if post.space_id is None else None  # outside spaces, who wrote it decides
        kinds.setdefault((post.visibility, post.space_id, post.hidden_at is None, author), post)
    posts = list(kinds.values())
    for person in people:
        for post in posts:
            text = f"réponse {person.pk} {post.pk}"
            kept = _deliver(person, addresses.reply_address(user_id=person.pk, post_id=post.pk), text)
            allowed = person.is_active and post.hidden_at is None and access.can(person, Action.COMMENT, post)
            assert Comment.objects.filter(body=text, author=person, post=post).exists() == allowed, (person, post.body)
            expected = "posted" if allowed else ("dropped" if not person.is_active else "refused")
            assert kept.state == expected, (person.handle, post.body, kept.reason)


def test_a_post_by_email_appears_exactly_where_the_site_lets_its_sender_post(world: World, people: list[User]) -> None:
    for person in people:
        for space in Space.objects.all():
            text = f"publication {person.pk} {space.pk}"
            kept = _deliver(person, addresses.post_address(user_id=person.pk, space_id=space.pk), text)
            allowed = person.is_active and access.can(person, Action.CREATE_POST, Post(author=person, space=space))
            written = Post.objects.filter(body__endswith=text, author=person, space=space).exists()
            assert written == allowed, (person, space)
            assert kept.state == ("posted" if allowed else "dropped" if not person.is_active else "refused")


def test_someone_elses_address_writes_nothing(world: World, people: list[User]) -> None:
    owner, other = [p for p in people if p.is_active][:2]
    post = Post.objects.filter(hidden_at=None, space=None).first()
    assert post is not None
    mail.outbox = []
    kept = _deliver(other, addresses.reply_address(user_id=owner.pk, post_id=post.pk), "usurpation")
    assert (kept.state, kept.reason) == ("dropped", "the sender is not the address's owner")
    assert not Comment.objects.filter(body="usurpation").exists()
    assert mail.outbox == []
