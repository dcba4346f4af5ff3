"""Posts that wait for a moderator (``Space.post_approval``): the queue, approving and rejecting.

A post written where its author's posts wait (``Action.PUBLISH_DIRECTLY`` refused) is saved hidden and
``awaiting_approval`` (``stream.services.post_create``): its author sees it marked "waiting for approval",
the space's moderators see it in their queue, everyone else sees nothing — no card, no notification, no
timeline entry, no live event, since its ``PostCreated`` waits too. Approving shows it and says it then, as
if it had just been published; rejecting deletes it and tells its author why (a warning they read).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from essaim import access
from essaim.access import Action
from essaim.access.roles import Actor
from essaim.access.rules.stream import MODERATING_ROLES
from essaim.accounts.models import User
from essaim.audit.models import AuditAction
from essaim.audit.services import record
from essaim.moderation.models import ModerationWarning
from essaim.spaces.models import Membership
from essaim.stream import services as stream
from essaim.stream.models import Mention, Post
from essaim.watchrules.screening import held_post_ids

QUEUE_LIMIT = 100


def awaiting_for(*, actor: Actor) -> QuerySet[Post]:
    """The posts waiting in the spaces ``actor`` moderates, the oldest first (at most ``QUEUE_LIMIT``)."""
    moderated = Membership.objects.filter(user_id=actor.pk, role__in=MODERATING_ROLES).values("space_id")
    posts = Post.objects.filter(awaiting_approval=True, space_id__in=moderated, space__archived_at__isnull=True)
    posts = posts.exclude(pk__in=held_post_ids())  # a watch rule's hold: compliance decides first
    return posts.select_related("author__profile", "space").order_by("id")[:QUEUE_LIMIT]


def awaiting_get_for(*, actor: Actor, post_id: int) -> Post:
    """One waiting post the actor may decide (404 as a missing one for anyone else)."""
    waiting = Post.objects.select_related("space", "author").filter(pk=post_id, awaiting_approval=True)
    post = waiting.exclude(pk__in=held_post_ids()).first()
    if post is None or post.space is None or not access.can(actor, Action.MODERATE, post.space):
        raise Http404
    return post


def _label(post: Post) -> str:
    return _("Post #%(id)s by @%(handle)s") % {"id": post.pk, "handle": post.author.handle}


@transaction.atomic
def post_approve(*, actor: User, post: Post) -> Post:
    """Show the post to its readers and say it, as if it had just been published."""
    _require_waiting(actor, post)
    post.awaiting_approval, post.hidden_at = False, None
    post.save(update_fields=["awaiting_approval", "hidden_at"])
    record(AuditAction.POST_APPROVED, actor=actor, target=post, space_id=post.space_id, label=_label(post))
    mentioned = Mention.objects.filter(post=post, comment__isnull=True).exclude(user_id=post.author_id)
    documents = post.attachments.filter(is_image=False).exists() if post.attachment_count else False
    stream.post_published(
        post, mentioned_ids=tuple(mentioned.values_list("user_id", flat=True)), with_documents=documents
    )
    return post


@transaction.atomic
def post_reject(*, actor: User, post: Post, note: str) -> None:
    """Delete the post and tell its author why (``note``, required): a warning on their warnings page."""
    _require_waiting(actor, post)
    note = note.strip()
    if not note:
        raise ValidationError({"note": [_("Tell the author why their post is not published.")]})
    record(AuditAction.POST_REJECTED, actor=actor, target=post, space_id=post.space_id, label=_label(post))
    ModerationWarning.objects.create(user=post.author, message=note, created_by=actor)
    stream.post_delete(actor=actor, post=post)


def _require_waiting(actor: Actor, post: Post) -> None:
    if post.space is None:
        raise ValidationError(_("Only posts in a space wait for approval."))
    access.require(actor, Action.MODERATE, post.space)
    if not post.awaiting_approval:
        raise ValidationError(_("This post is not waiting for approval any more."))
