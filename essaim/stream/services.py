"""Writes of the activity stream. Each service checks permissions first, validates, writes
atomically and registers side effects (timeline delivery) on commit.

Every refusal is a ``django.core.exceptions.ValidationError`` with a translated message
(``Http404`` for what the actor may not see, ``PermissionDenied`` for what they may see but
not do, as ``access.require`` decides).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from essaim import access
from essaim.access import Action
from essaim.accounts.models import User
from essaim.audit.models import AuditAction
from essaim.audit.services import record
from essaim.charters import selectors as charters
from essaim.compliance import holds
from essaim.core.ids import id_floor
from essaim.core.markdown import extract_hashtags, extract_mentions, render_markdown
from essaim.core.ratelimits import take
from essaim.core.rows import fetch
from essaim.core.text import fold
from essaim.events import emit
from essaim.events.types import (
    AnnouncementPublished,
    CommentCreated,
    CommentEdited,
    LinkPreviewChanged,
    PostCreated,
    PostDeleted,
    PostEdited,
    PostHidden,
    ReactionAdded,
    ReactionRemoved,
)
from essaim.spaces.models import Space
from essaim.stream import announcements, kinds, link_previews, post_links, sources, timelines
from essaim.stream import attachments as attachment_files
from essaim.stream.models import (
    COMMENT_MAX_CHARS,
    POST_MAX_CHARS,
    SPOILER_MAX_CHARS,
    TAG_MAX_CHARS,
    Attachment,
    Bookmark,
    Comment,
    LinkPreview,
    Mention,
    Post,
    PostKind,
    PostRevision,
    PostTag,
    Reaction,
    SourceMute,
    Tag,
    TagFollow,
    Visibility,
    checked_emoji,
)
from essaim.watchrules import screening

MAX_ATTACHMENTS = 10
ANNOUNCEMENT_MAX_DAYS = 365


# --- text ---------------------------------------------------------------------------------


def _check_body(body: str, *, limit: int, field: str) -> str:
    body = body.strip()
    if not body:
        raise ValidationError({field: _("Write something first: an empty message cannot be published.")})
    if len(body) > limit:
        raise ValidationError(
            {
                field: ngettext(
                    "This is too long: %(count)d characters, the limit is %(limit)d character.",
                    "This is too long: %(count)d characters, the limit is %(limit)d characters.",
                    limit,
                )
                % {"count": len(body), "limit": limit}
            }
        )
    return body


def _check_spoiler(text: str) -> str:
    """A content warning, trimmed: a short line said instead of the text (``SPOILER_MAX_CHARS`` at most)."""
    text = " ".join(text.split())
    if len(text) > SPOILER_MAX_CHARS:
        raise ValidationError(
            {
                "spoiler_text": _("A content warning is a short line: %(limit)d characters at most, here %(count)d.")
                % {"limit": SPOILER_MAX_CHARS, "count": len(text)}
            }
        )
    return text


def _resolve_mentions(*, actor: User, body: str, field: str, space: Space | None = None) -> list[User]:
    """The people ``@mentioned`` in ``body``; an unknown or invisible handle is an error. The handle of ``space``
    (the post's), when nobody is called so, names the space (``space_mentions``): it is no error."""
    handles = extract_mentions(body)
    if not handles:
        return []
    people = {u.handle: u for u in access.visible_among(actor, post_links.people_named(handles))}
    unknown = [h for h in handles if h not in people and (space is None or h != space.slug)]
    if unknown:
        raise ValidationError(
            {
                field: ngettext(
                    "Nobody is called @%(handles)s here. Check the spelling or pick someone from the suggestions.",
                    "Nobody is called %(handles)s here. Check the spellings or pick people from the suggestions.",
                    len(unknown),
                )
                % {"handles": unknown[0] if len(unknown) == 1 else ", ".join(f"@{h}" for h in unknown)}
            }
        )
    return [people[h] for h in handles if h in people]


def render_body(body: str, *, mentioned: Sequence[User], space: Space | None = None) -> str:
    """Markdown → safe HTML, with known ``@handles`` as profile links, the handle of ``space`` (the post's, when
    nobody is called so) as a link to the space, and ``#tags`` as tag-feed links."""
    handles = {u.handle for u in mentioned}

    def mention_url(handle: str) -> str | None:
        if handle in handles:
            return reverse("people:profile", kwargs={"handle": handle})
        if space is not None and handle == space.slug:
            return reverse("spaces:space-detail", kwargs={"slug": space.slug})
        return None

    def tag_url(folded: str) -> str | None:
        return reverse("stream:tag", kwargs={"name": folded}) if folded else None

    return render_markdown(body, mention_url=mention_url, tag_url=tag_url)


def preview_body(*, actor: User, body: str) -> str:
    """The HTML ``body`` would be published as (same checks as ``post_create``), without saving."""
    body = _check_body(body, limit=POST_MAX_CHARS, field="body")
    return render_body(body, mentioned=_resolve_mentions(actor=actor, body=body, field="body"))


def _sync_post_links(post: Post, *, mentioned: Sequence[User], new: bool = False) -> None:
    """Record the post's mentions and tags; after an edit (not ``new``), drop those the text lost."""
    tags = post_links.tags_named(extract_hashtags(post.body))
    if not new:
        Mention.objects.filter(post=post, comment__isnull=True).exclude(user__in=mentioned).delete()
        PostTag.objects.filter(post=post).exclude(tag__in=tags).delete()
    post_links.add_mentions(post_id=post.pk, user_ids=[u.pk for u in mentioned])
    post_links.add_tags(post_id=post.pk, tag_ids=[t.pk for t in tags])


# --- files ----------------------------------------------------------------------------------


def _check_files(
    *, actor: User, attachments: Sequence[UploadedFile], media: Sequence[Attachment], on_comment: bool
) -> None:
    """``media`` must be the actor's pending uploads, and the files at most ``MAX_ATTACHMENTS`` (posts and
    comments alike)."""
    if any(
        item.post_id is not None or item.scheduled_post_id is not None or item.uploaded_by_id != actor.pk
        for item in media
    ):
        raise ValidationError({"media": _("These files are not your pending uploads.")})
    if len(attachments) + len(media) > MAX_ATTACHMENTS:
        message = (
            _("Attach at most %(count)d files to one comment.")
            if on_comment
            else _("Attach at most %(count)d files to one post.")
        )
        raise ValidationError({"attachments": message % {"count": MAX_ATTACHMENTS}})


def _prepare_files(
    actor: User, uploads: Sequence[UploadedFile], image_description: str, *, into: list[Attachment]
) -> None:
    """Each upload checked and stored (``attachments.prepare``), appended to ``into`` as it is stored, so
    that the caller's ``discard(into)`` removes what was stored before an upload was refused."""
    for upload in uploads:
        into.append(attachment_files.prepare(upload=upload, uploaded_by=actor, alt_text=image_description))


def _take_files(
    files: Sequence[Attachment],
    media: Sequence[Attachment],
    *,
    post: Post,
    comment: Comment | None = None,
    image_description: str = "",
) -> None:
    """In the write's transaction: the prepared ``files`` saved, and the pending uploads ``media`` taken, by
    ``post`` (or by ``comment``, one of its comments); a description given describes the taken images too."""
    for item in files:
        item.post, item.comment = post, comment
        item.save(force_insert=True)
    if media:
        taken = [item.pk for item in media]
        Attachment.objects.filter(pk__in=taken, post__isnull=True, scheduled_post__isnull=True).update(
            post=post, comment=comment
        )
        if image_description.strip():
            described = Attachment.objects.filter(pk__in=taken, post=post, is_image=True)
            described.update(alt_text=image_description.strip()[:500])


def _with_documents(files: Sequence[Attachment], media: Sequence[Attachment]) -> bool:
    """Whether a write brings files that are not images (the documents consumer reads their text)."""
    return any(not item.is_image for item in (*files, *media))


# --- posts --------------------------------------------------------------------------------


def _require_space_charter(actor: User, space_id: int | None) -> None:
    """Nobody writes in a space before accepting its usage charter (no query when the space has none)."""
    if space_id is not None and charters.space_pending_for(actor, space_id) is not None:
        raise PermissionDenied(_("Accept this space's usage charter before writing in it."))


def post_create(
    *,
    actor: User,
    body: str,
    visibility: str = Visibility.COMPANY,
    attachments: Sequence[UploadedFile] = (),
    image_description: str = "",
    media: Sequence[Attachment] = (),
    space: Space | None = None,
    kind: str = PostKind.POST,
    kind_data: Mapping[str, Any] | None = None,
    confirm_watch: bool = False,
    spoiler_text: str = "",
    sensitive: bool = False,
) -> Post:
    """Publish a post (optionally in ``space``, with files) and deliver it to home timelines (``_deliver``).

    ``kind`` says what it is (a question, a poll…): ``kind_data`` is that kind's own input, checked by the
    kind's app before the transaction and written with the post in it (``stream.kinds``).

    ``image_description`` is the alt text of the attached images, as the composer asks for it (given,
    it also describes the images among ``media``).
    ``media`` are the actor's earlier uploads (:func:`media_upload`) that this post takes: the API's
    media, or the files the composer kept from a refused try.
    ``confirm_watch``: the author saw the watch rules' warning and publishes anyway (``watchrules``); a text a
    "warn" rule matches is refused without it, one a "hold" rule matches waits for compliance.
    ``spoiler_text``: a content warning shown instead of the text, folded until opened; ``sensitive`` hides its
    images until clicked (either is Mastodon's).

    The checks, the mentions' lookup, the rendering and the files (images decoded and re-encoded)
    come before the transaction: on SQLite a write transaction holds the database's one write
    lock from its first statement, and posts written at once queue on it (bench/README.md). What
    is written is still all or nothing: a post that is not written leaves no file behind.
    """
    # The draft carries the space, so the stream rules decide who may post where.
    access.require(actor, Action.CREATE_POST, Post(author=actor, space=space))
    _require_space_charter(actor, space.pk if space is not None else None)
    body = _check_body(body, limit=POST_MAX_CHARS, field="body")
    spoiler_text = _check_spoiler(spoiler_text)
    if visibility not in Visibility.values:
        raise ValidationError({"visibility": _("Choose who can see this post.")})
    take("post", actor.pk)
    _check_files(actor=actor, attachments=attachments, media=media, on_comment=False)
    mentioned = _resolve_mentions(actor=actor, body=body, field="body", space=space)
    if visibility == Visibility.MENTIONED and not [u for u in mentioned if u.pk != actor.pk]:
        raise ValidationError(
            {"body": _("This post is for mentioned people only: mention at least one colleague with @handle.")}
        )
    prepared = kinds.prepare(actor=actor, kind=kind, data=kind_data) if kind != PostKind.POST else None
    verdict = screening.screen(text=body, confirmed=confirm_watch)
    post = Post(author=actor, body=body, visibility=visibility, space=space, kind=kind)
    post.spoiler_text, post.sensitive = spoiler_text, sensitive
    if verdict.holds or (space is not None and not access.can(actor, Action.PUBLISH_DIRECTLY, space)):
        # Waits for a moderator (``moderation.approval``) or for compliance (a watch rule's hold, reviewed in
        # ``watchrules``): hidden until then, and said to nobody.
        post.awaiting_approval, post.hidden_at = True, timezone.now()
    post.attachment_count = len(attachments) + len(media)
    post.body_html = render_body(body, mentioned=mentioned, space=space)
    # Not the author nor the space: the policy has just decided on both (cleaning them re-read
    # each with a query); nor the new id's uniqueness, which the primary key enforces.
    post.full_clean(exclude=["author", "space"], validate_unique=False)
    files: list[Attachment] = []
    try:
        _prepare_files(actor, attachments, image_description, into=files)
        with transaction.atomic():
            post.save(force_insert=True)
            _sync_post_links(post, mentioned=mentioned, new=True)
            _take_files(files, media, post=post, image_description=image_description)
            if kind != PostKind.POST:
                kinds.write(actor=actor, post=post, prepared=prepared)
            if verdict:
                screening.record(verdict, author_id=actor.pk, source="post", post_id=post.pk)
            if not post.awaiting_approval:
                post_published(
                    post,
                    mentioned_ids=tuple(u.pk for u in mentioned if u.pk != actor.pk),
                    with_documents=_with_documents(files, media),
                )
    except BaseException:
        attachment_files.discard(files)  # the files of a post that was not written
        raise
    return post


def post_check(
    *,
    actor: User,
    body: str,
    visibility: str = Visibility.COMPANY,
    media: Sequence[Attachment] = (),
    space: Space | None = None,
    kind: str = PostKind.POST,
    kind_data: Mapping[str, Any] | None = None,
    confirm_watch: bool = False,
) -> str:
    """What ``post_create`` checks before writing, without writing anything: the text as it would be stored, or the
    same refusal. A scheduled post (``stream.scheduling``) is checked so when it is scheduled, and published through
    ``post_create`` (which checks it all again) when its time comes."""
    access.require(actor, Action.CREATE_POST, Post(author=actor, space=space))
    _require_space_charter(actor, space.pk if space is not None else None)
    body = _check_body(body, limit=POST_MAX_CHARS, field="body")
    if visibility not in Visibility.values:
        raise ValidationError({"visibility": _("Choose who can see this post.")})
    _check_files(actor=actor, attachments=(), media=media, on_comment=False)
    mentioned = _resolve_mentions(actor=actor, body=body, field="body", space=space)
    if visibility == Visibility.MENTIONED and not [u for u in mentioned if u.pk != actor.pk]:
        raise ValidationError(
            {"body": _("This post is for mentioned people only: mention at least one colleague with @handle.")}
        )
    if kind != PostKind.POST:
        kinds.prepare(actor=actor, kind=kind, data=kind_data)
    screening.screen(text=body, confirmed=confirm_watch)
    return body


def post_published(post: Post, *, mentioned_ids: tuple[int, ...], with_documents: bool) -> None:
    """Say that ``post`` is out, in the write's transaction: its home timelines (filled now when they are
    few), its mentions' notifications, live pages, and every other consumer of ``PostCreated``. At its
    creation, or when a moderator approves it (``moderation.approval``)."""
    emit(
        PostCreated(
            actor_id=post.author_id,
            post_id=post.pk,
            space_id=post.space_id,
            mentioned_ids=mentioned_ids,
            delivered=timelines.deliver_if_small(post),
            with_documents=with_documents,
        )
    )
    _queue_link_preview(post)


def image_prepare_for_import(*, uploaded_by: User, content: bytes, alt_text: str = "") -> Attachment | None:
    """An image fetched from outside (a feed item's picture), decoded and re-encoded like an upload, for
    ``post_import_unchecked``; ``None`` when it is not an image Essaim reads. Before the transaction."""
    upload = SimpleUploadedFile("image.jpg", content)
    try:
        attachment = attachment_files.prepare(upload=upload, uploaded_by=uploaded_by, alt_text=alt_text)
    except ValidationError:
        return None
    if not attachment.is_image:
        attachment_files.discard([attachment])
        return None
    return attachment


def images_discard(images: Sequence[Attachment]) -> None:
    """Remove the files of prepared images that no post took (``image_prepare_for_import``)."""
    attachment_files.discard(images)


def post_import_unchecked(
    *, author: User, space: Space, body: str, body_html: str, images: Sequence[Attachment] = ()
) -> Post:
    """A post brought in from outside (a feed's item) by ``author``, a feed's identity, in the caller's
    transaction. Unchecked, as its name says: the caller decided (the feed was subscribed by someone who
    runs ``space``, and is still active); no mentions nor tags are looked up, no rate limit applies, and
    ``body_html`` must already be sanitised (``core.markdown.sanitise_html``). ``images``: prepared
    attachments (``attachments.prepare``), taken by the post."""
    post = Post(author=author, body=body[:POST_MAX_CHARS], visibility=Visibility.COMPANY, space=space)
    post.body_html = body_html
    post.attachment_count = len(images)
    post.save(force_insert=True)
    _take_files(images, (), post=post)  # no tags nor mentions: an item's words are not ours
    emit(
        PostCreated(actor_id=author.pk, post_id=post.pk, space_id=space.pk, delivered=timelines.deliver_if_small(post))
    )
    return post


@dataclass(frozen=True)
class ImportedPost:
    """One post of ``posts_import_unchecked``: its text, its sanitised HTML, its prepared images."""

    body: str
    body_html: str
    images: Sequence[Attachment] = ()


def posts_import_unchecked(*, author: User, space: Space, items: Sequence[ImportedPost]) -> list[Post]:
    """Many posts brought in at once by ``author`` (a feed's new items), in the caller's transaction, with the
    same (absence of) checks as ``post_import_unchecked``: one insert for the posts, one for their home
    timelines (``timelines.deliver_many_if_small``), one for the events' outbox rows; open pages are told
    of the last post only (``PostCreated.live``). Item by item, a 500-item feed took 18 s (bench/feeds.py)."""
    posts = []
    for item in items:
        post = Post(author=author, body=item.body[:POST_MAX_CHARS], visibility=Visibility.COMPANY, space=space)
        post.body_html, post.attachment_count = item.body_html, len(item.images)
        posts.append(post)
    Post.objects.bulk_create(posts)
    for post, item in zip(posts, items, strict=True):  # no tags nor mentions: an item's words are not ours
        if item.images:
            _take_files(item.images, (), post=post)
    delivered = timelines.deliver_many_if_small(posts)
    last = len(posts) - 1
    emit(
        *(
            PostCreated(actor_id=author.pk, post_id=p.pk, space_id=space.pk, delivered=delivered, live=n == last)
            for n, p in enumerate(posts)
        )
    )
    return posts


def post_edit(
    *,
    actor: User,
    post: Post,
    body: str,
    attachments: Sequence[UploadedFile] = (),
    remove: Sequence[int] = (),
    image_description: str = "",
    confirm_watch: bool = False,
    spoiler_text: str | None = None,
    sensitive: bool | None = None,
) -> Post:
    """Change a post's text, and add files (``attachments``) or remove some of its own (``remove``, their ids).

    A new text keeps the previous one in the post's history; any change marks the post edited.
    ``image_description`` is the alt text of the images added. As in :func:`post_create`, new files
    are checked and re-encoded before the transaction, and removed ones leave the storage once it
    commits; a refused edit changes nothing and stores nothing. A new text goes through the watch rules
    (``confirm_watch`` as in :func:`post_create`): one a "hold" rule matches hides the post until compliance
    decides. ``spoiler_text`` and ``sensitive`` change its content warning (``None``: as it is); a new warning
    is an edit, kept in the history as a new text is.
    """
    access.require(actor, Action.EDIT, post)
    body = _check_body(body, limit=POST_MAX_CHARS, field="body")
    warning = (
        _check_spoiler(spoiler_text) if spoiler_text is not None else post.spoiler_text,
        sensitive if sensitive is not None else post.sensitive,
    )
    removed = _attachments_to_remove(post, remove)
    rewarned = warning != (post.spoiler_text, post.sensitive)
    if not attachments and not removed and body == post.body and not rewarned:
        return post
    count = post.attachments.filter(comment__isnull=True).count() - len(removed) + len(attachments)
    if count > MAX_ATTACHMENTS:
        raise ValidationError(
            {"attachments": _("Attach at most %(count)d files to one post.") % {"count": MAX_ATTACHMENTS}}
        )
    mentioned = _resolve_mentions(actor=actor, body=body, field="body", space=post.space) if body != post.body else None
    others = [u for u in mentioned or () if u.pk != post.author_id]
    if mentioned is not None and post.visibility == Visibility.MENTIONED and not others:
        raise ValidationError({"body": _("This post is for mentioned people only: keep at least one @mention.")})
    verdict = screening.screen(text=body, confirmed=confirm_watch) if mentioned is not None else screening.Verdict()
    files: list[Attachment] = []
    try:
        _prepare_files(actor, attachments, image_description, into=files)
        with transaction.atomic():
            before = _post_mentions(post) if mentioned is not None else set()
            _save_edit(post, body=body, mentioned=mentioned, files=files, removed=removed, count=count, warning=warning)
            if verdict:
                _held_after_edit(post, verdict)
            emit(_edited(actor, post, mentioned, before, with_documents=_with_documents(files, ())))
            if mentioned is not None:  # a new text: perhaps a new first link
                _queue_link_preview(post, had_preview=post.link_preview_id is not None)
    except BaseException:
        attachment_files.discard(files)  # the files of an edit that was not written
        raise
    return post


def _held_after_edit(post: Post, verdict: screening.Verdict) -> None:
    """An edit's watch-rule matches written for compliance; a "hold" hides the post until they decide."""
    published = not post.awaiting_approval
    screening.record(verdict, author_id=post.author_id, source="post_edit", post_id=post.pk, published_before=published)
    if verdict.holds and published:
        post.awaiting_approval, post.hidden_at = True, timezone.now()
        post.save(update_fields=["awaiting_approval", "hidden_at"])


def _attachments_to_remove(post: Post, ids: Sequence[int]) -> list[Attachment]:
    """The post's own files among ``ids`` (not its comments'); an id that is not one of them is refused."""
    wanted = set(ids)
    if not wanted:
        return []
    found = list(post.attachments.filter(pk__in=wanted, comment__isnull=True))
    if len(found) != len(wanted):
        raise ValidationError({"remove": _("These files are not this post's: reload the page and try again.")})
    return found


def _save_edit(
    post: Post,
    *,
    body: str,
    mentioned: list[User] | None,
    files: list[Attachment],
    removed: list[Attachment],
    count: int,
    warning: tuple[str, bool],
) -> None:
    fields = ["edited_at"]
    rewarned = warning != (post.spoiler_text, post.sensitive)
    if mentioned is not None or rewarned:  # a new text or warning: the previous version goes to the history
        revision = PostRevision(
            post=post,
            body=post.body,
            body_html=post.body_html,
            spoiler_text=post.spoiler_text,
            sensitive=post.sensitive,
            created_at=post.edited_at or post.created_at,
        )
        revision.full_clean()
        revision.save()
    if mentioned is not None:
        post.body = body
        post.body_html = render_body(body, mentioned=mentioned, space=post.space)
        fields += ["body", "body_html"]
    if rewarned:
        post.spoiler_text, post.sensitive = warning
        fields += ["spoiler_text", "sensitive"]
    post.edited_at = timezone.now()
    post.attachment_count = count
    fields.append("attachment_count")
    post.full_clean()
    post.save(update_fields=fields)
    for item in files:
        item.post = post
        item.save(force_insert=True)
    if removed:
        names = [(a.file.name or "", a.thumbnail.name or "") for a in removed]
        Attachment.objects.filter(pk__in=[a.pk for a in removed]).delete()
        transaction.on_commit(lambda: attachment_files.delete_files(names))
    if mentioned is not None:
        _sync_post_links(post, mentioned=mentioned)


def _post_mentions(post: Post) -> set[int]:
    return set(Mention.objects.filter(post=post, comment__isnull=True).values_list("user_id", flat=True))


def _edited(
    actor: User, post: Post, mentioned: list[User] | None, before: set[int], *, with_documents: bool
) -> PostEdited:
    """A new text reaches the people it now mentions (``mentioned_ids``: those it did not mention before):
    now when the audience is small (``timelines.deliver_if_small``, whose other entries are there
    already), else through the timelines' consumer."""
    if mentioned is None:
        return PostEdited(actor_id=actor.pk, post_id=post.pk, delivered=True, with_documents=with_documents)
    return PostEdited(
        actor_id=actor.pk,
        post_id=post.pk,
        mentioned_ids=tuple(u.pk for u in mentioned if u.pk != post.author_id and u.pk not in before),
        delivered=timelines.deliver_if_small(post),
        with_documents=with_documents,
    )


@transaction.atomic
def post_delete(*, actor: User, post: Post) -> None:
    """Delete a post with its comments, reactions, mentions, files (its comments' too) and timeline entries.

    Under a legal hold it goes all the same for everyone, and a copy is kept for compliance first
    (``compliance.holds``)."""
    access.require(actor, Action.DELETE, post)
    post_delete_unchecked(actor=actor, post=post)


def post_delete_unchecked(*, actor: User, post: Post) -> None:
    """:func:`post_delete` without its check, in the caller's transaction: compliance deletes a post a watch rule
    held (``watchrules.services.hit_reject``, which checked ``REVIEW_WATCH_HITS``)."""
    holds.preserve_post(post, by_id=actor.pk)
    files = [(a.file.name or "", a.thumbnail.name or "") for a in post.attachments.all()]
    emit(PostDeleted(actor_id=actor.pk, post_id=post.pk, author_id=post.author_id, space_id=post.space_id))
    post.delete()
    transaction.on_commit(lambda: attachment_files.delete_files(files))


# --- comments -----------------------------------------------------------------------------


def _refresh_comment_count(post: Post) -> None:
    post.comment_count = Comment.objects.filter(post=post).count()
    Post.objects.filter(pk=post.pk).update(comment_count=post.comment_count)


def comment_create(
    *,
    actor: User,
    post: Post,
    body: str,
    parent: Comment | None = None,
    attachments: Sequence[UploadedFile] = (),
    image_description: str = "",
    media: Sequence[Attachment] = (),
    confirm_watch: bool = False,
    spoiler_text: str = "",
    sensitive: bool = False,
) -> Comment:
    """Comment on a visible post, or reply to one of its top-level comments (two levels at most), with files.

    The files are a post's: the same checks (``attachments.prepare``: size, type sniffing, images
    re-encoded without EXIF with a thumbnail), the same limit (``MAX_ATTACHMENTS``), ``image_description``
    as the images' alt text, ``media`` the actor's earlier uploads (the API's media, the files a refused
    comment kept). A comment needs text, as a post does. As in :func:`post_create`, the files are
    prepared before the transaction, and what is written is all or nothing: a comment that is not
    written leaves no file behind. Without files it costs not one statement more than before.
    The watch rules read it as they read a post (``confirm_watch``); comments cannot wait hidden, so one a
    "hold" rule matches is refused, and compliance told (``screening.refuse_held_comment``).
    """
    access.require(actor, Action.COMMENT, post)
    _require_space_charter(actor, post.space_id)
    body = _check_body(body, limit=COMMENT_MAX_CHARS, field="body")
    spoiler_text = _check_spoiler(spoiler_text)
    take("comment", actor.pk)
    _check_files(actor=actor, attachments=attachments, media=media, on_comment=True)
    if parent is not None:
        if parent.post_id != post.pk:
            raise ValidationError({"parent": _("This reply does not belong to this post.")})
        if parent.parent_id is not None:
            parent = parent.parent  # replies stay two levels deep: answer in the same thread
    mentioned = _resolve_mentions(actor=actor, body=body, field="body")
    verdict = screening.screen(text=body, confirmed=confirm_watch)
    if verdict.holds:
        screening.refuse_held_comment(verdict, author_id=actor.pk, post_id=post.pk)
    comment = Comment(post=post, parent=parent, author=actor, body=body, spoiler_text=spoiler_text, sensitive=sensitive)
    comment.attachment_count = len(attachments) + len(media)
    comment.body_html = render_body(body, mentioned=mentioned)
    comment.full_clean()
    files: list[Attachment] = []
    try:
        _prepare_files(actor, attachments, image_description, into=files)
        with transaction.atomic():
            comment.save(force_insert=True)
            post_links.add_mentions(post_id=post.pk, comment_id=comment.pk, user_ids=[u.pk for u in mentioned])
            _refresh_comment_count(post)
            _take_files(files, media, post=post, comment=comment, image_description=image_description)
            if verdict:
                screening.record(verdict, author_id=actor.pk, source="comment", post_id=post.pk, comment_id=comment.pk)
            if post.kind != PostKind.POST:
                kinds.commented(post=post, comment=comment)  # a question's first answer…
            emit(
                CommentCreated(
                    actor_id=actor.pk,
                    comment_id=comment.pk,
                    post_id=post.pk,
                    parent_id=comment.parent_id,
                    mentioned_ids=tuple(u.pk for u in mentioned if u.pk != actor.pk),
                    with_documents=_with_documents(files, media),
                    post_kind=post.kind,
                )
            )
    except BaseException:
        attachment_files.discard(files)  # the files of a comment that was not written
        raise
    return comment


def comment_edit(
    *,
    actor: User,
    comment: Comment,
    body: str,
    confirm_watch: bool = False,
    spoiler_text: str | None = None,
    sensitive: bool | None = None,
) -> Comment:
    """A comment's new text, read by the watch rules as a new comment is (before the transaction); its content
    warning (``spoiler_text``, ``sensitive``) changed when given."""
    access.require(actor, Action.EDIT, comment)
    body = _check_body(body, limit=COMMENT_MAX_CHARS, field="body")
    before = (comment.spoiler_text, comment.sensitive)
    warning = (
        _check_spoiler(spoiler_text) if spoiler_text is not None else before[0],
        sensitive if sensitive is not None else before[1],
    )
    if body == comment.body and warning == before:
        return comment
    comment.spoiler_text, comment.sensitive = warning
    verdict = screening.screen(text=body, confirmed=confirm_watch)
    if verdict.holds:
        screening.refuse_held_comment(verdict, author_id=actor.pk, post_id=comment.post_id)
    return _comment_edit_write(actor=actor, comment=comment, body=body, verdict=verdict)


@transaction.atomic
def _comment_edit_write(*, actor: User, comment: Comment, body: str, verdict: screening.Verdict) -> Comment:
    mentioned = _resolve_mentions(actor=actor, body=body, field="body")
    if verdict:
        screening.record(
            verdict, author_id=actor.pk, source="comment_edit", post_id=comment.post_id, comment_id=comment.pk
        )
    holds.preserve_comment_version(comment, by_id=actor.pk)  # under a legal hold, the earlier text is kept
    comment.body = body
    comment.body_html = render_body(body, mentioned=mentioned)
    comment.edited_at = timezone.now()
    comment.full_clean()
    comment.save(update_fields=["body", "body_html", "edited_at", "spoiler_text", "sensitive"])
    Mention.objects.filter(comment=comment).exclude(user__in=mentioned).delete()
    post_links.add_mentions(post_id=comment.post_id, comment_id=comment.pk, user_ids=[u.pk for u in mentioned])
    emit(CommentEdited(actor_id=actor.pk, comment_id=comment.pk, post_id=comment.post_id))
    return comment


@transaction.atomic
def comment_delete(*, actor: User, comment: Comment) -> None:
    """Delete a comment and its replies, with their files (from the storage once the deletion commits, as
    :func:`post_delete` does)."""
    access.require(actor, Action.DELETE, comment)
    post = comment.post
    holds.preserve_comment(comment, by_id=actor.pk)
    with_files = Attachment.objects.filter(Q(comment=comment) | Q(comment__parent=comment))
    files = list(with_files.values_list("file", "thumbnail"))
    comment.delete()
    _refresh_comment_count(post)
    if files:
        transaction.on_commit(lambda: attachment_files.delete_files(files))


# --- reactions ----------------------------------------------------------------------------


def _take_turns_on(post: Post) -> None:
    """Reactions to one post take turns where the database can lock its row (PostgreSQL): each
    recounts them (``_refresh_reaction_counts``), and two counted side by side would each miss the
    other's and write a count one short. SQLite's writers already take turns."""
    if connection.features.has_select_for_update:
        list(Post.objects.select_for_update().filter(pk=post.pk).values_list("pk", flat=True))


def _refresh_reaction_counts(post: Post) -> None:
    """Recount the post's reactions and keep the counts on it, in SQL written once: the ORM took longer
    to build these two statements than to run them, on every reaction (issue 17 item 12)."""
    counts: dict[str, Any] = dict(fetch(_REACTION_COUNTS_SQL, [post.pk]))
    post.reaction_counts = counts
    field = Post._meta.get_field("reaction_counts")
    with connection.cursor() as cursor:
        cursor.execute(_POST_REACTION_COUNTS_SQL, [field.get_db_prep_save(counts, connection), post.pk])


_REACTION_COUNTS_SQL = f"SELECT emoji, COUNT(*) FROM {Reaction._meta.db_table} WHERE post_id = %s GROUP BY emoji"  # noqa: S608
_POST_REACTION_COUNTS_SQL = f"UPDATE {Post._meta.db_table} SET reaction_counts = %s WHERE id = %s"  # noqa: S608
# Reacting twice with the same emoji changes nothing: the unique constraint decides, in one statement
# (both engines know ``ON CONFLICT … DO NOTHING``) where ``get_or_create`` read, then wrote.
_REACTION_INSERT_SQL = (
    f"INSERT INTO {Reaction._meta.db_table} (post_id, user_id, emoji, created_at) "  # noqa: S608
    "VALUES (%s, %s, %s, %s) ON CONFLICT (post_id, user_id, emoji) DO NOTHING"
)


@transaction.atomic
def reaction_add(*, actor: User, post: Post, emoji: str) -> bool:
    """React to a post; reacting twice with the same emoji changes nothing. True if it was new."""
    access.require(actor, Action.REACT, post)
    emoji = checked_emoji(emoji)
    take("reaction", actor.pk)
    _take_turns_on(post)
    created_at = Reaction._meta.get_field("created_at").get_db_prep_save(timezone.now(), connection)
    with connection.cursor() as cursor:
        cursor.execute(_REACTION_INSERT_SQL, [post.pk, actor.pk, emoji, created_at])
        created = cursor.rowcount == 1
    if created:
        _refresh_reaction_counts(post)
        emit(ReactionAdded(actor_id=actor.pk, post_id=post.pk, emoji=emoji))
    return created


@transaction.atomic
def reaction_remove(*, actor: User, post: Post, emoji: str) -> bool:
    """Take a reaction back; removing one that is not there changes nothing. True if one was removed."""
    access.require(actor, Action.REACT, post)
    emoji = checked_emoji(emoji)
    _take_turns_on(post)
    deleted, _detail = Reaction.objects.filter(post=post, user=actor, emoji=emoji).delete()
    if deleted:
        _refresh_reaction_counts(post)
        emit(ReactionRemoved(actor_id=actor.pk, post_id=post.pk, emoji=emoji))
    return bool(deleted)


# --- tags ---------------------------------------------------------------------------------


def tag_name(raw: str) -> str:
    """The name a tag written ``raw`` (``#Vélo``) is created under (``Vélo``)."""
    return raw.lstrip("#")[:TAG_MAX_CHARS]


def tag_get_or_create(*, name: str) -> Tag:
    folded = fold(name.lstrip("#"))[:TAG_MAX_CHARS]
    if not folded:
        raise ValidationError({"name": _("Give the tag a name.")})
    tag, _created = Tag.objects.get_or_create(folded=folded, defaults={"name": tag_name(name)})
    return tag


@transaction.atomic
def tag_follow(*, actor: User, tag: Tag) -> TagFollow:
    """Follow a tag: its posts are in the actor's home feed from now on, the older ones too (the
    feed reads them from the tag: ``timelines``)."""
    access.require(actor, Action.FOLLOW_TAG)
    follow, _created = TagFollow.objects.get_or_create(user=actor, tag=tag)
    return follow


@transaction.atomic
def tag_unfollow(*, actor: User, tag: Tag) -> None:
    """Stop following a tag: its posts leave the actor's home feed at once (but those delivered for
    another reason: an author followed, a mention, a space)."""
    access.require(actor, Action.FOLLOW_TAG)
    TagFollow.objects.filter(user=actor, tag=tag).delete()


# --- announcements ------------------------------------------------------------------------


@transaction.atomic
def announcement_set(*, actor: User, post: Post, expires_at: datetime) -> Post:
    """Pin ``post`` on top of everyone's home feed until ``expires_at``."""
    access.require(actor, Action.ANNOUNCE, post)
    now = timezone.now()
    if expires_at <= now:
        raise ValidationError({"expires_at": _("Choose an end date in the future.")})
    if expires_at > now + timedelta(days=ANNOUNCEMENT_MAX_DAYS):
        raise ValidationError(
            {"expires_at": _("An announcement stays pinned %(days)d days at most.") % {"days": ANNOUNCEMENT_MAX_DAYS}}
        )
    post.is_announcement = True
    post.announcement_expires_at = expires_at
    post.announced_by = actor
    post.save(update_fields=["is_announcement", "announcement_expires_at", "announced_by"])
    announcements.forget()  # now, and again once committed: a reader may cache the old list in between
    transaction.on_commit(announcements.forget)
    emit(AnnouncementPublished(actor_id=actor.pk, post_id=post.pk))
    return post


@transaction.atomic
def announcement_clear(*, actor: User, post: Post) -> Post:
    access.require(actor, Action.ANNOUNCE, post)
    post.is_announcement = False
    post.announcement_expires_at = None
    post.announced_by = None
    post.save(update_fields=["is_announcement", "announcement_expires_at", "announced_by"])
    announcements.forget()  # now, and again once committed: a reader may cache the old list in between
    transaction.on_commit(announcements.forget)
    return post


# --- home timelines -----------------------------------------------------------------------


def timeline_rebuild(*, user: User) -> int:
    """Recompute ``user``'s materialised home timeline (after a follow/unfollow). Returns its size."""
    return timelines.rebuild(user=user)


__all__ = [
    "ANNOUNCEMENT_MAX_DAYS",
    "MAX_ATTACHMENTS",
    "Attachment",
    "announcement_clear",
    "announcement_set",
    "comment_create",
    "comment_delete",
    "comment_edit",
    "post_check",
    "post_create",
    "post_delete",
    "post_edit",
    "posts_archive_unchecked",
    "posts_delete_unchecked",
    "preview_body",
    "reaction_add",
    "reaction_remove",
    "render_body",
    "tag_follow",
    "tag_get_or_create",
    "tag_unfollow",
    "timeline_rebuild",
]


@transaction.atomic
def media_upload(*, actor: User, upload: UploadedFile, description: str = "") -> Attachment:
    """Upload a file before its post exists (Mastodon's media API); ``post_create(media=...)`` takes it.

    Until then only its uploader can see it.
    """
    access.require(actor, Action.UPLOAD_MEDIA)
    take("upload", actor.pk)
    return attachment_files.attach(post=None, upload=upload, uploaded_by=actor, alt_text=description)


@transaction.atomic
def post_hide(*, actor: User, post: Post, hidden: bool = True) -> Post:
    """Moderation: hide a post from everyone but its author and its moderators, or show it again."""
    access.require(actor, Action.HIDE, post)
    if post.awaiting_approval:
        raise ValidationError(_("This post is waiting for approval: approve it or reject it."))
    post.hidden_at = timezone.now() if hidden else None
    post.hidden_by = actor if hidden else None
    post.save(update_fields=["hidden_at", "hidden_by"])
    record(
        AuditAction.POST_HIDDEN if hidden else AuditAction.POST_SHOWN,
        actor=actor,
        target=post,
        space_id=post.space_id,
        label=_("Post #%(id)s by @%(handle)s") % {"id": post.pk, "handle": post.author.handle},
    )
    emit(PostHidden(actor_id=actor.pk, post_id=post.pk, hidden=hidden))
    return post


def posts_delete_unchecked(*, post_ids: Sequence[int]) -> int:
    """Delete posts as the system does (retention: ``compliance.retention``), without a permission check and
    without looking at legal holds (the caller chose posts no hold covers): each post's ``PostDeleted`` (no
    actor) tells the live pages, search and timelines as for a post its author deletes; files leave the
    storage once the deletion commits. In the caller's transaction; how many were deleted."""
    posts = list(Post.objects.filter(pk__in=list(post_ids)).values_list("pk", "author_id", "space_id"))
    if not posts:
        return 0
    files = list(Attachment.objects.filter(post_id__in=[p for p, _a, _s in posts]).values_list("file", "thumbnail"))
    for post_id, author_id, space_id in posts:
        emit(PostDeleted(actor_id=None, post_id=post_id, author_id=author_id, space_id=space_id))
    Post.objects.filter(pk__in=[p for p, _a, _s in posts]).delete()
    if files:
        transaction.on_commit(lambda: attachment_files.delete_files(files))
    return len(posts)


def posts_archive_unchecked(*, post_ids: Sequence[int]) -> int:
    """Archive posts as the system does (retention): hidden as moderation hides them — from everyone but their
    author and the space's moderators, so gone from every feed, search and live page — and kept. Posts
    already hidden stay as they are. No permission check; in the caller's transaction; how many."""
    now = timezone.now()
    ids = list(Post.objects.filter(pk__in=list(post_ids), hidden_at__isnull=True).values_list("pk", flat=True))
    Post.objects.filter(pk__in=ids).update(hidden_at=now, hidden_by=None)
    for post_id in ids:
        emit(PostHidden(actor_id=None, post_id=post_id, hidden=True))
    return len(ids)


@transaction.atomic
def media_discard(*, actor: User, attachment: Attachment) -> None:
    """Delete an upload no post has taken (the composer's "Remove" on a file kept from a refused post)."""
    access.require(actor, Action.DELETE, attachment)
    if attachment.post_id is not None:
        raise ValidationError({"media": _("This file belongs to a post: edit the post to remove it.")})
    files = [(attachment.file.name or "", attachment.thumbnail.name or "")]
    attachment.delete()
    transaction.on_commit(lambda: attachment_files.delete_files(files))


@transaction.atomic
def media_purge_unattached(*, older_than: timedelta) -> int:
    """Delete uploads that no post took within ``older_than`` (a system job: ``manage.py purge_media``)."""
    stale = Attachment.objects.filter(
        post__isnull=True, scheduled_post__isnull=True, id__lt=id_floor(timezone.now() - older_than)
    )
    files = list(stale.values_list("file", "thumbnail"))
    count = len(files)
    stale.delete()
    transaction.on_commit(lambda: attachment_files.delete_files(files))
    return count


# --- muted sources (``stream.sources``) -----------------------------------------------------


@transaction.atomic
def source_mute(*, actor: User, author: User | None = None, space: Space | None = None) -> SourceMute:
    """Stop showing ``actor`` the posts of one automated account (``author``: a feed's or an integration's), or
    of every automated account in ``space`` (a space they may see). Muting twice keeps the first."""
    access.require(actor, Action.MUTE_SOURCE)
    if (author is None) == (space is None):
        raise ValidationError(_("Choose one source to mute: a feed, an integration, or a space's automated posts."))
    if author is not None and author.kind not in sources.AUTOMATED:
        raise ValidationError(_("Only feeds and integrations can be muted; unfollow a person instead."))
    if space is not None:
        access.require(actor, Action.VIEW, space)
    mute, _created = SourceMute.objects.get_or_create(user=actor, author=author, space=space)
    return mute


@transaction.atomic
def source_unmute(*, actor: User, mute: SourceMute) -> None:
    """Show ``actor`` the muted source's posts again."""
    access.require(actor, Action.DELETE, mute)
    mute.delete()


# --- link previews (``stream.link_previews``) -----------------------------------------------


def _queue_link_preview(post: Post, *, had_preview: bool = False) -> None:
    """After the commit, fetch the card of the post's first link (or drop a card its new text no longer links)."""
    if link_previews.may_have_link(post) or had_preview:
        from essaim.stream import tasks  # the task module imports these services

        post_id = post.pk
        transaction.on_commit(lambda: tasks.fetch_link_preview.enqueue(post_id=post_id))


@transaction.atomic
def post_link_preview_set_unchecked(*, post_id: int, preview: LinkPreview | None) -> bool:
    """Give a post the card its task found (or none): unchecked, for the task; a card its author took off stays
    off. When that changes what the post shows, its open pages are told to redraw it (the card often comes
    after the post was drawn); returns whether it changed."""
    new_id = preview.pk if preview is not None else None
    changed = (
        Post.objects.filter(pk=post_id, link_preview_removed=False)
        .exclude(link_preview_id=new_id)
        .update(link_preview=preview)
    )
    if changed:
        emit(LinkPreviewChanged(actor_id=None, post_id=post_id))
    return bool(changed)


@transaction.atomic
def post_link_preview_remove(*, actor: User, post: Post) -> None:
    """Take the link's card off a post, for good (an edit does not bring it back): its author's choice."""
    access.require(actor, Action.REMOVE_LINK_PREVIEW, post)
    had_card = post.link_preview_id is not None
    post.link_preview, post.link_preview_removed = None, True
    post.save(update_fields=["link_preview", "link_preview_removed"])
    if had_card:  # gone from the other readers' open pages too
        emit(LinkPreviewChanged(actor_id=actor.pk, post_id=post.pk))


# --- saved posts (bookmarks) ----------------------------------------------------------------


def _refresh_bookmark_count(post: Post) -> None:
    post.bookmark_count = Bookmark.objects.filter(post_id=post.pk).count()
    Post.objects.filter(pk=post.pk).update(bookmark_count=post.bookmark_count)


@transaction.atomic
def bookmark_add(*, actor: User, post: Post) -> bool:
    """Save ``post`` to ``actor``'s own list (whoever may read it); saving twice changes nothing. Whether it
    was new. Private: nobody else is told, no event goes out."""
    access.require(actor, Action.BOOKMARK, post)
    _bookmark, created = Bookmark.objects.get_or_create(user=actor, post=post)
    if created:
        _refresh_bookmark_count(post)
    return created


@transaction.atomic
def bookmark_remove(*, actor: User, post: Post) -> bool:
    """Take ``post`` off ``actor``'s saved posts; whether it was there."""
    access.require(actor, Action.BOOKMARK, post)
    deleted, _rows = Bookmark.objects.filter(user=actor, post=post).delete()
    if deleted:
        _refresh_bookmark_count(post)
    return bool(deleted)
