"""What a legal hold covers, and what it keeps when people delete or change what it covers.

A hold on a person covers everything they write (posts and comments, in any space or outside); a hold on a
space covers everything written in it. Covered content is:

- never deleted by retention (``retention.py`` asks ``posts_not_held``);
- kept before it goes when a person (its author, a moderator) deletes it: the post or comment disappears
  for everyone exactly as without a hold (its events, search, timelines and live pages), and a copy — its
  text, earlier versions, reactions, comments and files — is written to ``PreservedContent`` for the
  compliance export;
- kept with its full edit history: a post's earlier versions are always kept (``stream.PostRevision``), a
  comment's earlier text is kept here when it is edited under a hold.

The stream's services call ``preserve_post``, ``preserve_comment`` and ``preserve_comment_version`` inside
their own transaction (one query each when nothing is held, the common case); a hold cannot be placed
between the check and the deletion because both take the write lock (SQLite) or are in one transaction.
A space under hold cannot be deleted, a person under hold cannot be erased (``spaces``, ``privacy``).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from essaim.compliance.models import LegalHold, PreservedContent
from essaim.stream.models import Attachment, Comment, Post, PostRevision, Reaction, attachment_storage

FILES_UNDER = "compliance/preserved"


def _active() -> QuerySet[LegalHold]:
    return LegalHold.objects.filter(released_at__isnull=True)


def held_user_ids() -> set[int]:
    return set(_active().filter(user__isnull=False).values_list("user_id", flat=True))


def held_space_ids() -> set[int]:
    return set(_active().filter(space__isnull=False).values_list("space_id", flat=True))


def person_is_held(user_id: int) -> bool:
    return _active().filter(user_id=user_id).exists()


def space_is_held(space_id: int) -> bool:
    return _active().filter(space_id=space_id).exists()


def wrote_in_held_spaces(user_id: int) -> bool:
    """Whether the person wrote a post or a comment in a space under hold (erasing them would delete it)."""
    spaces = held_space_ids()
    if not spaces:
        return False
    return (
        Post.objects.filter(author_id=user_id, space_id__in=spaces).exists()
        or Comment.objects.filter(author_id=user_id, post__space_id__in=spaces).exists()
    )


def posts_not_held(posts: QuerySet[Post]) -> QuerySet[Post]:
    """``posts`` without those a hold covers: by a held person, in a held space, or carrying a comment by a
    held person (which would go with the post)."""
    users, spaces = held_user_ids(), held_space_ids()
    if not users and not spaces:
        return posts
    held_comment = Comment.objects.filter(post_id=OuterRef("pk"), author_id__in=users)
    return posts.exclude(author_id__in=users).exclude(space_id__in=spaces).exclude(Exists(held_comment))


def _post_is_covered(post: Post) -> bool:
    people = Q(user_id=post.author_id) | Q(user_id__in=Comment.objects.filter(post_id=post.pk).values("author_id"))
    return _active().filter(people | (Q(space_id=post.space_id) if post.space_id else Q(pk__in=[]))).exists()


def _comment_is_covered(comment: Comment, space_id: int | None) -> bool:
    who = Q(user_id=comment.author_id) | Q(user_id__in=Comment.objects.filter(parent_id=comment.pk).values("author_id"))
    return _active().filter(who | (Q(space_id=space_id) if space_id else Q(pk__in=[]))).exists()


def _date(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _keep_files(attachments: Iterable[Attachment], into: str) -> list[dict[str, Any]]:
    """Copy each file into the hold's own folder (the attachment's goes with its post once this commits)."""
    storage = attachment_storage()
    kept = []
    for attachment in attachments:
        name = f"{into}/{attachment.pk}-{Path(attachment.original_name).name or 'file'}"
        try:
            with attachment.file.open("rb") as source:
                name = storage.save(name, source)
        except OSError:  # already gone from the disk: the row says so
            name = ""
        kept.append(
            {
                "id": attachment.pk,
                "name": attachment.original_name,
                "type": attachment.content_type,
                "size": attachment.size,
                "description": attachment.alt_text,
                "stored": name,
                "comment": attachment.comment_id,
            }
        )
    return kept


def _comment_row(comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.pk,
        "author_id": comment.author_id,
        "author": comment.author.handle,
        "reply_to": comment.parent_id,
        "created_at": _date(comment.created_at),
        "edited_at": _date(comment.edited_at),
        "body": comment.body,
    }


def preserve_post(post: Post, *, by_id: int | None) -> PreservedContent | None:
    """Keep ``post`` (with its earlier versions, comments, reactions and files) if a hold covers it, before it
    is deleted; ``None`` when no hold does."""
    if not _post_is_covered(post):
        return None
    kept = PreservedContent.objects.create(
        kind=PreservedContent.Kind.POST,
        why=PreservedContent.Why.DELETED,
        original_id=post.pk,
        post_id=post.pk,
        author_id=post.author_id,
        author_handle=post.author.handle,
        space_id=post.space_id,
        written_at=post.created_at,
        by_id=by_id,
        preserved_at=timezone.now(),
        body=post.body,
    )
    revisions = PostRevision.objects.filter(post_id=post.pk).order_by("created_at", "pk")
    comments = Comment.objects.filter(post_id=post.pk).select_related("author").order_by("id")
    reactions = Reaction.objects.filter(post_id=post.pk).order_by("created_at").values_list("user__handle", "emoji")
    kept.data = {
        "kind": post.kind,
        "visibility": post.visibility,
        "edited_at": _date(post.edited_at),
        "earlier_versions": [{"body": r.body, "written_at": _date(r.created_at)} for r in revisions],
        "comments": [_comment_row(c) for c in comments],
        "reactions": [{"by": handle, "reaction": emoji} for handle, emoji in reactions],
        "files": _keep_files(post.attachments.order_by("pk"), f"{FILES_UNDER}/{kept.pk}"),
    }
    kept.save(update_fields=["data"])
    return kept


def preserve_comment(comment: Comment, *, by_id: int | None) -> list[PreservedContent]:
    """Keep ``comment`` and its replies (which go with it) if a hold covers them, before they are deleted."""
    space_id = comment.post.space_id
    if not _comment_is_covered(comment, space_id):
        return []
    rows = []
    thread = Comment.objects.filter(Q(pk=comment.pk) | Q(parent_id=comment.pk)).select_related("author").order_by("id")
    for each in thread:
        kept = PreservedContent.objects.create(
            kind=PreservedContent.Kind.COMMENT,
            why=PreservedContent.Why.DELETED,
            original_id=each.pk,
            post_id=each.post_id,
            author_id=each.author_id,
            author_handle=each.author.handle,
            space_id=space_id,
            written_at=each.created_at,
            by_id=by_id,
            preserved_at=timezone.now(),
            body=each.body,
        )
        kept.data = {
            "reply_to": each.parent_id,
            "edited_at": _date(each.edited_at),
            "files": _keep_files(each.attachments.order_by("pk"), f"{FILES_UNDER}/{kept.pk}"),
        }
        kept.save(update_fields=["data"])
        rows.append(kept)
    return rows


def preserve_comment_version(comment: Comment, *, by_id: int | None) -> PreservedContent | None:
    """Keep a comment's text before it is replaced, if a hold covers the comment (posts keep theirs always)."""
    space_id = comment.post.space_id
    if (
        not _active()
        .filter(Q(user_id=comment.author_id) | (Q(space_id=space_id) if space_id else Q(pk__in=[])))
        .exists()
    ):
        return None
    return PreservedContent.objects.create(
        kind=PreservedContent.Kind.COMMENT_VERSION,
        why=PreservedContent.Why.EDITED,
        original_id=comment.pk,
        post_id=comment.post_id,
        author_id=comment.author_id,
        author_handle=comment.author.handle,
        space_id=space_id,
        written_at=comment.edited_at or comment.created_at,
        by_id=by_id,
        preserved_at=timezone.now(),
        body=comment.body,
        data={"reply_to": comment.parent_id},
    )
